package statetest

import (
	"maps"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/state"
)

// The TTL tests use a TTL of 100ms and times relative to base.
const (
	ttlMillis = 100
	base      = 1_000_000
)

var ttl = state.TTLOf(ttlMillis * time.Millisecond)

func ttlWith(u state.UpdateType, v state.Visibility) state.TTL {
	return state.TTL{Duration: ttlMillis * time.Millisecond, Update: u, Visibility: v}
}

// at sets the clock to base+ms.
func (e *env) at(ms int64) { e.clock.Set(base + ms) }

func testTTLValue(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("v").WithTTL(ttl), void))(t)
	e.setKey("a")
	e.at(0)
	v.Update(1)
	e.setKey("b")
	v.Update(2)
	e.setKey("a")
	e.at(50)
	got, ok := v.Value()
	check(t, "Value at 50", got, ok, 1, true) // does not refresh (OnCreateAndWrite)
	e.at(99)
	got, ok = v.Value()
	check(t, "Value at 99", got, ok, 1, true)
	e.at(100)
	got, ok = v.Value()
	check(t, "Value at 100 (expired)", got, ok, 0, false)

	// A write refreshes.
	e.setKey("b")
	e.at(60)
	v.Update(3)
	e.at(159)
	got, ok = v.Value()
	check(t, "Value at 159 after a write at 60", got, ok, 3, true)
	e.at(160)
	got, ok = v.Value()
	check(t, "Value at 160", got, ok, 0, false)

	// A write after expiry starts afresh.
	v.Update(4)
	e.at(259)
	got, ok = v.Value()
	check(t, "Value written at 160, read at 259", got, ok, 4, true)
	v.Clear()
	got, ok = v.Value()
	check(t, "Value after Clear", got, ok, 0, false)
}

func testTTLValueOnRead(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("v").WithTTL(ttlWith(state.OnReadAndWrite, state.NeverReturnExpired)), void))(t)
	e.setKey("a")
	e.at(0)
	v.Update(1)
	for _, at := range []int64{99, 198, 297} { // each read refreshes
		e.at(at)
		got, ok := v.Value()
		check(t, "Value read at intervals under the TTL", got, ok, 1, true)
	}
	e.at(397)
	got, ok := v.Value()
	check(t, "Value at 397 after a read at 297", got, ok, 0, false)
}

func testTTLValueReturnExpired(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("v").WithTTL(ttlWith(state.OnCreateAndWrite, state.ReturnExpiredIfNotCleanedUp)), void))(t)
	e.setKey("a")
	e.at(0)
	v.Update(1)
	e.at(100)
	got, ok := v.Value()
	check(t, "expired Value read first", got, ok, 1, true)
	got, ok = v.Value()
	check(t, "expired Value read again (cleaned up by the first read)", got, ok, 0, false)
}

func testTTLList(t *testing.T, e *env) {
	l := must(statebackend.NewList(e.b, state.List[string]("l").WithTTL(ttl), void))(t)
	e.setKey("a")
	e.at(0)
	l.Add("a")
	e.at(50)
	l.AddAll([]string{"b", "c"})
	e.at(99)
	checkList(t, "Get at 99", l.Get(), "a", "b", "c")
	e.at(100)
	checkList(t, "Get at 100", l.Get(), "b", "c")
	l.Add("d")
	e.at(149)
	checkList(t, "Get at 149", l.Get(), "b", "c", "d")
	e.at(150)
	checkList(t, "Get at 150", l.Get(), "d")
	e.at(200)
	if got := l.Get(); len(got) != 0 {
		t.Errorf("Get at 200 = %v, want empty", got)
	}
	// Update sets every element's timestamp.
	l.Update([]string{"x", "y"})
	e.at(299)
	checkList(t, "Get at 299 after Update at 200", l.Get(), "x", "y")
	e.at(300)
	if got := l.Get(); len(got) != 0 {
		t.Errorf("Get at 300 = %v, want empty", got)
	}
}

