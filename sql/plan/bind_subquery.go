package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// Subqueries in expressions become joins, as Flink's subquery removal
// (Calcite's SubQueryRemoveRule with Flink's decorrelation) makes them:
//
//   - a conjunct of WHERE or HAVING that is [NOT] EXISTS, [NOT] IN, or a
//     comparison with ANY, SOME or ALL (under any number of NOTs) keeps
//     the rows for which it is true: a semi join, or an anti join on the
//     negated comparison being true or unknown (bind_subquery.go);
//   - anywhere else a subquery is a value: a LEFT join with the
//     aggregate that gives it, and an expression over the joined columns
//     with SQL's three-valued logic (bind_subquery_value.go);
//   - a correlated subquery is decorrelated first (decorrelate.go);
//   - the select list and HAVING of an aggregating query read the
//     aggregation's output (bind_subquery_grouped.go).
//
// No plan node is special: EXPLAIN shows joins and aggregates.

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

// subqueryOperand returns the left operand and the subquery of x IN
// (SELECT …) and x op ANY|SOME|ALL (SELECT …); nil for other
// expressions.
func subqueryOperand(e ast.Expr) (ast.Expr, *ast.Query) {
	switch e := e.(type) {
	case *ast.InExpr:
		if e.Query != nil {
			return e.X, e.Query
		}
	case *ast.QuantifiedExpr:
		return e.X, e.Query
	}
	return nil, nil
}

// subqueryNotSupported is the error for a subquery in a clause that does
// not take them (ON, ORDER BY, GROUP BY, VALUES …); clause is the
// expression context's "in ON".
func subqueryNotSupported(e ast.Node, clause string) error {
	if clause == "" || clause == "here" {
		return errorf(e, "subqueries are not supported here yet")
	}
	return errorf(e, "subqueries are not supported %s yet", clause)
}

// bindWhereSubqueries applies the conjuncts of a WHERE that hold
// subqueries to n (semi and anti joins, or joins and a filter) and
// returns the other conjuncts. n's columns stay as they are.
func (b *binder) bindWhereSubqueries(where ast.Expr, n *Node, sc *scope) (*Node, []ast.Expr, error) {
	return b.subqueryConjuncts(where, n, sc, nil, "WHERE")
}

// subqueryConjuncts applies the conjuncts of cond (a WHERE or HAVING
// over n, with scope sc) that hold subqueries and returns the others;
// bound are expressions bound beforehand.
func (b *binder) subqueryConjuncts(cond ast.Expr, n *Node, sc *scope, bound map[ast.Expr]*Expr, clause string) (*Node, []ast.Expr, error) {
	o := newOuterQuery(b, n, sc, bound, "in "+clause)
	var rest, values []ast.Expr
	for _, c := range splitAnd(cond) {
		if !hasSubquery(c) {
			rest = append(rest, c)
			continue
		}
		ok, err := o.semiJoinConjunct(c)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			values = append(values, c)
		}
	}
	if len(values) > 0 {
		for _, c := range values {
			if err := o.joinSubqueries(c); err != nil {
				return nil, nil, err
			}
		}
		ctx := o.ctx()
		var conds []*Expr
		for _, c := range values {
			x, err := ctx.bind(c)
			if err != nil {
				return nil, nil, err
			}
			if err := checkBoolean(c, x, clause); err != nil {
				return nil, nil, err
			}
			conds = append(conds, x)
		}
		o.n = b.calc(o.n, identity(o.n), and(conds...), cloneCols(o.n.Columns))
	}
	return o.restore(sc, len(n.Columns)), rest, nil
}

// filterWithSubqueries filters n by cond, which holds subqueries: n's
// columns stay as they are.
func (b *binder) filterWithSubqueries(cond ast.Expr, n *Node, sc *scope, bound map[ast.Expr]*Expr, clause string) (*Node, error) {
	n, rest, err := b.subqueryConjuncts(cond, n, sc, bound, clause)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return n, nil
	}
	ctx := &exprCtx{b: b, scope: sc, noAgg: "in " + clause, bound: bound}
	var conds []*Expr
	for _, c := range rest {
		x, err := ctx.bind(c)
		if err != nil {
			return nil, err
		}
		if err := checkBoolean(c, x, clause); err != nil {
			return nil, err
		}
		conds = append(conds, x)
	}
	return b.calc(n, identity(n), and(conds...), cloneCols(n.Columns)), nil
}

