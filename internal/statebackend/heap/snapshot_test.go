package heap_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/state"
)

// fill returns a backend with n entries spread over a value, a list, a map
// and a reducing state.
func fill(tb testing.TB, n int) *heap.Backend {
	b := heap.New(keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{Millis: 1})
	v, _ := heap.NewValue(b, state.Value[int64]("v"), statebackend.VoidCodec)
	l, _ := heap.NewList(b, state.List[int64]("l"), statebackend.VoidCodec)
	m, _ := heap.NewMap(b, state.Map[int, int64]("m").WithTTL(state.TTLOf(time.Hour)), statebackend.VoidCodec)
	r, _ := heap.NewReducing(b, state.Reducing("r", func(a, b int64) int64 { return a + b }), statebackend.VoidCodec)
	var key []byte
	for i := range n / 4 {
		key = keyCodec.Append(key[:0], fmt.Sprint("user-", i))
		b.SetCurrentKey(key, keygroup.ForKey(key, 128))
		v.Update(int64(i))
		l.Add(int64(i))
		m.Put(i%8, int64(i))
		r.Add(int64(i))
	}
	return b
}

// TestSnapshotCostIndependentOfState checks that the synchronous part of a
// snapshot allocates the same for 1000 and 100000 entries: it copies
// nothing per entry.
func TestSnapshotCostIndependentOfState(t *testing.T) {
	allocs := func(n int) float64 {
		b := fill(t, n)
		return testing.AllocsPerRun(20, func() {
			s, err := b.Snapshot(1)
			if err != nil {
				t.Fatal(err)
			}
			s.Release()
		})
	}
	small, large := allocs(1000), allocs(100_000)
	if small != large {
		t.Errorf("Snapshot+Release allocates %v times with 1000 entries, %v with 100000", small, large)
	}
	t.Logf("Snapshot+Release: %v allocations for 4 tables", small)
}

// TestSteadyStateAllocsAfterSnapshot checks that state access allocates
// nothing once a snapshot is released (entries and maps copied during it
// are written in place again).
func TestSteadyStateAllocsAfterSnapshot(t *testing.T) {
	b := heap.New(keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{Millis: 1})
	v, _ := heap.NewValue(b, state.Value[int]("v"), statebackend.VoidCodec)
	m, _ := heap.NewMap(b, state.Map[int, int]("m"), statebackend.VoidCodec)
	l, _ := heap.NewList(b, state.List[int]("l").WithTTL(state.TTLOf(time.Hour)), statebackend.VoidCodec)
	keys := make([][]byte, 16)
	for i := range keys {
		keys[i] = keyCodec.Append(nil, fmt.Sprint("key", i))
		b.SetCurrentKey(keys[i], keygroup.ForKey(keys[i], 128))
		v.Update(0)
		m.Put(1, 1)
		l.Add(1)
	}
	s, err := b.Snapshot(1)
	if err != nil {
		t.Fatal(err)
	}
	access := func(i int) {
		b.SetCurrentKey(keys[i%len(keys)], keygroup.ForKey(keys[i%len(keys)], 128))
		x, _ := v.Value()
		v.Update(x + 1)
		x, _ = m.Get(1)
		m.Put(1, x+1)
		l.Get()
	}
	for i := range keys {
		access(i) // copies every entry
	}
	if err := s.WriteKeyGroups(io.Discard, s.KeyGroupRange()); err != nil {
		t.Fatal(err)
	}
	s.Release()
	i := 0
	if allocs := testing.AllocsPerRun(1000, func() { i++; access(i) }); allocs != 0 {
		t.Errorf("state access after a snapshot allocates %v times per run", allocs)
	}
}

type withFunc struct {
	F func()
}

func TestRequireCodecs(t *testing.T) {
	b := heap.NewWithOptions(keygroup.Range{Start: 0, End: 127}, nil, heap.Options{RequireCodecs: true})
	_, err := heap.NewValue(b, state.Value[withFunc]("ptr"), statebackend.VoidCodec)
	if err == nil || !strings.Contains(err.Error(), `"ptr"`) || !strings.Contains(err.Error(), "withFunc") {
		t.Errorf("value without codec: %v", err)
	}
	_, err = heap.NewMap(b, state.Map[chan int, int]("mk"), statebackend.VoidCodec)
	if err == nil || !strings.Contains(err.Error(), `"mk"`) || !strings.Contains(err.Error(), "map key") {
		t.Errorf("map key without codec: %v", err)
	}
	_, err = heap.NewList(b, state.List[map[string]int]("lm"), statebackend.VoidCodec)
	if err == nil || !strings.Contains(err.Error(), `"lm"`) {
		t.Errorf("list element without codec: %v", err)
	}
	if _, err := heap.NewValue(b, state.Value[[]int]("ok"), statebackend.VoidCodec); err != nil {
		t.Error(err)
	}

	// Without the option, creation works and Snapshot names the state.
	b = heap.New(keygroup.Range{Start: 0, End: 127}, nil)
	if _, err := heap.NewValue(b, state.Value[int]("fine"), statebackend.VoidCodec); err != nil {
		t.Fatal(err)
	}
	if _, err := heap.NewMap(b, state.Map[string, withFunc]("bad"), statebackend.VoidCodec); err != nil {
		t.Fatal(err)
	}
	_, err = b.Snapshot(1)
	if err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("Snapshot of a state without codec: %v", err)
	}
}

// TestRestoreCodecMismatch restores values into a state whose value type
// has the name of the one snapshotted but another encoding.
func TestRestoreCodecMismatch(t *testing.T) {
	var buf bytes.Buffer
	{
		type T struct{ X int64 }
		b := heap.New(keygroup.Range{Start: 0, End: 127}, nil)
		v, _ := heap.NewValue(b, state.Value[T]("v"), statebackend.VoidCodec)
		setKey(b, "a")
		v.Update(T{5})
		s, err := b.Snapshot(1)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
			t.Fatal(err)
		}
		s.Release()
	}
	type T struct{ S string } // the same name, heap_test.T
	r, err := heap.Restore(keygroup.Range{Start: 0, End: 127}, nil, &buf)
	if err != nil {
		t.Fatal(err)
	}
	_, err = heap.NewValue(r, state.Value[T]("v"), statebackend.VoidCodec)
	if err == nil || !strings.Contains(err.Error(), `"v"`) || !strings.Contains(err.Error(), "codec") {
		t.Errorf("value of another encoding: %v", err)
	}
	t.Log(err)
}

func TestSnapshotClosedBackend(t *testing.T) {
	b := fill(t, 100)
	s, err := b.Snapshot(1)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
		t.Errorf("writing a snapshot of a backend closed since: %v", err)
	}
	s.Release()
	if _, err := b.Snapshot(2); err == nil {
		t.Error("Snapshot of a closed backend: no error")
	}
	r, err := heap.Restore(keygroup.Range{Start: 0, End: 127}, nil, &buf)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	r.Keys("v", func([]byte, []byte) { n++ })
	if n != 25 {
		t.Errorf("restored %d keys, want 25", n)
	}
	if err := r.Restore(bytes.NewReader(nil)); err == nil {
		t.Error("Restore of nothing: no error")
	}
}
