package datastream

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// --- Test helpers shared by the source_*_test.go files --------------------

// srcProbeEvent is what a probe saw: a record (ts), a watermark (wm) or a
// status change.
type srcProbeEvent struct {
	kind string // "rec", "wm", "idle", "active"
	v    int64  // the record's timestamp or the watermark
	rec  any
}

// srcProbeLog is shared by the subtasks of a probe.
type srcProbeLog struct {
	mu     sync.Mutex
	events []srcProbeEvent
}

func (l *srcProbeLog) add(e srcProbeEvent) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *srcProbeLog) snapshot() []srcProbeEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func (l *srcProbeLog) watermarks() []int64 {
	var wms []int64
	for _, e := range l.snapshot() {
		if e.kind == "wm" {
			wms = append(wms, e.v)
		}
	}
	return wms
}

// maxWatermark returns the highest watermark below MaxWatermark seen.
func (l *srcProbeLog) maxWatermark() int64 {
	m := int64(math.MinInt64)
	for _, wm := range l.watermarks() {
		if wm != event.MaxWatermark {
			m = max(m, wm)
		}
	}
	return m
}

// srcProbeOp records what reaches it and forwards everything.
type srcProbeOp[T any] struct {
	operator.Lifecycle
	log *srcProbeLog
	out operator.Output[T]
}

func (p *srcProbeOp[T]) ProcessElement(r operator.Record[T]) {
	p.log.add(srcProbeEvent{kind: "rec", v: r.Timestamp, rec: r.Value})
	p.out.Collect(r)
}

func (p *srcProbeOp[T]) ProcessWatermark(wm int64) {
	p.log.add(srcProbeEvent{kind: "wm", v: wm})
	p.out.EmitWatermark(wm)
}

func (p *srcProbeOp[T]) ProcessWatermarkStatus(idle bool) {
	k := "active"
	if idle {
		k = "idle"
	}
	p.log.add(srcProbeEvent{kind: k})
	p.out.EmitWatermarkStatus(idle)
}

// srcProbe adds a probe after s; its subtasks share one log.
func srcProbe[T any](s *DataStream[T]) (*DataStream[T], *srcProbeLog) {
	log := &srcProbeLog{}
	out := oneInput(s, "Probe", false, func(out operator.Output[T]) operator.OneInput[T] {
		return &srcProbeOp[T]{log: log, out: out}
	})
	return out, log
}

// srcWaitFor polls cond until it holds or the timeout passes.
func srcWaitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// srcCheckGoroutines fails if the number of goroutines does not return to
// at most before (with a short grace period for exiting goroutines).
func srcCheckGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines after the job, %d before:\n%s", n, before, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// srcFastWatermarks makes periodic watermarks frequent, so short jobs see
// several.
func srcFastWatermarks(t *testing.T, env *Env) {
	t.Helper()
	if err := env.Configure(map[string]string{"pipeline.auto-watermark-interval": "2ms"}); err != nil {
		t.Fatal(err)
	}
}

// srcSplit is a split of the test sources.
type srcSplit string

func (s srcSplit) SplitID() string { return string(s) }

// srcStepSource is a source whose reader emits, every step, one record on
// each of its splits: split id's k-th record has timestamp k·speed[id]. A
// split with a limit stops after that many records (without finishing); the
// source is bounded after steps steps (0: unbounded). assign lists the split
// ids of each subtask.
type srcStepSource struct {
	assign map[int][]string
	speed  map[string]int64
	limit  map[string]int
	steps  int
	every  time.Duration
}

type srcRec struct {
	Split string
	K     int
	TS    int64
}

func (s *srcStepSource) Boundedness() connector.Boundedness {
	if s.steps > 0 {
		return connector.Bounded
	}
	return connector.Unbounded
}

func (s *srcStepSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return &srcStepEnum{ctx: ctx, src: s}, nil
}

func (s *srcStepSource) CreateReader(connector.ReaderContext) (connector.Reader[srcRec], error) {
	return &srcStepReader{src: s, k: map[string]int{}}, nil
}

type srcStepEnum struct {
	ctx connector.EnumeratorContext
	src *srcStepSource
}

