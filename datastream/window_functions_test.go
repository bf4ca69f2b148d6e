package datastream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// describe is a ProcessWindowFunction that prints what it sees.
func describe[IN any](key string, ctx *WindowContext[window.TimeWindow], elems []IN, out Collector[string]) error {
	out.Collect(fmt.Sprintf("%s %v %v wm=%d", key, ctx.Window(), elems, ctx.CurrentWatermark()))
	return nil
}

// avg is an AggregateFunction computing the mean of the values.
type avg struct{}

type avgAcc struct{ sum, n int }

func (avg) CreateAccumulator() avgAcc   { return avgAcc{} }
func (avg) Add(e ev, acc avgAcc) avgAcc { return avgAcc{acc.sum + e.V, acc.n + 1} }
func (avg) Result(acc avgAcc) float64   { return float64(acc.sum) / float64(acc.n) }
func (avg) Merge(a, b avgAcc) avgAcc    { return avgAcc{a.sum + b.sum, a.n + b.n} }
func (avg) String() string              { return "avg" }

func tumbling10(env *Env) *WindowedStream[ev, string, window.TimeWindow] {
	return Window(KeyBy(testInput(env), evKey), ok(window.TumblingEventTime[ev](10*ms, 0)))
}

func TestWindowReduceAndAggregateProcessSeeTheWindow(t *testing.T) {
	script := `
		e a 1 1
		e a 2 5
		e b 4 12
		wm 9
		end`
	t.Run("reduce", func(t *testing.T) {
		s := WindowReduceProcess(tumbling10(NewEnv()), sumEv, ProcessWindowFunc[ev, string, string, window.TimeWindow](describe[ev]))
		checkTranscript(t, harnessRun(s)(t, script), `
			> e a 1 1
			> e a 2 5
			> e b 4 12
			> wm 9
			  a [0, 10) [a:3] wm=9@9
			> end
			  b [10, 20) [b:4] wm=9223372036854775807@19`)
	})
	t.Run("aggregate", func(t *testing.T) {
		s := WindowAggregateProcess(tumbling10(NewEnv()), avg{}, ProcessWindowFunc[float64, string, string, window.TimeWindow](describe[float64]))
		checkTranscript(t, harnessRun(s)(t, script), `
			> e a 1 1
			> e a 2 5
			> e b 4 12
			> wm 9
			  a [0, 10) [1.5] wm=9@9
			> end
			  b [10, 20) [4] wm=9223372036854775807@19`)
	})
	t.Run("aggregate alone", func(t *testing.T) {
		s := WindowAggregate(tumbling10(NewEnv()), avg{})
		checkTranscript(t, harnessRun(s)(t, script), `
			> e a 1 1
			> e a 2 5
			> e b 4 12
			> wm 9
			  1.5@9
			> end
			  4@19`)
	})
	t.Run("process", func(t *testing.T) {
		s := WindowProcess(tumbling10(NewEnv()), ProcessWindowFunc[ev, string, string, window.TimeWindow](describe[ev]))
		checkTranscript(t, harnessRun(s)(t, script), `
			> e a 1 1
			> e a 2 5
			> e b 4 12
			> wm 9
			  a [0, 10) [a:1 a:2] wm=9@9
			> end
			  b [10, 20) [b:4] wm=9223372036854775807@19`)
	})
	t.Run("apply", func(t *testing.T) {
		s := WindowApply(tumbling10(NewEnv()), WindowFunc[ev, string, string, window.TimeWindow](
			func(key string, w window.TimeWindow, elems []ev, out Collector[string]) error {
				out.Collect(fmt.Sprintf("%s %v %d", key, w, len(elems)))
				return nil
			}))
		checkTranscript(t, harnessRun(s)(t, script), `
			> e a 1 1
			> e a 2 5
			> e b 4 12
			> wm 9
			  a [0, 10) 2@9
			> end
			  b [10, 20) 1@19`)
	})
	t.Run("aggregate with evictor", func(t *testing.T) {
		ws := tumbling10(NewEnv()).Evictor(ok(window.CountEvictor[ev, window.TimeWindow](0, false)))
		s := WindowAggregateProcess(ws, avg{}, ProcessWindowFunc[float64, string, string, window.TimeWindow](describe[float64]))
		checkTranscript(t, harnessRun(s)(t, "e a 1 1\nwm 9"), `
			> e a 1 1
			> wm 9
			  a [0, 10) [NaN] wm=9@9`)
	})
	t.Run("reduce with evictor that empties the window", func(t *testing.T) {
		ws := tumbling10(NewEnv()).Evictor(ok(window.CountEvictor[ev, window.TimeWindow](0, false)))
		checkTranscript(t, harnessRun(WindowReduce(ws, sumEv))(t, "e a 1 1\nwm 9"), `
			> e a 1 1
			> wm 9`)
	})
}

