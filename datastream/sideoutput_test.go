package datastream

import (
	"fmt"
	"testing"

	"github.com/eddy-streams/eddy/state"
)

func TestSideOutputOfProcess(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	odd := NewOutputTag[int]("odd")
	big := NewOutputTag[string]("big")
	nums := make([]int, 20)
	for i := range nums {
		nums[i] = i
	}
	evens := Process(FromSlice(env, nums).Rebalance(), ProcessFunc[int, int](func(v int, ctx *ProcessContext, out Collector[int]) error {
		if v%2 == 0 {
			out.Collect(v)
		} else {
			Output(ctx, odd, v)
		}
		if v >= 18 {
			Output(ctx, big, fmt.Sprint("big ", v))
		}
		return nil
	}))
	mainOut := Collect(evens)
	oddOut := Collect(SideOutput(evens, odd))
	// A consumer of another parallelism: the side-output edge is rebalanced.
	bigOut := Collect(Map(SideOutput(evens, big), func(s string) string { return s + "!" }).SetParallelism(1))
	// The same tag twice: both consumers get every value.
	oddAgain := Collect(SideOutput(evens, odd))
	cxRun(t, env)
	cxCheck(t, "main", cxSorted(mainOut.Values()), cxSorted([]int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}))
	cxCheck(t, "odd", cxSorted(oddOut.Values()), cxSorted([]int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19}))
	cxCheck(t, "odd again", cxSorted(oddAgain.Values()), cxSorted(oddOut.Values()))
	cxCheck(t, "big", cxSorted(bigOut.Values()), []string{"big 18!", "big 19!"})
}

// lateCounter counts per key, sends every element with a timestamp
// divisible by 10 to a side output, and reports the count at a timer
// through another side output.
type lateCounter struct {
	count state.ValueState[int]
}

var (
	tensTag  = NewOutputTag[cxEvent]("tens")
	countTag = NewOutputTag[string]("count")
)

func (c *lateCounter) Open(rc *RuntimeContext) error {
	var err error
	c.count, err = GetValueState(rc, state.Value[int]("count"))
	return err
}

func (c *lateCounter) ProcessElement(e cxEvent, ctx *KeyedContext[int], out Collector[int]) error {
	n, _ := c.count.Value()
	c.count.Update(n + 1)
	if e.Ts%10 == 0 {
		Output(ctx, tensTag, e)
	}
	out.Collect(e.ID)
	ctx.TimerService().RegisterEventTimeTimer(1000)
	return nil
}

func (c *lateCounter) OnTimer(ts int64, ctx *TimerContext[int], out Collector[int]) error {
	n, _ := c.count.Value()
	Output(ctx, countTag, fmt.Sprintf("key %d: %d", ctx.CurrentKey(), n))
	return nil
}

func TestSideOutputOfKeyedProcess(t *testing.T) {
	env := NewEnv().SetParallelism(3)
	var events []cxEvent
	for i := range 30 {
		events = append(events, cxEvent{ID: i % 4, Ts: int64(i * 5)})
	}
	keyed := KeyBy(cxSource(env, "events", events, cxTs, 0), func(e cxEvent) int { return e.ID })
	processed := KeyedProcess(keyed, KeyedProcessFunction[int, cxEvent, int](&lateCounter{}))
	mainOut := Collect(processed)
	tens := Collect(SideOutput(processed, tensTag))
	counts := Collect(SideOutput(processed, countTag))
	cxRun(t, env)
	if n := len(mainOut.Values()); n != 30 {
		t.Fatalf("main output has %d elements, want 30", n)
	}
	var wantTens []Timestamped[cxEvent]
	for _, e := range events {
		if e.Ts%10 == 0 {
			wantTens = append(wantTens, Timestamped[cxEvent]{e, e.Ts})
		}
	}
	cxCheck(t, "tens", cxSorted(tens.Records()), cxSorted(wantTens))
	cxCheck(t, "counts", cxSorted(counts.Records()), []Timestamped[string]{
		{"key 0: 8", 1000}, {"key 1: 8", 1000}, {"key 2: 7", 1000}, {"key 3: 7", 1000},
	})
}

func TestSideOutputErrors(t *testing.T) {
	tag := NewOutputTag[int]("tag")
	identity := ProcessFunc[int, int](func(v int, ctx *ProcessContext, out Collector[int]) error { out.Collect(v); return nil })
	t.Run("union", func(t *testing.T) {
		env := NewEnv()
		a := Process(FromSlice(env, []int{1}), identity)
		b := Process(FromSlice(env, []int{2}), identity)
		Collect(SideOutput(a.Union(b), tag))
		cxFails(t, env, `SideOutput "tag": the stream is not the main output of one operator`)
	})
	t.Run("keyed", func(t *testing.T) {
		env := NewEnv()
		a := Process(FromSlice(env, []int{1}), identity)
		Collect(SideOutput(KeyBy(a, func(v int) int { return v }).DataStream, tag))
		cxFails(t, env, "not the main output of one operator")
	})
	t.Run("side output of a side output", func(t *testing.T) {
		env := NewEnv()
		a := Process(FromSlice(env, []int{1}), identity)
		Collect(SideOutput(SideOutput(a, tag), tag))
		cxFails(t, env, "not the main output of one operator")
	})
	t.Run("sink", func(t *testing.T) {
		env := NewEnv()
		sink := Process(FromSlice(env, []int{1}), identity).Print()
		Collect(SideOutput(sink, tag))
		cxFails(t, env, `SideOutput "tag"`, "sink")
	})
	t.Run("empty tag", func(t *testing.T) {
		env := NewEnv()
		Collect(SideOutput(Process(FromSlice(env, []int{1}), identity), OutputTag[int]{}))
		cxFails(t, env, "the output tag has an empty id")
	})
	t.Run("tag used with two types", func(t *testing.T) {
		env := NewEnv()
		a := Process(FromSlice(env, []int{1}), identity)
		Collect(SideOutput(a, tag))
		Collect(SideOutput(a, NewOutputTag[string]("tag")))
		cxFails(t, env, "the tag is already used with another element type")
	})
}
