package datastream

import (
	"context"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

type countAgg struct{}

func (countAgg) CreateAccumulator() int64          { return 0 }
func (countAgg) Add(_ benchEvent, acc int64) int64 { return acc + 1 }
func (countAgg) Result(acc int64) int64            { return acc }
func (countAgg) Merge(a, b int64) int64            { return a + b }

type benchEvent struct {
	Key int64
	TS  int64
}

type discardingSink[T any] struct{}

func (discardingSink[T]) CreateWriter(connector.SinkContext) (connector.SinkWriter[T], error) {
	return discardSink[T]{}, nil
}

type discardSink[T any] struct{}

func (discardSink[T]) Write(T, int64) error { return nil }
func (discardSink[T]) Flush(bool) error     { return nil }
func (discardSink[T]) Close() error         { return nil }

// BenchmarkKeyedTumblingWindowCount is a keyed tumbling-window count on the
// heap backend at parallelism 1: generator → keyBy(10k keys) → 1 s event-time
// windows counting per key → discarding sink. The window task runs on one
// goroutine; records/s is the job's end-to-end rate.
func BenchmarkKeyedTumblingWindowCount(b *testing.B) {
	const keys = 10_000
	n := int64(b.N)
	env := NewEnv().SetParallelism(1)
	strategy := eventtime.ForMonotonousTimestamps[benchEvent]().WithTimestampAssigner(func(e benchEvent, _ int64) int64 { return e.TS })
	// 1000 events per millisecond of event time: a window holds 1M events.
	src := FromGenerator(env, n, func(i int64) benchEvent { return benchEvent{Key: i % keys, TS: i / 1000} }, WithWatermarks(strategy))
	tumbling, err := window.TumblingEventTime[benchEvent](time.Second, 0)
	if err != nil {
		b.Fatal(err)
	}
	counts := WindowAggregate(Window(KeyBy(src, func(e benchEvent) int64 { return e.Key }), tumbling), state.AggregateFunction[benchEvent, int64, int64](countAgg{}))
	counts.SinkTo(discardingSink[int64]{}, "discard")
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	if _, err := env.Execute(context.Background(), "window-count"); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "records/s")
}
