package testenv

import (
	"errors"
	"fmt"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/serde"
)

// HarnessBase is what every harness has in common; SideOutput and SetKey
// take one. It is implemented by *OneInput and *TwoInput only.
type HarnessBase interface {
	Context() *operator.Context
	core() *harness
}

// phase is where a harness's operator is in its lifecycle.
type phase uint8

const (
	created phase = iota // not opened yet
	opened               // Open succeeded
	ended                // EndInput called: the input ended
	closed               // Close called
)

func (p phase) String() string {
	return [...]string{"created", "opened", "ended", "closed"}[p]
}

// clearer is a capture ClearOutput can clear.
type clearer interface{ Clear() }

// harness is the part of a harness that does not depend on the operator's
// types: its context, services, side outputs and lifecycle.
type harness struct {
	op      operator.Operator
	ctx     *operator.Context
	clock   *ManualClock
	timers  *ProcessingTimeService
	backend *heap.Backend // nil unless keyed
	main    clearer
	sides   map[string]clearer
	phase   phase
	// watermark is the operator's current input watermark, combined over
	// its inputs (Context.CurrentWatermark).
	watermark int64
}

func newHarness(cfg config) *harness {
	clock := NewManualClock(cfg.start)
	h := &harness{
		clock:     clock,
		timers:    NewProcessingTimeService(clock),
		sides:     make(map[string]clearer),
		watermark: event.MinWatermark,
	}
	h.ctx = &operator.Context{
		JobName:        cfg.jobName,
		OperatorName:   cfg.name,
		OperatorUID:    cfg.uid,
		TaskName:       fmt.Sprintf("%s (%d/%d)", cfg.name, cfg.subtask+1, cfg.parallelism),
		Subtask:        cfg.subtask,
		Parallelism:    cfg.parallelism,
		MaxParallelism: cfg.maxPar,
		Attempt:        cfg.attempt,
		Clock:          clock,
		Timers:         h.timers,
		KeyGroups:      keygroup.RangeForSubtask(cfg.maxPar, cfg.parallelism, cfg.subtask),
		SideOutputs:    make(map[string]any),
		BroadcastState: make(map[string]any),
		CurrentWatermark: func() int64 {
			return h.watermark
		},
	}
	if cfg.keyed {
		h.backend = heap.New(h.ctx.KeyGroups, clock)
		h.ctx.Keyed = h.backend
	}
	for _, edit := range cfg.editContext {
		edit(h.ctx)
	}
	return h
}

func (h *harness) core() *harness { return h }

// Context returns the operator's context.
func (h *harness) Context() *operator.Context { return h.ctx }

// Clock returns the harness's processing-time clock. Moving it directly
// runs no callbacks; SetProcessingTime does.
func (h *harness) Clock() *ManualClock { return h.clock }

// ProcessingTimeService returns the operator's processing-time service
// (Context.Timers), to inspect its pending callbacks.
func (h *harness) ProcessingTimeService() *ProcessingTimeService { return h.timers }

// ProcessingTime returns the current processing time.
func (h *harness) ProcessingTime() int64 { return h.clock.NowMillis() }

// CurrentWatermark returns the operator's current input watermark, the
// value of Context.CurrentWatermark: the highest watermark the operator
// received (of a two-input operator, the minimum over its active inputs), or
// event.MinWatermark before any.
func (h *harness) CurrentWatermark() int64 { return h.watermark }

// Backend returns the operator's keyed state backend, nil unless the
// harness is Keyed. Tests read state through handles on it (as
// statebackend.NewValue does) after choosing the key with SetKey.
func (h *harness) Backend() statebackend.Keyed {
	if h.backend == nil {
		return nil
	}
	return h.backend
}

// NumKeyedStateEntries returns how many (key, namespace) pairs have a value
// in the keyed state named stateName, 0 if the state does not exist or the
// harness is not keyed.
func (h *harness) NumKeyedStateEntries(stateName string) int {
	if h.backend == nil || h.phase == closed {
		return 0
	}
	n := 0
	h.backend.Keys(stateName, func([]byte, []byte) { n++ })
	return n
}

