package datastream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/connector/ratelimit"
	"github.com/eddy-streams/eddy/eventtime"
)

// GeneratorOption configures FromGenerator.
type GeneratorOption func(*generatorOptions)

type generatorOptions struct {
	rate      float64 // records per second over all subtasks; 0: unlimited
	rateSet   bool
	splits    int // 0: one per subtask
	splitsSet bool
	strategy  any // eventtime.Strategy[T] of the generated type
	name      string
}

// WithRate limits the total rate of a generator source to recordsPerSecond
// over all its subtasks, as Flink's RateLimiterStrategy.perSecond: each
// subtask generates its share (rate / parallelism with the default one split
// per subtask; rate × its splits / all splits in general). A subtask ahead of
// schedule waits without spinning. The rate must be positive.
func WithRate(recordsPerSecond float64) GeneratorOption {
	return func(o *generatorOptions) { o.rate, o.rateSet = recordsPerSecond, true }
}

// WithWatermarks sets the watermark strategy of a generator source; its
// element type must be the generated type. Watermarks are generated per
// split.
func WithWatermarks[T any](strategy eventtime.Strategy[T]) GeneratorOption {
	return func(o *generatorOptions) { o.strategy = strategy }
}

// WithSplits divides the indexes into n splits instead of one per subtask.
// The splits are assigned round robin to the subtasks, each of which
// generates its splits interleaved. n must be positive.
func WithSplits(n int) GeneratorOption {
	return func(o *generatorOptions) { o.splits, o.splitsSet = n, true }
}

// WithGeneratorName sets the source's name ("Generator Source" by default).
func WithGeneratorName(name string) GeneratorOption {
	return func(o *generatorOptions) { o.name = name }
}

// FromGenerator adds a parallel source that generates fn(i) for every index
// i in [0, count), as Flink's DataGeneratorSource. The indexes are divided
// into splits (one per subtask unless WithSplits says otherwise): with a
// bounded count, split j of n holds the contiguous range
// [count·j/n, count·(j+1)/n); each subtask generates the indexes of its
// splits in increasing order. A negative count makes the source unbounded:
// split j generates j, j+n, j+2n, … until the job is cancelled.
//
// fn runs on the subtasks' goroutines, concurrently in parallel subtasks;
// for a deterministic result it should depend on its index only. The
// elements carry no timestamp unless WithWatermarks assigns them.
func FromGenerator[T any](env *Env, count int64, fn func(index int64) T, opts ...GeneratorOption) *DataStream[T] {
	o := generatorOptions{name: "Generator Source"}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if fn == nil {
		env.fail(fmt.Errorf("FromGenerator %q: generator function is nil", o.name))
	}
	if o.rateSet && (!(o.rate > 0) || math.IsInf(o.rate, 1)) {
		env.fail(fmt.Errorf("FromGenerator %q: rate must be a positive number of records per second, got %v", o.name, o.rate))
	}
	if o.splitsSet && o.splits <= 0 {
		env.fail(fmt.Errorf("FromGenerator %q: number of splits must be positive, got %d", o.name, o.splits))
	}
	strategy := eventtime.NoWatermarks[T]()
	if o.strategy != nil {
		s, ok := o.strategy.(eventtime.Strategy[T])
		if ok {
			strategy = s
		} else {
			env.fail(fmt.Errorf("FromGenerator %q: WithWatermarks has a strategy of type %T, not of the generated type (want eventtime.Strategy[%T])",
				o.name, o.strategy, *new(T)))
		}
	}
	src := &generatorSource[T]{count: count, fn: fn, rate: o.rate, splits: o.splits}
	return FromSource[T](env, src, strategy, o.name)
}

// generatorSource is the connector.Source behind FromGenerator.
type generatorSource[T any] struct {
	count  int64 // < 0: unbounded
	fn     func(int64) T
	rate   float64 // total records per second; 0: unlimited
	splits int     // 0: one per subtask
}

// generatorSplit is a range of indexes: start, start+stride, … below end
// (end < 0: unbounded). total is the number of splits of the source.
type generatorSplit struct {
	id     int
	total  int
	start  int64
	end    int64
	stride int64
}

func (s *generatorSplit) SplitID() string { return strconv.Itoa(s.id) }

func (g *generatorSource[T]) Boundedness() connector.Boundedness {
	if g.count < 0 {
		return connector.Unbounded
	}
	return connector.Bounded
}

// CreateEnumerator divides the indexes into splits and assigns them round
// robin to the subtasks up front.
func (g *generatorSource[T]) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	n := g.splits
	if n <= 0 {
		n = ctx.Parallelism()
	}
	assign := map[int][]connector.Split{}
	for j := range n {
		sp := &generatorSplit{id: j, total: n, stride: 1}
		if g.count < 0 {
			sp.start, sp.end, sp.stride = int64(j), -1, int64(n)
		} else {
			sp.start, sp.end = rangeBound(g.count, j, n), rangeBound(g.count, j+1, n)
			if sp.start == sp.end {
				continue
			}
		}
		sub := j % ctx.Parallelism()
		assign[sub] = append(assign[sub], sp)
	}
	return &staticEnumerator{ctx: ctx, splits: assign}, nil
}

