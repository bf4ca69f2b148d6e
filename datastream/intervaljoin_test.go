package datastream

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/serde"
)

type ijEvent struct {
	Key int
	ID  int
	Ts  int64
}

type ijPair struct {
	L, R int
}

func ijTs(e ijEvent) int64 { return e.Ts }
func ijKey(e ijEvent) int  { return e.Key }

// ijPairs is the join function of the tests: it emits the ids of a pair
// and checks the context's timestamps.
func ijPairs(l, r ijEvent, ctx *IntervalJoinContext, out Collector[ijPair]) error {
	ts, _ := ctx.Timestamp()
	if ctx.LeftTimestamp() != l.Ts || ctx.RightTimestamp() != r.Ts || ts != max(l.Ts, r.Ts) {
		return fmt.Errorf("context timestamps %d %d %d for %v %v", ctx.LeftTimestamp(), ctx.RightTimestamp(), ts, l, r)
	}
	out.Collect(ijPair{l.ID, r.ID})
	return nil
}

// ijReference is the nested-loop interval join with inclusive bounds lo and
// hi (in milliseconds).
func ijReference(left, right []ijEvent, lo, hi int64) []Timestamped[ijPair] {
	var out []Timestamped[ijPair]
	for _, l := range left {
		for _, r := range right {
			if l.Key == r.Key && l.Ts+lo <= r.Ts && r.Ts <= l.Ts+hi {
				out = append(out, Timestamped[ijPair]{ijPair{l.ID, r.ID}, max(l.Ts, r.Ts)})
			}
		}
	}
	return out
}

// ijStream returns n events with ids from id0, keys in [0, keys),
// timestamps increasing over [0, span) with out-of-orderness up to jitter.
func ijStream(rng *rand.Rand, n, id0, keys int, span, jitter int64) []ijEvent {
	out := make([]ijEvent, n)
	for i := range out {
		base := int64(i) * span / int64(n)
		out[i] = ijEvent{Key: rng.IntN(keys), ID: id0 + i, Ts: max(0, base-rng.Int64N(jitter+1))}
	}
	return out
}

// ijBounds returns random bounds and options, and the inclusive bounds the
// reference uses.
func ijBounds(rng *rand.Rand) (lower, upper time.Duration, opts []IntervalJoinOption, lo, hi int64, desc string) {
	lo = rng.Int64N(120) - 80
	hi = lo + rng.Int64N(100)
	lower, upper = time.Duration(lo)*time.Millisecond, time.Duration(hi)*time.Millisecond
	desc = fmt.Sprintf("[%d, %d]", lo, hi)
	if rng.IntN(3) == 0 {
		opts = append(opts, LowerBoundExclusive())
		lo++
		desc = "(" + desc[1:]
	}
	if rng.IntN(3) == 0 {
		opts = append(opts, UpperBoundExclusive())
		hi--
		desc = desc[:len(desc)-1] + ")"
	}
	return lower, upper, opts, lo, hi, desc
}

// TestIntervalJoinDifferential runs interval joins with random bounds on
// random keyed data at parallelism 3 and compares them with a nested-loop
// join. The sources' watermarks lag by the data's out-of-orderness, so no
// element is late and the join must be exact.
func TestIntervalJoinDifferential(t *testing.T) {
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 42))
		const jitter = 30
		left := ijStream(rng, 300+rng.IntN(200), 0, 1+rng.IntN(8), 3000, jitter)
		right := ijStream(rng, 300+rng.IntN(200), 100000, 1+rng.IntN(8), 3000, jitter)
		lower, upper, opts, lo, hi, desc := ijBounds(rng)
		t.Run(fmt.Sprintf("seed %d %s", seed, desc), func(t *testing.T) {
			env := NewEnv().SetParallelism(3)
			l := KeyBy(cxSource(env, "left", left, ijTs, jitter), ijKey)
			r := KeyBy(cxSource(env, "right", right, ijTs, jitter), ijKey)
			out := Collect(IntervalJoin(l, r, lower, upper, ijPairs, opts...))
			cxRun(t, env)
			want := ijReference(left, right, lo, hi)
			cxCheck(t, "join", cxSorted(out.Records()), cxSorted(want))
		})
	}
}

