package exec

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// aggAcc is the accumulator of one aggregate call, made of basic types so
// the state backend's default codec checkpoints it. Calls that need more
// reuse the fields others use (integers encode in a byte when zero, floats
// always take eight): the variances keep double-doubles in F, I, Hi and Lo
// (accumulate_stats.go), FIRST/LAST_VALUE and LISTAGG under retraction
// number arrivals in N and Hi (accumulate_ordered.go), ARRAY_AGG, COLLECT
// and SINGLE_VALUE keep their values in U, JSON_OBJECTAGG its members in S
// (accumulate_array.go).
type aggAcc struct {
	N      int64   // values counted (COUNT; SUM/AVG's count, NULL when 0)
	I      int64   // integer sum, or MIN/MAX of the int64 lane
	F      float64 // float sum, or MIN/MAX of floats
	Hi, Lo int64   // DECIMAL sum (unscaled Int128)
	S      string  // MIN/MAX of other types (ValueString form)
	Set    bool    // MIN/MAX, FIRST/LAST_VALUE, LISTAGG hold a value
	U      []byte  // a user-defined aggregate's encoded accumulator
}

// groupAcc is the state of one group: its row count and the calls'
// accumulators.
type groupAcc struct {
	Rows int64
	Accs []aggAcc
}

// aggregator evaluates the aggregate calls of an AggSpec over rows.
type aggregator struct {
	calls  []plan.AggCall
	inType []types.Type
	// retract is set when the input has retractions: MIN/MAX keep every
	// value's count (in the map state) instead of the extreme alone.
	retract bool
	counts  countStore
	ops     []aggOp // of addAt, chosen at its first row
	// seps are the LISTAGG calls' separators, noted from the first row.
	seps []*string
	// codecs encode the values of the collecting calls (ARRAY_AGG …).
	codecs []*rowCodec
}

// countStore keeps per-group counts of values (DISTINCT, MIN/MAX under
// retraction) and the arrivals of FIRST/LAST_VALUE and LISTAGG under
// retraction (accumulate_ordered.go): a map state scoped to the current
// key.
type countStore interface {
	Get(k string) (int64, bool)
	Put(k string, v int64)
	Remove(k string)
	// Each calls fn for the entries with the given prefix.
	Each(prefix string, fn func(k string, v int64))
}

func newGroupAcc(n int) groupAcc { return groupAcc{Accs: make([]aggAcc, n)} }

func (a *aggregator) needsCounts() bool {
	for _, c := range a.calls {
		if c.Distinct || c.Func == "JSON_OBJECTAGG" || a.retract && (c.Func == "MIN" || c.Func == "MAX" || isOrdered(c.Func) || isCollecting(c.Func)) {
			return true
		}
	}
	return false
}

// countKey is the key of value v of call i in the count store.
func countKey(prefix string, i int, v any) string {
	return prefix + string(rune('A'+i)) + "\x00" + valueKey(v)
}

// add accumulates (retract false) or retracts one input row. prefix scopes
// the count store (the window of a window aggregation).
func (a *aggregator) add(g *groupAcc, row []any, retract bool, prefix string) error {
	if retract {
		g.Rows--
	} else {
		g.Rows++
	}
	for i, c := range a.calls {
		if c.Filter >= 0 {
			if b, _ := row[c.Filter].(bool); !b {
				continue
			}
		}
		if c.UDAF != nil {
			args := make([]any, len(c.Args))
			for j, col := range c.Args {
				args[j] = row[col]
			}
			if c.Distinct && !a.distinctChange(i, udafDistinctKey(args), retract, prefix) {
				continue
			}
			if err := udafAdd(&g.Accs[i], c, args, retract); err != nil {
				return err
			}
			continue
		}
		var v any
		if len(c.Args) > 0 {
			v = row[c.Args[0]]
			if v == nil && !keepsNulls(&c) {
				continue // aggregates skip NULLs
			}
		}
		if len(c.Args) > 1 && c.Func == "LISTAGG" && !a.hasSeparator(i) {
			a.noteSeparator(i, row[c.Args[1]])
		}
		if c.Distinct && len(c.Args) > 1 {
			vals := make([]any, len(c.Args))
			for j, col := range c.Args {
				vals[j] = row[col]
			}
			var ok bool
			if v, ok = distinctTuple(vals); !ok {
				continue
			}
		}
		if err := a.addValue(g, i, v, retract, prefix); err != nil {
			return err
		}
	}
	return nil
}

