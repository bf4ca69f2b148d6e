package datastream

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// cxSource is a bounded one-subtask source of elems, in order, with event
// timestamps ts(v). With delay >= 0 it emits, before each element, the
// watermark maxTimestamp - delay - 1 (a punctuated bounded-out-of-orderness
// generator, deterministic unlike periodic emission); with delay < 0 only
// the final watermark.
func cxSource[T any](env *Env, name string, elems []T, ts func(T) int64, delay int64) *DataStream[T] {
	strategy := eventtime.NoWatermarks[T]()
	if delay >= 0 {
		strategy = eventtime.ForGenerator(func() eventtime.Generator[T] { return &cxPunctuated[T]{delay: delay, max: event.MinWatermark} })
	}
	strategy = strategy.WithTimestampAssigner(func(v T, _ int64) int64 { return ts(v) })
	return FromSource[T](env, &seqSource[T]{seq: slices.Values(elems)}, strategy, name).SetParallelism(1)
}

type cxPunctuated[T any] struct {
	delay, max int64
}

func (g *cxPunctuated[T]) OnEvent(_ T, ts int64, out eventtime.Output) {
	if ts > g.max {
		g.max = ts
		out.EmitWatermark(ts - g.delay - 1)
	}
}

func (g *cxPunctuated[T]) OnPeriodicEmit(eventtime.Output) {}

func cxRun(t *testing.T, env *Env) {
	t.Helper()
	if _, err := env.Execute(context.Background(), t.Name()); err != nil {
		t.Fatal(err)
	}
}

// cxFails executes env and checks that it fails with an error containing
// every one of wants.
func cxFails(t *testing.T, env *Env, wants ...string) {
	t.Helper()
	_, err := env.Execute(context.Background(), t.Name())
	if err == nil {
		t.Fatalf("job succeeded, want an error containing %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("error %q does not contain %q", err, w)
		}
	}
}

func cxSorted[T any](vs []T) []T {
	out := slices.Clone(vs)
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

func cxCheck[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %v\n want %v", what, got, want)
	}
}

func cxNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCoMap(t *testing.T) {
	env := NewEnv().SetParallelism(3)
	nums := FromSlice(env, []int{1, 2, 3})
	words := FromSlice(env, []string{"a", "b"})
	out := Collect(CoMap(Connect(nums, words),
		func(n int) string { return fmt.Sprint("n", n) },
		func(w string) string { return "w" + w }))
	cxRun(t, env)
	cxCheck(t, "CoMap", cxSorted(out.Values()), []string{"n1", "n2", "n3", "wa", "wb"})
}

func TestCoFlatMap(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	nums := FromSlice(env, []int{1, 2, 3})
	words := FromSlice(env, []string{"x y", "z"})
	out := Collect(CoFlatMap(Connect(nums.Rebalance(), words),
		func(n int, c Collector[string]) {
			for range n {
				c.Collect(fmt.Sprint(n))
			}
		},
		func(s string, c Collector[string]) {
			for _, w := range strings.Fields(s) {
				c.Collect(w)
			}
		}))
	cxRun(t, env)
	cxCheck(t, "CoFlatMap", cxSorted(out.Values()), []string{"1", "2", "2", "3", "3", "3", "x", "y", "z"})
}

type cxEvent struct {
	ID int
	Ts int64
}

func cxTs(e cxEvent) int64 { return e.Ts }

