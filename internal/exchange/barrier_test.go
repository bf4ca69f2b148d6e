package exchange

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// logInput logs records and the aligner's decisions in the order the
// consumer sees them.
type logInput struct{ log []string }

func (l *logInput) ProcessElement(r operator.Record[int]) { l.log = append(l.log, fmt.Sprint(r.Value)) }
func (l *logInput) ProcessWatermark(wm int64)             { l.log = append(l.log, fmt.Sprintf("wm %d", wm)) }
func (l *logInput) ProcessWatermarkStatus(bool)           {}
func (l *logInput) onAlign(a Alignment) {
	l.log = append(l.log, fmt.Sprintf("%s %d", a.Kind, a.Barrier.ID))
}

func data(vs ...int) Buffer[int] {
	b := Buffer[int]{Kind: event.Data}
	for _, v := range vs {
		b.Records = append(b.Records, operator.Record[int]{Value: v})
	}
	return b
}

func barrier(id int64) Buffer[int] {
	return Buffer[int]{Kind: event.CheckpointBarrier, Barrier: event.Barrier{ID: id, Timestamp: 100 + id}}
}

// alignedGate returns a gate over n channels aligned by an aligner over
// them, logging to the returned input.
func alignedGate(n int, mode CheckpointingMode) (*Gate[int], []*Channel[int], *Aligner, *logInput) {
	chans := newChans[int](n, 100)
	in := &logInput{}
	g := NewGate(chans, operator.Input[int](in))
	a := NewAligner(n, mode)
	g.Align(a, 0, in.onAlign)
	return g, chans, a, in
}

func TestWriterEmitsBarrierInOrderWithRecords(t *testing.T) {
	chans := newChans[int](2, 100)
	w := NewWriter(chans, NewSelector[int](Rebalance, 0, 2), 4, make(chan struct{}))
	for i := range 6 {
		w.Collect(operator.Record[int]{Value: i})
	}
	b := event.Barrier{ID: 7, Timestamp: 1234, Savepoint: true}
	w.EmitBarrier(b)
	for i := 6; i < 10; i++ {
		w.Collect(operator.Record[int]{Value: i})
	}
	w.End()
	// Every channel gets the barrier, after the records collected before
	// it (the partial batches are flushed first) and before the rest.
	for c, ch := range chans {
		var got []string
		for _, buf := range drain(ch) {
			switch buf.Kind {
			case event.Data:
				for _, r := range buf.Records {
					got = append(got, fmt.Sprint(r.Value))
				}
			case event.CheckpointBarrier:
				if buf.Barrier != b {
					t.Fatalf("channel %d: barrier %+v, want %+v", c, buf.Barrier, b)
				}
				got = append(got, "barrier")
			case event.EndOfPartition:
				got = append(got, "end")
			}
		}
		want := []string{fmt.Sprint(c), fmt.Sprint(c + 2), fmt.Sprint(c + 4), "barrier", fmt.Sprint(c + 6), fmt.Sprint(c + 8), "end"}
		if !slices.Equal(got, want) {
			t.Fatalf("channel %d: %q, want %q", c, got, want)
		}
	}
}

func TestGateDeliversBarrierInOrder(t *testing.T) {
	g, chans, _, in := alignedGate(1, ExactlyOnce)
	done := make(chan struct{})
	w := NewWriter(chans, nil, 3, done)
	for i := range 5 {
		w.Collect(operator.Record[int]{Value: i})
	}
	w.EmitBarrier(event.Barrier{ID: 1})
	w.Collect(operator.Record[int]{Value: 5})
	w.EmitWatermark(9)
	w.EmitBarrier(event.Barrier{ID: 2})
	w.End()
	for !g.Ended() {
		if g.Poll(100) == 0 {
			t.Fatal("gate stalled")
		}
	}
	want := []string{"0", "1", "2", "3", "4", "aligned 1", "5", "wm 9", "aligned 2"}
	if !slices.Equal(in.log, want) {
		t.Fatalf("log %q, want %q", in.log, want)
	}
}