func (e *srcStepEnum) Start() error {
	for sub, ids := range e.src.assign {
		for _, id := range ids {
			e.ctx.Assign(sub, srcSplit(id))
		}
		if e.src.steps > 0 {
			e.ctx.SignalNoMoreSplits(sub)
		}
	}
	if e.src.steps > 0 {
		for sub := range e.ctx.Parallelism() {
			if _, ok := e.src.assign[sub]; !ok {
				e.ctx.SignalNoMoreSplits(sub)
			}
		}
	}
	return nil
}
func (e *srcStepEnum) AddReader(int)                        {}
func (e *srcStepEnum) HandleSplitRequest(int)               {}
func (e *srcStepEnum) AddSplitsBack([]connector.Split, int) {}
func (e *srcStepEnum) Close() error                         { return nil }

type srcStepReader struct {
	src    *srcStepSource
	splits []string
	k      map[string]int
	step   int
	noMore bool
	wait   chan struct{}
	timer  *time.Timer
}

func (r *srcStepReader) Start() error { return nil }
func (r *srcStepReader) AddSplits(s []connector.Split) {
	for _, sp := range s {
		r.splits = append(r.splits, sp.SplitID())
	}
}
func (r *srcStepReader) NotifyNoMoreSplits() { r.noMore = true }

