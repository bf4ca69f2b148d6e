package lsm_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

const maxPar = 128

var (
	keyCodec = serde.MustFor[string]()
	nsCodec  = serde.MustFor[int64]()
	void     = statebackend.VoidCodec
)

type sumAgg struct{}

func (sumAgg) CreateAccumulator() int64 { return 0 }
func (sumAgg) Add(v int, a int64) int64 { return a + int64(v) }
func (sumAgg) Result(a int64) int64     { return a }
func (sumAgg) Merge(a, b int64) int64   { return a + b }

// states holds a handle on every kind of state (some with TTL) and a
// timer service of one backend.
type states struct {
	t      testing.TB
	b      statebackend.Keyed
	v      statebackend.Value[int64, string]
	l      statebackend.List[statebackend.Void, int]
	m      statebackend.Map[statebackend.Void, string, int]
	r      statebackend.Reducing[statebackend.Void, int]
	a      statebackend.Aggregating[int64, int, int64]
	tv     statebackend.Value[statebackend.Void, int]
	tl     statebackend.List[statebackend.Void, string]
	tm     statebackend.Map[int64, int, string]
	timers *statebackend.TimerService[int64]
}

// must checks the error of a constructor: must(f(...))(t).
func must[T any](v T, err error) func(tb testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

var longTTL = state.TTLOf(time.Hour)

func newStates(tb testing.TB, b statebackend.Keyed) *states {
	tb.Helper()
	return &states{
		t:      tb,
		b:      b,
		v:      must(statebackend.NewValue(b, state.Value[string]("v"), nsCodec))(tb),
		l:      must(statebackend.NewList(b, state.List[int]("l"), void))(tb),
		m:      must(statebackend.NewMap(b, state.Map[string, int]("m"), void))(tb),
		r:      must(statebackend.NewReducing(b, state.Reducing("r", func(a, b int) int { return a + b }), void))(tb),
		a:      must(statebackend.NewAggregating(b, state.Aggregating[int, int64, int64]("a", sumAgg{}), nsCodec))(tb),
		tv:     must(statebackend.NewValue(b, state.Value[int]("tv").WithTTL(longTTL), void))(tb),
		tl:     must(statebackend.NewList(b, state.List[string]("tl").WithTTL(longTTL), void))(tb),
		tm:     must(statebackend.NewMap(b, state.Map[int, string]("tm").WithTTL(longTTL), nsCodec))(tb),
		timers: must(statebackend.NewNamedTimerService(b, "timers", nsCodec))(tb),
	}
}

func (s *states) setKey(k string) {
	enc := keyCodec.Append(nil, k)
	s.b.SetCurrentKey(enc, keygroup.ForKey(enc, maxPar))
}

func ownedKeys(r keygroup.Range, n int) []string {
	var keys []string
	for i := 0; len(keys) < n; i++ {
		k := fmt.Sprint("key", i)
		if r.Contains(keygroup.ForKey(keyCodec.Append(nil, k), maxPar)) {
			keys = append(keys, k)
		}
	}
	return keys
}

func (s *states) populate(keys []string) {
	for i, k := range keys {
		s.setKey(k)
		ns := int64(i % 3)
		s.v.SetNamespace(ns)
		s.v.Update(k + "@" + fmt.Sprint(ns))
		s.l.AddAll([]int{i, i + 1, i + 2}[:i%3+1])
		s.m.PutAll(map[string]int{"x": i, "y": -i})
		s.r.Add(i)
		s.a.SetNamespace(ns)
		s.a.Add(i)
		s.tv.Update(i)
		s.tl.AddAll([]string{"p", k})
		s.tm.SetNamespace(ns)
		s.tm.Put(i, k)
		s.timers.RegisterEventTimeTimer(ns, int64(1000+i))
		s.timers.RegisterProcessingTimeTimer(ns+1, int64(2000+i))
	}
}

// dump reads every state, as sorted lines, and fires every timer.
func (s *states) dump() []string {
	var out []string
	ns := func(b []byte) int64 {
		v, _, err := nsCodec.Decode(b)
		if err != nil {
			s.t.Fatal(err)
		}
		return v
	}
	each := func(name string, read func(ns []byte) string) {
		var pairs [][2][]byte
		s.b.Keys(name, func(k, ns []byte) { pairs = append(pairs, [2][]byte{slices.Clone(k), slices.Clone(ns)}) })
		for _, p := range pairs {
			s.b.SetCurrentKey(p[0], keygroup.ForKey(p[0], maxPar))
			out = append(out, fmt.Sprintf("%s %x %x = %s", name, p[0], p[1], read(p[1])))
		}
	}
	each("v", func(b []byte) string { s.v.SetNamespace(ns(b)); return fmt.Sprint(s.v.Value()) })
	each("l", func([]byte) string { return fmt.Sprint(s.l.Get()) })
	each("m", func([]byte) string { return fmt.Sprint(maps.Collect(s.m.All())) })
	each("r", func([]byte) string { return fmt.Sprint(s.r.Get()) })
	each("a", func(b []byte) string { s.a.SetNamespace(ns(b)); return fmt.Sprint(s.a.Get()) })
	each("tv", func([]byte) string { return fmt.Sprint(s.tv.Value()) })
	each("tl", func([]byte) string { return fmt.Sprint(s.tl.Get()) })
	each("tm", func(b []byte) string { s.tm.SetNamespace(ns(b)); return fmt.Sprint(maps.Collect(s.tm.All())) })
	fire := func(domain string) func(tm statebackend.Timer[int64]) {
		return func(tm statebackend.Timer[int64]) {
			out = append(out, fmt.Sprintf("timer %s %x %d %d", domain, tm.Key, tm.Namespace, tm.Timestamp))
		}
	}
	s.timers.AdvanceWatermark(math.MaxInt64, fire("event"))
	s.timers.AdvanceProcessingTime(math.MaxInt64, fire("proc"))
	slices.Sort(out)
	return out
}

func snapshotBytes(tb testing.TB, b statebackend.Keyed) []byte {
	tb.Helper()
	s := must(b.(statebackend.Snapshotter).Snapshot(1))(tb)
	defer s.Release()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

type factory struct {
	name string
	make func(t *testing.T, r keygroup.Range, clock *statetest.ManualClock) statebackend.Keyed
}

var (
	heapFactory = factory{"heap", func(t *testing.T, r keygroup.Range, clock *statetest.ManualClock) statebackend.Keyed {
		return heap.New(r, clock)
	}}
	lsmFactory = factory{"lsm", newBackend}
)

// TestCrossBackend snapshots backends of one kind and restores backends of
// the other (and the same) kind, rescaling.
func TestCrossBackend(t *testing.T) {
	for _, from := range []factory{heapFactory, lsmFactory} {
		for _, to := range []factory{heapFactory, lsmFactory} {
			for _, par := range [][2]int{{1, 1}, {2, 3}, {3, 1}} {
				t.Run(fmt.Sprintf("%s%d_to_%s%d", from.name, par[0], to.name, par[1]), func(t *testing.T) {
					testCross(t, from, to, par[0], par[1])
				})
			}
		}
	}
}

func testCross(t *testing.T, from, to factory, oldPar, newPar int) {
	clock := &statetest.ManualClock{Millis: 1_000_000}
	var want []string
	var streams [][]byte
	var ranges []keygroup.Range
	for i := range oldPar {
		r := keygroup.RangeForSubtask(maxPar, oldPar, i)
		b := from.make(t, r, clock)
		defer b.Close()
		s := newStates(t, b)
		s.populate(ownedKeys(r, 200))
		streams = append(streams, snapshotBytes(t, b))
		ranges = append(ranges, r)
		want = append(want, s.dump()...)
	}
	slices.Sort(want)
	if len(want) < 200*oldPar {
		t.Fatalf("the populated backends dump %d lines", len(want))
	}
	var got []string
	for j := range newPar {
		r := keygroup.RangeForSubtask(maxPar, newPar, j)
		b := to.make(t, r, clock)
		defer b.Close()
		for i, or := range ranges {
			if or.Start <= r.End && r.Start <= or.End {
				if err := b.(statebackend.Restorer).Restore(bytes.NewReader(streams[i])); err != nil {
					t.Fatal(err)
				}
			}
		}
		got = append(got, newStates(t, b).dump()...)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("restored %d lines, want %d", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("first difference at line %d:\n got %s\nwant %s", i, got[i], want[i])
			}
		}
	}
}

// TestSnapshotBytesMatchHeap checks that the lsm backend writes a stream a
// heap backend with the same state would write, byte for byte once both
// are restored into heap and snapshotted again.
func TestSnapshotBytesMatchHeap(t *testing.T) {
	clock := &statetest.ManualClock{Millis: 1}
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	l := newBackend(t, r, clock)
	defer l.Close()
	s := newStates(t, l)
	s.populate(ownedKeys(r, 50))
	data := snapshotBytes(t, l)
	h, err := heap.Restore(r, clock, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	l2 := must(lsm.Restore(t.TempDir(), r, clock, smallOpts, bytes.NewReader(snapshotBytes(t, h))))(t)
	defer l2.Close()
	if !bytes.Equal(snapshotBytes(t, l2), data) {
		t.Error("lsm -> heap -> lsm changed the stream")
	}
}

// TestCorruptStream checks that corrupted streams are errors wrapping
// ErrCorrupt that restore nothing.
func TestCorruptStream(t *testing.T) {
	clock := &statetest.ManualClock{Millis: 1}
	r := keygroup.Range{Start: 0, End: maxPar - 1}
	src := newBackend(t, r, clock)
	defer src.Close()
	newStates(t, src).populate(ownedKeys(r, 20))
	data := snapshotBytes(t, src)
	b := newBackend(t, r, clock).(*lsm.Backend)
	defer b.Close()
	for _, i := range []int{0, 9, 30, len(data) / 2, len(data) - 1} {
		bad := slices.Clone(data)
		bad[i] ^= 0x40
		if err := b.Restore(bytes.NewReader(bad)); !errors.Is(err, statebackend.ErrCorrupt) {
			t.Errorf("byte %d flipped: %v, want an error wrapping ErrCorrupt", i, err)
		}
		if err := b.Restore(bytes.NewReader(data[:i])); !errors.Is(err, statebackend.ErrCorrupt) {
			t.Errorf("truncated at %d: %v, want an error wrapping ErrCorrupt", i, err)
		}
	}
	if got := newStates(t, b).dump(); len(got) != 0 {
		t.Errorf("failed restores left %d lines of state", len(got))
	}
}

// TestNoCodec checks that a state whose type has no codec cannot be created,
// with an error naming it.
func TestNoCodec(t *testing.T) {
	b := newBackend(t, keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{})
	defer b.Close()
	_, err := statebackend.NewValue(b, state.Value[chan int]("channels"), void)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"channels"`)) {
		t.Errorf("NewValue of a channel type: %v, want an error naming the state", err)
	}
	_, err = statebackend.NewMap(b, state.Map[string, map[int]int]("maps"), void)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"maps"`)) {
		t.Errorf("NewMap of a map value: %v, want an error naming the state", err)
	}
}
