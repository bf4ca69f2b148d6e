package statetest

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/state"
)

// fired is a fired timer, decoded.
type fired struct {
	ts  int64
	key string
	ns  int64
}

// collect returns a fire function that records timers in *out and checks
// that the backend's current key is the timer's.
func (e *env) collect(out *[]fired) func(statebackend.Timer[int64]) {
	return func(tm statebackend.Timer[int64]) {
		e.t.Helper()
		e.checkTimerKey(tm)
		k, _, err := keyCodec.Decode(tm.Key)
		if err != nil {
			e.t.Fatalf("timer key %x: %v", tm.Key, err)
		}
		*out = append(*out, fired{tm.Timestamp, k, tm.Namespace})
	}
}

func (e *env) checkTimerKey(tm statebackend.Timer[int64]) {
	e.t.Helper()
	if !bytes.Equal(e.b.CurrentKey(), tm.Key) || e.b.CurrentKeyGroup() != tm.KeyGroup {
		e.t.Errorf("firing timer of key %x in group %d with current key %x in group %d", tm.Key, tm.KeyGroup, e.b.CurrentKey(), e.b.CurrentKeyGroup())
	}
	if want := keyGroupOf(string(mustDecodeKey(e.t, tm.Key))); tm.KeyGroup != want {
		e.t.Errorf("timer of key %x has key group %d, want %d", tm.Key, tm.KeyGroup, want)
	}
}

func mustDecodeKey(t *testing.T, b []byte) string {
	k, _, err := keyCodec.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func checkFired(t *testing.T, what string, got []fired, want ...fired) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s fired %v, want %v", what, got, want)
	}
}

func testTimerDedup(t *testing.T, e *env) {
	s := statebackend.NewTimerService(e.b, nsCodec)
	e.setKey("a")
	s.RegisterEventTimeTimer(1, 10)
	s.RegisterEventTimeTimer(1, 10)
	if n := s.NumEventTimeTimers(); n != 1 {
		t.Errorf("after registering one timer twice: %d timers", n)
	}
	s.RegisterEventTimeTimer(2, 10)
	s.RegisterEventTimeTimer(1, 11)
	e.setKey("b")
	s.RegisterEventTimeTimer(1, 10)
	s.RegisterEventTimeTimer(1, 10)
	if n := s.NumEventTimeTimers(); n != 4 {
		t.Errorf("after registering 4 distinct timers: %d timers", n)
	}
	s.RegisterProcessingTimeTimer(1, 10)
	s.RegisterProcessingTimeTimer(1, 10)
	if n, m := s.NumProcessingTimeTimers(), s.NumEventTimeTimers(); n != 1 || m != 4 {
		t.Errorf("after registering a processing-time timer twice: %d processing-time, %d event-time timers", n, m)
	}
	var got []fired
	s.AdvanceWatermark(10, e.collect(&got))
	// Equal timestamps fire in an unspecified order.
	slices.SortFunc(got, func(a, b fired) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.ns, b.ns)) })
	checkFired(t, "AdvanceWatermark(10)", got, fired{10, "a", 1}, fired{10, "a", 2}, fired{10, "b", 1})
	// A fired timer can be registered again.
	e.setKey("a")
	s.RegisterEventTimeTimer(1, 10)
	if n := s.NumEventTimeTimers(); n != 2 {
		t.Errorf("after re-registering a fired timer: %d timers", n)
	}
}