func TestCoProcessTimestampsAndSideOutputs(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	a := cxSource(env, "a", []cxEvent{{1, 10}, {2, 20}}, cxTs, 0)
	b := cxSource(env, "b", []cxEvent{{3, 15}, {4, 25}}, cxTs, 0)
	fromB := NewOutputTag[string]("from-b")
	processed := CoProcess(Connect(a, b), CoProcessFuncs[cxEvent, cxEvent, string]{
		Element1: func(e cxEvent, ctx *ProcessContext, out Collector[string]) error {
			ts, ok := ctx.Timestamp()
			if !ok || ts != e.Ts {
				return fmt.Errorf("timestamp of %v: %d %v", e, ts, ok)
			}
			out.Collect(fmt.Sprint("a", e.ID))
			return nil
		},
		Element2: func(e cxEvent, ctx *ProcessContext, out Collector[string]) error {
			if wm := ctx.CurrentWatermark(); wm >= e.Ts {
				return fmt.Errorf("element %v is behind the watermark %d", e, wm)
			}
			Output(ctx, fromB, fmt.Sprint("b", e.ID))
			return nil
		},
	})
	main := Collect(processed)
	side := Collect(SideOutput(processed, fromB))
	cxRun(t, env)
	cxCheck(t, "main", cxSorted(main.Records()), []Timestamped[string]{{"a1", 10}, {"a2", 20}})
	cxCheck(t, "side", cxSorted(side.Records()), []Timestamped[string]{{"b3", 15}, {"b4", 25}})
}

func TestCoProcessErrorFailsJob(t *testing.T) {
	env := NewEnv()
	CoProcess(Connect(FromSlice(env, []int{1}), FromSlice(env, []int{2})), CoProcessFuncs[int, int, int]{
		Element1: func(int, *ProcessContext, Collector[int]) error { return fmt.Errorf("boom in input 1") },
		Element2: func(int, *ProcessContext, Collector[int]) error { return nil },
	}).Print()
	cxFails(t, env, "boom in input 1")
}

// wmRecorder is a co-process function that records the watermark it sees
// with every element.
type wmRecorder struct{ seen []int64 }

func (w *wmRecorder) ProcessElement1(v int, ctx *ProcessContext, out Collector[int]) error {
	w.seen = append(w.seen, ctx.CurrentWatermark())
	return nil
}

func (w *wmRecorder) ProcessElement2(v int, ctx *ProcessContext, out Collector[int]) error {
	w.seen = append(w.seen, ctx.CurrentWatermark())
	return nil
}

func TestTwoInputWatermarkIsMinOfInputs(t *testing.T) {
	rec := &wmRecorder{}
	h := testenv.NewTwoInput(func(out operator.Output[int]) operator.TwoInput[int, int] {
		return newCoProcessOp[int, int, int](rec, out)
	})
	cxNoErr(t, h.Open())
	defer h.Close()
	steps := []func() error{
		func() error { return h.ProcessWatermark1(10) }, // input 2 holds it back
		func() error { return h.ProcessElement1(0, 11) },
		func() error { return h.ProcessWatermark2(5) }, // min(10, 5)
		func() error { return h.ProcessElement2(0, 6) },
		func() error { return h.ProcessWatermark2(20) },          // min(10, 20)
		func() error { return h.ProcessWatermark1(30) },          // min(30, 20)
		func() error { return h.ProcessWatermark1(25) },          // a watermark never goes back
		func() error { return h.ProcessWatermarkStatus2(true) },  // input 1 alone: 30
		func() error { return h.ProcessWatermark2(40) },          // ignored while idle
		func() error { return h.ProcessWatermarkStatus1(true) },  // both idle: the operator is idle
		func() error { return h.ProcessWatermarkStatus1(false) }, // active again, still 30
		func() error { return h.ProcessElement1(0, 31) },
		func() error { return h.ProcessWatermark1(50) }, // input 2 is idle: 50
	}
	for i, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	cxNoErr(t, h.EndInput())
	cxCheck(t, "output", h.Output(), []testenv.Event[int]{
		testenv.WatermarkEvent[int](5),
		testenv.WatermarkEvent[int](10),
		testenv.WatermarkEvent[int](20),
		testenv.WatermarkEvent[int](30),
		testenv.StatusEvent[int](true),
		testenv.StatusEvent[int](false),
		testenv.WatermarkEvent[int](50),
		testenv.WatermarkEvent[int](event.MaxWatermark),
	})
	cxCheck(t, "watermarks seen by the function", rec.seen, []int64{event.MinWatermark, 5, 30})
}

