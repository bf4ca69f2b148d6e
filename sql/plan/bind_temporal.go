package plan

import (
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// temporal makes join n (of l and r, bound) a temporal join: r is read
// FOR SYSTEM_TIME AS OF asOf, a time attribute of l. As Flink requires,
// r must be a versioned table (a primary key, and for event time a
// rowtime attribute), the ON condition must equate the primary key with
// the left, and the join must be INNER or LEFT. The output appends
// (each left row joins once) and keeps the left's time attributes.
func (b *binder) temporal(j *ast.Join, asOf ast.Expr, n, l, r *Node, ls, sc *scope) error {
	kind := n.Join.Kind
	if kind != InnerJoin && kind != LeftJoin {
		return errorf(j, "temporal joins support INNER and LEFT joins only, not %s", j.Kind)
	}
	ctx := &exprCtx{b: b, scope: ls, noAgg: "in FOR SYSTEM_TIME AS OF"}
	x, err := ctx.bind(asOf)
	if err != nil {
		return err
	}
	if x.Kind != ColRef || x.Type.TimeAttr == types.NoTimeAttr {
		return errorf(asOf, "FOR SYSTEM_TIME AS OF needs a time attribute of the left table (its rowtime or a PROCTIME() column), got %s", ast.Format(asOf))
	}
	if !l.Changelog.IsInsertOnly() {
		return errorf(j, "the left input of a temporal join must be insert-only")
	}
	tj := &TemporalJoin{LeftTime: x.Index, RightTime: r.RowtimeIndex(), ProcTime: x.Type.TimeAttr == types.ProcTime}
	tn := j.R.(*ast.TableName)
	if b.lookupCTE(tn.Name) != nil {
		return errorf(tn, "FOR SYSTEM_TIME AS OF needs a table with a primary key, not a CTE")
	}
	t, _, err := b.cat.Lookup(tn.Name)
	if err != nil {
		return at(tn.Name, err)
	}
	if t == nil || len(t.PrimaryKey) == 0 {
		return errorf(tn, "temporal table join requires a primary key on the versioned table '%s'", tn.Name.Last().Name)
	}
	if !tj.ProcTime && tj.RightTime < 0 {
		return errorf(tn, "event-time temporal join requires a rowtime attribute (a WATERMARK) on the versioned table '%s'", tn.Name.Last().Name)
	}
	if n.Join.Condition == nil {
		return errorf(j, "temporal table join requires an equality condition on the primary key of '%s'", tn.Name.Last().Name)
	}
	// Every primary key column must be equated with the left.
	nl := len(l.Columns)
	keyed := map[string]bool{}
	for _, c := range conjuncts(n.Join.Condition) {
		if c.Kind != Call || c.Func != "=" || c.Args[0].Kind != ColRef || c.Args[1].Kind != ColRef {
			continue
		}
		a, bb := c.Args[0].Index, c.Args[1].Index
		if a >= nl {
			a, bb = bb, a
		}
		if a < nl && bb >= nl {
			keyed[r.Columns[bb-nl].Name] = true
		}
	}
	for _, k := range t.PrimaryKey {
		if !keyed[k] {
			return errorf(j, "temporal table join requires an equality condition on the primary key column '%s' of '%s' (primary key %s)",
				k, tn.Name.Last().Name, strings.Join(t.PrimaryKey, ", "))
		}
	}
	n.Join.Temporal = tj
	n.Changelog = InsertOnly
	for i := range nl {
		if t := l.Columns[i].Type.TimeAttr; t != types.NoTimeAttr {
			n.Columns[i].Type.TimeAttr = t
			sc.cols[i].typ.TimeAttr = t
		}
	}
	return nil
}
