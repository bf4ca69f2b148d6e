package statetest

import (
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/state"
)

func testKeys(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("v"), nsCodec))(t)
	m := must(statebackend.NewMap(e.b, state.Map[int, int]("m"), void))(t)
	e.setKey("a")
	v.SetNamespace(1)
	v.Update(1)
	v.Update(2) // same (key, namespace): reported once
	v.SetNamespace(2)
	v.Update(3)
	m.Put(1, 1)
	m.Put(2, 2)
	e.setKey("b")
	v.SetNamespace(1)
	v.Update(4)
	e.setKey("c")
	v.Update(5)
	v.Clear()
	e.setKey("")
	v.Update(6)

	want := []keyNS{{"", nsHex(1)}, {"a", nsHex(1)}, {"a", nsHex(2)}, {"b", nsHex(1)}}
	if got := e.keys("v"); !equal(got, want) {
		t.Errorf("Keys(v) = %v, want %v", got, want)
	}
	if got, want := e.keys("m"), []keyNS{{"a", ""}}; !equal(got, want) {
		t.Errorf("Keys(m) = %v, want %v", got, want)
	}
	e.b.Keys("unknown", func([]byte, []byte) { t.Error("Keys of an unknown state called fn") })
}

func testKeysClear(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("v"), nsCodec))(t)
	for i, k := range []string{"a", "b", "c", "d", "e", "f"} {
		e.setKey(k)
		v.SetNamespace(int64(i % 2))
		v.Update(i)
	}
	n := 0
	e.b.Keys("v", func(k, ns []byte) {
		n++
		e.b.SetCurrentKey(k, keygroup.ForKey(k, MaxParallelism))
		ns64, _, err := nsCodec.Decode(ns)
		if err != nil {
			t.Fatal(err)
		}
		v.SetNamespace(ns64)
		if _, ok := v.Value(); !ok {
			t.Errorf("no value at a (key, namespace) Keys reported")
		}
		v.Clear()
	})
	if n != 6 {
		t.Errorf("Keys called fn %d times, want 6", n)
	}
	if got := e.keys("v"); len(got) != 0 {
		t.Errorf("Keys after clearing every key = %v", got)
	}
}

func testRegistration(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("dup"), void))(t)
	e.setKey("a")
	v.Update(42)

	_, err := statebackend.NewList(e.b, state.List[int]("dup"), void)
	errContains(t, "list with a value state's name", err, `"dup"`)
	_, err = statebackend.NewMap(e.b, state.Map[int, int]("dup"), void)
	errContains(t, "map with a value state's name", err, `"dup"`)
	_, err = statebackend.NewReducing(e.b, state.Reducing("dup", sum), void)
	errContains(t, "reducing with a value state's name", err, `"dup"`)
	_, err = statebackend.NewAggregating(e.b, state.Aggregating[int, avgAcc, float64]("dup", avg{}), void)
	errContains(t, "aggregating with a value state's name", err, `"dup"`)
	_, err = statebackend.NewValue(e.b, state.Value[string]("dup"), void)
	errContains(t, "value of another type", err, `"dup"`)
	_, err = statebackend.NewValue(e.b, state.Value[int]("dup"), nsCodec)
	errContains(t, "value with another namespace type", err, `"dup"`)
	_, err = statebackend.NewValue(e.b, state.Value[int]("dup").WithTTL(state.TTLOf(time.Minute)), void)
	errContains(t, "value with another TTL", err, `"dup"`)

	again := must(statebackend.NewValue(e.b, state.Value[int]("dup"), void))(t)
	got, ok := again.Value()
	check(t, "Value through a second handle", got, ok, 42, true)

	// Same for the other kinds.
	l := must(statebackend.NewList(e.b, state.List[int]("l"), void))(t)
	l.Add(1)
	_, err = statebackend.NewList(e.b, state.List[int64]("l"), void)
	errContains(t, "list of another type", err, `"l"`)
	checkList(t, "list through a second handle", must(statebackend.NewList(e.b, state.List[int]("l"), void))(t).Get(), 1)

	m := must(statebackend.NewMap(e.b, state.Map[string, int]("m"), void))(t)
	m.Put("x", 1)
	_, err = statebackend.NewMap(e.b, state.Map[string, int64]("m"), void)
	errContains(t, "map of another value type", err, `"m"`)
	_, err = statebackend.NewMap(e.b, state.Map[int, int]("m"), void)
	errContains(t, "map of another key type", err, `"m"`)
	got, ok = must(statebackend.NewMap(e.b, state.Map[string, int]("m"), void))(t).Get("x")
	check(t, "map through a second handle", got, ok, 1, true)

	r := must(statebackend.NewReducing(e.b, state.Reducing("r", sum), void))(t)
	r.Add(5)
	_, err = statebackend.NewValue(e.b, state.Value[int]("r"), void)
	errContains(t, "value with a reducing state's name", err, `"r"`)
	got, ok = must(statebackend.NewReducing(e.b, state.Reducing("r", sum), void))(t).Get()
	check(t, "reducing through a second handle", got, ok, 5, true)

	a := newAvg(t, e, "a", void, state.TTL{})
	a.Add(4)
	_, err = statebackend.NewAggregating(e.b, state.Aggregating[int, avgAcc, float64]("a", avg{}).WithTTL(state.TTLOf(time.Second)), void)
	errContains(t, "aggregating with another TTL", err, `"a"`)
	f, ok := newAvg(t, e, "a", void, state.TTL{}).Get()
	check(t, "aggregating through a second handle", f, ok, 4, true)
}

