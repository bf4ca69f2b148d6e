package statetest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/state"
)

// The snapshot tests run against backends that implement
// statebackend.Snapshotter and statebackend.Restorer, and are skipped for
// others.
var snapshotTests = []struct {
	name string
	fn   func(t *testing.T, e *env)
}{
	{"SnapshotRoundTrip", testSnapshotRoundTrip},
	{"SnapshotIsolation", testSnapshotIsolation},
	{"SnapshotAsyncWrite", testSnapshotAsyncWrite},
	{"SnapshotsOverlapping", testSnapshotsOverlapping},
	{"SnapshotTTL", testSnapshotTTL},
	{"SnapshotTTLExpiryInFlight", testSnapshotTTLExpiryInFlight},
	{"SnapshotRescale2To3", func(t *testing.T, e *env) { testSnapshotRescale(t, e, 2, 3) }},
	{"SnapshotRescale3To1", func(t *testing.T, e *env) { testSnapshotRescale(t, e, 3, 1) }},
	{"SnapshotCorruption", testSnapshotCorruption},
	{"SnapshotTypeMismatch", testSnapshotTypeMismatch},
	{"SnapshotUnserializable", testSnapshotUnserializable},
	{"SnapshotPassThrough", testSnapshotPassThrough},
	{"SnapshotKeyGroupRanges", testSnapshotKeyGroupRanges},
	{"SnapshotEmpty", testSnapshotEmpty},
}

var longTTL = state.TTLOf(time.Hour)

// fixture holds a handle on each kind of state, TTL states and a timer
// service, on one backend, and a model of its timers (which cannot be read
// without firing them).
type fixture struct {
	t  *testing.T
	b  statebackend.Keyed
	v  statebackend.Value[int64, string]
	l  statebackend.List[statebackend.Void, int]
	m  statebackend.Map[statebackend.Void, string, int]
	r  statebackend.Reducing[statebackend.Void, int]
	a  statebackend.Aggregating[int64, int, float64]
	s  statebackend.Value[statebackend.Void, []string] // a value with references
	tv statebackend.Value[statebackend.Void, int]
	tl statebackend.List[statebackend.Void, string]
	tm statebackend.Map[int64, int, string]

	timers *statebackend.TimerService[int64]
	model  map[timerRec]bool
	wm     int64
}

// timerRec is a timer of the model.
type timerRec struct {
	proc bool
	ts   int64
	key  string
	ns   int64
}

func newFixture(t *testing.T, b statebackend.Keyed) *fixture {
	t.Helper()
	f := &fixture{t: t, b: b, model: map[timerRec]bool{}, wm: math.MinInt64}
	f.v = must(statebackend.NewValue(b, state.Value[string]("v"), nsCodec))(t)
	f.l = must(statebackend.NewList(b, state.List[int]("l"), void))(t)
	f.m = must(statebackend.NewMap(b, state.Map[string, int]("m"), void))(t)
	f.r = must(statebackend.NewReducing(b, state.Reducing("r", sum), void))(t)
	f.a = must(statebackend.NewAggregating(b, state.Aggregating[int, avgAcc, float64]("a", avg{}), nsCodec))(t)
	f.s = must(statebackend.NewValue(b, state.Value[[]string]("s"), void))(t)
	f.tv = must(statebackend.NewValue(b, state.Value[int]("tv").WithTTL(longTTL), void))(t)
	f.tl = must(statebackend.NewList(b, state.List[string]("tl").WithTTL(state.TTL{Duration: time.Hour, Update: state.OnReadAndWrite}), void))(t)
	f.tm = must(statebackend.NewMap(b, state.Map[int, string]("tm").WithTTL(longTTL), nsCodec))(t)
	f.timers = must(statebackend.NewNamedTimerService(b, "test-timers", nsCodec))(t)
	return f
}

func (f *fixture) setKey(k string) {
	enc := encodeKey(k)
	f.b.SetCurrentKey(enc, keygroup.ForKey(enc, MaxParallelism))
}

// ownedKeys returns n keys whose key groups are in r.
func ownedKeys(r keygroup.Range, n int, prefix string) []string {
	var keys []string
	for i := 0; len(keys) < n; i++ {
		if k := fmt.Sprint(prefix, i); r.Contains(keyGroupOf(k)) {
			keys = append(keys, k)
		}
	}
	return keys
}

