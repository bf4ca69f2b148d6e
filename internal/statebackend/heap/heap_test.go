package heap_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

func newBackend(t *testing.T, r keygroup.Range, clock *statetest.ManualClock) statebackend.Keyed {
	return heap.New(r, clock)
}

func TestSuite(t *testing.T) {
	statetest.RunSuite(t, newBackend)
}

var keyCodec = serde.MustFor[string]()

func setKey(b *heap.Backend, k string) {
	enc := keyCodec.Append(nil, k)
	b.SetCurrentKey(enc, keygroup.ForKey(enc, 128))
}

func numKeys(b *heap.Backend, name string) int {
	n := 0
	b.Keys(name, func([]byte, []byte) { n++ })
	return n
}

// TestIncrementalCleanup checks that accessing a TTL state removes the
// expired entries of other keys, a bounded number per access.
func TestIncrementalCleanup(t *testing.T) {
	clock := &statetest.ManualClock{Millis: 1000}
	b := heap.New(keygroup.Range{Start: 0, End: 127}, clock)
	ttl := state.TTLOf(time.Second)
	v, err := heap.NewValue(b, state.Value[int]("v").WithTTL(ttl), statebackend.VoidCodec)
	if err != nil {
		t.Fatal(err)
	}
	l, err := heap.NewList(b, state.List[int]("l").WithTTL(ttl), statebackend.VoidCodec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := heap.NewMap(b, state.Map[int, int]("m").WithTTL(ttl), statebackend.VoidCodec)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for i := range n {
		setKey(b, fmt.Sprint("dead", i))
		v.Update(i)
		l.Add(i)
		m.Put(i, i)
	}
	clock.Millis += 500
	setKey(b, "live")
	v.Update(1)
	l.Add(1)
	m.Put(1, 1)
	clock.Millis += 600 // the dead keys have expired, live has not
	for _, name := range []string{"v", "l", "m"} {
		if got := numKeys(b, name); got != n+1 {
			t.Fatalf("%s: %d keys before cleanup, want %d", name, got, n+1)
		}
	}
	// Each access checks at most 5 entries.
	v.Value()
	if got := numKeys(b, "v"); got < n+1-5 {
		t.Errorf("one access removed %d entries", n+1-got)
	}
	for range n/5 + 5 { // a few more for the checks that hit the live entry
		v.Value()
		l.Get()
		m.Get(1)
	}
	for _, name := range []string{"v", "l", "m"} {
		if got := numKeys(b, name); got != 1 {
			t.Errorf("%s: %d keys after cleanup, want 1 (the live key)", name, got)
		}
	}
	if got, ok := v.Value(); !ok || got != 1 {
		t.Errorf("live value = %v, %v", got, ok)
	}
	// Lists are cleaned up per element, maps per entry.
	clock.Millis += 500
	l.Add(2)
	m.Put(2, 2)
	clock.Millis += 600
	for range 3 { // a full round over the single entry
		v.Value()
		l.Get()
		m.Get(3)
	}
	if got := l.Get(); len(got) != 1 || got[0] != 2 {
		t.Errorf("list after cleanup = %v, want [2]", got)
	}
	if _, ok := m.Get(1); ok {
		t.Error("expired map entry survived")
	}
	if got, ok := m.Get(2); !ok || got != 2 {
		t.Errorf("map entry 2 = %v, %v", got, ok)
	}
}

func TestKeyGroupOutOfRange(t *testing.T) {
	b := heap.New(keygroup.Range{Start: 10, End: 19}, nil)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "key group 20") {
			t.Errorf("SetCurrentKey outside the range: recovered %v", r)
		}
	}()
	b.SetCurrentKey([]byte{1}, 20)
}

func TestNoCurrentKey(t *testing.T) {
	b := heap.New(keygroup.Range{Start: 0, End: 127}, nil)
	v, err := heap.NewValue(b, state.Value[int]("v"), statebackend.VoidCodec)
	if err != nil {
		t.Fatal(err)
	}
	if b.CurrentKeyGroup() != -1 {
		t.Errorf("CurrentKeyGroup before SetCurrentKey = %d", b.CurrentKeyGroup())
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `"v"`) {
			t.Errorf("access without a key: recovered %v", r)
		}
	}()
	v.Value()
}

func TestClose(t *testing.T) {
	b := heap.New(keygroup.Range{Start: 0, End: 127}, nil)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := heap.NewValue(b, state.Value[int]("v"), statebackend.VoidCodec); err == nil {
		t.Error("NewValue on a closed backend: no error")
	}
}

// TestSteadyStateAllocs checks that reads and writes of existing entries
// allocate nothing, across key and namespace changes.
func TestSteadyStateAllocs(t *testing.T) {
	b := heap.New(keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{})
	nsc := serde.MustFor[int64]()
	v, _ := heap.NewValue(b, state.Value[int]("v"), nsc)
	tv, _ := heap.NewValue(b, state.Value[int]("tv").WithTTL(state.TTL{Duration: time.Hour, Update: state.OnReadAndWrite}), nsc)
	m, _ := heap.NewMap(b, state.Map[int, int]("m"), nsc)
	r, _ := heap.NewReducing(b, state.Reducing("r", func(a, b int) int { return a + b }), nsc)
	keys := make([][]byte, 16)
	groups := make([]int, len(keys))
	for i := range keys {
		keys[i] = keyCodec.Append(nil, fmt.Sprint("key", i))
		groups[i] = keygroup.ForKey(keys[i], 128)
		b.SetCurrentKey(keys[i], groups[i])
		for ns := range int64(2) {
			v.SetNamespace(ns)
			v.Update(0)
			tv.SetNamespace(ns)
			tv.Update(0)
			m.SetNamespace(ns)
			m.Put(1, 1)
			r.SetNamespace(ns)
			r.Add(1)
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		b.SetCurrentKey(keys[i%len(keys)], groups[i%len(keys)])
		ns := int64(i % 2)
		v.SetNamespace(ns)
		x, _ := v.Value()
		v.Update(x + 1)
		tv.SetNamespace(ns)
		x, _ = tv.Value()
		tv.Update(x + 1)
		m.SetNamespace(ns)
		x, _ = m.Get(1)
		m.Put(1, x+1)
		r.SetNamespace(ns)
		r.Add(1)
	})
	if allocs != 0 {
		t.Errorf("steady-state access allocates %v times per run", allocs)
	}
}

// rawCodec encodes a byte slice as itself, which is not self-delimiting.
type rawCodec struct{}

func (rawCodec) Append(dst []byte, v []byte) []byte { return append(dst, v...) }
func (rawCodec) Decode(src []byte) ([]byte, int, error) {
	return append([]byte(nil), src...), len(src), nil
}

// TestAmbiguousKey checks that a key that runs into another key's namespace
// is reported instead of silently sharing a value.
func TestAmbiguousKey(t *testing.T) {
	b := heap.New(keygroup.Range{Start: 0, End: 0}, nil)
	v, err := heap.NewValue(b, state.Value[int]("v"), rawCodec{})
	if err != nil {
		t.Fatal(err)
	}
	b.SetCurrentKey([]byte{1}, 0)
	v.SetNamespace([]byte{2, 3})
	v.Update(1)
	b.SetCurrentKey([]byte{1, 2}, 0)
	v.SetNamespace([]byte{3})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "self-delimiting") {
			t.Errorf("ambiguous key: recovered %v", r)
		}
	}()
	v.Value()
}
