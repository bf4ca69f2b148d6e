package functions

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Numeric functions. Functions of real numbers (SQRT, LN, SIN …) take and
// return DOUBLE as Flink's; ABS, SIGN, ROUND, TRUNCATE, CEIL and FLOOR keep
// exact types exact.

// doubleFn registers f: DOUBLE… → DOUBLE for numeric arguments.
func doubleFn(names []string, arity int, f func(x []float64) float64) {
	sig := names[0] + "(" + strings.TrimSuffix(strings.Repeat("NUMERIC, ", arity), ", ") + ")"
	register(names, []string{sig}, func(args []types.Type) *Resolved {
		if !allOf(args, arity, arity, isNumeric) {
			return nil
		}
		return strictFn(repeatType(types.Double(), arity), args, types.Double(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			o := out.Float64[:n]
			switch arity {
			case 0:
				for i := range o {
					o[i] = f(nil)
				}
			case 1:
				a := v[0].Float64[:n]
				x := make([]float64, 1)
				for i := range o {
					x[0] = a[i]
					o[i] = f(x)
				}
			default:
				x := make([]float64, arity)
				for i := range o {
					for k := range x {
						x[k] = v[k].Float64[i]
					}
					o[i] = f(x)
				}
			}
			mergeNulls(out, n, v...)
			return nil
		})
	})
}

