package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// A subquery used as a value is joined to its query (LEFT joins, which
// keep every row) and replaced by an expression over the joined columns,
// as Calcite's SubQueryRemoveRule does:
//
//   - a scalar subquery is its column: an aggregate without GROUP BY has
//     one row; any other subquery is aggregated to check it has at most
//     one (Flink's SINGLE_VALUE), failing the job when it has more;
//   - EXISTS is whether a row of the distinct TRUE its rows map to joined;
//   - x IN s reads whether x matched a distinct value of s, with the
//     count of s's rows and of its non-NULL ones for the NULL cases;
//   - x op SOME s compares x with the minimum or maximum of s, with the
//     same counts; x op ALL s is NOT (x NOT op SOME s).
//
// A correlated subquery's aggregates group by its correlation columns
// and join on them; where no row matches, the join pads NULLs, which the
// expressions read as the empty subquery's value (COUNT gives 0: the
// count bug). The aggregates over an empty uncorrelated subquery emit no
// row while streaming; the expressions read that the same way.

// outerQuery is a query that subqueries are joined to: each join adds to
// its node and to its scope (columns hidden from names and *); bound
// records the expressions that stand for the subqueries.
type outerQuery struct {
	b      *binder
	n      *Node
	sc     *scope
	bound  map[ast.Expr]*Expr
	clause string // what an exprCtx says of the clause: "in WHERE"
}

func newOuterQuery(b *binder, n *Node, sc *scope, bound map[ast.Expr]*Expr, clause string) *outerQuery {
	m := make(map[ast.Expr]*Expr, len(bound))
	for k, v := range bound {
		m[k] = v
	}
	return &outerQuery{b: b, n: n, sc: &scope{cols: append([]scopeCol(nil), sc.cols...), inner: sc.inner}, bound: m, clause: clause}
}

// ctx binds expressions over the outer query as it is now.
func (o *outerQuery) ctx() *exprCtx {
	return &exprCtx{b: o.b, scope: o.sc, noAgg: o.clause, bound: o.bound}
}

// restore projects the outer query back onto its first width columns
// and gives the caller's scope sc their types (joins materialize time
// attributes).
func (o *outerQuery) restore(sc *scope, width int) *Node {
	for i := range width {
		sc.cols[i].typ = o.sc.cols[i].typ
	}
	if len(o.n.Columns) == width {
		return o.n
	}
	return o.b.calc(o.n, identity(o.n)[:width], nil, cloneCols(o.n.Columns[:width]))
}

// join joins r to the outer query on cond and returns the position of
// r's first column.
func (o *outerQuery) join(kind JoinKind, r *Node, cond *Expr) int {
	base := len(o.n.Columns)
	cols := cloneCols(o.n.Columns)
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
		o.sc.cols[i].typ.TimeAttr = types.NoTimeAttr
	}
	for _, c := range r.Columns {
		t := c.Type
		t.TimeAttr = types.NoTimeAttr
		if kind == LeftJoin {
			t = t.Nullable()
		}
		cols = append(cols, Column{Name: c.Name, Type: t})
		o.sc.cols = append(o.sc.cols, scopeCol{typ: t, hidden: true})
	}
	j := o.b.node(OpJoin, cols, o.n, r)
	j.Join = &JoinSpec{Kind: kind, Condition: cond}
	j.Changelog = joinChangelog(j.Join, o.n, r)
	o.n = j
	return base
}

// leftJoin LEFT joins r, whose first columns are rows' correlation
// columns, on them and the extra conditions; it returns the position of
// r's first column.
func (o *outerQuery) leftJoin(at ast.Node, rows *subqueryRows, r *Node, extra ...*Expr) (int, error) {
	base := len(o.n.Columns)
	conds, err := rows.joinConds(at, o.n, r, base)
	if err != nil {
		return 0, err
	}
	o.join(LeftJoin, r, and(append(conds, extra...)...))
	return base, nil
}

// col reads column i of the outer query.
func (o *outerQuery) col(i int) *Expr { return NewCol(i, o.n.Columns[i].Type) }

