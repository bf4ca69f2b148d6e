package datastream_test

import (
	"context"
	"testing"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/datastream"
)

// rtBenchSink discards records; it counts them so the benchmark can check
// that every record arrived.
type rtBenchSink[T any] struct{ counts []int64 }

func (s *rtBenchSink[T]) CreateWriter(ctx connector.SinkContext) (connector.SinkWriter[T], error) {
	return &rtBenchWriter[T]{n: &s.counts[ctx.Subtask()]}, nil
}

type rtBenchWriter[T any] struct{ n *int64 }

func (w *rtBenchWriter[T]) Write(T, int64) error { *w.n++; return nil }
func (w *rtBenchWriter[T]) Flush(bool) error     { return nil }
func (w *rtBenchWriter[T]) Close() error         { return nil }

func rtRunBench(b *testing.B, env *datastream.Env, sink *rtBenchSink[int64], want int64) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := env.Execute(context.Background(), b.Name()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	var got int64
	for _, n := range sink.counts {
		got += n
	}
	if got != want {
		b.Fatalf("sink got %d records, want %d", got, want)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkNetworkEdge moves b.N int64 records from a generator source task
// to a discarding sink task over one channel (source → rebalance → sink, both
// parallelism 1): the whole runtime path — source reader, writer, channel
// with credits, gate, sink — on two goroutines.
func BenchmarkNetworkEdge(b *testing.B) {
	for _, c := range []struct {
		name    string
		options map[string]string
	}{
		{"default", nil},
		{"batch=4096", map[string]string{"eddy.exchange.batch-size": "4096"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			env := datastream.NewEnv()
			if err := env.Configure(c.options); err != nil {
				b.Fatal(err)
			}
			sink := &rtBenchSink[int64]{counts: make([]int64, 1)}
			src := datastream.FromGenerator(env, int64(b.N), func(i int64) int64 { return i })
			src.Rebalance().SinkTo(sink, "Discard")
			rtRunBench(b, env, sink, int64(b.N))
		})
	}
}

// BenchmarkChain runs source → Map → Filter → sink chained in one task: the
// cost of a record through chained calls, in ns/op (one op is one record).
func BenchmarkChain(b *testing.B) {
	env := datastream.NewEnv()
	sink := &rtBenchSink[int64]{counts: make([]int64, 1)}
	src := datastream.FromGenerator(env, int64(b.N), func(i int64) int64 { return i })
	m := datastream.Map(src, func(v int64) int64 { return v * 3 })
	m.Filter(func(v int64) bool { return v%2 == 0 }).SinkTo(sink, "Discard")
	rtRunBench(b, env, sink, int64((b.N+1)/2))
}