// populate writes every state of every key.
func (f *fixture) populate(keys []string) {
	for i, k := range keys {
		f.setKey(k)
		ns := int64(i % 3)
		f.v.SetNamespace(ns)
		f.v.Update(fmt.Sprint(k, "@", ns))
		f.l.AddAll([]int{i, i + 1, i + 2}[:i%3+1])
		f.m.PutAll(map[string]int{"x": i, "y": -i})
		f.r.Add(i)
		f.r.Add(1)
		f.a.SetNamespace(ns)
		f.a.Add(i)
		f.a.Add(2 * i)
		f.s.Update([]string{k, "s"})
		f.tv.Update(i)
		f.tl.AddAll([]string{"p", k})
		f.tm.SetNamespace(ns)
		f.tm.Put(i, k)
		f.register(false, ns, int64(1000+i))
		f.register(true, ns+1, int64(2000+i))
	}
}

func (f *fixture) register(proc bool, ns, ts int64) {
	k := mustDecodeKey(f.t, f.b.CurrentKey())
	if proc {
		f.timers.RegisterProcessingTimeTimer(ns, ts)
	} else {
		f.timers.RegisterEventTimeTimer(ns, ts)
	}
	f.model[timerRec{proc, ts, k, ns}] = true
}

func (f *fixture) deleteTimer(proc bool, ns, ts int64) {
	k := mustDecodeKey(f.t, f.b.CurrentKey())
	if proc {
		f.timers.DeleteProcessingTimeTimer(ns, ts)
	} else {
		f.timers.DeleteEventTimeTimer(ns, ts)
	}
	delete(f.model, timerRec{proc, ts, k, ns})
}

// mutate makes n random changes (and reads, which change TTL timestamps and
// hand values to user code) to the states of keys.
func (f *fixture) mutate(rng *rand.Rand, keys []string, n int) {
	for range n {
		k := keys[rng.IntN(len(keys))]
		f.setKey(k)
		ns := rng.Int64N(3)
		switch rng.IntN(22) {
		case 0:
			f.v.SetNamespace(ns)
			f.v.Update(fmt.Sprint(k, "!", rng.IntN(100)))
		case 1:
			f.v.SetNamespace(ns)
			f.v.Clear()
		case 2:
			f.l.Add(rng.IntN(100))
		case 3:
			f.l.Update([]int{rng.IntN(100)})
		case 4:
			f.l.Clear()
		case 5:
			f.m.Put(fmt.Sprint("u", rng.IntN(4)), rng.IntN(100))
		case 6:
			f.m.Remove("x")
		case 7:
			f.m.Clear()
		case 8:
			f.r.Add(rng.IntN(10))
		case 9:
			f.a.SetNamespace(ns)
			f.a.Add(rng.IntN(10))
		case 10:
			f.a.MergeNamespaces(ns, []int64{0, 1, 2})
		case 11: // change the value returned in place, then write it back
			x, _ := f.s.Value()
			if len(x) > 0 {
				x[0] = "changed in place"
			}
			f.s.Update(append(x, "more"))
		case 12:
			f.tv.Update(rng.IntN(100))
		case 13:
			f.tl.Add(fmt.Sprint(rng.IntN(100)))
		case 14:
			f.tl.Get() // refreshes the timestamps
		case 15:
			f.tm.SetNamespace(ns)
			f.tm.Put(rng.IntN(4), "put")
		case 16:
			f.tm.SetNamespace(ns)
			for range f.tm.All() {
			}
		case 17:
			f.register(rng.IntN(2) == 0, ns, rng.Int64N(3000))
		case 18: // delete a timer of the model
			for tr := range f.model {
				if tr.key == k {
					f.deleteTimer(tr.proc, tr.ns, tr.ts)
					break
				}
			}
		case 19:
			f.wm += rng.Int64N(20)
			if f.wm < 0 {
				f.wm = 0
			}
			f.timers.AdvanceWatermark(f.wm, func(tm statebackend.Timer[int64]) {
				delete(f.model, timerRec{false, tm.Timestamp, mustDecodeKey(f.t, tm.Key), tm.Namespace})
			})
		case 20:
			f.m.Get("y")
			f.v.SetNamespace(ns)
			f.v.Value()
			f.l.Get()
		case 21:
			f.r.Clear()
			f.s.Clear()
		}
	}
}