func TestGateDoesNotPollBlockedChannel(t *testing.T) {
	g, chans, a, in := alignedGate(2, ExactlyOnce)
	done := make(chan struct{})
	chans[0].Send(done, data(1))
	chans[0].Send(done, barrier(1))
	chans[0].Send(done, data(2))
	chans[0].Send(done, data(3))
	chans[1].Send(done, data(10))
	g.Poll(100)
	if !a.Blocked(0) || chans[0].Queued() != 2 {
		t.Fatalf("blocked %v, %d buffers left on the blocked channel", a.Blocked(0), chans[0].Queued())
	}
	for range 3 {
		if n := g.Poll(100); n != 0 {
			t.Fatalf("polled %d buffers of a blocked channel", n)
		}
	}
	// The other channel still flows.
	chans[1].Send(done, data(11))
	g.Poll(100)
	if want := []string{"1", "10", "11"}; !slices.Equal(in.log, want) {
		t.Fatalf("log %q, want %q", in.log, want)
	}
	// Its barrier aligns the checkpoint before anything after it; then
	// the blocked channel's data flows.
	chans[1].Send(done, barrier(1))
	chans[1].Send(done, data(12))
	for g.Poll(100) > 0 {
	}
	if a.Blocked(0) || chans[0].Queued() != 0 {
		t.Fatal("channel 0 still blocked after alignment")
	}
	if got := in.log[3:]; got[0] != "aligned 1" || !slices.Contains(got, "2") || !slices.Contains(got, "3") || !slices.Contains(got, "12") || len(got) != 4 {
		t.Fatalf("after the barrier: %q", got)
	}

	// At-least-once: nothing is blocked; the checkpoint is taken when the
	// last barrier arrived, after records that followed the first one.
	g, chans, a, in = alignedGate(2, AtLeastOnce)
	chans[0].Send(done, barrier(1))
	chans[0].Send(done, data(2))
	g.Poll(100)
	chans[1].Send(done, barrier(1))
	g.Poll(100)
	if want := []string{"2", "aligned 1"}; !slices.Equal(in.log, want) || a.Blocked(0) {
		t.Fatalf("log %q, want %q", in.log, want)
	}
}

// The channels of a task's gates are aligned together: a two-input task
// blocks its first input after the barrier until the second delivered it.
func TestGatesShareAligner(t *testing.T) {
	done := make(chan struct{})
	notify := make(chan struct{}, 1)
	a1 := []*Channel[int]{NewChannel[int](10, notify), NewChannel[int](10, notify)}
	a2 := []*Channel[string]{NewChannel[string](10, notify)}
	log := &logInput{}
	in2 := &recordingInput[string]{}
	g1 := NewGate(a1, operator.Input[int](log))
	g2 := NewGate(a2, operator.Input[string](in2))
	al := NewAligner(3, ExactlyOnce)
	g1.Align(al, 0, log.onAlign)
	g2.Align(al, 2, log.onAlign)
	if g1.NumChannels() != 2 || g2.NumChannels() != 1 {
		t.Fatal("channel counts")
	}
	a1[0].Send(done, barrier(1))
	a1[0].Send(done, data(1))
	a1[1].Send(done, barrier(1))
	a1[1].Send(done, data(2))
	a2[0].Send(done, Buffer[string]{Kind: event.Data, Records: []operator.Record[string]{{Value: "x"}}})
	for g1.Poll(100)+g2.Poll(100) > 0 {
	}
	if len(log.log) != 0 || !slices.Equal(in2.values, []string{"x"}) || !al.Blocked(0) || !al.Blocked(1) || al.Blocked(2) {
		t.Fatalf("before the second input's barrier: log %q, input 2 %q", log.log, in2.values)
	}
	a2[0].Send(done, Buffer[string]{Kind: event.CheckpointBarrier, Barrier: event.Barrier{ID: 1}})
	for g2.Poll(100)+g1.Poll(100) > 0 {
	}
	if want := []string{"aligned 1", "1", "2"}; !slices.Equal(log.log, want) {
		t.Fatalf("log %q, want %q", log.log, want)
	}
	// A channel that ends during alignment completes it.
	a1[0].Send(done, barrier(2))
	a1[1].Send(done, barrier(2))
	a2[0].Send(done, Buffer[string]{Kind: event.EndOfPartition})
	for g1.Poll(100)+g2.Poll(100) > 0 {
	}
	if want := []string{"aligned 1", "1", "2", "aligned 2"}; !slices.Equal(log.log, want) || al.Blocked(0) {
		t.Fatalf("log %q, want %q", log.log, want)
	}
}