// joinSubqueries joins the subqueries of e (not those inside other
// subqueries) to the outer query and records the expressions standing
// for them.
func (o *outerQuery) joinSubqueries(e ast.Expr) error {
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		x, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		switch n := x.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr, *ast.QuantifiedExpr:
		case *ast.InExpr:
			if n.Query == nil {
				return true
			}
		default:
			return true
		}
		if _, done := o.bound[x]; done {
			return false
		}
		var v *Expr
		if v, err = o.value(x); err == nil {
			o.bound[x] = v
		}
		return false
	})
	return err
}

// value joins subquery expression e and returns its value.
func (o *outerQuery) value(e ast.Expr) (*Expr, error) {
	switch e := e.(type) {
	case *ast.SubqueryExpr:
		return o.scalar(e, e.Query)
	case *ast.ExistsExpr:
		return o.exists(e, e.Query)
	}
	q := quantifiedOf(e)
	if q == nil {
		return nil, errorf(e, "unsupported subquery expression %s", ast.Format(e))
	}
	if len(operands(q.x)) > 1 {
		return nil, errorf(e, "a row of values compared with a subquery is supported only as a conjunct of WHERE or HAVING yet")
	}
	if hasSubquery(q.x) {
		if err := o.joinSubqueries(q.x); err != nil {
			return nil, err
		}
	}
	x, err := o.ctx().bind(q.x)
	if err != nil {
		return nil, err
	}
	x.Type.TimeAttr = types.NoTimeAttr
	if scalar, having := o.b.scalarAggregate(q.query); scalar && !having {
		// One row: x op ANY and x op ALL compare with its value.
		v, err := o.scalar(q.at, q.query)
		if err != nil {
			return nil, err
		}
		return resolveCall(q.at, q.op, []*Expr{x, v})
	}
	if !q.all {
		return o.some(q, q.op, x)
	}
	v, err := o.some(q, negatedComparison[q.op], x)
	if err != nil {
		return nil, err
	}
	return resolveCall(q.at, "NOT", []*Expr{v})
}

// boolLit is TRUE, FALSE or (nil) UNKNOWN.
func boolLit(v any) *Expr {
	if v == nil {
		return NewLit(types.Boolean(), nil)
	}
	return NewLit(types.Boolean().NotNullable(), v)
}

// exprBuilder builds a rewrite's expressions. The first error sticks:
// the rewrite's own calls fit their arguments, so it is an operand that
// does not fit the subquery's column, reported at the subquery.
type exprBuilder struct {
	at  ast.Node
	err error
}

func (e *exprBuilder) call(name string, args ...*Expr) *Expr {
	if e.err != nil {
		return boolLit(nil)
	}
	x, err := resolveCall(e.at, name, args)
	if err != nil {
		e.err = err
		return boolLit(nil)
	}
	return x
}

// positive is c > 0 IS TRUE, for a count c that a LEFT join may leave
// NULL.
func (e *exprBuilder) positive(c *Expr) *Expr {
	return e.call("IS TRUE", e.call(">", c, NewLit(types.BigInt().NotNullable(), int64(0))))
}

// subqueryColumn checks that the subquery gives one column.
func subqueryColumn(at ast.Node, what string, rows *subqueryRows) error {
	if w := rows.width(); w != 1 {
		return errorf(at, "the subquery of %s must return one column, it returns %d", what, w)
	}
	return nil
}

