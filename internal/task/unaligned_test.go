package task

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/exchange"
)

// csHandler is a recHandler that also takes channel state, journaling it
// and keeping it for a restore.
type csHandler struct {
	*recHandler
	mu    sync.Mutex
	state map[int64][]byte
}

func (h *csHandler) Snapshot(b event.Barrier) error {
	if b.Unaligned {
		h.j.add(fmt.Sprintf("snapshot %d unaligned", b.ID))
		return nil
	}
	return h.recHandler.Snapshot(b)
}

func (h *csHandler) ChannelState(id int64, data []byte) {
	h.j.add(fmt.Sprintf("channel state %d", id))
	h.mu.Lock()
	h.state[id] = data
	h.mu.Unlock()
}

func newUnalignedTask(twoGates bool, timeout time.Duration) (*inputTask, *csHandler) {
	it := newInputTask(twoGates, exchange.ExactlyOnce)
	h := &csHandler{recHandler: it.h, state: map[int64][]byte{}}
	it.tk.SetCheckpointHandler(h)
	it.tk.SetUnaligned(true, timeout)
	return it, h
}

func unalignedBar(id int64) exchange.Buffer[int] {
	return exchange.Buffer[int]{Kind: event.CheckpointBarrier, Barrier: event.Barrier{ID: id, Timestamp: time.Now().UnixMilli(), Unaligned: true}}
}

// replay runs a fresh task restored with channel state data and returns
// the records it processes before anything else (its inputs only end).
func replay(t *testing.T, twoGates bool, data []byte) []string {
	t.Helper()
	it := newInputTask(twoGates, exchange.ExactlyOnce)
	it.tk.SetChannelState(data)
	it.send(it.a, endOfPartition)
	it.send(it.b, endOfPartition)
	it.start()
	var recs []string
	for _, c := range it.wait(t) {
		if len(c) > 4 && c[:4] == "rec " {
			recs = append(recs, c)
		}
	}
	return recs
}

// An unaligned barrier overtakes the records queued before it: the task
// snapshots at once, records them and those that arrive on the other
// channel before its barrier as channel state, and still processes them
// all. Restored, a task replays exactly those records.
func TestUnalignedBarrierOvertakesQueuedRecords(t *testing.T) {
	layouts(t, func(t *testing.T, twoGates bool) {
		it, h := newUnalignedTask(twoGates, 0)
		it.send(it.a, rec(1), rec(2))
		it.a.SendPriority(unalignedBar(1))
		it.send(it.a, rec(10))
		it.start()
		waitFor(t, "snapshot 1", func() bool { return it.j.has("snapshot 1 unaligned") })
		// Nothing blocks: records after the barrier on A are processed
		// before B delivered its barrier.
		waitFor(t, "rec 10", func() bool { return it.j.has("rec 10") })
		if it.j.has("channel state 1") {
			t.Fatalf("channel state complete before B delivered its barrier: %q", it.j.get())
		}
		it.send(it.b, rec(3), bar(1), rec(4), endOfPartition)
		it.send(it.a, endOfPartition)
		calls := it.wait(t)
		for _, order := range [][2]string{{"barrier 1", "snapshot 1 unaligned"}, {"snapshot 1 unaligned", "rec 1"},
			{"rec 2", "rec 10"}, {"rec 3", "channel state 1"}, {"channel state 1", "rec 4"}} {
			if !before(calls, order[0], order[1]) || !slices.Contains(calls, order[1]) {
				t.Fatalf("calls %q: want %q before %q", calls, order[0], order[1])
			}
		}
		if it.h.declined(1) != nil {
			t.Fatalf("declined: %v", it.h.declined(1))
		}
		got := replay(t, twoGates, h.state[1])
		if want := []string{"rec 1", "rec 2", "rec 3"}; !slices.Equal(got, want) {
			t.Fatalf("replayed %q, want %q", got, want)
		}
	})
}

// With an aligned checkpoint timeout the checkpoint starts aligned (the
// channel that delivered its barrier is blocked) and switches to unaligned
// when the timeout passed: the channels are unblocked and the one that
// owes its barrier records channel state.
func TestAlignedTimeoutSwitchesTaskToUnaligned(t *testing.T) {
	layouts(t, func(t *testing.T, twoGates bool) {
		it, h := newUnalignedTask(twoGates, 50*time.Millisecond)
		start := time.Now()
		b := bar(1)
		b.Barrier.Timestamp = start.UnixMilli()
		it.send(it.a, rec(1), b, rec(2))
		it.send(it.b, rec(3))
		it.start()
		waitFor(t, "rec 3", func() bool { return it.j.has("rec 3") })
		if it.j.has("rec 2") || it.j.has("snapshot 1 unaligned") {
			t.Fatalf("not aligned before the timeout: %q", it.j.get())
		}
		waitFor(t, "snapshot 1", func() bool { return it.j.has("snapshot 1 unaligned") })
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Fatalf("switched after %v, before the timeout", d)
		}
		waitFor(t, "rec 2", func() bool { return it.j.has("rec 2") })
		it.send(it.b, rec(4), bar(1), rec(5), endOfPartition)
		it.send(it.a, endOfPartition)
		calls := it.wait(t)
		for _, order := range [][2]string{{"rec 3", "snapshot 1 unaligned"}, {"snapshot 1 unaligned", "rec 2"},
			{"rec 4", "channel state 1"}, {"channel state 1", "rec 5"}} {
			if !before(calls, order[0], order[1]) || !slices.Contains(calls, order[1]) {
				t.Fatalf("calls %q: want %q before %q", calls, order[0], order[1])
			}
		}
		if got, want := replay(t, twoGates, h.state[1]), []string{"rec 4"}; !slices.Equal(got, want) {
			t.Fatalf("replayed %q, want %q", got, want)
		}
	})
}

// Savepoints stay aligned with unaligned checkpoints on; a task whose
// input type has no codec takes aligned checkpoints and says why.
func TestUnalignedSavepointAndFallback(t *testing.T) {
	it, _ := newUnalignedTask(false, 0)
	sp := bar(1)
	sp.Barrier.Savepoint = true
	it.send(it.a, rec(1), sp, rec(2))
	it.start()
	time.Sleep(20 * time.Millisecond)
	if it.j.has("rec 2") || it.j.has("snapshot 1 savepoint") {
		t.Fatalf("savepoint not aligned: %q", it.j.get())
	}
	it.send(it.b, sp, endOfPartition)
	it.send(it.a, endOfPartition)
	if calls := it.wait(t); !before(calls, "snapshot 1 savepoint", "rec 2") {
		t.Fatalf("calls %q", calls)
	}

	tk := New("Sink", 0, 1, wallClock{})
	tk.SetUnaligned(true, 0)
	tk.AddGate(exchange.NewGate([]*exchange.Channel[func()]{exchange.NewChannel[func()](1, tk.Notify())}, nil))
	tk.setupAlignment()
	if err := tk.UnalignedUnsupported(); err == nil || !strings.Contains(err.Error(), "func()") {
		t.Fatalf("UnalignedUnsupported() = %v, want an error naming the type", err)
	}
	if tk.aligner.Unaligned() {
		t.Fatal("the aligner takes unaligned checkpoints")
	}
}
