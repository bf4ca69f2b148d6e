package types

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// DecimalValue is an exact decimal number: Unscaled · 10^-Scale, Scale in
// [0, 38]. The DECIMAL(p, s) type of a column is known from its Type; a value
// carries only its scale. Arithmetic happens in 128 bits (one 64×64→128
// multiply when both operands fit an int64) and falls back to math/big only
// when an intermediate needs more than 128 bits.
type DecimalValue struct {
	Unscaled Int128
	Scale    int
}

// ErrDivideByZero is the error of integer and DECIMAL division by zero (Java's
// ArithmeticException, which fails a Flink job).
var ErrDivideByZero = errors.New("division by zero")

// DecimalFromInt64 returns v with scale 0.
func DecimalFromInt64(v int64) DecimalValue { return DecimalValue{Unscaled: Int128From(v)} }

// DecimalFromFloat64 converts f as Java's BigDecimal.valueOf(double) (via the
// shortest decimal string of f); ok is false for NaN/±Inf or values with more
// than 38 digits before scaling.
func DecimalFromFloat64(f float64) (DecimalValue, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return DecimalValue{}, false
	}
	d, err := ParseDecimal(strconv.FormatFloat(f, 'g', -1, 64))
	return d, err == nil
}

// ParseDecimal reads [+|-]digits[.digits][(e|E)[+|-]digits] with optional
// surrounding spaces, exactly (no rounding). Scales below 0 are normalized to
// 0 and scales above 38 are rounded HALF_UP to 38.
func ParseDecimal(s string) (DecimalValue, error) {
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 1000 || e < -1000 {
			return DecimalValue{}, fmt.Errorf("invalid decimal %q", orig)
		}
		exp = e
		s = s[:i]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	if intPart == "" && frac == "" {
		return DecimalValue{}, fmt.Errorf("invalid decimal %q", orig)
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	for i := 0; i < len(intPart)+len(frac); i++ {
		c := (intPart + frac)[i]
		if c < '0' || c > '9' {
			return DecimalValue{}, fmt.Errorf("invalid decimal %q", orig)
		}
	}
	scale := len(frac) - exp
	// drop digits below scale 38 with rounding before they overflow 128 bits
	extra := 0
	if scale > MaxDecimalPrecision {
		extra = scale - MaxDecimalPrecision
		scale = MaxDecimalPrecision
	}
	var u Int128
	if len(digits) <= 18 && extra == 0 {
		v, _ := strconv.ParseInt(orZero(digits), 10, 64)
		u = Int128From(v)
	} else {
		b, ok := new(big.Int).SetString(orZero(digits), 10)
		if !ok {
			return DecimalValue{}, fmt.Errorf("invalid decimal %q", orig)
		}
		if extra > 0 {
			b = bigDivPow10Round(b, extra)
		}
		var fits bool
		if u, fits = Int128FromBig(b); !fits {
			return DecimalValue{}, fmt.Errorf("decimal %q has more than 38 digits", orig)
		}
	}
	if neg {
		u = u.Neg()
	}
	d := DecimalValue{Unscaled: u, Scale: scale}
	if scale < 0 {
		v, overflow := u.MulPow10(-scale)
		if overflow || v.Digits() > MaxDecimalPrecision {
			return DecimalValue{}, fmt.Errorf("decimal %q has more than 38 digits", orig)
		}
		d = DecimalValue{Unscaled: v}
	}
	if d.Unscaled.Digits() > MaxDecimalPrecision {
		return DecimalValue{}, fmt.Errorf("decimal %q has more than 38 digits", orig)
	}
	return d, nil
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func bigDivPow10Round(b *big.Int, n int) *big.Int {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	q, r := new(big.Int).QuoRem(b, p, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(p) >= 0 {
		if b.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// String prints d in plain notation with exactly Scale fractional digits, as
// Java's BigDecimal.toPlainString (Flink's CAST(DECIMAL AS STRING)).
func (d DecimalValue) String() string {
	return string(d.Append(nil))
}

// Append appends the String form of d to dst.
func (d DecimalValue) Append(dst []byte) []byte {
	var digits string
	neg := d.Unscaled.Sign() < 0
	if d.Unscaled.IsInt64() {
		v := d.Unscaled.Int64()
		if neg {
			digits = strconv.FormatUint(absU64(v), 10)
		} else {
			digits = strconv.FormatInt(v, 10)
		}
	} else {
		digits = new(big.Int).Abs(d.Unscaled.Big()).String()
	}
	if neg {
		dst = append(dst, '-')
	}
	if d.Scale <= 0 {
		return append(dst, digits...)
	}
	if len(digits) <= d.Scale {
		dst = append(dst, '0', '.')
		for i := len(digits); i < d.Scale; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-d.Scale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-d.Scale:]...)
}

// Rescale returns d with the given scale, rounding HALF_UP when digits are
// dropped; ok is false if the result needs more than 128 bits.
func (d DecimalValue) Rescale(scale int) (DecimalValue, bool) {
	switch {
	case scale == d.Scale:
		return d, true
	case scale > d.Scale:
		v, overflow := d.Unscaled.MulPow10(scale - d.Scale)
		return DecimalValue{Unscaled: v, Scale: scale}, !overflow
	}
	return DecimalValue{Unscaled: d.Unscaled.DivPow10Round(d.Scale - scale), Scale: scale}, true
}

// Fits reports whether d has at most precision digits.
func (d DecimalValue) Fits(precision int) bool {
	if precision <= 18 && d.Unscaled.IsInt64() {
		v := d.Unscaled.Int64()
		lim := int64(pow10u64[precision])
		return v < lim && v > -lim
	}
	if precision > MaxDecimalPrecision {
		return true
	}
	u := d.Unscaled
	if u.Hi < 0 {
		u = u.Neg()
		if u.Hi < 0 { // the minimum Int128 has 39 digits
			return false
		}
	}
	return u.Cmp(pow10[precision]) < 0
}

// ToType converts d to DECIMAL(p, s): rounds HALF_UP to scale s, and reports
// ok=false when the result needs more than p digits. That is Flink's
// DecimalData.fromBigDecimal, which yields NULL on overflow.
func (d DecimalValue) ToType(p, s int) (DecimalValue, bool) {
	r, ok := d.Rescale(s)
	if !ok || !r.Fits(p) {
		return DecimalValue{}, false
	}
	return r, true
}

// Cmp compares d and e numerically (1.0 equals 1.00).
func (d DecimalValue) Cmp(e DecimalValue) int {
	if d.Scale == e.Scale {
		return d.Unscaled.Cmp(e.Unscaled)
	}
	a, b, ok := align(d, e)
	if !ok {
		return d.big().Cmp(e.big())
	}
	return a.Cmp(b)
}

// align brings both to the larger scale.
func align(d, e DecimalValue) (Int128, Int128, bool) {
	s := max(d.Scale, e.Scale)
	a, o1 := d.Unscaled.MulPow10(s - d.Scale)
	b, o2 := e.Unscaled.MulPow10(s - e.Scale)
	return a, b, !o1 && !o2
}

// big returns d as a big.Rat-free pair usable for exact comparison: the
// unscaled value scaled to 38.
func (d DecimalValue) big() *big.Int {
	b := d.Unscaled.Big()
	return b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(76-d.Scale)), nil))
}

func (d DecimalValue) Sign() int { return d.Unscaled.Sign() }

func (d DecimalValue) Neg() DecimalValue {
	return DecimalValue{Unscaled: d.Unscaled.Neg(), Scale: d.Scale}
}

// Float64 converts d to the nearest float64.
func (d DecimalValue) Float64() float64 {
	if d.Unscaled.IsInt64() {
		v := d.Unscaled.Int64()
		if v < 1<<53 && v > -(1<<53) && d.Scale <= 22 {
			// both operands exact, so the quotient is correctly rounded
			return float64(v) / math.Pow10(d.Scale)
		}
	}
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// Int64Trunc converts d to an integer rounding toward zero and keeping the
// low 64 bits, as Flink's castToIntegral (BigDecimal.longValue()).
func (d DecimalValue) Int64Trunc() int64 {
	return d.Unscaled.DivPow10Trunc(d.Scale).Int64()
}

// fromBig converts an exact value b·10^-scale to DECIMAL(p, s).
func fromBig(b *big.Int, scale, p, s int) (DecimalValue, bool) {
	switch {
	case s < scale:
		b = bigDivPow10Round(b, scale-s)
	case s > scale:
		b = new(big.Int).Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s-scale)), nil))
	}
	u, ok := Int128FromBig(b)
	if !ok {
		return DecimalValue{}, false
	}
	d := DecimalValue{Unscaled: u, Scale: s}
	return d, d.Fits(p)
}