// rangeBound returns ⌊count·j/n⌋ without overflowing.
func rangeBound(count int64, j, n int) int64 {
	q, r := count/int64(n), count%int64(n)
	return q*int64(j) + r*int64(j)/int64(n)
}

func (g *generatorSource[T]) CreateReader(ctx connector.ReaderContext) (connector.Reader[T], error) {
	return &generatorReader[T]{src: g, limit: ratelimit.New(nil)}, nil
}

// generatorPollBatch bounds the records of one Poll, so the task gets to its
// mailbox and timers regularly.
const generatorPollBatch = 256

// generatorReader generates the indexes of its splits, a batch of each split
// in turn, limited to its share of the rate.
type generatorReader[T any] struct {
	src    *generatorSource[T]
	splits []*generatorState
	next   int // the split whose turn it is
	noMore bool
	share  int // splits the rate share was computed for
	limit  *ratelimit.Limiter
}

type generatorState struct {
	split *generatorSplit
	id    string
	next  int64
}

func (r *generatorReader[T]) Start() error { return nil }

func (r *generatorReader[T]) AddSplits(splits []connector.Split) {
	for _, s := range splits {
		sp := s.(*generatorSplit)
		r.splits = append(r.splits, &generatorState{split: sp, id: sp.SplitID(), next: sp.start})
		r.share++
	}
	if r.src.rate > 0 && len(r.splits) > 0 {
		// This reader's share of the total rate, for the splits it was given.
		total := float64(r.splits[0].split.total)
		r.limit.SetRate(r.src.rate * float64(r.share) / total)
	}
}

func (r *generatorReader[T]) NotifyNoMoreSplits() { r.noMore = true }

func (r *generatorReader[T]) Poll(out connector.ReaderOutput[T]) (connector.InputStatus, error) {
	if !r.limit.Ready() {
		return connector.NothingAvailable, nil
	}
	if len(r.splits) == 0 {
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	n := r.limit.Allowed(generatorPollBatch)
	if n == 0 {
		return connector.NothingAvailable, nil
	}
	// A batch of the split whose turn it is, so splits progress together.
	s := r.splits[r.next]
	so := out.ForSplit(s.id)
	sp := s.split
	emitted := 0
	for emitted < n && (sp.end < 0 || s.next < sp.end) {
		so.Collect(r.src.fn(s.next))
		s.next += sp.stride
		emitted++
	}
	r.limit.Emitted(emitted)
	if sp.end >= 0 && s.next >= sp.end {
		out.ReleaseSplit(s.id)
		r.splits = append(r.splits[:r.next], r.splits[r.next+1:]...)
	} else {
		r.next++
	}
	if r.next >= len(r.splits) {
		r.next = 0
	}
	if len(r.splits) == 0 && r.noMore {
		return connector.EndOfInput, nil
	}
	return connector.MoreAvailable, nil
}

// Available is ready at the next due time when the rate limit holds the
// reader back; otherwise only new splits (mail) make progress.
func (r *generatorReader[T]) Available() <-chan struct{} { return r.limit.Available() }

func (r *generatorReader[T]) Close() error {
	r.limit.Stop()
	return nil
}

// SnapshotSplits implements connector.SplitSnapshotter: each unfinished
// split from its next index on.
func (r *generatorReader[T]) SnapshotSplits() ([]connector.Split, error) {
	out := make([]connector.Split, 0, len(r.splits))
	for _, s := range r.splits {
		sp := *s.split
		sp.start = s.next
		out = append(out, &sp)
	}
	return out, nil
}

// EncodeSplit implements connector.SplitCodec: five varints (id, total,
// start, end, stride).
func (g *generatorSource[T]) EncodeSplit(s connector.Split) ([]byte, error) {
	sp, ok := s.(*generatorSplit)
	if !ok {
		return nil, fmt.Errorf("generator source: cannot encode split %T", s)
	}
	b := binary.AppendVarint(nil, int64(sp.id))
	b = binary.AppendVarint(b, int64(sp.total))
	b = binary.AppendVarint(b, sp.start)
	b = binary.AppendVarint(b, sp.end)
	return binary.AppendVarint(b, sp.stride), nil
}

// DecodeSplit implements connector.SplitCodec.
func (g *generatorSource[T]) DecodeSplit(b []byte) (connector.Split, error) {
	var v [5]int64
	for i := range v {
		x, n := binary.Varint(b)
		if n <= 0 {
			return nil, errors.New("generator source: truncated split")
		}
		v[i], b = x, b[n:]
	}
	if len(b) != 0 || v[4] <= 0 {
		return nil, errors.New("generator source: malformed split")
	}
	return &generatorSplit{id: int(v[0]), total: int(v[1]), start: v[2], end: v[3], stride: v[4]}, nil
}
