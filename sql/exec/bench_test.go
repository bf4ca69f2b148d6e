package exec

import (
	"testing"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// benchChunk is a chunk of n rows: a BIGINT key with 100 values, a string,
// a BIGINT value and a timestamp.
func benchChunk(n int) *vector.Chunk {
	ts := []types.Type{
		{Kind: types.KindBigInt},
		{Kind: types.KindVarChar},
		{Kind: types.KindBigInt},
		{Kind: types.KindTimestamp, Precision: 3},
	}
	c := vector.NewChunk(ts, n)
	for i := range n {
		c.Cols[0].AppendInt64(int64(i % 100))
		c.Cols[1].AppendString("a string of some length")
		c.Cols[2].AppendInt64(int64(i * 7 % 1000))
		c.Cols[3].AppendTimestamp(types.TimestampValue{Millis: 1_700_000_000_000 + int64(i)})
	}
	c.SetLen(n)
	return c
}

func benchCalls() []plan.AggCall {
	big := types.Type{Kind: types.KindBigInt}
	return []plan.AggCall{
		{Func: "COUNT", Filter: -1, Type: big},
		{Func: "SUM", Args: []int{2}, Filter: -1, Type: big},
		{Func: "MAX", Args: []int{2}, Filter: -1, Type: big},
		{Func: "AVG", Args: []int{2}, Filter: -1, Type: big},
	}
}

// BenchmarkAggregate accumulates a chunk's rows: typed from the lanes, and
// boxed through Go values as before.
func BenchmarkAggregate(b *testing.B) {
	c := benchChunk(vector.DefaultChunkSize)
	a := &aggregator{calls: benchCalls()}
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		g := newGroupAcc(len(a.calls))
		for b.Loop() {
			for i := range c.Len() {
				if err := a.addAt(&g, c, i, false, ""); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("boxed", func(b *testing.B) {
		b.ReportAllocs()
		g := newGroupAcc(len(a.calls))
		for b.Loop() {
			for i := range c.Len() {
				if err := a.add(&g, c.Row(i), false, ""); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkWindowResult writes a fired window's row: typed into lanes, and
// through Go values as before.
func BenchmarkWindowResult(b *testing.B) {
	a := &aggregator{calls: benchCalls()}
	g := newGroupAcc(len(a.calls))
	c := benchChunk(16)
	for i := range c.Len() {
		if err := a.addAt(&g, c, i, false, ""); err != nil {
			b.Fatal(err)
		}
	}
	big := types.Type{Kind: types.KindBigInt}
	ts := types.Type{Kind: types.KindTimestamp, Precision: 3}
	outTypes := []types.Type{big, ts, ts, big, big, big, big}
	key := newRowCodec(outTypes[:3]).encode([]any{int64(7), types.TimestampValue{Millis: 1}, types.TimestampValue{Millis: 2}})
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		kbuf := vector.NewChunk(outTypes[:3], 1)
		for b.Loop() {
			kbuf.Reset()
			if _, err := vector.DecodeRow([]byte(key), kbuf); err != nil {
				b.Fatal(err)
			}
			out := vector.NewChunk(outTypes, 1)
			for j := range 3 {
				out.Cols[j].AppendFrom(kbuf.Cols[j], 0)
			}
			if err := a.appendResults(out.Cols[3:], &g, ""); err != nil {
				b.Fatal(err)
			}
			out.SetLen(1)
		}
	})
	b.Run("boxed", func(b *testing.B) {
		b.ReportAllocs()
		codec := newRowCodec(outTypes[:3])
		for b.Loop() {
			keys, err := codec.decode(key)
			if err != nil {
				b.Fatal(err)
			}
			res, err := a.results(&g, "")
			if err != nil {
				b.Fatal(err)
			}
			rb := newRowBuilder(outTypes)
			if err := rb.add(vector.Insert, concat(keys, res)); err != nil {
				b.Fatal(err)
			}
			rb.take()
		}
	})
}

type discard[T any] struct{ n int }

func (d *discard[T]) Collect(T) { d.n++ }

// BenchmarkExchangeSplit splits a chunk into keyed rows for a hash
// exchange: pointing into the chunk, and boxed (toRowsFunc, for joins).
func BenchmarkExchangeSplit(b *testing.B) {
	c := benchChunk(vector.DefaultChunkSize)
	keys := []int{0, 1}
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		f := &chunkRowsFunc{keys: keys}
		out := &discard[*keyedRow]{}
		for b.Loop() {
			if err := f.ProcessElement(c, nil, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("boxed", func(b *testing.B) {
		b.ReportAllocs()
		f := &toRowsFunc{keys: keys}
		out := &discard[*keyedRow]{}
		for b.Loop() {
			if err := f.ProcessElement(c, nil, out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
