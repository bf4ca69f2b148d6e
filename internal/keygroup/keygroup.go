package keygroup

import (
	"fmt"
	"math/bits"
)

// Bounds of max parallelism, as in Flink.
const (
	LowerBoundMaxParallelism = 128
	UpperBoundMaxParallelism = 1 << 15
)

// DefaultMaxParallelism is Flink's default for an operator of the given
// parallelism: parallelism*1.5 rounded up to a power of two, clamped to
// [128, 32768].
func DefaultMaxParallelism(parallelism int) int {
	n := roundUpToPowerOfTwo(parallelism + parallelism/2)
	return min(max(n, LowerBoundMaxParallelism), UpperBoundMaxParallelism)
}

func roundUpToPowerOfTwo(x int) int {
	if x <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(x-1))
}

// Murmur is Flink's MathUtils.murmurHash: one murmur3 round over a 32-bit
// code followed by the finalizer, made non-negative.
func Murmur(code uint32) int32 {
	h := code * 0xcc9e2d51
	h = bits.RotateLeft32(h, 15)
	h *= 0x1b873593
	h = bits.RotateLeft32(h, 13)
	h = h*5 + 0xe6546b64
	h ^= 4
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	c := int32(h)
	switch {
	case c >= 0:
		return c
	case c != -1<<31:
		return -c
	default:
		return 0
	}
}

// ForHash returns the key group of a key whose hash code is keyHash.
func ForHash(keyHash uint32, maxParallelism int) int {
	return int(Murmur(keyHash)) % maxParallelism
}

// OperatorIndex returns the subtask that owns a key group.
func OperatorIndex(keyGroup, parallelism, maxParallelism int) int {
	return keyGroup * parallelism / maxParallelism
}

// Range is an inclusive range of key groups [Start, End]. An empty range
// has End < Start.
type Range struct {
	Start, End int
}

// Len returns the number of key groups in r.
func (r Range) Len() int { return max(0, r.End-r.Start+1) }

// Contains reports whether keyGroup is in r.
func (r Range) Contains(keyGroup int) bool { return keyGroup >= r.Start && keyGroup <= r.End }

func (r Range) String() string { return fmt.Sprintf("[%d, %d]", r.Start, r.End) }

// RangeForSubtask returns the key groups owned by subtask index of an
// operator with the given parallelism.
func RangeForSubtask(maxParallelism, parallelism, index int) Range {
	return Range{
		Start: (index*maxParallelism + parallelism - 1) / parallelism,
		End:   ((index+1)*maxParallelism - 1) / parallelism,
	}
}

// Validate checks a (parallelism, maxParallelism) pair.
func Validate(parallelism, maxParallelism int) error {
	if parallelism <= 0 {
		return fmt.Errorf("parallelism must be positive, got %d", parallelism)
	}
	if maxParallelism <= 0 || maxParallelism > UpperBoundMaxParallelism {
		return fmt.Errorf("max parallelism must be in [1, %d], got %d", UpperBoundMaxParallelism, maxParallelism)
	}
	if parallelism > maxParallelism {
		return fmt.Errorf("parallelism %d is greater than max parallelism %d", parallelism, maxParallelism)
	}
	return nil
}
