package task

import "container/heap"

// procTimers is the task's processing-time service: callbacks ordered by
// due time, run on the task goroutine.
type procTimers struct {
	h   timerHeap
	seq uint64
	// cursor is the task's cursor: a callback runs with it on the operator
	// that registered the callback, so a failure in it names that operator.
	cursor *int
}

type procTimer struct {
	at        int64
	seq       uint64
	fn        func(now int64)
	op        int // the cursor when the callback was registered
	cancelled bool
}

type timerHeap []*procTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(*procTimer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// At implements operator.ProcessingTimers.
func (p *procTimers) At(ts int64, fn func(now int64)) func() {
	p.seq++
	t := &procTimer{at: ts, seq: p.seq, fn: fn}
	if p.cursor != nil {
		t.op = *p.cursor
	}
	heap.Push(&p.h, t)
	return func() { t.cancelled = true }
}

// next returns the due time of the earliest pending callback.
func (p *procTimers) next() (int64, bool) {
	for len(p.h) > 0 && p.h[0].cancelled {
		heap.Pop(&p.h)
	}
	if len(p.h) == 0 {
		return 0, false
	}
	return p.h[0].at, true
}

// fire runs every callback due at now, including ones they register.
func (p *procTimers) fire(now int64) bool {
	fired := false
	for len(p.h) > 0 && p.h[0].at <= now {
		t := heap.Pop(&p.h).(*procTimer)
		if !t.cancelled {
			if p.cursor != nil {
				*p.cursor = t.op
			}
			t.fn(now)
			fired = true
		}
	}
	return fired
}
