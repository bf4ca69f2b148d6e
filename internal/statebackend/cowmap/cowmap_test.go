package cowmap

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

type val struct{ v int }

// contents returns the entries of key group kg as a Go map, through Range.
func contents(rangeFn func(kg int, fn func(string, *val)), kg int) map[string]int {
	m := map[string]int{}
	rangeFn(kg, func(k string, e *val) {
		if _, dup := m[k]; dup {
			panic("key " + k + " visited twice")
		}
		m[k] = e.v
	})
	return m
}

// TestModel runs random operations, freezes and releases against a model of
// plain maps: every view keeps the contents it was frozen with, and the
// Groups always has the model's.
func TestModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const groups = 4
	g := New[val](groups)
	model := make([]map[string]int, groups)
	for i := range model {
		model[i] = map[string]int{}
	}
	type frozen struct {
		v    View[val]
		want []map[string]int
	}
	var views []frozen
	check := func(step int) {
		for kg := range groups {
			if got := contents(g.Range, kg); !maps.Equal(got, model[kg]) {
				t.Fatalf("step %d: key group %d = %v, want %v", step, kg, got, model[kg])
			}
			for i, f := range views {
				if got := contents(f.v.Range, kg); !maps.Equal(got, f.want[kg]) {
					t.Fatalf("step %d: view %d, key group %d = %v, want %v", step, i, kg, got, f.want[kg])
				}
			}
		}
	}
	for step := range 20000 {
		kg := rng.IntN(groups)
		k := fmt.Sprint("k", rng.IntN(20))
		switch op := rng.IntN(20); {
		case op < 8: // put a new entry (entries are never changed in place)
			v := rng.IntN(1000)
			g.Put(kg, k, &val{v})
			model[kg][k] = v
		case op < 14:
			g.Delete(kg, k)
			delete(model[kg], k)
		case op < 17:
			e := g.Get(kg, []byte(k))
			want, ok := model[kg][k]
			if (e != nil) != ok || (ok && e.v != want) {
				t.Fatalf("step %d: Get(%d, %s) = %v, want %v, %v", step, kg, k, e, want, ok)
			}
		case op < 18 && len(views) < 3:
			want := make([]map[string]int, groups)
			for i := range model {
				want[i] = maps.Clone(model[i])
			}
			epoch := g.Epoch()
			views = append(views, frozen{g.Freeze(), want})
			if g.Epoch() == epoch || !g.Snapshotting() {
				t.Fatal("Freeze did not start a snapshot")
			}
		case op < 20 && len(views) > 0:
			i := rng.IntN(len(views))
			views = append(views[:i], views[i+1:]...)
			g.Release()
			if g.Snapshotting() != (len(views) > 0) {
				t.Fatalf("Snapshotting = %v with %d views", g.Snapshotting(), len(views))
			}
		}
		if step%97 == 0 {
			check(step)
		}
	}
	for range views {
		g.Release()
	}
	views = nil
	check(-1)
	for kg, sh := range g.shared {
		if sh {
			t.Errorf("key group %d still shared after the last release", kg)
		}
	}
}

// TestCloneOnFirstWrite checks that a key group's map is cloned on its first
// write while a view is in flight, once, and that key groups not written
// and writes after the last release are not cloned.
func TestCloneOnFirstWrite(t *testing.T) {
	g := New[val](3)
	g.Put(0, "a", &val{1})
	g.Put(1, "b", &val{2})
	m0, m1 := g.m[0], g.m[1]
	v := g.Freeze()
	g.Put(0, "a", &val{3}) // replaces an entry: clones
	if sameMap(g.m[0], m0) {
		t.Fatal("first write of a shared key group did not clone its map")
	}
	c0 := g.m[0]
	g.Put(0, "c", &val{4})
	g.Delete(0, "a")
	if !sameMap(g.m[0], c0) {
		t.Error("second write cloned again")
	}
	g.Delete(1, "missing") // deletes nothing: no clone
	if !sameMap(g.m[1], m1) {
		t.Error("a delete of a missing key cloned the map")
	}
	g.Put(2, "d", &val{5}) // key group without a map
	if got := contents(v.Range, 0); !maps.Equal(got, map[string]int{"a": 1}) {
		t.Errorf("view of key group 0 = %v", got)
	}
	if got := contents(v.Range, 2); len(got) != 0 || v.Count(2) != 0 {
		t.Errorf("view of key group 2 = %v", got)
	}
	if e := g.Get(0, []byte("c")); e == nil || e.v != 4 {
		t.Errorf("Get of a new entry = %v", e)
	}
	if e := g.Get(0, []byte("a")); e != nil {
		t.Errorf("Get of a deleted entry = %v", e)
	}
	g.Release()
	m1 = g.m[1]
	g.Put(1, "e", &val{6})
	if !sameMap(g.m[1], m1) {
		t.Error("a write after the last release cloned the map")
	}
}

// sameMap reports whether a and b are the same map (not equal contents).
func sameMap(a, b map[string]*val) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	const probe = "\x00probe"
	_, had := a[probe]
	if had {
		panic("probe key in use")
	}
	a[probe] = nil
	_, same := b[probe]
	delete(a, probe)
	return same
}

// TestFreezeCost checks that Freeze and Release allocate the same for 10
// and 100000 entries.
func TestFreezeCost(t *testing.T) {
	allocs := func(n int) float64 {
		g := New[val](64)
		for i := range n {
			g.Put(i%64, fmt.Sprint(i), &val{i})
		}
		return testing.AllocsPerRun(20, func() {
			g.Freeze()
			g.Release()
		})
	}
	if small, large := allocs(10), allocs(100_000); small != large {
		t.Errorf("Freeze+Release allocates %v times with 10 entries, %v with 100000", small, large)
	}
}

func TestDrop(t *testing.T) {
	g := New[val](2)
	g.Put(1, "a", &val{1})
	v := g.Freeze()
	g.Drop()
	if got := contents(v.Range, 1); got["a"] != 1 {
		t.Errorf("view after Drop = %v", got)
	}
	g.Release() // must not panic
}

// BenchmarkFirstWrite is a snapshot's cost to the owner when it writes
// every key group once while the view is in flight: one clone per key
// group of 1000 entries.
func BenchmarkFirstWrite(b *testing.B) {
	g := New[val](128)
	for i := range 128_000 {
		g.Put(i%128, fmt.Sprint("key-", i), &val{i})
	}
	e := &val{}
	b.ReportAllocs()
	for b.Loop() {
		g.Freeze()
		for kg := range 128 {
			g.Put(kg, "key-0", e)
		}
		g.Release()
	}
}

func BenchmarkGet(b *testing.B) {
	g := New[val](128)
	keys := make([][]byte, 1024)
	for i := range keys {
		keys[i] = fmt.Append(nil, "key-", i)
		g.Put(i%128, string(keys[i]), &val{i})
	}
	i := 0
	for b.Loop() {
		i++
		if g.Get(i%128, keys[i%1024]) == nil {
			b.Fatal("missing")
		}
	}
}