func testTimerFire(t *testing.T, e *env) {
	s := statebackend.NewTimerService(e.b, nsCodec)
	e.setKey("a")
	s.RegisterEventTimeTimer(7, 20)
	s.RegisterEventTimeTimer(8, 10)
	e.setKey("b")
	s.RegisterEventTimeTimer(9, 15)
	var got []fired
	s.AdvanceWatermark(9, e.collect(&got))
	checkFired(t, "AdvanceWatermark(9)", got)
	s.AdvanceWatermark(15, e.collect(&got))
	checkFired(t, "AdvanceWatermark(15)", got, fired{10, "a", 8}, fired{15, "b", 9})
	if n := s.NumEventTimeTimers(); n != 1 {
		t.Errorf("%d timers left, want 1", n)
	}
	got = nil
	s.AdvanceWatermark(15, e.collect(&got))
	checkFired(t, "AdvanceWatermark(15) again", got)
	s.AdvanceProcessingTime(100, e.collect(&got))
	checkFired(t, "AdvanceProcessingTime", got)
	s.AdvanceWatermark(1<<62, e.collect(&got))
	checkFired(t, "AdvanceWatermark(max)", got, fired{20, "a", 7})
	if n := s.NumEventTimeTimers(); n != 0 {
		t.Errorf("%d timers left, want 0", n)
	}
}

func testTimerDelete(t *testing.T, e *env) {
	s := statebackend.NewTimerService(e.b, nsCodec)
	e.setKey("a")
	s.RegisterEventTimeTimer(1, 5)
	s.RegisterEventTimeTimer(1, 6)
	s.RegisterProcessingTimeTimer(1, 5)
	e.setKey("b")
	s.DeleteEventTimeTimer(1, 5) // another key's timer: no effect
	s.DeleteEventTimeTimer(2, 5)
	s.DeleteProcessingTimeTimer(1, 5)
	if n, m := s.NumEventTimeTimers(), s.NumProcessingTimeTimers(); n != 2 || m != 1 {
		t.Fatalf("deleting other keys' timers changed the counts to %d, %d", n, m)
	}
	e.setKey("a")
	s.DeleteEventTimeTimer(1, 5)
	s.DeleteEventTimeTimer(1, 5)
	s.DeleteProcessingTimeTimer(1, 5)
	if n, m := s.NumEventTimeTimers(), s.NumProcessingTimeTimers(); n != 1 || m != 0 {
		t.Fatalf("after deleting: %d event-time, %d processing-time timers", n, m)
	}
	var got []fired
	s.AdvanceWatermark(10, e.collect(&got))
	s.AdvanceProcessingTime(10, e.collect(&got))
	checkFired(t, "advancing after deleting", got, fired{6, "a", 1})

	// Deleting a pending timer while firing another.
	e.setKey("a")
	s.RegisterEventTimeTimer(1, 20)
	s.RegisterEventTimeTimer(2, 21)
	e.setKey("b")
	s.RegisterEventTimeTimer(1, 22)
	got = nil
	s.AdvanceWatermark(30, func(tm statebackend.Timer[int64]) {
		e.collect(&got)(tm)
		if tm.Timestamp == 20 {
			s.DeleteEventTimeTimer(2, 21) // the current key is a
		}
	})
	checkFired(t, "deleting while firing", got, fired{20, "a", 1}, fired{22, "b", 1})
}

func testTimerOrder(t *testing.T, e *env) {
	s := statebackend.NewTimerService(e.b, nsCodec)
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2000
	registered := map[fired]bool{}
	for i := range n {
		k := fmt.Sprint("k", i%300)
		e.setKey(k)
		f := fired{rng.Int64N(1000), k, rng.Int64N(3)}
		registered[f] = true
		s.RegisterEventTimeTimer(f.ns, f.ts)
	}
	if s.NumEventTimeTimers() != len(registered) {
		t.Fatalf("%d timers, want %d", s.NumEventTimeTimers(), len(registered))
	}
	var got []fired
	for _, wm := range []int64{-1, 0, 250, 251, 600, 999} {
		s.AdvanceWatermark(wm, func(tm statebackend.Timer[int64]) {
			if tm.Timestamp > wm {
				t.Fatalf("timer %d fired at watermark %d", tm.Timestamp, wm)
			}
			e.collect(&got)(tm)
		})
		for f := range registered {
			if f.ts <= wm && !slices.Contains(got, f) {
				t.Fatalf("timer %v not fired at watermark %d", f, wm)
			}
		}
	}
	if len(got) != len(registered) {
		t.Errorf("fired %d timers, want %d", len(got), len(registered))
	}
	if !slices.IsSortedFunc(got, func(a, b fired) int { return int(a.ts - b.ts) }) {
		t.Error("timers fired out of timestamp order")
	}
}