// joinItemSubqueries joins the subqueries of a select list to n: the
// returned node and scope have their columns too (hidden), and bound the
// expressions standing for them.
func (b *binder) joinItemSubqueries(items []selectItem, n *Node, sc *scope) (*Node, *scope, map[ast.Expr]*Expr, error) {
	return b.joinItemSubqueriesBound(items, n, sc, nil)
}

func (b *binder) joinItemSubqueriesBound(items []selectItem, n *Node, sc *scope, bound map[ast.Expr]*Expr) (*Node, *scope, map[ast.Expr]*Expr, error) {
	has := false
	for _, it := range items {
		has = has || hasSubquery(it.expr)
	}
	if !has {
		return n, sc, bound, nil
	}
	o := newOuterQuery(b, n, sc, bound, "here")
	for _, it := range items {
		if err := o.joinSubqueries(it.expr); err != nil {
			return nil, nil, nil, err
		}
	}
	return o.n, o.sc, o.bound, nil
}

// quantified is a conjunct that a semi or anti join can apply:
// [NOT] EXISTS, or x op ANY|SOME|ALL (subquery) with IN as = SOME and
// NOT IN as <> ALL, NOTs pushed into the operator and quantifier.
type quantified struct {
	at     ast.Expr
	exists bool
	not    bool // NOT EXISTS
	x      ast.Expr
	op     string
	all    bool
	query  *ast.Query
}

// negatedComparison is NOT (a op b) as a comparison, for a and b of any
// truth value.
var negatedComparison = map[string]string{"=": "<>", "<>": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}

// quantifiedOf reads c as a quantified conjunct, or returns nil.
func quantifiedOf(c ast.Expr) *quantified {
	neg := false
	for {
		if u, ok := c.(*ast.UnaryExpr); ok && u.Op == ast.OpNot {
			neg, c = !neg, u.X
			continue
		}
		if r, ok := c.(*ast.RowExpr); ok && !r.Explicit && len(r.Fields) == 1 {
			c = r.Fields[0]
			continue
		}
		break
	}
	var q *quantified
	switch x := c.(type) {
	case *ast.ExistsExpr:
		return &quantified{at: x, exists: true, not: neg, query: x.Query}
	case *ast.InExpr:
		if x.Query == nil {
			return nil
		}
		q = &quantified{at: x, x: x.X, op: "=", query: x.Query}
		if x.Not {
			q.negate()
		}
	case *ast.QuantifiedExpr:
		if _, ok := negatedComparison[string(x.Op)]; !ok {
			return nil
		}
		q = &quantified{at: x, x: x.X, op: string(x.Op), all: x.Quantifier == ast.QuantAll, query: x.Query}
	default:
		return nil
	}
	if neg {
		q.negate()
	}
	return q
}

// negate makes q its negation: NOT (x op SOME s) is x NOT op ALL s.
func (q *quantified) negate() {
	q.op, q.all = negatedComparison[q.op], !q.all
}

// operands returns the operands of x: the fields of (a, b) IN (…).
func operands(x ast.Expr) []ast.Expr {
	if r, ok := x.(*ast.RowExpr); ok && len(r.Fields) > 1 {
		return r.Fields
	}
	return []ast.Expr{x}
}

