package exec

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// rowEval evaluates a bound expression over one row of values, through
// the columnar kernels (a chunk of one row). A column reference reads the
// value directly.
type rowEval struct {
	col   int // >= 0: the expression is this column
	ev    evaluator
	types []types.Type
	chunk *vector.Chunk
	fctx  *functions.Context
}

func newRowEval(e *plan.Expr, in []types.Type, fctx *functions.Context) (*rowEval, error) {
	if e.Kind == plan.ColRef {
		if e.Index < 0 || e.Index >= len(in) {
			return nil, fmt.Errorf("column %d of %d", e.Index, len(in))
		}
		return &rowEval{col: e.Index}, nil
	}
	ev, err := compile(e)
	if err != nil {
		return nil, err
	}
	return &rowEval{col: -1, ev: ev, types: in, fctx: fctx}, nil
}

func (r *rowEval) eval(vals []any) (any, error) {
	if r.col >= 0 {
		return vals[r.col], nil
	}
	if r.chunk == nil {
		r.chunk = vector.NewChunk(r.types, 1)
	} else {
		r.chunk.Reset()
	}
	if err := r.chunk.AppendRow(vector.Insert, vals...); err != nil {
		return nil, err
	}
	v, err := r.ev.eval(r.fctx, r.chunk, false)
	if err != nil {
		return nil, err
	}
	if err := v.Err(nil); err != nil {
		return nil, err
	}
	return v.Get(0), nil
}

// matchExpr is a DEFINE condition or a measure, compiled: the expression
// over the accessors' values, and per accessor the evaluators of its
// arguments over an input row.
type matchExpr struct {
	expr   *rowEval
	access []plan.MatchAccess
	args   [][]*rowEval
	vals   []any // scratch: the accessors' values
}

func newMatchExpr(x *plan.MatchExpr, in []types.Type, fctx *functions.Context) (*matchExpr, error) {
	ts := make([]types.Type, len(x.Access))
	m := &matchExpr{access: x.Access, args: make([][]*rowEval, len(x.Access)), vals: make([]any, len(x.Access))}
	for i, a := range x.Access {
		ts[i] = plainType(a.Type)
		for _, arg := range a.Args {
			ev, err := newRowEval(arg, in, fctx)
			if err != nil {
				return nil, err
			}
			m.args[i] = append(m.args[i], ev)
		}
		switch {
		case a.Agg != nil:
		case a.Kind == plan.AccessRowtime || a.Kind == plan.AccessProctime:
		case len(a.Args) != 1:
			return nil, fmt.Errorf("%s takes one argument, has %d", a.Kind, len(a.Args))
		}
	}
	ev, err := newRowEval(x.Expr, ts, fctx)
	if err != nil {
		return nil, err
	}
	m.expr = ev
	return m, nil
}

// matchRows is what an expression reads: for each variable (and -1,
// every row), a range of rows by sequence number; read returns a row.
type matchRows interface {
	rows(v int) (lo, hi int64) // [lo, hi]; empty when hi < lo
	read(seq int64) ([]any, error)
	// times are what MATCH_ROWTIME and MATCH_PROCTIME return.
	times() (rowtime, proctime int64)
}

// eval evaluates the expression over the rows r.
func (m *matchExpr) eval(r matchRows) (any, error) {
	for i, a := range m.access {
		v, err := m.accessValue(i, a, r)
		if err != nil {
			return nil, err
		}
		m.vals[i] = v
	}
	return m.expr.eval(m.vals)
}

func (m *matchExpr) accessValue(i int, a plan.MatchAccess, r matchRows) (any, error) {
	switch a.Kind {
	case plan.AccessRowtime, plan.AccessProctime:
		rt, pt := r.times()
		if a.Kind == plan.AccessProctime {
			rt = pt
		}
		return types.TimestampValue{Millis: rt}, nil
	}
	v := a.Var
	if a.Kind == plan.AccessPrev {
		v = -1 // PREV counts back over every row
	}
	lo, hi := r.rows(v)
	if a.Agg != nil {
		var rows [][]any
		for s := lo; s <= hi; s++ {
			row, err := r.read(s)
			if err != nil {
				return nil, err
			}
			vals := make([]any, len(m.args[i]))
			for j, ev := range m.args[i] {
				if vals[j], err = ev.eval(row); err != nil {
					return nil, err
				}
			}
			rows = append(rows, vals)
		}
		res, err := frameAggregates([]plan.AggCall{*a.Agg}, rows)
		if err != nil {
			return nil, err
		}
		return res[0], nil
	}
	var s int64
	switch a.Kind {
	case plan.AccessFirst:
		s = lo + int64(a.Offset)
	default: // LAST, PREV
		s = hi - int64(a.Offset)
	}
	if s < lo || s > hi {
		return nil, nil
	}
	row, err := r.read(s)
	if err != nil {
		return nil, err
	}
	return m.args[i][0].eval(row)
}
