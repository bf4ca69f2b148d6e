package statetest

import (
	"fmt"
	"maps"
	"testing"

	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

func testValue(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[int]("v"), void))(t)
	e.setKey("a")
	got, ok := v.Value()
	check(t, "empty Value", got, ok, 0, false)
	v.Update(0)
	got, ok = v.Value()
	check(t, "Value after Update(0)", got, ok, 0, true)
	v.Update(7)
	got, ok = v.Value()
	check(t, "Value after Update(7)", got, ok, 7, true)

	e.setKey("b")
	got, ok = v.Value()
	check(t, "Value of another key", got, ok, 0, false)
	v.Update(8)

	e.setKey("a")
	got, ok = v.Value()
	check(t, "Value of a", got, ok, 7, true)
	v.Clear()
	got, ok = v.Value()
	check(t, "Value after Clear", got, ok, 0, false)
	v.Clear() // clearing nothing is fine

	e.setKey("b")
	got, ok = v.Value()
	check(t, "Value of b after clearing a", got, ok, 8, true)

	// Two handles on one state see each other's writes and clears.
	v2 := must(statebackend.NewValue(e.b, state.Value[int]("v"), void))(t)
	got, ok = v2.Value()
	check(t, "second handle", got, ok, 8, true)
	v.Clear()
	got, ok = v2.Value()
	check(t, "second handle after the first cleared", got, ok, 0, false)
	v.Update(11)
	got, ok = v2.Value()
	check(t, "second handle after the first wrote", got, ok, 11, true)
	v2.Clear()
	v2.Update(12)
	got, ok = v.Value()
	check(t, "first handle after the second cleared and wrote", got, ok, 12, true)
	v.Update(8)

	// Another state is separate.
	w := must(statebackend.NewValue(e.b, state.Value[int]("w"), void))(t)
	got, ok = w.Value()
	check(t, "Value of another state", got, ok, 0, false)
	w.Update(9)
	got, ok = v.Value()
	check(t, "Value after writing another state", got, ok, 8, true)
}

func testValueKeyGroups(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[string]("v"), void))(t)
	const n = 1000
	groups := map[int]bool{}
	for i := range n {
		k := fmt.Sprint("key-", i)
		groups[keyGroupOf(k)] = true
		e.setKey(k)
		v.Update(k)
	}
	if len(groups) < MaxParallelism/2 {
		t.Fatalf("test keys fall in only %d key groups", len(groups))
	}
	for i := range n {
		k := fmt.Sprint("key-", i)
		e.setKey(k)
		if e.b.CurrentKeyGroup() != keyGroupOf(k) {
			t.Fatalf("CurrentKeyGroup = %d, want %d", e.b.CurrentKeyGroup(), keyGroupOf(k))
		}
		got, ok := v.Value()
		check(t, "Value of "+k, got, ok, k, true)
		if i%2 == 0 {
			v.Clear()
		}
	}
	for i := range n {
		k := fmt.Sprint("key-", i)
		e.setKey(k)
		got, ok := v.Value()
		check(t, "Value of "+k+" after clearing even keys", got, ok, k, i%2 == 1)
	}
	if got := len(e.keys("v")); got != n/2 {
		t.Errorf("Keys reports %d keys, want %d", got, n/2)
	}
}

func testSubRange(t *testing.T, e *env) {
	r := e.b.KeyGroupRange()
	if r.Start == 0 {
		t.Fatalf("KeyGroupRange = %v, want the range the backend was made with", r)
	}
	v := must(statebackend.NewValue(e.b, state.Value[int]("v"), void))(t)
	var keys []string
	for i := 0; len(keys) < 200; i++ {
		if k := fmt.Sprint("k", i); r.Contains(keyGroupOf(k)) {
			keys = append(keys, k)
		}
	}
	for i, k := range keys {
		e.setKey(k)
		v.Update(i)
	}
	for i, k := range keys {
		e.setKey(k)
		got, ok := v.Value()
		check(t, "Value of "+k, got, ok, i, true)
	}
	if got := len(e.keys("v")); got != len(keys) {
		t.Errorf("Keys reports %d keys, want %d", got, len(keys))
	}
}

