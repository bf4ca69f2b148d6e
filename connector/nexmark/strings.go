package nexmark

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// Strings are built in an arena: a chunk of bytes written only past its
// length and handed out as strings by unsafe.String. Bytes once handed out
// are never written again (a new chunk replaces a full one, and the old one
// lives on in the strings that point into it), so the strings are as
// immutable as any.

// minStringLength is the suite's MIN_STRING_LENGTH.
const minStringLength = 3

// reserve makes room for n more bytes in the arena.
func (g *Generator) reserve(n int) {
	if cap(g.arena)-len(g.arena) < n {
		g.arena = make([]byte, 0, max(g.chunk, n))
	}
}

// take hands out the arena's bytes from start on as a string.
func (g *Generator) take(start int) string {
	if len(g.arena) == start {
		return ""
	}
	return unsafe.String(&g.arena[start], len(g.arena)-start)
}

// appendString is the suite's nextString(random, maxLength, special): 3 to
// maxLength-1 draws of a letter or, one time in 13, the special byte; then
// trimmed of spaces at both ends, as Java's String.trim. It appends to the
// arena, which must have room for maxLength bytes.
func (g *Generator) appendString(maxLength int32, special byte) {
	n := int(minStringLength + g.rnd.nextIntn(maxLength-minStringLength))
	start := len(g.arena)
	buf := g.arena[start : start+n]
	r := g.rnd // a local copy stays in a register
	w := 0
	for range n {
		c := special
		if r.nextIntnOdd(13) != 0 {
			c = 'a' + byte(r.nextIntnOdd(26))
		}
		if c == ' ' && w == 0 {
			continue // leading space: trimmed
		}
		buf[w] = c
		w++
	}
	for w > 0 && buf[w-1] == ' ' {
		w-- // trailing space: trimmed (never handed out)
	}
	g.rnd = r
	g.arena = g.arena[:start+w]
}

// nextString returns the suite's nextString(random, maxLength).
func (g *Generator) nextString(maxLength int32) string {
	g.reserve(int(maxLength))
	start := len(g.arena)
	g.appendString(maxLength, ' ')
	return g.take(start)
}

// nextExactString is the suite's nextExactString: length letters, six from
// each 32-bit draw, least significant base-26 digit first. The draw is
// signed and Java's remainder takes the dividend's sign, so a negative draw
// gives 'a' minus its digits: the bytes 'H' to '`' appear as in Java. The
// digits of the draw's magnitude come in pairs from a table.
func (g *Generator) nextExactString(length int) string {
	if length <= 0 {
		return ""
	}
	g.reserve(length + 5) // the last draw writes six letters
	start := len(g.arena)
	buf := g.arena[start : start+length+5]
	r := g.rnd // a local copy stays in a register
	for i := 0; i < length; i += 6 {
		rnd := r.nextInt()
		// Branch-free (the sign is a coin flip): the magnitude and the
		// table of the sign.
		neg := uint32(rnd >> 31)
		u, t := (uint32(rnd)^neg)-neg, &letterPairs[neg&1]
		q1 := u / 676
		q2 := q1 / 676
		d := buf[i : i+6]
		binary.LittleEndian.PutUint16(d[0:], t[u-q1*676])
		binary.LittleEndian.PutUint16(d[2:], t[q1-q2*676])
		binary.LittleEndian.PutUint16(d[4:], t[q2%676])
	}
	g.rnd = r
	g.arena = g.arena[:start+length] // the letters past length are not handed out
	return g.take(start)
}

// letterPairs maps two base-26 digits v (v%26 first) to their letters as a
// little-endian pair, above 'a' for a positive draw ([0]) and below for a
// negative one ([1]).
var letterPairs = func() (t [2][26 * 26]uint16) {
	for v := range 26 * 26 {
		t[0][v] = uint16('a'+v%26) | uint16('a'+v/26)<<8
		t[1][v] = uint16('a'-v%26) | uint16('a'-v/26)<<8
	}
	return t
}()

// nextExtra is the suite's nextExtra: padding so that currentSize plus its
// length averages desiredAverageSize, spread ±20%.
func (g *Generator) nextExtra(currentSize, desiredAverageSize int) string {
	if currentSize > desiredAverageSize {
		return ""
	}
	d := desiredAverageSize - currentSize
	delta := int(javaRound(float64(d) * 0.2))
	size := d - delta
	if delta != 0 {
		size += int(g.rnd.nextIntn(int32(2 * delta)))
	}
	return g.nextExactString(size)
}

// javaRound is Java's Math.round(double): ⌊x + ½⌋ computed exactly.
func javaRound(x float64) int64 {
	f := math.Floor(x)
	if x-f >= 0.5 {
		f++
	}
	return int64(f)
}
