package datastream_test

// Runtime behaviour seen through the DataStream API: failures, cancellation
// and leaks, backpressure, and argument validation. The package is external
// so its helpers (prefixed rt) never collide with the package's own tests.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// rtFuncSink calls write for every record of every subtask.
type rtFuncSink[T any] struct {
	write func(subtask int, v T) error
}

func (s *rtFuncSink[T]) CreateWriter(ctx connector.SinkContext) (connector.SinkWriter[T], error) {
	return &rtFuncWriter[T]{write: s.write, subtask: ctx.Subtask()}, nil
}

type rtFuncWriter[T any] struct {
	write   func(subtask int, v T) error
	subtask int
}

func (w *rtFuncWriter[T]) Write(v T, _ int64) error {
	if w.write == nil {
		return nil
	}
	return w.write(w.subtask, v)
}
func (w *rtFuncWriter[T]) Flush(bool) error { return nil }
func (w *rtFuncWriter[T]) Close() error     { return nil }

func rtDiscard[T any](s *datastream.DataStream[T]) {
	s.SinkTo(&rtFuncSink[T]{}, "Discard")
}

// rtNaturals is an endless iterator 0, 1, 2, … counting what it yielded.
func rtNaturals(yielded *atomic.Int64) iter.Seq[int64] {
	return func(yield func(int64) bool) {
		for i := int64(0); ; i++ {
			yielded.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

// rtExecute runs the job with a deadline, so a job that does not stop fails
// the test instead of hanging it.
func rtExecute(t *testing.T, env *datastream.Env) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := env.Execute(ctx, t.Name())
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("job did not stop: %v", err)
	}
	return err
}

// rtStopped checks that a counter no longer moves.
func rtStopped(t *testing.T, what string, c *atomic.Int64) {
	t.Helper()
	n := c.Load()
	time.Sleep(30 * time.Millisecond)
	if m := c.Load(); m != n {
		t.Fatalf("%s still running after the job ended: %d → %d", what, n, m)
	}
}

func rtWaitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before the job:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func rtWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// --- failures ---

func TestRuntimePanicInMapNamesOperatorSubtaskAndStack(t *testing.T) {
	var yielded atomic.Int64
	env := datastream.NewEnv().SetParallelism(2)
	src := datastream.FromSeq(env, rtNaturals(&yielded))
	m := datastream.Map(src, func(v int64) int64 {
		if v == 5000 {
			panic(fmt.Sprintf("boom at %d", v))
		}
		return v
	}).Name("Exploding Map")
	rtDiscard(m)
	err := rtExecute(t, env)
	if err == nil {
		t.Fatal("job succeeded")
	}
	msg := err.Error()
	for _, want := range []string{`"Exploding Map"`, "panic: boom at 5000", "TestRuntimePanicInMapNamesOperatorSubtaskAndStack"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
	if !regexp.MustCompile(`Exploding Map -> Sink: Discard \([12]/2\)`).MatchString(msg) {
		t.Errorf("error does not name the subtask (k/2):\n%s", msg)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("the root failure is reported as a cancellation: %v", err)
	}
	rtStopped(t, "the endless source", &yielded)
}

var rtErrBadRecord = errors.New("bad record")

func TestRuntimeProcessFunctionErrorFailsJobWrapped(t *testing.T) {
	env := datastream.NewEnv().SetParallelism(2)
	src := datastream.FromGenerator(env, 100_000, func(i int64) int64 { return i })
	p := datastream.Process(src, datastream.ProcessFunc[int64, int64](func(v int64, _ *datastream.ProcessContext, out datastream.Collector[int64]) error {
		if v == 777 {
			return fmt.Errorf("record %d: %w", v, rtErrBadRecord)
		}
		out.Collect(v)
		return nil
	}))
	rtDiscard(p)
	err := rtExecute(t, env)
	if !errors.Is(err, rtErrBadRecord) {
		t.Fatalf("error %v does not wrap the function's error", err)
	}
	if !strings.Contains(err.Error(), "record 777") || !strings.Contains(err.Error(), `"Process"`) {
		t.Fatalf("error %v", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatalf("the root failure is reported as a cancellation: %v", err)
	}
}

func TestRuntimeFailureDownstreamCancelsEndlessSources(t *testing.T) {
	for _, name := range []string{"FromSeq", "FromGenerator"} {
		t.Run(name, func(t *testing.T) {
			var yielded, seen atomic.Int64
			env := datastream.NewEnv().SetParallelism(2)
			var src *datastream.DataStream[int64]
			if name == "FromSeq" {
				src = datastream.FromSeq(env, rtNaturals(&yielded))
			} else {
				src = datastream.FromGenerator(env, -1, func(i int64) int64 { yielded.Add(1); return i })
			}
			// The failing operator runs in a task of its own, behind a network
			// edge: the source task must be cancelled.
			m := datastream.Map(src, func(v int64) int64 {
				if seen.Add(1) == 20_000 {
					panic(rtErrBadRecord)
				}
				return v
			}).DisableChaining()
			rtDiscard(m)
			err := rtExecute(t, env)
			if !errors.Is(err, rtErrBadRecord) || !strings.Contains(err.Error(), `"Map"`) {
				t.Fatalf("error %v, want the Map's panic", err)
			}
			if errors.Is(err, context.Canceled) {
				t.Fatalf("the root failure is reported as a cancellation: %v", err)
			}
			rtStopped(t, "the endless source", &yielded)
		})
	}
}

func TestRuntimeFailureInSourceCancelsDownstream(t *testing.T) {
	var written atomic.Int64
	env := datastream.NewEnv().SetParallelism(2)
	src := datastream.FromGenerator(env, -1, func(i int64) int64 {
		if i == 30_000 {
			panic("generator broke")
		}
		return i
	})
	// Downstream tasks wait for input that never ends: they must be
	// cancelled when the source fails.
	k := datastream.KeyBy(src, func(v int64) int64 { return v % 10 })
	r := datastream.Reduce(k, func(a, b int64) int64 { return a + b })
	r.SinkTo(&rtFuncSink[int64]{write: func(int, int64) error { written.Add(1); return nil }}, "Count")
	err := rtExecute(t, env)
	if err == nil || !strings.Contains(err.Error(), "generator broke") || !strings.Contains(err.Error(), `"Source: Generator Source"`) {
		t.Fatalf("error %v, want the source's panic", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatalf("the root failure is reported as a cancellation: %v", err)
	}
}

func TestRuntimeSinkWriteErrorIsWrapped(t *testing.T) {
	env := datastream.NewEnv()
	src := datastream.FromSlice(env, []int{1, 2, 3})
	src.SinkTo(&rtFuncSink[int]{write: func(_ int, v int) error {
		if v == 2 {
			return rtErrBadRecord
		}
		return nil
	}}, "Picky")
	err := rtExecute(t, env)
	if !errors.Is(err, rtErrBadRecord) || !strings.Contains(err.Error(), `"Sink: Picky"`) {
		t.Fatalf("error %v", err)
	}
}

// --- partitioning end to end ---

// KeyBy routes every key to one subtask: the owner of its key group, by
// Flink's formulas over the key's canonical encoding.
func TestRuntimeKeyByRoutesKeyToKeyGroupOwner(t *testing.T) {
	const p, keys = 3, 200
	env := datastream.NewEnv().SetParallelism(p)
	var mu sync.Mutex
	owner := map[int64]int{}
	var wrong []string
	src := datastream.FromGenerator(env, 20_000, func(i int64) int64 { return i % keys })
	datastream.KeyBy(src, func(v int64) int64 { return v }).
		SinkTo(&rtFuncSink[int64]{write: func(subtask int, k int64) error {
			mu.Lock()
			defer mu.Unlock()
			if o, ok := owner[k]; ok && o != subtask {
				wrong = append(wrong, fmt.Sprintf("key %d on subtasks %d and %d", k, o, subtask))
			}
			owner[k] = subtask
			return nil
		}}, "Owners")
	if err := rtExecute(t, env); err != nil {
		t.Fatal(err)
	}
	if len(wrong) > 0 {
		t.Fatal(strings.Join(wrong, "\n"))
	}
	codec := serde.MustFor[int64]()
	maxP := keygroup.DefaultMaxParallelism(p)
	used := map[int]bool{}
	for k, o := range owner {
		kg := keygroup.ForKey(codec.Append(nil, k), maxP)
		if want := keygroup.OperatorIndex(kg, p, maxP); o != want {
			t.Fatalf("key %d (key group %d) on subtask %d, want %d", k, kg, o, want)
		}
		used[o] = true
	}
	if len(owner) != keys || len(used) != p {
		t.Fatalf("%d keys on subtasks %v", len(owner), used)
	}
}

// --- cancellation and leaks ---

func TestRuntimeCancelUnboundedJobReleasesEverything(t *testing.T) {
	for _, name := range []string{"FromSeq", "FromGenerator", "FromGenerator/rate-limited"} {
		t.Run(name, func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			var yielded, consumed atomic.Int64
			env := datastream.NewEnv().SetParallelism(2)
			var src *datastream.DataStream[int64]
			switch name {
			case "FromSeq":
				src = datastream.FromSeq(env, rtNaturals(&yielded))
			case "FromGenerator":
				src = datastream.FromGenerator(env, -1, func(i int64) int64 { yielded.Add(1); return i })
			default:
				// Mostly waiting on the rate limiter's timer when cancelled.
				src = datastream.FromGenerator(env, -1, func(i int64) int64 { yielded.Add(1); return i }, datastream.WithRate(2000))
			}
			m := datastream.Map(src, func(v int64) int64 { return v + 1 }).DisableChaining()
			k := datastream.KeyBy(m, func(v int64) int64 { return v % 7 })
			datastream.Reduce(k, func(a, b int64) int64 { return a + b }).
				SinkTo(&rtFuncSink[int64]{write: func(int, int64) error { consumed.Add(1); return nil }}, "Count")
			c, err := env.ExecuteAsync(context.Background(), "unbounded")
			if err != nil {
				t.Fatal(err)
			}
			rtWaitFor(t, "records to reach the sink", func() bool { return consumed.Load() > 10 })
			select {
			case <-c.Done():
				t.Fatal("unbounded job ended by itself")
			default:
			}
			c.Cancel()
			done := make(chan struct{})
			var werr error
			go func() { _, werr = c.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Wait did not return after Cancel")
			}
			if !errors.Is(werr, context.Canceled) {
				t.Fatalf("Wait returned %v, want context.Canceled", werr)
			}
			rtStopped(t, "the source", &yielded)
			rtWaitGoroutines(t, baseline)
		})
	}
}

func TestRuntimeFailedJobReleasesEverything(t *testing.T) {
	baseline := runtime.NumGoroutine()
	var yielded atomic.Int64
	env := datastream.NewEnv().SetParallelism(2)
	src := datastream.FromSeq(env, rtNaturals(&yielded))
	m := datastream.Map(src, func(v int64) int64 {
		if v == 10_000 {
			panic(rtErrBadRecord)
		}
		return v
	})
	rtDiscard(datastream.Map(m.Rebalance(), func(v int64) int64 { return v }))
	c, err := env.ExecuteAsync(context.Background(), "failing")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("failing job did not end")
	}
	if _, err := c.Wait(); !errors.Is(err, rtErrBadRecord) {
		t.Fatalf("Wait returned %v", err)
	}
	c.Cancel() // after the end: a no-op
	rtWaitGoroutines(t, baseline)
}

func TestRuntimeContextDeadlineStopsJob(t *testing.T) {
	baseline := runtime.NumGoroutine()
	var yielded atomic.Int64
	env := datastream.NewEnv()
	rtDiscard(datastream.FromSeq(env, rtNaturals(&yielded)).Rebalance())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := env.Execute(ctx, "deadline")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v", d)
	}
	rtWaitGoroutines(t, baseline)
}

// --- backpressure ---

// A fast endless source feeding a slow sink over a network edge: credits
// throttle the source, so what it emitted but the sink did not consume stays
// below what the channels can hold, and memory stays flat.
func TestRuntimeBackpressureBoundsInFlightRecordsAndMemory(t *testing.T) {
	for _, c := range []struct {
		batch, credits int
	}{{64, 2}, {1024, 4}} {
		t.Run(fmt.Sprintf("batch=%d/credits=%d", c.batch, c.credits), func(t *testing.T) {
			var emitted, consumed atomic.Int64
			env := datastream.NewEnv().SetParallelism(2)
			if err := env.Configure(map[string]string{
				"eddy.exchange.batch-size":                       fmt.Sprint(c.batch),
				"taskmanager.network.memory.buffers-per-channel": fmt.Sprint(c.credits),
			}); err != nil {
				t.Fatal(err)
			}
			payload := strings.Repeat("x", 100)
			src := datastream.FromGenerator(env, -1, func(i int64) string {
				emitted.Add(1)
				return payload
			}).SetParallelism(1)
			// Source (1) → rebalance → sink (2): two channels.
			const channels = 2
			src.Rebalance().SinkTo(&rtFuncSink[string]{write: func(_ int, v string) error {
				if consumed.Add(1)%128 == 0 {
					time.Sleep(200 * time.Microsecond)
				}
				return nil
			}}, "Slow")
			// Per channel: the producer's partial batch, the credits, and the
			// batch the consumer is working on; plus the record being
			// generated.
			bound := int64(channels*(c.credits+2)*c.batch + 1)

			job, err := env.ExecuteAsync(context.Background(), "backpressure")
			if err != nil {
				t.Fatal(err)
			}
			defer job.Cancel()
			inFlight := func() int64 {
				e := emitted.Load() // first: consumed can only grow meanwhile
				return e - consumed.Load()
			}
			heap := func() uint64 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				return ms.HeapInuse
			}
			rtWaitFor(t, "the sink to consume", func() bool { return consumed.Load() > int64(4*bound) })
			e1, f1, h1 := emitted.Load(), inFlight(), heap()
			time.Sleep(300 * time.Millisecond)
			e2, f2, h2 := emitted.Load(), inFlight(), heap()
			job.Cancel()
			if _, err := job.Wait(); !errors.Is(err, context.Canceled) {
				t.Fatalf("Wait: %v", err)
			}
			final := emitted.Load() - consumed.Load()
			t.Logf("emitted %d → %d, in flight %d → %d (final %d, bound %d), heap in use %d KiB → %d KiB",
				e1, e2, f1, f2, final, bound, h1>>10, h2>>10)
			if e2 <= e1 {
				t.Fatal("the source made no progress")
			}
			for _, f := range []int64{f1, f2, final} {
				if f > bound {
					t.Fatalf("%d records in flight, more than the channels hold (%d): the source is not throttled", f, bound)
				}
			}
			if h2 > h1+4<<20 {
				t.Fatalf("heap in use grew from %d KiB to %d KiB while the job ran", h1>>10, h2>>10)
			}
		})
	}
}

