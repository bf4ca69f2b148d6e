package keygroup

import (
	"encoding/binary"
	"math/bits"
)

// HashBytes is the key hash code of an encoded key: murmur3 (x86, 32-bit,
// seed 0) of its canonical bytes. It is stable across processes and runs.
func HashBytes(b []byte) uint32 {
	const c1, c2 = 0xcc9e2d51, 0x1b873593
	h := uint32(0)
	n := len(b)
	for len(b) >= 4 {
		k := binary.LittleEndian.Uint32(b)
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
		h = bits.RotateLeft32(h, 13)
		h = h*5 + 0xe6546b64
		b = b[4:]
	}
	var k uint32
	switch len(b) {
	case 3:
		k ^= uint32(b[2]) << 16
		fallthrough
	case 2:
		k ^= uint32(b[1]) << 8
		fallthrough
	case 1:
		k ^= uint32(b[0])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
	}
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// ForKey returns the key group of an encoded key.
func ForKey(encodedKey []byte, maxParallelism int) int {
	return ForHash(HashBytes(encodedKey), maxParallelism)
}
