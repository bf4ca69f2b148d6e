package functions

import (
	"math"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Arithmetic: + - * / % (MOD) and unary minus, for numerics (result types by
// types.ArithType: integer ops wrap as Java's, INT / INT is integer division,
// integer or DECIMAL division by zero is a row error as Java's
// ArithmeticException, DECIMAL overflow is NULL, floating point follows
// IEEE 754) and for datetime ± interval.

func init() {
	numSigs := func(op string) []string {
		return []string{"NUMERIC " + op + " NUMERIC", "DATETIME " + op + " INTERVAL", "INTERVAL " + op + " INTERVAL"}
	}
	register([]string{"+", "PLUS"}, append(numSigs("+"), "INTERVAL + DATETIME"), func(a []types.Type) *Resolved {
		return resolveArith(types.OpPlus, a)
	})
	register([]string{"-", "MINUS"}, append(numSigs("-"), "- NUMERIC", "- INTERVAL"), func(a []types.Type) *Resolved {
		if len(a) == 1 {
			return resolveNegate(a)
		}
		return resolveArith(types.OpMinus, a)
	})
	register([]string{"*", "TIMES"}, []string{"NUMERIC * NUMERIC"}, func(a []types.Type) *Resolved {
		return resolveArith(types.OpTimes, a)
	})
	register([]string{"/", "DIVIDE"}, []string{"NUMERIC / NUMERIC"}, func(a []types.Type) *Resolved {
		return resolveArith(types.OpDivide, a)
	})
	register([]string{"%", "MOD"}, []string{"MOD(EXACT_NUMERIC, EXACT_NUMERIC)", "NUMERIC % NUMERIC"}, func(a []types.Type) *Resolved {
		return resolveArith(types.OpMod, a)
	})
}

func nullAsInt(t types.Type) types.Type {
	if t.Kind == types.KindNull {
		return types.Int()
	}
	return t
}

func resolveArith(op types.ArithOp, args []types.Type) *Resolved {
	if len(args) != 2 {
		return nil
	}
	a, b := args[0], args[1]
	if a.Kind == types.KindNull && b.Kind == types.KindNull {
		return nil
	}
	if isNumeric(a) && isNumeric(b) {
		res, _ := types.ArithType(op, nullAsInt(a).WithNullable(true), nullAsInt(b).WithNullable(true))
		res = res.WithNullable(a.IsNullable() || b.IsNullable())
		switch {
		case res.IsIntegral():
			pa, pb := nullAsInt(a), nullAsInt(b)
			return strictFn([]types.Type{pa, pb}, args, res, false, intArith(op, res.Kind))
		case res.IsApprox():
			r := strictFn([]types.Type{res, res}, args, res, false, floatArith(op, res.Kind == types.KindFloat))
			return r
		default:
			da, _ := nullAsInt(a).AsDecimal()
			db, _ := nullAsInt(b).AsDecimal()
			// DECIMAL overflow is NULL, so the result is always nullable
			return strictFn([]types.Type{da, db}, args, res, true, decimalArith(op, res))
		}
	}
	return resolveDatetimeArith(op, a, b, args)
}

func intArith(op types.ArithOp, k types.Kind) Kernel {
	return func(_ *Context, args []*vector.Vector, n int, out *vector.Vector) error {
		a, b := args[0].Int64[:n], args[1].Int64[:n]
		out.Resize(n)
		o := out.Int64[:n]
		mergeNulls(out, n, args...)
		switch op {
		case types.OpPlus:
			for i := range o {
				o[i] = a[i] + b[i]
			}
		case types.OpMinus:
			for i := range o {
				o[i] = a[i] - b[i]
			}
		case types.OpTimes:
			for i := range o {
				o[i] = a[i] * b[i]
			}
		case types.OpDivide, types.OpMod:
			for i := range o {
				if b[i] == 0 {
					if !out.IsNull(i) {
						out.SetError(i, types.ErrDivideByZero)
					}
					continue
				}
				if op == types.OpDivide {
					o[i] = a[i] / b[i] // MinInt64 / -1 wraps, as Java
				} else {
					o[i] = a[i] % b[i] // sign of the dividend, as Java
				}
			}
		}
		wrapLane(k, o)
		return nil
	}
}

// wrapLane narrows results to the width of k (Java's int/short/byte overflow).
func wrapLane(k types.Kind, o []int64) {
	switch k {
	case types.KindInt:
		for i := range o {
			o[i] = int64(int32(o[i]))
		}
	case types.KindSmallInt:
		for i := range o {
			o[i] = int64(int16(o[i]))
		}
	case types.KindTinyInt:
		for i := range o {
			o[i] = int64(int8(o[i]))
		}
	}
}

func floatArith(op types.ArithOp, f32 bool) Kernel {
	return func(_ *Context, args []*vector.Vector, n int, out *vector.Vector) error {
		a, b := args[0].Float64[:n], args[1].Float64[:n]
		out.Resize(n)
		o := out.Float64[:n]
		switch op {
		case types.OpPlus:
			for i := range o {
				o[i] = a[i] + b[i]
			}
		case types.OpMinus:
			for i := range o {
				o[i] = a[i] - b[i]
			}
		case types.OpTimes:
			for i := range o {
				o[i] = a[i] * b[i]
			}
		case types.OpDivide:
			for i := range o {
				o[i] = a[i] / b[i]
			}
		case types.OpMod:
			for i := range o {
				o[i] = math.Mod(a[i], b[i])
			}
		}
		if f32 {
			for i := range o {
				o[i] = float64(float32(o[i]))
			}
		}
		mergeNulls(out, n, args...)
		return nil
	}
}

func decimalArith(op types.ArithOp, res types.Type) Kernel {
	p, s := res.Precision, res.Scale
	return func(_ *Context, args []*vector.Vector, n int, out *vector.Vector) error {
		a, b := args[0], args[1]
		out.Resize(n)
		mergeNulls(out, n, args...)
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			x, y := a.DecimalAt(i), b.DecimalAt(i)
			var r types.DecimalValue
			var ok bool
			var err error
			switch op {
			case types.OpPlus:
				r, ok = types.DecimalAdd(x, y, p, s)
			case types.OpMinus:
				r, ok = types.DecimalSub(x, y, p, s)
			case types.OpTimes:
				r, ok = types.DecimalMul(x, y, p, s)
			case types.OpDivide:
				r, ok, err = types.DecimalDiv(x, y, p, s)
			case types.OpMod:
				r, ok, err = types.DecimalMod(x, y, p, s)
			}
			switch {
			case err != nil:
				out.SetError(i, err)
			case !ok:
				out.SetNull(i)
			default:
				out.Dec[i] = r.Unscaled
			}
		}
		return nil
	}
}

func resolveNegate(args []types.Type) *Resolved {
	t := args[0]
	switch {
	case t.IsIntegral() || t.IsInterval():
		return strictFn(args, args, t, false, func(_ *Context, a []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i, x := range a[0].Int64[:n] {
				out.Int64[i] = -x
			}
			wrapLane(t.Kind, out.Int64)
			mergeNulls(out, n, a...)
			return nil
		})
	case t.IsApprox():
		return strictFn(args, args, t, false, func(_ *Context, a []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i, x := range a[0].Float64[:n] {
				out.Float64[i] = -x
			}
			mergeNulls(out, n, a...)
			return nil
		})
	case t.Kind == types.KindDecimal:
		return strictFn(args, args, t, false, func(_ *Context, a []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i, x := range a[0].Dec[:n] {
				out.Dec[i] = x.Neg()
			}
			mergeNulls(out, n, a...)
			return nil
		})
	}
	return nil
}

// --- datetime arithmetic ---

func resolveDatetimeArith(op types.ArithOp, a, b types.Type, args []types.Type) *Resolved {
	switch {
	case op != types.OpPlus && op != types.OpMinus:
		return nil
	case a.IsDatetime() && b.IsInterval():
		return strictFn([]types.Type{a, b}, args, a, false, datetimePlusInterval(a, b, op == types.OpMinus, false))
	case op == types.OpPlus && a.IsInterval() && b.IsDatetime():
		return strictFn([]types.Type{a, b}, args, b, false, datetimePlusInterval(b, a, false, true))
	case a.IsInterval() && a.Kind == b.Kind:
		res, _ := types.CommonType(a, b)
		sign := int64(1)
		if op == types.OpMinus {
			sign = -1
		}
		return strictFn([]types.Type{a, b}, args, res, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i := range out.Int64 {
				out.Int64[i] = v[0].Int64[i] + sign*v[1].Int64[i]
			}
			mergeNulls(out, n, v...)
			return nil
		})
	}
	return nil
}

