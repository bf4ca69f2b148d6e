package exchange

import (
	"math/rand/v2"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
)

// Selector picks the channel of a record among a writer's channels.
type Selector[T any] interface {
	Select(r *operator.Record[T]) int
}

// Kind names a partitioning of an edge.
type Kind int

const (
	Forward Kind = iota
	Rebalance
	Rescale
	Shuffle
	Broadcast
	Hash
	Global
)

func (k Kind) String() string {
	return [...]string{"FORWARD", "REBALANCE", "RESCALE", "SHUFFLE", "BROADCAST", "HASH", "GLOBAL"}[k]
}

// Pointwise reports whether the edge connects each producer to a subset of
// consumers (forward, rescale) rather than to all of them.
func (k Kind) Pointwise() bool { return k == Forward || k == Rescale }

// PointwiseTargets returns the consumer subtasks producer i of np connects to
// on a pointwise edge to nc consumers, as Flink's pointwise pattern.
func PointwiseTargets(i, np, nc int) []int {
	switch {
	case np == nc:
		return []int{i}
	case np < nc:
		// Each producer feeds a contiguous range of consumers.
		start, end := i*nc/np, (i+1)*nc/np
		out := make([]int, 0, end-start)
		for c := start; c < end; c++ {
			out = append(out, c)
		}
		return out
	default:
		// Several producers feed one consumer: consumer c takes producers
		// [c*np/nc, (c+1)*np/nc).
		for c := range nc {
			if i >= c*np/nc && i < (c+1)*np/nc {
				return []int{c}
			}
		}
		return []int{nc - 1}
	}
}

// Targets returns the consumer subtasks producer i connects to.
func Targets(k Kind, i, np, nc int) []int {
	if k.Pointwise() {
		return PointwiseTargets(i, np, nc)
	}
	out := make([]int, nc)
	for c := range out {
		out[c] = c
	}
	return out
}

type single[T any] struct{}

func (single[T]) Select(*operator.Record[T]) int { return 0 }

type roundRobin[T any] struct{ next, n int }

func (r *roundRobin[T]) Select(*operator.Record[T]) int {
	c := r.next
	r.next++
	if r.next == r.n {
		r.next = 0
	}
	return c
}

type random[T any] struct {
	rng *rand.Rand
	n   int
}

func (r *random[T]) Select(*operator.Record[T]) int { return r.rng.IntN(r.n) }

type byKey[T, K any] struct {
	key            func(T) K
	codec          serde.Codec[K]
	maxParallelism int
	n              int
	buf            []byte
}

func (h *byKey[T, K]) Select(r *operator.Record[T]) int {
	h.buf = h.codec.Append(h.buf[:0], h.key(r.Value))
	return keygroup.OperatorIndex(keygroup.ForKey(h.buf, h.maxParallelism), h.n, h.maxParallelism)
}

// NewSelector returns the selector of a non-broadcast, non-hash partitioning
// for producer index over n channels.
func NewSelector[T any](k Kind, producer, n int) Selector[T] {
	switch {
	case n == 1 || k == Forward || k == Global:
		return single[T]{}
	case k == Shuffle:
		return &random[T]{rng: rand.New(rand.NewPCG(uint64(producer), 0x9e3779b97f4a7c15)), n: n}
	default: // Rebalance, Rescale: round robin, starting at a producer-dependent channel like Flink's random start
		return &roundRobin[T]{next: producer % n, n: n}
	}
}

// NewKeySelector returns the hash selector of a keyed edge: key → key group
// → consumer subtask, with Flink's formulas.
func NewKeySelector[T, K any](key func(T) K, codec serde.Codec[K], maxParallelism, n int) Selector[T] {
	return &byKey[T, K]{key: key, codec: codec, maxParallelism: maxParallelism, n: n, buf: make([]byte, 0, 64)}
}
