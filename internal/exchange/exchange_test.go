package exchange

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
)

// --- partitioners ---

func TestPointwiseTargetsCoverEveryConsumer(t *testing.T) {
	for np := 1; np <= 17; np++ {
		for nc := 1; nc <= 17; nc++ {
			inputs := make([][]int, nc) // producers feeding each consumer
			for i := range np {
				ts := PointwiseTargets(i, np, nc)
				if len(ts) == 0 {
					t.Fatalf("np=%d nc=%d: producer %d has no consumer", np, nc, i)
				}
				if np >= nc && len(ts) != 1 {
					t.Fatalf("np=%d nc=%d: producer %d feeds %v, want exactly one consumer", np, nc, i, ts)
				}
				for k, c := range ts {
					if c < 0 || c >= nc {
						t.Fatalf("np=%d nc=%d: producer %d targets consumer %d out of range", np, nc, i, c)
					}
					if k > 0 && c != ts[k-1]+1 {
						t.Fatalf("np=%d nc=%d: producer %d targets %v, not a contiguous range", np, nc, i, ts)
					}
					inputs[c] = append(inputs[c], i)
				}
				if got := Targets(Forward, i, np, nc); !slices.Equal(got, ts) {
					t.Fatalf("Targets(Forward) = %v, PointwiseTargets = %v", got, ts)
				}
				if got := Targets(Rescale, i, np, nc); !slices.Equal(got, ts) {
					t.Fatalf("Targets(Rescale) = %v, PointwiseTargets = %v", got, ts)
				}
			}
			lo, hi := np, 0
			for c, in := range inputs {
				switch {
				case len(in) == 0:
					t.Fatalf("np=%d nc=%d: consumer %d has no producer", np, nc, c)
				case np <= nc && len(in) != 1:
					t.Fatalf("np=%d nc=%d: consumer %d is fed by %v, want exactly one producer", np, nc, c, in)
				}
				lo, hi = min(lo, len(in)), max(hi, len(in))
			}
			if hi-lo > 1 {
				t.Fatalf("np=%d nc=%d: consumers are fed by between %d and %d producers, want balanced", np, nc, lo, hi)
			}
			if np == nc {
				for c, in := range inputs {
					if in[0] != c {
						t.Fatalf("np=nc=%d: consumer %d fed by %v, want %d", np, c, in, c)
					}
				}
			}
		}
	}
}

func TestAllToAllTargets(t *testing.T) {
	for _, k := range []Kind{Rebalance, Shuffle, Broadcast, Hash, Global} {
		if k.Pointwise() {
			t.Fatalf("%v is pointwise", k)
		}
		for i := range 3 {
			if got := Targets(k, i, 3, 5); !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
				t.Fatalf("Targets(%v, %d, 3, 5) = %v", k, i, got)
			}
		}
	}
	if !Forward.Pointwise() || !Rescale.Pointwise() {
		t.Fatal("forward and rescale must be pointwise")
	}
	if Hash.String() != "HASH" || Forward.String() != "FORWARD" {
		t.Fatalf("names: %v %v", Hash, Forward)
	}
}

func selectCounts[T any](s Selector[T], n, records int, value func(i int) T) []int {
	counts := make([]int, n)
	for i := range records {
		r := operator.Record[T]{Value: value(i)}
		c := s.Select(&r)
		counts[c]++
	}
	return counts
}

func TestRebalanceDistributesEvenly(t *testing.T) {
	for _, k := range []Kind{Rebalance, Rescale} {
		for n := 2; n <= 7; n++ {
			for producer := range 3 {
				s := NewSelector[int](k, producer, n)
				counts := selectCounts(s, n, n*100+1, func(i int) int { return i })
				lo, hi := slices.Min(counts), slices.Max(counts)
				if hi-lo > 1 {
					t.Fatalf("%v n=%d producer=%d: counts %v not even", k, n, producer, counts)
				}
				// Producers start at different channels, as Flink's random
				// start, so that n producers with few records each do not
				// all load channel 0.
				first := NewSelector[int](k, producer, n)
				r := operator.Record[int]{}
				if got := first.Select(&r); got != producer%n {
					t.Fatalf("%v n=%d producer=%d starts at channel %d", k, n, producer, got)
				}
			}
		}
	}
}