func testTTLListReturnExpired(t *testing.T, e *env) {
	l := must(statebackend.NewList(e.b, state.List[string]("l").WithTTL(ttlWith(state.OnCreateAndWrite, state.ReturnExpiredIfNotCleanedUp)), void))(t)
	e.setKey("a")
	e.at(0)
	l.Add("a")
	e.at(50)
	l.Add("b")
	e.at(100)
	checkList(t, "first Get at 100", l.Get(), "a", "b")
	checkList(t, "second Get at 100", l.Get(), "b")
	e.at(150)
	checkList(t, "first Get at 150", l.Get(), "b")
	if got := l.Get(); len(got) != 0 {
		t.Errorf("second Get at 150 = %v, want empty", got)
	}
}

func testTTLListOnRead(t *testing.T, e *env) {
	l := must(statebackend.NewList(e.b, state.List[string]("l").WithTTL(ttlWith(state.OnReadAndWrite, state.NeverReturnExpired)), void))(t)
	e.setKey("a")
	e.at(0)
	l.Add("a")
	e.at(50)
	l.Add("b")
	e.at(99)
	checkList(t, "Get at 99", l.Get(), "a", "b") // refreshes both
	e.at(198)
	checkList(t, "Get at 198", l.Get(), "a", "b")
	e.at(298)
	if got := l.Get(); len(got) != 0 {
		t.Errorf("Get at 298 = %v, want empty", got)
	}
}

func testTTLMap(t *testing.T, e *env) {
	m := must(statebackend.NewMap(e.b, state.Map[string, int]("m").WithTTL(ttl), void))(t)
	e.setKey("a")
	e.at(0)
	m.Put("x", 1)
	e.at(50)
	m.PutAll(map[string]int{"y": 2, "z": 3})
	e.at(99)
	if got, want := maps.Collect(m.All()), map[string]int{"x": 1, "y": 2, "z": 3}; !maps.Equal(got, want) {
		t.Errorf("All at 99 = %v, want %v", got, want)
	}
	e.at(100)
	got, ok := m.Get("x")
	check(t, "Get(x) at 100", got, ok, 0, false)
	if !m.Contains("y") || m.IsEmpty() {
		t.Error("y expired at 100")
	}
	m.Put("y", 20) // refreshes y only
	if got, want := maps.Collect(m.All()), map[string]int{"y": 20, "z": 3}; !maps.Equal(got, want) {
		t.Errorf("All at 100 = %v, want %v", got, want)
	}
	e.at(150)
	if got, want := maps.Collect(m.All()), map[string]int{"y": 20}; !maps.Equal(got, want) {
		t.Errorf("All at 150 = %v, want %v", got, want)
	}
	if m.Contains("z") {
		t.Error("Contains(z) at 150")
	}
	e.at(200)
	if !m.IsEmpty() {
		t.Error("IsEmpty at 200 = false")
	}
	if got := maps.Collect(m.All()); len(got) != 0 {
		t.Errorf("All at 200 = %v", got)
	}
}

func testTTLMapReturnExpired(t *testing.T, e *env) {
	// Separate states, so that cleaning up one cannot affect the other.
	rtl := ttlWith(state.OnCreateAndWrite, state.ReturnExpiredIfNotCleanedUp)
	m1 := must(statebackend.NewMap(e.b, state.Map[string, int]("m1").WithTTL(rtl), void))(t)
	m2 := must(statebackend.NewMap(e.b, state.Map[string, int]("m2").WithTTL(rtl), void))(t)
	e.setKey("a")
	e.at(0)
	m1.Put("x", 1)
	m2.Put("x", 1)
	m2.Put("y", 2)
	e.at(100)
	got, ok := m1.Get("x")
	check(t, "first Get(x) at 100", got, ok, 1, true)
	got, ok = m1.Get("x")
	check(t, "second Get(x) at 100", got, ok, 0, false)
	if got, want := maps.Collect(m2.All()), map[string]int{"x": 1, "y": 2}; !maps.Equal(got, want) {
		t.Errorf("first All at 100 = %v, want %v", got, want)
	}
	if got := maps.Collect(m2.All()); len(got) != 0 {
		t.Errorf("second All at 100 = %v, want empty", got)
	}
	if !m2.IsEmpty() {
		t.Error("IsEmpty after the expired entries were returned = false")
	}
}

