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
	if g.over != nil {
		t.Error("overlay left after the last release")
	}
}

func TestLookupInBase(t *testing.T) {
	g := New[val](1)
	g.Put(0, "a", &val{1})
	g.Freeze()
	if e, inBase := g.Lookup(0, []byte("a")); e == nil || !inBase {
		t.Errorf("Lookup of a frozen entry = %v, %v", e, inBase)
	}
	g.Put(0, "a", &val{2})
	if e, inBase := g.Lookup(0, []byte("a")); e == nil || e.v != 2 || inBase {
		t.Errorf("Lookup of an overlay entry = %v, %v", e, inBase)
	}
	g.Delete(0, "a")
	if e, _ := g.Lookup(0, []byte("a")); e != nil {
		t.Errorf("Lookup of a deleted entry = %v", e)
	}
	g.Release()
	if len(g.base[0]) != 0 {
		t.Errorf("tombstone not merged: %v", g.base[0])
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