func (r *srcStepReader) Poll(out connector.ReaderOutput[srcRec]) (connector.InputStatus, error) {
	if r.wait != nil {
		select {
		case <-r.wait:
			r.wait = nil
		default:
			return connector.NothingAvailable, nil
		}
	}
	if r.src.steps > 0 && (r.step >= r.src.steps || len(r.splits) == 0) {
		for _, id := range r.splits {
			out.ReleaseSplit(id)
		}
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	if len(r.splits) == 0 {
		return connector.NothingAvailable, nil
	}
	for _, id := range r.splits {
		k := r.k[id]
		if lim, ok := r.src.limit[id]; ok && k >= lim {
			continue
		}
		ts := int64(k) * r.src.speed[id]
		out.ForSplit(id).CollectWithTimestamp(srcRec{Split: id, K: k, TS: ts}, ts)
		r.k[id] = k + 1
	}
	r.step++
	ch := make(chan struct{})
	r.wait = ch
	r.timer = time.AfterFunc(r.src.every, func() { close(ch) })
	return connector.NothingAvailable, nil
}

func (r *srcStepReader) Available() <-chan struct{} { return r.wait }
func (r *srcStepReader) Close() error {
	if r.timer != nil {
		r.timer.Stop()
	}
	return nil
}

// srcCheckMinOverSplits checks, at every watermark below the maximum, that
// it is below the highest timestamp seen of every split listed (the
// watermark is the minimum over the splits' monotonous watermarks).
func srcCheckMinOverSplits(t *testing.T, events []srcProbeEvent, splits ...string) {
	t.Helper()
	maxTs := map[string]int64{}
	for _, id := range splits {
		maxTs[id] = math.MinInt64
	}
	for i, e := range events {
		switch e.kind {
		case "rec":
			r := e.rec.(srcRec)
			if _, ok := maxTs[r.Split]; ok {
				maxTs[r.Split] = max(maxTs[r.Split], r.TS)
			}
		case "wm":
			if e.v == event.MaxWatermark {
				continue
			}
			for id, m := range maxTs {
				if m == math.MinInt64 || e.v > m-1 {
					t.Fatalf("event %d: watermark %d is ahead of split %s (highest timestamp %d)", i, e.v, id, m)
				}
			}
		}
	}
}

// --- Per-split watermarks in the source -----------------------------------

func TestSourceWatermarkIsMinOverSplits(t *testing.T) {
	env := NewEnv().SetParallelism(1)
	srcFastWatermarks(t, env)
	src := &srcStepSource{
		assign: map[int][]string{0: {"fast", "slow"}},
		speed:  map[string]int64{"fast": 10, "slow": 1},
		steps:  150,
		every:  time.Millisecond,
	}
	s := FromSource[srcRec](env, src, eventtime.ForMonotonousTimestamps[srcRec](), "Steps")
	p, log := srcProbe(s)
	c := Collect(p)
	if _, err := env.Execute(context.Background(), "per-split watermarks"); err != nil {
		t.Fatal(err)
	}
	events := log.snapshot()
	srcCheckMinOverSplits(t, events, "fast", "slow")
	// The watermark made progress during the job (following the slow split,
	// not the fast one), and ended at the maximum.
	if m := log.maxWatermark(); m < 10 || m > 149 {
		t.Fatalf("highest watermark %d: want progress along the slow split (10..149)", m)
	}
	wms := log.watermarks()
	if wms[len(wms)-1] != event.MaxWatermark {
		t.Fatalf("last watermark %d, want MaxWatermark", wms[len(wms)-1])
	}
	if n := len(c.Values()); n != 300 {
		t.Fatalf("%d records, want 300", n)
	}
}

func TestSourceIdleSplitDoesNotHoldBackWatermark(t *testing.T) {
	run := func(t *testing.T, strategy eventtime.Strategy[srcRec]) (*srcProbeLog, func()) {
		env := NewEnv().SetParallelism(1)
		srcFastWatermarks(t, env)
		src := &srcStepSource{
			assign: map[int][]string{0: {"live", "quiet"}},
			speed:  map[string]int64{"live": 10, "quiet": 1},
			limit:  map[string]int{"quiet": 5},
			every:  time.Millisecond,
		}
		p, log := srcProbe(FromSource[srcRec](env, src, strategy, "Steps"))
		p.SinkTo(&srcCountSink[srcRec]{}, "Count")
		job, err := env.ExecuteAsync(context.Background(), "idleness")
		if err != nil {
			t.Fatal(err)
		}
		return log, func() {
			job.Cancel()
			if _, err := job.Wait(); err == nil || !strings.Contains(err.Error(), "canceled") {
				t.Fatalf("cancelled job ended with %v", err)
			}
		}
	}
	t.Run("with idleness", func(t *testing.T) {
		log, stop := run(t, eventtime.ForMonotonousTimestamps[srcRec]().WithIdleness(30*time.Millisecond))
		defer stop()
		// The quiet split's highest timestamp is 4; the live one goes on.
		srcWaitFor(t, 10*time.Second, "the watermark to pass the quiet split", func() bool { return log.maxWatermark() >= 500 })
	})
	t.Run("without idleness", func(t *testing.T) {
		log, stop := run(t, eventtime.ForMonotonousTimestamps[srcRec]())
		defer stop()
		srcWaitFor(t, 10*time.Second, "a watermark", func() bool { return len(log.watermarks()) > 0 })
		time.Sleep(150 * time.Millisecond)
		if m := log.maxWatermark(); m > 3 {
			t.Fatalf("watermark %d passed the quiet split (highest timestamp 4) though it is not idle", m)
		}
	})
}

// A subtask that has no split (more subtasks than splits, and the
// enumerator never signals the end of splits) must not hold the watermark
// of the operators after it back forever.
func TestSourceSubtaskWithoutSplitsDoesNotHoldBackWatermark(t *testing.T) {
	before := runtime.NumGoroutine()
	env := NewEnv().SetParallelism(2)
	srcFastWatermarks(t, env)
	src := &srcStepSource{
		assign: map[int][]string{0: {"only"}},
		speed:  map[string]int64{"only": 1},
		every:  time.Millisecond,
	}
	s := FromSource[srcRec](env, src, eventtime.ForMonotonousTimestamps[srcRec](), "Steps")
	// One consumer over both subtasks: its watermark is the minimum over
	// its active channels.
	p, log := srcProbe(s.Rebalance())
	p.SetParallelism(1)
	p.SinkTo(&srcCountSink[srcRec]{}, "Count")
	job, err := env.ExecuteAsync(context.Background(), "no splits")
	if err != nil {
		t.Fatal(err)
	}
	srcWaitFor(t, 10*time.Second, "the watermark to advance", func() bool { return log.maxWatermark() >= 20 })
	job.Cancel()
	if _, err := job.Wait(); err == nil {
		t.Fatal("cancelled job ended without error")
	}
	srcCheckGoroutines(t, before)
}

// srcCountSink counts what it gets, concurrently readable.
type srcCountSink[T any] struct {
	mu sync.Mutex
	n  int64
}

func (c *srcCountSink[T]) count() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *srcCountSink[T]) CreateWriter(connector.SinkContext) (connector.SinkWriter[T], error) {
	return &srcCountWriter[T]{sink: c}, nil
}