func testValueNamespaces(t *testing.T, e *env) {
	v := must(statebackend.NewValue(e.b, state.Value[string]("w"), nsCodec))(t)
	e.setKey("a")
	v.SetNamespace(1)
	v.Update("a1")
	v.SetNamespace(2)
	v.Update("a2")
	e.setKey("b")
	v.Update("b2") // still namespace 2
	v.SetNamespace(1)
	got, ok := v.Value()
	check(t, "b in namespace 1", got, ok, "", false)

	e.setKey("a")
	got, ok = v.Value()
	check(t, "a in namespace 1", got, ok, "a1", true)
	v.SetNamespace(2)
	got, ok = v.Value()
	check(t, "a in namespace 2", got, ok, "a2", true)
	v.SetNamespace(3)
	got, ok = v.Value()
	check(t, "a in namespace 3", got, ok, "", false)

	// A second handle on the same state has its own namespace.
	w := must(statebackend.NewValue(e.b, state.Value[string]("w"), nsCodec))(t)
	w.SetNamespace(2)
	got, ok = w.Value()
	check(t, "second handle, a in namespace 2", got, ok, "a2", true)
	w.Update("A2")
	got, ok = v.Value()
	check(t, "first handle still in namespace 3", got, ok, "", false)
	v.SetNamespace(2)
	got, ok = v.Value()
	check(t, "first handle sees the second's write", got, ok, "A2", true)
	v.Clear()
	v.SetNamespace(1)
	got, ok = v.Value()
	check(t, "a in namespace 1 after clearing namespace 2", got, ok, "a1", true)

	// A new handle starts in the zero namespace.
	z := must(statebackend.NewValue(e.b, state.Value[string]("w"), nsCodec))(t)
	z.Update("a0")
	v.SetNamespace(0)
	got, ok = v.Value()
	check(t, "a in namespace 0", got, ok, "a0", true)
}

func testList(t *testing.T, e *env) {
	l := must(statebackend.NewList(e.b, state.List[string]("l"), void))(t)
	e.setKey("a")
	if got := l.Get(); len(got) != 0 {
		t.Errorf("empty Get = %v", got)
	}
	l.AddAll(nil)
	if got := e.keys("l"); len(got) != 0 {
		t.Errorf("AddAll(nil) created an entry: %v", got)
	}
	l.Add("x")
	l.AddAll([]string{"y", "z"})
	checkList(t, "Get", l.Get(), "x", "y", "z")
	l.AddAll(nil)
	checkList(t, "Get after AddAll(nil)", l.Get(), "x", "y", "z")

	e.setKey("b")
	if got := l.Get(); len(got) != 0 {
		t.Errorf("Get of another key = %v", got)
	}
	l.Add("b")

	e.setKey("a")
	in := []string{"p", "q"}
	l.Update(in)
	in[0] = "changed"
	checkList(t, "Get after Update", l.Get(), "p", "q")
	l.Update(l.Get()[1:])
	checkList(t, "Get after Update with its own tail", l.Get(), "q")
	l.Add("r")
	checkList(t, "Get after Add", l.Get(), "q", "r")
	l.Update(nil)
	if got := l.Get(); len(got) != 0 {
		t.Errorf("Get after Update(nil) = %v", got)
	}
	l.Add("s")
	l.Clear()
	if got := l.Get(); len(got) != 0 {
		t.Errorf("Get after Clear = %v", got)
	}
	if got, want := e.keys("l"), []keyNS{{"b", ""}}; !equal(got, want) {
		t.Errorf("Keys = %v, want %v", got, want)
	}
	e.setKey("b")
	checkList(t, "Get of b", l.Get(), "b")
}

func testListMerge(t *testing.T, e *env) {
	l := must(statebackend.NewList(e.b, state.List[int]("l"), nsCodec))(t)
	e.setKey("b")
	l.SetNamespace(2)
	l.Add(100)

	e.setKey("a")
	for ns, vs := range map[int64][]int{1: {1, 2}, 2: {3}, 3: {4, 5}} {
		l.SetNamespace(ns)
		l.AddAll(vs)
	}
	l.SetNamespace(7)
	l.MergeNamespaces(1, []int64{2, 1, 4, 3, 2})
	if got := l.Get(); len(got) != 0 {
		t.Errorf("MergeNamespaces changed the current namespace's list: %v", got)
	}
	l.SetNamespace(1)
	checkList(t, "target after merge", l.Get(), 1, 2, 3, 4, 5)
	for _, ns := range []int64{2, 3, 4} {
		l.SetNamespace(ns)
		if got := l.Get(); len(got) != 0 {
			t.Errorf("source %d after merge = %v", ns, got)
		}
	}
	// Into an empty target.
	l.MergeNamespaces(9, []int64{1})
	l.SetNamespace(9)
	checkList(t, "empty target after merge", l.Get(), 1, 2, 3, 4, 5)
	l.SetNamespace(1)
	if got := l.Get(); len(got) != 0 {
		t.Errorf("source 1 after merge = %v", got)
	}
	// Nothing to merge: the target stays absent.
	l.MergeNamespaces(10, []int64{11, 12})
	l.MergeNamespaces(11, nil)
	if got, want := e.keys("l"), []keyNS{{"a", nsHex(9)}, {"b", nsHex(2)}}; !equal(got, want) {
		t.Errorf("Keys = %v, want %v", got, want)
	}
	e.setKey("b")
	l.SetNamespace(2)
	checkList(t, "another key's list", l.Get(), 100)
}

