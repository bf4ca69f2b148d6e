package datastream

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/window"
)

// tsEv is an element with its event timestamp.
type tsEv struct {
	K  string
	V  int
	TS int64
}

// perEventWatermarks is a bounded-out-of-orderness generator that emits on
// every event that advances it (max timestamp - delay - 1) instead of
// periodically, so a job's watermarks do not depend on wall-clock timing.
type perEventWatermarks[T any] struct {
	delay, max int64
}

func (g *perEventWatermarks[T]) OnEvent(_ T, ts int64, out eventtime.Output) {
	if ts > g.max {
		g.max = ts
		out.EmitWatermark(ts - g.delay - 1)
	}
}

func (g *perEventWatermarks[T]) OnPeriodicEmit(eventtime.Output) {}

// timedSource is a bounded non-parallel source of elems with timestamps
// ts(elem) and per-event bounded-out-of-orderness watermarks.
func timedSource[T any](env *Env, elems []T, ts func(T) int64, bound time.Duration) *DataStream[T] {
	strategy := eventtime.ForGenerator(func() eventtime.Generator[T] {
		return &perEventWatermarks[T]{delay: bound.Milliseconds(), max: math.MinInt64}
	}).WithTimestampAssigner(func(v T, _ int64) int64 { return ts(v) })
	s := FromSource[T](env, &seqSource[T]{seq: slices.Values(elems)}, strategy, "timed")
	s.node.NonParallel, s.node.Parallelism = true, 1
	return s
}

// winResult is a window's sum, as the reference computes it.
type winResult struct {
	Key        string
	Start, End int64
	Sum        int
}

func (r winResult) String() string { return fmt.Sprintf("%s[%d,%d)=%d", r.Key, r.Start, r.End, r.Sum) }

func compareResults(a, b winResult) int {
	return cmp.Or(cmp.Compare(a.End, b.End), cmp.Compare(a.Start, b.Start), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Sum, b.Sum))
}

// referenceSums computes, in plain Go, what a keyed sliding (tumbling when
// slide == size) event-time window sum with the default trigger emits for
// events arriving in order, the watermark after event i being wms[i], and
// then the end of input: every firing (the first when the watermark reaches
// the window's last millisecond, then one per element added within the
// allowed lateness), and the number of late elements.
func referenceSums(events []tsEv, wms []int64, size, slide, offset, lateness int64) ([]winResult, int) {
	type kw struct {
		key        string
		start, end int64
	}
	sums := map[kw]int{}
	var out []winResult
	late := 0
	wm := int64(math.MinInt64)
	windowsOf := func(ts int64) []kw {
		var ws []kw
		for start := ts - size + 1; start <= ts; start++ {
			if ((start-offset)%slide+slide)%slide == 0 {
				ws = append(ws, kw{start: start, end: start + size})
			}
		}
		return ws
	}
	advance := func(to int64) {
		if to <= wm {
			return
		}
		for w, sum := range sums {
			if last := w.end - 1; last > wm && last <= to {
				out = append(out, winResult{w.key, w.start, w.end, sum})
			}
		}
		for w := range sums {
			if w.end-1+lateness <= to {
				delete(sums, w)
			}
		}
		wm = to
	}
	for i, e := range events {
		added := false
		for _, w := range windowsOf(e.TS) {
			w.key = e.K
			if w.end-1+lateness <= wm {
				continue // the window is late
			}
			added = true
			sums[w] += e.V
			if w.end-1 <= wm {
				out = append(out, winResult{w.key, w.start, w.end, sums[w]})
			}
		}
		if !added && e.TS+lateness <= wm {
			late++
		}
		advance(wms[i])
	}
	advance(math.MaxInt64)
	slices.SortFunc(out, compareResults)
	return out, late
}

// randomEvents returns n events of a few keys around increasing times,
// with disorder up to maxDisorder (some beyond the watermark bound, so
// some are late), and the watermark after each: max timestamp - bound - 1.
func randomEvents(rng *rand.Rand, n int, bound, maxDisorder int64) ([]tsEv, []int64) {
	events := make([]tsEv, n)
	wms := make([]int64, n)
	maxTs := int64(math.MinInt64)
	for i := range events {
		ts := -300 + int64(i)*3 + rng.Int64N(2*maxDisorder+1) - maxDisorder
		events[i] = tsEv{K: string(rune('a' + rng.IntN(4))), V: rng.IntN(100) - 20, TS: ts}
		maxTs = max(maxTs, ts)
		wms[i] = maxTs - bound - 1
	}
	return events, wms
}

// sumToResult is the process function of the differential jobs.
func sumToResult(key string, ctx *WindowContext[window.TimeWindow], sums []tsEv, out Collector[winResult]) error {
	w := ctx.Window()
	out.Collect(winResult{key, w.Start, w.End, sums[0].V})
	return nil
}

func sumTsEv(a, b tsEv) tsEv { return tsEv{a.K, a.V + b.V, max(a.TS, b.TS)} }

