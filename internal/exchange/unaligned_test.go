package exchange

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
)

// unalignedGate returns a gate over n channels of credits buffers, aligned
// by an aligner with unaligned checkpoints (timeout in ms), logging to the
// returned input; on an unaligned start it starts the capture, and it
// keeps the completed channel states.
func unalignedGate(t *testing.T, n, credits int, timeout int64) (*Gate[int], []*Channel[int], *Aligner, *logInput, map[int64]*ChannelState) {
	chans := newChans[int](n, credits)
	in := &logInput{}
	g := NewGate(chans, operator.Input[int](in))
	if err := g.EnableUnaligned(); err != nil {
		t.Fatal(err)
	}
	a := NewAligner(n, ExactlyOnce)
	a.SetUnaligned(timeout)
	states := map[int64]*ChannelState{}
	g.Align(a, 0, func(d Alignment) {
		in.onAlign(d)
		switch d.Kind {
		case UnalignedStarted:
			g.StartCapture()
		case ChannelStateComplete:
			states[d.Barrier.ID] = d.State
		}
	})
	return g, chans, a, in, states
}

// decodeState returns the records of each channel of a channel state.
func decodeState(t *testing.T, st *ChannelState) [][]int {
	t.Helper()
	chans, err := DecodeChannelState(st.Encode())
	if err != nil {
		t.Fatal(err)
	}
	c := serde.MustFor[int]()
	out := make([][]int, len(chans))
	for i, data := range chans {
		recs, err := decodeRecords(c, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			out[i] = append(out[i], r.Value)
		}
	}
	return out
}

// An unaligned barrier from a writer overtakes the queued batches and the
// writer's partial batch; the gate records them and still delivers every
// record in order.
func TestWriterUnalignedBarrierOvertakes(t *testing.T) {
	g, chans, _, in, states := unalignedGate(t, 2, 8, 0)
	w := NewWriter(chans[:1], NewSelector[int](Forward, 0, 1), 2, make(chan struct{}))
	w.SetUnaligned(true, 0)
	for i := range 5 {
		w.Collect(operator.Record[int]{Value: i})
	}
	w.EmitBarrier(event.Barrier{ID: 1, Timestamp: 1})
	w.Collect(operator.Record[int]{Value: 5})
	w.Flush()
	chans[1].Send(nil, data(100))
	chans[1].Send(nil, barrier(1))
	g.Poll(100)
	// The gates reads its channels round robin: each in order.
	for _, seq := range [][]string{{"unaligned 1", "0", "1", "2", "3", "4", "5"}, {"unaligned 1", "100", "channel-state-complete 1"}} {
		if !inOrder(in.log, seq) || len(in.log) != 9 {
			t.Fatalf("log %q, want %q in order", in.log, seq)
		}
	}
	if got := decodeState(t, states[1]); fmt.Sprint(got) != "[[0 1 2 3 4] [100]]" {
		t.Fatalf("channel state %v", got)
	}
}