// dump reads every state of the backend, as sorted lines.
func (f *fixture) dump() []string {
	f.t.Helper()
	var out []string
	each := func(name string, read func(ns []byte) string) {
		var pairs [][2][]byte
		f.b.Keys(name, func(k, ns []byte) { pairs = append(pairs, [2][]byte{slices.Clone(k), slices.Clone(ns)}) })
		for _, p := range pairs {
			f.b.SetCurrentKey(p[0], keygroup.ForKey(p[0], MaxParallelism))
			out = append(out, fmt.Sprintf("%s %s %x = %s", name, mustDecodeKey(f.t, p[0]), p[1], read(p[1])))
		}
	}
	ns := func(b []byte) int64 {
		v, _, err := nsCodec.Decode(b)
		if err != nil {
			f.t.Fatalf("namespace %x: %v", b, err)
		}
		return v
	}
	each("v", func(b []byte) string { f.v.SetNamespace(ns(b)); return fmt.Sprint(f.v.Value()) })
	each("l", func([]byte) string { return fmt.Sprint(f.l.Get()) })
	each("m", func([]byte) string { return fmt.Sprint(maps.Collect(f.m.All())) })
	each("r", func([]byte) string { return fmt.Sprint(f.r.Get()) })
	each("a", func(b []byte) string { f.a.SetNamespace(ns(b)); return fmt.Sprint(f.a.Get()) })
	each("s", func([]byte) string { return fmt.Sprint(f.s.Value()) })
	each("tv", func([]byte) string { return fmt.Sprint(f.tv.Value()) })
	each("tl", func([]byte) string { return fmt.Sprint(f.tl.Get()) })
	each("tm", func(b []byte) string { f.tm.SetNamespace(ns(b)); return fmt.Sprint(maps.Collect(f.tm.All())) })
	slices.Sort(out)
	return out
}

// fireAll fires every timer, checking that the current key is the timer's
// and that its key group is in the backend's range, and returns them.
func (f *fixture) fireAll() map[timerRec]bool {
	f.t.Helper()
	got := map[timerRec]bool{}
	collect := func(proc bool) func(statebackend.Timer[int64]) {
		return func(tm statebackend.Timer[int64]) {
			if !bytes.Equal(f.b.CurrentKey(), tm.Key) || f.b.CurrentKeyGroup() != tm.KeyGroup {
				f.t.Errorf("timer of key %x fired with current key %x", tm.Key, f.b.CurrentKey())
			}
			if kg := keygroup.ForKey(tm.Key, MaxParallelism); kg != tm.KeyGroup || !f.b.KeyGroupRange().Contains(kg) {
				f.t.Errorf("timer of key %x has key group %d (want %d) in a backend of %v", tm.Key, tm.KeyGroup, kg, f.b.KeyGroupRange())
			}
			r := timerRec{proc, tm.Timestamp, mustDecodeKey(f.t, tm.Key), tm.Namespace}
			if got[r] {
				f.t.Errorf("timer %+v fired twice", r)
			}
			got[r] = true
		}
	}
	f.timers.AdvanceWatermark(math.MaxInt64, collect(false))
	f.timers.AdvanceProcessingTime(math.MaxInt64, collect(true))
	return got
}

func (e *env) snapshotter() statebackend.Snapshotter {
	e.t.Helper()
	s, ok := e.b.(statebackend.Snapshotter)
	if !ok {
		e.t.Skipf("%T does not take snapshots", e.b)
	}
	if _, ok := e.b.(statebackend.Restorer); !ok {
		e.t.Skipf("%T does not restore snapshots", e.b)
	}
	return s
}

// takeSnapshot snapshots b.
func takeSnapshot(t *testing.T, b statebackend.Keyed, id int64) statebackend.Snapshot {
	t.Helper()
	s, err := b.(statebackend.Snapshotter).Snapshot(id)
	if err != nil {
		t.Fatalf("Snapshot(%d): %v", id, err)
	}
	if s.CheckpointID() != id || s.KeyGroupRange() != b.KeyGroupRange() {
		t.Errorf("snapshot of checkpoint %d over %v, want %d over %v", s.CheckpointID(), s.KeyGroupRange(), id, b.KeyGroupRange())
	}
	return s
}

// write writes the whole key-group range of s.
func write(t *testing.T, s statebackend.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
		t.Fatalf("WriteKeyGroups: %v", err)
	}
	return buf.Bytes()
}

// snapshotBytes takes, writes and releases a snapshot of b.
func snapshotBytes(t *testing.T, b statebackend.Keyed, id int64) []byte {
	t.Helper()
	s := takeSnapshot(t, b, id)
	defer s.Release()
	return write(t, s)
}

// restore returns a new backend of the key groups r restored from streams.
func (e *env) restore(r keygroup.Range, streams ...[]byte) statebackend.Keyed {
	e.t.Helper()
	b := e.newBackend(r)
	for i, s := range streams {
		if err := b.(statebackend.Restorer).Restore(bytes.NewReader(s)); err != nil {
			e.t.Fatalf("Restore of stream %d: %v", i, err)
		}
	}
	return b
}

func checkDump(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			t.Errorf("%s: missing %s", what, l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			t.Errorf("%s: unexpected %s", what, l)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d lines, want %d", what, len(got), len(want))
	}
}

