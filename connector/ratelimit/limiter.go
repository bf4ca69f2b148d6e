package ratelimit

import (
	"math"
	"time"
)

// Limiter paces one reader. Record k after the schedule's base is due at
// base + k/rate. It is used from the reader's goroutine only.
type Limiter struct {
	perRecord float64 // nanoseconds; 0: unlimited
	base      time.Time
	emitted   float64
	now       func() time.Time

	wait  chan struct{}
	timer *time.Timer
}

// New returns an unlimited limiter that reads the time from now (nil: the
// wall clock).
func New(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now}
}

// SetRate sets the rate in records per second (≤ 0: unlimited) and starts a
// new schedule.
func (l *Limiter) SetRate(recordsPerSecond float64) {
	l.perRecord = 0
	if recordsPerSecond > 0 {
		l.perRecord = float64(time.Second) / recordsPerSecond
	}
	l.base, l.emitted = time.Time{}, 0
}

// Ready reports whether the reader may poll: false while it waits for the
// next due time.
func (l *Limiter) Ready() bool {
	if l.wait == nil {
		return true
	}
	select {
	case <-l.wait:
		l.wait, l.timer = nil, nil
		return true
	default:
		return false
	}
}

// Allowed returns how many records may be emitted now, at most limit; when
// none, it arms the channel Available returns for the next due time.
func (l *Limiter) Allowed(limit int) int {
	if l.perRecord == 0 {
		return limit
	}
	now := l.now()
	if l.base.IsZero() {
		l.base, l.emitted = now, 0
	}
	elapsed := float64(now.Sub(l.base))
	// Keep at most one batch of unused rate (after backpressure or a
	// stall), so the source does not burst — but a full one, so that a poll
	// that comes late (the task was busy, its timer woke it late) still
	// gets a whole batch.
	if lag := elapsed - l.emitted*l.perRecord; lag > float64(limit)*l.perRecord {
		batch := float64(limit) * l.perRecord
		l.base = now.Add(-time.Duration(batch))
		l.emitted, elapsed = 0, batch
	}
	due := math.Floor(elapsed/l.perRecord) + 1 - l.emitted
	if due >= 1 {
		return int(min(due, float64(limit)))
	}
	if l.wait == nil {
		// Clamped: a tiny rate must not overflow the duration; the reader
		// re-checks the schedule when it wakes.
		d := time.Duration(min(max(l.emitted*l.perRecord-elapsed, 0), float64(time.Hour)))
		ch := make(chan struct{})
		l.wait = ch
		l.timer = time.AfterFunc(d, func() { close(ch) })
	}
	return 0
}

// Emitted records that n records went out.
func (l *Limiter) Emitted(n int) { l.emitted += float64(n) }

// Available is ready at the next due time while the limiter holds the
// reader back, nil otherwise.
func (l *Limiter) Available() <-chan struct{} { return l.wait }

// Stop releases the timer.
func (l *Limiter) Stop() {
	if l.timer != nil {
		l.timer.Stop()
	}
}
