package types

import (
	"math/big"
	"math/bits"
)

// Int128 is a two's complement 128-bit integer, the unscaled value of a
// DECIMAL. 38 decimal digits need 127 bits.
type Int128 struct {
	Hi int64
	Lo uint64
}

// Int128From widens an int64.
func Int128From(v int64) Int128 { return Int128{Hi: v >> 63, Lo: uint64(v)} }

// IsInt64 reports whether x fits an int64 (the fast path of most kernels).
func (x Int128) IsInt64() bool { return x.Hi == int64(x.Lo)>>63 }

// Int64 returns the low 64 bits as an int64 (wrapping, as Java's longValue).
func (x Int128) Int64() int64 { return int64(x.Lo) }

func (x Int128) Sign() int {
	switch {
	case x.Hi < 0:
		return -1
	case x.Hi == 0 && x.Lo == 0:
		return 0
	}
	return 1
}

func (x Int128) Neg() Int128 {
	lo, borrow := bits.Sub64(0, x.Lo, 0)
	hi, _ := bits.Sub64(0, uint64(x.Hi), borrow)
	return Int128{Hi: int64(hi), Lo: lo}
}

// Add returns x+y and whether it overflowed.
func (x Int128) Add(y Int128) (Int128, bool) {
	lo, carry := bits.Add64(x.Lo, y.Lo, 0)
	hi, _ := bits.Add64(uint64(x.Hi), uint64(y.Hi), carry)
	r := Int128{Hi: int64(hi), Lo: lo}
	// overflow iff the operands have the same sign and the result differs
	overflow := (x.Hi >= 0) == (y.Hi >= 0) && (r.Hi >= 0) != (x.Hi >= 0)
	return r, overflow
}

// Sub returns x-y and whether it overflowed.
func (x Int128) Sub(y Int128) (Int128, bool) {
	lo, borrow := bits.Sub64(x.Lo, y.Lo, 0)
	hi, _ := bits.Sub64(uint64(x.Hi), uint64(y.Hi), borrow)
	r := Int128{Hi: int64(hi), Lo: lo}
	overflow := (x.Hi >= 0) != (y.Hi >= 0) && (r.Hi >= 0) != (x.Hi >= 0)
	return r, overflow
}

func (x Int128) Cmp(y Int128) int {
	switch {
	case x.Hi < y.Hi:
		return -1
	case x.Hi > y.Hi:
		return 1
	case x.Lo < y.Lo:
		return -1
	case x.Lo > y.Lo:
		return 1
	}
	return 0
}

// abs returns |x| as an unsigned magnitude (correct for the minimum value).
func (x Int128) abs() (hi, lo uint64) {
	if x.Hi < 0 {
		n := x.Neg()
		return uint64(n.Hi), n.Lo
	}
	return uint64(x.Hi), x.Lo
}

// fromMagnitude builds ±(hi, lo); ok is false if it does not fit.
func fromMagnitude(neg bool, hi, lo uint64) (Int128, bool) {
	if hi>>63 != 0 {
		if neg && hi == 1<<63 && lo == 0 {
			return Int128{Hi: -1 << 63}, true
		}
		return Int128{}, false
	}
	r := Int128{Hi: int64(hi), Lo: lo}
	if neg {
		r = r.Neg()
	}
	return r, true
}

// Mul returns x*y and whether it overflowed.
func (x Int128) Mul(y Int128) (Int128, bool) {
	if x.IsInt64() && y.IsInt64() {
		a, b := x.Int64(), y.Int64()
		neg := (a < 0) != (b < 0)
		hi, lo := bits.Mul64(absU64(a), absU64(b))
		r, ok := fromMagnitude(neg, hi, lo)
		return r, !ok
	}
	neg := (x.Hi < 0) != (y.Hi < 0)
	xh, xl := x.abs()
	yh, yl := y.abs()
	if xh != 0 && yh != 0 {
		return Int128{}, true
	}
	// (xh·2^64 + xl)(yh·2^64 + yl) with one of xh, yh zero
	h1, l1 := bits.Mul64(xl, yl)
	c1h, c1 := bits.Mul64(xh, yl)
	c2h, c2 := bits.Mul64(xl, yh)
	if c1h != 0 || c2h != 0 {
		return Int128{}, true
	}
	hi, carry := bits.Add64(h1, c1, 0)
	if carry != 0 {
		return Int128{}, true
	}
	hi, carry = bits.Add64(hi, c2, 0)
	if carry != 0 {
		return Int128{}, true
	}
	r, ok := fromMagnitude(neg, hi, l1)
	return r, !ok
}