// TestWindowDifferentialHarness compares random keyed tumbling and sliding
// window sums, with and without allowed lateness, run by hand through the
// operator, against the plain reference.
func TestWindowDifferentialHarness(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 60 {
		size := 1 + rng.Int64N(40)
		slide := size
		if trial%2 == 1 {
			slide = 1 + rng.Int64N(size)
		}
		offset := rng.Int64N(slide)
		lateness := []int64{0, 0, 5, 30}[trial%4]
		bound := rng.Int64N(10)
		events, wms := randomEvents(rng, 300, bound, 15)
		name := fmt.Sprintf("trial %d size %d slide %d offset %d lateness %d bound %d", trial, size, slide, offset, lateness, bound)

		env := NewEnv()
		assigner := ok(window.SlidingEventTime[tsEv](time.Duration(size)*ms, time.Duration(slide)*ms, time.Duration(offset)*ms))
		ws := Window(KeyBy(FromSlice(env, []tsEv(nil)), func(e tsEv) string { return e.K }), assigner).
			AllowedLateness(time.Duration(lateness) * ms)
		s := WindowReduceProcess(ws, sumTsEv, ProcessWindowFunc[tsEv, winResult, string, window.TimeWindow](sumToResult))
		h, _ := windowHarness[tsEv](t, s, nil)
		current := int64(math.MinInt64)
		for i, e := range events {
			if err := h.ProcessElement(e, e.TS); err != nil {
				t.Fatal(err)
			}
			if wms[i] > current {
				current = wms[i]
				if err := h.ProcessWatermark(current); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := h.EndInput(); err != nil {
			t.Fatal(err)
		}
		var got []winResult
		for _, r := range h.Records() {
			if r.Timestamp != r.Value.End-1 {
				t.Fatalf("%s: result %v has timestamp %d", name, r.Value, r.Timestamp)
			}
			got = append(got, r.Value)
		}
		slices.SortFunc(got, compareResults)
		want, wantLate := referenceSums(events, wms, size, slide, offset, lateness)
		if !slices.Equal(got, want) {
			t.Fatalf("%s:\n got %v\nwant %v", name, got, want)
		}
		if dropped := h.Operator().(windowOpStats).NumLateRecordsDropped(); dropped != int64(wantLate) {
			t.Fatalf("%s: dropped %d late elements, want %d", name, dropped, wantLate)
		}
		if n := h.NumKeyedStateEntries(contentsStateName); n != 0 {
			t.Fatalf("%s: %d window contents left after the end", name, n)
		}
	}
}

// TestWindowDifferentialJob runs random keyed window sums as parallel jobs,
// with late data on a side output, against the reference.
func TestWindowDifferentialJob(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := range 6 {
		size := 5 + rng.Int64N(30)
		slide := size
		if trial%2 == 1 {
			slide = 1 + rng.Int64N(size)
		}
		lateness := []int64{0, 10, 0}[trial%3]
		bound := rng.Int64N(8)
		events, wms := randomEvents(rng, 2000, bound, 12)
		name := fmt.Sprintf("trial %d size %d slide %d lateness %d bound %d", trial, size, slide, lateness, bound)

		env := NewEnv().SetParallelism(1 + trial%4)
		in := timedSource(env, events, func(e tsEv) int64 { return e.TS }, time.Duration(bound)*ms)
		late := NewOutputTag[tsEv]("late")
		ws := Window(KeyBy(in, func(e tsEv) string { return e.K }),
			ok(window.SlidingEventTime[tsEv](time.Duration(size)*ms, time.Duration(slide)*ms, 0))).
			AllowedLateness(time.Duration(lateness) * ms).SideOutputLateData(late)
		s := WindowReduceProcess(ws, sumTsEv, ProcessWindowFunc[tsEv, winResult, string, window.TimeWindow](sumToResult))
		results := Collect(s)
		lateOut := Collect(SideOutput(s, late))
		if _, err := env.Execute(context.Background(), "differential"); err != nil {
			t.Fatal(err)
		}
		got := results.Values()
		slices.SortFunc(got, compareResults)
		want, wantLate := referenceSums(events, wms, size, slide, 0, lateness)
		if !slices.Equal(got, want) {
			t.Fatalf("%s:\n got %d results %v\nwant %d results %v", name, len(got), got, len(want), want)
		}
		if n := len(lateOut.Values()); n != wantLate {
			t.Fatalf("%s: %d late elements on the side output, want %d", name, n, wantLate)
		}
	}
}

// TestWindowAllJob sums all elements per tumbling window in one subtask,
// whatever the job's parallelism.
func TestWindowAllJob(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	events, wms := randomEvents(rng, 1000, 20, 5)
	env := NewEnv().SetParallelism(4)
	in := timedSource(env, events, func(e tsEv) int64 { return e.TS }, 20*ms)
	spread := Map(in.Rebalance(), func(e tsEv) tsEv { return tsEv{K: "all", V: e.V, TS: e.TS} })
	s := WindowReduceProcess(WindowAll(spread, ok(window.TumblingEventTime[tsEv](50*ms, 0))), sumTsEv,
		ProcessWindowFunc[tsEv, winResult, AllWindowKey, window.TimeWindow](
			func(_ AllWindowKey, ctx *WindowContext[window.TimeWindow], sums []tsEv, out Collector[winResult]) error {
				return sumToResult("all", ctx, sums, out)
			}))
	results := Collect(s)
	if _, err := env.Execute(context.Background(), "window all"); err != nil {
		t.Fatal(err)
	}
	got := results.Values()
	slices.SortFunc(got, compareResults)
	for i := range events {
		events[i].K = "all"
	}
	// Rebalance spreads the elements over 4 map subtasks, so the window
	// operator's watermark is the minimum over them: nothing is late with
	// in-order-enough data, and the result does not depend on timing.
	want, _ := referenceSums(events, wms, 50, 50, 0, 0)
	if !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}