func checkTimers(t *testing.T, what string, got, want map[timerRec]bool) {
	t.Helper()
	if maps.Equal(got, want) {
		return
	}
	n := 0
	for r := range want {
		if !got[r] && n < 10 {
			t.Errorf("%s: timer %+v missing", what, r)
			n++
		}
	}
	for r := range got {
		if !want[r] && n < 20 {
			t.Errorf("%s: unexpected timer %+v", what, r)
			n++
		}
	}
	t.Errorf("%s: %d timers, want %d", what, len(got), len(want))
}

func testSnapshotRoundTrip(t *testing.T, e *env) {
	e.snapshotter()
	f := newFixture(t, e.b)
	keys := ownedKeys(e.b.KeyGroupRange(), 300, "key")
	f.populate(keys)
	f.mutate(rand.New(rand.NewPCG(1, 1)), keys, 2000)
	want, wantTimers := f.dump(), maps.Clone(f.model)
	if len(want) < 1000 || len(wantTimers) < 300 {
		t.Fatalf("fixture too small: %d lines, %d timers", len(want), len(wantTimers))
	}
	data := snapshotBytes(t, e.b, 7)
	checkDump(t, "backend after its snapshot", f.dump(), want)

	r := newFixture(t, e.restore(e.b.KeyGroupRange(), data))
	checkDump(t, "restored backend", r.dump(), want)
	checkTimers(t, "restored timers", r.fireAll(), wantTimers)

	// The restored backend snapshots the same state again.
	r2 := newFixture(t, e.restore(e.b.KeyGroupRange(), snapshotBytes(t, r.b, 8)))
	checkDump(t, "backend restored twice", r2.dump(), want)
	checkTimers(t, "timers restored twice", r2.fireAll(), map[timerRec]bool{}) // fired before the second snapshot
}

func testSnapshotIsolation(t *testing.T, e *env) {
	e.snapshotter()
	f := newFixture(t, e.b)
	keys := ownedKeys(e.b.KeyGroupRange(), 200, "key")
	rng := rand.New(rand.NewPCG(2, 2))
	f.populate(keys)
	f.mutate(rng, keys, 500)
	atSnapshot, timersAtSnapshot := f.dump(), maps.Clone(f.model)

	s := takeSnapshot(t, e.b, 1)
	f.mutate(rng, keys, 5000)
	f.populate(ownedKeys(e.b.KeyGroupRange(), 50, "new"))
	after := f.dump()
	data := write(t, s)
	s.Release()
	s.Release() // a no-op

	checkDump(t, "backend after its snapshot was released", f.dump(), after)
	r := newFixture(t, e.restore(e.b.KeyGroupRange(), data))
	checkDump(t, "snapshot written after later changes", r.dump(), atSnapshot)
	checkTimers(t, "timers of the snapshot", r.fireAll(), timersAtSnapshot)

	// The next snapshot has the changes made while the first was in flight.
	timersAfter := maps.Clone(f.model)
	r2 := newFixture(t, e.restore(e.b.KeyGroupRange(), snapshotBytes(t, e.b, 2)))
	checkDump(t, "second snapshot", r2.dump(), after)
	checkTimers(t, "timers of the second snapshot", r2.fireAll(), timersAfter)
}

// testSnapshotAsyncWrite writes a snapshot from other goroutines while the
// test's goroutine keeps changing the state (run it with -race).
func testSnapshotAsyncWrite(t *testing.T, e *env) {
	e.snapshotter()
	f := newFixture(t, e.b)
	keys := ownedKeys(e.b.KeyGroupRange(), 300, "key")
	rng := rand.New(rand.NewPCG(3, 3))
	f.populate(keys)
	want, wantTimers := f.dump(), maps.Clone(f.model)

	s := takeSnapshot(t, e.b, 1)
	r := e.b.KeyGroupRange()
	mid := r.Start + r.Len()/2
	type result struct {
		data []byte
		err  error
	}
	writeAsync := func(r keygroup.Range) chan result {
		ch := make(chan result, 1)
		go func() {
			var buf bytes.Buffer
			err := s.WriteKeyGroups(&buf, r)
			ch <- result{buf.Bytes(), err}
		}()
		return ch
	}
	whole := writeAsync(r)
	lower := writeAsync(keygroup.Range{Start: r.Start, End: mid - 1})
	upper := writeAsync(keygroup.Range{Start: mid, End: r.End})
	f.mutate(rng, keys, 20000) // concurrently with the writers
	var parts [3]result
	for i, ch := range []chan result{whole, lower, upper} {
		parts[i] = <-ch
		if parts[i].err != nil {
			t.Fatalf("WriteKeyGroups: %v", parts[i].err)
		}
	}
	after := f.dump()
	s.Release()

	checkDump(t, "snapshot written concurrently", newFixture(t, e.restore(r, parts[0].data)).dump(), want)
	rf := newFixture(t, e.restore(r, parts[1].data, parts[2].data))
	checkDump(t, "snapshot written concurrently in two halves", rf.dump(), want)
	checkTimers(t, "timers written concurrently", rf.fireAll(), wantTimers)
	checkDump(t, "backend after the snapshot", f.dump(), after)
}

