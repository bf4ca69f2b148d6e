package datastream

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
)

// SinkTo writes the stream to a sink.
func (s *DataStream[T]) SinkTo(sink connector.Sink[T], name string) *DataStream[T] {
	if sink == nil {
		s.env.fail(fmt.Errorf("SinkTo %q: sink is nil", name))
	}
	n := addNode(s.env, &graph.Node{
		Name: "Sink: " + name,
		New: func(ic graph.InstanceContext) (graph.Instance, error) {
			if tp, ok := sink.(connector.TwoPhaseCommittingSink[T]); ok {
				op := &twoPhaseSinkOp[T]{sinkOp: sinkOp[T]{sink: sink}, tp: tp}
				return graph.Instance{Op: op, Inputs: []any{operator.Input[T](op)}}, nil
			}
			op := &sinkOp[T]{sink: sink}
			return graph.Instance{Op: op, Inputs: []any{operator.Input[T](op)}}, nil
		},
	}, inputOf(s))
	// The returned stream configures the sink (Name, UID, SetParallelism …);
	// it has no output to consume.
	return &DataStream[T]{env: s.env, node: n, parts: []streamPart{{node: n}}}
}

type sinkOp[T any] struct {
	sink   connector.Sink[T]
	writer connector.SinkWriter[T]
	ctx    *operator.Context
}

func (o *sinkOp[T]) Open(ctx *operator.Context) error {
	o.ctx = ctx
	w, err := o.sink.CreateWriter(sinkContext{ctx})
	if err != nil {
		return fmt.Errorf("creating sink writer: %w", err)
	}
	o.writer = w
	return nil
}

func (o *sinkOp[T]) ProcessElement(r operator.Record[T]) {
	if err := o.writer.Write(r.Value, r.Timestamp); err != nil {
		operator.Fail(fmt.Errorf("writing: %w", err))
	}
}

func (o *sinkOp[T]) ProcessWatermark(int64)      {}
func (o *sinkOp[T]) ProcessWatermarkStatus(bool) {}

func (o *sinkOp[T]) Finish() error { return o.writer.Flush(true) }

func (o *sinkOp[T]) Close() error {
	if o.writer == nil {
		return nil
	}
	return o.writer.Close()
}

type sinkContext struct{ op *operator.Context }

func (c sinkContext) Subtask() int     { return c.op.Subtask }
func (c sinkContext) Parallelism() int { return c.op.Parallelism }
func (c sinkContext) NowMillis() int64 { return c.op.Clock.NowMillis() }

// Print writes every element to standard output with fmt's %v, prefixed by
// "N> " (the subtask, from 1) when the sink runs with parallelism above 1,
// as Flink's print().
func (s *DataStream[T]) Print() *DataStream[T] {
	return s.SinkTo(&PrintSink[T]{W: os.Stdout}, "Print to Std. Out")
}

// PrintSink writes elements as text lines to W.
type PrintSink[T any] struct {
	W io.Writer
	// Prefix is written before each line, before the subtask prefix.
	Prefix string
	mu     sync.Mutex
}

func (p *PrintSink[T]) CreateWriter(ctx connector.SinkContext) (connector.SinkWriter[T], error) {
	prefix := p.Prefix
	if ctx.Parallelism() > 1 {
		prefix += fmt.Sprintf("%d> ", ctx.Subtask()+1)
	}
	return &printWriter[T]{sink: p, prefix: prefix, buf: bufio.NewWriter(lockedWriter[T]{p})}, nil
}

// lockedWriter serializes the subtasks' flushes to one writer.
type lockedWriter[T any] struct{ p *PrintSink[T] }

func (l lockedWriter[T]) Write(b []byte) (int, error) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	return l.p.W.Write(b)
}

type printWriter[T any] struct {
	sink   *PrintSink[T]
	prefix string
	buf    *bufio.Writer
}

func (w *printWriter[T]) Write(v T, _ int64) error {
	w.buf.WriteString(w.prefix)
	fmt.Fprintln(w.buf, v)
	if w.buf.Buffered() > 32<<10 {
		return w.flushLines()
	}
	return nil
}

// flushLines writes whole lines only, so lines of subtasks never interleave.
func (w *printWriter[T]) flushLines() error { return w.buf.Flush() }

func (w *printWriter[T]) Flush(bool) error { return w.flushLines() }
func (w *printWriter[T]) Close() error     { return w.flushLines() }

// CollectSink gathers a stream's elements in memory, for results and tests.
// Values are available once the job finished.
type CollectSink[T any] struct {
	mu      sync.Mutex
	records []Timestamped[T]
}

// Timestamped is a value with its event timestamp (math.MinInt64 if none).
type Timestamped[T any] struct {
	Value     T
	Timestamp int64
}

// Collect adds a collect sink to s and returns it.
func Collect[T any](s *DataStream[T]) *CollectSink[T] {
	c := &CollectSink[T]{}
	s.env.resets = append(s.env.resets, c.reset)
	s.SinkTo(c, "Collect")
	return c
}

func (c *CollectSink[T]) reset() {
	c.mu.Lock()
	c.records = nil
	c.mu.Unlock()
}

// Values returns the collected values: in order per subtask, subtasks in
// the order they flushed.
func (c *CollectSink[T]) Values() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]T, len(c.records))
	for i, r := range c.records {
		out[i] = r.Value
	}
	return out
}

// Records returns the collected values with their timestamps.
func (c *CollectSink[T]) Records() []Timestamped[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Timestamped[T](nil), c.records...)
}

func (c *CollectSink[T]) CreateWriter(connector.SinkContext) (connector.SinkWriter[T], error) {
	return &collectWriter[T]{sink: c}, nil
}

type collectWriter[T any] struct {
	sink *CollectSink[T]
	buf  []Timestamped[T]
}

func (w *collectWriter[T]) Write(v T, ts int64) error {
	w.buf = append(w.buf, Timestamped[T]{v, ts})
	if len(w.buf) >= 4096 {
		return w.Flush(false)
	}
	return nil
}

func (w *collectWriter[T]) Flush(bool) error {
	w.sink.mu.Lock()
	w.sink.records = append(w.sink.records, w.buf...)
	w.sink.mu.Unlock()
	w.buf = w.buf[:0]
	return nil
}

func (w *collectWriter[T]) Close() error { return w.Flush(false) }
