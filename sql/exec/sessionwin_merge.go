package exec

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// Merging the accumulators of two session windows when a row bridges
// them. Only calls whose accumulator (aggAcc, see accumulate.go) holds
// everything their result needs merge: COUNT, SUM, SUM0, AVG, MIN and
// MAX without DISTINCT. DISTINCT needs the values seen, and a Go aggregate
// has no merge; for those, and for calls this file does not know, the
// session keeps its rows instead (sessionWindowFunc).

// callsMerge reports whether every call's accumulator merges.
func callsMerge(calls []plan.AggCall) bool {
	for _, c := range calls {
		if c.Distinct || c.UDAF != nil {
			return false
		}
		switch c.Func {
		case "COUNT", "SUM", "SUM0", "AVG", "MIN", "MAX":
		default:
			return false
		}
	}
	return true
}

// mergeGroupAcc adds the accumulators of from into those of into: the
// state of a group that saw the rows of both. Sums of floating-point
// values may differ in their last bits from adding the rows one by one,
// as in Flink, which merges session windows the same way.
func mergeGroupAcc(calls []plan.AggCall, into, from *groupAcc) error {
	into.Rows += from.Rows
	for i, c := range calls {
		a, b := &into.Accs[i], &from.Accs[i]
		switch c.Func {
		case "COUNT":
			a.N += b.N
		case "SUM", "SUM0", "AVG":
			a.N += b.N
			a.I += b.I
			a.F += b.F
			if b.Hi != 0 || b.Lo != 0 {
				sum, overflow := types.Int128{Hi: a.Hi, Lo: uint64(a.Lo)}.Add(types.Int128{Hi: b.Hi, Lo: uint64(b.Lo)})
				if overflow {
					return fmt.Errorf("%s: DECIMAL overflow", c.Func)
				}
				a.Hi, a.Lo = sum.Hi, int64(sum.Lo)
			}
		case "MIN", "MAX":
			if !b.Set {
				continue
			}
			if a.Set {
				d, err := compareExtremes(c.Type, b, a)
				if err != nil {
					return err
				}
				if c.Func == "MIN" && d >= 0 || c.Func == "MAX" && d <= 0 {
					continue
				}
			}
			a.I, a.F, a.S, a.Set = b.I, b.F, b.S, true
		default:
			return fmt.Errorf("session window: %s does not merge", c.Func)
		}
	}
	return nil
}

// compareExtremes orders the MIN/MAX values held by two accumulators of a
// call of type t.
func compareExtremes(t types.Type, a, b *aggAcc) (int, error) {
	switch t.Kind {
	case types.KindBigInt:
		return cmp3(a.I, b.I), nil
	case types.KindDouble:
		return cmpFloat(a.F, b.F), nil
	}
	x, err := extremeValue(a, t)
	if err != nil {
		return 0, err
	}
	y, err := extremeValue(b, t)
	if err != nil {
		return 0, err
	}
	return compareValues(x, y), nil
}