// testSnapshotsOverlapping takes a second snapshot while the first is in
// flight, and releases them in both orders.
func testSnapshotsOverlapping(t *testing.T, e *env) {
	e.snapshotter()
	for _, firstReleasedFirst := range []bool{true, false} {
		b := e.newBackend(e.b.KeyGroupRange())
		f := newFixture(t, b)
		keys := ownedKeys(b.KeyGroupRange(), 150, "key")
		rng := rand.New(rand.NewPCG(4, 4))
		f.populate(keys)
		want1, timers1 := f.dump(), maps.Clone(f.model)
		s1 := takeSnapshot(t, b, 1)
		f.mutate(rng, keys, 3000)
		want2, timers2 := f.dump(), maps.Clone(f.model)
		s2 := takeSnapshot(t, b, 2)
		f.mutate(rng, keys, 3000)
		ch := make(chan []byte)
		go func() {
			var buf bytes.Buffer
			if err := s1.WriteKeyGroups(&buf, s1.KeyGroupRange()); err != nil {
				t.Error(err)
			}
			ch <- buf.Bytes()
		}()
		data2 := write(t, s2)
		f.mutate(rng, keys, 1000)
		data1 := <-ch
		if firstReleasedFirst {
			s1.Release()
			f.mutate(rng, keys, 1000)
			s2.Release()
		} else {
			s2.Release()
			f.mutate(rng, keys, 1000)
			s1.Release()
		}
		want3, timers3 := f.dump(), maps.Clone(f.model)
		what := fmt.Sprintf("first released first: %v: ", firstReleasedFirst)
		r1 := newFixture(t, e.restore(b.KeyGroupRange(), data1))
		checkDump(t, what+"first snapshot", r1.dump(), want1)
		checkTimers(t, what+"first snapshot's timers", r1.fireAll(), timers1)
		r2 := newFixture(t, e.restore(b.KeyGroupRange(), data2))
		checkDump(t, what+"second snapshot", r2.dump(), want2)
		checkTimers(t, what+"second snapshot's timers", r2.fireAll(), timers2)
		r3 := newFixture(t, e.restore(b.KeyGroupRange(), snapshotBytes(t, b, 3)))
		checkDump(t, what+"third snapshot", r3.dump(), want3)
		checkTimers(t, what+"third snapshot's timers", r3.fireAll(), timers3)
	}
}

// testSnapshotTTL checks that TTL timestamps survive a snapshot.
func testSnapshotTTL(t *testing.T, e *env) {
	e.snapshotter()
	newHandles := func(b statebackend.Keyed) (statebackend.Value[statebackend.Void, int], statebackend.List[statebackend.Void, string], statebackend.Map[statebackend.Void, string, int], statebackend.Reducing[statebackend.Void, int]) {
		return must(statebackend.NewValue(b, state.Value[int]("v").WithTTL(ttl), void))(t),
			must(statebackend.NewList(b, state.List[string]("l").WithTTL(ttl), void))(t),
			must(statebackend.NewMap(b, state.Map[string, int]("m").WithTTL(ttl), void))(t),
			must(statebackend.NewReducing(b, state.Reducing("r", sum).WithTTL(ttl), void))(t)
	}
	v, l, m, r := newHandles(e.b)
	e.setKey("a")
	e.at(0)
	v.Update(1)
	l.Add("at 0")
	m.Put("at 0", 0)
	r.Add(5)
	e.at(50)
	l.Add("at 50")
	m.Put("at 50", 50)
	r.Add(5) // refreshes
	data := snapshotBytes(t, e.b, 1)

	e.at(99) // the restored backend has the same clock
	b := e.restore(e.b.KeyGroupRange(), data)
	v, l, m, r = newHandles(b)
	b.SetCurrentKey(encodeKey("a"), keyGroupOf("a"))
	got, ok := v.Value()
	check(t, "value at 99", got, ok, 1, true)
	checkList(t, "list at 99", l.Get(), "at 0", "at 50")
	if got, want := maps.Collect(m.All()), map[string]int{"at 0": 0, "at 50": 50}; !maps.Equal(got, want) {
		t.Errorf("map at 99 = %v, want %v", got, want)
	}
	e.at(100)
	got, ok = v.Value()
	check(t, "value at 100", got, ok, 0, false)
	checkList(t, "list at 100", l.Get(), "at 50")
	if got, want := maps.Collect(m.All()), map[string]int{"at 50": 50}; !maps.Equal(got, want) {
		t.Errorf("map at 100 = %v, want %v", got, want)
	}
	got, ok = r.Get()
	check(t, "reducing at 100 (written at 50)", got, ok, 10, true)
	e.at(150)
	checkList(t, "list at 150", l.Get())
	got, ok = r.Get()
	check(t, "reducing at 150", got, ok, 0, false)

	// TTL may be turned on and off across a restore: values restored into a
	// TTL state without timestamps count as written at the restore.
	e.at(1000)
	nottl := must(statebackend.NewValue(e.b, state.Value[int]("plain"), void))(t)
	e.setKey("a")
	nottl.Update(3)
	b2 := e.restore(e.b.KeyGroupRange(), snapshotBytes(t, e.b, 2))
	e.at(2000)
	withTTL := must(statebackend.NewValue(b2, state.Value[int]("plain").WithTTL(ttl), void))(t)
	off := must(statebackend.NewValue(b2, state.Value[int]("v"), void))(t) // had TTL
	b2.SetCurrentKey(encodeKey("a"), keyGroupOf("a"))
	got, ok = withTTL.Value()
	check(t, "value restored with TTL turned on", got, ok, 3, true)
	e.at(2100)
	got, ok = withTTL.Value()
	check(t, "value restored with TTL turned on, a TTL later", got, ok, 0, false)
	got, ok = off.Value()
	check(t, "value restored with TTL turned off", got, ok, 1, true)
}