// While a channel is blocked its producer runs out of credit and waits:
// nothing is buffered beyond the channel's credits and the producer's
// current batch.
func TestBlockedChannelBackpressuresProducer(t *testing.T) {
	const credits, batch, after = 2, 4, 1000
	notify := make(chan struct{}, 1)
	chans := []*Channel[int]{NewChannel[int](credits, notify), NewChannel[int](credits, notify)}
	in := &logInput{}
	g := NewGate(chans, operator.Input[int](in))
	al := NewAligner(2, ExactlyOnce)
	g.Align(al, 0, in.onAlign)
	done := make(chan struct{})
	defer close(done)

	var collected atomic.Int64 // records collected after the barrier
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		w := NewWriter(chans[:1], nil, batch, done)
		for i := range 10 {
			w.Collect(operator.Record[int]{Value: i})
		}
		w.EmitBarrier(event.Barrier{ID: 1})
		for i := range after {
			w.Collect(operator.Record[int]{Value: 100 + i})
			collected.Add(1)
		}
		w.End()
	}()
	// The consumer keeps polling; channel 0 blocks at its barrier and
	// fills up to its credits.
	deadline := time.Now().Add(10 * time.Second)
	for !al.Blocked(0) || chans[0].Queued() < credits {
		if time.Now().After(deadline) {
			t.Fatalf("channel 0 blocked %v with %d buffers queued", al.Blocked(0), chans[0].Queued())
		}
		g.Poll(16)
		time.Sleep(100 * time.Microsecond)
	}
	for range 50 {
		g.Poll(16)
		time.Sleep(time.Millisecond)
	}
	// The producer is held: the channel's credits and the batch it fills
	// are all that was collected after the barrier.
	if n := collected.Load(); n > credits*batch+batch {
		t.Fatalf("producer collected %d records past the barrier while blocked, want at most %d", n, credits*batch+batch)
	}
	if q := chans[0].Queued(); q != credits {
		t.Fatalf("%d buffers queued on the blocked channel, want its %d credits", q, credits)
	}
	if len(in.log) != 10 {
		t.Fatalf("consumed %q while blocked", in.log)
	}
	// The second channel's barrier (and end) releases the producer.
	chans[1].Send(done, barrier(1))
	chans[1].Send(done, Buffer[int]{Kind: event.EndOfPartition})
	for !g.Ended() {
		if time.Now().After(deadline) {
			t.Fatal("gate did not end")
		}
		if g.Poll(16) == 0 {
			select {
			case <-notify:
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	<-finished
	if len(in.log) != 10+1+after || in.log[10] != "aligned 1" {
		t.Fatalf("consumed %d entries, entry 10 %q", len(in.log), in.log[10])
	}
}

// A gate without an aligner drops barriers and is never blocked.
func TestGateWithoutAlignerDropsBarriers(t *testing.T) {
	chans := newChans[int](1, 10)
	in := &logInput{}
	g := NewGate(chans, operator.Input[int](in))
	done := make(chan struct{})
	chans[0].Send(done, barrier(1))
	chans[0].Send(done, data(1))
	g.Poll(10)
	if !slices.Equal(in.log, []string{"1"}) {
		t.Fatalf("log %q", in.log)
	}
}
