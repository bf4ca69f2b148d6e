package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// splitAnd splits a condition at its top-level ANDs.
func splitAnd(e ast.Expr) []ast.Expr {
	if be, ok := e.(*ast.BinaryExpr); ok && be.Op == ast.OpAnd {
		return append(splitAnd(be.L), splitAnd(be.R)...)
	}
	return []ast.Expr{e}
}

// hasSubquery reports whether e holds a subquery.
func hasSubquery(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr, *ast.QuantifiedExpr:
			found = true
		case *ast.InExpr:
			if n.Query != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// bindWhereSubqueries turns the [NOT] IN (SELECT …) and [NOT] EXISTS
// (SELECT …) conjuncts of a WHERE into semi and anti joins over n, as
// Flink decorrelates them, and returns the other conjuncts. A subquery
// that is a plain SELECT … FROM … WHERE may refer to the outer query's
// columns (correlation): its WHERE becomes part of the join condition.
func (b *binder) bindWhereSubqueries(where ast.Expr, n *Node, sc *scope) (*Node, []ast.Expr, error) {
	var rest []ast.Expr
	for _, c := range splitAnd(where) {
		if !hasSubquery(c) {
			rest = append(rest, c)
			continue
		}
		var err error
		switch x := c.(type) {
		case *ast.InExpr:
			if x.Query != nil {
				n, err = b.semiJoin(n, sc, x.Query, x.X, x.Not, x)
				if err != nil {
					return nil, nil, err
				}
				continue
			}
		case *ast.ExistsExpr:
			if n, err = b.semiJoin(n, sc, x.Query, nil, false, x); err != nil {
				return nil, nil, err
			}
			continue
		case *ast.UnaryExpr:
			if e, ok := x.X.(*ast.ExistsExpr); ok && x.Op == ast.OpNot {
				if n, err = b.semiJoin(n, sc, e.Query, nil, true, x); err != nil {
					return nil, nil, err
				}
				continue
			}
		}
		return nil, nil, errorf(c, "subqueries are supported only as [NOT] IN (SELECT …) or [NOT] EXISTS (SELECT …) conjuncts of WHERE")
	}
	return n, rest, nil
}

// simpleSubquery returns the SELECT of a subquery whose WHERE can be
// bound against the outer columns: one SELECT with no grouping,
// DISTINCT, windows, ORDER BY or LIMIT.
func (b *binder) simpleSubquery(q *ast.Query) *ast.Select {
	if q.With != nil || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil {
		return nil
	}
	sel, ok := q.Body.(*ast.Select)
	if !ok || sel.From == nil || len(sel.GroupBy) > 0 || sel.Having != nil || sel.Quant == ast.QuantDistinct || len(sel.Windows) > 0 {
		return nil
	}
	for _, it := range sel.Items {
		if it.Expr != nil && (b.hasAgg(it.Expr) || len(overCalls([]selectItem{{expr: it.Expr}})) > 0) {
			return nil
		}
	}
	return sel
}

// semiJoin joins n with the subquery q: a semi join (anti when not)
// whose condition is x = the subquery's column (for IN) and the
// subquery's correlated WHERE.
func (b *binder) semiJoin(n *Node, sc *scope, q *ast.Query, x ast.Expr, not bool, at ast.Node) (*Node, error) {
	nl := len(n.Columns)
	var r *Node
	var conds []*Expr
	var item *Expr // the subquery's value, over the combined columns
	if sel := b.simpleSubquery(q); sel != nil {
		rn, rs, err := b.bindFrom(sel.From)
		if err != nil {
			return nil, err
		}
		r = rn
		comb := &scope{cols: append(append([]scopeCol(nil), sc.cols...), rs.cols...), inner: nl}
		if sel.Where != nil {
			if hasSubquery(sel.Where) {
				return nil, errorf(sel.Where, "nested subqueries are not supported yet")
			}
			ctx := &exprCtx{b: b, scope: comb, noAgg: "in WHERE"}
			w, err := ctx.bind(sel.Where)
			if err != nil {
				return nil, err
			}
			if err := checkBoolean(sel.Where, w, "WHERE"); err != nil {
				return nil, err
			}
			conds = append(conds, w)
		}
		if x != nil {
			items, err := expandItems(sel, rs)
			if err != nil {
				return nil, err
			}
			if len(items) != 1 {
				return nil, errorf(q, "the subquery of IN must return one column, it returns %d", len(items))
			}
			ctx := &exprCtx{b: b, scope: comb, noAgg: "here"}
			if item, err = ctx.bind(items[0].expr); err != nil {
				return nil, err
			}
		}
	} else {
		rn, err := b.bindQuery(q)
		if err != nil {
			return nil, err
		}
		r = rn
		if x != nil {
			if len(r.Columns) != 1 {
				return nil, errorf(q, "the subquery of IN must return one column, it returns %d", len(r.Columns))
			}
			item = NewCol(nl, r.Columns[0].Type)
		}
	}
	if x != nil {
		ctx := &exprCtx{b: b, scope: sc, noAgg: "in WHERE"}
		lx, err := ctx.bind(x)
		if err != nil {
			return nil, err
		}
		lx.Type.TimeAttr, item.Type.TimeAttr = types.NoTimeAttr, types.NoTimeAttr
		eq, err := resolveCall(at, "=", []*Expr{lx, item})
		if err != nil {
			return nil, err
		}
		conds = append(conds, eq)
		if not && (lx.Type.IsNullable() || item.Type.IsNullable()) {
			// NOT IN is false when either side is NULL (and the subquery
			// is not empty): a NULL matches, so the row is dropped.
			ln, err1 := resolveCall(at, "IS NULL", []*Expr{lx})
			rn, err2 := resolveCall(at, "IS NULL", []*Expr{item})
			or1, err3 := resolveCall(at, "OR", []*Expr{eq, ln})
			if err3 == nil {
				or1, err3 = resolveCall(at, "OR", []*Expr{or1, rn})
			}
			or := or1
			if err1 != nil || err2 != nil || err3 != nil {
				return nil, errorf(at, "cannot bind NOT IN")
			}
			conds[len(conds)-1] = or
		}
	}
	cols := cloneCols(n.Columns)
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
	}
	j := b.node(OpJoin, cols, n, r)
	kind := SemiJoin
	if not {
		kind = AntiJoin
	}
	j.Join = &JoinSpec{Kind: kind, Condition: and(conds...)}
	j.Changelog = joinChangelog(j.Join, n, r)
	return j, nil
}