// pending is the state of the order/payment join.
type cxOrder struct {
	ID int
	Ts int64
}

type cxPayment struct {
	Order int
	Ts    int64
}

// orderJoin joins orders and payments by order id; an order or payment
// whose partner does not arrive within 100 ms of event time goes to the
// "unmatched" side output when its timer fires.
type orderJoin struct {
	order   state.ValueState[cxOrder]
	payment state.ValueState[cxPayment]
}

var unmatchedTag = NewOutputTag[string]("unmatched")

func (j *orderJoin) Open(rc *RuntimeContext) error {
	var err error
	if j.order, err = GetValueState(rc, state.Value[cxOrder]("order")); err != nil {
		return err
	}
	j.payment, err = GetValueState(rc, state.Value[cxPayment]("payment"))
	return err
}

func (j *orderJoin) ProcessElement1(o cxOrder, ctx *KeyedContext[int], out Collector[string]) error {
	if ctx.CurrentKey() != o.ID {
		return fmt.Errorf("current key %d, order %d", ctx.CurrentKey(), o.ID)
	}
	if p, ok := j.payment.Value(); ok {
		j.payment.Clear()
		ctx.TimerService().DeleteEventTimeTimer(p.Ts + 100)
		out.Collect(fmt.Sprintf("order %d paid", o.ID))
		return nil
	}
	j.order.Update(o)
	ctx.TimerService().RegisterEventTimeTimer(o.Ts + 100)
	return nil
}

func (j *orderJoin) ProcessElement2(p cxPayment, ctx *KeyedContext[int], out Collector[string]) error {
	if o, ok := j.order.Value(); ok {
		j.order.Clear()
		ctx.TimerService().DeleteEventTimeTimer(o.Ts + 100)
		out.Collect(fmt.Sprintf("order %d paid", p.Order))
		return nil
	}
	j.payment.Update(p)
	ctx.TimerService().RegisterEventTimeTimer(p.Ts + 100)
	return nil
}

func (j *orderJoin) OnTimer(ts int64, ctx *TimerContext[int], out Collector[string]) error {
	if ctx.TimeDomain() != EventTime {
		return fmt.Errorf("unexpected processing-time timer")
	}
	if wm := ctx.CurrentWatermark(); wm < ts {
		return fmt.Errorf("timer %d fired at watermark %d", ts, wm)
	}
	if o, ok := j.order.Value(); ok {
		j.order.Clear()
		Output(ctx, unmatchedTag, fmt.Sprintf("order %d unpaid", o.ID))
	}
	if p, ok := j.payment.Value(); ok {
		j.payment.Clear()
		Output(ctx, unmatchedTag, fmt.Sprintf("payment for %d without order", p.Order))
	}
	return nil
}

