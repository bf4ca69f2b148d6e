package exec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// twoPassVariance is VAR_POP of xs computed the plain way.
func twoPassVariance(xs []float64) float64 {
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var m2 float64
	for _, x := range xs {
		m2 += (x - mean) * (x - mean)
	}
	return m2 / float64(len(xs))
}

// A group that once held values far apart keeps an accurate variance of
// the close values that remain after the others are retracted (Welford's
// retract formula does not).
func TestVarianceRetraction(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := &aggregator{calls: []plan.AggCall{{Func: "VAR_POP", Args: []int{0}, Filter: -1, Type: types.Double()}}, retract: true, counts: memCounts{}}
	g := newGroupAcc(1)
	add := func(x float64, retract bool) {
		if err := a.add(&g, []any{x}, retract, ""); err != nil {
			t.Fatal(err)
		}
	}
	var far, kept []float64
	for range 200 {
		x := 4e8 + rng.Float64()*1e8
		far = append(far, x)
		add(x, false)
	}
	for range 3 {
		x := 4.3e8 + rng.Float64()*10
		kept = append(kept, x)
		add(x, false)
	}
	for _, x := range far {
		add(x, true)
	}
	got, err := a.result(&g, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	want := twoPassVariance(kept)
	if math.Abs(got.(float64)-want) > 1e-9*want {
		t.Errorf("VAR_POP after retraction = %v, want %v", got, want)
	}
	for _, x := range kept {
		add(x, true)
	}
	if got, _ := a.result(&g, 0, ""); got != nil {
		t.Errorf("VAR_POP of no values = %v, want NULL", got)
	}
}

// Under retraction FIRST_VALUE, LAST_VALUE and LISTAGG take back a value's
// earliest arrival, and the next value takes over from a retracted first
// or last one; the accumulators survive the state codec.
func TestOrderedRetraction(t *testing.T) {
	str := types.String()
	calls := []plan.AggCall{
		{Func: "FIRST_VALUE", Args: []int{0}, Filter: -1, Type: str},
		{Func: "LAST_VALUE", Args: []int{0}, Filter: -1, Type: str},
		{Func: "LISTAGG", Args: []int{0, 1}, Filter: -1, Type: str},
		{Func: "FIRST_VALUE", Args: []int{2}, Filter: -1, Type: types.Int()},
	}
	counts := memCounts{}
	codec := serde.MustFor[groupAcc]()
	g := newGroupAcc(len(calls))
	step := func(v string, n int32, retract bool, want ...any) {
		t.Helper()
		// A fresh aggregator over the decoded state, as after a restore.
		dec, _, err := codec.Decode(codec.Append(nil, g))
		if err != nil {
			t.Fatal(err)
		}
		g = dec
		a := &aggregator{calls: calls, retract: true, counts: counts}
		if err := a.add(&g, []any{v, "|", n}, retract, ""); err != nil {
			t.Fatal(err)
		}
		got, err := a.results(&g, "")
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("after %v %s: call %d = %v, want %v", map[bool]string{false: "+", true: "-"}[retract], v, i, got[i], want[i])
			}
		}
	}
	step("a", 1, false, "a", "a", "a", int32(1))
	step("b", 2, false, "a", "b", "a|b", int32(1))
	step("a", 3, false, "a", "a", "a|b|a", int32(1))
	step("c", 4, false, "a", "c", "a|b|a|c", int32(1))
	step("a", 1, true, "b", "c", "b|a|c", int32(2)) // the first a goes: b takes over
	step("c", 4, true, "b", "a", "b|a", int32(2))   // the last goes: a (arrival 3) takes over
	step("b", 2, true, "a", "a", "a", int32(3))
	step("a", 3, true, nil, nil, nil, nil)
	if len(counts) != 0 {
		t.Errorf("arrivals left after every value was retracted: %v", counts)
	}
}

func TestCastDouble(t *testing.T) {
	for _, c := range []struct {
		t    types.Type
		v    float64
		want any
	}{
		{types.Int(), 2.99, int32(2)},
		{types.TinyInt(), 16256.25, int8(-128)}, // Java's (byte) (int) 16256.25
		{types.BigInt(), math.Inf(1), int64(math.MaxInt64)},
		{types.BigInt(), math.NaN(), int64(0)},
		{types.Float(), 0.5, float32(0.5)},
		{types.Decimal(38, 6), 1.5416666666, types.DecimalValue{Unscaled: types.Int128From(1541667), Scale: 6}},
	} {
		if got := castDouble(c.t, c.v); got != c.want {
			t.Errorf("CAST(%v AS %s) = %#v, want %#v", c.v, c.t, got, c.want)
		}
	}
}
