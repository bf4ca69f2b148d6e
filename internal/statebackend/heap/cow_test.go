package heap_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/stateio"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// canonical parses a snapshot stream into sorted lines, one per element,
// so that streams holding the same state compare equal whatever the order
// of the entries (map iteration) and of map state's elements.
func canonical(t *testing.T, data []byte, r keygroup.Range) []string {
	t.Helper()
	s, err := stateio.Read(bytes.NewReader(data), r)
	if err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	var out []string
	for _, rs := range s.States {
		name := rs.Meta().Name
		err := rs.ForEach(func(kg int, e *stateio.Entry) error {
			for i, el := range e.Elems {
				pos := fmt.Sprint(i)
				if rs.Meta().Kind == stateio.KindMap || rs.Meta().Kind == stateio.KindTimers {
					pos = "*" // unordered
				}
				out = append(out, fmt.Sprintf("%s kg=%d key=%x ns=%x [%s] uk=%x ts=%d v=%x", name, kg, e.Key, e.Namespace, pos, el.UserKey, el.TS, el.Value))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// cowFixture is a backend with a state of every kind, values with slices
// that user code changes in place, TTL states and a timer service.
type cowFixture struct {
	b      *heap.Backend
	clock  *statetest.ManualClock
	keys   [][]byte
	v      *heap.Value[statebackend.Void, int64]
	sl     *heap.Value[int64, sliced]
	l      *heap.List[statebackend.Void, []int]
	m      *heap.Map[statebackend.Void, int, []string]
	r      *heap.Reducing[statebackend.Void, int64]
	a      *heap.Aggregating[statebackend.Void, int64, []int64, int]
	tv     *heap.Value[statebackend.Void, int64]
	timers *statebackend.TimerService[int64]
}

type appendAgg struct{}

func (appendAgg) CreateAccumulator() []int64       { return make([]int64, 0, 4) }
func (appendAgg) Add(v int64, acc []int64) []int64 { return append(acc, v) }
func (appendAgg) Result(acc []int64) int           { return len(acc) }
func (appendAgg) Merge(a, b []int64) []int64       { return append(a, b...) }

var (
	cowRange   = keygroup.Range{Start: 0, End: 31}
	serdeInt64 = serde.MustFor[int64]()
)

func newCowFixture(t *testing.T, nkeys int) *cowFixture {
	t.Helper()
	f := &cowFixture{clock: &statetest.ManualClock{Millis: 1000}}
	f.b = heap.New(cowRange, f.clock)
	var err error
	check := func(e error) {
		if e != nil {
			t.Fatal(e)
		}
	}
	f.v, err = heap.NewValue(f.b, state.Value[int64]("v"), statebackend.VoidCodec)
	check(err)
	f.sl, err = heap.NewValue(f.b, state.Value[sliced]("sl"), serdeInt64)
	check(err)
	f.l, err = heap.NewList(f.b, state.List[[]int]("l"), statebackend.VoidCodec)
	check(err)
	f.m, err = heap.NewMap(f.b, state.Map[int, []string]("m"), statebackend.VoidCodec)
	check(err)
	f.r, err = heap.NewReducing(f.b, state.Reducing("r", func(a, b int64) int64 { return a + b }), statebackend.VoidCodec)
	check(err)
	f.a, err = heap.NewAggregating(f.b, state.Aggregating[int64, []int64, int]("a", appendAgg{}), statebackend.VoidCodec)
	check(err)
	f.tv, err = heap.NewValue(f.b, state.Value[int64]("tv").WithTTL(state.TTLOf(time.Second)), statebackend.VoidCodec)
	check(err)
	f.timers, err = statebackend.NewNamedTimerService(f.b, "timers", serdeInt64)
	check(err)
	for i := 0; len(f.keys) < nkeys; i++ {
		k := keyCodec.Append(nil, fmt.Sprint("k", i))
		if cowRange.Contains(keygroup.ForKey(k, 128)) {
			f.keys = append(f.keys, k)
		}
	}
	return f
}

func (f *cowFixture) setKey(i int) {
	k := f.keys[i]
	f.b.SetCurrentKey(k, keygroup.ForKey(k, 128))
}

// write sets every state of key i.
func (f *cowFixture) write(i, gen int) {
	f.setKey(i)
	x := int64(i*1000 + gen)
	f.v.Update(x)
	f.sl.SetNamespace(int64(i % 3))
	f.sl.Update(sliced{First: x, Counts: []int64{x, x + 1}, Next: -x})
	f.l.Update([][]int{{i, gen}, {gen}})
	f.m.Put(gen%4, []string{fmt.Sprint(gen), "m"})
	f.r.Add(x)
	f.a.Add(x)
	f.tv.Update(x)
	f.timers.RegisterEventTimeTimer(int64(i%3), x)
}

// churn makes n random changes, reads included, many of them changing the
// values user code got in place before writing them back.
func (f *cowFixture) churn(rng *rand.Rand, n, gen int) {
	for range n {
		i := rng.IntN(len(f.keys))
		f.setKey(i)
		switch rng.IntN(12) {
		case 0:
			f.write(i, gen)
		case 1: // delete everything of the key
			f.v.Clear()
			f.sl.SetNamespace(int64(i % 3))
			f.sl.Clear()
			f.l.Clear()
			f.m.Clear()
			f.r.Clear()
			f.a.Clear()
			f.tv.Clear()
		case 2, 3: // in place, as q5 does
			f.sl.SetNamespace(int64(i % 3))
			if x, ok := f.sl.Value(); ok {
				for j := range x.Counts {
					x.Counts[j] += 100
				}
				x.Counts = append(x.Counts, int64(gen))
				x.Next++
				f.sl.Update(x)
			}
		case 4:
			if l := f.l.Get(); len(l) > 0 && len(l[0]) > 0 {
				l[0][0] = -1 // in place
				f.l.Add([]int{gen})
			}
		case 5:
			if v, ok := f.m.Get(0); ok && len(v) > 0 {
				v[0] = "changed" // in place
				f.m.Put(0, v)
			}
			f.m.Remove(1)
		case 6:
			x, _ := f.v.Value()
			f.v.Update(x + 1)
			f.r.Add(1)
			f.a.Add(int64(gen))
		case 7:
			f.a.MergeNamespaces(statebackend.Void{}, nil)
			f.a.Get()
		case 8:
			f.timers.DeleteEventTimeTimer(int64(i%3), int64(i*1000+gen-1))
			f.timers.RegisterEventTimeTimer(int64(i%3), int64(gen))
		case 9:
			f.timers.AdvanceWatermark(int64(gen*10+rng.IntN(10)), func(statebackend.Timer[int64]) {})
		case 10: // TTL: expire and clean up, entries of the snapshot included
			f.clock.Millis += 300
			f.tv.Value()
		case 11: // re-insert with new values
			f.v.Clear()
			f.v.Update(int64(gen))
			f.sl.SetNamespace(int64(i % 3))
			f.sl.Clear()
			f.sl.Update(sliced{First: int64(gen), Counts: []int64{int64(gen)}})
		}
	}
}

func (f *cowFixture) stream(t *testing.T, s statebackend.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSnapshotUnchangedByChurn takes snapshots, makes heavy changes while
// they are in flight (updates, in-place changes of the values returned,
// deletes, re-inserts, TTL cleanup, timers), with writers running
// concurrently, and checks that every stream written equals the one written
// right when its snapshot was taken. A second snapshot is taken while the
// first is in flight, and the two are released in both orders.
func TestSnapshotUnchangedByChurn(t *testing.T) {
	for _, firstReleasedFirst := range []bool{true, false} {
		t.Run(fmt.Sprint("firstReleasedFirst=", firstReleasedFirst), func(t *testing.T) {
			f := newCowFixture(t, 300)
			rng := rand.New(rand.NewPCG(7, 7))
			for i := range f.keys {
				f.write(i, 0)
			}
			f.churn(rng, 2000, 1)

			s1, err := f.b.Snapshot(1)
			if err != nil {
				t.Fatal(err)
			}
			want1 := canonical(t, f.stream(t, s1), cowRange)
			// Writers run while the task churns (for -race).
			done := make(chan []byte)
			go func() {
				var buf bytes.Buffer
				for range 3 {
					buf.Reset()
					if err := s1.WriteKeyGroups(&buf, s1.KeyGroupRange()); err != nil {
						t.Error(err)
					}
				}
				done <- buf.Bytes()
			}()
			f.churn(rng, 20000, 2)
			s2, err := f.b.Snapshot(2)
			if err != nil {
				t.Fatal(err)
			}
			want2 := canonical(t, f.stream(t, s2), cowRange)
			f.churn(rng, 20000, 3)
			concurrent := <-done

			for what, got := range map[string][]byte{"written concurrently": concurrent, "written after the churn": f.stream(t, s1)} {
				if g := canonical(t, got, cowRange); !slices.Equal(g, want1) {
					t.Errorf("first snapshot %s differs from the state at snapshot time:\n%s", what, diff(g, want1))
				}
			}
			if first, second := s1, s2; firstReleasedFirst {
				first.Release()
			} else {
				second.Release()
			}
			f.churn(rng, 5000, 4)
			left, want := s2, want2
			if !firstReleasedFirst {
				left, want = s1, want1
			}
			if g := canonical(t, f.stream(t, left), cowRange); !slices.Equal(g, want) {
				t.Errorf("snapshot %d, left in flight, differs after more churn:\n%s", left.CheckpointID(), diff(g, want))
			}
			s1.Release()
			s2.Release()

			// With no snapshot in flight, the state is the churned one: a
			// new snapshot equals a backend restored from it and written
			// again.
			f.churn(rng, 2000, 5)
			s3, err := f.b.Snapshot(3)
			if err != nil {
				t.Fatal(err)
			}
			data := f.stream(t, s3)
			s3.Release()
			r, err := heap.Restore(cowRange, f.clock, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			s4, err := r.Snapshot(4)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := canonical(t, f.stream(t, s4), cowRange), canonical(t, data, cowRange); !slices.Equal(g, w) {
				t.Errorf("restored and written again differs:\n%s", diff(g, w))
			}
			s4.Release()
		})
	}
}

// diff shows the first lines in which two sorted dumps differ.
func diff(got, want []string) string {
	var b bytes.Buffer
	n := 0
	for i, j := 0, 0; (i < len(got) || j < len(want)) && n < 10; n++ {
		switch {
		case j == len(want) || i < len(got) && got[i] < want[j]:
			fmt.Fprintf(&b, "+ %s\n", got[i])
			i++
		case i == len(got) || want[j] < got[i]:
			fmt.Fprintf(&b, "- %s\n", want[j])
			j++
		default:
			i++
			j++
			n--
		}
	}
	return fmt.Sprintf("%d lines, want %d; first differences:\n%s", len(got), len(want), b.String())
}
