package datastream

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

type bcRule struct {
	Name  string
	Color string
	Min   int
}

type bcItem struct {
	User  string
	Color string
}

var (
	bcRules   = BroadcastStateDescriptor[string, bcRule](state.Map[string, bcRule]("rules"))
	bcSeenTag = NewOutputTag[string]("seen")
)

// ruleMatcher counts items per user and color (keyed state) and, when the
// input ended (an event-time timer), reports every rule a user matches.
type ruleMatcher struct {
	subtask int
	counts  state.MapState[string, int]
}

func (m *ruleMatcher) Open(rc *RuntimeContext) error {
	m.subtask = rc.Subtask()
	var err error
	m.counts, err = GetMapState(rc, state.Map[string, int]("counts"))
	return err
}

func (m *ruleMatcher) ProcessElement(it bcItem, ctx *KeyedReadOnlyBroadcastContext[string], out Collector[string]) error {
	if ctx.CurrentKey() != it.User {
		return fmt.Errorf("current key %q, item of %q", ctx.CurrentKey(), it.User)
	}
	rules, err := GetReadOnlyBroadcastState(ctx, bcRules)
	if err != nil {
		return err
	}
	if _, writable := rules.(BroadcastState[string, bcRule]); writable {
		return fmt.Errorf("the non-broadcast side got writable broadcast state")
	}
	n, _ := m.counts.Get(it.Color)
	m.counts.Put(it.Color, n+1)
	ctx.TimerService().RegisterEventTimeTimer(1)
	return nil
}

func (m *ruleMatcher) ProcessBroadcastElement(r bcRule, ctx *KeyedBroadcastContext[string], out Collector[string]) error {
	rules, err := GetBroadcastState(ctx, bcRules)
	if err != nil {
		return err
	}
	rules.Put(r.Name, r)
	Output(ctx, bcSeenTag, fmt.Sprintf("%d:%s", m.subtask, r.Name))
	return nil
}

