package datastream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/source"
)

// FromSource adds a source. The watermark strategy assigns timestamps and
// generates watermarks per split.
func FromSource[T any](env *Env, src connector.Source[T], strategy eventtime.Strategy[T], name string) *DataStream[T] {
	if src == nil {
		env.fail(fmt.Errorf("FromSource %q: source is nil", name))
	}
	if err := strategy.Err(); err != nil {
		env.fail(fmt.Errorf("FromSource %q: watermark strategy: %w", name, err))
	}
	var coord *source.Coordinator[T]
	n := env.graph.AddNode(&graph.Node{
		Name:     "Source: " + name,
		IsSource: true,
		Chaining: graph.ChainHead,
		OutType:  graph.Type[T](),
		NewCoordinator: func(parallelism int) (graph.Coordinator, error) {
			c, err := source.NewCoordinator(src, parallelism)
			coord = c
			return c, err
		},
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			c, ok := ic.Coordinator.(*source.Coordinator[T])
			if !ok {
				c = coord
			}
			op := source.NewOperator(src, strategy, env.cfg.AutoWatermarkInterval, c, ic.Mailbox, ic.Out.(operator.Output[T]))
			return graph.Instance{Op: op, Source: op}, nil
		},
	})
	return newStream[T](env, n)
}

// FromSlice adds a bounded, non-parallel source of the given elements, in
// order, without timestamps (assign them with AssignTimestampsAndWatermarks).
func FromSlice[T any](env *Env, elems []T) *DataStream[T] {
	s := FromSource[T](env, &seqSource[T]{seq: func(yield func(T) bool) {
		for _, e := range elems {
			if !yield(e) {
				return
			}
		}
	}}, eventtime.NoWatermarks[T](), "Collection Source")
	s.node.NonParallel = true
	s.node.Parallelism = 1
	return s
}

// FromSeq adds a bounded, non-parallel source of the elements of an
// iterator.
func FromSeq[T any](env *Env, seq iter.Seq[T]) *DataStream[T] {
	if seq == nil {
		env.fail(fmt.Errorf("FromSeq: iterator is nil"))
	}
	s := FromSource[T](env, &seqSource[T]{seq: seq}, eventtime.NoWatermarks[T](), "Iterator Source")
	s.node.NonParallel = true
	s.node.Parallelism = 1
	return s
}

// seqSource is a one-split bounded source over an iterator.
type seqSource[T any] struct{ seq iter.Seq[T] }

// seqSplit is the one split of a sequence source; pos is the number of
// elements already emitted.
type seqSplit struct{ pos int64 }

func (seqSplit) SplitID() string { return "0" }

// EncodeSplit implements connector.SplitCodec: the position as a uvarint.
func (s *seqSource[T]) EncodeSplit(sp connector.Split) ([]byte, error) {
	q, ok := sp.(seqSplit)
	if !ok {
		return nil, fmt.Errorf("sequence source: cannot encode split %T", sp)
	}
	return binary.AppendUvarint(nil, uint64(q.pos)), nil
}

// DecodeSplit implements connector.SplitCodec.
func (s *seqSource[T]) DecodeSplit(b []byte) (connector.Split, error) {
	pos, n := binary.Uvarint(b)
	if n <= 0 || n != len(b) {
		return nil, errors.New("sequence source: malformed split")
	}
	return seqSplit{pos: int64(pos)}, nil
}

func (s *seqSource[T]) Boundedness() connector.Boundedness { return connector.Bounded }

func (s *seqSource[T]) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return &staticEnumerator{ctx: ctx, splits: map[int][]connector.Split{0: {seqSplit{}}}}, nil
}

func (s *seqSource[T]) CreateReader(connector.ReaderContext) (connector.Reader[T], error) {
	return &seqReader[T]{seq: s.seq}, nil
}

type seqReader[T any] struct {
	seq     iter.Seq[T]
	next    func() (T, bool)
	stop    func()
	noMore  bool
	emitted int64 // position in the sequence
	skip    int64 // elements to skip after a restore
}

// SnapshotSplits implements connector.SplitSnapshotter.
func (r *seqReader[T]) SnapshotSplits() ([]connector.Split, error) {
	if r.next == nil {
		return nil, nil
	}
	return []connector.Split{seqSplit{pos: r.emitted}}, nil
}

func (r *seqReader[T]) Start() error { return nil }

func (r *seqReader[T]) AddSplits(splits []connector.Split) {
	if len(splits) == 0 {
		return
	}
	r.next, r.stop = iter.Pull(r.seq)
	if q, ok := splits[0].(seqSplit); ok {
		r.emitted, r.skip = q.pos, q.pos
	}
}

func (r *seqReader[T]) NotifyNoMoreSplits() { r.noMore = true }

func (r *seqReader[T]) Poll(out connector.ReaderOutput[T]) (connector.InputStatus, error) {
	if r.next == nil {
		if r.noMore {
			return connector.EndOfInput, nil
		}
		return connector.NothingAvailable, nil
	}
	for range 1024 {
		v, ok := r.next()
		if ok && r.skip > 0 {
			r.skip--
			continue
		}
		if !ok {
			r.stop()
			r.next = nil
			if r.noMore {
				return connector.EndOfInput, nil
			}
			return connector.NothingAvailable, nil
		}
		r.emitted++
		out.Collect(v)
	}
	return connector.MoreAvailable, nil
}

func (r *seqReader[T]) Available() <-chan struct{} { return nil }

func (r *seqReader[T]) Close() error {
	if r.stop != nil {
		r.stop()
	}
	return nil
}

// staticEnumerator assigns a fixed set of splits per subtask up front, then
// signals that no more come.
type staticEnumerator struct {
	ctx    connector.EnumeratorContext
	splits map[int][]connector.Split
}

func (e *staticEnumerator) Start() error {
	for i := range e.ctx.Parallelism() {
		if s := e.splits[i]; len(s) > 0 {
			e.ctx.Assign(i, s...)
		}
		e.ctx.SignalNoMoreSplits(i)
	}
	return nil
}

func (e *staticEnumerator) AddReader(int)                        {}
func (e *staticEnumerator) HandleSplitRequest(int)               {}
func (e *staticEnumerator) AddSplitsBack([]connector.Split, int) {}
func (e *staticEnumerator) Close() error                         { return nil }
