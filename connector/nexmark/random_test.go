package nexmark

import (
	"math"
	"testing"
)

// The expected values come from java.util.Random (OpenJDK 17).
func TestJavaRandomMatchesJava(t *testing.T) {
	cases := []struct {
		seed          int64
		ints          [2]int32
		n10, n16, big int32
		long          int64
		dbl           uint64
		boolean       bool
		n7            int32
	}{
		{0, [2]int32{-1155484576, -723955400}, 9, 9, 1368843515, 5700976833288827063, 4593095635380350600, true, 1},
		{42, [2]int32{-1170105035, 234785527}, 8, 0, 662969970, -1068554554583376509, 4604549709834685269, false, 3},
		{-1, [2]int32{1155099827, 1887904451}, 9, 8, 1421815604, -7364023878800395366, 4600864561857821116, false, 5},
		{1 << 40, [2]int32{673231968, 1037652280}, 7, 10, 604960797, -7932685336298904317, 4604014825700889915, true, 2},
		{123456789012345, [2]int32{-1421006947, -2071311287}, 9, 9, 185864260, -1331016026595398465, 4600799967973672386, true, 6},
	}
	for _, c := range cases {
		var r javaRandom
		r.setSeed(c.seed)
		got := []any{r.nextInt(), r.nextInt(), r.nextIntn(10), r.nextIntn(16), r.nextIntn(1_500_000_001),
			r.nextLong(), math.Float64bits(r.nextDouble()), r.nextBoolean(), r.nextIntn(7)}
		want := []any{c.ints[0], c.ints[1], c.n10, c.n16, c.big, c.long, c.dbl, c.boolean, c.n7}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("seed %d draw %d: got %v, want %v", c.seed, i, got[i], want[i])
			}
		}
	}
}

// TestJavaRandomLongSequence hashes long mixed sequences of draws, the
// rejection loop of nextInt(bound) and LongGenerator's nextLong path
// included, against Java's.
func TestJavaRandomLongSequence(t *testing.T) {
	var r javaRandom
	r.setSeed(99)
	var h int64
	for i := range 100000 {
		h = h*31 + int64(r.nextIntn(1_500_000_001))
		h = h*31 + int64(r.nextIntn(int32(1+i%1000)))
		h = h*31 + int64(r.nextIntn(1<<(i%31)))
		h = h*31 + r.nextLong()
		h = h*31 + int64(math.Float64bits(r.nextDouble()))
		b := int64(0)
		if r.nextBoolean() {
			b = 1
		}
		h = h*31 + b
	}
	if h != 1179565212173146668 {
		t.Errorf("hash of the draws is %d, Java's is 1179565212173146668", h)
	}
	r.setSeed(5)
	h = 0
	for i := range int64(10000) {
		h = h*31 + r.nextLongn(math.MaxInt32+i*7919*1000003)
	}
	if h != -3341124572072148848 {
		t.Errorf("hash of LongGenerator.nextLong draws is %d, Java's is -3341124572072148848", h)
	}
}

// TestPriceMatchesJava hashes prices against Java's
// Math.round(Math.pow(10, nextDouble()*6)*100) over 2M draws (the slow path
// for products near a half is exercised a few times).
func TestPriceMatchesJava(t *testing.T) {
	if testing.Short() {
		t.Skip("2M prices")
	}
	g := &Generator{}
	g.rnd.setSeed(7)
	var h int64
	for range 2_000_000 {
		h = h*31 + g.nextPrice()
	}
	if h != priceHash2M {
		t.Errorf("hash of 2M prices is %d, Java's is %d", h, int64(priceHash2M))
	}
}

func TestPow10Exact(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{{0, 1}, {1, 10}, {2, 100}, {6, 1e6}, {0.5, math.Sqrt(10)}, {3.5, 1e3 * math.Sqrt(10)}} {
		if got := pow10Exact(c.x); got != c.want {
			t.Errorf("pow10Exact(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	// Near-half products, where the fast path defers to the exact one:
	// found among Java's draws, checked against Java's Math.round(Math.pow).
	var r javaRandom
	r.setSeed(7)
	found := 0
	for i := 0; i < 3_000_000 && found < 3; i++ {
		e := r.nextDouble() * 6
		v := math.Exp(e*math.Ln10) * 100
		if frac := v - math.Floor(v); math.Abs(frac-0.5) < v*1e-13 {
			found++
			exact := pow10Exact(e) * 100
			if math.Abs(exact-v) > v*1e-14 {
				t.Errorf("pow10Exact(%v)×100 = %v, far from %v", e, exact, v)
			}
		}
	}
}

// priceHash2M is Java's hash of 2M prices from new Random(7).
const priceHash2M = -6493976667594952686

// TestPow10 bounds the error of the fast pow10 far below the margin
// nextPrice leaves it (1e-13 of the price).
func TestPow10(t *testing.T) {
	var r javaRandom
	r.setSeed(11)
	worst := 0.0
	for i := range 20000 {
		e := r.nextDouble() * 6
		if i < 7 {
			e = float64(i)
		}
		exact := pow10Exact(e)
		worst = max(worst, math.Abs(pow10(e)-exact)/exact)
	}
	if worst > 1e-14 {
		t.Errorf("pow10's relative error reaches %g", worst)
	}
	t.Logf("worst relative error %g", worst)
}
