package exec

import (
	"fmt"
	"math"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// The variance family (VAR_POP, VAR_SAMP/VARIANCE, STDDEV_POP,
// STDDEV_SAMP/STDDEV), as Flink reduces them: the sum of squared
// deviations M2 over the values as DOUBLE, divided by COUNT (VAR_POP) or
// COUNT - 1 (VAR_SAMP, NULL for one value), square-rooted for STDDEV, then
// cast to the call's type (the argument's, DECIMAL(38, max(6, s)) for
// DECIMAL).
//
// Flink accumulates M2 by Welford's method, whose retract formula cannot
// undo its rounding: once a group has held values far apart, a retraction
// leaves M2 wrong by far more than the spread of the values that remain.
// Here the count (N), the sum and the sum of squares are double-doubles
// (about 106 bits; each step is error-free or nearly so), so a retraction
// takes back what was added to within 2^-104 of the largest sums the group
// has held, and M2 = Σx² - (Σx)²/n keeps about 32 significant digits
// through the cancellation: the result is DOUBLE-accurate unless the
// values' mean exceeds their spread by 10^12 or more. Values beyond
// ±1e154 overflow the squares (the result is then NaN or ∞).

// varianceKind reports whether name is of the variance family, whether it
// is the population form, and whether it takes the square root.
func varianceKind(name string) (pop, sqrt, ok bool) {
	switch name {
	case "VAR_POP":
		return true, false, true
	case "VAR_SAMP", "VARIANCE":
		return false, false, true
	case "STDDEV_POP":
		return true, true, true
	case "STDDEV_SAMP", "STDDEV":
		return false, true, true
	}
	return false, false, false
}

// varianceAdd accumulates (retract false) or retracts x.
func varianceAdd(acc *aggAcc, x float64, retract bool) {
	sq := ddMulFloat(x, x)
	if retract {
		acc.N--
		x, sq = -x, dd{-sq.hi, -sq.lo}
	} else {
		acc.N++
	}
	if acc.N == 0 {
		// No value left: start again from exact zeros.
		acc.setVarianceSums(dd{}, dd{})
		return
	}
	sum, sqs := acc.varianceSums()
	acc.setVarianceSums(ddAdd(sum, dd{x, 0}), ddAdd(sqs, sq))
}

// varianceSums returns the sum and the sum of squares: the sum's high
// part in F, the other parts' bits in the integer fields.
func (acc *aggAcc) varianceSums() (sum, sq dd) {
	bits := func(i int64) float64 { return math.Float64frombits(uint64(i)) }
	return dd{acc.F, bits(acc.I)}, dd{bits(acc.Hi), bits(acc.Lo)}
}

func (acc *aggAcc) setVarianceSums(sum, sq dd) {
	bits := func(f float64) int64 { return int64(math.Float64bits(f)) }
	acc.F, acc.I, acc.Hi, acc.Lo = sum.hi, bits(sum.lo), bits(sq.hi), bits(sq.lo)
}

// numericFloat is a numeric value as DOUBLE.
func numericFloat(fn string, v any) (float64, error) {
	switch x := v.(type) {
	case int8:
		return float64(x), nil
	case int16:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	case types.DecimalValue:
		return x.Float64(), nil
	}
	return 0, fmt.Errorf("%s of %T", fn, v)
}

// varianceDouble is the call's value as DOUBLE before the cast to its
// type; ok is false for NULL (no values, or one value of a sample form).
func varianceDouble(acc *aggAcc, fn string) (float64, bool) {
	pop, sqrt, _ := varianceKind(fn)
	n := acc.N
	if !pop {
		n--
	}
	if acc.N <= 0 || n <= 0 {
		return 0, false
	}
	sum, sq := acc.varianceSums()
	m2 := ddAdd(sq, ddNeg(ddDivFloat(ddMul(sum, sum), float64(acc.N))))
	// What rounding leaves below zero is zero.
	v := max(m2.hi+m2.lo, 0) / float64(n)
	if sqrt {
		v = math.Sqrt(v) // POWER(v, 0.5)
	}
	return v, true
}

// varianceValue is the call's value in its type (nil for NULL).
func varianceValue(acc *aggAcc, c *plan.AggCall) any {
	v, ok := varianceDouble(acc, c.Func)
	if !ok {
		return nil
	}
	return castDouble(c.Type, v)
}

// castDouble is CAST(v AS t) for the numeric types a variance takes, as
// Flink casts a DOUBLE: Java's primitive narrowing for integers, and
// BigDecimal.valueOf rounded HALF_UP for DECIMAL (NULL when it does not
// fit).
func castDouble(t types.Type, v float64) any {
	switch {
	case t.Kind == types.KindDouble:
		return v
	case t.Kind == types.KindFloat:
		return float32(v)
	case t.IsIntegral():
		return narrow(t, javaDoubleToIntegral(t.Kind, v))
	case t.Kind == types.KindDecimal:
		d, ok := types.DecimalFromFloat64(v)
		if !ok {
			return nil
		}
		if d, ok = d.ToType(t.Precision, t.Scale); !ok {
			return nil
		}
		return d
	}
	return nil
}

// javaDoubleToIntegral is Java's (byte)/(short)/(int)/(long) of a double:
// NaN is 0, out of range saturates at int or long, narrower types wrap.
func javaDoubleToIntegral(k types.Kind, f float64) int64 {
	if f != f {
		return 0
	}
	if k == types.KindBigInt {
		switch {
		case f >= math.MaxInt64:
			return math.MaxInt64
		case f <= math.MinInt64:
			return math.MinInt64
		}
		return int64(f)
	}
	v := int64(math.MinInt32)
	switch {
	case f >= math.MaxInt32:
		v = math.MaxInt32
	case f > math.MinInt32:
		v = int64(f)
	}
	return wrapInt(k, v)
}

// dd is a double-double: the unevaluated sum hi + lo, |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

// twoSum returns a+b and its rounding error, exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

// fastTwoSum is twoSum for |a| >= |b|.
func fastTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func ddAdd(a, b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	t, f := twoSum(a.lo, b.lo)
	e += t
	r := fastTwoSum(s, e)
	return fastTwoSum(r.hi, r.lo+f)
}

func ddNeg(a dd) dd { return dd{-a.hi, -a.lo} }

// ddMulFloat is the exact product a·b.
func ddMulFloat(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddMul(a, b dd) dd {
	p := ddMulFloat(a.hi, b.hi)
	return fastTwoSum(p.hi, p.lo+(a.hi*b.lo+a.lo*b.hi))
}

func ddDivFloat(a dd, b float64) dd {
	q1 := a.hi / b
	p := ddMulFloat(q1, b)
	s, e := twoSum(a.hi, -p.hi)
	e = e - p.lo + a.lo
	return fastTwoSum(q1, (s+e)/b)
}