func newIntervalJoinHarness(lo, hi int64, cfg intervalJoinConfig) *testenv.TwoInput[ijEvent, ijEvent, ijPair] {
	return testenv.NewTwoInput(func(out operator.Output[ijPair]) operator.TwoInput[ijEvent, ijEvent] {
		return newIntervalJoinOp[ijEvent, ijEvent, int, ijPair](ProcessJoinFunc[ijEvent, ijEvent, ijPair](ijPairs), ijKey, ijKey, serde.MustFor[int](), lo, hi, cfg, out)
	}, testenv.Keyed())
}

// TestIntervalJoinHarnessRandom drives the operator with random interleavings
// of both inputs and watermarks that respect the data, and checks the join
// against the nested loop and that the buffers are empty at the end.
func TestIntervalJoinHarnessRandom(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 7))
		const jitter = 20
		left := ijStream(rng, 50+rng.IntN(100), 0, 1+rng.IntN(4), 1000, jitter)
		right := ijStream(rng, 50+rng.IntN(100), 1000, 1+rng.IntN(4), 1000, jitter)
		_, _, _, lo, hi, _ := ijBounds(rng)
		h := newIntervalJoinHarness(lo, hi, intervalJoinConfig{})
		cxNoErr(t, h.Open())
		maxTs := [2]int64{event.MinWatermark, event.MinWatermark}
		i, j := 0, 0
		for i < len(left) || j < len(right) {
			if j == len(right) || (i < len(left) && rng.IntN(2) == 0) {
				e := left[i]
				i++
				cxNoErr(t, h.ProcessElement1(e, e.Ts))
				if e.Ts > maxTs[0] {
					maxTs[0] = e.Ts
					cxNoErr(t, h.ProcessWatermark1(e.Ts-jitter-1))
				}
			} else {
				e := right[j]
				j++
				cxNoErr(t, h.ProcessElement2(e, e.Ts))
				if e.Ts > maxTs[1] {
					maxTs[1] = e.Ts
					cxNoErr(t, h.ProcessWatermark2(e.Ts-jitter-1))
				}
			}
		}
		if h.NumKeyedStateEntries("LEFT_BUFFER") == 0 && h.NumKeyedStateEntries("RIGHT_BUFFER") == 0 {
			t.Fatalf("seed %d: nothing is buffered before the end", seed)
		}
		cxNoErr(t, h.EndInput())
		var got []Timestamped[ijPair]
		for _, r := range h.Records() {
			got = append(got, Timestamped[ijPair]{r.Value, r.Timestamp})
		}
		cxCheck(t, fmt.Sprintf("seed %d [%d, %d]", seed, lo, hi), cxSorted(got), cxSorted(ijReference(left, right, lo, hi)))
		if n, m := h.NumKeyedStateEntries("LEFT_BUFFER"), h.NumKeyedStateEntries("RIGHT_BUFFER"); n != 0 || m != 0 {
			t.Fatalf("seed %d: %d left and %d right buffers left at the end", seed, n, m)
		}
		cxNoErr(t, h.Close())
	}
}