// addValue accumulates or retracts non-null value v (nil for COUNT(*)) of
// call i.
func (a *aggregator) addValue(g *groupAcc, i int, v any, retract bool, prefix string) error {
	c := a.calls[i]
	if c.Distinct {
		key := v
		if isCollecting(c.Func) {
			key = a.elemKey(i, v) // NULL apart from 'NULL'
		}
		if !a.distinctChange(i, key, retract, prefix) {
			return nil
		}
	}
	return a.addOne(&g.Accs[i], c, i, v, retract, prefix)
}

// distinctChange counts an occurrence of value v of DISTINCT call i in or
// out and reports whether it changes the distinct values: only the first
// occurrence adds, only the last retracts.
func (a *aggregator) distinctChange(i int, v any, retract bool, prefix string) bool {
	k := countKey(prefix, i, v)
	n, _ := a.counts.Get(k)
	if retract {
		n--
	} else {
		n++
	}
	if n <= 0 {
		a.counts.Remove(k)
	} else {
		a.counts.Put(k, n)
	}
	return retract && n == 0 || !retract && n == 1
}

// udafDistinctKey is the DISTINCT key of a user-defined aggregate's
// arguments (NULLs included: the function sees them).
func udafDistinctKey(args []any) string {
	var b strings.Builder
	for i, v := range args {
		if i > 0 {
			b.WriteByte(0)
		}
		if v == nil {
			b.WriteString("\x01N")
			continue
		}
		b.WriteString(valueKey(v))
	}
	return b.String()
}

func (a *aggregator) addOne(acc *aggAcc, c plan.AggCall, i int, v any, retract bool, prefix string) error {
	sign := int64(1)
	if retract {
		sign = -1
	}
	switch c.Func {
	case "COUNT":
		acc.N += sign
	case "SUM", "SUM0", "AVG":
		acc.N += sign
		switch x := v.(type) {
		case int8:
			acc.I += sign * int64(x)
		case int16:
			acc.I += sign * int64(x)
		case int32:
			acc.I += sign * int64(x)
		case int64:
			acc.I += sign * x
		case float32:
			acc.F += float64(sign) * float64(x)
		case float64:
			acc.F += float64(sign) * x
		case types.DecimalValue:
			d, ok := x.Rescale(c.Type.Scale)
			if !ok {
				return fmt.Errorf("%s: DECIMAL overflow", c.Func)
			}
			if retract {
				d = d.Neg()
			}
			sum, overflow := types.Int128{Hi: acc.Hi, Lo: uint64(acc.Lo)}.Add(d.Unscaled)
			if overflow {
				return fmt.Errorf("%s: DECIMAL overflow", c.Func)
			}
			acc.Hi, acc.Lo = sum.Hi, int64(sum.Lo)
		default:
			return fmt.Errorf("%s of %T", c.Func, v)
		}
	case "MIN", "MAX":
		if a.retract {
			k := countKey(prefix, i, v)
			n, _ := a.counts.Get(k)
			n += sign
			if n <= 0 {
				a.counts.Remove(k)
			} else {
				a.counts.Put(k, n)
			}
			acc.N += sign
			return nil
		}
		if !acc.Set {
			setExtreme(acc, v)
			return nil
		}
		cur, err := extremeValue(acc, c.Type)
		if err != nil {
			return err
		}
		d := compareValues(v, cur)
		if c.Func == "MIN" && d < 0 || c.Func == "MAX" && d > 0 {
			setExtreme(acc, v)
		}
	case "FIRST_VALUE", "LAST_VALUE", "LISTAGG":
		return a.addOrdered(acc, &c, i, v, retract, prefix)
	case "ARRAY_AGG", "COLLECT", "SINGLE_VALUE":
		return a.addCollected(acc, &c, i, v, retract, prefix)
	case "JSON_OBJECTAGG":
		return a.addJSONMember(acc, i, v, retract, prefix)
	default:
		if _, _, ok := varianceKind(c.Func); !ok {
			return fmt.Errorf("aggregate function %s is not supported", c.Func)
		}
		x, err := numericFloat(c.Func, v)
		if err != nil {
			return err
		}
		varianceAdd(acc, x, retract)
	}
	return nil
}

// isOrdered reports whether an aggregate depends on arrival order.
func isOrdered(fn string) bool {
	return fn == "FIRST_VALUE" || fn == "LAST_VALUE" || fn == "LISTAGG"
}

func setExtreme(acc *aggAcc, v any) {
	acc.Set = true
	switch x := v.(type) {
	case int64:
		acc.I = x
	case float64:
		acc.F = x
	default:
		acc.S = valueKey(v)
	}
}

