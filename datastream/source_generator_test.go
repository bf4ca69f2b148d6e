package datastream

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/connector/ratelimit"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/event"
)

func srcGenValue(i int64) string { return fmt.Sprintf("v%d-%d", i, (i*7919)%1009) }

func TestGeneratorDeterministicAcrossParallelism(t *testing.T) {
	const count = 10_007
	want := make([]string, count)
	for i := range int64(count) {
		want[i] = srcGenValue(i)
	}
	slices.Sort(want)
	for _, tc := range []struct {
		p    int
		opts []GeneratorOption
	}{
		{p: 1}, {p: 2}, {p: 4},
		{p: 3, opts: []GeneratorOption{WithSplits(7)}},
		{p: 4, opts: []GeneratorOption{WithSplits(2)}},
	} {
		t.Run(fmt.Sprintf("p=%d/opts=%d", tc.p, len(tc.opts)), func(t *testing.T) {
			env := NewEnv().SetParallelism(tc.p)
			c := Collect(FromGenerator(env, count, srcGenValue, tc.opts...))
			if _, err := env.Execute(context.Background(), "generator"); err != nil {
				t.Fatal(err)
			}
			got := c.Values()
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d values, want %d; the multisets differ", len(got), len(want))
			}
		})
	}
}

func TestGeneratorSplitRanges(t *testing.T) {
	// Each split is a contiguous range, generated in order, so a subtask's
	// output of one split is increasing.
	for _, tc := range []struct {
		count int64
		n     int
	}{{10, 3}, {0, 4}, {3, 8}, {1 << 62, 7}} {
		var prev int64
		for j := 0; j <= tc.n; j++ {
			b := rangeBound(tc.count, j, tc.n)
			if j == 0 && b != 0 || j == tc.n && b != tc.count || b < prev {
				t.Fatalf("count %d, %d splits: bound %d = %d", tc.count, tc.n, j, b)
			}
			prev = b
		}
	}
}

func TestGeneratorBoundedEnds(t *testing.T) {
	for _, count := range []int64{0, 3, 1000} {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			before := runtime.NumGoroutine()
			env := NewEnv().SetParallelism(4)
			g := FromGenerator(env, count, func(i int64) int64 { return i },
				WithWatermarks(eventtime.ForMonotonousTimestamps[int64]().WithTimestampAssigner(func(v, _ int64) int64 { return v })))
			p, log := srcProbe(g)
			c := Collect(p)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := env.Execute(ctx, "bounded"); err != nil {
				t.Fatal(err)
			}
			if n := int64(len(c.Values())); n != count {
				t.Fatalf("%d values, want %d", n, count)
			}
			for _, r := range c.Records() {
				if r.Timestamp != r.Value {
					t.Fatalf("value %d has timestamp %d", r.Value, r.Timestamp)
				}
			}
			// Every subtask ends event time, with or without splits.
			max := 0
			for _, wm := range log.watermarks() {
				if wm == event.MaxWatermark {
					max++
				}
			}
			if max != 4 {
				t.Fatalf("watermarks %v: want MaxWatermark from each of the 4 subtasks", log.watermarks())
			}
			srcCheckGoroutines(t, before)
		})
	}
}

func TestGeneratorUnboundedRunsUntilCancelled(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []GeneratorOption
		min  int64
	}{
		{"unlimited", nil, 50_000},
		{"rate limited", []GeneratorOption{WithRate(2000)}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			env := NewEnv().SetParallelism(2)
			sink := &srcCountSink[int64]{}
			FromGenerator(env, -1, func(i int64) int64 { return i }, tc.opts...).SinkTo(sink, "Count")
			job, err := env.ExecuteAsync(context.Background(), "unbounded")
			if err != nil {
				t.Fatal(err)
			}
			srcWaitFor(t, 20*time.Second, "records", func() bool { return sink.count() >= tc.min })
			select {
			case <-job.Done():
				t.Fatal("the unbounded job ended by itself")
			case <-time.After(20 * time.Millisecond):
			}
			job.Cancel()
			waited := make(chan error, 1)
			go func() { _, err := job.Wait(); waited <- err }()
			select {
			case err := <-waited:
				if err == nil || !strings.Contains(err.Error(), "canceled") {
					t.Fatalf("cancelled job ended with %v, want a cancellation", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Wait did not return after Cancel")
			}
			srcCheckGoroutines(t, before)
		})
	}
}

