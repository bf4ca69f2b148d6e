package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// updatingOver plans an OVER aggregation over an updating input, which
// Flink refuses (Nexmark's q6 needs it): the result is the OVER
// aggregation of the input's current rows, kept up to date as a retract
// stream. Any ORDER BY is allowed, as the rows are kept sorted rather
// than waiting for a watermark; frames are ROWS (n or UNBOUNDED
// PRECEDING) or RANGE UNBOUNDED PRECEDING (the default).
func (b *binder) updatingOver(w *ast.WindowSpec, in *Node, part []int, order []SortKey, calls []AggCall) (*Node, error) {
	if len(order) == 0 {
		return nil, errorf(w, "OVER aggregation over an updating input needs an ORDER BY")
	}
	spec := &OverSpec{Partition: part, TimeCol: order[0].Col, Preceding: -1, Calls: calls, Updating: true, Order: order}
	if err := bindFrame(w, spec); err != nil {
		return nil, err
	}
	if w.Frame != nil && !spec.Rows && spec.Preceding >= 0 {
		return nil, errorf(w.Frame, "OVER aggregation over an updating input supports ROWS frames and RANGE UNBOUNDED PRECEDING, not a bounded RANGE")
	}
	for _, c := range calls {
		if c.Func == "LAG" || c.Func == "LEAD" {
			return nil, errorf(w, "%s over an updating input is not supported yet", c.Func)
		}
		if c.UDAF != nil {
			return nil, errorf(w, "OVER aggregation over an updating input does not support the user-defined aggregate function %s", c.Func)
		}
	}
	cols := cloneCols(in.Columns)
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
	}
	for _, c := range calls {
		cols = append(cols, Column{Name: c.Name, Type: c.Type})
	}
	out := b.node(OpOverAggregate, cols, in)
	out.Over = spec
	out.Changelog = UpdatesAndDeletes
	return out, nil
}