type srcCountWriter[T any] struct{ sink *srcCountSink[T] }

func (w *srcCountWriter[T]) Write(T, int64) error {
	w.sink.mu.Lock()
	w.sink.n++
	w.sink.mu.Unlock()
	return nil
}
func (w *srcCountWriter[T]) Flush(bool) error { return nil }
func (w *srcCountWriter[T]) Close() error     { return nil }

// --- AssignTimestampsAndWatermarks ----------------------------------------

// srcManualTimers is an operator.ProcessingTimers driven by hand.
type srcManualTimers struct {
	pending []srcTimer
}

type srcTimer struct {
	at        int64
	fn        func(int64)
	cancelled *bool
}

func (m *srcManualTimers) At(ts int64, fn func(int64)) func() {
	c := new(bool)
	m.pending = append(m.pending, srcTimer{at: ts, fn: fn, cancelled: c})
	return func() { *c = true }
}

// advance fires every callback due at now.
func (m *srcManualTimers) advance(now int64) {
	for {
		i := slices.IndexFunc(m.pending, func(t srcTimer) bool { return t.at <= now })
		if i < 0 {
			return
		}
		tm := m.pending[i]
		m.pending = slices.Delete(m.pending, i, i+1)
		if !*tm.cancelled {
			tm.fn(now)
		}
	}
}

type srcManualClock struct{ now int64 }

func (c *srcManualClock) NowMillis() int64 { return c.now }

// srcOutLog is an operator.Output that logs as text.
type srcOutLog[T any] struct{ log []string }

func (o *srcOutLog[T]) Collect(r operator.Record[T]) {
	o.log = append(o.log, fmt.Sprintf("%v@%d", r.Value, r.Timestamp))
}
func (o *srcOutLog[T]) EmitWatermark(wm int64) {
	if wm == event.MaxWatermark {
		o.log = append(o.log, "wm max")
		return
	}
	o.log = append(o.log, fmt.Sprintf("wm %d", wm))
}
func (o *srcOutLog[T]) EmitWatermarkStatus(idle bool) {
	if idle {
		o.log = append(o.log, "idle")
	} else {
		o.log = append(o.log, "active")
	}
}
func (o *srcOutLog[T]) take() []string { l := o.log; o.log = nil; return l }

func srcExpect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func newSrcAssigner(t *testing.T, strategy eventtime.Strategy[int]) (*timestampsAndWatermarksOp[int], *srcOutLog[int], *srcManualClock, *srcManualTimers) {
	t.Helper()
	if err := strategy.Err(); err != nil {
		t.Fatal(err)
	}
	out := &srcOutLog[int]{}
	clock := &srcManualClock{now: 10_000}
	timers := &srcManualTimers{}
	op := newTimestampsAndWatermarksOp(strategy, 200*time.Millisecond, operator.Output[int](out))
	if err := op.Open(&operator.Context{OperatorName: "Timestamps/Watermarks", Parallelism: 1, Clock: clock, Timers: timers}); err != nil {
		t.Fatal(err)
	}
	return op, out, clock, timers
}

func srcTick(clock *srcManualClock, timers *srcManualTimers, d int64) {
	clock.now += d
	timers.advance(clock.now)
}

func srcValueTs(v int, _ int64) int64 { return int64(v) }

func TestAssignBoundedOutOfOrdernessFormula(t *testing.T) {
	s := eventtime.ForBoundedOutOfOrderness[int](5 * time.Millisecond).WithTimestampAssigner(srcValueTs)
	op, out, clock, timers := newSrcAssigner(t, s)
	for _, v := range []int{100, 90, 120, 110} {
		op.ProcessElement(operator.Record[int]{Value: v, Timestamp: event.NoTimestamp})
	}
	srcExpect(t, out.take(), "100@100", "90@90", "120@120", "110@110")
	// Nothing before the interval passed.
	srcTick(clock, timers, 199)
	srcExpect(t, out.take())
	srcTick(clock, timers, 1)
	srcExpect(t, out.take(), "wm 114") // maxTs - delay - 1
	// Periodic, and only when it advances.
	srcTick(clock, timers, 200)
	srcExpect(t, out.take())
	op.ProcessElement(operator.Record[int]{Value: 300, Timestamp: event.NoTimestamp})
	srcTick(clock, timers, 200)
	srcExpect(t, out.take(), "300@300", "wm 294")
}

