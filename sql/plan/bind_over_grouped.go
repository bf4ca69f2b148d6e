package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
)

// bindGroupedOver binds an aggregating SELECT (GROUP BY, HAVING or
// aggregates) whose select list calls window functions, as Calcite does:
// the OVER windows are computed over the rows of the aggregation, after
// HAVING. The SELECT becomes
//
//   - an aggregation (a derived table: the GROUP BY, HAVING and, as its
//     select list, the group-level expressions: the largest
//     sub-expressions of the select list outside the windows, and the
//     windows' arguments, PARTITION BY and ORDER BY expressions, each
//     over the group keys and aggregate calls);
//   - the OVER windows over its rows (bindOver), their expressions
//     reading its columns;
//   - the projection of the select list over both.
//
// So SUM(SUM(b)) OVER (PARTITION BY a) sums the groups' SUM(b), RANK()
// OVER (ORDER BY COUNT(*)) ranks the groups, and a column that is neither
// grouped nor aggregated is an error, as in the select list.
func (b *binder) bindGroupedOver(sel *ast.Select, n *Node, sc *scope) (*Node, error) {
	items, err := expandItems(sel, sc)
	if err != nil {
		return nil, err
	}
	g := &groupLevel{b: b, named: sel.Windows, index: map[ast.Expr]int{}}
	for _, it := range items {
		if err := g.visit(it.expr); err != nil {
			return nil, err
		}
	}
	// The aggregation: a SELECT of the group-level expressions with the
	// block's GROUP BY and HAVING (its subqueries, and those of the
	// group-level expressions, are joined to it, bind_subquery_grouped.go).
	inner := &ast.Select{Loc: sel.Loc, GroupBy: sel.GroupBy, Having: sel.Having}
	exprs := g.exprs
	if len(exprs) == 0 {
		// Only constants and COUNT(*) OVER (…): one column per group.
		exprs = []ast.Expr{&ast.BoolLit{Loc: sel.Loc, Value: true}}
	}
	names := make([]string, len(exprs))
	for i, e := range exprs {
		names[i] = "$f" + itoa(i)
		if _, ok := e.(*ast.ColumnRef); ok {
			names[i] = nameOf(e, i)
		}
	}
	names = uniqueNames(names)
	for i, e := range exprs {
		inner.Items = append(inner.Items, &ast.SelectItem{Loc: ast.Loc{Pos: e.Start()}, Expr: e, Alias: &ast.Ident{Loc: ast.Loc{Pos: e.Start()}, Name: names[i]}})
	}
	agg, err := b.bindGroupedWithSubqueries(inner, n, sc)
	if err != nil {
		return nil, err
	}
	// The windows and the select list read the aggregation's columns.
	asc := &scope{}
	for _, c := range agg.Columns {
		asc.cols = append(asc.cols, scopeCol{name: c.Name, typ: c.Type, hidden: true, window: c.window})
	}
	bound := make(map[ast.Expr]*Expr, len(g.index))
	for e, i := range g.index {
		bound[e] = NewCol(i, agg.Columns[i].Type)
	}
	out, osc, over, err := b.bindOver(overCalls(items), sel.Windows, agg, asc, bound)
	if err != nil {
		return nil, err
	}
	ctx := &exprCtx{b: b, scope: osc, noAgg: "here", over: over, bound: bound}
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
			cols[i].window = osc.cols[x.Index].window
		}
	}
	return b.calc(out, projects, nil, cols), nil
}

// groupLevel collects the group-level expressions of a select list with
// window functions (bindGroupedOver): exprs holds them once each (equal
// expressions share a column), index maps each occurrence to its column.
type groupLevel struct {
	b     *binder
	named []*ast.NamedWindow
	exprs []ast.Expr
	index map[ast.Expr]int
}

// visit collects the group-level expressions of e: e itself when it calls
// no window function, else those of the windows it calls and of its other
// operands.
func (g *groupLevel) visit(e ast.Expr) error {
	calls := overCalls([]selectItem{{expr: e}})
	if len(calls) == 0 {
		g.add(e)
		return nil
	}
	if f, ok := e.(*ast.FuncCall); ok && f.Over != nil {
		return g.window(f)
	}
	if g.isAggregate(e) {
		return errorf(calls[0], "aggregate functions cannot contain OVER windows: compute the window in a subquery")
	}
	if _, q := subqueryOperand(e); q != nil {
		return errorf(e, "a subquery compared with the result of a window function in a query with GROUP BY or aggregates is not supported yet; compute the window in a subquery")
	}
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		if n == ast.Node(e) {
			return true
		}
		if x, ok := n.(ast.Expr); ok {
			err = g.visit(x)
			return false
		}
		return true
	})
	return err
}

// isAggregate reports a call of an aggregate function (or of GROUPING, or
// of a group window's auxiliary function).
func (g *groupLevel) isAggregate(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.JSONObjectAggExpr, *ast.JSONArrayAggExpr:
		return true
	case *ast.FuncCall:
		_, grouping := groupingFunc(e)
		return g.b.isAggCall(e) || auxWindowFunc(e) != "" || grouping
	}
	return false
}

// window collects the group-level expressions of a window function's
// call: its arguments and its window's PARTITION BY and ORDER BY (a named
// window's, for OVER name).
func (g *groupLevel) window(f *ast.FuncCall) error {
	var operands []ast.Expr
	for _, a := range f.Args {
		if _, star := a.(*ast.Star); !star {
			operands = append(operands, a)
		}
	}
	specs := []*ast.WindowSpec{f.Over}
	if f.Over.Ref != nil {
		for _, nw := range g.named {
			if nw.Name.Name == f.Over.Ref.Name {
				specs = append(specs, nw.Spec)
			}
		}
	}
	for _, w := range specs {
		operands = append(operands, w.PartitionBy...)
		for _, o := range w.OrderBy {
			operands = append(operands, o.Expr)
		}
	}
	for _, x := range operands {
		if calls := overCalls([]selectItem{{expr: x}}); len(calls) > 0 {
			return errorf(calls[0], "OVER windows cannot be nested: a window function's arguments, PARTITION BY and ORDER BY cannot call one")
		}
		g.add(x)
	}
	return nil
}

// add collects e unless it is a constant: constants (a literal argument
// such as NTILE's buckets or LISTAGG's separator) are bound where used.
func (g *groupLevel) add(e ast.Expr) {
	if !g.readsInput(e) {
		return
	}
	for i, x := range g.exprs {
		if ast.Equal(x, e) {
			g.index[e] = i
			return
		}
	}
	g.index[e] = len(g.exprs)
	g.exprs = append(g.exprs, e)
}

// readsInput reports whether e reads the rows: a column, an aggregate, a
// group window's auxiliary function, GROUPING or a subquery.
func (g *groupLevel) readsInput(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnRef, *ast.Star, *ast.SubqueryExpr, *ast.ExistsExpr, *ast.QuantifiedExpr:
			found = true
		case *ast.InExpr:
			found = found || n.Query != nil
		case ast.Expr:
			found = found || g.isAggregate(n)
		}
		return !found
	})
	return found
}