func (m *ruleMatcher) OnTimer(ts int64, ctx *KeyedBroadcastTimerContext[string], out Collector[string]) error {
	rules, err := GetReadOnlyBroadcastState(ctx, bcRules)
	if err != nil {
		return err
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range rules.All() {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range names {
		r, _ := rules.Get(name)
		if n, _ := m.counts.Get(r.Color); n >= r.Min {
			out.Collect(fmt.Sprintf("%s matches %s", ctx.CurrentKey(), r.Name))
		}
	}
	return nil
}

func TestBroadcastRulesPattern(t *testing.T) {
	const parallelism = 3
	env := NewEnv().SetParallelism(parallelism)
	rules := []bcRule{{"two-red", "red", 2}, {"one-blue", "blue", 1}, {"three-green", "green", 3}}
	var items []bcItem
	colors := []string{"red", "blue", "green"}
	for i := range 60 {
		items = append(items, bcItem{User: fmt.Sprint("u", i%7), Color: colors[(i*i+i/7)%3]})
	}
	// Reference: counts per user and color, and the rules each user matches.
	counts := map[string]map[string]int{}
	for _, it := range items {
		if counts[it.User] == nil {
			counts[it.User] = map[string]int{}
		}
		counts[it.User][it.Color]++
	}
	var want []string
	for user, c := range counts {
		for _, r := range rules {
			if c[r.Color] >= r.Min {
				want = append(want, fmt.Sprintf("%s matches %s", user, r.Name))
			}
		}
	}
	var wantSeen []string
	for s := range parallelism {
		for _, r := range rules {
			wantSeen = append(wantSeen, fmt.Sprintf("%d:%s", s, r.Name))
		}
	}

	ruleStream := BroadcastWith(FromSlice(env, rules), bcRules)
	keyed := KeyBy(FromSlice(env, items), func(it bcItem) string { return it.User })
	matched := ProcessKeyedBroadcast(ConnectKeyedBroadcast(keyed, ruleStream), KeyedBroadcastProcessFunction[string, bcItem, bcRule, string](&ruleMatcher{}))
	out := Collect(matched)
	seen := Collect(SideOutput(matched, bcSeenTag))
	cxRun(t, env)
	cxCheck(t, "matches", cxSorted(out.Values()), cxSorted(want))
	cxCheck(t, "every subtask saw every rule", cxSorted(seen.Values()), cxSorted(wantSeen))
}

// enricher is a non-keyed broadcast function: it multiplies numbers by
// the broadcast factor and, on Close, reports the state of its subtask.
type enricher struct {
	subtask int
	rules   BroadcastState[string, int]
	report  *cxCollector[string]
}

var bcFactors = state.Map[string, int]("factors")

func (e *enricher) Open(rc *RuntimeContext) error {
	e.subtask = rc.Subtask()
	return nil
}

func (e *enricher) ProcessElement(v int, ctx *ReadOnlyBroadcastContext, out Collector[int]) error {
	factors, err := GetReadOnlyBroadcastState(ctx, bcFactors)
	if err != nil {
		return err
	}
	f, ok := factors.Get("factor")
	if !ok {
		f = 1
	}
	out.Collect(v * f)
	return nil
}

func (e *enricher) ProcessBroadcastElement(f int, ctx *BroadcastContext, out Collector[int]) error {
	factors, err := GetBroadcastState(ctx, bcFactors)
	if err != nil {
		return err
	}
	factors.Put(fmt.Sprint("f", f), f)
	e.rules = factors
	return nil
}

func (e *enricher) Close() error {
	if e.rules != nil {
		e.report.add(fmt.Sprintf("%d%v", e.subtask, slices.Sorted(maps.Keys(maps.Collect(e.rules.All())))))
	}
	return nil
}

func TestBroadcastNonKeyedEverySubtaskHasTheState(t *testing.T) {
	env := NewEnv().SetParallelism(3)
	report := &cxCollector[string]{}
	nums := FromSlice(env, []int{1, 2, 3, 4, 5, 6}).Rebalance()
	factors := BroadcastWith(FromSlice(env, []int{2, 3, 5}), bcFactors)
	out := Collect(ProcessBroadcast(ConnectBroadcast(nums, factors), BroadcastProcessFunction[int, int, int](&enricher{report: report})))
	cxRun(t, env)
	cxCheck(t, "output", cxSorted(out.Values()), []int{1, 2, 3, 4, 5, 6}) // no "factor" entry: f = 1
	cxCheck(t, "state per subtask", cxSorted(report.values()), []string{"0[f2 f3 f5]", "1[f2 f3 f5]", "2[f2 f3 f5]"})
}

// applier counts elements per key and, on broadcast commands, reports or
// resets the counts of every key through ApplyToKeyedState.
type applier struct {
	count state.ValueState[int]
}

var applierCount = state.Value[int]("count")

func (a *applier) Open(rc *RuntimeContext) error {
	var err error
	a.count, err = GetValueState(rc, applierCount)
	return err
}

func (a *applier) ProcessElement(k string, ctx *KeyedReadOnlyBroadcastContext[string], out Collector[string]) error {
	n, _ := a.count.Value()
	a.count.Update(n + 1)
	return nil
}

func (a *applier) ProcessBroadcastElement(cmd string, ctx *KeyedBroadcastContext[string], out Collector[string]) error {
	return ctx.ApplyToKeyedState(applierCount, func(key string) error {
		switch cmd {
		case "report":
			n, _ := a.count.Value()
			out.Collect(fmt.Sprintf("%s=%d", key, n))
		case "reset-b":
			if key == "b" {
				a.count.Clear()
			}
		case "fail":
			return fmt.Errorf("failing at %s", key)
		}
		return nil
	})
}

func TestApplyToKeyedState(t *testing.T) {
	a := &applier{}
	h := testenv.NewTwoInput(func(out operator.Output[string]) operator.TwoInput[string, string] {
		return newKeyedBroadcastProcessOp[string, string, string, string](a, func(s string) string { return s }, serde.MustFor[string](), nil, out)
	}, testenv.Keyed())
	cxNoErr(t, h.Open())
	defer h.Close()
	for _, k := range []string{"a", "b", "b", "c", "c", "c"} {
		cxNoErr(t, h.ProcessElement1(k, 1))
	}
	cxNoErr(t, h.ProcessElement2("report", 2))
	cxCheck(t, "report", h.Values(), []string{"a=1", "b=2", "c=3"})
	h.ClearOutput()
	cxNoErr(t, h.ProcessElement2("reset-b", 3))
	cxNoErr(t, h.ProcessElement1("a", 4))
	cxNoErr(t, h.ProcessElement2("report", 5))
	cxCheck(t, "after reset", h.Values(), []string{"a=2", "c=3"})
	if err := h.ProcessElement2("fail", 6); err == nil || err.Error() != "failing at a" {
		t.Fatalf("ApplyToKeyedState error: %v", err)
	}
}

func TestBroadcastErrors(t *testing.T) {
	nop := BroadcastProcessFuncs[int, int, int]{
		Element:   func(int, *ReadOnlyBroadcastContext, Collector[int]) error { return nil },
		Broadcast: func(int, *BroadcastContext, Collector[int]) error { return nil },
	}
	t.Run("descriptors", func(t *testing.T) {
		env := NewEnv()
		bs := BroadcastWith(FromSlice(env, []int{1}),
			state.Value[int]("value"),
			state.Map[string, int]("m"),
			state.Map[string, string]("m"),
			state.Map[string, int]("ttl").WithTTL(state.TTLOf(time.Minute)),
			nil)
		ProcessBroadcast(ConnectBroadcast(FromSlice(env, []int{1}), bs), nop).Print()
		cxFails(t, env, `broadcast state "value" is value state`, `broadcast state "m" is declared twice`,
			`broadcast state "ttl" has a TTL`, "descriptor 4 is nil")
	})
	t.Run("undeclared state", func(t *testing.T) {
		env := NewEnv()
		bs := BroadcastWith(FromSlice(env, []int{1}), bcFactors)
		ProcessBroadcast(ConnectBroadcast(FromSlice(env, []int{1}), bs), BroadcastProcessFuncs[int, int, int]{
			Element: func(int, *ReadOnlyBroadcastContext, Collector[int]) error { return nil },
			Broadcast: func(v int, ctx *BroadcastContext, out Collector[int]) error {
				_, err := GetBroadcastState(ctx, state.Map[string, int]("other"))
				return err
			},
		}).Print()
		cxFails(t, env, `broadcast state "other" does not exist`)
	})
	t.Run("wrong types", func(t *testing.T) {
		env := NewEnv()
		bs := BroadcastWith(FromSlice(env, []int{1}), bcFactors)
		ProcessBroadcast(ConnectBroadcast(FromSlice(env, []int{1}), bs), BroadcastProcessFuncs[int, int, int]{
			Element: func(int, *ReadOnlyBroadcastContext, Collector[int]) error { return nil },
			Broadcast: func(v int, ctx *BroadcastContext, out Collector[int]) error {
				_, err := GetBroadcastState(ctx, state.Map[string, string]("factors"))
				return err
			},
		}).Print()
		cxFails(t, env, `broadcast state "factors" of operator "Co-Process-Broadcast" is declared as state.MapDescriptor[string,int]`)
	})
	t.Run("nil functions and environments", func(t *testing.T) {
		env, other := NewEnv(), NewEnv()
		bs := BroadcastWith(FromSlice(env, []int{1}))
		ProcessBroadcast[int, int, int](ConnectBroadcast(FromSlice(env, []int{1}), bs), nil).Print()
		ProcessBroadcast(ConnectBroadcast(FromSlice(env, []int{1}), bs), BroadcastProcessFuncs[int, int, int]{}).Print()
		ProcessKeyedBroadcast[int, int, int, int](ConnectKeyedBroadcast(KeyBy(FromSlice(env, []int{1}), func(v int) int { return v }), bs), nil).Print()
		ProcessBroadcast(ConnectBroadcast(FromSlice(other, []int{1}), bs), nop).Print()
		cxFails(t, env, "ProcessBroadcast: function is nil", "ProcessBroadcast: the function of the first input is nil",
			"ProcessKeyedBroadcast: function is nil")
		cxFails(t, other, "ConnectBroadcast: the streams belong to different environments")
	})
}