type nilAgg = state.AggregateFunction[int, avgAcc, float64]

func testInvalidDescriptors(t *testing.T, e *env) {
	_, err := statebackend.NewValue(e.b, state.Value[int](""), void)
	errContains(t, "value with an empty name", err, "empty name")
	_, err = statebackend.NewList(e.b, state.List[int](""), void)
	errContains(t, "list with an empty name", err, "empty name")
	_, err = statebackend.NewMap(e.b, state.Map[int, int](""), void)
	errContains(t, "map with an empty name", err, "empty name")
	_, err = statebackend.NewReducing(e.b, state.Reducing("", sum), void)
	errContains(t, "reducing with an empty name", err, "empty name")
	_, err = statebackend.NewAggregating(e.b, state.Aggregating[int, avgAcc, float64]("", avg{}), void)
	errContains(t, "aggregating with an empty name", err, "empty name")

	_, err = statebackend.NewReducing(e.b, state.Reducing[int]("nofn", nil), void)
	errContains(t, "reducing without a function", err, `"nofn"`)
	_, err = statebackend.NewAggregating(e.b, state.Aggregating[int, avgAcc, float64]("noagg", nilAgg(nil)), void)
	errContains(t, "aggregating without a function", err, `"noagg"`)
	_, err = statebackend.NewValue(e.b, state.Value[int]("neg").WithTTL(state.TTLOf(-time.Second)), void)
	errContains(t, "negative TTL", err, `"neg"`)
	_, err = statebackend.NewValue[statebackend.Void](e.b, state.Value[int]("nilcodec"), nil)
	if err == nil {
		t.Error("nil namespace codec: no error")
	}
	// A failed creation registers nothing.
	must(statebackend.NewList(e.b, state.List[int]("nofn"), void))(t)
}

// fakeBackend is a Keyed that no handle constructor supports.
type fakeBackend struct{ statebackend.Keyed }

func testUnsupportedBackend(t *testing.T, _ *env) {
	var b fakeBackend
	_, err := statebackend.NewValue(b, state.Value[int]("v"), void)
	errContains(t, "NewValue", err, "unsupported")
	_, err = statebackend.NewList(b, state.List[int]("v"), void)
	errContains(t, "NewList", err, "unsupported")
	_, err = statebackend.NewMap(b, state.Map[int, int]("v"), void)
	errContains(t, "NewMap", err, "unsupported")
	_, err = statebackend.NewReducing(b, state.Reducing("v", sum), void)
	errContains(t, "NewReducing", err, "unsupported")
	_, err = statebackend.NewAggregating(b, state.Aggregating[int, avgAcc, float64]("v", avg{}), void)
	errContains(t, "NewAggregating", err, "unsupported")
}
