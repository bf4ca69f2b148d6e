package lsm_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
)

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestManyTimers registers 1M timers on a backend with 1 MB memtables and
// block cache, checks that the Go heap does not hold them (the heap backend
// takes well over 100 bytes per timer), and fires them in order.
func TestManyTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("registers 1M timers")
	}
	n, keys := 1_000_000, 50_000
	if raceEnabled { // the race detector makes pebble about ten times slower
		n, keys = 150_000, 10_000
	}
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	before := heapInuse()
	b := must(lsm.New(t.TempDir(), r, &statetest.ManualClock{}, smallOpts))(t)
	defer b.Close()
	s := must(statebackend.NewNamedTimerService(b, "timers", nsCodec))(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var key []byte
	for i := range n {
		key = keyCodec.Append(key[:0], fmt.Sprint("user-", i%keys))
		b.SetCurrentKey(key, keygroup.ForKey(key, maxPar))
		s.RegisterEventTimeTimer(int64(i), rng.Int64N(1<<40)-1<<39) // negative timestamps too
	}
	const budget = 48 << 20 // the timers alone are ~30 MB encoded
	if grown := int64(heapInuse()) - int64(before); grown > budget {
		t.Errorf("Go heap grew by %d MB with %d timers registered", grown>>20, n)
	}
	if got := s.NumEventTimeTimers(); got != n {
		t.Fatalf("%d timers, want %d", got, n)
	}
	fired, last := 0, int64(-1<<63)
	var lastTimer statebackend.Timer[int64]
	fire := func(tm statebackend.Timer[int64]) {
		if tm.Timestamp < last {
			t.Fatalf("timer at %d fired after one at %d", tm.Timestamp, last)
		}
		if !bytes.Equal(b.CurrentKey(), tm.Key) {
			t.Fatalf("timer of key %x fired with current key %x", tm.Key, b.CurrentKey())
		}
		last, lastTimer = tm.Timestamp, tm
		fired++
	}
	for wm := int64(-1 << 39); wm < 1<<39; wm += 1 << 36 {
		s.AdvanceWatermark(wm, fire)
		if fired > n/2 && fired < n/2+n/10 {
			if grown := int64(heapInuse()) - int64(before); grown > budget {
				t.Errorf("Go heap grew by %d MB while firing", grown>>20)
			}
		}
	}
	s.AdvanceWatermark(1<<62, fire)
	if fired != n {
		t.Errorf("fired %d timers, want %d (last %+v)", fired, n, lastTimer)
	}
	if _, ok := s.NextProcessingTime(); ok || s.NumEventTimeTimers() != 0 {
		t.Errorf("timers left after firing all")
	}
}

// TestTimerOrderMatchesHeap runs the same random operations (registers,
// deletes, partial firings that register and delete timers) on both
// backends with enough timers per key group to overflow the lsm cache, and
// checks that timers fire in the same order, and that lsm timers survive a
// snapshot into a heap backend and back.
func TestTimerOrderMatchesHeap(t *testing.T) {
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	clock := &statetest.ManualClock{}
	h := heap.New(r, clock)
	l := must(lsm.New(t.TempDir(), r, clock, smallOpts))(t)
	defer l.Close()
	run := func(b statebackend.Keyed) (*statebackend.TimerService[int64], []string) {
		s := must(statebackend.NewNamedTimerService(b, "timers", nsCodec))(t)
		rng := rand.New(rand.NewPCG(1, 2))
		var key []byte
		setKey := func() {
			key = keyCodec.Append(key[:0], fmt.Sprint("k", rng.IntN(300)))
			b.SetCurrentKey(key, keygroup.ForKey(key, maxPar))
		}
		var out []string
		fire := func(tm statebackend.Timer[int64]) {
			out = append(out, fmt.Sprintf("%d %d %x %d", tm.Timestamp, tm.KeyGroup, tm.Key, tm.Namespace))
			switch rng.IntN(4) {
			case 0:
				s.RegisterEventTimeTimer(rng.Int64N(4), tm.Timestamp+rng.Int64N(3))
			case 1:
				s.DeleteEventTimeTimer(rng.Int64N(4), tm.Timestamp+rng.Int64N(3))
			case 2:
				setKey()
				s.RegisterProcessingTimeTimer(rng.Int64N(4), tm.Timestamp+rng.Int64N(50))
			}
		}
		for i := range 60_000 {
			setKey()
			ts := rng.Int64N(2000)
			s.RegisterEventTimeTimer(rng.Int64N(4), ts)
			s.RegisterProcessingTimeTimer(rng.Int64N(4), ts)
			if i%5 == 0 {
				s.DeleteEventTimeTimer(rng.Int64N(4), rng.Int64N(2000))
				s.DeleteProcessingTimeTimer(rng.Int64N(4), rng.Int64N(2000))
			}
			if i%10_000 == 9_999 {
				s.AdvanceWatermark(int64(i/60), fire)
				s.AdvanceProcessingTime(int64(i/70), fire)
			}
		}
		return s, out
	}
	drain := func(s *statebackend.TimerService[int64]) []string {
		var out []string
		for _, adv := range []func(int64, func(statebackend.Timer[int64])){s.AdvanceWatermark, s.AdvanceProcessingTime} {
			adv(1<<62, func(tm statebackend.Timer[int64]) {
				out = append(out, fmt.Sprintf("%d %d %x %d", tm.Timestamp, tm.KeyGroup, tm.Key, tm.Namespace))
			})
		}
		return out
	}
	hs, hOut := run(h)
	ls, lOut := run(l)
	if len(hOut) == 0 || !slices.Equal(hOut, lOut) {
		t.Fatalf("while registering, lsm fired %d timers, heap %d: orders differ", len(lOut), len(hOut))
	}
	if hn, ln := hs.NumEventTimeTimers(), ls.NumEventTimeTimers(); hn != ln {
		t.Fatalf("heap has %d event-time timers, lsm %d", hn, ln)
	}
	// Through a heap backend and back, and a frozen view of the timers.
	snap := snapshotBytes(t, l)
	f := ls.Freeze()
	if f.Meta().Kind != stateio.KindTimers {
		t.Errorf("frozen timers of kind %s", f.Meta().Kind)
	}
	_, frozen := f.AppendKeyGroup(nil, keygroup.ForKey(keyCodec.Append(nil, "k1"), maxPar))
	f.Release()
	h2 := must(heap.Restore(r, clock, bytes.NewReader(snap)))(t)
	l2 := must(lsm.Restore(t.TempDir(), r, clock, smallOpts, bytes.NewReader(snapshotBytes(t, h2))))(t)
	defer l2.Close()
	ls2 := must(statebackend.NewNamedTimerService(l2, "timers", nsCodec))(t)

	want, got := drain(hs), drain(ls)
	if len(want) == 0 || frozen == 0 {
		t.Fatalf("no timers (%d), frozen %d", len(want), frozen)
	}
	if !slices.Equal(got, want) {
		t.Errorf("lsm fired %d timers, heap %d: orders differ", len(got), len(want))
	}
	if got2 := drain(ls2); !slices.Equal(got2, want) {
		t.Errorf("lsm restored through heap fired %d timers, want %d: orders differ", len(got2), len(want))
	}
}
