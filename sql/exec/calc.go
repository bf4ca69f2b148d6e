package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// calcFunc is a Calc: filter and projections, a chunk at a time. It is
// copied per subtask (datastream copies function structs); Open compiles
// the expressions for the copy.
type calcFunc struct {
	spec *plan.CalcSpec
	out  []types.Type
	nIn  int
	fctx functions.Context
	p    *projector
	wm   int64 // the watermark, for CURRENT_WATERMARK
}

func (f *calcFunc) Open(*datastream.RuntimeContext) error {
	ctx := f.fctx
	ctx.Watermark = &f.wm
	p, err := newProjector(&ctx, f.spec.Projects, f.spec.Filter, f.out, f.nIn)
	f.p = p
	return err
}

func (f *calcFunc) ProcessElement(c *vector.Chunk, pc *datastream.ProcessContext, out datastream.Collector[*vector.Chunk]) error {
	f.wm = pc.CurrentWatermark()
	res, err := f.p.apply(c)
	if err != nil {
		return err
	}
	if res != nil {
		out.Collect(res)
	}
	return nil
}

// windowFunc is a window table function: each row once per window it
// belongs to, with window_start, window_end and window_time appended.
type windowFunc struct {
	spec *plan.WindowSpec
	out  []types.Type
}

func (f *windowFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*vector.Chunk]) error {
	if c.Len() == 0 {
		return nil
	}
	w := f.spec
	res := vector.NewChunk(f.out, c.Len())
	nIn := len(c.Cols)
	tcol := c.Cols[w.TimeCol]
	for i := range c.Len() {
		if tcol.IsNull(i) {
			continue // Flink drops rows without a time in windowing
		}
		ts := tcol.TimestampAt(i).Millis
		emit := func(start, end int64) {
			for j := 0; j < nIn; j++ {
				res.Cols[j].AppendFrom(c.Cols[j], i)
			}
			res.Cols[nIn].AppendTimestamp(types.TimestampValue{Millis: start})
			res.Cols[nIn+1].AppendTimestamp(types.TimestampValue{Millis: end})
			res.Cols[nIn+2].AppendTimestamp(types.TimestampValue{Millis: end - 1})
			res.SetLen(res.Len() + 1)
		}
		switch w.Kind {
		case plan.Tumble:
			start := windowStart(ts, w.Offset, w.Size)
			emit(start, start+w.Size)
		case plan.Hop:
			last := windowStart(ts, w.Offset, w.Step)
			for start := last; start > ts-w.Size; start -= w.Step {
				emit(start, start+w.Size)
			}
		case plan.Cumulate:
			start := windowStart(ts, w.Offset, w.Size)
			firstEnd := windowStart(ts, w.Offset, w.Step) + w.Step
			for end := firstEnd; end <= start+w.Size; end += w.Step {
				emit(start, end)
			}
		}
	}
	if res.Len() > 0 {
		out.Collect(res)
	}
	return nil
}

// windowStart is Flink's TimeWindow.getWindowStartWithOffset.
func windowStart(ts, offset, size int64) int64 {
	r := (ts - offset) % size
	if r < 0 {
		r += size
	}
	return ts - r
}