func TestAssignMonotonousFormulaAndUpstreamWatermarks(t *testing.T) {
	// The assigner sees the record's previous timestamp.
	s := eventtime.ForMonotonousTimestamps[int]().WithTimestampAssigner(func(v int, prev int64) int64 { return prev + int64(v) })
	op, out, clock, timers := newSrcAssigner(t, s)
	op.ProcessElement(operator.Record[int]{Value: 1, Timestamp: 1000})
	op.ProcessElement(operator.Record[int]{Value: 2, Timestamp: 2000})
	// Upstream watermarks and statuses are dropped.
	op.ProcessWatermark(5000)
	op.ProcessWatermarkStatus(true)
	srcTick(clock, timers, 200)
	srcExpect(t, out.take(), "1@1001", "2@2002", "wm 2001") // maxTs - 1
	// The end of event time is forwarded, once, and ends periodic emission.
	op.ProcessWatermark(event.MaxWatermark)
	op.ProcessWatermark(event.MaxWatermark)
	op.ProcessElement(operator.Record[int]{Value: 1, Timestamp: 9000})
	srcTick(clock, timers, 200)
	if err := op.Finish(); err != nil {
		t.Fatal(err)
	}
	srcExpect(t, out.take(), "wm max", "1@9001")
	if err := op.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestAssignIdleness(t *testing.T) {
	s := eventtime.ForMonotonousTimestamps[int]().WithTimestampAssigner(srcValueTs).WithIdleness(500 * time.Millisecond)
	op, out, clock, timers := newSrcAssigner(t, s)
	op.ProcessElement(operator.Record[int]{Value: 10, Timestamp: event.NoTimestamp})
	srcTick(clock, timers, 200)
	srcExpect(t, out.take(), "10@10", "wm 9")
	for range 3 {
		srcTick(clock, timers, 200)
	}
	srcExpect(t, out.take(), "idle")
	srcTick(clock, timers, 200)
	srcExpect(t, out.take())
	// A record turns the output active before it is emitted.
	op.ProcessElement(operator.Record[int]{Value: 20, Timestamp: event.NoTimestamp})
	srcTick(clock, timers, 200)
	srcExpect(t, out.take(), "active", "20@20", "wm 19")
	// The end of event time is forwarded also when idle, after turning
	// active (a watermark on an idle channel is ignored).
	for range 4 {
		srcTick(clock, timers, 200)
	}
	srcExpect(t, out.take(), "idle")
	op.ProcessWatermark(event.MaxWatermark)
	srcExpect(t, out.take(), "active", "wm max")
}

func TestAssignTimestampsAndWatermarksJob(t *testing.T) {
	env := NewEnv().SetParallelism(4)
	type ev struct {
		ID int
		TS int64
	}
	var evs []ev
	for i := range 1000 {
		evs = append(evs, ev{ID: i, TS: int64(i * 3)})
	}
	src := FromSlice(env, evs)
	a := AssignTimestampsAndWatermarks(src, eventtime.ForBoundedOutOfOrderness[ev](time.Second).
		WithTimestampAssigner(func(e ev, _ int64) int64 { return e.TS }))
	if a.node.Parallelism != 1 {
		t.Fatalf("assigner parallelism %d, want the input's (1)", a.node.Parallelism)
	}
	p, log := srcProbe(a)
	c := Collect(p)
	if _, err := env.Execute(context.Background(), "assign"); err != nil {
		t.Fatal(err)
	}
	recs := c.Records()
	if len(recs) != len(evs) {
		t.Fatalf("%d records, want %d", len(recs), len(evs))
	}
	for _, r := range recs {
		if r.Timestamp != r.Value.TS {
			t.Fatalf("record %+v has timestamp %d", r.Value, r.Timestamp)
		}
	}
	wms := log.watermarks()
	if len(wms) == 0 || wms[len(wms)-1] != event.MaxWatermark {
		t.Fatalf("watermarks %v: want the bounded input to end with MaxWatermark", wms)
	}
}

// A generator's per-split watermarks are replaced by the assigner's: an
// assigner without watermarks lets only the end of event time through.
func TestAssignDropsUpstreamWatermarks(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	srcFastWatermarks(t, env)
	g := FromGenerator(env, 4000, func(i int64) int64 { return i },
		WithWatermarks(eventtime.ForMonotonousTimestamps[int64]().WithTimestampAssigner(func(v int64, _ int64) int64 { return v })),
		WithRate(20_000))
	a := AssignTimestampsAndWatermarks(g, eventtime.NoWatermarks[int64]().
		WithTimestampAssigner(func(v int64, _ int64) int64 { return 2 * v }))
	p, log := srcProbe(a)
	c := Collect(p)
	if _, err := env.Execute(context.Background(), "drop upstream"); err != nil {
		t.Fatal(err)
	}
	if wms := log.watermarks(); !slices.Equal(wms, []int64{event.MaxWatermark, event.MaxWatermark}) {
		t.Fatalf("watermarks %v, want only MaxWatermark from each subtask", wms)
	}
	for _, r := range c.Records() {
		if r.Timestamp != 2*r.Value {
			t.Fatalf("value %d has timestamp %d", r.Value, r.Timestamp)
		}
	}
	// Sanity check: the generator did emit watermarks upstream.
	env2 := NewEnv().SetParallelism(2)
	srcFastWatermarks(t, env2)
	_, log2 := srcProbe(FromGenerator(env2, 4000, func(i int64) int64 { return i },
		WithWatermarks(eventtime.ForMonotonousTimestamps[int64]().WithTimestampAssigner(func(v int64, _ int64) int64 { return v })),
		WithRate(20_000)))
	if _, err := env2.Execute(context.Background(), "upstream"); err != nil {
		t.Fatal(err)
	}
	if n := len(log2.watermarks()); n <= 2 {
		t.Fatalf("the generator emitted %d watermarks, want periodic ones too", n)
	}
}

func TestSourceWatermarkBadArguments(t *testing.T) {
	cases := []struct {
		name  string
		build func(env *Env)
		want  string
	}{
		{"negative out-of-orderness on a source", func(env *Env) {
			Collect(FromGenerator(env, 10, func(i int64) int64 { return i },
				WithWatermarks(eventtime.ForBoundedOutOfOrderness[int64](-time.Second))))
		}, "out-of-orderness"},
		{"negative out-of-orderness on the assigner", func(env *Env) {
			Collect(AssignTimestampsAndWatermarks(FromSlice(env, []int{1}), eventtime.ForBoundedOutOfOrderness[int](-time.Millisecond)))
		}, "out-of-orderness"},
		{"zero idleness", func(env *Env) {
			Collect(AssignTimestampsAndWatermarks(FromSlice(env, []int{1}), eventtime.ForMonotonousTimestamps[int]().WithIdleness(0)))
		}, "idle timeout"},
		{"zero idleness on FromSource", func(env *Env) {
			Collect(FromSource[srcRec](env, &srcStepSource{steps: 1}, eventtime.ForMonotonousTimestamps[srcRec]().WithIdleness(0), "Steps"))
		}, "idle timeout"},
		{"nil generator function", func(env *Env) {
			Collect(FromGenerator[int](env, 10, nil))
		}, "nil"},
		{"zero rate", func(env *Env) {
			Collect(FromGenerator(env, 10, func(i int64) int64 { return i }, WithRate(0)))
		}, "rate"},
		{"negative rate", func(env *Env) {
			Collect(FromGenerator(env, 10, func(i int64) int64 { return i }, WithRate(-5)))
		}, "rate"},
		{"NaN rate", func(env *Env) {
			Collect(FromGenerator(env, 10, func(i int64) int64 { return i }, WithRate(math.NaN())))
		}, "rate"},
		{"zero splits", func(env *Env) {
			Collect(FromGenerator(env, 10, func(i int64) int64 { return i }, WithSplits(0)))
		}, "splits"},
		{"strategy of another type", func(env *Env) {
			Collect(FromGenerator(env, 10, func(i int64) int64 { return i }, WithWatermarks(eventtime.ForMonotonousTimestamps[string]())))
		}, "generated type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := NewEnv()
			tc.build(env)
			_, err := env.Execute(context.Background(), "bad")
			if err == nil {
				t.Fatal("Execute succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}