// datetimePlusInterval adds (or subtracts) an interval to a DATE, TIME or
// timestamp. swapped: the interval is the first argument.
func datetimePlusInterval(dt, iv types.Type, minus, swapped bool) Kernel {
	return func(_ *Context, args []*vector.Vector, n int, out *vector.Vector) error {
		d, v := args[0], args[1]
		if swapped {
			d, v = v, d
		}
		out.Resize(n)
		mergeNulls(out, n, args...)
		for i := 0; i < n; i++ {
			amount := v.Int64[i]
			if minus {
				amount = -amount
			}
			switch dt.Kind {
			case types.KindDate:
				if iv.Kind == types.KindIntervalYearMonth {
					out.Int64[i] = int64(addMonthsToDate(types.DateValue(d.Int64[i]), amount))
				} else {
					out.Int64[i] = d.Int64[i] + types.FloorDiv(amount, types.MillisPerDay)
				}
			case types.KindTime:
				if iv.Kind == types.KindIntervalDayTime {
					out.Int64[i] = types.FloorMod(d.Int64[i]+amount, types.MillisPerDay)
				} else {
					out.Int64[i] = d.Int64[i]
				}
			default:
				ts := d.TimestampAt(i)
				if iv.Kind == types.KindIntervalYearMonth {
					ts.Millis = addMonthsToMillis(ts.Millis, amount)
				} else {
					ts.Millis += amount
				}
				out.Int64[i] = ts.Millis
				if ts.Nanos != 0 {
					out.EnsureNanos()
					out.Nanos[i] = ts.Nanos
				}
			}
		}
		return nil
	}
}

// addMonthsToDate adds months, clamping the day to the month's length (as
// java.time's plusMonths).
func addMonthsToDate(d types.DateValue, months int64) types.DateValue {
	y, m, day := d.Civil()
	total := int64(y)*12 + int64(m-1) + months
	ny, nm := int(types.FloorDiv(total, 12)), int(types.FloorMod(total, 12))+1
	return types.DateOf(ny, nm, min(day, monthDays(ny, nm)))
}

func addMonthsToMillis(ms int64, months int64) int64 {
	d, t := types.TimestampValue{Millis: ms}.Split()
	return types.TimestampOf(addMonthsToDate(d, months), t).Millis
}

func monthDays(y, m int) int {
	return int(types.DateOf(y, m+1, 1) - types.DateOf(y, m, 1))
}
