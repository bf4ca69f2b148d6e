package exec

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/eventtime"
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

// sessionBenchChunks are rows of a q11-like stream: a BIGINT bidder among
// 5000, drawn at random, and a timestamp advancing 1 ms per row.
func sessionBenchChunks(rows int) []*vector.Chunk {
	ts := []types.Type{{Kind: types.KindBigInt}, {Kind: types.KindTimestamp, Precision: 3}}
	rng := rand.New(rand.NewPCG(1, 2))
	var chunks []*vector.Chunk
	for at := 0; at < rows; at += vector.DefaultChunkSize {
		c := vector.NewChunk(ts, vector.DefaultChunkSize)
		for i := at; i < at+vector.DefaultChunkSize; i++ {
			c.Cols[0].AppendInt64(rng.Int64N(5000))
			c.Cols[1].AppendTimestamp(types.TimestampValue{Millis: 1_700_000_000_000 + int64(i)})
		}
		c.SetLen(vector.DefaultChunkSize)
		chunks = append(chunks, c)
	}
	return chunks
}

// chunkWatermarks emits, after every chunk, the watermark of its last
// row's time less a second.
type chunkWatermarks struct{}

func (chunkWatermarks) OnEvent(_ *vector.Chunk, ts int64, out eventtime.Output) {
	out.EmitWatermark(ts - 1000)
}
func (chunkWatermarks) OnPeriodicEmit(eventtime.Output) {}

// BenchmarkSessionWindow runs the session window aggregation of q11
// (COUNT(*) per bidder and session, gap 2 s: most sessions are one or two
// rows, some merge) as a job: exchange split, keyed state, timers and
// firing included. ns/row is the cost of a row end to end.
func BenchmarkSessionWindow(b *testing.B) {
	const rows = 1 << 18
	chunks := sessionBenchChunks(rows)
	big := types.Type{Kind: types.KindBigInt}
	tsType := types.Type{Kind: types.KindTimestamp, Precision: 3}
	strategy := eventtime.ForGenerator(func() eventtime.Generator[*vector.Chunk] { return chunkWatermarks{} }).
		WithTimestampAssigner(func(c *vector.Chunk, _ int64) int64 { return c.Cols[1].TimestampAt(c.Len() - 1).Millis })
	b.ReportAllocs()
	for b.Loop() {
		env := datastream.NewEnv().SetParallelism(1)
		in := datastream.AssignTimestampsAndWatermarks(datastream.FromSlice(env, chunks), strategy)
		split := datastream.Process(in, datastream.ProcessFunction[*vector.Chunk, *keyedRow](&chunkRowsFunc{keys: []int{0}}))
		keyed := datastream.KeyBy(split, func(r *keyedRow) string { return r.key })
		f := &sessionWindowFunc{calls: []plan.AggCall{{Func: "COUNT", Filter: -1, Type: big}}, timeCol: 1, gap: 2000,
			inTypes: []types.Type{big, tsType}, keyTypes: []types.Type{big}, outKey: []int{0, sessionStart, sessionEnd},
			outTypes: []types.Type{big, tsType, tsType, big}}
		datastream.KeyedProcess(keyed, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)).SinkTo(blackholeSink{}, "sink")
		if _, err := env.Execute(context.Background(), "sessions"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

// BenchmarkExchangeGroups splits a chunk into runs of rows per key for a
// hash exchange in front of a join (chunkGroupsFunc): 100 keys, so an
// element stands for about ten rows.
func BenchmarkExchangeGroups(b *testing.B) {
	c := benchChunk(vector.DefaultChunkSize)
	b.ReportAllocs()
	f := &chunkGroupsFunc{keys: []int{0}}
	out := &discard[*keyedRow]{}
	for b.Loop() {
		if err := f.ProcessElement(c, nil, out); err != nil {
			b.Fatal(err)
		}
	}
}