func testTTLMapOnRead(t *testing.T, e *env) {
	m := must(statebackend.NewMap(e.b, state.Map[string, int]("m").WithTTL(ttlWith(state.OnReadAndWrite, state.NeverReturnExpired)), void))(t)
	e.setKey("a")
	e.at(0)
	m.Put("x", 1)
	m.Put("y", 2)
	m.Put("z", 3)
	e.at(90)
	if !m.Contains("x") { // refreshes x
		t.Error("Contains(x) at 90 = false")
	}
	for range m.All() { // refreshes every entry it yields
	}
	e.at(180)
	if got, want := maps.Collect(m.All()), map[string]int{"x": 1, "y": 2, "z": 3}; !maps.Equal(got, want) {
		t.Errorf("All at 180 = %v, want %v", got, want)
	}
	got, ok := m.Get("y") // refreshes y at 180
	check(t, "Get(y) at 180", got, ok, 2, true)
	e.at(279)
	got, ok = m.Get("y")
	check(t, "Get(y) at 279", got, ok, 2, true)
	e.at(380)
	if got, want := maps.Collect(m.All()), map[string]int{}; !maps.Equal(got, want) {
		t.Errorf("All at 380 = %v, want %v", got, want)
	}
}

func testTTLReducing(t *testing.T, e *env) {
	r := must(statebackend.NewReducing(e.b, state.Reducing("r", sum).WithTTL(ttl), void))(t)
	e.setKey("a")
	e.at(0)
	r.Add(5)
	e.at(50)
	r.Add(1) // refreshes
	e.at(149)
	got, ok := r.Get()
	check(t, "Get at 149", got, ok, 6, true)
	e.at(150)
	r.Add(3) // the expired 6 is dropped, not folded
	got, ok = r.Get()
	check(t, "Get after adding to an expired value", got, ok, 3, true)
	e.at(250)
	got, ok = r.Get()
	check(t, "Get at 250", got, ok, 0, false)

	// With ReturnExpiredIfNotCleanedUp an expired value is still folded.
	rr := must(statebackend.NewReducing(e.b, state.Reducing("rr", sum).WithTTL(ttlWith(state.OnCreateAndWrite, state.ReturnExpiredIfNotCleanedUp)), void))(t)
	rr.Add(5)
	e.at(350)
	rr.Add(3)
	got, ok = rr.Get()
	check(t, "Get after adding to an expired visible value", got, ok, 8, true)
}

func testTTLAggregating(t *testing.T, e *env) {
	a := newAvg(t, e, "a", void, ttl)
	e.setKey("a")
	e.at(0)
	a.Add(4)
	e.at(99)
	got, ok := a.Get()
	check(t, "Get at 99", got, ok, 4, true)
	e.at(100)
	a.Add(2)
	got, ok = a.Get()
	check(t, "Get after adding to an expired accumulator", got, ok, 2, true)
	e.at(200)
	got, ok = a.Get()
	check(t, "Get at 200", got, ok, 0, false)
}

func testTTLMerge(t *testing.T, e *env) {
	r := must(statebackend.NewReducing(e.b, state.Reducing("r", sum).WithTTL(ttl), nsCodec))(t)
	l := must(statebackend.NewList(e.b, state.List[int]("l").WithTTL(ttl), nsCodec))(t)
	e.setKey("a")
	e.at(0)
	for _, ns := range []int64{1, 3} {
		r.SetNamespace(ns)
		r.Add(int(ns))
		l.SetNamespace(ns)
		l.Add(int(ns))
	}
	e.at(50)
	r.SetNamespace(2)
	r.Add(2)
	l.SetNamespace(2)
	l.Add(2)
	l.SetNamespace(3)
	l.Add(30)
	e.at(100)
	r.MergeNamespaces(3, []int64{1, 2})
	r.SetNamespace(3)
	got, ok := r.Get()
	check(t, "reducing merge of expired values", got, ok, 2, true)
	e.at(199)
	got, ok = r.Get()
	check(t, "merged value's timestamp is the merge time", got, ok, 2, true)

	e.at(100)
	l.MergeNamespaces(3, []int64{1, 2})
	l.SetNamespace(3)
	checkList(t, "list merge of expired elements", l.Get(), 30, 2)
	e.at(150)
	checkList(t, "merged elements keep their timestamps", l.Get())
	l.SetNamespace(1)
	checkList(t, "merged source", l.Get())
}
