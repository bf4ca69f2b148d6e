package opstate

import (
	"errors"
	"slices"
	"testing"

	"github.com/eddy-streams/eddy/serde"
)

// snapshotOf returns the snapshot of a store with one state of each mode:
// the list and union lists hold the given ints, the broadcast map {1: tag}.
func snapshotOf(t *testing.T, list, union []int, tag string) []byte {
	t.Helper()
	s := NewStore()
	l, err := NewList(s, "list", Split, serde.MustFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	u, err := NewList(s, "union", Union, serde.MustFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMap(s, "bc", Broadcast, serde.MustFor[int](), serde.MustFor[string]())
	if err != nil {
		t.Fatal(err)
	}
	l.Update(list)
	u.AddAll(union)
	m.Put(1, tag)
	data, err := s.Snapshot(7)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type restored struct {
	list, union []int
	bc          string
}

func restoreFrom(t *testing.T, old [][]byte, p, i int) restored {
	t.Helper()
	s, err := Redistribute(old, p, i)
	if err != nil {
		t.Fatal(err)
	}
	if !s.IsRestored() {
		t.Fatal("IsRestored is false")
	}
	l, err := NewList(s, "list", Split, serde.MustFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	u, err := NewList(s, "union", Union, serde.MustFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMap(s, "bc", Broadcast, serde.MustFor[int](), serde.MustFor[string]())
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := m.Get(1)
	return restored{list: l.Get(), union: u.Get(), bc: bc}
}

func TestRedistribute(t *testing.T) {
	old := [][]byte{
		snapshotOf(t, []int{1, 2, 3}, []int{10}, "a"),
		snapshotOf(t, []int{4}, []int{20, 21}, "b"),
	}
	// Same parallelism: own list, all union elements, own broadcast copy.
	for i, want := range []restored{{[]int{1, 2, 3}, []int{10, 20, 21}, "a"}, {[]int{4}, []int{10, 20, 21}, "b"}} {
		if got := restoreFrom(t, old, 2, i); !equal(got, want) {
			t.Errorf("p=2 subtask %d: got %+v, want %+v", i, got, want)
		}
	}
	// Scale out to 3: the 4 list elements cut into 2, 1, 1.
	for i, want := range []restored{{[]int{1, 2}, []int{10, 20, 21}, "a"}, {[]int{3}, []int{10, 20, 21}, "b"}, {[]int{4}, []int{10, 20, 21}, "a"}} {
		if got := restoreFrom(t, old, 3, i); !equal(got, want) {
			t.Errorf("p=3 subtask %d: got %+v, want %+v", i, got, want)
		}
	}
	// Scale in to 1: everything.
	if got, want := restoreFrom(t, old, 1, 0), (restored{[]int{1, 2, 3, 4}, []int{10, 20, 21}, "a"}); !equal(got, want) {
		t.Errorf("p=1: got %+v, want %+v", got, want)
	}
	// Old subtask 0 without state: broadcast falls back to another copy.
	if got := restoreFrom(t, [][]byte{nil, old[1]}, 2, 0); got.bc != "b" || len(got.list) != 0 {
		t.Errorf("subtask 0 without state: got %+v", got)
	}
}

func equal(a, b restored) bool {
	return slices.Equal(a.list, b.list) && slices.Equal(a.union, b.union) && a.bc == b.bc
}

func TestUnclaimedStateIsKept(t *testing.T) {
	s, err := Redistribute([][]byte{snapshotOf(t, []int{5}, nil, "x")}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.Snapshot(8) // nothing registered: the restored states go on
	if err != nil {
		t.Fatal(err)
	}
	if got := restoreFrom(t, [][]byte{data}, 1, 0); !slices.Equal(got.list, []int{5}) || got.bc != "x" {
		t.Errorf("carried state: got %+v", got)
	}
}

func TestRegistrationErrors(t *testing.T) {
	s, err := Redistribute([][]byte{snapshotOf(t, []int{5}, nil, "x")}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewList(s, "list", Union, serde.MustFor[int]()); err == nil {
		t.Error("restoring list state as union state: no error")
	}
	if _, err := NewList(s, "list", Split, serde.MustFor[string]()); err == nil {
		t.Error("restoring int list state as string list: no error")
	}
	if _, err := NewList(s, "list", Split, serde.MustFor[int]()); err != nil {
		t.Fatal(err)
	}
	if _, err := NewList(s, "list", Split, serde.MustFor[int]()); err == nil {
		t.Error("registering twice: no error")
	}
	if _, err := NewList(s, "other", Broadcast, serde.MustFor[int]()); err == nil {
		t.Error("broadcast list: no error")
	}
}

func TestSnapshotHooksAndEmpty(t *testing.T) {
	s := NewStore()
	if data, err := s.Snapshot(1); err != nil || data != nil {
		t.Fatalf("empty store: %v, %v", data, err)
	}
	l, _ := NewList(s, "l", Split, serde.MustFor[string]())
	var seen int64
	s.OnSnapshot(func(id int64) error { seen = id; l.Update([]string{"at snapshot"}); return nil })
	data, err := s.Snapshot(42)
	if err != nil || seen != 42 {
		t.Fatalf("hook: %d, %v", seen, err)
	}
	r, _ := Redistribute([][]byte{data}, 1, 0)
	l2, _ := NewList(r, "l", Split, serde.MustFor[string]())
	if !slices.Equal(l2.Get(), []string{"at snapshot"}) {
		t.Errorf("got %q", l2.Get())
	}
	boom := errors.New("boom")
	s.OnSnapshot(func(int64) error { return boom })
	if _, err := s.Snapshot(43); !errors.Is(err, boom) {
		t.Errorf("hook error: %v", err)
	}
}

func TestCorruptSnapshots(t *testing.T) {
	good := snapshotOf(t, []int{1, 2}, []int{3}, "z")
	cases := map[string][]byte{
		"empty":     {},
		"magic":     append([]byte("XXXXXXXX"), good[8:]...),
		"truncated": good[:len(good)-3],
		"flipped":   func() []byte { b := slices.Clone(good); b[12] ^= 1; return b }(),
	}
	for name, data := range cases {
		if _, err := Redistribute([][]byte{data}, 1, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	s := NewStore()
	l, _ := NewList(s, "l", Split, serde.MustFor[int]())
	l.Update([]int{1, 2, 3})
	data, _ := s.Snapshot(1)
	f.Add(data)
	f.Fuzz(func(t *testing.T, b []byte) {
		decode(b) // must not panic
	})
}