// ClearOutput discards everything captured so far, on the main output and
// on every side output.
func (h *harness) ClearOutput() {
	h.main.Clear()
	for _, s := range h.sides {
		s.Clear()
	}
}

// Open opens the operator with its context. It is an error to open a
// harness twice or after Close. If Open fails, Close does not close the
// operator, as a task closes only the operators it opened.
func (h *harness) Open() error {
	if h.phase != created {
		return fmt.Errorf("testenv: Open of operator %q in phase %v", h.ctx.OperatorName, h.phase)
	}
	err := guard(func() error { return h.op.Open(h.ctx) })
	if err == nil {
		h.phase = opened
	}
	return err
}

// SetProcessingTime moves processing time to ts and runs every
// processing-time callback due, in order, including the ones they schedule
// (see ProcessingTimeService.SetProcessingTime). It is an error to move
// processing time backwards or after Close; before Open it only sets the
// clock.
func (h *harness) SetProcessingTime(ts int64) error {
	if h.phase == closed {
		return fmt.Errorf("testenv: SetProcessingTime of operator %q after Close", h.ctx.OperatorName)
	}
	if now := h.clock.NowMillis(); ts < now {
		return fmt.Errorf("testenv: processing time moves backwards from %d to %d", now, ts)
	}
	return guard(func() error {
		h.timers.SetProcessingTime(ts)
		return nil
	})
}

// Close closes the operator if Open succeeded, drops the pending
// processing-time callbacks and closes the state backend. Closing again
// does nothing.
func (h *harness) Close() error {
	if h.phase == closed {
		return nil
	}
	wasOpen := h.phase != created
	h.phase = closed
	var err error
	if wasOpen {
		err = guard(h.op.Close)
	}
	h.timers.clear()
	if h.backend != nil {
		err = errors.Join(err, h.backend.Close())
	}
	return err
}

// input runs fn, which feeds the operator's input, if the operator is open
// and its input has not ended.
func (h *harness) input(method string, fn func()) error {
	if err := h.checkInput(method); err != nil {
		return err
	}
	return guard(func() error {
		fn()
		return nil
	})
}

func (h *harness) checkInput(method string) error {
	switch h.phase {
	case created:
		return fmt.Errorf("testenv: %s of operator %q before Open", method, h.ctx.OperatorName)
	case ended:
		return fmt.Errorf("testenv: %s of operator %q after EndInput", method, h.ctx.OperatorName)
	case closed:
		return fmt.Errorf("testenv: %s of operator %q after Close", method, h.ctx.OperatorName)
	}
	return nil
}

// endInput runs fn, which sends the final watermark, then finishes the
// operator.
func (h *harness) endInput(fn func()) error {
	if err := h.checkInput("EndInput"); err != nil {
		return err
	}
	h.phase = ended
	return guard(func() error {
		fn()
		return h.op.Finish()
	})
}

// SetKey makes key, encoded with codec, the current key of h's state
// backend, so that the test can read and write the state of that key
// through handles on Backend. It is an error if the harness is not keyed or
// key belongs to a key group outside the subtask's range.
func SetKey[K any](h HarnessBase, codec serde.Codec[K], key K) error {
	c := h.core()
	if c.backend == nil {
		return fmt.Errorf("testenv: SetKey on operator %q, which is not keyed (option Keyed)", c.ctx.OperatorName)
	}
	kg, enc := operator.KeyGroupOf(codec, key, c.ctx.MaxParallelism, nil)
	if !c.ctx.KeyGroups.Contains(kg) {
		return fmt.Errorf("testenv: key %v is in key group %d, outside the range %v of subtask %d", key, kg, c.ctx.KeyGroups, c.ctx.Subtask)
	}
	c.backend.SetCurrentKey(enc, kg)
	return nil
}

// OwnsKey reports whether key, encoded with codec, belongs to the key-group
// range of h's subtask, that is whether the hash partitioner would route it
// to this subtask.
func OwnsKey[K any](h HarnessBase, codec serde.Codec[K], key K) bool {
	c := h.core()
	kg, _ := operator.KeyGroupOf(codec, key, c.ctx.MaxParallelism, nil)
	return c.ctx.KeyGroups.Contains(kg)
}