func TestKeyedCoProcessJoinWithTimeout(t *testing.T) {
	env := NewEnv().SetParallelism(3)
	var orders []cxOrder
	var payments []cxPayment
	var wantMain, wantSide []string
	for id := range 60 {
		ts := int64(id * 10)
		orders = append(orders, cxOrder{id, ts})
		if id%3 == 0 { // paid in time
			payments = append(payments, cxPayment{id, ts + 50})
			wantMain = append(wantMain, fmt.Sprintf("order %d paid", id))
		} else { // never paid
			wantSide = append(wantSide, fmt.Sprintf("order %d unpaid", id))
		}
	}
	// Payments of unknown orders.
	payments = append(payments, cxPayment{1000, 5}, cxPayment{1001, 700})
	wantSide = append(wantSide, "payment for 1000 without order", "payment for 1001 without order")
	slices.SortFunc(payments, func(a, b cxPayment) int { return int(a.Ts - b.Ts) })

	o := KeyBy(cxSource(env, "orders", orders, func(o cxOrder) int64 { return o.Ts }, 0), func(o cxOrder) int { return o.ID })
	p := KeyBy(cxSource(env, "payments", payments, func(p cxPayment) int64 { return p.Ts }, 0), func(p cxPayment) int { return p.Order })
	joined := KeyedCoProcess(ConnectKeyed(o, p), KeyedCoProcessFunction[int, cxOrder, cxPayment, string](&orderJoin{}))
	main := Collect(joined)
	side := Collect(SideOutput(joined, unmatchedTag))
	cxRun(t, env)
	cxCheck(t, "matched", cxSorted(main.Values()), cxSorted(wantMain))
	cxCheck(t, "unmatched", cxSorted(side.Values()), cxSorted(wantSide))
	// Timer output carries the timer's timestamp.
	for _, r := range side.Records() {
		var id int
		if _, err := fmt.Sscanf(r.Value, "order %d unpaid", &id); err == nil && r.Timestamp != int64(id*10+100) {
			t.Errorf("%q has timestamp %d, want %d", r.Value, r.Timestamp, id*10+100)
		}
	}
}

// TestKeyedCoProcessTimerWaitsForBothInputs checks in a running job that an
// event-time timer fires only once both inputs' watermarks passed it.
func TestKeyedCoProcessTimerWaitsForBothInputs(t *testing.T) {
	for range 5 {
		env := NewEnv().SetParallelism(1)
		a := KeyBy(cxSource(env, "a", []cxEvent{{0, 5}, {0, 10}, {0, 20}, {0, 30}, {0, 40}, {0, 60}}, cxTs, 0), func(cxEvent) int { return 0 })
		b := KeyBy(cxSource(env, "b", []cxEvent{{0, 45}, {0, 100}, {0, 150}, {0, 200}}, cxTs, 0), func(cxEvent) int { return 0 })
		var seenA, seenB int
		out := Collect(KeyedCoProcess(ConnectKeyed(a, b), KeyedCoProcessFuncs[int, cxEvent, cxEvent, string]{
			Element1: func(e cxEvent, ctx *KeyedContext[int], out Collector[string]) error {
				seenA++
				ctx.TimerService().RegisterEventTimeTimer(50)
				return nil
			},
			Element2: func(e cxEvent, ctx *KeyedContext[int], out Collector[string]) error {
				seenB++
				return nil
			},
			Timer: func(ts int64, ctx *TimerContext[int], out Collector[string]) error {
				out.Collect(fmt.Sprintf("timer %d: a %d b %d", ts, seenA, seenB))
				return nil
			},
		}))
		cxRun(t, env)
		got := out.Values()
		if len(got) != 1 {
			t.Fatalf("timer output %v", got)
		}
		var ts int64
		var na, nb int
		fmt.Sscanf(got[0], "timer %d: a %d b %d", &ts, &na, &nb)
		// Input a reaches watermark 50 only with its element at 60 (after
		// the one at 40), input b only with its element at 100 (after 45).
		if ts != 50 || na < 5 || nb < 1 {
			t.Fatalf("timer fired too early: %s", got[0])
		}
	}
}

func TestKeyedCoProcessProcessingTimeTimers(t *testing.T) {
	h := testenv.NewTwoInput(func(out operator.Output[string]) operator.TwoInput[string, int] {
		return newKeyedCoProcessOp[string, int, string, string](KeyedCoProcessFuncs[string, string, int, string]{
			Element1: func(v string, ctx *KeyedContext[string], out Collector[string]) error {
				ctx.TimerService().RegisterProcessingTimeTimer(ctx.TimerService().CurrentProcessingTime() + 10)
				return nil
			},
			Element2: func(v int, ctx *KeyedContext[string], out Collector[string]) error { return nil },
			Timer: func(ts int64, ctx *TimerContext[string], out Collector[string]) error {
				out.Collect(fmt.Sprintf("%s@%d:%v", ctx.CurrentKey(), ts, ctx.TimeDomain() == ProcessingTime))
				return nil
			},
		}, func(s string) string { return s }, func(i int) string { return fmt.Sprint(i) }, serde.MustFor[string](), out)
	}, testenv.Keyed(), testenv.WithProcessingTime(100))
	cxNoErr(t, h.Open())
	defer h.Close()
	cxNoErr(t, h.ProcessElement1("k", 1))
	cxNoErr(t, h.SetProcessingTime(105))
	cxCheck(t, "before", len(h.Records()), 0)
	cxNoErr(t, h.SetProcessingTime(110))
	cxCheck(t, "after", h.Records(), []operator.Record[string]{{Value: "k@110:true", Timestamp: event.NoTimestamp}})
}

