package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindSelect binds one SELECT block: FROM, WHERE, then either a plain
// projection or an aggregation (GROUP BY, aggregates, HAVING).
func (b *binder) bindSelect(sel *ast.Select) (*Node, error) {
	if err := checkQueryHints(sel.Hints); err != nil {
		return nil, err
	}
	var n *Node
	var sc *scope
	if sel.From == nil {
		n = b.node(OpValues, nil)
		n.Values = [][]*Expr{{}}
		sc = &scope{}
	} else {
		var err error
		if n, sc, err = b.bindFrom(sel.From); err != nil {
			return nil, err
		}
	}
	out, err := b.bindSelectOver(sel, n, sc)
	if err != nil {
		return nil, err
	}
	if err := b.applyStateTTL(sel, n, out); err != nil {
		return nil, err
	}
	return out, nil
}

// bindSelectOver binds a SELECT block over its bound FROM (n, with scope
// sc): a decorrelated subquery's FROM is joined with the outer values it
// refers to first (decorrelate.go).
func (b *binder) bindSelectOver(sel *ast.Select, n *Node, sc *scope) (*Node, error) {
	where := sel.Where
	if where != nil && hasSubquery(where) {
		var rest []ast.Expr
		var err error
		if n, rest, err = b.bindWhereSubqueries(where, n, sc); err != nil {
			return nil, err
		}
		where = nil
		for _, c := range rest {
			if where == nil {
				where = c
			} else {
				where = &ast.BinaryExpr{Loc: ast.Loc{Pos: where.Start()}, Op: ast.OpAnd, L: where, R: c}
			}
		}
	}
	if where != nil {
		ctx := &exprCtx{b: b, scope: sc, noAgg: "in WHERE"}
		cond, err := ctx.bind(where)
		if err != nil {
			return nil, err
		}
		if err := checkBoolean(where, cond, "WHERE"); err != nil {
			return nil, err
		}
		b.limitRank(n, cond)
		if !b.timedJoin(n, sc, cond) {
			n = b.calc(n, identity(n), cond, cloneCols(n.Columns))
		}
	}
	grouped := len(sel.GroupBy) > 0 || sel.Having != nil
	windowed := false
	for _, it := range sel.Items {
		if it.Expr == nil {
			continue
		}
		if !grouped && b.hasAgg(it.Expr) {
			grouped = true
		}
		if len(overCalls([]selectItem{{expr: it.Expr}})) > 0 {
			windowed = true
		}
	}
	if windowed && !grouped {
		// An aggregate in a named window's PARTITION BY or ORDER BY
		// makes the block aggregating too.
		for _, nw := range sel.Windows {
			for _, p := range nw.Spec.PartitionBy {
				grouped = grouped || b.hasAgg(p)
			}
			for _, o := range nw.Spec.OrderBy {
				grouped = grouped || b.hasAgg(o.Expr)
			}
		}
	}
	var out *Node
	var err error
	if grouped {
		if sel.Having != nil {
			if calls := overCalls([]selectItem{{expr: sel.Having}}); len(calls) > 0 {
				return nil, errorf(calls[0], "OVER windows are not allowed in HAVING: they are computed after it; filter their result in an outer query")
			}
		}
		if windowed {
			// The OVER windows run over the aggregation's rows
			// (bind_over_grouped.go).
			out, err = b.bindGroupedOver(sel, n, sc)
		} else {
			out, err = b.bindGroupedWithSubqueries(sel, n, sc)
		}
	} else {
		out, err = b.bindProjection(sel, n, sc)
	}
	if err != nil {
		return nil, err
	}
	if sel.Quant == ast.QuantDistinct {
		out = b.distinct(out)
	}
	return out, nil
}

func checkBoolean(n ast.Node, e *Expr, clause string) error {
	if e.Type.Kind != types.KindBoolean && e.Type.Kind != types.KindNull {
		return errorf(n, "%s must be a boolean condition, got %s", clause, e.Type)
	}
	return nil
}

func identity(n *Node) []*Expr {
	ps := make([]*Expr, len(n.Columns))
	for i, c := range n.Columns {
		ps[i] = NewCol(i, c.Type)
	}
	return ps
}

// selectItem is a select-list entry after * expansion.
type selectItem struct {
	expr ast.Expr
	name string
}

// expandItems expands * and t.* into column references.
func expandItems(sel *ast.Select, sc *scope) ([]selectItem, error) {
	var items []selectItem
	for i, it := range sel.Items {
		if st, ok := it.Expr.(*ast.Star); ok {
			qual := ""
			if len(st.Qualifier) > 0 {
				qual = st.Qualifier[len(st.Qualifier)-1].Name
			}
			found := false
			for _, c := range sc.cols {
				if c.hidden || qual != "" && c.qual != qual || qual == "" && c.using {
					continue
				}
				found = true
				ref := &ast.ColumnRef{Loc: st.Loc}
				if c.qual != "" {
					ref.Parts = append(ref.Parts, &ast.Ident{Loc: st.Loc, Name: c.qual})
				}
				ref.Parts = append(ref.Parts, &ast.Ident{Loc: st.Loc, Name: c.name})
				items = append(items, selectItem{expr: ref, name: c.name})
			}
			if !found {
				if qual != "" {
					return nil, errorf(st, "table '%s' not found%s", qual, didYouMean(qual, sc.quals()))
				}
				return nil, errorf(st, "SELECT * with no columns")
			}
			continue
		}
		name := nameOf(it.Expr, i)
		if it.Alias != nil {
			name = it.Alias.Name
		}
		items = append(items, selectItem{expr: it.Expr, name: name})
	}
	return items, nil
}

func (b *binder) bindProjection(sel *ast.Select, n *Node, sc *scope) (*Node, error) {
	items, err := expandItems(sel, sc)
	if err != nil {
		return nil, err
	}
	n, sc, bound, err := b.joinItemSubqueries(items, n, sc)
	if err != nil {
		return nil, err
	}
	ctx := &exprCtx{b: b, scope: sc, noAgg: "here", bound: bound}
	if calls := overCalls(items); len(calls) > 0 {
		if n, ctx.scope, ctx.over, err = b.bindOver(calls, sel.Windows, n, sc, nil); err != nil {
			return nil, err
		}
		sc = ctx.scope
	}
	projects := make([]*Expr, len(items))
	cols := make([]Column, len(items))
	for i, it := range items {
		x, err := ctx.bind(it.expr)
		if err != nil {
			return nil, err
		}
		projects[i] = x
		cols[i] = Column{Name: it.name, Type: x.Type}
		if x.Kind == ColRef {
			cols[i].window = sc.cols[x.Index].window
		}
	}
	return b.calc(n, projects, nil, cols), nil
}
