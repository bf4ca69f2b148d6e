package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// joinFunc is a regular inner join keyed by the join keys: each side's
// rows are kept in keyed state (encoded row → multiplicity); a row joins
// with the other side's rows of its key that pass the residual condition,
// evaluated over all candidates as one chunk. Additions emit +I, removals
// -D, so updating inputs join correctly.
type joinFunc struct {
	spec       *plan.JoinSpec
	leftTypes  []types.Type
	rightTypes []types.Type
	outTypes   []types.Type
	fctx       functions.Context

	left, right state.MapState[string, int64]
	cond        *projector
	out         *rowBuilder
	lc, rc      *rowCodec
}

func (f *joinFunc) Open(rc *datastream.RuntimeContext) error {
	f.lc, f.rc = newRowCodec(f.leftTypes), newRowCodec(f.rightTypes)
	var err error
	if f.left, err = datastream.GetMapState(rc, state.Map[string, int64]("left")); err != nil {
		return err
	}
	if f.right, err = datastream.GetMapState(rc, state.Map[string, int64]("right")); err != nil {
		return err
	}
	if f.spec.Condition != nil {
		ctx := f.fctx
		projects := make([]*plan.Expr, len(f.outTypes))
		for i, t := range f.outTypes {
			projects[i] = plan.NewCol(i, t)
		}
		if f.cond, err = newProjector(&ctx, projects, f.spec.Condition, f.outTypes, len(f.outTypes)); err != nil {
			return err
		}
	}
	f.out = newRowBuilder(f.outTypes)
	return nil
}

func (f *joinFunc) ProcessElement1(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, true, out)
}

func (f *joinFunc) ProcessElement2(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, false, out)
}

func (f *joinFunc) process(r *keyedRow, isLeft bool, out datastream.Collector[*vector.Chunk]) error {
	mine, other, myCodec, otherCodec := f.left, f.right, f.lc, f.rc
	if !isLeft {
		mine, other, myCodec, otherCodec = f.right, f.left, f.rc, f.lc
	}
	enc := myCodec.encode(r.vals)
	n, _ := mine.Get(enc)
	retract := isRetract(r.kind)
	if retract {
		if n <= 0 {
			return nil
		}
		if n == 1 {
			mine.Remove(enc)
		} else {
			mine.Put(enc, n-1)
		}
	} else {
		mine.Put(enc, n+1)
	}
	kind := vector.Insert
	if retract {
		kind = vector.Delete
	}
	cand := vector.NewChunk(f.outTypes, 4)
	for k, cnt := range other.All() {
		vals, err := otherCodec.decode(k)
		if err != nil {
			return err
		}
		row := concat(r.vals, vals)
		if !isLeft {
			row = concat(vals, r.vals)
		}
		for range cnt {
			if err := cand.AppendRow(kind, row...); err != nil {
				return err
			}
		}
	}
	if cand.Len() == 0 {
		return nil
	}
	if f.cond != nil {
		res, err := f.cond.apply(cand)
		if err != nil {
			return err
		}
		if res == nil {
			return nil
		}
		cand = res
	}
	out.Collect(cand)
	return nil
}

// limitFunc keeps rows offset … offset+fetch-1 of its input (one key).
type limitFunc struct {
	spec  *plan.LimitSpec
	types []types.Type
	count state.ValueState[int64]
	out   *rowBuilder
}

func (f *limitFunc) Open(rc *datastream.RuntimeContext) error {
	c, err := datastream.GetValueState(rc, state.Value[int64]("count"))
	f.count = c
	f.out = newRowBuilder(f.types)
	return err
}

func (f *limitFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	n, _ := f.count.Value()
	if n >= f.spec.Offset && (f.spec.Fetch < 0 || n < f.spec.Offset+f.spec.Fetch) {
		if err := f.out.add(r.kind, r.vals); err != nil {
			return err
		}
	}
	f.count.Update(n + 1)
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// materializeFunc applies a changelog and emits the final rows as +I at
// the end of the input: batch mode's result for sinks that take inserts
// only.
type materializeFunc struct {
	types []types.Type
	rows  state.MapState[string, int64]
	out   *rowBuilder
	codec *rowCodec
}

// endOfInput is the timer that fires with the final watermark.
const endOfInput = int64(1<<63 - 2)

func (f *materializeFunc) Open(rc *datastream.RuntimeContext) error {
	m, err := datastream.GetMapState(rc, state.Map[string, int64]("rows"))
	f.rows, f.codec = m, newRowCodec(f.types)
	f.out = newRowBuilder(f.types)
	return err
}

func (f *materializeFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	enc := f.codec.encode(r.vals)
	n, _ := f.rows.Get(enc)
	if r.kind.IsAdditive() {
		n++
	} else {
		n--
	}
	if n <= 0 {
		f.rows.Remove(enc)
	} else {
		f.rows.Put(enc, n)
	}
	ctx.TimerService().RegisterEventTimeTimer(endOfInput)
	return nil
}

func (f *materializeFunc) OnTimer(_ int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	for k, n := range f.rows.All() {
		vals, err := f.codec.decode(k)
		if err != nil {
			return err
		}
		for range n {
			if err := f.out.add(vector.Insert, vals); err != nil {
				return err
			}
		}
	}
	f.rows.Clear()
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// toRowsFunc splits chunks into keyed rows for a hash exchange.
type toRowsFunc struct {
	keys []int
	buf  []byte
	view vector.Chunk
}

func (f *toRowsFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*keyedRow]) error {
	if c.Len() == 0 {
		return nil
	}
	f.view.Cols = f.view.Cols[:0]
	for _, k := range f.keys {
		f.view.Cols = append(f.view.Cols, c.Cols[k])
	}
	f.view.SetLen(c.Len())
	for i := range c.Len() {
		f.buf = vector.AppendRow(f.buf[:0], &f.view, i)
		out.Collect(&keyedRow{key: string(f.buf), kind: c.Kind(i), vals: c.Row(i)})
	}
	return nil
}
