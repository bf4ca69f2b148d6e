package vector

import "math/bits"

// Bitmap is a null bitmap: bit i set means row i is NULL. A nil or short
// bitmap reads as "no nulls" beyond its end, so vectors without nulls carry
// none.
type Bitmap []uint64

// Get reports bit i.
func (b Bitmap) Get(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

// set sets bit i, growing b.
func (b *Bitmap) set(i int) {
	w := i >> 6
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

// clear clears bit i.
func (b Bitmap) clear(i int) {
	if w := i >> 6; w < len(b) {
		b[w] &^= 1 << (uint(i) & 63)
	}
}

// Any reports whether some bit is set.
func (b Bitmap) Any() bool {
	for _, w := range b {
		if w != 0 {
			return true
		}
	}
	return false
}

// Count returns the number of set bits among the first n.
func (b Bitmap) Count(n int) int {
	c := 0
	for i, w := range b {
		if (i+1)*64 > n {
			if i*64 >= n {
				break
			}
			w &= (1 << uint(n-i*64)) - 1
		}
		c += bits.OnesCount64(w)
	}
	return c
}

// Words returns the number of words covering n bits.
func Words(n int) int { return (n + 63) >> 6 }

// Or sets dst to a | b word by word over n bits (the null propagation of a
// strict binary function). dst may alias a or b. The result is nil when
// neither has a null.
func Or(dst Bitmap, a, b Bitmap, n int) Bitmap {
	if len(a) == 0 && len(b) == 0 {
		return dst[:0]
	}
	w := Words(n)
	if cap(dst) < w {
		dst = make(Bitmap, w)
	}
	dst = dst[:w]
	for i := range dst {
		var x, y uint64
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		dst[i] = x | y
	}
	return dst
}