// semiJoinConjunct applies a quantified conjunct c as a semi or anti
// join and reports whether it did.
func (o *outerQuery) semiJoinConjunct(c ast.Expr) (bool, error) {
	q := quantifiedOf(c)
	if q == nil {
		return false, nil
	}
	if scalar, having := o.b.scalarAggregate(q.query); scalar && !having {
		// An aggregate without GROUP BY has one row, also where no row
		// matches: EXISTS is true, and ANY and ALL compare with its
		// value (the value path reads it right for outer rows no row
		// matches).
		if !q.exists {
			return false, nil
		}
		if q.not {
			o.n = o.b.calc(o.n, identity(o.n), NewLit(types.Boolean().NotNullable(), false), cloneCols(o.n.Columns))
		}
		return true, nil
	}
	var xs []ast.Expr
	if !q.exists {
		xs = operands(q.x)
		if len(xs) > 1 && (q.op != "=" || q.all) && (q.op != "<>" || !q.all) {
			return false, errorf(q.at, "a row of values can only be compared with a subquery by IN or NOT IN")
		}
		if hasSubquery(q.x) {
			if err := o.joinSubqueries(q.x); err != nil {
				return false, err
			}
		}
	}
	j, err := o.b.joinableSubquery(o.n, o.sc, q.query, !q.exists)
	if err != nil {
		return false, err
	}
	if j.scalarAgg && j.having && len(j.conds) > 0 {
		return false, errorf(q.at, "a correlated subquery that aggregates with HAVING and without GROUP BY is not supported yet here")
	}
	conds := j.conds
	anti := q.exists && q.not || q.all
	if !q.exists {
		if len(j.items) != len(xs) {
			want := "one column"
			if len(xs) > 1 {
				want = itoa(len(xs)) + " columns"
			}
			return false, errorf(q.query, "the subquery of %s must return %s, it returns %d", quantifiedName(q), want, len(j.items))
		}
		ctx := o.ctx()
		var cmps []*Expr
		op := q.op
		if q.all {
			op = negatedComparison[op]
		}
		for i, x := range xs {
			lx, err := ctx.bind(x)
			if err != nil {
				return false, err
			}
			item := j.items[i].Clone()
			lx.Type.TimeAttr, item.Type.TimeAttr = types.NoTimeAttr, types.NoTimeAttr
			cmp, err := resolveCall(q.at, op, []*Expr{lx, item})
			if err != nil {
				return false, err
			}
			cmps = append(cmps, cmp)
			if !q.all && item.Type.IsNullable() {
				// A true comparison has a non-NULL item.
				cmps = append(cmps, notNull(item))
			}
		}
		cmp := and(cmps...)
		if q.all {
			// x op ALL s keeps the rows for which no row of s makes
			// NOT (x op s) true or unknown.
			unknown, err := resolveCall(q.at, "IS NULL", []*Expr{cmp.Clone()})
			if err != nil {
				return false, err
			}
			if cmp, err = resolveCall(q.at, "OR", []*Expr{cmp, unknown}); err != nil {
				return false, err
			}
		}
		conds = append(append([]*Expr(nil), conds...), cmp)
	}
	o.semiJoin(j.node, and(conds...), anti)
	return true, nil
}

// quantifiedName names a quantified comparison in errors.
func quantifiedName(q *quantified) string {
	switch {
	case q.op == "=" && !q.all:
		return "IN"
	case q.op == "<>" && q.all:
		return "NOT IN"
	case q.all:
		return q.op + " ALL"
	}
	return q.op + " ANY"
}

// semiJoin keeps the rows of the outer query that have (anti: have no)
// row of r for which cond (over outer ++ r) is true.
func (o *outerQuery) semiJoin(r *Node, cond *Expr, anti bool) {
	cols := cloneCols(o.n.Columns)
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
		o.sc.cols[i].typ.TimeAttr = types.NoTimeAttr
	}
	j := o.b.node(OpJoin, cols, o.n, r)
	kind := SemiJoin
	if anti {
		kind = AntiJoin
	}
	j.Join = &JoinSpec{Kind: kind, Condition: cond}
	j.Changelog = joinChangelog(j.Join, o.n, r)
	o.n = j
}

// joinable is a subquery bound for a semi or anti join with the outer
// query: the join's right input, the conditions that match an outer row
// with its rows and the subquery's columns, both over outer ++ right.
type joinable struct {
	node      *Node
	conds     []*Expr
	items     []*Expr
	scalarAgg bool
	having    bool
}

// joinableSubquery binds q for a semi or anti join with the outer query
// (node outer, scope sc); items says its columns are compared. A plain
// SELECT … FROM … WHERE joins as it is, its WHERE the join's condition;
// other subqueries are decorrelated.
func (b *binder) joinableSubquery(outer *Node, sc *scope, q *ast.Query, items bool) (*joinable, error) {
	if sel := b.simpleSubquery(q); sel != nil && sc.inner == 0 {
		j, ok, err := b.directJoinable(outer, sc, sel, items)
		if err != nil || ok {
			return j, err
		}
	}
	rows, err := b.decorrelate(outer, sc, q)
	if err != nil {
		return nil, err
	}
	nl := len(outer.Columns)
	conds, err := rows.joinConds(q, outer, rows.node, nl)
	if err != nil {
		return nil, err
	}
	j := &joinable{node: rows.node, conds: conds, scalarAgg: rows.scalarAgg, having: rows.having}
	m := len(rows.outer)
	for i := m; i < len(rows.node.Columns); i++ {
		j.items = append(j.items, NewCol(nl+i, rows.node.Columns[i].Type))
	}
	return j, nil
}

