package exec

import (
	"fmt"
	"math"
	"time"

	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// evaluator evaluates one bound expression over chunks. It holds scratch
// vectors and resolved kernels: one per expression per subtask.
type evaluator interface {
	// eval returns the value of every physical row of c. The result may be
	// an input vector, a constant, or a scratch vector reused by the next
	// call; fresh asks for a vector the caller may keep.
	eval(ctx *functions.Context, c *vector.Chunk, fresh bool) (*vector.Vector, error)
}

// compile builds the evaluator of e.
func compile(e *plan.Expr) (evaluator, error) {
	switch e.Kind {
	case plan.ColRef:
		return colEval{idx: e.Index}, nil
	case plan.Literal:
		t := e.Type
		t.TimeAttr = types.NoTimeAttr
		v, err := vector.NewConst(t, e.Value)
		if err != nil {
			return nil, err
		}
		return constEval{v: v}, nil
	case plan.Field:
		arg, err := compile(e.Args[0])
		if err != nil {
			return nil, err
		}
		return &fieldEval{arg: arg, idx: e.Index, typ: e.Type}, nil
	case plan.Cast:
		arg, err := compile(e.Args[0])
		if err != nil {
			return nil, err
		}
		from := e.Args[0].Type
		from.TimeAttr = types.NoTimeAttr
		to := e.Type
		to.TimeAttr = types.NoTimeAttr
		if from.Equal(to) {
			return arg, nil
		}
		r, err := functions.LookupCast(from, to, e.Try)
		if err != nil {
			return nil, err
		}
		return &callEval{r: r, args: []evaluator{arg}}, nil
	case plan.Call:
		if e.Func == plan.FuncProctime {
			return proctimeEval{}, nil
		}
		if e.Func == plan.FuncCurrentWatermark {
			return watermarkEval{t: e.Type}, nil
		}
		args := make([]evaluator, len(e.Args))
		ts := make([]types.Type, len(e.Args))
		consts := make([]any, len(e.Args))
		for i, a := range e.Args {
			ev, err := compile(a)
			if err != nil {
				return nil, err
			}
			args[i] = ev
			ts[i] = a.Type
			ts[i].TimeAttr = types.NoTimeAttr
			if a.Kind == plan.Literal {
				consts[i] = a.Value
			}
		}
		var r *functions.Resolved
		var err error
		if e.UDF != nil {
			r, err = e.UDF.Resolve(ts)
		} else {
			r, err = functions.LookupCall(e.Func, ts, consts)
		}
		if err != nil {
			return nil, err
		}
		return &callEval{r: r, args: args}, nil
	}
	return nil, fmt.Errorf("cannot evaluate expression kind %s", e.Kind)
}

type colEval struct{ idx int }

func (c colEval) eval(_ *functions.Context, ch *vector.Chunk, _ bool) (*vector.Vector, error) {
	return ch.Cols[c.idx], nil
}

type constEval struct{ v *vector.Vector }

func (c constEval) eval(_ *functions.Context, ch *vector.Chunk, fresh bool) (*vector.Vector, error) {
	if fresh {
		return c.v.Broadcast(ch.Len()), nil
	}
	return c.v, nil
}

type proctimeEval struct{}

func (proctimeEval) eval(_ *functions.Context, ch *vector.Chunk, _ bool) (*vector.Vector, error) {
	v := vector.New(types.TimestampLTZ(3).NotNullable(), ch.Len())
	ts := types.TimestampValue{Millis: time.Now().UnixMilli()}
	for range ch.Len() {
		v.AppendTimestamp(ts)
	}
	return v, nil
}

// watermarkEval is CURRENT_WATERMARK: the operator's watermark (the
// context's), NULL before the first one or where none is tracked.
type watermarkEval struct{ t types.Type }

func (w watermarkEval) eval(ctx *functions.Context, ch *vector.Chunk, _ bool) (*vector.Vector, error) {
	v := vector.New(w.t, ch.Len())
	if ctx == nil || ctx.Watermark == nil || *ctx.Watermark == math.MinInt64 {
		for range ch.Len() {
			v.AppendNull()
		}
		return v, nil
	}
	ts := types.TimestampValue{Millis: *ctx.Watermark}
	for range ch.Len() {
		v.AppendTimestamp(ts)
	}
	return v, nil
}

type callEval struct {
	r    *functions.Resolved
	args []evaluator
	in   []*vector.Vector
	out  *vector.Vector
}

func (c *callEval) eval(ctx *functions.Context, ch *vector.Chunk, fresh bool) (*vector.Vector, error) {
	if c.in == nil {
		c.in = make([]*vector.Vector, len(c.args))
	}
	for i, a := range c.args {
		v, err := a.eval(ctx, ch, false)
		if err != nil {
			return nil, err
		}
		c.in[i] = v
	}
	n := ch.Len()
	out := c.out
	if fresh || out == nil {
		out = vector.New(c.r.Result, n)
		if !fresh {
			c.out = out
		}
	} else {
		out.Reset()
	}
	if err := c.r.Eval(ctx, c.in, n, out); err != nil {
		return nil, err
	}
	return out, nil
}

type fieldEval struct {
	arg evaluator
	idx int
	typ types.Type
	out *vector.Vector
}

func (f *fieldEval) eval(ctx *functions.Context, ch *vector.Chunk, fresh bool) (*vector.Vector, error) {
	v, err := f.arg.eval(ctx, ch, false)
	if err != nil {
		return nil, err
	}
	n := ch.Len()
	t := f.typ
	t.TimeAttr = types.NoTimeAttr
	out := f.out
	if fresh || out == nil {
		out = vector.New(t, n)
		if !fresh {
			f.out = out
		}
	} else {
		out.Reset()
	}
	for i := range n {
		if v.IsNull(i) {
			out.AppendNull()
			continue
		}
		row, _ := v.AnyAt(i).([]any)
		if f.idx >= len(row) {
			out.AppendNull()
			continue
		}
		if err := out.Append(row[f.idx]); err != nil {
			return nil, fmt.Errorf("field %d: %w", f.idx, err)
		}
	}
	return out, nil
}

// projector evaluates a Calc: an optional filter, then projections over
// the rows that pass, into a new chunk without a selection.
type projector struct {
	ctx      *functions.Context
	filter   evaluator
	projects []evaluator
	types    []types.Type
	// used marks the input columns the projections read, to compact only
	// those.
	used []bool
}

func newProjector(ctx *functions.Context, projects []*plan.Expr, filter *plan.Expr, outTypes []types.Type, nIn int) (*projector, error) {
	p := &projector{ctx: ctx, types: outTypes, used: make([]bool, nIn)}
	for _, x := range projects {
		ev, err := compile(x)
		if err != nil {
			return nil, err
		}
		p.projects = append(p.projects, ev)
		for i := range x.Cols(nil) {
			if i < nIn {
				p.used[i] = true
			}
		}
	}
	if filter != nil {
		ev, err := compile(filter)
		if err != nil {
			return nil, err
		}
		p.filter = ev
	}
	return p, nil
}

// apply returns the output chunk for c (nil when no row passes).
func (p *projector) apply(c *vector.Chunk) (*vector.Chunk, error) {
	if c.Len() == 0 {
		return nil, nil
	}
	if c.Sel != nil {
		c = compactUsed(c, nil)
	}
	if p.filter != nil {
		mask, err := p.filter.eval(p.ctx, c, false)
		if err != nil {
			return nil, err
		}
		if err := mask.Err(nil); err != nil {
			return nil, err
		}
		view := &vector.Chunk{Cols: c.Cols, Kinds: c.Kinds}
		view.SetLen(c.Len())
		if err := view.Filter(mask); err != nil {
			return nil, err
		}
		if len(view.Sel) == 0 {
			return nil, nil
		}
		if len(view.Sel) < c.Len() {
			view.Cols = append([]*vector.Vector(nil), c.Cols...)
			c = compactUsed(view, p.used)
		}
	}
	out := &vector.Chunk{Cols: make([]*vector.Vector, len(p.projects)), Kinds: c.Kinds}
	for i, ev := range p.projects {
		v, err := evalColumn(ev, p.ctx, c)
		if err != nil {
			return nil, err
		}
		out.Cols[i] = v
	}
	out.SetLen(c.Len())
	return out, nil
}

// evalColumn evaluates ev over c into a column of its own: row errors
// become the error, a constant is broadcast.
func evalColumn(ev evaluator, ctx *functions.Context, c *vector.Chunk) (*vector.Vector, error) {
	v, err := ev.eval(ctx, c, true)
	if err != nil {
		return nil, err
	}
	if err := v.Err(nil); err != nil {
		return nil, err
	}
	if v.IsConst() {
		v = v.Broadcast(c.Len())
	}
	return v, nil
}

// compactUsed materializes c's selection, for the used columns only (all
// when used is nil); the others become empty placeholders.
func compactUsed(c *vector.Chunk, used []bool) *vector.Chunk {
	out := &vector.Chunk{Cols: make([]*vector.Vector, len(c.Cols))}
	for j, v := range c.Cols {
		if used == nil || j < len(used) && used[j] {
			out.Cols[j] = v.Gather(c.Sel)
		} else {
			out.Cols[j] = vector.New(v.Type(), 0)
		}
	}
	if c.Kinds != nil {
		out.Kinds = make([]vector.RowKind, len(c.Sel))
		for j, i := range c.Sel {
			out.Kinds[j] = c.Kinds[i]
		}
	}
	out.SetLen(len(c.Sel))
	return out
}