// --- bad arguments ---

type rtKeyedStateUser struct {
	count state.ValueState[int]
}

func (f *rtKeyedStateUser) Open(rc *datastream.RuntimeContext) error {
	var err error
	f.count, err = datastream.GetValueState(rc, state.Value[int]("count"))
	return err
}

func (f *rtKeyedStateUser) ProcessElement(v int, _ *datastream.ProcessContext, out datastream.Collector[int]) error {
	out.Collect(v)
	return nil
}

func TestRuntimeBadArgumentsFailExecute(t *testing.T) {
	ints := func(env *datastream.Env) *datastream.DataStream[int] {
		return datastream.FromSlice(env, []int{1, 2, 3})
	}
	for _, c := range []struct {
		name  string
		build func(env *datastream.Env)
		want  string
	}{
		{"env SetParallelism(0)", func(env *datastream.Env) {
			env.SetParallelism(0)
			rtDiscard(ints(env))
		}, "parallelism must be positive"},
		{"env SetParallelism(-3)", func(env *datastream.Env) {
			env.SetParallelism(-3)
			rtDiscard(ints(env))
		}, "parallelism must be positive"},
		{"stream SetParallelism(0)", func(env *datastream.Env) {
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).SetParallelism(0))
		}, "parallelism must be positive"},
		{"stream SetParallelism above its SetMaxParallelism", func(env *datastream.Env) {
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).SetMaxParallelism(4).SetParallelism(8))
		}, "greater than its max parallelism"},
		{"stream SetMaxParallelism below its SetParallelism", func(env *datastream.Env) {
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).SetParallelism(8).SetMaxParallelism(4))
		}, "greater than max parallelism"},
		{"env SetParallelism above env SetMaxParallelism", func(env *datastream.Env) {
			env.SetMaxParallelism(4).SetParallelism(8)
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }))
		}, "greater than"},
		{"stream SetParallelism above env SetMaxParallelism", func(env *datastream.Env) {
			env.SetMaxParallelism(4)
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).SetParallelism(8))
		}, "greater than max parallelism"},
		{"env SetMaxParallelism(0)", func(env *datastream.Env) {
			env.SetMaxParallelism(0)
			rtDiscard(ints(env))
		}, "max parallelism must be in"},
		{"env SetMaxParallelism above 32768", func(env *datastream.Env) {
			env.SetMaxParallelism(1 << 16)
			rtDiscard(ints(env))
		}, "max parallelism must be in"},
		{"stream SetMaxParallelism(0)", func(env *datastream.Env) {
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).SetMaxParallelism(0))
		}, "max parallelism must be in"},
		{"SetParallelism of a non-parallel source", func(env *datastream.Env) {
			rtDiscard(ints(env).SetParallelism(2))
		}, "non-parallel"},
		{"explicit Forward between different parallelism", func(env *datastream.Env) {
			env.SetParallelism(2)
			rtDiscard(datastream.Map(ints(env).Forward(), func(v int) int { return v }))
		}, "forward partitioning"},
		{"duplicate UIDs", func(env *datastream.Env) {
			m := datastream.Map(ints(env).UID("src"), func(v int) int { return v }).UID("same")
			rtDiscard(datastream.Map(m, func(v int) int { return v }).UID("same"))
		}, `same UID "same"`},
		{"empty UID", func(env *datastream.Env) {
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).UID(""))
		}, "must not be empty"},
		{"empty slot sharing group", func(env *datastream.Env) {
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }).SlotSharingGroup(""))
		}, "must not be empty"},
		{"nil Map function", func(env *datastream.Env) {
			rtDiscard(datastream.Map[int, int](ints(env), nil))
		}, "Map: function is nil"},
		{"nil FlatMap function", func(env *datastream.Env) {
			rtDiscard(datastream.FlatMap[int, int](ints(env), nil))
		}, "FlatMap: function is nil"},
		{"nil Filter function", func(env *datastream.Env) {
			rtDiscard(ints(env).Filter(nil))
		}, "Filter: function is nil"},
		{"nil ProcessFunction", func(env *datastream.Env) {
			rtDiscard(datastream.Process[int, int](ints(env), nil))
		}, "Process: function is nil"},
		{"nil key selector", func(env *datastream.Env) {
			k := datastream.KeyBy[int, int](ints(env), nil)
			rtDiscard(datastream.Reduce(k, func(a, b int) int { return a + b }))
		}, "key selector is nil"},
		{"nil Reduce function", func(env *datastream.Env) {
			rtDiscard(datastream.Reduce(datastream.KeyBy(ints(env), func(v int) int { return v }), nil))
		}, "Reduce: function is nil"},
		{"nil KeyedProcessFunction", func(env *datastream.Env) {
			rtDiscard(datastream.KeyedProcess[int, int, int](datastream.KeyBy(ints(env), func(v int) int { return v }), nil))
		}, "KeyedProcess: function is nil"},
		{"nil sink", func(env *datastream.Env) {
			ints(env).SinkTo(nil, "nothing")
		}, "sink is nil"},
		{"nil iterator", func(env *datastream.Env) {
			rtDiscard(datastream.FromSeq[int](env, nil))
		}, "iterator is nil"},
		{"nil source", func(env *datastream.Env) {
			rtDiscard(datastream.FromSource[int](env, nil, eventtime.NoWatermarks[int](), "nothing"))
		}, "source is nil"},
		{"nil generator function", func(env *datastream.Env) {
			rtDiscard(datastream.FromGenerator[int](env, 10, nil))
		}, "generator function is nil"},
		{"key type without a codec", func(env *datastream.Env) {
			k := datastream.KeyBy(ints(env), func(v int) *int { return &v })
			rtDiscard(datastream.Reduce(k, func(a, b int) int { return a + b }))
		}, "KeyBy"},
		{"keyed state in a non-keyed Process", func(env *datastream.Env) {
			rtDiscard(datastream.Process(ints(env), datastream.ProcessFunction[int, int](&rtKeyedStateUser{})))
		}, "not keyed"},
		{"no operators", func(env *datastream.Env) {}, "no operators"},
		{"Name on a union", func(env *datastream.Env) {
			a, b := ints(env), ints(env)
			rtDiscard(a.Union(b).Name("u"))
		}, "not the output of one operator"},
		{"union with a stream of another environment", func(env *datastream.Env) {
			other := datastream.NewEnv()
			rtDiscard(ints(env).Union(ints(other)))
		}, "different environments"},
		{"too few task slots", func(env *datastream.Env) {
			env.SetParallelism(3)
			if err := env.Configure(map[string]string{"taskmanager.numberOfTaskSlots": "2"}); err != nil {
				panic(err)
			}
			rtDiscard(datastream.Map(ints(env), func(v int) int { return v }))
		}, "needs 3 slots"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panicked: %v", r)
					}
				}()
				env := datastream.NewEnv()
				c.build(env)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				_, err = env.Execute(ctx, "bad")
			}()
			if err == nil {
				t.Fatalf("Execute succeeded, want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

var rtBadOptions = []struct {
	key, value, want string
}{
	{"no.such.option", "1", "unknown option"},
	{"parallelism", "2", "unknown option"},
	{"parallelism.default", "two", "not an integer"},
	{"parallelism.default", "0", "must be positive"},
	{"parallelism.default", "-1", "must be positive"},
	{"pipeline.max-parallelism", "40000", "max-parallelism"},
	{"pipeline.max-parallelism", "-1", "max-parallelism"},
	{"pipeline.auto-watermark-interval", "0", "must be positive"},
	{"pipeline.auto-watermark-interval", "soon", "not a duration"},
	{"execution.buffer-timeout", "-5ms", "must be -1"},
	{"execution.buffer-timeout", "abc", "not a duration"},
	{"eddy.exchange.batch-size", "0", "must be in [1, 65536]"},
	{"eddy.exchange.batch-size", "1000000000", "must be in [1, 65536]"},
	{"eddy.exchange.batch-size", "1.5", "not an integer"},
	{"taskmanager.network.memory.buffers-per-channel", "0", "must be in [1, 1024]"},
	{"taskmanager.network.memory.buffers-per-channel", "1000000000", "must be in [1, 1024]"},
	{"taskmanager.numberOfTaskSlots", "-1", "must not be negative"},
}

func TestRuntimeConfigureRejectsBadOptions(t *testing.T) {
	for _, c := range rtBadOptions {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			env := datastream.NewEnv()
			err := env.Configure(map[string]string{c.key: c.value})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Configure: %v, want an error containing %q", err, c.want)
			}
			if !strings.Contains(err.Error(), c.key) {
				t.Fatalf("error %q does not name the option", err)
			}
		})
	}
}