func extremeValue(acc *aggAcc, t types.Type) (any, error) {
	switch t.Kind {
	case types.KindBigInt:
		return acc.I, nil
	case types.KindDouble:
		return acc.F, nil
	}
	t.TimeAttr = types.NoTimeAttr
	return plan.ParseValue(t, acc.S)
}

// results returns the calls' current values.
func (a *aggregator) results(g *groupAcc, prefix string) ([]any, error) {
	out := make([]any, len(a.calls))
	for i := range a.calls {
		v, err := a.result(g, i, prefix)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// result returns the current value of call i (nil for NULL).
func (a *aggregator) result(g *groupAcc, i int, prefix string) (any, error) {
	c := a.calls[i]
	acc := &g.Accs[i]
	t := c.Type
	if c.UDAF != nil {
		return udafResult(acc, c)
	}
	switch c.Func {
	case "COUNT":
		return acc.N, nil
	case "SUM", "SUM0", "AVG":
		if acc.N == 0 {
			if c.Func == "SUM0" {
				return zeroOf(t), nil
			}
			return nil, nil
		}
		return sumValue(acc, t, c.Func == "AVG"), nil
	case "MIN", "MAX":
		if a.retract {
			var best any
			a.counts.Each(prefix+string(rune('A'+i))+"\x00", func(k string, n int64) {
				if n <= 0 {
					return
				}
				_, s, _ := cutNul(k)
				v, err := plan.ParseValue(plainType(t), s)
				if err != nil {
					return
				}
				if best == nil {
					best = v
					return
				}
				d := compareValues(v, best)
				if c.Func == "MIN" && d < 0 || c.Func == "MAX" && d > 0 {
					best = v
				}
			})
			return best, nil
		}
		if !acc.Set {
			return nil, nil
		}
		v, err := extremeValue(acc, t)
		if err != nil {
			return nil, err
		}
		return narrow(t, v), nil
	case "FIRST_VALUE", "LAST_VALUE", "LISTAGG":
		return orderedValue(acc, &c)
	case "ARRAY_AGG", "COLLECT", "SINGLE_VALUE":
		return a.collectedValue(acc, &c, i, prefix)
	case "JSON_OBJECTAGG":
		return jsonObjectValue(acc), nil
	}
	if _, _, ok := varianceKind(c.Func); ok {
		return varianceValue(acc, &c), nil
	}
	return nil, fmt.Errorf("aggregate function %s is not supported", c.Func)
}

func cutNul(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func plainType(t types.Type) types.Type {
	t.TimeAttr = types.NoTimeAttr
	return t
}

// narrow converts the int64/float64 lanes back to the type's Go
// representation.
func narrow(t types.Type, v any) any {
	switch x := v.(type) {
	case int64:
		switch t.Kind {
		case types.KindTinyInt:
			return int8(x)
		case types.KindSmallInt:
			return int16(x)
		case types.KindInt:
			return int32(x)
		}
	case float64:
		if t.Kind == types.KindFloat {
			return float32(x)
		}
	}
	return v
}

func zeroOf(t types.Type) any {
	switch {
	case t.IsIntegral():
		return narrow(t, int64(0))
	case t.IsApprox():
		return narrow(t, float64(0))
	}
	return types.DecimalValue{Scale: t.Scale}
}

// sumValue is SUM (or AVG: SUM / COUNT, truncated for integers as Java's
// long division) in the call's result type.
func sumValue(acc *aggAcc, t types.Type, avg bool) any {
	switch {
	case t.IsIntegral():
		s := acc.I
		if avg {
			s /= acc.N
		}
		return narrow(t, s)
	case t.IsApprox():
		s := acc.F
		if avg {
			s /= float64(acc.N)
		}
		return narrow(t, s)
	}
	d := types.DecimalValue{Unscaled: types.Int128{Hi: acc.Hi, Lo: uint64(acc.Lo)}, Scale: t.Scale}
	if avg {
		q, ok, err := types.DecimalDiv(d, types.DecimalFromInt64(acc.N), t.Precision, t.Scale)
		if err != nil || !ok {
			return nil
		}
		return q
	}
	return d
}

// distinctTuple is the value COUNT(DISTINCT a, b, …) counts for a row: the
// arguments' values as one key; false when one is NULL (the row is not
// counted, as in Flink).
func distinctTuple(vals []any) (string, bool) {
	var b strings.Builder
	for i, v := range vals {
		if v == nil {
			return "", false
		}
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(valueKey(v))
	}
	return b.String(), true
}