// testSnapshotTTLExpiryInFlight lets state expire, and be cleaned up, while
// a snapshot taken before is in flight: the snapshot keeps it.
func testSnapshotTTLExpiryInFlight(t *testing.T, e *env) {
	e.snapshotter()
	v := must(statebackend.NewValue(e.b, state.Value[int]("v").WithTTL(ttl), void))(t)
	l := must(statebackend.NewList(e.b, state.List[int]("l").WithTTL(ttl), void))(t)
	m := must(statebackend.NewMap(e.b, state.Map[int, int]("m").WithTTL(ttl), void))(t)
	keys := ownedKeys(e.b.KeyGroupRange(), 100, "key")
	e.at(0)
	for i, k := range keys {
		e.setKey(k)
		v.Update(i)
		l.Add(i)
		m.Put(i, i)
		if i%2 == 0 {
			e.at(50) // half of the list and map elements live longer
			l.Add(-i)
			m.Put(-i, -i)
			e.at(0)
		}
	}
	s := takeSnapshot(t, e.b, 1)
	e.at(120)                 // every value, and the older elements, have expired
	for range 3 * len(keys) { // incremental cleanup goes over every entry
		e.setKey(keys[0])
		v.Value()
		l.Get()
		m.Get(0)
	}
	for _, name := range []string{"v"} {
		if got := len(e.keys(name)); got != 0 {
			t.Errorf("%s: %d keys left after cleanup", name, got)
		}
	}
	data := write(t, s)
	s.Release()
	if got := len(e.keys("l")); got != len(keys)/2 {
		t.Errorf("l: %d keys left after cleanup, want %d", got, len(keys)/2)
	}
	e.at(10)
	b := e.restore(e.b.KeyGroupRange(), data)
	v = must(statebackend.NewValue(b, state.Value[int]("v").WithTTL(ttl), void))(t)
	l = must(statebackend.NewList(b, state.List[int]("l").WithTTL(ttl), void))(t)
	m = must(statebackend.NewMap(b, state.Map[int, int]("m").WithTTL(ttl), void))(t)
	for i, k := range keys {
		b.SetCurrentKey(encodeKey(k), keyGroupOf(k))
		got, ok := v.Value()
		check(t, "value of "+k, got, ok, i, true)
		want := []int{i}
		wantM := map[int]int{i: i}
		if i%2 == 0 {
			want = append(want, -i)
			wantM[-i] = -i
		}
		checkList(t, "list of "+k, l.Get(), want...)
		if got := maps.Collect(m.All()); !maps.Equal(got, wantM) {
			t.Errorf("map of %s = %v, want %v", k, got, wantM)
		}
	}
}

