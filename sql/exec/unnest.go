package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// unnestFunc repeats each row once per element of its collection (the
// UNNEST of a CROSS JOIN), keeping the row's kind; an outer UNNEST keeps
// rows with no elements, padded with NULLs.
type unnestFunc struct {
	spec     *plan.UnnestSpec
	inTypes  []types.Type
	outTypes []types.Type
	fctx     functions.Context

	eval *projector
	out  *rowBuilder
}

func (f *unnestFunc) Open(*datastream.RuntimeContext) error {
	ctx := f.fctx
	p, err := newProjector(&ctx, []*plan.Expr{f.spec.Expr}, nil, []types.Type{f.spec.Expr.Type}, len(f.inTypes))
	f.eval, f.out = p, newRowBuilder(f.outTypes)
	return err
}

func (f *unnestFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*vector.Chunk]) error {
	if c.Len() == 0 {
		return nil
	}
	if c.Sel != nil {
		c = compactUsed(c, nil)
	}
	coll, err := f.eval.apply(c)
	if err != nil || coll == nil {
		return err
	}
	width := len(f.outTypes) - len(f.inTypes)
	for i := range c.Len() {
		row := c.Row(i)
		var elems [][]any
		switch v := coll.Cols[0].Get(i).(type) {
		case []any:
			for _, e := range v {
				if f.spec.ExpandRow {
					fields, _ := e.([]any)
					if fields == nil {
						fields = make([]any, width)
					}
					elems = append(elems, append([]any(nil), fields...))
				} else {
					elems = append(elems, []any{e})
				}
			}
		case types.MapValue:
			for j := range v.Keys {
				elems = append(elems, []any{v.Keys[j], v.Values[j]})
			}
		}
		if f.spec.Ordinality {
			for j := range elems {
				elems[j] = append(elems[j], int32(j+1))
			}
		}
		if len(elems) == 0 && f.spec.Outer {
			elems = [][]any{make([]any, width)}
		}
		for _, e := range elems {
			if len(e) != width {
				continue
			}
			if err := f.out.add(c.Kind(i), concat(row, e)); err != nil {
				return err
			}
		}
	}
	if ch := f.out.take(); ch != nil {
		out.Collect(ch)
	}
	return nil
}