func testTimerRegisterWhileFiring(t *testing.T, e *env) {
	s := statebackend.NewTimerService(e.b, nsCodec)
	e.setKey("a")
	s.RegisterEventTimeTimer(1, 10)
	e.setKey("b")
	s.RegisterEventTimeTimer(1, 12)
	var got []fired
	s.AdvanceWatermark(20, func(tm statebackend.Timer[int64]) {
		e.collect(&got)(tm)
		if tm.Timestamp == 10 && tm.Namespace == 1 {
			// Scoped to the firing timer's key, a.
			s.RegisterEventTimeTimer(2, 10) // due: fires in this call
			s.RegisterEventTimeTimer(3, 15) // due, after b's 12
			s.RegisterEventTimeTimer(4, 30) // not due
		}
	})
	checkFired(t, "registering while firing", got,
		fired{10, "a", 1}, fired{10, "a", 2}, fired{12, "b", 1}, fired{15, "a", 3})
	got = nil
	s.AdvanceWatermark(30, e.collect(&got))
	checkFired(t, "AdvanceWatermark(30)", got, fired{30, "a", 4})
}

func testTimerProcessingTime(t *testing.T, e *env) {
	s := statebackend.NewTimerService(e.b, nsCodec)
	if _, ok := s.NextProcessingTime(); ok {
		t.Error("NextProcessingTime of no timers reports one")
	}
	e.setKey("a")
	s.RegisterProcessingTimeTimer(0, 50)
	s.RegisterProcessingTimeTimer(0, 20)
	e.setKey("b")
	s.RegisterProcessingTimeTimer(0, 30)
	s.RegisterEventTimeTimer(0, 1)
	if next, ok := s.NextProcessingTime(); !ok || next != 20 {
		t.Errorf("NextProcessingTime = %d, %v; want 20", next, ok)
	}
	var got []fired
	s.AdvanceProcessingTime(25, e.collect(&got))
	checkFired(t, "AdvanceProcessingTime(25)", got, fired{20, "a", 0})
	if next, ok := s.NextProcessingTime(); !ok || next != 30 {
		t.Errorf("NextProcessingTime = %d, %v; want 30", next, ok)
	}
	got = nil
	s.AdvanceProcessingTime(100, func(tm statebackend.Timer[int64]) {
		e.collect(&got)(tm)
		if tm.Timestamp == 30 {
			s.RegisterProcessingTimeTimer(0, 40) // due, for key b
			s.RegisterProcessingTimeTimer(0, 200)
		}
	})
	checkFired(t, "AdvanceProcessingTime(100)", got, fired{30, "b", 0}, fired{40, "b", 0}, fired{50, "a", 0})
	if next, ok := s.NextProcessingTime(); !ok || next != 200 {
		t.Errorf("NextProcessingTime = %d, %v; want 200", next, ok)
	}
	if n := s.NumEventTimeTimers(); n != 1 {
		t.Errorf("processing time fired event-time timers: %d left", n)
	}
}

func testTimerStateAccess(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[string]("v"), nsCodec))(t)
	s := statebackend.NewTimerService(e.b, nsCodec)
	for _, k := range []string{"a", "b", "c"} {
		e.setKey(k)
		v.SetNamespace(5)
		v.Update("value of " + k)
		s.RegisterEventTimeTimer(5, 100)
	}
	e.setKey("a")
	n := 0
	s.AdvanceWatermark(100, func(tm statebackend.Timer[int64]) {
		n++
		v.SetNamespace(tm.Namespace)
		got, ok := v.Value()
		want := "value of " + mustDecodeKey(t, tm.Key)
		check(t, "state read in a timer", got, ok, want, true)
		v.Clear()
	})
	if n != 3 {
		t.Errorf("%d timers fired, want 3", n)
	}
	if got := e.keys("v"); len(got) != 0 {
		t.Errorf("state cleared by timers still has keys %v", got)
	}
}