// testSnapshotRescale snapshots `from` subtasks and restores `to` subtasks
// from the streams whose key groups intersect theirs.
func testSnapshotRescale(t *testing.T, e *env, from, to int) {
	e.snapshotter()
	var want []string
	wantTimers := map[timerRec]bool{}
	var streams [][]byte
	var ranges []keygroup.Range
	for i := range from {
		r := keygroup.RangeForSubtask(MaxParallelism, from, i)
		f := newFixture(t, e.newBackend(r))
		keys := ownedKeys(r, 150, "key")
		f.populate(keys)
		f.mutate(rand.New(rand.NewPCG(5, uint64(i))), keys, 500)
		want = append(want, f.dump()...)
		maps.Copy(wantTimers, f.model)
		streams = append(streams, snapshotBytes(t, f.b, 1))
		ranges = append(ranges, r)
	}
	slices.Sort(want)
	var got []string
	gotTimers := map[timerRec]bool{}
	for j := range to {
		r := keygroup.RangeForSubtask(MaxParallelism, to, j)
		var mine [][]byte
		for i, or := range ranges {
			if or.Start <= r.End && r.Start <= or.End {
				mine = append(mine, streams[i])
			}
		}
		f := newFixture(t, e.restore(r, mine...))
		got = append(got, f.dump()...)
		for tr := range f.fireAll() {
			if gotTimers[tr] {
				t.Errorf("timer %+v restored by two subtasks", tr)
			}
			gotTimers[tr] = true
		}
	}
	slices.Sort(got)
	checkDump(t, fmt.Sprintf("union of %d restored subtasks", to), got, want)
	checkTimers(t, fmt.Sprintf("timers of %d restored subtasks", to), gotTimers, wantTimers)
}

// testSnapshotCorruption flips every byte of a stream, and truncates it at
// every length: each is an error wrapping ErrCorrupt, and restores nothing.
func testSnapshotCorruption(t *testing.T, e *env) {
	e.snapshotter()
	f := newFixture(t, e.b)
	f.populate([]string{"a", "b"})
	data := snapshotBytes(t, e.b, 1)
	if err := e.b.(statebackend.Restorer).Restore(bytes.NewReader(nil)); !errors.Is(err, statebackend.ErrCorrupt) {
		t.Errorf("restoring an empty stream: %v", err)
	}
	b := e.newBackend(e.b.KeyGroupRange())
	rs := b.(statebackend.Restorer)
	msgs := map[string]bool{}
	for i := range data {
		bad := slices.Clone(data)
		bad[i] ^= 0x5a
		err := rs.Restore(bytes.NewReader(bad))
		if !errors.Is(err, statebackend.ErrCorrupt) {
			t.Fatalf("byte %d of %d flipped: Restore returned %v, want an error wrapping ErrCorrupt", i, len(data), err)
		}
		msgs[errorKind(err.Error())] = true
	}
	for n := range len(data) {
		err := rs.Restore(bytes.NewReader(data[:n]))
		if !errors.Is(err, statebackend.ErrCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: Restore returned %v", n, len(data), err)
		}
		if n > 0 && !strings.Contains(err.Error(), "truncated") {
			t.Errorf("truncated to %d bytes: error %q does not say so", n, err)
		}
	}
	// Nothing was restored.
	g := newFixture(t, b)
	checkDump(t, "backend after failed restores", g.dump(), nil)
	checkTimers(t, "timers after failed restores", g.fireAll(), map[timerRec]bool{})
	if err := rs.Restore(bytes.NewReader(data)); err == nil {
		t.Error("Restore after the states were created: no error")
	}
	t.Logf("%d kinds of errors for %d flipped bytes:\n%s", len(msgs), len(data), strings.Join(slices.Sorted(maps.Keys(msgs)), "\n"))
}

// errorKind is an error message without its numbers and quoted parts.
func errorKind(msg string) string {
	msg = regexp.MustCompile(`"[^"]*"`).ReplaceAllString(msg, "…")
	return regexp.MustCompile(`-?\b[0-9a-f]+\b`).ReplaceAllString(msg, "#")
}

// testSnapshotTypeMismatch restores state into handles of another kind or
// type: an error naming the state, after which the right handle works.
func testSnapshotTypeMismatch(t *testing.T, e *env) {
	e.snapshotter()
	f := newFixture(t, e.b)
	f.populate([]string{"a"})
	want := f.dump()
	b := e.restore(e.b.KeyGroupRange(), snapshotBytes(t, e.b, 1))
	_, err := statebackend.NewValue(b, state.Value[int]("v"), nsCodec)
	errContains(t, "value of another type", err, `"v"`)
	_, err = statebackend.NewValue(b, state.Value[string]("v"), void)
	errContains(t, "value with another namespace type", err, `"v"`)
	_, err = statebackend.NewList(b, state.List[string]("v"), nsCodec)
	errContains(t, "list restored from a value", err, `"v"`)
	_, err = statebackend.NewMap(b, state.Map[int, int]("m"), void)
	errContains(t, "map of another key type", err, `"m"`)
	_, err = statebackend.NewAggregating(b, state.Aggregating[int, int64, int64]("a", sumAgg{}), nsCodec)
	errContains(t, "aggregating with another accumulator", err, `"a"`)
	_, err = statebackend.NewNamedTimerService(b, "test-timers", void)
	errContains(t, "timers with another namespace type", err, "test-timers")
	g := newFixture(t, b)
	checkDump(t, "restored after failed creations", g.dump(), want)
	if len(g.fireAll()) != 2 {
		t.Error("timers not restored after a failed creation")
	}
}

