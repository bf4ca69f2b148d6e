package exec

import (
	"fmt"
	"math"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// scanSource wraps a connector's source of raw chunks (one column per path
// of the scan) and runs the rest of the scan in the source's subtask:
// computed columns, the watermark expression, the pushed filter and the
// output projection. Each emitted chunk carries, as its timestamp, the
// highest watermark value of its rows, which the watermark generator turns
// into watermarks per split, as Flink's watermark push-down does.
type scanSource struct {
	inner connector.Source[*vector.Chunk]
	spec  *plan.ScanSpec
	loc   functions.Context
}

func (s *scanSource) Boundedness() connector.Boundedness { return s.inner.Boundedness() }

func (s *scanSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return s.inner.CreateEnumerator(ctx)
}

func (s *scanSource) CreateReader(ctx connector.ReaderContext) (connector.Reader[*vector.Chunk], error) {
	r, err := s.inner.CreateReader(ctx)
	if err != nil {
		return nil, err
	}
	p, err := newScanPipeline(s.spec, s.loc)
	if err != nil {
		return nil, fmt.Errorf("scan of %s: %w", s.spec.Table, err)
	}
	return &scanReader{Reader: r, p: p}, nil
}

// RestoreEnumerator restores the connector's enumerator, for those whose
// enumerators have checkpointed state (the filesystem source's).
func (s *scanSource) RestoreEnumerator(ctx connector.EnumeratorContext, state []byte) (connector.Enumerator, error) {
	r, ok := s.inner.(connector.EnumeratorRestorer)
	if !ok {
		return nil, fmt.Errorf("connector '%s' cannot restore its split enumerator", s.spec.Connector)
	}
	return r.RestoreEnumerator(ctx, state)
}

func (s *scanSource) EncodeSplit(sp connector.Split) ([]byte, error) {
	c, ok := s.inner.(connector.SplitCodec)
	if !ok {
		return nil, fmt.Errorf("connector '%s' cannot be checkpointed", s.spec.Connector)
	}
	return c.EncodeSplit(sp)
}

func (s *scanSource) DecodeSplit(b []byte) (connector.Split, error) {
	c, ok := s.inner.(connector.SplitCodec)
	if !ok {
		return nil, fmt.Errorf("connector '%s' cannot be checkpointed", s.spec.Connector)
	}
	return c.DecodeSplit(b)
}

type scanReader struct {
	connector.Reader[*vector.Chunk]
	p *scanPipeline
}

func (r *scanReader) Poll(out connector.ReaderOutput[*vector.Chunk]) (connector.InputStatus, error) {
	o := &scanOutput{out: out, p: r.p}
	st, err := r.Reader.Poll(o)
	if err == nil {
		err = o.err
	}
	return st, err
}

func (r *scanReader) SnapshotSplits() ([]connector.Split, error) {
	s, ok := r.Reader.(connector.SplitSnapshotter)
	if !ok {
		return nil, fmt.Errorf("this source cannot be checkpointed")
	}
	return s.SnapshotSplits()
}

// scanOutput runs the pipeline on what the inner reader emits.
type scanOutput struct {
	out connector.ReaderOutput[*vector.Chunk]
	p   *scanPipeline
	err error
}

func (o *scanOutput) Collect(c *vector.Chunk) { o.emit(o.out, c) }
func (o *scanOutput) CollectWithTimestamp(c *vector.Chunk, _ int64) {
	o.emit(o.out, c)
}
func (o *scanOutput) ForSplit(id string) connector.SplitOutput[*vector.Chunk] {
	return &scanSplitOutput{o: o, out: o.out.ForSplit(id)}
}
func (o *scanOutput) ReleaseSplit(id string) { o.out.ReleaseSplit(id) }

func (o *scanOutput) emit(out connector.SplitOutput[*vector.Chunk], c *vector.Chunk) {
	if o.err != nil {
		return
	}
	res, wm, err := o.p.run(c)
	if err != nil {
		o.err = err
		return
	}
	if res == nil {
		return
	}
	out.CollectWithTimestamp(res, wm)
}

type scanSplitOutput struct {
	o   *scanOutput
	out connector.SplitOutput[*vector.Chunk]
}

func (s *scanSplitOutput) Collect(c *vector.Chunk)                       { s.o.emit(s.out, c) }
func (s *scanSplitOutput) CollectWithTimestamp(c *vector.Chunk, _ int64) { s.o.emit(s.out, c) }

// CollectWithAside emits kept as Collect does, with the watermark of kept
// and aside: aside holds rows of the same poll that the scan's filter
// drops, which a connector set apart without filtering (the nexmark
// source's event types) but which still move the watermark.
func (s *scanSplitOutput) CollectWithAside(kept, aside *vector.Chunk) {
	o := s.o
	if o.err != nil {
		return
	}
	c, err := o.p.extend(aside)
	var wm int64
	if err == nil {
		wm, err = o.p.maxWatermark(c)
	}
	var res *vector.Chunk
	var keptWM int64
	if err == nil {
		res, keptWM, err = o.p.run(kept)
	}
	if err != nil {
		o.err = err
		return
	}
	wm = max(wm, keptWM)
	if res == nil {
		if wm == math.MinInt64 {
			return
		}
		res = vector.NewChunk(o.p.output.types, 0)
	}
	s.out.CollectWithTimestamp(res, wm)
}

// scanPipeline is the per-subtask evaluation of a scan.
type scanPipeline struct {
	ctx       *functions.Context
	nPaths    int
	computed  []evaluator
	watermark evaluator
	output    *projector
}

func newScanPipeline(spec *plan.ScanSpec, ctx functions.Context) (*scanPipeline, error) {
	p := &scanPipeline{ctx: &ctx, nPaths: len(spec.Paths)}
	for _, x := range spec.Computed {
		ev, err := compile(x)
		if err != nil {
			return nil, err
		}
		p.computed = append(p.computed, ev)
	}
	if spec.Watermark != nil {
		ev, err := compile(spec.Watermark)
		if err != nil {
			return nil, err
		}
		p.watermark = ev
	}
	n := len(spec.Paths) + len(spec.Computed)
	projects := make([]*plan.Expr, len(spec.Output))
	outTypes := make([]types.Type, len(spec.Output))
	for i, x := range spec.Output {
		t := spec.PathTypes[min(x, len(spec.PathTypes)-1)]
		if x >= len(spec.Paths) {
			t = spec.Computed[x-len(spec.Paths)].Type
		}
		projects[i] = plan.NewCol(x, t)
		outTypes[i] = t
	}
	out, err := newProjector(p.ctx, projects, spec.Filter, outTypes, n)
	if err != nil {
		return nil, err
	}
	p.output = out
	return p, nil
}

// run returns the scan's output for a raw chunk and the highest watermark
// value of its rows (math.MinInt64 without one). A chunk all filtered out
// is still returned, empty, when it moves the watermark.
func (p *scanPipeline) run(raw *vector.Chunk) (*vector.Chunk, int64, error) {
	c, err := p.extend(raw)
	if err != nil {
		return nil, 0, err
	}
	wm, err := p.maxWatermark(c)
	if err != nil {
		return nil, 0, err
	}
	out, err := p.output.apply(c)
	if err != nil {
		return nil, 0, err
	}
	if out == nil {
		if wm == math.MinInt64 {
			return nil, 0, nil
		}
		out = vector.NewChunk(p.output.types, 0)
	}
	return out, wm, nil
}

// extend appends the computed columns to a raw chunk.
func (p *scanPipeline) extend(raw *vector.Chunk) (*vector.Chunk, error) {
	if len(p.computed) == 0 {
		return raw, nil
	}
	c := &vector.Chunk{Cols: append([]*vector.Vector(nil), raw.Cols[:p.nPaths]...), Kinds: raw.Kinds}
	c.SetLen(raw.Len())
	for _, ev := range p.computed {
		v, err := evalColumn(ev, p.ctx, c)
		if err != nil {
			return nil, err
		}
		c.Cols = append(c.Cols, v)
	}
	return c, nil
}

// maxWatermark is the highest watermark value of an extended chunk's rows,
// math.MinInt64 without one.
func (p *scanPipeline) maxWatermark(c *vector.Chunk) (int64, error) {
	wm := int64(math.MinInt64)
	if p.watermark == nil || c.Len() == 0 {
		return wm, nil
	}
	v, err := p.watermark.eval(p.ctx, c, false)
	if err != nil {
		return 0, err
	}
	if err := v.Err(nil); err != nil {
		return 0, err
	}
	for i := range c.Len() {
		if !v.IsNull(i) {
			wm = max(wm, v.Int64At(i))
		}
	}
	return wm, nil
}

// watermarkStrategy turns the chunks' timestamps (their highest watermark
// values) into watermarks, emitted periodically. In batch mode there are
// no watermarks: the end of the input fires every timer.
func watermarkStrategy(batch bool) eventtime.Strategy[*vector.Chunk] {
	if batch {
		return eventtime.NoWatermarks[*vector.Chunk]()
	}
	return eventtime.ForGenerator(func() eventtime.Generator[*vector.Chunk] {
		return &maxWatermark{max: math.MinInt64}
	})
}

type maxWatermark struct{ max int64 }

// punctuatedWatermarks makes sources emit their watermark after every
// chunk instead of periodically: tests set it so that which rows are late
// does not depend on timing.
var punctuatedWatermarks = false

func (m *maxWatermark) OnEvent(_ *vector.Chunk, ts int64, out eventtime.Output) {
	if ts > m.max {
		m.max = ts
	}
	if punctuatedWatermarks {
		m.OnPeriodicEmit(out)
	}
}

func (m *maxWatermark) OnPeriodicEmit(out eventtime.Output) {
	if m.max != math.MinInt64 {
		out.EmitWatermark(m.max)
	}
}
