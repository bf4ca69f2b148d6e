package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// intersectExcept binds INTERSECT / EXCEPT [ALL] of l and r (coerced to
// cols): a SetOp node keyed by the whole row that counts each row on
// both sides. INTERSECT of insert-only inputs only ever adds rows; EXCEPT
// removes a row when the right side catches up, so it updates.
func (b *binder) intersectExcept(s *ast.SetOp, l, r *Node, cols []Column) *Node {
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
	}
	n := b.node(OpSetOp, cols, l, r)
	n.SetOp = &SetOpSpec{Op: string(s.Op), All: s.All}
	n.Changelog = UpdatesAndDeletes
	if s.Op == ast.Intersect && l.Changelog.IsInsertOnly() && r.Changelog.IsInsertOnly() {
		n.Changelog = InsertOnly
	}
	return n
}
