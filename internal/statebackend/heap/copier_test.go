package heap

import (
	"reflect"
	"testing"

	"github.com/eddy-streams/eddy/serde"
)

type inner struct {
	Name string
	Vals []int32
}

type nested struct {
	A      int64
	Counts []int64
	Rows   [][]byte
	Inners []inner
	Arr    [2][]int
	hidden []int // unexported, encoded by the default codecs too
	Plain  [3]int
}

// TestDeepCopier checks that the copier's result equals the original and
// shares no memory with it, for every kind of reference a value with a
// default codec can hold, and that it keeps nil slices and capacities.
func TestDeepCopier(t *testing.T) {
	cp := deepCopier(serde.MustFor[nested]())
	if cp == nil {
		t.Fatal("no copier for a type with slices")
	}
	orig := nested{
		A:      1,
		Counts: make([]int64, 2, 8),
		Rows:   [][]byte{[]byte("ab"), nil, {}},
		Inners: []inner{{"x", []int32{1, 2}}, {"y", nil}},
		Arr:    [2][]int{{5}, nil},
		hidden: []int{7, 8},
		Plain:  [3]int{1, 2, 3},
	}
	orig.Counts[1] = 4
	c := orig
	cp(&c)
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("copy = %+v, want %+v", c, orig)
	}
	if cap(c.Counts) != 8 {
		t.Errorf("copy's capacity = %d, want 8", cap(c.Counts))
	}
	if c.Rows[1] != nil || c.Rows[2] == nil || c.Arr[1] != nil || c.Inners[1].Vals != nil {
		t.Error("nil and empty slices not kept apart")
	}
	// Change every reference of the copy: the original must not change.
	c.Counts[0] = 99
	c.Rows[0][0] = 'z'
	c.Inners[0].Vals[0] = 99
	c.Inners[0].Name = "changed"
	c.Arr[0][0] = 99
	c.hidden[0] = 99
	want := nested{
		A:      1,
		Counts: []int64{0, 4},
		Rows:   [][]byte{[]byte("ab"), nil, {}},
		Inners: []inner{{"x", []int32{1, 2}}, {"y", nil}},
		Arr:    [2][]int{{5}, nil},
		hidden: []int{7, 8},
		Plain:  [3]int{1, 2, 3},
	}
	if !reflect.DeepEqual(orig, want) {
		t.Errorf("original after changing the copy = %+v, want %+v", orig, want)
	}

	if deepCopier(serde.MustFor[struct{ A, B int64 }]()) != nil {
		t.Error("a copier for a type without references")
	}
	s := []string{"a", "b"}
	sc := s
	deepCopier(serde.MustFor[[]string]())(&sc)
	sc[0] = "changed"
	if s[0] != "a" {
		t.Error("a copied []string shares its array")
	}
}

// TestDeepCopierCodecFallback checks the codec round trip used for types
// the reflect copier does not know.
func TestDeepCopierCodecFallback(t *testing.T) {
	if _, ok := compileCopier(reflect.TypeFor[map[string]int]()); ok {
		t.Error("compileCopier accepts a map")
	}
	if _, ok := compileCopier(reflect.TypeFor[struct{ P *int }]()); ok {
		t.Error("compileCopier accepts a pointer")
	}
	cp := codecCopier(serde.MustFor[[]int]())
	v := []int{1, 2}
	c := v
	cp(&c)
	c[0] = 9
	if v[0] != 1 || !reflect.DeepEqual(c, []int{9, 2}) {
		t.Errorf("codec copy: original %v, copy %v", v, c)
	}
}

func BenchmarkDeepCopier(b *testing.B) {
	type sliced struct {
		First  int64
		Counts []int64
		Next   int64
	}
	v := sliced{Counts: make([]int64, 5, 8)}
	c := serde.MustFor[sliced]()
	b.Run("reflect", func(b *testing.B) {
		cp := deepCopier(c)
		b.ReportAllocs()
		for b.Loop() {
			x := v
			cp(&x)
		}
	})
	b.Run("codec", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			buf = c.Append(buf[:0], v)
			if _, _, err := c.Decode(buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