func TestGeneratorUnboundedIndexes(t *testing.T) {
	// Split j of n generates j, j+n, j+2n, …: after cancelling, every
	// subtask's output is a prefix of its stride, without duplicates.
	env := NewEnv().SetParallelism(3)
	_, log := srcProbe(FromGenerator(env, -1, func(i int64) int64 { return i }, WithRate(3000)))
	job, err := env.ExecuteAsync(context.Background(), "unbounded indexes")
	if err != nil {
		t.Fatal(err)
	}
	srcWaitFor(t, 20*time.Second, "records", func() bool { return len(log.snapshot()) >= 300 })
	job.Cancel()
	job.Wait()
	next := map[int64]int64{0: 0, 1: 1, 2: 2}
	for _, e := range log.snapshot() {
		v := e.rec.(int64)
		if v != next[v%3] {
			t.Fatalf("split %d: got index %d, want %d", v%3, v, next[v%3])
		}
		next[v%3] += 3
	}
}

func TestGeneratorRateLimit(t *testing.T) {
	// 2000 records at 4000/s over 4 subtasks: each generates 500 at 1000/s,
	// the first at once, so the job takes about 0.5 s.
	env := NewEnv().SetParallelism(4)
	c := Collect(FromGenerator(env, 2000, func(i int64) int64 { return i }, WithRate(4000)))
	start := time.Now()
	if _, err := env.Execute(context.Background(), "rate"); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	if n := len(c.Values()); n != 2000 {
		t.Fatalf("%d values, want 2000", n)
	}
	if d < 450*time.Millisecond || d > 1500*time.Millisecond {
		t.Fatalf("2000 records at 4000/s took %v, want about 0.5 s", d)
	}
	t.Logf("2000 records at 4000/s took %v", d)
}

func TestGeneratorRateWaitsWithoutSpinning(t *testing.T) {
	// A reader ahead of schedule reports NothingAvailable and a channel that
	// is ready at the next due time.
	src := &generatorSource[int64]{count: 100, fn: func(i int64) int64 { return i }, rate: 100}
	r := &generatorReader[int64]{src: src, limit: ratelimit.New(nil)}
	r.AddSplits([]connector.Split{&generatorSplit{id: 0, total: 1, end: 100, stride: 1}})
	r.NotifyNoMoreSplits()
	out := &srcCountingReaderOutput{}
	if st, _ := r.Poll(out); st != connector.MoreAvailable || out.n != 1 {
		t.Fatalf("first poll: status %v, %d records; want MoreAvailable and 1", st, out.n)
	}
	polls := 0
	start := time.Now()
	for out.n < 5 {
		st, err := r.Poll(out)
		if err != nil {
			t.Fatal(err)
		}
		polls++
		if st == connector.NothingAvailable {
			ch := r.Available()
			if ch == nil {
				t.Fatal("NothingAvailable without an Available channel")
			}
			<-ch
		}
	}
	if el := time.Since(start); el < 35*time.Millisecond {
		t.Fatalf("4 records at 100/s took %v, want about 40 ms", el)
	}
	if polls > 20 {
		t.Fatalf("%d polls for 4 records: the reader spins", polls)
	}
	r.Close()
}

// srcCountingReaderOutput is a connector.ReaderOutput that counts records.
type srcCountingReaderOutput struct{ n int }

func (o *srcCountingReaderOutput) Collect(int64)                                { o.n++ }
func (o *srcCountingReaderOutput) CollectWithTimestamp(int64, int64)            { o.n++ }
func (o *srcCountingReaderOutput) ReleaseSplit(string)                          {}
func (o *srcCountingReaderOutput) ForSplit(string) connector.SplitOutput[int64] { return o }