// A rejected option must not be applied: Configure either applies all its
// options or none, and the environment keeps the configuration it had.
// (Today a rejected value is stored anyway; for execution.buffer-timeout=abc
// the job then silently runs with a buffer timeout of 0.)
func TestRuntimeConfigureRejectedOptionIsNotApplied(t *testing.T) {
	var bad []string
	for _, c := range rtBadOptions {
		env := datastream.NewEnv()
		before := env.Config()
		if env.Configure(map[string]string{c.key: c.value}) == nil {
			continue // reported by TestRuntimeConfigureRejectsBadOptions
		}
		if after := env.Config(); after != before {
			bad = append(bad, fmt.Sprintf("%s=%s: %+v", c.key, c.value, after))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("rejected options changed the configuration (default %+v):\n%s", datastream.DefaultConfig(), strings.Join(bad, "\n"))
	}
}

// Absurd sizes must fail the job with an error, not crash the process (the
// channels and batches are allocated when the job is deployed).
func TestRuntimeHugeExchangeSizesFailCleanly(t *testing.T) {
	for _, key := range []string{"taskmanager.network.memory.buffers-per-channel", "eddy.exchange.batch-size"} {
		t.Run(key, func(t *testing.T) {
			env := datastream.NewEnv()
			err := env.Configure(map[string]string{key: fmt.Sprint(1 << 62)})
			if err == nil {
				rtDiscard(datastream.FromSlice(env, []int{1}).Rebalance())
				_, err = env.Execute(context.Background(), "huge")
			}
			if err == nil {
				t.Fatalf("%s = 2^62 accepted", key)
			}
		})
	}
}

// Configure applies a map, whose order is random: a valid set of options
// must not be rejected because of the order it was applied in.
func TestRuntimeConfigureIsOrderIndependent(t *testing.T) {
	for range 50 {
		env := datastream.NewEnv()
		env.SetMaxParallelism(128)
		if err := env.Configure(map[string]string{
			"pipeline.max-parallelism": "1024",
			"parallelism.default":      "200",
		}); err != nil {
			t.Fatalf("valid options rejected: %v", err)
		}
	}
}

// As in Flink (DataStreamSink), a sink has a name, a UID, a parallelism and
// may be kept out of a chain.
func TestRuntimeSinkIsConfigurable(t *testing.T) {
	env := datastream.NewEnv().SetParallelism(2)
	var n atomic.Int64
	datastream.FromSlice(env, []int{1, 2, 3}).
		SinkTo(&rtFuncSink[int]{write: func(int, int) error { n.Add(1); return nil }}, "Counter").
		SetParallelism(1).UID("counter-sink").DisableChaining()
	if err := rtExecute(t, env); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Fatalf("sink got %d records", n.Load())
	}
}