// scalar joins a scalar subquery and returns its value.
func (o *outerQuery) scalar(at ast.Node, q *ast.Query) (*Expr, error) {
	rows, err := o.b.decorrelate(o.n, o.sc, q)
	if err != nil {
		return nil, err
	}
	if w := rows.width(); w != 1 {
		return nil, errorf(at, "a scalar subquery must return one column, it returns %d", w)
	}
	m := len(rows.outer)
	switch {
	case rows.scalarAgg:
		return o.scalarAggregate(at, rows)
	case rows.singleRow:
		base, err := o.leftJoin(at, rows, rows.node)
		if err != nil {
			return nil, err
		}
		return o.col(base + m), nil
	}
	// At most one row per outer row, or the job fails, naming the
	// subquery: Flink's SINGLE_VALUE aggregate, whose Offset is the
	// subquery's position (exec's accumulate_array.go).
	vt := rows.node.Columns[m].Type
	vt.TimeAttr = types.NoTimeAttr
	p := at.Start()
	single := AggCall{Func: "SINGLE_VALUE", Args: []int{m}, Filter: -1, Type: vt.Nullable(), Name: "v",
		Offset: int64(p.Line)<<32 | int64(p.Column)}
	agg := o.b.aggregateRows(rows.node, m, single)
	base, err := o.leftJoin(at, rows, agg)
	if err != nil {
		return nil, err
	}
	return o.col(base + m), nil
}

// scalarAggregate joins an aggregate without GROUP BY and returns its
// value. Outer rows no row of a correlated one matches (and, while
// streaming, all rows while an uncorrelated one has seen no row) get the
// value of the aggregate over no rows: its select item with COUNT 0 and
// the other aggregates NULL, or NULL when its HAVING is not true then.
func (o *outerQuery) scalarAggregate(at ast.Node, rows *subqueryRows) (*Expr, error) {
	m := len(rows.outer)
	top := rows.node
	if !rows.plainAggregation() {
		// Not a plain aggregation (ORDER BY, DISTINCT … on top): no
		// value for no rows.
		base, err := o.leftJoin(at, rows, top)
		if err != nil {
			return nil, err
		}
		return o.col(base + m), nil
	}
	agg := top.Inputs[0]
	empty := o.emptyAggregation(rows)
	item := top.Calc.Projects[m]
	emptyItem := item.Substitute(empty)
	having := top.Calc.Filter
	projects := append([]*Expr(nil), top.Calc.Projects[:m+1]...)
	cols := cloneCols(top.Columns[:m+1])
	// Whether a row joined: the item itself when it is never NULL (a
	// COUNT), else a marker column.
	marker := having != nil || item.Type.IsNullable() && !(emptyItem.Kind == Literal && emptyItem.Value == nil)
	if marker {
		projects = append(projects, boolLit(true))
		cols = append(cols, Column{Name: "$present", Type: types.Boolean().NotNullable()})
	}
	if having != nil {
		projects = append(projects, having)
		cols = append(cols, Column{Name: "$having", Type: having.Type})
	}
	r := o.b.calc(agg, projects, nil, cols)
	base, err := o.leftJoin(at, rows, r)
	if err != nil {
		return nil, err
	}
	v := o.col(base + m)
	if having == nil && emptyItem.Kind == Literal && emptyItem.Value == nil {
		return v, nil
	}
	e := &exprBuilder{at: at}
	absent := e.call("IS NULL", v.Clone())
	if marker {
		absent = e.call("IS NULL", o.col(base+m+1))
	}
	var x *Expr
	if having == nil {
		x = e.call("CASE", absent, emptyItem, v)
	} else {
		whenEmpty := e.call("CASE", having.Substitute(empty), emptyItem)
		x = e.call("CASE", absent, whenEmpty, e.call("IS TRUE", o.col(base+m+2)), v)
	}
	return x, e.err
}

// plainAggregation reports a correlated aggregation without GROUP BY
// that is a Calc over its Aggregate grouped by the correlation columns.
func (r *subqueryRows) plainAggregation() bool {
	top := r.node
	return top.Op == OpCalc && top.Inputs[0].Op == OpAggregate && len(top.Inputs[0].Agg.Keys) == len(r.keyOuter)
}

// emptyAggregation is the columns of a plain aggregation's Aggregate over
// no rows, for an outer row: its correlation values are the row's.
func (o *outerQuery) emptyAggregation(rows *subqueryRows) []*Expr {
	agg := rows.node.Inputs[0]
	empty := make([]*Expr, len(agg.Columns))
	for i, col := range rows.keyOuter {
		t := o.n.Columns[col].Type
		t.TimeAttr = types.NoTimeAttr
		empty[i] = NewCol(col, t)
	}
	nk := len(rows.keyOuter)
	for j, c := range agg.Agg.Calls {
		empty[nk+j] = emptyAggregate(c)
	}
	return empty
}