func testMap(t *testing.T, e *env) {
	m := must(statebackend.NewMap(e.b, state.Map[string, int]("m"), void))(t)
	e.setKey("a")
	if !m.IsEmpty() {
		t.Error("IsEmpty of a new map = false")
	}
	got, ok := m.Get("x")
	check(t, "Get(x) of an empty map", got, ok, 0, false)
	if m.Contains("x") {
		t.Error("Contains(x) of an empty map")
	}
	m.Put("x", 1)
	m.Put("y", 2)
	got, ok = m.Get("x")
	check(t, "Get(x)", got, ok, 1, true)
	if !m.Contains("y") || m.Contains("z") || m.IsEmpty() {
		t.Error("Contains(y), !Contains(z), !IsEmpty do not hold")
	}
	m.PutAll(map[string]int{"z": 3, "x": 10})
	m.PutAll(nil)
	if got, want := maps.Collect(m.All()), map[string]int{"x": 10, "y": 2, "z": 3}; !maps.Equal(got, want) {
		t.Errorf("All = %v, want %v", got, want)
	}
	n := 0
	for range m.All() {
		n++
		break
	}
	if n != 1 {
		t.Errorf("All did not stop when the loop broke")
	}
	m.Remove("y")
	m.Remove("nope")
	if got, want := maps.Collect(m.All()), map[string]int{"x": 10, "z": 3}; !maps.Equal(got, want) {
		t.Errorf("All after Remove = %v, want %v", got, want)
	}

	e.setKey("b")
	if !m.IsEmpty() {
		t.Error("IsEmpty of another key = false")
	}
	m.Put("x", 100)
	all := m.All()
	e.setKey("a")
	if got, want := maps.Collect(all), map[string]int{"x": 100}; !maps.Equal(got, want) {
		t.Errorf("All iterated after a key change = %v, want the map of the key All was called for %v", got, want)
	}
	got, ok = m.Get("x")
	check(t, "Get(x) of a", got, ok, 10, true)

	m.Remove("x")
	m.Remove("z")
	if !m.IsEmpty() {
		t.Error("IsEmpty after removing every entry = false")
	}
	if got, want := e.keys("m"), []keyNS{{"b", ""}}; !equal(got, want) {
		t.Errorf("Keys after removing every entry of a = %v, want %v", got, want)
	}
	m.PutAll(map[string]int{"p": 1, "q": 2})
	m.Clear()
	if !m.IsEmpty() || m.Contains("p") {
		t.Error("map not empty after Clear")
	}
	e.setKey("b")
	got, ok = m.Get("x")
	check(t, "Get(x) of b", got, ok, 100, true)
}

func testMapNamespaces(t *testing.T, e *env) {
	m := must(statebackend.NewMap(e.b, state.Map[int, string]("m"), nsCodec))(t)
	e.setKey("a")
	m.SetNamespace(1)
	m.Put(1, "a1")
	m.SetNamespace(2)
	m.Put(1, "a2")
	m.Put(2, "a2")
	m.SetNamespace(1)
	if got, want := maps.Collect(m.All()), map[int]string{1: "a1"}; !maps.Equal(got, want) {
		t.Errorf("All of namespace 1 = %v, want %v", got, want)
	}
	m.Clear()
	m.SetNamespace(2)
	if got, want := maps.Collect(m.All()), map[int]string{1: "a2", 2: "a2"}; !maps.Equal(got, want) {
		t.Errorf("All of namespace 2 after clearing 1 = %v, want %v", got, want)
	}
}

func sum(a, b int) int { return a + b }