// guardJoinKeys adds, for each equality of a condition between a
// nullable expression of the right input (columns from nl on) and one of
// the left, that the right one is not NULL: implied, but pushed below the
// join it keeps rows whose join key is NULL from the join's key matching.
func guardJoinKeys(conds []*Expr, nl int) []*Expr {
	out := append([]*Expr(nil), conds...)
	for _, c := range conds {
		for _, eq := range conjuncts(c) {
			if eq.Kind != Call || eq.Func != "=" || len(eq.Args) != 2 {
				continue
			}
			for i, side := range eq.Args {
				other := eq.Args[1-i]
				if side.Type.IsNullable() && onlyFrom(side, nl, true) && onlyFrom(other, nl, false) {
					out = append(out, notNull(side))
				}
			}
		}
	}
	return out
}

// onlyFrom reports whether e reads columns, and only of the right input
// (columns from nl on) or only of the left.
func onlyFrom(e *Expr, nl int, right bool) bool {
	cols := e.Cols(nil)
	for c := range cols {
		if (c >= nl) != right {
			return false
		}
	}
	return len(cols) > 0
}

// simpleSubquery returns the SELECT of a subquery whose WHERE can be a
// join's condition: one SELECT with no grouping, DISTINCT, windows, ORDER
// BY or LIMIT.
func (b *binder) simpleSubquery(q *ast.Query) *ast.Select {
	if q.With != nil || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil {
		return nil
	}
	sel, ok := q.Body.(*ast.Select)
	if !ok || sel.From == nil || len(sel.GroupBy) > 0 || sel.Having != nil || sel.Quant == ast.QuantDistinct || len(sel.Windows) > 0 || len(sel.Hints) > 0 {
		return nil
	}
	for _, it := range sel.Items {
		if it.Expr != nil && (b.hasAgg(it.Expr) || len(overCalls([]selectItem{{expr: it.Expr}})) > 0) {
			return nil
		}
	}
	return sel
}

// directJoinable binds a simple subquery for a semi or anti join: its
// FROM is the join's right input and its WHERE, which may refer to the
// outer query's columns, the join's condition. Conditions with subqueries
// of their own filter the FROM first; when such a subquery refers to the
// outer query, ok is false: the subquery must be decorrelated.
func (b *binder) directJoinable(outer *Node, sc *scope, sel *ast.Select, items bool) (*joinable, bool, error) {
	fn, fs, err := b.bindFrom(sel.From)
	if err != nil {
		return nil, false, err
	}
	var plain, nested []ast.Expr
	if sel.Where != nil {
		for _, c := range splitAnd(sel.Where) {
			if !hasSubquery(c) {
				plain = append(plain, c)
				continue
			}
			scan := newOuterRefScan(b, sc, fs)
			scan.expr(c)
			if len(scan.refs) > 0 {
				return nil, false, nil
			}
			nested = append(nested, c)
		}
	}
	if len(nested) > 0 {
		if fn, err = b.filterWithSubqueries(conjoin(nested), fn, fs, nil, "WHERE"); err != nil {
			return nil, false, err
		}
	}
	nl := len(outer.Columns)
	comb := &scope{cols: append(append([]scopeCol(nil), sc.cols...), fs.cols...), inner: nl}
	ctx := &exprCtx{b: b, scope: comb, noAgg: "in WHERE"}
	j := &joinable{node: fn}
	for _, c := range plain {
		x, err := ctx.bind(c)
		if err != nil {
			return nil, false, err
		}
		if err := checkBoolean(c, x, "WHERE"); err != nil {
			return nil, false, err
		}
		j.conds = append(j.conds, x)
	}
	j.conds = guardJoinKeys(j.conds, nl)
	if items {
		its, err := expandItems(sel, fs)
		if err != nil {
			return nil, false, err
		}
		ctx.noAgg = "here"
		for _, it := range its {
			x, err := ctx.bind(it.expr)
			if err != nil {
				return nil, false, err
			}
			j.items = append(j.items, x)
		}
	}
	return j, true, nil
}