func TestShuffleIsRoughlyUniform(t *testing.T) {
	const n, records = 4, 40000
	counts := selectCounts(NewSelector[int](Shuffle, 0, n), n, records, func(i int) int { return i })
	for c, k := range counts {
		if k < records/n*8/10 || k > records/n*12/10 {
			t.Fatalf("channel %d got %d of %d records: %v", c, k, records, counts)
		}
	}
}

func TestForwardAndGlobalUseFirstChannel(t *testing.T) {
	for _, k := range []Kind{Forward, Global} {
		counts := selectCounts(NewSelector[int](k, 3, 4), 4, 100, func(i int) int { return i })
		if counts[0] != 100 {
			t.Fatalf("%v: counts %v, want all on channel 0", k, counts)
		}
	}
	counts := selectCounts(NewSelector[int](Rebalance, 3, 1), 1, 10, func(i int) int { return i })
	if counts[0] != 10 {
		t.Fatalf("rebalance over one channel: %v", counts)
	}
}

func TestKeySelectorRoutesToKeyGroupOwner(t *testing.T) {
	codec := serde.MustFor[string]()
	for _, c := range []struct{ n, maxP int }{{1, 128}, {2, 128}, {3, 128}, {5, 7}, {7, 32768}} {
		s1 := NewKeySelector(func(v string) string { return v }, codec, c.maxP, c.n)
		s2 := NewKeySelector(func(v string) string { return v }, codec, c.maxP, c.n)
		used := map[int]bool{}
		for i := range 2000 {
			key := fmt.Sprintf("key-%d", i)
			kg := keygroup.ForKey(codec.Append(nil, key), c.maxP)
			want := keygroup.OperatorIndex(kg, c.n, c.maxP)
			r := operator.Record[string]{Value: key}
			got := s1.Select(&r)
			if got != want {
				t.Fatalf("n=%d maxP=%d key %q: channel %d, want %d (key group %d)", c.n, c.maxP, key, got, want, kg)
			}
			if !keygroup.RangeForSubtask(c.maxP, c.n, got).Contains(kg) {
				t.Fatalf("key group %d routed to subtask %d, which does not own it", kg, got)
			}
			// The same key always goes to the same channel, from any
			// producer.
			if again, other := s1.Select(&r), s2.Select(&r); again != got || other != got {
				t.Fatalf("key %q routed to %d, then %d, by another producer %d", key, got, again, other)
			}
			used[got] = true
		}
		if len(used) != c.n {
			t.Fatalf("n=%d: 2000 keys reached only channels %v", c.n, used)
		}
	}
}

// --- channels ---

func TestChannelCreditsBlockProducerUntilConsumerReads(t *testing.T) {
	notify := make(chan struct{}, 1)
	ch := NewChannel[int](2, notify)
	done := make(chan struct{})
	for i := range 2 {
		if !ch.Send(done, Buffer[int]{Kind: event.Watermark, Watermark: int64(i)}) {
			t.Fatal("send with credit failed")
		}
	}
	if ch.Queued() != 2 {
		t.Fatalf("queued %d", ch.Queued())
	}
	select {
	case <-notify:
	default:
		t.Fatal("consumer not notified")
	}
	sent := make(chan bool)
	go func() { sent <- ch.Send(done, Buffer[int]{Kind: event.Watermark, Watermark: 2}) }()
	select {
	case <-sent:
		t.Fatal("send without credit did not wait")
	case <-time.After(20 * time.Millisecond):
	}
	if b, ok := ch.TryReceive(); !ok || b.Watermark != 0 {
		t.Fatalf("received %v %v", b, ok)
	}
	if ok := <-sent; !ok {
		t.Fatal("blocked send failed after credit came back")
	}
	if ch.BackPressuredTime() <= 0 {
		t.Fatal("the wait for credit was not accounted as back pressure")
	}
	for want := int64(1); want <= 2; want++ {
		if b, ok := ch.TryReceive(); !ok || b.Watermark != want {
			t.Fatalf("received %v %v, want watermark %d (order kept)", b, ok, want)
		}
	}
	if _, ok := ch.TryReceive(); ok {
		t.Fatal("received from an empty channel")
	}
}