func TestConnectErrors(t *testing.T) {
	t.Run("nil functions", func(t *testing.T) {
		env := NewEnv()
		cs := Connect(FromSlice(env, []int{1}), FromSlice(env, []int{2}))
		CoMap[int, int, int](cs, nil, func(int) int { return 0 }).Print()
		CoFlatMap[int, int, int](cs, func(int, Collector[int]) {}, nil).Print()
		CoProcess[int, int, int](cs, nil).Print()
		CoProcess(cs, CoProcessFuncs[int, int, int]{}).Print()
		KeyedCoProcess[int, int, int, int](KeyByConnected(cs, func(v int) int { return v }, func(v int) int { return v }), nil).Print()
		cxFails(t, env, "CoMap: the function of the first input is nil", "CoFlatMap: the function of the second input is nil",
			"CoProcess: function is nil", "CoProcess: the function of the first input is nil", "KeyedCoProcess: function is nil")
	})
	t.Run("different environments", func(t *testing.T) {
		env1, env2 := NewEnv(), NewEnv()
		CoMap(Connect(FromSlice(env1, []int{1}), FromSlice(env2, []int{2})), func(v int) int { return v }, func(v int) int { return v }).Print()
		cxFails(t, env1, "Connect: the streams belong to different environments")
	})
	t.Run("nil stream", func(t *testing.T) {
		env := NewEnv()
		CoMap(Connect[int, int](FromSlice(env, []int{1}), nil), func(v int) int { return v }, func(v int) int { return v }).Print()
		cxFails(t, env, "Connect: the second stream is nil")
	})
	t.Run("different key codecs", func(t *testing.T) {
		env := NewEnv()
		a := KeyBy(FromSlice(env, []string{"a"}), func(s string) string { return s })
		b := KeyByCodec(FromSlice(env, []string{"b"}), func(s string) string { return s }, reverseCodec{})
		KeyedCoProcess(ConnectKeyed(a, b), KeyedCoProcessFuncs[string, string, string, string]{
			Element1: func(string, *KeyedContext[string], Collector[string]) error { return nil },
			Element2: func(string, *KeyedContext[string], Collector[string]) error { return nil },
		}).Print()
		cxFails(t, env, "ConnectKeyed: the inputs are keyed with different key codecs")
	})
}

// reverseCodec is a string codec other than the default one.
type reverseCodec struct{}

func (reverseCodec) Append(dst []byte, s string) []byte {
	for i := len(s) - 1; i >= 0; i-- {
		dst = append(dst, s[i])
	}
	return append(dst, 0)
}

func (reverseCodec) Decode(src []byte) (string, int, error) {
	i := slices.Index(src, 0)
	b := slices.Clone(src[:i])
	slices.Reverse(b)
	return string(b), i + 1, nil
}

// cxCollector gathers values from several goroutines (subtasks).
type cxCollector[T any] struct {
	mu sync.Mutex
	vs []T
}

func (c *cxCollector[T]) add(v T) {
	c.mu.Lock()
	c.vs = append(c.vs, v)
	c.mu.Unlock()
}

func (c *cxCollector[T]) values() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.vs)
}