// DecimalAdd returns a+b as DECIMAL(p, s); ok is false on overflow (NULL in
// Flink).
func DecimalAdd(a, b DecimalValue, p, s int) (DecimalValue, bool) {
	x, y, ok := align(a, b)
	if ok {
		if r, overflow := x.Add(y); !overflow {
			return DecimalValue{Unscaled: r, Scale: max(a.Scale, b.Scale)}.ToType(p, s)
		}
	}
	sc := max(a.Scale, b.Scale)
	return fromBig(new(big.Int).Add(scaledBig(a, sc), scaledBig(b, sc)), sc, p, s)
}

// DecimalSub returns a-b as DECIMAL(p, s).
func DecimalSub(a, b DecimalValue, p, s int) (DecimalValue, bool) {
	return DecimalAdd(a, b.Neg(), p, s)
}

func scaledBig(d DecimalValue, scale int) *big.Int {
	b := d.Unscaled.Big()
	if scale > d.Scale {
		b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale-d.Scale)), nil))
	}
	return b
}

// DecimalMul returns a·b as DECIMAL(p, s).
func DecimalMul(a, b DecimalValue, p, s int) (DecimalValue, bool) {
	if r, overflow := a.Unscaled.Mul(b.Unscaled); !overflow {
		return DecimalValue{Unscaled: r, Scale: a.Scale + b.Scale}.ToType(p, s)
	}
	return fromBig(new(big.Int).Mul(a.Unscaled.Big(), b.Unscaled.Big()), a.Scale+b.Scale, p, s)
}