func init() {
	doubleFn([]string{"SQRT"}, 1, func(x []float64) float64 { return math.Sqrt(x[0]) })
	doubleFn([]string{"LN"}, 1, func(x []float64) float64 { return math.Log(x[0]) })
	doubleFn([]string{"LOG10"}, 1, func(x []float64) float64 { return math.Log10(x[0]) })
	doubleFn([]string{"LOG2"}, 1, func(x []float64) float64 { return math.Log2(x[0]) })
	doubleFn([]string{"EXP"}, 1, func(x []float64) float64 { return math.Exp(x[0]) })
	doubleFn([]string{"POWER", "POW"}, 2, func(x []float64) float64 { return math.Pow(x[0], x[1]) })
	doubleFn([]string{"SIN"}, 1, func(x []float64) float64 { return math.Sin(x[0]) })
	doubleFn([]string{"COS"}, 1, func(x []float64) float64 { return math.Cos(x[0]) })
	doubleFn([]string{"TAN"}, 1, func(x []float64) float64 { return math.Tan(x[0]) })
	doubleFn([]string{"COT"}, 1, func(x []float64) float64 { return 1 / math.Tan(x[0]) })
	doubleFn([]string{"ASIN"}, 1, func(x []float64) float64 { return math.Asin(x[0]) })
	doubleFn([]string{"ACOS"}, 1, func(x []float64) float64 { return math.Acos(x[0]) })
	doubleFn([]string{"ATAN"}, 1, func(x []float64) float64 { return math.Atan(x[0]) })
	doubleFn([]string{"ATAN2"}, 2, func(x []float64) float64 { return math.Atan2(x[0], x[1]) })
	doubleFn([]string{"SINH"}, 1, func(x []float64) float64 { return math.Sinh(x[0]) })
	doubleFn([]string{"COSH"}, 1, func(x []float64) float64 { return math.Cosh(x[0]) })
	doubleFn([]string{"TANH"}, 1, func(x []float64) float64 { return math.Tanh(x[0]) })
	doubleFn([]string{"DEGREES"}, 1, func(x []float64) float64 { return x[0] * 180 / math.Pi })
	doubleFn([]string{"RADIANS"}, 1, func(x []float64) float64 { return x[0] / 180 * math.Pi })
	doubleFn([]string{"PI"}, 0, func([]float64) float64 { return math.Pi })
	doubleFn([]string{"E"}, 0, func([]float64) float64 { return math.E })
	// LOG(x) is ln x; LOG(base, x) is log_base x
	register([]string{"LOG"}, []string{"LOG(NUMERIC)", "LOG(NUMERIC, NUMERIC)"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 2, isNumeric) {
			return nil
		}
		return strictFn(repeatType(types.Double(), len(args)), args, types.Double(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i := range out.Float64 {
				if len(v) == 1 {
					out.Float64[i] = math.Log(v[0].Float64[i])
				} else {
					out.Float64[i] = math.Log(v[1].Float64[i]) / math.Log(v[0].Float64[i])
				}
			}
			mergeNulls(out, n, v...)
			return nil
		})
	})
	register([]string{"ABS"}, []string{"ABS(NUMERIC)", "ABS(INTERVAL)"}, func(args []types.Type) *Resolved {
		if len(args) != 1 || !(isNumeric(args[0]) || args[0].IsInterval()) {
			return nil
		}
		t := nullAsInt(args[0])
		return strictFn([]types.Type{t}, args, t, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			switch vector.LaneOf(t) {
			case vector.LaneInt64:
				for i, x := range v[0].Int64[:n] {
					if x < 0 {
						x = -x
					}
					out.Int64[i] = x
				}
				wrapLane(t.Kind, out.Int64)
			case vector.LaneFloat64:
				for i, x := range v[0].Float64[:n] {
					out.Float64[i] = math.Abs(x)
				}
			case vector.LaneDecimal:
				for i, x := range v[0].Dec[:n] {
					if x.Sign() < 0 {
						x = x.Neg()
					}
					out.Dec[i] = x
				}
			}
			mergeNulls(out, n, v...)
			return nil
		})
	})
	register([]string{"SIGN"}, []string{"SIGN(NUMERIC)"}, func(args []types.Type) *Resolved {
		if len(args) != 1 || !isNumeric(args[0]) {
			return nil
		}
		t := nullAsInt(args[0])
		return strictFn([]types.Type{t}, args, t, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i := 0; i < n; i++ {
				switch vector.LaneOf(t) {
				case vector.LaneInt64:
					x := v[0].Int64[i]
					out.Int64[i] = int64(sign(float64(x)))
				case vector.LaneFloat64:
					out.Float64[i] = sign(v[0].Float64[i])
				case vector.LaneDecimal:
					u, _ := types.Int128From(int64(v[0].Dec[i].Sign())).MulPow10(t.Scale)
					out.Dec[i] = u
				}
			}
			mergeNulls(out, n, v...)
			return nil
		})
	})
	for _, name := range []string{"ROUND", "TRUNCATE"} {
		trunc := name == "TRUNCATE"
		registry[name] = &funcDef{name: name, sigs: []string{name + "(NUMERIC[, INTEGER])"},
			resolveConst: func(args []types.Type, consts []any) *Resolved {
				return resolveRound(args, consts, trunc)
			}}
	}
	for _, name := range []string{"FLOOR", "CEIL", "CEILING"} {
		ceil := name != "FLOOR"
		register([]string{name}, []string{name + "(NUMERIC)", name + "(DATETIME, unit STRING)"}, func(args []types.Type) *Resolved {
			return resolveFloor(args, ceil)
		})
	}
	register([]string{"RAND"}, []string{"RAND([INTEGER seed])"}, func(args []types.Type) *Resolved {
		if !allOf(args, 0, 1, isInteger) {
			return nil
		}
		r := randFn(args, false)
		return r
	})
	register([]string{"RAND_INTEGER"}, []string{"RAND_INTEGER([INTEGER seed, ] INTEGER bound)"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 2, isInteger) {
			return nil
		}
		return randFn(args, true)
	})
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // 0, -0 or NaN
}

// randFn is RAND/RAND_INTEGER: a seeded generator when a seed is given (the
// same sequence per Resolved), else a random one. Not deterministic.
func randFn(args []types.Type, integer bool) *Resolved {
	params := repeatType(types.BigInt(), len(args))
	result := types.Double()
	if integer {
		result = types.Int()
	}
	seeded := len(args) == 2 || !integer && len(args) == 1
	var gen *rand.Rand
	r := strictFn(params, args, result, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v...)
		if gen == nil {
			if seeded && n > 0 && !v[0].IsNull(0) {
				s := uint64(v[0].Int64At(0))
				gen = rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
			} else {
				gen = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
			}
		}
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			if integer {
				bound := v[len(v)-1].Int64At(i)
				if bound <= 0 {
					out.SetError(i, errors.New("RAND_INTEGER bound must be positive"))
					continue
				}
				out.Int64[i] = gen.Int64N(bound)
			} else {
				out.Float64[i] = gen.Float64()
			}
		}
		return nil
	})
	r.Deterministic = false
	return r
}