func TestIntervalJoinLateDataAndCleanup(t *testing.T) {
	lateLeft := NewOutputTag[ijEvent]("late-left")
	lateRight := NewOutputTag[ijEvent]("late-right")
	var cfg intervalJoinConfig
	SideOutputLeftLateData(lateLeft)(&cfg)
	SideOutputRightLateData(lateRight)(&cfg)
	// Right joins left at l if l-2 <= r <= l+3.
	h := newIntervalJoinHarness(-2, 3, cfg)
	lateL := testenv.SideOutput[ijEvent](h, "late-left")
	lateR := testenv.SideOutput[ijEvent](h, "late-right")
	cxNoErr(t, h.Open())
	defer h.Close()
	steps := []struct {
		name string
		do   func() error
		want []operator.Record[ijPair] // records emitted by the step
	}{
		{"left a@10", func() error { return h.ProcessElement1(ijEvent{0, 1, 10}, 10) }, nil},
		{"right b@8 joins a", func() error { return h.ProcessElement2(ijEvent{0, 2, 8}, 8) }, []operator.Record[ijPair]{{Value: ijPair{1, 2}, Timestamp: 10}}},
		{"right c@14 is out of range", func() error { return h.ProcessElement2(ijEvent{0, 3, 14}, 14) }, nil},
		{"other key", func() error { return h.ProcessElement2(ijEvent{1, 4, 10}, 10) }, nil},
		{"watermarks 12", func() error {
			if err := h.ProcessWatermark1(12); err != nil {
				return err
			}
			return h.ProcessWatermark2(12)
		}, nil},
		{"left d@11 is late", func() error { return h.ProcessElement1(ijEvent{0, 5, 11}, 11) }, nil},
		{"right e@13 joins a", func() error { return h.ProcessElement2(ijEvent{0, 6, 13}, 13) }, []operator.Record[ijPair]{{Value: ijPair{1, 6}, Timestamp: 13}}},
		{"right g@11 is late", func() error { return h.ProcessElement2(ijEvent{0, 7, 11}, 11) }, nil},
		{"watermarks 13 clean a", func() error {
			if err := h.ProcessWatermark1(13); err != nil {
				return err
			}
			return h.ProcessWatermark2(13)
		}, nil},
		{"right f@13 finds nothing", func() error { return h.ProcessElement2(ijEvent{0, 8, 13}, 13) }, nil},
	}
	for _, s := range steps {
		h.MainOutput().Clear()
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		cxCheck(t, s.name, h.Records(), s.want)
	}
	// Left buffer: a was cleaned at 13. Right buffer: b@8 (cleaned at 10)
	// and the other key's @10 (at 12) are gone; key 0 still has c@14, e@13
	// and f@13.
	cxCheck(t, "keys with left buffers", h.NumKeyedStateEntries("LEFT_BUFFER"), 0)
	cxCheck(t, "keys with right buffers", h.NumKeyedStateEntries("RIGHT_BUFFER"), 1)
	cxCheck(t, "late left", lateL.Records(), []operator.Record[ijEvent]{{Value: ijEvent{0, 5, 11}, Timestamp: 11}})
	cxCheck(t, "late right", lateR.Records(), []operator.Record[ijEvent]{{Value: ijEvent{0, 7, 11}, Timestamp: 11}})
	cxNoErr(t, h.EndInput())
	cxCheck(t, "right buffers at the end", h.NumKeyedStateEntries("RIGHT_BUFFER"), 0)
}

func TestIntervalJoinExclusiveBounds(t *testing.T) {
	env := NewEnv()
	left := []ijEvent{{0, 1, 10}, {0, 2, 20}}
	right := []ijEvent{{0, 11, 9}, {0, 12, 10}, {0, 13, 11}, {0, 14, 19}, {0, 15, 20}, {0, 16, 21}}
	l := KeyBy(cxSource(env, "left", left, ijTs, 5), ijKey)
	r := KeyBy(cxSource(env, "right", right, ijTs, 5), ijKey)
	both := Collect(IntervalJoin(l, r, -time.Millisecond, time.Millisecond, ijPairs, LowerBoundExclusive(), UpperBoundExclusive()))
	upperOnly := Collect(IntervalJoin(l, r, 0, time.Millisecond, ijPairs, UpperBoundExclusive()))
	empty := Collect(IntervalJoin(l, r, 0, 0, ijPairs, LowerBoundExclusive()))
	cxRun(t, env)
	cxCheck(t, "(-1, 1)", cxSorted(both.Values()), []ijPair{{1, 12}, {2, 15}})
	cxCheck(t, "[0, 1)", cxSorted(upperOnly.Values()), []ijPair{{1, 12}, {2, 15}})
	cxCheck(t, "(0, 0]", len(empty.Values()), 0)
}