func testReducing(t *testing.T, e *env) {
	r := must(statebackend.NewReducing(e.b, state.Reducing("sum", sum), void))(t)
	e.setKey("a")
	got, ok := r.Get()
	check(t, "empty Get", got, ok, 0, false)
	r.Add(1)
	got, ok = r.Get()
	check(t, "Get after Add(1)", got, ok, 1, true)
	r.Add(2)
	r.Add(3)
	got, ok = r.Get()
	check(t, "Get after adding 1, 2, 3", got, ok, 6, true)
	e.setKey("b")
	got, ok = r.Get()
	check(t, "Get of another key", got, ok, 0, false)
	r.Add(10)
	e.setKey("a")
	r.Clear()
	got, ok = r.Get()
	check(t, "Get after Clear", got, ok, 0, false)
	e.setKey("b")
	got, ok = r.Get()
	check(t, "Get of b", got, ok, 10, true)

	// The reduce function is applied in order: (acc, new).
	c := must(statebackend.NewReducing(e.b, state.Reducing("concat", func(a, b string) string { return a + b }), void))(t)
	c.Add("x")
	c.Add("y")
	c.Add("z")
	s, ok := c.Get()
	check(t, "concatenation", s, ok, "xyz", true)
}

func testReducingMerge(t *testing.T, e *env) {
	r := must(statebackend.NewReducing(e.b, state.Reducing("sum", sum), nsCodec))(t)
	e.setKey("b")
	r.SetNamespace(2)
	r.Add(1000)
	e.setKey("a")
	for ns, v := range map[int64]int{1: 1, 2: 10, 3: 100} {
		r.SetNamespace(ns)
		r.Add(v)
	}
	r.MergeNamespaces(1, []int64{2, 3, 1, 4})
	r.SetNamespace(1)
	got, ok := r.Get()
	check(t, "target after merge", got, ok, 111, true)
	for _, ns := range []int64{2, 3, 4} {
		r.SetNamespace(ns)
		got, ok := r.Get()
		check(t, fmt.Sprint("source ", ns, " after merge"), got, ok, 0, false)
	}
	r.MergeNamespaces(5, []int64{1})
	r.SetNamespace(5)
	got, ok = r.Get()
	check(t, "empty target after merge", got, ok, 111, true)
	r.MergeNamespaces(6, []int64{7})
	r.SetNamespace(6)
	got, ok = r.Get()
	check(t, "target of an empty merge", got, ok, 0, false)
	e.setKey("b")
	r.SetNamespace(2)
	got, ok = r.Get()
	check(t, "another key", got, ok, 1000, true)
}

// avg is an AggregateFunction computing the mean of ints.
type avg struct{}

type avgAcc struct{ Sum, Count int }

func (avg) CreateAccumulator() avgAcc  { return avgAcc{} }
func (avg) Add(v int, a avgAcc) avgAcc { return avgAcc{a.Sum + v, a.Count + 1} }
func (avg) Result(a avgAcc) float64    { return float64(a.Sum) / float64(a.Count) }
func (avg) Merge(a, b avgAcc) avgAcc   { return avgAcc{a.Sum + b.Sum, a.Count + b.Count} }
func newAvg[N any](t *testing.T, e *env, name string, ns serde.Codec[N], ttl state.TTL) statebackend.Aggregating[N, int, float64] {
	t.Helper()
	d := state.Aggregating[int, avgAcc, float64](name, avg{}).WithTTL(ttl)
	return must(statebackend.NewAggregating(e.b, d, ns))(t)
}

func testAggregating(t *testing.T, e *env) {
	a := newAvg(t, e, "avg", void, state.TTL{})
	e.setKey("a")
	got, ok := a.Get()
	check(t, "empty Get", got, ok, 0, false)
	a.Add(1)
	a.Add(2)
	got, ok = a.Get()
	check(t, "Get after adding 1, 2", got, ok, 1.5, true)
	e.setKey("b")
	got, ok = a.Get()
	check(t, "Get of another key", got, ok, 0, false)
	a.Add(10)
	e.setKey("a")
	a.Clear()
	got, ok = a.Get()
	check(t, "Get after Clear", got, ok, 0, false)
	e.setKey("b")
	got, ok = a.Get()
	check(t, "Get of b", got, ok, 10, true)
}

func testAggregatingMerge(t *testing.T, e *env) {
	a := newAvg(t, e, "avg", nsCodec, state.TTL{})
	e.setKey("a")
	a.SetNamespace(1)
	a.Add(1)
	a.SetNamespace(2)
	a.Add(2)
	a.Add(3)
	a.SetNamespace(3)
	a.Add(6)
	a.MergeNamespaces(1, []int64{1, 2, 3})
	a.SetNamespace(1)
	got, ok := a.Get()
	check(t, "target after merge", got, ok, 3, true)
	a.SetNamespace(2)
	got, ok = a.Get()
	check(t, "source after merge", got, ok, 0, false)
	a.MergeNamespaces(4, []int64{1, 5})
	a.SetNamespace(4)
	got, ok = a.Get()
	check(t, "empty target after merge", got, ok, 3, true)
}

func equal(a, b []keyNS) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
