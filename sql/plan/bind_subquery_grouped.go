package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
)

// bindGroupedWithSubqueries binds an aggregating SELECT over n. When its
// select list or HAVING holds subqueries, the aggregation is bound first,
// as a derived table of its group keys and of the aggregate calls of the
// select list and HAVING, and HAVING and the select list are bound over
// it, the subqueries joined to it: Calcite's Filter and Project over the
// Aggregate, whose subqueries become joins. A correlated subquery refers
// to the group keys by their names.
func (b *binder) bindGroupedWithSubqueries(sel *ast.Select, n *Node, sc *scope) (*Node, error) {
	items, err := expandItems(sel, sc)
	if err != nil {
		return nil, err
	}
	has := sel.Having != nil && hasSubquery(sel.Having)
	for _, it := range items {
		has = has || hasSubquery(it.expr)
	}
	if !has {
		return b.bindAggregate(sel, n, sc)
	}
	// The derived aggregation: the plain group keys (a group window's
	// properties are read through its auxiliary functions), then the
	// aggregate calls.
	var keys []ast.Expr
	for _, g := range sel.GroupBy {
		if f, ok := g.(*ast.FuncCall); ok && len(f.Name.Parts) == 1 && groupWindowNames[upper(f.Name.Parts[0].Name)] {
			continue
		}
		keys = append(keys, g)
	}
	var calls []ast.Expr
	for _, it := range items {
		calls = b.aggregateCalls(it.expr, calls)
	}
	if sel.Having != nil {
		calls = b.aggregateCalls(sel.Having, calls)
	}
	inner := &ast.Select{Loc: sel.Loc, GroupBy: sel.GroupBy, Windows: sel.Windows}
	for i, k := range keys {
		inner.Items = append(inner.Items, &ast.SelectItem{Loc: ast.Loc{Pos: k.Start()}, Expr: k, Alias: &ast.Ident{Name: nameOf(k, i)}})
	}
	for j, c := range calls {
		inner.Items = append(inner.Items, &ast.SelectItem{Loc: ast.Loc{Pos: c.Start()}, Expr: c, Alias: &ast.Ident{Name: "$f" + itoa(len(keys)+j)}})
	}
	agg, err := b.bindAggregate(inner, n, sc)
	if err != nil {
		return nil, err
	}
	// Its scope: a group key that is a column keeps the column's name.
	plain := &exprCtx{b: b, scope: sc, noAgg: "in GROUP BY"}
	asc := &scope{}
	keyExprs := make([]*Expr, len(keys))
	for i, k := range keys {
		col := scopeCol{typ: agg.Columns[i].Type, hidden: true}
		if x, err := plain.bind(k); err == nil {
			keyExprs[i] = x
			if _, isRef := k.(*ast.ColumnRef); isRef && x.Kind == ColRef {
				c := sc.cols[x.Index]
				col.qual, col.name, col.hidden = c.qual, c.name, false
			}
		}
		asc.cols = append(asc.cols, col)
	}
	bound := map[ast.Expr]*Expr{}
	for j, c := range calls {
		i := len(keys) + j
		asc.cols = append(asc.cols, scopeCol{typ: agg.Columns[i].Type, hidden: true})
		bound[c] = NewCol(i, agg.Columns[i].Type)
	}
	// Expressions equal to a group key read it.
	for _, it := range items {
		if err := b.readGroupKeys(it.expr, plain, keyExprs, agg, bound); err != nil {
			return nil, err
		}
	}
	if sel.Having != nil {
		if err := b.readGroupKeys(sel.Having, plain, keyExprs, agg, bound); err != nil {
			return nil, err
		}
	}
	if err := checkGroupedOuterRefs(b, items, sel.Having, sc, asc); err != nil {
		return nil, err
	}
	out := agg
	if sel.Having != nil {
		if out, err = b.filterWithSubqueries(sel.Having, out, asc, bound, "HAVING"); err != nil {
			return nil, err
		}
	}
	out, osc, obound, err := b.joinItemSubqueriesBound(items, out, asc, bound)
	if err != nil {
		return nil, err
	}
	ctx := &exprCtx{b: b, scope: osc, noAgg: "here", bound: obound}
	projects := make([]*Expr, len(items))
	cols := make([]Column, len(items))
	for i, it := range items {
		x, err := ctx.bind(it.expr)
		if err != nil {
			return nil, err
		}
		projects[i] = x
		cols[i] = Column{Name: it.name, Type: x.Type}
	}
	return b.calc(out, projects, nil, cols), nil
}

// aggregateCalls appends the aggregate calls (and group window auxiliary
// functions) of e outside subqueries to calls; a subquery's operand (x IN
// …) is the query's.
func (b *binder) aggregateCalls(e ast.Expr, calls []ast.Expr) []ast.Expr {
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr:
			return false
		case *ast.InExpr, *ast.QuantifiedExpr:
			if x, q := subqueryOperand(n.(ast.Expr)); q != nil {
				calls = b.aggregateCalls(x, calls)
				return false
			}
		case *ast.FuncCall:
			if b.isAggCall(n) || auxWindowFunc(n) != "" {
				calls = append(calls, n)
				return false
			}
		}
		return true
	})
	return calls
}

// readGroupKeys makes the sub-expressions of e (outside subqueries and
// aggregate calls) equal to a group key read the key's column of agg, as
// the aggregation's binding does; a column that is not grouped is an
// error.
func (b *binder) readGroupKeys(e ast.Expr, plain *exprCtx, keys []*Expr, agg *Node, bound map[ast.Expr]*Expr) error {
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		x, ok := n.(ast.Expr)
		if !ok || err != nil {
			return err == nil
		}
		if _, done := bound[x]; done {
			return false
		}
		switch x.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr:
			return false
		case *ast.InExpr, *ast.QuantifiedExpr:
			if op, q := subqueryOperand(x); q != nil {
				err = b.readGroupKeys(op, plain, keys, agg, bound)
				return false
			}
		}
		if hasSubquery(x) || b.hasAgg(x) {
			return true
		}
		bx, berr := plain.bind(x)
		if berr != nil {
			return true
		}
		for i, k := range keys {
			if k != nil && k.Equal(bx) {
				bound[x] = NewCol(i, agg.Columns[i].Type)
				return false
			}
		}
		if _, isRef := x.(*ast.ColumnRef); isRef && bx.Kind == ColRef {
			err = errorf(x, "expression '%s' is not being grouped", plain.scope.cols[bx.Index].name)
		}
		return true
	})
	return err
}

// checkGroupedOuterRefs reports a subquery of an aggregating query's
// select list or HAVING that refers to a column of the query's FROM (scope
// sc) that is not grouped (not in the aggregation's scope asc).
func checkGroupedOuterRefs(b *binder, items []selectItem, having ast.Expr, sc, asc *scope) error {
	scan := &outerRefScan{b: b, outer: sc}
	var exprs []ast.Expr
	for _, it := range items {
		exprs = append(exprs, it.expr)
	}
	if having != nil {
		exprs = append(exprs, having)
	}
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SubqueryExpr:
				scan.query(n.Query)
				return false
			case *ast.ExistsExpr:
				scan.query(n.Query)
				return false
			case *ast.InExpr, *ast.QuantifiedExpr:
				if _, q := subqueryOperand(n.(ast.Expr)); q != nil {
					scan.query(q)
				}
			}
			return true
		})
	}
	for _, r := range scan.refs {
		if _, _, found, _ := resolveRef(r.ref, nil, asc); !found {
			return errorf(r.ref, "expression '%s' is not being grouped", ast.Format(r.ref))
		}
	}
	return nil
}