func TestChannelSendAbortedByDone(t *testing.T) {
	ch := NewChannel[int](1, make(chan struct{}, 1))
	done := make(chan struct{})
	ch.Send(done, Buffer[int]{})
	res := make(chan bool)
	go func() { res <- ch.Send(done, Buffer[int]{}) }()
	time.Sleep(5 * time.Millisecond)
	close(done)
	select {
	case ok := <-res:
		if ok {
			t.Fatal("aborted send reported success")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("send blocked on credit was not aborted by done")
	}
	if ch.Queued() != 1 {
		t.Fatalf("queued %d after an aborted send", ch.Queued())
	}
}

func TestChannelRecyclesBatches(t *testing.T) {
	type big struct{ p *int }
	ch := NewChannel[big](2, make(chan struct{}, 1))
	b := ch.NewBatch(8)
	if cap(b) != 8 || len(b) != 0 {
		t.Fatalf("new batch len %d cap %d", len(b), cap(b))
	}
	x := 1
	b = append(b, operator.Record[big]{Value: big{&x}}, operator.Record[big]{Value: big{&x}})
	ch.Recycle(b)
	r := ch.NewBatch(8)
	if len(r) != 0 || cap(r) != 8 || &r[:1][0] != &b[0] {
		t.Fatal("batch not recycled")
	}
	if b[0].Value.p != nil || b[1].Value.p != nil {
		t.Fatal("recycled batch still references values")
	}
	ch.Recycle(nil) // no-op
}

// --- writer ---

// drain returns every buffer queued on ch.
func drain[T any](ch *Channel[T]) []Buffer[T] {
	var out []Buffer[T]
	for {
		b, ok := ch.TryReceive()
		if !ok {
			return out
		}
		out = append(out, b)
	}
}

func values[T any](bufs []Buffer[T]) []T {
	var out []T
	for _, b := range bufs {
		for _, r := range b.Records {
			out = append(out, r.Value)
		}
	}
	return out
}

func newChans[T any](n, credits int) []*Channel[T] {
	notify := make(chan struct{}, 1)
	cs := make([]*Channel[T], n)
	for i := range cs {
		cs[i] = NewChannel[T](credits, notify)
	}
	return cs
}

func TestWriterBatchesAndKeepsOrderWithEvents(t *testing.T) {
	chans := newChans[int](1, 100)
	w := NewWriter(chans, NewSelector[int](Forward, 0, 1), 4, make(chan struct{}))
	for i := range 10 {
		w.Collect(operator.Record[int]{Value: i})
	}
	bufs := drain(chans[0])
	if len(bufs) != 2 || len(bufs[0].Records) != 4 || len(bufs[1].Records) != 4 {
		t.Fatalf("full batches: %+v", bufs)
	}
	// A watermark flushes the partial batch first: it never overtakes a
	// record.
	w.EmitWatermark(42)
	w.EmitWatermarkStatus(true)
	w.Flush() // nothing pending: no empty buffer
	w.End()
	bufs = append(bufs, drain(chans[0])...)
	var kinds []event.Kind
	for _, b := range bufs {
		kinds = append(kinds, b.Kind)
	}
	want := []event.Kind{event.Data, event.Data, event.Data, event.Watermark, event.WatermarkStatus, event.EndOfPartition}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if got := values(bufs); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("values %v", got)
	}
	if bufs[3].Watermark != 42 || !bufs[4].Idle {
		t.Fatalf("events %+v %+v", bufs[3], bufs[4])
	}
}

func TestWriterBroadcastReachesAllChannels(t *testing.T) {
	chans := newChans[int](3, 100)
	w := NewWriter(chans, nil, 4, make(chan struct{}))
	for i := range 10 {
		w.Collect(operator.Record[int]{Value: i})
	}
	w.EmitWatermark(7)
	w.End()
	for c, ch := range chans {
		bufs := drain(ch)
		if got := values(bufs); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Fatalf("channel %d got %v", c, got)
		}
		if n := len(bufs); bufs[n-2].Kind != event.Watermark || bufs[n-1].Kind != event.EndOfPartition {
			t.Fatalf("channel %d: last buffers %+v", c, bufs[n-2:])
		}
	}
}

