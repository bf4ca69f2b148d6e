package heap_test

import (
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
