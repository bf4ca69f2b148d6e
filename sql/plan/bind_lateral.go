package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// A LATERAL derived table is a subquery that may refer to the columns of
// the FROM items to its left: FROM t, LATERAL (SELECT … FROM u WHERE u.k
// = t.k) gives each row of t the subquery's rows for it. It is
// decorrelated as the subqueries of expressions are (decorrelate.go):
// bound once, its rows carrying the outer values they belong to, and
// joined to the left on them — an inner join for a comma, CROSS or
// [INNER] JOIN, a LEFT join for LEFT JOIN LATERAL (…) ON …. A subquery
// that aggregates without GROUP BY has exactly one row per outer row: a
// row no input row matched gets the aggregates' values over no rows
// (COUNT 0), as Calcite's count-bug handling gives.

// bindLateral binds j, whose right side is LATERAL (dt), over its bound
// left side l (scope ls).
func (b *binder) bindLateral(j *ast.Join, l *Node, ls *scope, dt *ast.DerivedTable) (*Node, *scope, error) {
	if j.Natural || len(j.Using) > 0 {
		return nil, nil, errorf(j, "a LATERAL join takes its condition with ON, not USING or NATURAL")
	}
	kind := InnerJoin
	switch j.Kind {
	case ast.LeftJoin:
		kind = LeftJoin
	case ast.RightJoin, ast.FullJoin:
		return nil, nil, errorf(j, "%s LATERAL is not allowed: the subquery depends on the rows to its left, which a %s would pad", j.Kind, j.Kind)
	}
	if kind == LeftJoin && j.On == nil {
		return nil, nil, errorf(j, "LEFT JOIN LATERAL needs an ON condition (ON TRUE keeps every left row)")
	}
	rows, err := b.decorrelate(l, ls, dt.Query)
	if err != nil {
		return nil, nil, err
	}
	qual := ""
	if dt.Alias != nil {
		qual = dt.Alias.Name.Name
	}
	m, nl := len(rows.outer), len(l.Columns)
	names := make([]string, rows.width())
	for k := range names {
		names[k] = rows.node.Columns[m+k].Name
	}
	if dt.Alias != nil && len(dt.Alias.Columns) > 0 {
		if len(dt.Alias.Columns) != len(names) {
			return nil, nil, errorf(dt.Alias, "alias '%s' names %d columns, the subquery has %d", qual, len(dt.Alias.Columns), len(names))
		}
		for k, c := range dt.Alias.Columns {
			names[k] = c.Name
		}
	}
	o := newOuterQuery(b, l, &scope{cols: append([]scopeCol(nil), ls.cols...)}, nil, "in ON")
	onTrue := j.On == nil || isTrueLiteral(j.On)
	scalar := rows.scalarAgg && m > 0
	if scalar && rows.having {
		return nil, nil, errorf(dt, "a LATERAL subquery that aggregates with HAVING and without GROUP BY is not supported yet")
	}
	var values []*Expr // the subquery's columns, over the join's
	var filter *Expr   // an inner join's ON over the output, for a scalar subquery
	switch {
	case scalar:
		if kind == LeftJoin && !onTrue {
			return nil, nil, errorf(j.On, "LEFT JOIN LATERAL over a subquery that aggregates without GROUP BY has one row per left row: its ON must be TRUE")
		}
		if values, err = b.lateralScalar(dt, o, rows); err != nil {
			return nil, nil, err
		}
	default:
		var extra []*Expr
		if !onTrue {
			// ON over the join's columns: the left's, the correlation
			// columns (hidden), the subquery's.
			js := &scope{cols: append([]scopeCol(nil), ls.cols...)}
			for i, c := range rows.node.Columns {
				sc := scopeCol{qual: qual, name: c.Name, typ: c.Type, hidden: i < m}
				if i >= m {
					sc.name = names[i-m]
				}
				if kind == LeftJoin {
					sc.typ = sc.typ.Nullable()
				}
				js.cols = append(js.cols, sc)
			}
			cond, err := (&exprCtx{b: b, scope: js, noAgg: "in ON"}).bind(j.On)
			if err != nil {
				return nil, nil, err
			}
			if err := checkBoolean(j.On, cond, "ON"); err != nil {
				return nil, nil, err
			}
			extra = append(extra, cond)
		}
		conds, err := rows.joinConds(dt, l, rows.node, nl)
		if err != nil {
			return nil, nil, err
		}
		o.join(kind, rows.node, and(append(conds, extra...)...))
		for k := range names {
			values = append(values, o.col(nl+m+k))
		}
	}
	projects := make([]*Expr, 0, nl+len(values))
	cols := make([]Column, 0, nl+len(values))
	out := &scope{}
	for i := range nl {
		projects = append(projects, o.col(i))
		cols = append(cols, Column{Name: l.Columns[i].Name, Type: o.n.Columns[i].Type})
		c := ls.cols[i]
		c.typ = o.n.Columns[i].Type
		out.cols = append(out.cols, c)
	}
	for k, v := range values {
		projects = append(projects, v)
		cols = append(cols, Column{Name: names[k], Type: v.Type})
		out.cols = append(out.cols, scopeCol{qual: qual, name: names[k], typ: v.Type})
	}
	n := b.calc(o.n, projects, nil, cols)
	if scalar && !onTrue {
		if filter, err = (&exprCtx{b: b, scope: out, noAgg: "in ON"}).bind(j.On); err != nil {
			return nil, nil, err
		}
		if err := checkBoolean(j.On, filter, "ON"); err != nil {
			return nil, nil, err
		}
		n = b.calc(n, identity(n), filter, cloneCols(n.Columns))
	}
	return n, out, nil
}

// lateralScalar LEFT joins a correlated aggregation without GROUP BY and
// returns its columns, each the value over no rows where no row matched.
func (b *binder) lateralScalar(at ast.Node, o *outerQuery, rows *subqueryRows) ([]*Expr, error) {
	m := len(rows.outer)
	top := rows.node
	if !rows.plainAggregation() {
		// Not a plain aggregation (DISTINCT … on top): NULLs where no
		// row matched.
		base, err := o.leftJoin(at, rows, top)
		if err != nil {
			return nil, err
		}
		var values []*Expr
		for k := range rows.width() {
			values = append(values, o.col(base+m+k))
		}
		return values, nil
	}
	agg := top.Inputs[0]
	empty := o.emptyAggregation(rows)
	projects := append(append([]*Expr(nil), top.Calc.Projects...), boolLit(true))
	cols := append(cloneCols(top.Columns), Column{Name: "$present", Type: types.Boolean().NotNullable()})
	r := b.calc(agg, projects, nil, cols)
	base, err := o.leftJoin(at, rows, r)
	if err != nil {
		return nil, err
	}
	e := &exprBuilder{at: at}
	absent := e.call("IS NULL", o.col(base+len(projects)-1))
	var values []*Expr
	for k := range rows.width() {
		item := top.Calc.Projects[m+k]
		values = append(values, e.call("CASE", absent.Clone(), item.Substitute(empty), o.col(base+m+k)))
	}
	return values, e.err
}

// isTrueLiteral reports ON TRUE.
func isTrueLiteral(e ast.Expr) bool {
	lit, ok := e.(*ast.BoolLit)
	return ok && lit.Value
}