func TestWriterRoutesByKey(t *testing.T) {
	codec := serde.MustFor[int]()
	const n, maxP = 3, 128
	chans := newChans[int](n, 1000)
	w := NewWriter(chans, NewKeySelector(func(v int) int { return v % 50 }, codec, maxP, n), 16, make(chan struct{}))
	for i := range 1000 {
		w.Collect(operator.Record[int]{Value: i})
	}
	w.End()
	total := 0
	for c, ch := range chans {
		for _, v := range values(drain(ch)) {
			total++
			want := keygroup.OperatorIndex(keygroup.ForKey(codec.Append(nil, v%50), maxP), n, maxP)
			if c != want {
				t.Fatalf("value %d (key %d) on channel %d, want %d", v, v%50, c, want)
			}
		}
	}
	if total != 1000 {
		t.Fatalf("%d records delivered", total)
	}
}

func TestWriterCancelledSendFailsTask(t *testing.T) {
	chans := newChans[int](1, 1)
	done := make(chan struct{})
	w := NewWriter(chans, NewSelector[int](Forward, 0, 1), 1, done)
	w.Collect(operator.Record[int]{Value: 1}) // takes the only credit
	close(done)
	var failure *operator.Failure
	func() {
		defer func() {
			r := recover()
			f, ok := r.(*operator.Failure)
			if !ok {
				t.Fatalf("recovered %v, want *operator.Failure", r)
			}
			failure = f
		}()
		w.Collect(operator.Record[int]{Value: 2})
	}()
	if !IsCancelled(failure.Err) {
		t.Fatalf("failure %v is not a cancellation", failure.Err)
	}
	if IsCancelled(errors.New("task cancelled")) {
		t.Fatal("any error with the same text is a cancellation")
	}
}