type sumAgg struct{}

func (sumAgg) CreateAccumulator() int64 { return 0 }
func (sumAgg) Add(v int, a int64) int64 { return a + int64(v) }
func (sumAgg) Result(a int64) int64     { return a }
func (sumAgg) Merge(a, b int64) int64   { return a + b }

// testSnapshotUnserializable checks that a state without a codec works but
// cannot be snapshotted, with an error naming it.
func testSnapshotUnserializable(t *testing.T, e *env) {
	e.snapshotter()
	p := must(statebackend.NewValue(e.b, state.Value[chan int]("channels"), void))(t)
	e.setKey("a")
	x := make(chan int)
	p.Update(x)
	if got, ok := p.Value(); !ok || got != x {
		t.Errorf("Value = %v, %v", got, ok)
	}
	_, err := e.b.(statebackend.Snapshotter).Snapshot(1)
	errContains(t, "snapshot of a state without codec", err, `"channels"`)
	// A failed snapshot freezes nothing.
	p.Clear()
	p.Update(x)
}

// testSnapshotPassThrough checks that restored state no handle was created
// for is kept by later snapshots, and reported by Keys.
func testSnapshotPassThrough(t *testing.T, e *env) {
	e.snapshotter()
	f := newFixture(t, e.b)
	keys := ownedKeys(e.b.KeyGroupRange(), 50, "key")
	f.populate(keys)
	want, wantTimers := f.dump(), maps.Clone(f.model)
	b := e.restore(e.b.KeyGroupRange(), snapshotBytes(t, e.b, 1))
	n := 0
	b.Keys("v", func([]byte, []byte) { n++ })
	if n != len(keys) {
		t.Errorf("Keys of a restored state without handle: %d keys, want %d", n, len(keys))
	}
	// Only some states get handles before the next snapshot.
	must(statebackend.NewList(b, state.List[int]("l"), void))(t)
	must(statebackend.NewValue(b, state.Value[int]("other"), void))(t)
	b2 := e.restore(e.b.KeyGroupRange(), snapshotBytes(t, b, 2))
	g := newFixture(t, b2)
	checkDump(t, "state passed through a backend without handles", g.dump(), want)
	checkTimers(t, "timers passed through", g.fireAll(), wantTimers)
}

// testSnapshotKeyGroupRanges writes parts of a snapshot's key groups.
func testSnapshotKeyGroupRanges(t *testing.T, e *env) {
	e.snapshotter()
	r := keygroup.RangeForSubtask(MaxParallelism, 2, 1)
	b := e.newBackend(r)
	f := newFixture(t, b)
	keys := ownedKeys(r, 100, "key")
	f.populate(keys)
	want := f.dump()
	s := takeSnapshot(t, b, 1)
	defer s.Release()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, keygroup.Range{Start: 0, End: r.End}); err == nil {
		t.Error("WriteKeyGroups outside the backend's range: no error")
	}
	var parts [][]byte
	for kg := r.Start; kg <= r.End; kg += 10 {
		var buf bytes.Buffer
		if err := s.WriteKeyGroups(&buf, keygroup.Range{Start: kg, End: min(kg+9, r.End)}); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, buf.Bytes())
	}
	checkDump(t, "restored from parts", newFixture(t, e.restore(r, parts...)).dump(), want)

	// Restoring one key group twice is an error.
	b2 := e.newBackend(r)
	if err := b2.(statebackend.Restorer).Restore(bytes.NewReader(parts[0])); err != nil {
		t.Fatal(err)
	}
	if err := b2.(statebackend.Restorer).Restore(bytes.NewReader(parts[0])); err == nil {
		t.Error("restoring one key group twice: no error")
	}

	// A snapshot may not be written after its release.
	s2 := takeSnapshot(t, b, 2)
	s2.Release()
	if err := s2.WriteKeyGroups(&buf, r); err == nil {
		t.Error("WriteKeyGroups after Release: no error")
	}
}

func testSnapshotEmpty(t *testing.T, e *env) {
	e.snapshotter()
	data := snapshotBytes(t, e.b, 1)
	f := newFixture(t, e.restore(e.b.KeyGroupRange(), data))
	checkDump(t, "restored empty backend", f.dump(), nil)
	// An empty key-group range.
	s := takeSnapshot(t, e.b, 2)
	defer s.Release()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, keygroup.Range{Start: 5, End: 4}); err != nil {
		t.Fatal(err)
	}
	if err := e.newBackend(e.b.KeyGroupRange()).(statebackend.Restorer).Restore(&buf); err != nil {
		t.Fatal(err)
	}
}
