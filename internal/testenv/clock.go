package testenv

import (
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
)

var (
	_ operator.Clock     = (*ManualClock)(nil)
	_ heap.Clock         = (*ManualClock)(nil)
	_ statebackend.Clock = (*ManualClock)(nil)
)

// ManualClock is a processing-time clock that only the test moves. Its zero
// value reads 0. Moving it does not run processing-time callbacks; a
// harness's SetProcessingTime does both.
type ManualClock struct {
	ms atomic.Int64
}

// NewManualClock returns a clock reading ms, in epoch milliseconds.
func NewManualClock(ms int64) *ManualClock {
	c := new(ManualClock)
	c.ms.Store(ms)
	return c
}

// NowMillis returns the clock's time in epoch milliseconds.
func (c *ManualClock) NowMillis() int64 { return c.ms.Load() }

// Set sets the clock's time in epoch milliseconds. It may move the clock
// backwards.
func (c *ManualClock) Set(ms int64) { c.ms.Store(ms) }

// Advance moves the clock forward by d, truncated to milliseconds.
func (c *ManualClock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