// With an aligned checkpoint timeout, a writer without credit sends the
// barrier unaligned once the timeout passed; one with credit sends it in
// order and announces it, and the gate lets it overtake when the
// checkpoint switches to unaligned.
func TestWriterAlignedTimeout(t *testing.T) {
	t.Run("no-credit", func(t *testing.T) {
		chans := newChans[int](1, 1)
		w := NewWriter(chans, NewSelector[int](Forward, 0, 1), 1, make(chan struct{}))
		w.SetUnaligned(true, 30*time.Millisecond)
		w.Collect(operator.Record[int]{Value: 1}) // takes the only credit
		start := time.Now()
		w.EmitBarrier(event.Barrier{ID: 1, Timestamp: start.UnixMilli()})
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Fatalf("gave up after %v", d)
		}
		bufs := drain(chans[0])
		if len(bufs) != 2 || bufs[0].Kind != event.CheckpointBarrier || !bufs[0].Barrier.Unaligned {
			t.Fatalf("buffers %+v: want the unaligned barrier first", bufs)
		}
	})
	t.Run("announced", func(t *testing.T) {
		g, chans, a, in, states := unalignedGate(t, 2, 8, 50)
		w := NewWriter(chans[:1], NewSelector[int](Forward, 0, 1), 1, make(chan struct{}))
		w.SetUnaligned(true, 50*time.Millisecond)
		w.Collect(operator.Record[int]{Value: 1})
		w.EmitBarrier(event.Barrier{ID: 7, Timestamp: time.Now().UnixMilli()})
		w.Collect(operator.Record[int]{Value: 2})
		// The announcement starts the alignment; nothing is taken yet
		// but it (the gate reads priority buffers first).
		g.Poll(1)
		if p, ok := a.Pending(); !ok || p.ID != 7 {
			t.Fatalf("pending %v %v after the announcement", p, ok)
		}
		deadline, _ := a.Deadline()
		for _, d := range a.Tick(deadline) {
			g.onAlign(d)
		}
		// Channel 0's barrier overtook record 1; channel 1 still owes it.
		if !a.PendingUnaligned() || a.Capturing(0) || !a.Capturing(1) {
			t.Fatalf("after the timeout: unaligned %v capturing %v %v", a.PendingUnaligned(), a.Capturing(0), a.Capturing(1))
		}
		chans[1].Send(nil, data(3))
		chans[1].Send(nil, barrier(7))
		g.Poll(100)
		for _, seq := range [][]string{{"unaligned 7", "1", "2"}, {"unaligned 7", "3", "channel-state-complete 7"}} {
			if !inOrder(in.log, seq) || len(in.log) != 5 {
				t.Fatalf("log %q, want %q in order", in.log, seq)
			}
		}
		if got := decodeState(t, states[7]); fmt.Sprint(got) != "[[1] [3]]" {
			t.Fatalf("channel state %v", got)
		}
	})
}

// A gate that does not take an unaligned barrier unaligned (a stale one
// here) handles it in place, after the records it overtook.
func TestStaleUnalignedBarrierInPlace(t *testing.T) {
	g, chans, a, in, _ := unalignedGate(t, 1, 8, 0)
	a.Abort(1)
	chans[0].Send(nil, data(1))
	chans[0].SendPriority(Buffer[int]{Kind: event.CheckpointBarrier, Barrier: event.Barrier{ID: 1, Unaligned: true}})
	chans[0].Send(nil, data(2))
	g.Poll(100)
	if want := []string{"1", "2"}; !slices.Equal(in.log, want) {
		t.Fatalf("log %q, want %q", in.log, want)
	}
	if chans[0].Queued() != 0 {
		t.Fatalf("%d buffers left", chans[0].Queued())
	}
}

// Channel state round trip and corruption.
func TestChannelStateEncoding(t *testing.T) {
	c := serde.MustFor[int]()
	st := &ChannelState{Channels: [][]byte{appendRecords(nil, c, []operator.Record[int]{{Value: 4, Timestamp: -3}}), nil}}
	data := st.Encode()
	chans, err := DecodeChannelState(data)
	if err != nil || len(chans) != 2 || len(chans[1]) != 0 {
		t.Fatalf("decoded %v, %v", chans, err)
	}
	recs, err := decodeRecords(c, chans[0])
	if err != nil || len(recs) != 1 || recs[0].Value != 4 || recs[0].Timestamp != -3 {
		t.Fatalf("records %v, %v", recs, err)
	}
	data[len(data)/2] ^= 1
	if _, err := DecodeChannelState(data); err == nil {
		t.Fatal("corruption not detected")
	}
}

// inOrder reports whether seq is a subsequence of log.
func inOrder(log, seq []string) bool {
	i := 0
	for _, l := range log {
		if i < len(seq) && l == seq[i] {
			i++
		}
	}
	return i == len(seq)
}