// emptyAggregate is an aggregate call's value over no rows: 0 for
// counts, NULL for the others (also for Go aggregate functions, whose
// value over no rows the planner does not know).
func emptyAggregate(c AggCall) *Expr {
	switch c.Func {
	case "COUNT":
		return NewLit(types.BigInt().NotNullable(), int64(0))
	case "SUM0":
		return NewCast(NewLit(types.Int().NotNullable(), int32(0)), c.Type, false)
	}
	return NewLit(c.Type.Nullable(), nil)
}

// exists joins EXISTS (q) and returns its value.
func (o *outerQuery) exists(at ast.Node, q *ast.Query) (*Expr, error) {
	if scalar, having := o.b.scalarAggregate(q); scalar && !having {
		return boolLit(true), nil
	}
	rows, err := o.b.decorrelate(o.n, o.sc, q)
	if err != nil {
		return nil, err
	}
	if rows.scalarAgg && len(rows.outer) > 0 {
		return nil, errorf(at, "EXISTS over a correlated subquery that aggregates with HAVING and without GROUP BY is not supported yet")
	}
	m := len(rows.outer)
	projects := append(identity(rows.node)[:m], boolLit(true))
	cols := append(cloneCols(rows.node.Columns[:m]), Column{Name: "i", Type: types.Boolean().NotNullable()})
	dt := o.b.distinct(o.b.calc(rows.node, projects, nil, cols))
	base, err := o.leftJoin(at, rows, dt)
	if err != nil {
		return nil, err
	}
	return notNull(o.col(base + m)), nil
}

// some joins x op SOME (q) (op already negated for ALL) and returns its
// value.
func (o *outerQuery) some(q *quantified, op string, x *Expr) (*Expr, error) {
	rows, err := o.b.decorrelate(o.n, o.sc, q.query)
	if err != nil {
		return nil, err
	}
	if err := subqueryColumn(q.query, quantifiedName(q), rows); err != nil {
		return nil, err
	}
	if rows.scalarAgg && len(rows.outer) > 0 {
		return nil, errorf(q.at, "a correlated subquery that aggregates with HAVING and without GROUP BY is not supported yet here")
	}
	if op == "=" {
		return o.in(q, rows, x)
	}
	m := len(rows.outer)
	vt := rows.node.Columns[m].Type
	vt.TimeAttr = types.NoTimeAttr
	// x < SOME s compares with s's maximum, x > SOME s with its minimum;
	// x <> SOME s is true when x differs from the minimum or the maximum.
	var ext []AggCall
	switch op {
	case "<", "<=":
		ext = []AggCall{{Func: "MAX"}}
	case ">", ">=":
		ext = []AggCall{{Func: "MIN"}}
	default:
		ext = []AggCall{{Func: "MIN"}, {Func: "MAX"}}
	}
	calls := []AggCall{countStar("c")}
	cv, err := aggCall(q.at, "COUNT", m, vt, "d")
	if err != nil {
		return nil, err
	}
	calls = append(calls, cv)
	for i, e := range ext {
		c, err := aggCall(q.at, e.Func, m, vt, "m"+itoa(i))
		if err != nil {
			return nil, errorf(q.at, "%s: %v", quantifiedName(q), err)
		}
		calls = append(calls, c)
	}
	agg := o.b.aggregateRows(rows.node, m, calls...)
	base, err := o.leftJoin(q.at, rows, agg)
	if err != nil {
		return nil, err
	}
	e := &exprBuilder{at: q.at}
	c, d := o.col(base+m), o.col(base+m+1)
	var matches *Expr
	for i := range ext {
		cmp := e.call(op, x.Clone(), o.col(base+m+2+i))
		if matches == nil {
			matches = cmp
		} else {
			matches = e.call("OR", matches, cmp)
		}
	}
	// Empty: false. A true comparison: true. Else unknown when x or a
	// value of s is NULL, false otherwise.
	args := []*Expr{e.call("NOT", e.positive(c)), boolLit(false), e.call("IS TRUE", matches), boolLit(true)}
	if x.Type.IsNullable() {
		args = append(args, e.call("IS NULL", x.Clone()), boolLit(nil))
	}
	if vt.IsNullable() {
		args = append(args, e.call(">", c.Clone(), d), boolLit(nil))
	}
	args = append(args, boolLit(false))
	v := e.call("CASE", args...)
	return v, e.err
}

