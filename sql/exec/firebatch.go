package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// fireBatch gathers the rows that a window aggregation's event-time timers
// emit during one watermark advance into one chunk, instead of a chunk per
// fired window. A keyed function has no hook between its last timer and
// the watermark going downstream, and rows must not trail the watermark,
// so: a timer at the watermark flushes the batch when it ends, and the
// first row buffered by an earlier timer registers a timer at the
// watermark for the firing key (merged with that key's own timer there, if
// any). Timers at or below the watermark all fire in the same advance, in
// timestamp order, so the batch is empty when the watermark moves on. A
// window operator's timer at the watermark with nothing of its own to fire
// emits nothing, which makes the extra timer harmless.
type fireBatch struct {
	types []types.Type
	chunk *vector.Chunk
	armed bool // a flush timer at the watermark is pending
}

// rows returns the chunk fired rows are appended to.
func (b *fireBatch) rows() *vector.Chunk {
	if b.chunk == nil {
		b.chunk = vector.NewChunk(b.types, 64)
	}
	return b.chunk
}

// done ends the firing of a timer at ts.
func (b *fireBatch) done(ts int64, timers datastream.TimerService, out datastream.Collector[*vector.Chunk]) {
	if b.chunk == nil || b.chunk.Len() == 0 {
		return
	}
	wm := timers.CurrentWatermark()
	if ts >= wm {
		out.Collect(b.chunk)
		b.chunk, b.armed = nil, false
		return
	}
	if !b.armed {
		timers.RegisterEventTimeTimer(wm)
		b.armed = true
	}
}