func absU64(v int64) uint64 {
	if v < 0 {
		return uint64(-v) // -MinInt64 wraps to itself, which is the right magnitude as uint64
	}
	return uint64(v)
}

// quoRemU64 divides the magnitude (hi, lo) by d, truncating.
func quoRemU64(hi, lo, d uint64) (qh, ql, r uint64) {
	qh = hi / d
	ql, r = bits.Div64(hi%d, lo, d)
	return
}

var pow10u64 = func() [20]uint64 {
	var p [20]uint64
	p[0] = 1
	for i := 1; i < 20; i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// pow10 holds 10^0 … 10^38 as Int128.
var pow10 = func() [39]Int128 {
	var p [39]Int128
	p[0] = Int128From(1)
	ten := Int128From(10)
	for i := 1; i < 39; i++ {
		p[i], _ = p[i-1].Mul(ten)
	}
	return p
}()

// Pow10 returns 10^n for 0 ≤ n ≤ 38.
func Pow10(n int) Int128 { return pow10[n] }

// MulPow10 returns x·10^n and whether it overflowed.
func (x Int128) MulPow10(n int) (Int128, bool) {
	if n == 0 {
		return x, false
	}
	if n > 38 {
		return Int128{}, x.Sign() != 0
	}
	return x.Mul(pow10[n])
}

// DivPow10Round returns x/10^n rounded HALF_UP (half away from zero), as
// Java's BigDecimal.setScale(…, HALF_UP).
func (x Int128) DivPow10Round(n int) Int128 {
	if n <= 0 {
		return x
	}
	if n > 39 {
		return Int128{}
	}
	neg := x.Hi < 0
	hi, lo := x.abs()
	// truncate by 10^(n-1), then look at the last discarded digit
	k := n - 1
	for k > 0 {
		step := min(k, 19)
		hi, lo, _ = quoRemU64(hi, lo, pow10u64[step])
		k -= step
	}
	hi, lo, digit := quoRemU64(hi, lo, 10)
	if digit >= 5 {
		var c uint64
		lo, c = bits.Add64(lo, 1, 0)
		hi += c
	}
	r, _ := fromMagnitude(neg, hi, lo)
	return r
}

// DivPow10Trunc returns x/10^n truncated toward zero.
func (x Int128) DivPow10Trunc(n int) Int128 {
	if n <= 0 {
		return x
	}
	if n > 38 {
		return Int128{}
	}
	neg := x.Hi < 0
	hi, lo := x.abs()
	for n > 0 {
		step := min(n, 19)
		hi, lo, _ = quoRemU64(hi, lo, pow10u64[step])
		n -= step
	}
	r, _ := fromMagnitude(neg, hi, lo)
	return r
}

// Digits returns the number of decimal digits of |x| (0 has 1 digit).
func (x Int128) Digits() int {
	hi, lo := x.abs()
	if hi == 0 {
		for d := 1; d < 20; d++ {
			if lo < pow10u64[d] {
				return d
			}
		}
		return 20
	}
	m := Int128{Hi: int64(hi), Lo: lo}
	if hi>>63 != 0 { // |MinInt128|
		return 39
	}
	for d := 20; d <= 38; d++ {
		if m.Cmp(pow10[d]) < 0 {
			return d
		}
	}
	return 39
}

// Big converts x to a big.Int.
func (x Int128) Big() *big.Int {
	neg := x.Hi < 0
	hi, lo := x.abs()
	b := new(big.Int).SetUint64(hi)
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(lo))
	if neg {
		b.Neg(b)
	}
	return b
}

var (
	bigMaxInt128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))
	bigMinInt128 = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127))
	bigMask64    = new(big.Int).SetUint64(^uint64(0))
)

// Int128FromBig converts b; ok is false if it does not fit.
func Int128FromBig(b *big.Int) (Int128, bool) {
	if b.Cmp(bigMaxInt128) > 0 || b.Cmp(bigMinInt128) < 0 {
		return Int128{}, false
	}
	neg := b.Sign() < 0
	m := new(big.Int).Abs(b)
	lo := new(big.Int).And(m, bigMask64).Uint64()
	hi := new(big.Int).Rsh(m, 64).Uint64()
	return fromMagnitude(neg, hi, lo)
}

// String prints x in decimal.
func (x Int128) String() string {
	if x.IsInt64() {
		return formatInt64(x.Int64())
	}
	return x.Big().String()
}