func TestWriterSelectDoesNotAllocate(t *testing.T) {
	chans := newChans[int64](2, 1<<20)
	w := NewWriter(chans, NewSelector[int64](Rebalance, 0, 2), 1<<20, make(chan struct{}))
	single := NewWriter(newChans[int64](1, 1<<20), NewSelector[int64](Forward, 0, 1), 1<<20, make(chan struct{}))
	v := int64(0)
	allocs := testing.AllocsPerRun(1000, func() {
		v++
		w.Collect(operator.Record[int64]{Value: v})
		single.Collect(operator.Record[int64]{Value: v})
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per record", allocs)
	}
}

// --- gate ---

type recordingInput[T any] struct {
	values   []T
	wms      []int64
	statuses []bool
}

func (r *recordingInput[T]) ProcessElement(rec operator.Record[T]) {
	r.values = append(r.values, rec.Value)
}
func (r *recordingInput[T]) ProcessWatermark(wm int64)        { r.wms = append(r.wms, wm) }
func (r *recordingInput[T]) ProcessWatermarkStatus(idle bool) { r.statuses = append(r.statuses, idle) }

func TestGateCombinesChannels(t *testing.T) {
	chans := newChans[int](2, 100)
	in := &recordingInput[int]{}
	g := NewGate(chans, operator.Input[int](in))
	done := make(chan struct{})
	send := func(c int, b Buffer[int]) { chans[c].Send(done, b) }
	send(0, Buffer[int]{Kind: event.Data, Records: []operator.Record[int]{{Value: 1}, {Value: 2}}})
	send(1, Buffer[int]{Kind: event.Data, Records: []operator.Record[int]{{Value: 3}}})
	send(0, Buffer[int]{Kind: event.Watermark, Watermark: 10})
	send(1, Buffer[int]{Kind: event.Watermark, Watermark: 5})
	send(1, Buffer[int]{Kind: event.Watermark, Watermark: 20})
	if n := g.Poll(100); n != 5 {
		t.Fatalf("polled %d buffers", n)
	}
	if !slices.Equal(in.values, []int{1, 2, 3}) || !slices.Equal(in.wms, []int64{5, 10}) {
		t.Fatalf("values %v watermarks %v", in.values, in.wms)
	}
	// The budget bounds one poll.
	for range 5 {
		send(0, Buffer[int]{Kind: event.Data, Records: []operator.Record[int]{{Value: 9}}})
	}
	if n := g.Poll(2); n != 2 {
		t.Fatalf("poll with budget 2 handled %d", n)
	}
	if n := g.Poll(100); n != 3 {
		t.Fatalf("second poll handled %d", n)
	}
	if g.Poll(100) != 0 {
		t.Fatal("poll of empty channels handled buffers")
	}
	// An ended channel releases the watermark; the end of the last one
	// ends the gate.
	send(0, Buffer[int]{Kind: event.EndOfPartition})
	g.Poll(100)
	if g.Ended() || in.wms[len(in.wms)-1] != 20 {
		t.Fatalf("ended %v watermarks %v", g.Ended(), in.wms)
	}
	send(1, Buffer[int]{Kind: event.EndOfPartition})
	g.Poll(100)
	if !g.Ended() {
		t.Fatal("gate not ended")
	}
}

func TestGateIsFairAcrossChannels(t *testing.T) {
	chans := newChans[int](3, 100)
	in := &recordingInput[int]{}
	g := NewGate(chans, operator.Input[int](in))
	done := make(chan struct{})
	for i := range 10 {
		for c := range 3 {
			chans[c].Send(done, Buffer[int]{Kind: event.Data, Records: []operator.Record[int]{{Value: c*100 + i}}})
		}
	}
	g.Poll(6)
	seen := map[int]int{}
	for _, v := range in.values {
		seen[v/100]++
	}
	if seen[0] != 2 || seen[1] != 2 || seen[2] != 2 {
		t.Fatalf("one poll of 6 took %v per channel, want 2 each", seen)
	}
}

// --- valve ---

func TestValveMinOverChannels(t *testing.T) {
	v := NewValve(3)
	if v.Current() != event.MinWatermark {
		t.Fatal("initial watermark")
	}
	if _, ok := v.Watermark(0, 5); ok {
		t.Fatal("advanced while other channels have no watermark")
	}
	v.Watermark(1, 3)
	if wm, ok := v.Watermark(2, 7); !ok || wm != 3 {
		t.Fatalf("got %d %v, want 3", wm, ok)
	}
	if wm, ok := v.Watermark(1, 10); !ok || wm != 5 {
		t.Fatalf("got %d %v, want 5", wm, ok)
	}
	// A watermark that goes back on its channel is ignored.
	if _, ok := v.Watermark(0, 4); ok || v.Current() != 5 {
		t.Fatalf("regression accepted: %d", v.Current())
	}
	if wm, ok := v.Watermark(0, 8); !ok || wm != 7 {
		t.Fatalf("got %d %v, want 7", wm, ok)
	}
}

func TestValveIdleChannelsExcluded(t *testing.T) {
	v := NewValve(3)
	v.Watermark(0, 10)
	v.Watermark(1, 20)
	// Channel 2 never emitted; once idle, it no longer holds back.
	wm, adv, idle, changed := v.Status(2, true)
	if !adv || wm != 10 || idle || changed {
		t.Fatalf("status idle: wm=%d advanced=%v idle=%v changed=%v", wm, adv, idle, changed)
	}
	// A watermark on an idle channel is ignored.
	if _, ok := v.Watermark(2, 100); ok {
		t.Fatal("idle channel advanced the watermark")
	}
	// Repeating a status is not a change.
	if _, adv, _, changed := v.Status(2, true); adv || changed {
		t.Fatal("repeated status changed something")
	}
	if wm, ok := v.Watermark(0, 30); !ok || wm != 20 {
		t.Fatalf("got %d %v, want 20", wm, ok)
	}
}

func TestValveRealignment(t *testing.T) {
	v := NewValve(2)
	v.Watermark(0, 5)
	v.Watermark(1, 5)
	v.Status(1, true)
	if wm, ok := v.Watermark(0, 50); !ok || wm != 50 {
		t.Fatalf("got %d %v", wm, ok)
	}
	// Channel 1 turns active behind the input's watermark: it does not pull
	// the watermark back, and does not hold it back until it catches up.
	wm, adv, idle, changed := v.Status(1, false)
	if adv || wm != 50 || idle || changed {
		t.Fatalf("reactivation: wm=%d advanced=%v idle=%v changed=%v", wm, adv, idle, changed)
	}
	if wm, ok := v.Watermark(0, 60); !ok || wm != 60 {
		t.Fatalf("unaligned channel held the watermark back: %d %v", wm, ok)
	}
	if _, ok := v.Watermark(1, 40); ok || v.Current() != 60 {
		t.Fatalf("unaligned channel pulled the watermark back: %d", v.Current())
	}
	// Caught up: aligned again, it holds the watermark back from now on.
	if _, ok := v.Watermark(1, 65); ok {
		t.Fatal("advanced to 65 while channel 0 is at 60")
	}
	if wm, ok := v.Watermark(0, 70); !ok || wm != 65 {
		t.Fatalf("got %d %v, want 65 (min over aligned channels)", wm, ok)
	}
	// A channel that turns active ahead of the input's watermark is aligned
	// at once.
	v.Status(0, true) // at 70
	if wm, ok := v.Watermark(1, 68); !ok || wm != 68 {
		t.Fatalf("got %d %v, want 68", wm, ok)
	}
	v.Status(0, false)
	if _, ok := v.Watermark(1, 90); !ok || v.Current() != 70 {
		t.Fatalf("channel 0 (at 70) not aligned on reactivation: %d", v.Current())
	}
}

func TestValveAllIdleMakesInputIdle(t *testing.T) {
	v := NewValve(2)
	v.Watermark(0, 10)
	v.Watermark(1, 10)
	if _, _, idle, changed := v.Status(0, true); idle || changed {
		t.Fatal("input idle with one active channel")
	}
	if _, _, idle, changed := v.Status(1, true); !idle || !changed {
		t.Fatal("input not idle when every channel is")
	}
	if _, _, idle, changed := v.Status(1, true); !idle || changed {
		t.Fatal("repeated idle status changed the input")
	}
	if _, _, idle, changed := v.Status(0, false); idle || !changed {
		t.Fatal("input still idle after a channel turned active")
	}
}

// As Flink's StatusWatermarkValve (FLINK-18934): when the last active
// channel turns idle while it held the watermark, the input's watermark
// becomes the highest of all channels, since none of them will advance
// until one turns active again (and then it is unaligned until it catches
// up).
func TestValveAllIdleFlushesMaxWatermark(t *testing.T) {
	v := NewValve(2)
	v.Watermark(0, 30)
	v.Watermark(1, 10)
	if wm, adv, idle, _ := v.Status(0, true); adv || wm != 10 || idle {
		t.Fatalf("first idle: wm=%d advanced=%v idle=%v", wm, adv, idle)
	}
	wm, adv, idle, changed := v.Status(1, true)
	if !adv || wm != 30 || !idle || !changed {
		t.Fatalf("all idle: wm=%d advanced=%v idle=%v changed=%v; want the max watermark 30 flushed with the idle status", wm, adv, idle, changed)
	}
	// Channel 1 turns active at 10: behind, unaligned, it cannot pull 30
	// back.
	v.Status(1, false)
	if _, ok := v.Watermark(1, 20); ok || v.Current() != 30 {
		t.Fatalf("watermark went back to %d", v.Current())
	}
}

func TestValveEndedChannelReleasesWatermark(t *testing.T) {
	v := NewValve(2)
	v.Watermark(0, 10)
	v.Status(1, true)
	v.Watermark(0, 15)
	// Channel 1 is idle and channel 0 ended: what is left is the ended
	// channel at the maximum watermark.
	if wm, ok := v.End(0); !ok || wm != event.MaxWatermark {
		t.Fatalf("end: %d %v, want the maximum watermark", wm, ok)
	}
	v2 := NewValve(2)
	v2.Watermark(0, 10)
	v2.Watermark(1, 20)
	if wm, ok := v2.End(0); !ok || wm != 20 {
		t.Fatalf("end of the channel holding the watermark back: %d %v, want 20", wm, ok)
	}
}
