package nexmark

// javaRandom is java.util.Random, bit for bit: the 48-bit linear
// congruential generator of Knuth (TAOCP 3.2.1) with multiplier 0x5DEECE66D
// and addend 11. The suite's generator draws every value from one, so the
// same seed and the same order of draws give the same events.
type javaRandom struct {
	seed uint64 // 48 bits
}

const (
	javaMultiplier = 0x5DEECE66D
	javaAddend     = 0xB
	javaMask       = 1<<48 - 1
)

// setSeed is Random.setSeed (and new Random(seed)): the seed is scrambled
// with the multiplier.
func (r *javaRandom) setSeed(seed int64) {
	r.seed = (uint64(seed) ^ javaMultiplier) & javaMask
}

// next advances the generator and returns its top bits (1 to 32) as Java's
// protected Random.next does, sign included when bits is 32.
func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*javaMultiplier + javaAddend) & javaMask
	return int32(r.seed >> (48 - bits))
}

// nextInt is Random.nextInt(): 32 uniformly distributed bits.
func (r *javaRandom) nextInt() int32 { return r.next(32) }

// nextIntn is Random.nextInt(bound): uniform in [0, bound), bound > 0. A
// power of two takes the high bits of one draw; otherwise see nextIntnOdd.
func (r *javaRandom) nextIntn(bound int32) int32 {
	if bound&(bound-1) == 0 {
		return int32((int64(bound) * int64(r.next(31))) >> 31)
	}
	return r.nextIntnOdd(bound)
}

// nextIntnOdd is nextIntn for a bound that is not a power of two: a draw
// that would bias the remainder is rejected and drawn again (the overflow
// test is Java's, in 32-bit arithmetic). It inlines, so a constant bound
// divides by multiplication.
func (r *javaRandom) nextIntnOdd(bound int32) int32 {
	for {
		u := r.next(31)
		if v := u % bound; u-v+(bound-1) >= 0 {
			return v
		}
	}
}

// nextLong is Random.nextLong(): two 32-bit draws, the second sign-extended
// and added.
func (r *javaRandom) nextLong() int64 {
	hi := int64(r.next(32)) << 32
	return hi + int64(r.next(32))
}

// nextDouble is Random.nextDouble(): 53 bits (26 then 27) scaled to [0, 1).
func (r *javaRandom) nextDouble() float64 {
	hi := int64(r.next(26)) << 27
	return float64(hi+int64(r.next(27))) * (1.0 / (1 << 53))
}

// nextBoolean is Random.nextBoolean().
func (r *javaRandom) nextBoolean() bool { return r.next(1) != 0 }

// nextLongn is the suite's LongGenerator.nextLong(random, n): uniform in
// [0, n) by nextInt when n fits an int, otherwise the absolute value of
// nextLong() modulo n (skewed, as the suite's comment admits). n > 0.
func (r *javaRandom) nextLongn(n int64) int64 {
	if n < 1<<31-1 {
		return int64(r.nextIntn(int32(n)))
	}
	v := r.nextLong() % n
	if v < 0 {
		v = -v
	}
	return v
}