var notes = NewOutputTag[string]("notes")

// firingCounter counts the firings of each window in per-window state,
// notes them on a side output, and clears the count with the window.
type firingCounter struct {
	cleared []string
}

func (f *firingCounter) Process(key string, ctx *WindowContext[window.TimeWindow], elems []ev, out Collector[string]) error {
	n, err := WindowValueState(ctx, state.Value[int]("firings"))
	if err != nil {
		return err
	}
	c, _ := n.Value()
	n.Update(c + 1)
	out.Collect(fmt.Sprintf("%s %v firing %d: %d elements", key, ctx.Window(), c+1, len(elems)))
	Output(ctx, notes, fmt.Sprintf("note %s %v", key, ctx.Window()))
	return nil
}

func (f *firingCounter) Clear(key string, ctx *WindowContext[window.TimeWindow]) error {
	n, err := WindowValueState(ctx, state.Value[int]("firings"))
	if err != nil {
		return err
	}
	c, _ := n.Value()
	f.cleared = append(f.cleared, fmt.Sprintf("%s %v after %d", key, ctx.Window(), c))
	n.Clear()
	return nil
}

func TestWindowPerWindowStateSideOutputAndClear(t *testing.T) {
	fn := &firingCounter{}
	ws := tumbling10(NewEnv()).AllowedLateness(10 * ms)
	s := WindowProcess(ws, ProcessWindowFunction[ev, string, string, window.TimeWindow](fn))
	var side *testenv.Captured[string]
	h, _ := windowHarnessWith[ev](t, s, nil, func(h testenv.HarnessBase) { side = testenv.SideOutput[string](h, notes.ID()) })
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	step(h.ProcessElement(ev{"a", 1}, 1))
	step(h.ProcessWatermark(9))
	step(h.ProcessElement(ev{"a", 2}, 2))
	step(h.ProcessElement(ev{"b", 2}, 3))
	if got := h.NumKeyedStateEntries("firings"); got != 2 {
		t.Errorf("firings state entries = %d, want 2", got)
	}
	step(h.ProcessWatermark(19))
	want := []string{
		"a [0, 10) firing 1: 1 elements",
		"a [0, 10) firing 2: 2 elements",
		"b [0, 10) firing 1: 1 elements",
	}
	if got := h.Values(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range h.Records() {
		if r.Timestamp != 9 {
			t.Errorf("record %v has timestamp %d, want 9", r.Value, r.Timestamp)
		}
	}
	notes := side.Records()
	if len(notes) != 3 || notes[0].Value != "note a [0, 10)" || notes[0].Timestamp != 9 {
		t.Errorf("side output %v", notes)
	}
	if got := strings.Join(fn.cleared, "; "); got != "a [0, 10) after 2; b [0, 10) after 1" {
		t.Errorf("cleared: %s", got)
	}
	if n := h.NumKeyedStateEntries("firings"); n != 0 {
		t.Errorf("per-window state not cleared: %d entries", n)
	}
}

func TestWindowFunctionErrorFailsTheTask(t *testing.T) {
	boom := errors.New("boom")
	s := WindowProcess(tumbling10(NewEnv()), ProcessWindowFunc[ev, string, string, window.TimeWindow](
		func(string, *WindowContext[window.TimeWindow], []ev, Collector[string]) error { return boom }))
	h, _ := windowHarness[ev](t, s, nil)
	if err := h.ProcessElement(ev{"a", 1}, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.ProcessWatermark(9); !errors.Is(err, boom) {
		t.Fatalf("want the function's error, got %v", err)
	}
}

func TestWindowNoTimestampFailsEventTimeWindows(t *testing.T) {
	h, _ := windowHarness[ev](t, WindowReduce(tumbling10(NewEnv()), sumEv), nil)
	if err := h.ProcessElementNoTimestamp(ev{"a", 1}); !errors.Is(err, window.ErrNoTimestamp) {
		t.Fatalf("want ErrNoTimestamp, got %v", err)
	}
}

func TestWindowBuildErrors(t *testing.T) {
	session := ok(window.EventTimeSession[ev](10 * ms))
	tumblingPT := ok(window.TumblingProcessingTime[ev](10*ms, 0))
	cases := []struct {
		name  string
		build func(env *Env)
		want  string
	}{
		{"nil assigner", func(env *Env) {
			WindowReduce(Window[ev, string, window.TimeWindow](KeyBy(testInput(env), evKey), nil), sumEv)
		}, "window assigner is nil"},
		{"negative lateness", func(env *Env) {
			WindowReduce(tumbling10(env).AllowedLateness(-time.Second), sumEv)
		}, "allowed lateness must not be negative"},
		{"lateness on processing time", func(env *Env) {
			WindowReduce(Window(KeyBy(testInput(env), evKey), tumblingPT).AllowedLateness(time.Second), sumEv)
		}, "only valid for event-time windows"},
		{"trigger that cannot merge on sessions", func(env *Env) {
			Window(KeyBy(testInput(env), evKey), session).Trigger(window.NeverTrigger[ev, window.TimeWindow]())
		}, "cannot be used with a trigger that does not support merging"},
		{"nil trigger", func(env *Env) { tumbling10(env).Trigger(nil) }, "trigger is nil"},
		{"nil evictor", func(env *Env) { tumbling10(env).Evictor(nil) }, "evictor is nil"},
		{"empty late tag", func(env *Env) { tumbling10(env).SideOutputLateData(OutputTag[ev]{}) }, "no id"},
		{"nil reduce", func(env *Env) { WindowReduce(tumbling10(env), nil) }, "reduce function is nil"},
		{"nil process", func(env *Env) { WindowProcess[ev, string, window.TimeWindow, int](tumbling10(env), nil) }, "process window function is nil"},
		{"nil join", func(env *Env) {
			in := testInput(env)
			WindowJoin[ev, ev, string, window.TimeWindow, int](in, in, evKey, evKey, ok(window.TumblingEventTime[TaggedUnion[ev, ev]](ms, 0)), nil)
		}, "join function is nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := NewEnv()
			c.build(env)
			_, err := env.Execute(context.Background(), "bad")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

func TestWindowOperatorNames(t *testing.T) {
	env := NewEnv()
	s := WindowReduce(tumbling10(env), sumEv)
	if want := "Window(TumblingEventTimeWindows(10, 0), EventTimeTrigger(), WindowReduce)"; s.node.Name != want {
		t.Errorf("name %q, want %q", s.node.Name, want)
	}
	all := WindowReduce(WindowAll(testInput(env), ok(window.TumblingEventTime[ev](10*ms, 0))), sumEv)
	if !strings.HasPrefix(all.node.Name, "AllWindow(") || all.node.Parallelism != 1 || !all.node.NonParallel {
		t.Errorf("WindowAll node %q parallelism %d non-parallel %t", all.node.Name, all.node.Parallelism, all.node.NonParallel)
	}
}

// The hot path of a non-merging window does not allocate once a key's
// window exists: window slices, trigger contexts, timers and collectors are
// reused.
func TestWindowElementPathDoesNotAllocate(t *testing.T) {
	for _, c := range []struct {
		name string
		ws   func(env *Env) *WindowedStream[ev, string, window.TimeWindow]
	}{
		{"tumbling", tumbling10},
		{"sliding", func(env *Env) *WindowedStream[ev, string, window.TimeWindow] {
			return Window(KeyBy(testInput(env), evKey), ok(window.SlidingEventTime[ev](10*ms, 2*ms, 0)))
		}},
		{"count trigger", func(env *Env) *WindowedStream[ev, string, window.TimeWindow] {
			return tumbling10(env).Trigger(ok(window.CountTrigger[ev, window.TimeWindow](1 << 40)))
		}},
		{"firing on every late element", func(env *Env) *WindowedStream[ev, string, window.TimeWindow] {
			return tumbling10(env).AllowedLateness(time.Hour)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, _ := windowHarness[ev](t, WindowReduce(c.ws(NewEnv()), sumEv), nil)
			op := h.Operator()
			r := ev{"key", 1}
			for i := range 100 {
				op.ProcessElement(recordOf(r, int64(i%10)+1000))
			}
			if err := h.ProcessWatermark(1020); err != nil {
				t.Fatal(err)
			}
			h.ClearOutput()
			// 100 elements per run: fewer than one allocation per 100
			// elements (the harness's capture of the output grows).
			allocs := testing.AllocsPerRun(100, func() {
				for range 100 {
					op.ProcessElement(recordOf(r, 1005))
				}
			})
			if allocs > 0 {
				t.Errorf("%v allocations per 100 elements", allocs)
			}
		})
	}
}