// DecimalDiv returns a/b as DECIMAL(p, s), rounded HALF_UP at scale s;
// ErrDivideByZero when b is zero; ok is false on overflow.
func DecimalDiv(a, b DecimalValue, p, s int) (DecimalValue, bool, error) {
	if b.Sign() == 0 {
		return DecimalValue{}, false, ErrDivideByZero
	}
	// q = a.u·10^(s - a.s + b.s) / b.u, computed at one extra digit for rounding
	shift := s - a.Scale + b.Scale + 1
	num := a.Unscaled.Big()
	den := b.Unscaled.Big()
	if shift >= 0 {
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil))
	} else {
		den.Mul(den, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-shift)), nil))
	}
	q := num.Quo(num, den) // truncated; the extra digit decides HALF_UP
	d, ok := fromBig(q, s+1, p, s)
	return d, ok, nil
}

// DecimalMod returns the remainder of a/b with the sign of a (Java's
// BigDecimal.remainder) as DECIMAL(p, s); ErrDivideByZero when b is zero.
func DecimalMod(a, b DecimalValue, p, s int) (DecimalValue, bool, error) {
	if b.Sign() == 0 {
		return DecimalValue{}, false, ErrDivideByZero
	}
	sc := max(a.Scale, b.Scale)
	x, y := scaledBig(a, sc), scaledBig(b, sc)
	d, ok := fromBig(x.Rem(x, y), sc, p, s)
	return d, ok, nil
}

// Round rounds d HALF_UP to r fractional digits (r may be negative: ROUND(123,
// -1) = 120) keeping the scale max(r, 0).
func (d DecimalValue) Round(r int) DecimalValue {
	if r >= d.Scale {
		return d
	}
	if r >= 0 {
		return DecimalValue{Unscaled: d.Unscaled.DivPow10Round(d.Scale - r), Scale: r}
	}
	q := d.Unscaled.DivPow10Round(d.Scale - r)
	v, overflow := q.MulPow10(-r)
	if overflow {
		return DecimalValue{}
	}
	return DecimalValue{Unscaled: v}
}

// Truncate cuts d toward zero to r fractional digits (scale max(r, 0)).
func (d DecimalValue) Truncate(r int) DecimalValue {
	if r >= d.Scale {
		return d
	}
	q := d.Unscaled.DivPow10Trunc(d.Scale - r)
	if r >= 0 {
		return DecimalValue{Unscaled: q, Scale: r}
	}
	v, _ := q.MulPow10(-r)
	return DecimalValue{Unscaled: v}
}

// Floor rounds toward negative infinity to scale 0.
func (d DecimalValue) Floor() DecimalValue {
	t := d.Truncate(0)
	if d.Sign() < 0 && t.Cmp(d) != 0 {
		t.Unscaled, _ = t.Unscaled.Sub(Int128From(1))
	}
	return t
}

// Ceil rounds toward positive infinity to scale 0.
func (d DecimalValue) Ceil() DecimalValue {
	t := d.Truncate(0)
	if d.Sign() > 0 && t.Cmp(d) != 0 {
		t.Unscaled, _ = t.Unscaled.Add(Int128From(1))
	}
	return t
}

func formatInt64(v int64) string { return strconv.FormatInt(v, 10) }