// in joins x IN (subquery rows) and returns its value: true when x
// matches a value of the subquery; else false when the subquery is empty,
// unknown when x or a value of the subquery is NULL, false otherwise.
func (o *outerQuery) in(q *quantified, rows *subqueryRows, x *Expr) (*Expr, error) {
	m := len(rows.outer)
	vt := rows.node.Columns[m].Type
	vt.TimeAttr = types.NoTimeAttr
	nullable := x.Type.IsNullable() || vt.IsNullable()
	var c, ck *Expr
	if nullable {
		cv, err := aggCall(q.at, "COUNT", m, vt, "ck")
		if err != nil {
			return nil, err
		}
		ct := o.b.aggregateRows(rows.node, m, countStar("c"), cv)
		base, err := o.leftJoin(q.at, rows, ct)
		if err != nil {
			return nil, err
		}
		c, ck = o.col(base+m), o.col(base+m+1)
	}
	// The distinct non-NULL values, marked.
	projects := append(identity(rows.node)[:m+1], boolLit(true))
	cols := append(cloneCols(rows.node.Columns[:m+1]), Column{Name: "i", Type: types.Boolean().NotNullable()})
	var filter *Expr
	if vt.IsNullable() {
		filter = notNull(NewCol(m, rows.node.Columns[m].Type))
	}
	dt := o.b.distinct(o.b.calc(rows.node, projects, filter, cols))
	base := len(o.n.Columns)
	e := &exprBuilder{at: q.at}
	eq := e.call("=", x.Clone(), NewCol(base+m, vt))
	if e.err != nil {
		return nil, e.err
	}
	if _, err := o.leftJoin(q.at, rows, dt, eq); err != nil {
		return nil, err
	}
	found := notNull(o.col(base + m + 1))
	if !nullable {
		return found, nil
	}
	args := []*Expr{e.call("NOT", e.positive(c)), boolLit(false), found, boolLit(true)}
	if x.Type.IsNullable() {
		args = append(args, e.call("IS NULL", x.Clone()), boolLit(nil))
	}
	if vt.IsNullable() {
		args = append(args, e.call("<", ck, c.Clone()), boolLit(nil))
	}
	args = append(args, boolLit(false))
	v := e.call("CASE", args...)
	return v, e.err
}

// aggregateRows groups in by its first keys columns with calls: the
// aggregates of a subquery per correlation value (one row for an
// uncorrelated subquery).
func (b *binder) aggregateRows(in *Node, keys int, calls ...AggCall) *Node {
	cols := cloneCols(in.Columns[:keys])
	spec := &AggSpec{Calls: calls, WindowStart: -1, WindowEnd: -1, TimeCol: -1}
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
		spec.Keys = append(spec.Keys, i)
	}
	for _, c := range calls {
		cols = append(cols, Column{Name: c.Name, Type: c.Type})
	}
	a := b.node(OpAggregate, cols, in)
	a.Agg = spec
	a.Changelog = aggChangelog(in)
	return a
}

// countStar is COUNT(*).
func countStar(name string) AggCall {
	return AggCall{Func: "COUNT", Filter: -1, Type: types.BigInt().NotNullable(), Name: name}
}

// aggCall is fn(column col of type t).
func aggCall(at ast.Node, fn string, col int, t types.Type, name string) (AggCall, error) {
	rt, err := aggResultType(fn, []types.Type{t})
	if err != nil {
		return AggCall{}, errorf(at, "%v", err)
	}
	return AggCall{Func: fn, Args: []int{col}, Filter: -1, Type: rt, Name: name}, nil
}
