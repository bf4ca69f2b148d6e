package window

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

const ms = time.Millisecond

// must returns a function that fails t on err and returns v, so a
// constructor call can be checked inline: must(X(...))(t).
func must[V any](v V, err error) func(testing.TB) V {
	return func(t testing.TB) V {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func assign[T any, W Window](t *testing.T, a Assigner[T, W], elem T, ts int64, ctx AssignerContext) []W {
	t.Helper()
	ws, err := a.AssignWindows(elem, ts, ctx, nil)
	if err != nil {
		t.Fatalf("AssignWindows(%v, %d): %v", elem, ts, err)
	}
	return ws
}

func TestTumblingEventTime(t *testing.T) {
	tests := []struct {
		size, offset time.Duration
		ts           int64
		want         TimeWindow
	}{
		{10 * ms, 0, 0, TimeWindow{0, 10}},
		{10 * ms, 0, 9, TimeWindow{0, 10}},
		{10 * ms, 0, 10, TimeWindow{10, 20}},
		{10 * ms, 0, -1, TimeWindow{-10, 0}},
		{10 * ms, 0, -10, TimeWindow{-10, 0}},
		{10 * ms, 0, -11, TimeWindow{-20, -10}},
		{10 * ms, 3 * ms, 2, TimeWindow{-7, 3}},
		{10 * ms, 3 * ms, 3, TimeWindow{3, 13}},
		{10 * ms, -3 * ms, 6, TimeWindow{-3, 7}},
		{10 * ms, -3 * ms, -4, TimeWindow{-13, -3}},
		{time.Hour, 15 * time.Minute, 3_600_000 + 14*60_000, TimeWindow{900_000, 4_500_000}},
		{1500 * time.Microsecond, 0, 3, TimeWindow{3, 4}}, // size truncated to 1ms
	}
	for _, tt := range tests {
		a := must(TumblingEventTime[string](tt.size, tt.offset))(t)
		got := assign(t, a, "x", tt.ts, nil)
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("tumbling(%v, %v) ts %d = %v, want [%v]", tt.size, tt.offset, tt.ts, got, tt.want)
		}
	}
	a := must(TumblingEventTime[string](10*ms, 0))(t)
	if !a.IsEventTime() {
		t.Error("IsEventTime = false")
	}
	dst := []TimeWindow{{1, 2}}
	got, err := a.AssignWindows("x", NoTimestamp, nil, dst)
	if !errors.Is(err, ErrNoTimestamp) || !slices.Equal(got, dst) {
		t.Errorf("NoTimestamp: %v, %v", got, err)
	}
	// Appends to dst.
	got, _ = a.AssignWindows("x", 15, nil, dst)
	if !slices.Equal(got, []TimeWindow{{1, 2}, {10, 20}}) {
		t.Errorf("append to dst: %v", got)
	}
}

func TestProcessingTimeAssigners(t *testing.T) {
	c := &clock{now: 1234}
	tumbling := must(TumblingProcessingTime[int](10*ms, 0))(t)
	if tumbling.IsEventTime() {
		t.Error("tumbling processing IsEventTime")
	}
	if got := assign(t, tumbling, 1, NoTimestamp, c); !slices.Equal(got, []TimeWindow{{1230, 1240}}) {
		t.Errorf("tumbling processing = %v", got)
	}
	sliding := must(SlidingProcessingTime[int](10*ms, 5*ms, 0))(t)
	if got := assign(t, sliding, 1, 99999, c); !slices.Equal(got, []TimeWindow{{1230, 1240}, {1225, 1235}}) {
		t.Errorf("sliding processing = %v", got)
	}
	session := must(ProcessingTimeSession[int](7 * ms))(t)
	if got := assign(t, Assigner[int, TimeWindow](session), 1, 5, c); !slices.Equal(got, []TimeWindow{{1234, 1241}}) {
		t.Errorf("session processing = %v", got)
	}
	dyn := must(DynamicProcessingTimeSession(func(v int) time.Duration { return time.Duration(v) * ms }))(t)
	if got := assign(t, Assigner[int, TimeWindow](dyn), 3, 5, c); !slices.Equal(got, []TimeWindow{{1234, 1237}}) {
		t.Errorf("dynamic session processing = %v", got)
	}
	for _, a := range []Assigner[int, TimeWindow]{tumbling, sliding, session, dyn} {
		if a.IsEventTime() {
			t.Errorf("%v: IsEventTime", a)
		}
		if _, ok := a.DefaultTrigger().(processingTimeTrigger[int, TimeWindow]); !ok {
			t.Errorf("%v: default trigger %T", a, a.DefaultTrigger())
		}
	}
}

func TestSlidingEventTime(t *testing.T) {
	tests := []struct {
		size, slide, offset time.Duration
		ts                  int64
		want                []TimeWindow
	}{
		{10 * ms, 5 * ms, 0, 7, []TimeWindow{{5, 15}, {0, 10}}},
		{10 * ms, 5 * ms, 0, 5, []TimeWindow{{5, 15}, {0, 10}}},
		{10 * ms, 5 * ms, 0, 4, []TimeWindow{{0, 10}, {-5, 5}}},
		{10 * ms, 5 * ms, 0, -1, []TimeWindow{{-5, 5}, {-10, 0}}},
		{10 * ms, 5 * ms, 0, -5, []TimeWindow{{-5, 5}, {-10, 0}}},
		{10 * ms, 5 * ms, 0, -6, []TimeWindow{{-10, 0}, {-15, -5}}},
		{10 * ms, 3 * ms, 0, 7, []TimeWindow{{6, 16}, {3, 13}, {0, 10}}},
		{10 * ms, 3 * ms, 0, 9, []TimeWindow{{9, 19}, {6, 16}, {3, 13}, {0, 10}}},
		{10 * ms, 5 * ms, 2 * ms, 7, []TimeWindow{{7, 17}, {2, 12}}},
		{10 * ms, 5 * ms, -2 * ms, 7, []TimeWindow{{3, 13}, {-2, 8}}},
		{5 * ms, 10 * ms, 0, 3, []TimeWindow{{0, 5}}}, // gaps between windows
		{5 * ms, 10 * ms, 0, 7, nil},                  // in a gap: no window
		{10 * ms, 10 * ms, 0, 7, []TimeWindow{{0, 10}}},
	}
	for _, tt := range tests {
		a := must(SlidingEventTime[int](tt.size, tt.slide, tt.offset))(t)
		if got := assign(t, a, 0, tt.ts, nil); !slices.Equal(got, tt.want) {
			t.Errorf("sliding(%v, %v, %v) ts %d = %v, want %v", tt.size, tt.slide, tt.offset, tt.ts, got, tt.want)
		}
	}
	a := must(SlidingEventTime[int](10*ms, 5*ms, 0))(t)
	if _, err := a.AssignWindows(0, NoTimestamp, nil, nil); !errors.Is(err, ErrNoTimestamp) {
		t.Errorf("NoTimestamp: err = %v", err)
	}
}

// Every element lands in every window of the form [s, s+size) with s
// aligned to offset mod slide that contains it, and in no other.
func TestSlidingAssignmentCounts(t *testing.T) {
	counts := []struct {
		size, slide int64
		perElement  []int // possible window counts per element
	}{
		{10, 5, []int{2}},
		{10, 1, []int{10}},
		{10, 10, []int{1}},
		{10, 3, []int{3, 4}},
		{3600_000, 60_000, []int{60}},
		{5, 10, []int{0, 1}},
	}
	for _, c := range counts {
		a := must(SlidingEventTime[int](time.Duration(c.size)*ms, time.Duration(c.slide)*ms, 0))(t)
		var buf []TimeWindow
		seen := map[int]bool{}
		for ts := int64(-3 * c.size); ts < 3*c.size; ts += max(1, c.size/997) {
			buf, _ = a.AssignWindows(0, ts, nil, buf[:0])
			seen[len(buf)] = true
		}
		var got []int
		for n := range seen {
			got = append(got, n)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.perElement) {
			t.Errorf("size %d slide %d: windows per element %v, want %v", c.size, c.slide, got, c.perElement)
		}
	}

	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		slide := 1 + r.Int64N(20)
		size := 1 + r.Int64N(60)
		offset := r.Int64N(2*slide-1) - (slide - 1)
		a := must(SlidingEventTime[int](time.Duration(size)*ms, time.Duration(slide)*ms, time.Duration(offset)*ms))(t)
		ts := r.Int64N(400) - 200
		got := assign(t, a, 0, ts, nil)
		var want []TimeWindow
		for s := ts + 1000; s > ts-size-1000; s-- { // brute force, latest start first
			if ((s-offset)%slide+slide)%slide == 0 && s <= ts && ts < s+size {
				want = append(want, TimeWindow{s, s + size})
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("size %d slide %d offset %d ts %d: got %v, want %v", size, slide, offset, ts, got, want)
		}
	}
}

func TestSessionAssigners(t *testing.T) {
	a := must(EventTimeSession[string](10 * ms))(t)
	if got := assign(t, Assigner[string, TimeWindow](a), "x", 5, nil); !slices.Equal(got, []TimeWindow{{5, 15}}) {
		t.Errorf("session = %v", got)
	}
	if got := assign(t, Assigner[string, TimeWindow](a), "x", -5, nil); !slices.Equal(got, []TimeWindow{{-5, 5}}) {
		t.Errorf("session = %v", got)
	}
	if !a.IsEventTime() {
		t.Error("IsEventTime = false")
	}
	if _, ok := a.DefaultTrigger().(eventTimeTrigger[string, TimeWindow]); !ok {
		t.Errorf("default trigger %T", a.DefaultTrigger())
	}

	gaps := map[string]time.Duration{"a": 3 * ms, "b": 0, "c": -time.Second, "d": 999 * time.Microsecond, "e": 2500 * time.Microsecond}
	dyn := must(DynamicEventTimeSession(func(s string) time.Duration { return gaps[s] }))(t)
	if got := assign(t, Assigner[string, TimeWindow](dyn), "a", 10, nil); !slices.Equal(got, []TimeWindow{{10, 13}}) {
		t.Errorf("dynamic a = %v", got)
	}
	if got := assign(t, Assigner[string, TimeWindow](dyn), "e", 10, nil); !slices.Equal(got, []TimeWindow{{10, 12}}) {
		t.Errorf("dynamic e = %v", got)
	}
	for _, k := range []string{"b", "c", "d"} {
		dst := []TimeWindow{{1, 2}}
		got, err := dyn.AssignWindows(k, 10, nil, dst)
		if !errors.Is(err, ErrInvalidGap) || !slices.Equal(got, dst) {
			t.Errorf("dynamic gap %v: %v, %v", gaps[k], got, err)
		}
	}
}

func TestGlobalAssigner(t *testing.T) {
	a := Global[int]()
	if got := assign(t, a, 1, NoTimestamp, nil); !slices.Equal(got, []GlobalWindow{{}}) {
		t.Errorf("global = %v", got)
	}
	if a.IsEventTime() {
		t.Error("global IsEventTime")
	}
	if _, ok := a.DefaultTrigger().(neverTrigger[int, GlobalWindow]); !ok {
		t.Errorf("default trigger %T", a.DefaultTrigger())
	}
	if _, ok := a.WindowCodec().(GlobalWindowCodec); !ok {
		t.Errorf("codec %T", a.WindowCodec())
	}
	if _, ok := a.(MergingAssigner[int, GlobalWindow]); ok {
		t.Error("global is merging")
	}
	e := GlobalWithEndOfStreamTrigger[int]()
	if _, ok := e.DefaultTrigger().(endOfStreamTrigger[int]); !ok {
		t.Errorf("default trigger %T", e.DefaultTrigger())
	}
}

func TestAssignerKinds(t *testing.T) {
	tumbling := must(TumblingEventTime[int](10*ms, 0))(t)
	sliding := must(SlidingEventTime[int](10*ms, 5*ms, 0))(t)
	session := must(EventTimeSession[int](10 * ms))(t)
	for _, a := range []Assigner[int, TimeWindow]{tumbling, sliding} {
		if _, ok := a.(MergingAssigner[int, TimeWindow]); ok {
			t.Errorf("%v is merging", a)
		}
	}
	for _, a := range []Assigner[int, TimeWindow]{tumbling, sliding, session} {
		if _, ok := a.WindowCodec().(TimeWindowCodec); !ok {
			t.Errorf("%v: codec %T", a, a.WindowCodec())
		}
		if _, ok := a.DefaultTrigger().(eventTimeTrigger[int, TimeWindow]); !ok {
			t.Errorf("%v: default trigger %T", a, a.DefaultTrigger())
		}
		if s := fmt.Sprint(a); s == "" {
			t.Errorf("no String")
		}
	}
}

func TestBadArguments(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{}
	add := func(name string, err error) {
		tests = append(tests, struct {
			name string
			err  error
		}{name, err})
	}
	second := func(_ any, err error) error { return err }

	add("tumbling size 0", second(TumblingEventTime[int](0, 0)))
	add("tumbling size <0", second(TumblingEventTime[int](-10*ms, 0)))
	add("tumbling size <1ms", second(TumblingEventTime[int](999*time.Microsecond, 0)))
	add("tumbling offset = size", second(TumblingEventTime[int](10*ms, 10*ms)))
	add("tumbling offset = -size", second(TumblingEventTime[int](10*ms, -10*ms)))
	add("tumbling offset > size", second(TumblingEventTime[int](10*ms, 11*ms)))
	add("tumbling processing size 0", second(TumblingProcessingTime[int](0, 0)))
	add("tumbling processing offset", second(TumblingProcessingTime[int](10*ms, -10*ms)))
	add("sliding size 0", second(SlidingEventTime[int](0, 5*ms, 0)))
	add("sliding slide 0", second(SlidingEventTime[int](10*ms, 0, 0)))
	add("sliding slide <0", second(SlidingEventTime[int](10*ms, -5*ms, 0)))
	add("sliding offset = slide", second(SlidingEventTime[int](10*ms, 5*ms, 5*ms)))
	add("sliding offset = -slide", second(SlidingEventTime[int](10*ms, 5*ms, -5*ms)))
	add("sliding too many windows", second(SlidingEventTime[int]((MaxSlidingWindows+1)*ms, ms, 0)))
	add("sliding processing slide 0", second(SlidingProcessingTime[int](10*ms, 0, 0)))
	add("session gap 0", second(EventTimeSession[int](0)))
	add("session gap <0", second(EventTimeSession[int](-ms)))
	add("session gap <1ms", second(EventTimeSession[int](time.Microsecond)))
	add("processing session gap 0", second(ProcessingTimeSession[int](0)))
	add("dynamic nil", second(DynamicEventTimeSession[int](nil)))
	add("dynamic processing nil", second(DynamicProcessingTimeSession[int](nil)))
	add("count trigger 0", second(CountTrigger[int, TimeWindow](0)))
	add("count trigger <0", second(CountTrigger[int, TimeWindow](-1)))
	add("continuous event 0", second(ContinuousEventTimeTrigger[int, TimeWindow](0)))
	add("continuous event <1ms", second(ContinuousEventTimeTrigger[int, TimeWindow](time.Microsecond)))
	add("continuous processing 0", second(ContinuousProcessingTimeTrigger[int, TimeWindow](0)))
	add("purging nil", second(PurgingTrigger[int, TimeWindow](nil)))
	add("count evictor <0", second(CountEvictor[int, TimeWindow](-1, false)))
	add("time evictor <0", second(TimeEvictor[int, TimeWindow](-ms, false)))
	add("lateness <0", second(AllowedLateness(-ms)))
	for _, tt := range tests {
		if !errors.Is(tt.err, ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", tt.name, tt.err)
		}
	}

	ok := []error{
		second(TumblingEventTime[int](10*ms, 9*ms)),
		second(TumblingEventTime[int](10*ms, -9*ms)),
		second(SlidingEventTime[int](10*ms, 5*ms, -4*ms)),
		second(SlidingEventTime[int](MaxSlidingWindows*ms, ms, 0)),
		second(SlidingEventTime[int](5*ms, 10*ms, 0)),
		second(EventTimeSession[int](ms)),
		second(CountTrigger[int, TimeWindow](1)),
		second(ContinuousEventTimeTrigger[int, TimeWindow](ms)),
		second(CountEvictor[int, TimeWindow](0, false)),
		second(TimeEvictor[int, TimeWindow](0, true)),
		second(AllowedLateness(0)),
	}
	for i, err := range ok {
		if err != nil {
			t.Errorf("valid arguments %d: %v", i, err)
		}
	}
}