func resolveRound(args []types.Type, consts []any, trunc bool) *Resolved {
	if len(args) < 1 || len(args) > 2 || !isNumeric(args[0]) || len(args) == 2 && !isInteger(args[1]) {
		return nil
	}
	t := nullAsInt(args[0])
	res := t
	if t.Kind == types.KindDecimal {
		// the result scale follows a literal digit count (Flink's
		// findRoundDecimalType); without one the type is kept
		r := t.Scale
		if len(args) == 1 {
			r = 0
		} else if c, ok := consts[1].(int32); ok {
			r = int(c)
		} else if c, ok := consts[1].(int64); ok {
			r = int(max(min(c, 38), -38))
		}
		res = types.DecimalRoundType(t.Precision, t.Scale, r).WithNullable(t.IsNullable())
	}
	params := []types.Type{t}
	if len(args) == 2 {
		params = append(params, types.Int())
	}
	return strictFn(params, args, res, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v...)
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			d := int64(0)
			if len(v) == 2 {
				d = max(min(v[1].Int64At(i), 40), -40)
			}
			switch vector.LaneOf(t) {
			case vector.LaneInt64:
				x := types.DecimalFromInt64(v[0].Int64[i])
				var r types.DecimalValue
				if trunc {
					r = x.Truncate(int(d))
				} else {
					r = x.Round(int(d))
				}
				out.Int64[i] = wrapInt(t.Kind, r.Int64Trunc())
			case vector.LaneFloat64:
				out.Float64[i] = roundFloat(v[0].Float64[i], int(d), trunc)
			case vector.LaneDecimal:
				x := v[0].DecimalAt(i)
				var r types.DecimalValue
				if trunc {
					r = x.Truncate(int(d))
				} else {
					r = x.Round(int(d))
				}
				// back to the result scale
				r, ok := r.ToType(res.Precision, res.Scale)
				if !ok {
					out.SetNull(i)
					continue
				}
				out.Dec[i] = r.Unscaled
			}
		}
		return nil
	})
}

// roundFloat rounds HALF_UP (or truncates) at d decimal digits via the exact
// decimal form of x, as Flink's BigDecimal-based ROUND on DOUBLE.
func roundFloat(x float64, d int, trunc bool) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	dec, ok := types.DecimalFromFloat64(x)
	if !ok {
		return x
	}
	if trunc {
		dec = dec.Truncate(d)
	} else {
		dec = dec.Round(d)
	}
	return dec.Float64()
}

func resolveFloor(args []types.Type, ceil bool) *Resolved {
	if len(args) == 2 {
		if !isTemporal(args[0]) || !isString(args[1]) {
			return nil
		}
		return strictFn([]types.Type{args[0], strParam(args[1])}, args, args[0], true, func(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			mergeNulls(out, n, v...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				unit := strings.ToUpper(rowString(v[1], i))
				ts := wallOf(ctx, v[0], i)
				fl, ok := floorDatetime(ts, unit, ceil)
				if !ok {
					out.SetNull(i)
					continue
				}
				switch v[0].Type().Kind {
				case types.KindDate:
					d, _ := fl.Split()
					out.Int64[i] = int64(d)
				case types.KindTime:
					_, t := fl.Split()
					out.Int64[i] = int64(t)
				case types.KindTimestampLTZ:
					out.Int64[i] = fl.ToInstant(ctx.loc()).Millis
				default:
					out.Int64[i] = fl.Millis
				}
			}
			return nil
		})
	}
	if len(args) != 1 || !isNumeric(args[0]) {
		return nil
	}
	t := nullAsInt(args[0])
	res := t
	if t.Kind == types.KindDecimal {
		res = types.Decimal(min(types.MaxDecimalPrecision, t.Precision-t.Scale+min(t.Scale, 1)), 0)
	}
	return strictFn([]types.Type{t}, args, res, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		switch vector.LaneOf(t) {
		case vector.LaneInt64:
			copy(out.Int64, v[0].Int64[:n])
		case vector.LaneFloat64:
			for i, x := range v[0].Float64[:n] {
				if ceil {
					out.Float64[i] = math.Ceil(x)
				} else {
					out.Float64[i] = math.Floor(x)
				}
			}
		case vector.LaneDecimal:
			for i := 0; i < n; i++ {
				x := v[0].DecimalAt(i)
				if ceil {
					out.Dec[i] = x.Ceil().Unscaled
				} else {
					out.Dec[i] = x.Floor().Unscaled
				}
			}
		}
		mergeNulls(out, n, v...)
		return nil
	})
}
