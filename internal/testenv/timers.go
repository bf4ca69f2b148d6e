package testenv

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/internal/operator"
)

var _ operator.ProcessingTimers = (*ProcessingTimeService)(nil)

// maxFiringsPerAdvance bounds the callbacks one SetProcessingTime runs, so
// that a callback that keeps scheduling itself at the current time fails the
// test instead of hanging it.
const maxFiringsPerAdvance = 1_000_000

// ProcessingTimeService is a processing-time service whose callbacks run
// only when the test moves time with SetProcessingTime (Flink's
// TestProcessingTimeService). It implements operator.ProcessingTimers.
type ProcessingTimeService struct {
	clock *ManualClock
	q     callbackQueue
	seq   uint64
}

// NewProcessingTimeService returns a service with no callbacks over clock.
func NewProcessingTimeService(clock *ManualClock) *ProcessingTimeService {
	return &ProcessingTimeService{clock: clock}
}

// Clock returns the service's clock.
func (s *ProcessingTimeService) Clock() *ManualClock { return s.clock }

// Now returns the current processing time.
func (s *ProcessingTimeService) Now() int64 { return s.clock.NowMillis() }

// At schedules fn to run once processing time reaches ts, and returns a
// function that cancels it if it has not run. A callback already due runs at
// the next SetProcessingTime, as a task runs it at its next loop.
func (s *ProcessingTimeService) At(ts int64, fn func(now int64)) (cancel func()) {
	s.seq++
	c := &callback{at: ts, seq: s.seq, fn: fn}
	heap.Push(&s.q, c)
	return func() {
		if c.index >= 0 {
			heap.Remove(&s.q, c.index)
		}
	}
}

// SetProcessingTime sets the clock to ts and runs every callback due at ts,
// in order of due time and then of scheduling, including those the
// callbacks schedule at or before ts. Each runs with now = ts: the clock
// jumps, as a task's wakes up late. Call it repeatedly to step through time.
// It panics if ts is before the current time, and lets a callback's panic
// through, leaving the callbacks after it pending.
func (s *ProcessingTimeService) SetProcessingTime(ts int64) {
	if now := s.clock.NowMillis(); ts < now {
		panic(fmt.Sprintf("testenv: processing time moves backwards from %d to %d", now, ts))
	}
	s.clock.Set(ts)
	for n := 0; len(s.q) > 0 && s.q[0].at <= ts; n++ {
		if n == maxFiringsPerAdvance {
			panic(fmt.Sprintf("testenv: more than %d processing-time callbacks due at %d: a callback keeps scheduling callbacks due now", maxFiringsPerAdvance, ts))
		}
		c := heap.Pop(&s.q).(*callback)
		c.fn(ts)
	}
}

// NumPending returns the number of callbacks scheduled and not yet run or
// cancelled.
func (s *ProcessingTimeService) NumPending() int { return len(s.q) }

// Pending returns the due times of the pending callbacks, in the order they
// will run.
func (s *ProcessingTimeService) Pending() []int64 {
	cs := slices.Clone(s.q)
	slices.SortFunc(cs, func(a, b *callback) int {
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		return cmp.Compare(a.seq, b.seq)
	})
	ts := make([]int64, len(cs))
	for i, c := range cs {
		ts[i] = c.at
	}
	return ts
}

// Next returns the due time of the earliest pending callback, and false if
// there is none.
func (s *ProcessingTimeService) Next() (int64, bool) {
	if len(s.q) == 0 {
		return 0, false
	}
	return s.q[0].at, true
}

// clear drops every pending callback.
func (s *ProcessingTimeService) clear() {
	for _, c := range s.q {
		c.index = -1
	}
	s.q = nil
}

type callback struct {
	at    int64
	seq   uint64
	fn    func(now int64)
	index int // in callbackQueue, -1 once run or cancelled
}

// callbackQueue is a min-heap of callbacks by (at, seq).
type callbackQueue []*callback

func (q callbackQueue) Len() int { return len(q) }
func (q callbackQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q callbackQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}
func (q *callbackQueue) Push(x any) {
	c := x.(*callback)
	c.index = len(*q)
	*q = append(*q, c)
}
func (q *callbackQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	c.index = -1
	return c
}
