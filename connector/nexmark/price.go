package nexmark

import (
	"math"
	"math/big"
	"sync"
)

// nextPrice is the suite's PriceGenerator.nextPrice: log-uniform between 1
// and 1 000 000 (in cents, so 100 to 100 000 000), Math.round(Math.pow(10,
// u × 6) × 100) for a nextDouble u.
//
// Java's Math.pow is (almost always) correctly rounded; pow10 is faster
// and off by a few ulps, which changes the price only when the product lies
// within a few ulps of a half: those cases (within 1e-13 of the price, a few
// in a million) are recomputed with 256-bit arithmetic and correctly
// rounded.
func (g *Generator) nextPrice() int64 {
	e := g.rnd.nextDouble() * 6.0
	v := pow10(e) * 100.0
	if frac := v - math.Floor(v); math.Abs(frac-0.5) < v*1e-13 {
		v = pow10Exact(e) * 100.0
	}
	return javaRound(v)
}

// exp2Table holds 2^(j/64).
var exp2Table = func() (t [64]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 64)
	}
	return t
}()

// pow10 returns 10^e for 0 ≤ e < 300 within a relative error of about
// 5e-15: 2^(e log2 10) as 2^k × 2^(j/64) × 2^r, 2^r by its Taylor series.
func pow10(e float64) float64 {
	const log2of10 = 3.32192809488736234787031942948939017586483139302458061205475639581
	t := e * log2of10
	k := int(t)
	f := t - float64(k)
	j := int(f * 64)
	x := (f - float64(j)*(1.0/64)) * math.Ln2 // in [0, ln2/64)
	p := 1 + x*(1+x*(1.0/2+x*(1.0/6+x*(1.0/24+x*(1.0/120+x*(1.0/720))))))
	return exp2Table[j&63] * p * math.Float64frombits(uint64(k+1023)<<52)
}

// bigPrec is the precision of the slow path: ample for ≤ 14 squarings of a
// series computed to 2^-256.
const bigPrec = 256

var ln10 = sync.OnceValue(func() *big.Float {
	// ln 10 = 3 ln 2 + ln(5/4), with ln x = 2 atanh((x-1)/(x+1)).
	ln2 := atanhInv(3)
	ln54 := atanhInv(9)
	r := new(big.Float).SetPrec(bigPrec).Mul(ln2, big.NewFloat(3))
	r.Add(r, ln54)
	return r.Mul(r, big.NewFloat(2))
})

// atanhInv returns atanh(1/k) = Σ 1/((2i+1) k^(2i+1)).
func atanhInv(k int64) *big.Float {
	sum := new(big.Float).SetPrec(bigPrec)
	pow := new(big.Float).SetPrec(bigPrec).Quo(big.NewFloat(1), new(big.Float).SetInt64(k)) // 1/k^(2i+1)
	k2 := new(big.Float).SetPrec(bigPrec).SetInt64(k * k)
	term := new(big.Float).SetPrec(bigPrec)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -bigPrec-8)
	for i := int64(0); ; i++ {
		term.Quo(pow, new(big.Float).SetInt64(2*i+1))
		if term.Cmp(eps) < 0 {
			return sum
		}
		sum.Add(sum, term)
		pow.Quo(pow, k2)
	}
}

// pow10Exact returns 10^x correctly rounded to a float64 (x ≥ 0, small):
// exp(x ln 10) by a Taylor series of the argument scaled below 2^-8, then
// squared back.
func pow10Exact(x float64) float64 {
	const squarings = 12
	y := new(big.Float).SetPrec(bigPrec).SetFloat64(x)
	y.Mul(y, ln10())
	y.SetMantExp(y, -squarings)
	sum := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	term := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -bigPrec-8)
	for i := int64(1); ; i++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetInt64(i))
		if term.Sign() == 0 || new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
		sum.Add(sum, term)
	}
	for range squarings {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}
