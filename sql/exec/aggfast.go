package exec

import (
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// The typed paths of the aggregator: they read input lanes and write
// output lanes directly for the common calls (COUNT, SUM/AVG of integers
// and floats, MIN/MAX of BIGINT and DOUBLE without retraction, the
// variances of integers and floats), and box
// values only for the others, so a row costs no allocation. Each mirrors
// the boxed path (addOne, result) exactly.

// addRow accumulates or retracts a row of an exchange, typed when it points
// into its chunk.
func (a *aggregator) addRow(g *groupAcc, r *keyedRow, retract bool, prefix string) error {
	if r.vals == nil && r.src != nil {
		return a.addAt(g, r.src, r.at, retract, prefix)
	}
	return a.add(g, r.vals, retract, prefix)
}

// aggOp is how addAt accumulates a call, chosen once from the input types.
type aggOp uint8

const (
	opBoxed aggOp = iota // through Go values (addValue)
	opCountStar
	opCount
	opSumInt
	opSumFloat
	opMinInt
	opMaxInt
	opMinFloat
	opMaxFloat
	opVarianceInt   // the variance family of an int64 lane
	opVarianceFloat // the variance family of a float64 lane
)

// typedOps chooses the aggOp of each call for input chunks like c.
func (a *aggregator) typedOps(c *vector.Chunk) []aggOp {
	ops := make([]aggOp, len(a.calls))
	for i, call := range a.calls {
		if call.Distinct {
			continue
		}
		if len(call.Args) == 0 {
			if call.Func == "COUNT" {
				ops[i] = opCountStar
			}
			continue
		}
		vt := c.Cols[call.Args[0]].Type()
		switch call.Func {
		case "COUNT":
			ops[i] = opCount
		case "SUM", "SUM0", "AVG":
			switch {
			case vt.IsIntegral():
				ops[i] = opSumInt
			case vt.IsApprox():
				ops[i] = opSumFloat
			}
		case "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE":
			switch {
			case vt.IsIntegral():
				ops[i] = opVarianceInt
			case vt.IsApprox():
				ops[i] = opVarianceFloat
			}
		case "MIN", "MAX":
			if a.retract || vt.Kind != call.Type.Kind {
				continue
			}
			isMin := call.Func == "MIN"
			switch call.Type.Kind {
			case types.KindBigInt:
				ops[i] = opMaxInt
				if isMin {
					ops[i] = opMinInt
				}
			case types.KindDouble:
				ops[i] = opMaxFloat
				if isMin {
					ops[i] = opMinFloat
				}
			}
		}
	}
	return ops
}

// addAt accumulates (retract false) or retracts physical row at of c.
func (a *aggregator) addAt(g *groupAcc, c *vector.Chunk, at int, retract bool, prefix string) error {
	if a.ops == nil {
		a.ops = a.typedOps(c)
	}
	sign := int64(1)
	if retract {
		sign = -1
	}
	g.Rows += sign
	for i, op := range a.ops {
		call := &a.calls[i]
		if call.Filter >= 0 {
			fv := c.Cols[call.Filter]
			if fv.IsNull(at) || !fv.BoolAt(at) {
				continue
			}
		}
		acc := &g.Accs[i]
		if call.UDAF != nil {
			args := make([]any, len(call.Args))
			for j, col := range call.Args {
				args[j] = c.Cols[col].Get(at)
			}
			if call.Distinct && !a.distinctChange(i, udafDistinctKey(args), retract, prefix) {
				continue
			}
			if err := udafAdd(acc, *call, args, retract); err != nil {
				return err
			}
			continue
		}
		if op == opCountStar {
			acc.N += sign
			continue
		}
		var v *vector.Vector
		if len(call.Args) > 0 {
			if v = c.Cols[call.Args[0]]; v.IsNull(at) && !keepsNulls(call) {
				continue // aggregates skip NULLs (ARRAY_AGG, SINGLE_VALUE keep them)
			}
		}
		switch op {
		case opCount:
			acc.N += sign
		case opSumInt:
			acc.N += sign
			acc.I += sign * v.Int64At(at)
		case opSumFloat:
			acc.N += sign
			acc.F += float64(sign) * v.Float64At(at)
		case opMinInt, opMaxInt:
			x := v.Int64At(at)
			if !acc.Set || op == opMinInt && x < acc.I || op == opMaxInt && x > acc.I {
				acc.I, acc.Set = x, true
			}
		case opMinFloat, opMaxFloat:
			x := v.Float64At(at)
			if !acc.Set || op == opMinFloat && x < acc.F || op == opMaxFloat && x > acc.F {
				acc.F, acc.Set = x, true
			}
		case opVarianceInt:
			varianceAdd(acc, float64(v.Int64At(at)), retract)
		case opVarianceFloat:
			varianceAdd(acc, v.Float64At(at), retract)
		default:
			var x any
			if v != nil {
				x = v.Get(at)
			}
			if call.Distinct && len(call.Args) > 1 {
				vals := make([]any, len(call.Args))
				for j, col := range call.Args {
					vals[j] = c.Cols[col].Get(at)
				}
				var ok bool
				if x, ok = distinctTuple(vals); !ok {
					continue
				}
			}
			if len(call.Args) > 1 && call.Func == "LISTAGG" && !a.hasSeparator(i) {
				a.noteSeparator(i, c.Cols[call.Args[1]].Get(at))
			}
			if err := a.addValue(g, i, x, retract, prefix); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendResults appends the calls' current values to cols, one per call.
func (a *aggregator) appendResults(cols []*vector.Vector, g *groupAcc, prefix string) error {
	for i := range a.calls {
		if a.appendTyped(cols[i], i, g) {
			continue
		}
		v, err := a.result(g, i, prefix)
		if err != nil {
			return err
		}
		if err := cols[i].Append(v); err != nil {
			return err
		}
	}
	return nil
}

// appendTyped is result followed by Append for the typed calls.
func (a *aggregator) appendTyped(out *vector.Vector, i int, g *groupAcc) bool {
	c := &a.calls[i]
	acc := &g.Accs[i]
	t := c.Type
	switch c.Func {
	case "COUNT":
		if out.Lane() != vector.LaneInt64 {
			return false
		}
		out.AppendInt64(acc.N)
		return true
	case "SUM", "SUM0", "AVG":
		switch {
		case t.IsIntegral() && out.Lane() == vector.LaneInt64:
			if acc.N == 0 {
				if c.Func == "SUM0" {
					out.AppendInt64(0)
				} else {
					out.AppendNull()
				}
				return true
			}
			s := acc.I
			if c.Func == "AVG" {
				s /= acc.N
			}
			out.AppendInt64(wrapInt(t.Kind, s))
			return true
		case t.IsApprox() && out.Lane() == vector.LaneFloat64:
			if acc.N == 0 {
				if c.Func == "SUM0" {
					out.AppendFloat64(0)
				} else {
					out.AppendNull()
				}
				return true
			}
			s := acc.F
			if c.Func == "AVG" {
				s /= float64(acc.N)
			}
			out.AppendFloat64(s)
			return true
		}
	case "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE":
		if t.Kind != types.KindDouble || out.Lane() != vector.LaneFloat64 {
			return false
		}
		if v, ok := varianceDouble(acc, c.Func); ok {
			out.AppendFloat64(v)
		} else {
			out.AppendNull()
		}
		return true
	case "MIN", "MAX":
		if a.retract {
			return false
		}
		switch {
		case t.Kind == types.KindBigInt && out.Lane() == vector.LaneInt64:
			if !acc.Set {
				out.AppendNull()
			} else {
				out.AppendInt64(acc.I)
			}
			return true
		case t.Kind == types.KindDouble && out.Lane() == vector.LaneFloat64:
			if !acc.Set {
				out.AppendNull()
			} else {
				out.AppendFloat64(acc.F)
			}
			return true
		}
	}
	return false
}

// wrapInt narrows an int64 to an integer type's width, as narrow does.
func wrapInt(k types.Kind, x int64) int64 {
	switch k {
	case types.KindTinyInt:
		return int64(int8(x))
	case types.KindSmallInt:
		return int64(int16(x))
	case types.KindInt:
		return int64(int32(x))
	}
	return x
}
