package lsm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/lsm"
	"github.com/eddy-streams/eddy/internal/statebackend/statetest"
	"github.com/eddy-streams/eddy/state"
)

// The benchmarks have the names and loops of the heap package's, so that
// go test -bench State ./internal/statebackend/... compares the backends.

const benchKeys = 1024

// benchBackend returns a backend and benchKeys encoded keys with their key
// groups.
func benchBackend(b *testing.B) (*lsm.Backend, [][]byte, []int) {
	be, err := lsm.New(b.TempDir(), keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{Millis: 1}, lsm.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { be.Close() })
	keys := make([][]byte, benchKeys)
	groups := make([]int, benchKeys)
	for i := range keys {
		keys[i] = keyCodec.Append(nil, fmt.Sprint("user-", i))
		groups[i] = keygroup.ForKey(keys[i], 128)
	}
	return be, keys, groups
}

func benchValue(b *testing.B, ttl state.TTL) {
	be, keys, groups := benchBackend(b)
	v, err := lsm.NewValue(be, state.Value[int64]("v").WithTTL(ttl), statebackend.VoidCodec)
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

// BenchmarkValueStateTTLNoCleanup is BenchmarkValueStateTTL without the
// incremental cleanup, whose walk over the memtable's many versions of the
// 1024 hot keys dominates it.
func BenchmarkValueStateTTLNoCleanup(b *testing.B) {
	be, keys, groups := benchBackend(b)
	be.Close()
	be, err := lsm.New(b.TempDir(), keygroup.Range{Start: 0, End: 127}, &statetest.ManualClock{Millis: 1}, lsm.Options{DisableIncrementalCleanup: true})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	v, err := lsm.NewValue(be, state.Value[int64]("v").WithTTL(state.TTLOf(time.Hour)), statebackend.VoidCodec)
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

// BenchmarkMapState is a Put and a Get of a MapState per element.
func BenchmarkMapState(b *testing.B) {
	be, keys, groups := benchBackend(b)
	m, err := lsm.NewMap(be, state.Map[int, int64]("m"), statebackend.VoidCodec)
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
	be, keys, groups := benchBackend(b)
	r, err := lsm.NewReducing(be, state.Reducing("r", func(a, b int64) int64 { return a + b }), statebackend.VoidCodec)
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

// BenchmarkListStateAdd is an Add to a ListState per element (a pebble
// Merge, no read).
func BenchmarkListStateAdd(b *testing.B) {
	be, keys, groups := benchBackend(b)
	l, err := lsm.NewList(be, state.List[int64]("l"), statebackend.VoidCodec)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % benchKeys
		i++
		be.SetCurrentKey(keys[k], groups[k])
		l.Add(int64(i))
	}
}

// BenchmarkSnapshotWrite writes a full snapshot of 100000 value entries as
// a stream.
func BenchmarkSnapshotWrite(b *testing.B) {
	be, _, _ := benchBackend(b)
	v, _ := lsm.NewValue(be, state.Value[int64]("v"), statebackend.VoidCodec)
	var key []byte
	for i := range 100_000 {
		key = keyCodec.Append(key[:0], fmt.Sprint("user-", i))
		be.SetCurrentKey(key, keygroup.ForKey(key, 128))
		v.Update(int64(i))
	}
	s, err := be.Snapshot(1)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Release()
	var w countWriter
	b.ReportAllocs()
	for b.Loop() {
		w = 0
		if err := s.WriteKeyGroups(&w, s.KeyGroupRange()); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(w))
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }
