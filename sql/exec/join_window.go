package exec

import (
	"fmt"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// windowEntry is a buffered row of a window join: the end of its window
// and the row in package vector's row format (one entry per copy).
type windowEntry struct {
	End int64
	Row string
}

// windowJoinFunc is a window join: both sides' rows are buffered in keyed
// list state with their window's end and joined once the watermark passes
// the window's end, inner or outer; the output is final and insert-only,
// and the window's rows are dropped. Rows of a window that already closed
// are late and dropped, as Flink does.
//
// Inputs come in runs of rows of one key (chunkGroupsFunc), appended to
// state in one call. A window's rows are decoded once into a chunk per
// side, the condition is evaluated over blocks of candidate pairs, and the
// rows of every window fired in one watermark advance go out as one chunk
// (fireBatch).
type windowJoinFunc struct {
	joinBase
	left, right state.ListState[windowEntry]
	adds        []windowEntry
	keep        []windowEntry
	ls, rs      *vector.Chunk // the fired window's rows of each side
	fired       fireBatch
}

func (f *windowJoinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	if f.left, err = datastream.GetListState(rc, state.List[windowEntry]("left")); err != nil {
		return err
	}
	if f.right, err = datastream.GetListState(rc, state.List[windowEntry]("right")); err != nil {
		return err
	}
	f.fired = fireBatch{types: f.outTypes}
	f.ls, f.rs = vector.NewChunk(f.leftTypes, 16), vector.NewChunk(f.rightTypes, 16)
	return f.openBase()
}

func (f *windowJoinFunc) ProcessElement1(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	return f.buffer(r, f.left, f.spec.Window.LeftEnd, ctx)
}

func (f *windowJoinFunc) ProcessElement2(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	return f.buffer(r, f.right, f.spec.Window.RightEnd, ctx)
}

// buffer adds a run of rows to their windows.
func (f *windowJoinFunc) buffer(r *keyedRow, side state.ListState[windowEntry], endCol int, ctx *datastream.KeyedContext[string]) error {
	timers := ctx.TimerService()
	wm := timers.CurrentWatermark()
	ends := r.src.Cols[endCol]
	f.adds = f.adds[:0]
	lastTimer := int64(-1 << 63)
	for k := range r.count() {
		i := r.index(k)
		if isRetract(r.src.Kind(i)) {
			continue // the inputs are insert-only
		}
		if ends.IsNull(i) || ends.Lane() != vector.LaneTimestamp {
			return fmt.Errorf("window join: window_end is NULL or not a timestamp")
		}
		end := ends.TimestampAt(i).Millis
		if end-1 <= wm {
			continue // late
		}
		f.adds = append(f.adds, windowEntry{End: end, Row: f.encodeAt(r.src, i)})
		if end-1 != lastTimer {
			timers.RegisterEventTimeTimer(end - 1)
			lastTimer = end - 1
		}
	}
	if len(f.adds) > 0 {
		side.AddAll(f.adds)
	}
	clear(f.adds)
	return nil
}

// takeWindow removes the rows of the window ending at end from side and
// decodes them into c.
func (f *windowJoinFunc) takeWindow(side state.ListState[windowEntry], end int64, c *vector.Chunk) error {
	c.Reset()
	all := side.Get()
	f.keep = f.keep[:0]
	for _, e := range all {
		if e.End != end {
			f.keep = append(f.keep, e)
			continue
		}
		if err := f.decodeInto(c.Cols, c.Len(), e.Row); err != nil {
			return err
		}
		c.AppendKind(vector.Insert)
	}
	switch {
	case len(f.keep) == 0:
		if len(all) > 0 {
			side.Clear()
		}
	case len(f.keep) < len(all):
		side.Update(f.keep)
	}
	clear(f.keep)
	return nil
}

// maxPairs bounds the candidate pairs evaluated at once.
const maxPairs = vector.DefaultChunkSize

func (f *windowJoinFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	if err := f.takeWindow(f.left, ts+1, f.ls); err != nil {
		return err
	}
	if err := f.takeWindow(f.right, ts+1, f.rs); err != nil {
		return err
	}
	if f.ls.Len() > 0 || f.rs.Len() > 0 {
		f.batch = f.fired.rows()
		if err := f.join(); err != nil {
			return err
		}
		f.batch = nil
	}
	f.fired.done(ts, ctx.TimerService(), out)
	return nil
}

// join emits the joined rows of one window, ls × rs, in left order.
func (f *windowJoinFunc) join() error {
	kind := f.spec.Kind
	nl, nr := f.ls.Len(), f.rs.Len()
	rightMatched := make([]bool, nr)
	f.resetPairs()
	lh, rh := f.halves(f.pairs)
	for first := 0; first < nl; {
		// A block of left rows with all their candidates.
		last := first + 1
		for last < nl && (last-first+1)*nr <= maxPairs {
			last++
		}
		f.resetPairs()
		for l := first; l < last; l++ {
			for r := range nr {
				for k, v := range lh {
					v.AppendFrom(f.ls.Cols[k], l)
				}
				for k, v := range rh {
					v.AppendFrom(f.rs.Cols[k], r)
				}
				f.pairs.AppendKind(vector.Insert)
			}
		}
		if err := f.evalPairs(); err != nil {
			return err
		}
		for l := first; l < last; l++ {
			matched := false
			for r := range nr {
				p := (l-first)*nr + r
				if !f.pass[p] {
					continue
				}
				matched, rightMatched[r] = true, true
				if kind != plan.SemiJoin && kind != plan.AntiJoin {
					f.emit(vector.Insert, lh, p, rh, p)
				}
			}
			switch {
			case kind == plan.SemiJoin && matched, kind == plan.AntiJoin && !matched:
				f.emitSide(vector.Insert, f.ls.Cols, l, true)
			case !matched && (kind == plan.LeftJoin || kind == plan.FullJoin):
				f.emitSide(vector.Insert, f.ls.Cols, l, true)
			}
		}
		first = last
	}
	if kind == plan.RightJoin || kind == plan.FullJoin {
		for r := range nr {
			if !rightMatched[r] {
				f.emitSide(vector.Insert, f.rs.Cols, r, false)
			}
		}
	}
	return nil
}
