package heap_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/heap"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/state"
)

const benchKeys = 1024

// benchBackend returns a backend and benchKeys encoded keys with their key
// groups.
func benchBackend() (*heap.Backend, [][]byte, []int) {
	b := heap.New(keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{Millis: 1})
	keys := make([][]byte, benchKeys)
	groups := make([]int, benchKeys)
	for i := range keys {
		keys[i] = keyCodec.Append(nil, fmt.Sprint("user-", i))
		groups[i] = keygroup.ForKey(keys[i], 128)
	}
	return b, keys, groups
}

func benchValue(b *testing.B, ttl state.TTL) {
	be, keys, groups := benchBackend()
	v, err := heap.NewValue(be, state.Value[int64]("v").WithTTL(ttl), statebackend.VoidCodec)
	if err != nil {
		b.Fatal(err)
	}
	for i := range keys {
		be.SetCurrentKey(keys[i], groups[i])
		v.Update(0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % benchKeys
		i++
		be.SetCurrentKey(keys[k], groups[k])
		x, _ := v.Value()
		v.Update(x + 1)
	}
}

// BenchmarkValueState is a read-modify-write of a ValueState per element,
// with a key change each time.
func BenchmarkValueState(b *testing.B) { benchValue(b, state.TTL{}) }

// BenchmarkValueStateTTL is BenchmarkValueState with TTL (clock read and
// incremental cleanup on every access).
func BenchmarkValueStateTTL(b *testing.B) { benchValue(b, state.TTLOf(time.Hour)) }

// BenchmarkMapState is a Put and a Get of a MapState per element.
func BenchmarkMapState(b *testing.B) {
	be, keys, groups := benchBackend()
	m, err := heap.NewMap(be, state.Map[int, int64]("m"), statebackend.VoidCodec)
	if err != nil {
		b.Fatal(err)
	}
	for i := range keys {
		be.SetCurrentKey(keys[i], groups[i])
		for uk := range 8 {
			m.Put(uk, 0)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % benchKeys
		i++
		be.SetCurrentKey(keys[k], groups[k])
		m.Put(i%8, int64(i))
		if _, ok := m.Get((i + 3) % 8); !ok {
			b.Fatal("missing entry")
		}
	}
}

// BenchmarkReducingState is an Add to a ReducingState per element.
func BenchmarkReducingState(b *testing.B) {
	be, keys, groups := benchBackend()
	r, err := heap.NewReducing(be, state.Reducing("r", func(a, b int64) int64 { return a + b }), statebackend.VoidCodec)
	if err != nil {
		b.Fatal(err)
	}
	for i := range keys {
		be.SetCurrentKey(keys[i], groups[i])
		r.Add(0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % benchKeys
		i++
		be.SetCurrentKey(keys[k], groups[k])
		r.Add(1)
	}
}

// BenchmarkSnapshot is the synchronous part of a snapshot (Snapshot then
// Release with no writes in between) of backends of 4 states holding 1000
// to 1000000 entries: it does not depend on the number of entries.
func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprint("entries=", n), func(b *testing.B) {
			be := fill(b, n)
			b.ReportAllocs()
			for b.Loop() {
				s, err := be.Snapshot(1)
				if err != nil {
					b.Fatal(err)
				}
				s.Release()
			}
		})
	}
}

// BenchmarkSnapshotWrite is the asynchronous part: writing a snapshot of
// 100000 entries (4 states, one of them with TTL) as a stream.
func BenchmarkSnapshotWrite(b *testing.B) {
	be := fill(b, 100_000)
	s, err := be.Snapshot(1)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Release()
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/100_000, "B/entry")
}

// BenchmarkRestore reads a stream of 100000 entries into a new backend and
// creates the handles that load them.
func BenchmarkRestore(b *testing.B) {
	be := fill(b, 100_000)
	s, err := be.Snapshot(1)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteKeyGroups(&buf, s.KeyGroupRange()); err != nil {
		b.Fatal(err)
	}
	s.Release()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		r, err := heap.Restore(keygroup.Range{Start: 0, End: 127}, nil, bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		heap.NewValue(r, state.Value[int64]("v"), statebackend.VoidCodec)
		heap.NewList(r, state.List[int64]("l"), statebackend.VoidCodec)
		heap.NewMap(r, state.Map[int, int64]("m").WithTTL(state.TTLOf(time.Hour)), statebackend.VoidCodec)
		heap.NewReducing(r, state.Reducing("r", func(a, b int64) int64 { return a + b }), statebackend.VoidCodec)
	}
}

// BenchmarkValueStateInSnapshot is BenchmarkValueState while a snapshot is
// in flight, once every entry has been copied.
func BenchmarkValueStateInSnapshot(b *testing.B) {
	be, keys, groups := benchBackend()
	v, err := heap.NewValue(be, state.Value[int64]("v"), statebackend.VoidCodec)
	if err != nil {
		b.Fatal(err)
	}
	for i := range keys {
		be.SetCurrentKey(keys[i], groups[i])
		v.Update(0)
	}
	s, err := be.Snapshot(1)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Release()
	for i := range keys {
		be.SetCurrentKey(keys[i], groups[i])
		v.Update(1)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % benchKeys
		i++
		be.SetCurrentKey(keys[k], groups[k])
		x, _ := v.Value()
		v.Update(x + 1)
	}
}

// BenchmarkValueStateCopyOnWrite is the cost of the first access of an
// entry while a snapshot is in flight, which copies it: a snapshot is taken
// every benchKeys accesses.
func BenchmarkValueStateCopyOnWrite(b *testing.B) {
	be, keys, groups := benchBackend()
	v, err := heap.NewValue(be, state.Value[int64]("v"), statebackend.VoidCodec)
	if err != nil {
		b.Fatal(err)
	}
	for i := range keys {
		be.SetCurrentKey(keys[i], groups[i])
		v.Update(0)
	}
	s, _ := be.Snapshot(1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % benchKeys
		if k == 0 {
			s.Release()
			s, _ = be.Snapshot(1)
		}
		i++
		be.SetCurrentKey(keys[k], groups[k])
		x, _ := v.Value()
		v.Update(x + 1)
	}
	s.Release()
}