func TestIntervalJoinSideOutputOfFunction(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	tag := NewOutputTag[string]("far")
	l := KeyBy(cxSource(env, "left", []ijEvent{{0, 1, 100}, {1, 2, 100}}, ijTs, 0), ijKey)
	r := KeyBy(cxSource(env, "right", []ijEvent{{0, 3, 95}, {1, 4, 110}}, ijTs, 0), ijKey)
	joined := IntervalJoin(l, r, -10*time.Millisecond, 10*time.Millisecond, func(a, b ijEvent, ctx *IntervalJoinContext, out Collector[string]) error {
		if b.Ts-a.Ts > 5 {
			Output(ctx, tag, fmt.Sprint(a.ID, "-", b.ID))
			return nil
		}
		out.Collect(fmt.Sprint(a.ID, "+", b.ID))
		return nil
	})
	main := Collect(joined)
	far := Collect(SideOutput(joined, tag))
	cxRun(t, env)
	cxCheck(t, "main", main.Records(), []Timestamped[string]{{"1+3", 100}})
	cxCheck(t, "far", far.Records(), []Timestamped[string]{{"2-4", 110}})
}

func TestIntervalJoinWithoutTimestampsFails(t *testing.T) {
	env := NewEnv()
	l := KeyBy(FromSlice(env, []ijEvent{{0, 1, 10}}), ijKey)
	r := KeyBy(FromSlice(env, []ijEvent{{0, 2, 10}}), ijKey)
	Collect(IntervalJoin(l, r, 0, time.Second, ijPairs))
	cxFails(t, env, "element has no timestamp", "need event timestamps")
}

func TestIntervalJoinErrors(t *testing.T) {
	t.Run("bounds", func(t *testing.T) {
		env := NewEnv()
		l := KeyBy(FromSlice(env, []ijEvent{{0, 1, 10}}), ijKey)
		r := KeyBy(FromSlice(env, []ijEvent{{0, 2, 10}}), ijKey)
		Collect(IntervalJoin(l, r, time.Second, -time.Second, ijPairs))
		cxFails(t, env, "IntervalJoin: the lower bound 1s is greater than the upper bound -1s")
	})
	t.Run("nil function and option", func(t *testing.T) {
		env := NewEnv()
		l := KeyBy(FromSlice(env, []ijEvent{{0, 1, 10}}), ijKey)
		r := KeyBy(FromSlice(env, []ijEvent{{0, 2, 10}}), ijKey)
		Collect(IntervalJoin[ijEvent, ijEvent, int, ijPair](l, r, 0, time.Second, nil))
		Collect(IntervalJoinProcess[ijEvent, ijEvent, int, ijPair](l, r, 0, time.Second, nil))
		Collect(IntervalJoin(l, r, 0, time.Second, ijPairs, nil))
		cxFails(t, env, "IntervalJoin: function is nil", "IntervalJoin: option is nil")
	})
	t.Run("late tag of another type", func(t *testing.T) {
		env := NewEnv()
		l := KeyBy(FromSlice(env, []ijEvent{{0, 1, 10}}), ijKey)
		r := KeyBy(FromSlice(env, []ijEvent{{0, 2, 10}}), ijKey)
		Collect(IntervalJoin(l, r, 0, time.Second, ijPairs, SideOutputLeftLateData(NewOutputTag[string]("late"))))
		cxFails(t, env, `the element type of the left late-data tag "late" is not the left stream's`)
	})
	t.Run("different environments", func(t *testing.T) {
		env1, env2 := NewEnv(), NewEnv()
		l := KeyBy(FromSlice(env1, []ijEvent{{0, 1, 10}}), ijKey)
		r := KeyBy(FromSlice(env2, []ijEvent{{0, 2, 10}}), ijKey)
		Collect(IntervalJoin(l, r, 0, time.Second, ijPairs))
		cxFails(t, env1, "IntervalJoin: the streams belong to different environments")
	})
}

// TestIntervalJoinSaturatingBounds checks the bound arithmetic at the ends
// of the int64 range.
func TestIntervalJoinSaturatingBounds(t *testing.T) {
	cases := [][3]int64{
		{1, 2, 3}, {-5, 3, -2},
		{math.MaxInt64, 1, math.MaxInt64}, {1 << 62, 1 << 62, math.MaxInt64},
		{math.MinInt64, -1, math.MinInt64}, {-(1 << 62), math.MinInt64, math.MinInt64},
	}
	for _, c := range cases {
		if got := saturatingAdd(c[0], c[1]); got != c[2] {
			t.Errorf("saturatingAdd(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}
