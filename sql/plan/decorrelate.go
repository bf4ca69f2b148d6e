package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// Decorrelation. A subquery that refers to columns of the query around it
// (a correlated subquery) is bound once, not once per outer row, as a
// relation whose rows carry the outer values they belong to; joining it
// to the outer query on those values gives each outer row its subquery's
// rows. This is what Calcite's decorrelator does for Flink:
//
//   - an equality between a subquery expression and an outer column
//     (u.k = t.k) leaves the subquery, which outputs u.k instead: the
//     join with the outer query on t.k = u.k selects the same rows. An
//     aggregation groups by u.k too, so a correlated scalar aggregate
//     becomes a LEFT join with an aggregate grouped by the correlation
//     columns;
//   - any other reference to an outer column (u.v < t.v, t.a in the
//     select list, a nested subquery that refers to t) reads it from the
//     distinct values of the outer columns the subquery refers to
//     (Calcite's value generator), joined into the subquery's FROM and
//     output (and grouped by) as well.
//
// Both give the same shape: the correlation columns first, then the
// subquery's columns (subqueryRows).

// subqueryRows is a subquery bound for its outer query. Its node's first
// columns are the correlation columns, the outer values a row belongs to
// (correlation column i must equal outer column outer[i]); the
// subquery's own columns follow. An uncorrelated subquery has none.
type subqueryRows struct {
	node  *Node
	outer []int
	// nullSafe marks the correlation columns that must match a NULL outer
	// value too: the subquery does not reject rows for one.
	nullSafe []bool
	// notNull marks the correlation columns the subquery already keeps
	// NULL out of (rows that could join no outer row).
	notNull []bool
	// scalarAgg is an aggregation without GROUP BY, one row per outer row
	// (the decorrelated node has none for outer values no row matches:
	// the count bug, which the scalar subquery's value fixes); having says
	// it has a HAVING, which may leave that row out.
	scalarAgg, having bool
	// singleRow is at most one row per outer row.
	singleRow bool
	// keyOuter are the outer columns that the group keys of a correlated
	// scalar aggregate equal: the correlation columns', then those of
	// copies of them the subquery groups by too.
	keyOuter []int
}

// width is the number of the subquery's own columns.
func (r *subqueryRows) width() int { return len(r.node.Columns) - len(r.outer) }

// joinConds are the conditions that join an outer row (outer's columns,
// from 0) with the rows of right, a node whose first columns are the
// correlation columns, placed at base in the join's columns.
func (r *subqueryRows) joinConds(at ast.Node, outer, right *Node, base int) ([]*Expr, error) {
	var conds []*Expr
	for i, o := range r.outer {
		lt, rt := outer.Columns[o].Type, right.Columns[i].Type
		lt.TimeAttr, rt.TimeAttr = types.NoTimeAttr, types.NoTimeAttr
		l, rc := NewCol(o, lt), NewCol(base+i, rt)
		if r.nullSafe[i] {
			c, err := resolveCall(at, "IS NOT DISTINCT FROM", []*Expr{l, rc})
			if err != nil {
				return nil, err
			}
			conds = append(conds, c)
			continue
		}
		eq, err := resolveCall(at, "=", []*Expr{l, rc})
		if err != nil {
			return nil, err
		}
		conds = append(conds, eq)
		if rt.IsNullable() && !r.notNull[i] {
			conds = append(conds, notNull(rc))
		}
	}
	return conds, nil
}

// notNull is x IS NOT NULL. On the right of an equality it is implied,
// but said: the optimizer pushes it below the join, so that rows whose
// join key is NULL never reach the join's key matching.
func notNull(x *Expr) *Expr {
	if c, err := resolveCall(nil, "IS NOT NULL", []*Expr{x.Clone()}); err == nil {
		return c
	}
	return NewCall("IS NOT NULL", types.Boolean().NotNullable(), x.Clone())
}

// decorrelate binds the subquery q of an outer query whose node is outer
// and scope sc.
func (b *binder) decorrelate(outer *Node, sc *scope, q *ast.Query) (*subqueryRows, error) {
	sel, ok := q.Body.(*ast.Select)
	if !ok || q.With != nil {
		return b.uncorrelated(q)
	}
	fn, fs, err := b.bindSubqueryFrom(sel)
	if err != nil {
		return nil, err
	}
	scan := newOuterRefScan(b, sc, fs)
	scan.selectParts(sel)
	if len(scan.refs) == 0 {
		return b.uncorrelated(q)
	}
	if len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil {
		return nil, errorf(q, "correlated subqueries with ORDER BY, LIMIT or OFFSET are not supported yet")
	}
	for _, g := range sel.GroupBy {
		if _, ok := g.(*ast.GroupingSet); ok {
			return nil, errorf(g, "GROUPING SETS, ROLLUP and CUBE are not supported yet")
		}
	}
	// Equalities with outer columns become correlation columns.
	var corr []correlation
	var rest []ast.Expr
	if sel.Where != nil {
		for _, c := range splitAnd(sel.Where) {
			if cc, ok := b.equiCorrelation(c, fs, sc); ok {
				corr = append(corr, cc)
				continue
			}
			rest = append(rest, c)
		}
	}
	// A row whose correlation expression is NULL equals no outer value:
	// it goes before it is aggregated (and before the join's key
	// matching).
	for i, c := range corr {
		if c.bound.Type.IsNullable() {
			rest = append(rest, &ast.IsExpr{Loc: ast.Loc{Pos: c.expr.Start()}, X: c.expr, Not: true, Test: ast.IsNull})
			corr[i].notNull = true
		}
	}
	// The other references to an outer column that an equality made a
	// correlation column read a copy of its expression (equal to the
	// outer value in every row the join with the outer query keeps), the
	// rest the value generator.
	scan = newOuterRefScan(b, sc, fs)
	for _, c := range rest {
		scan.expr(c)
	}
	scan.selectParts(&ast.Select{Items: sel.Items, GroupBy: sel.GroupBy, Having: sel.Having})
	var copies, generated []outerRef
	var copied []*Expr
	for _, ref := range scan.refs {
		if c := correlationOf(corr, ref.col); c != nil {
			copies, copied = append(copies, ref), append(copied, c.bound)
		} else {
			generated = append(generated, ref)
		}
	}
	j, comb := fn, fs
	if len(copies) > 0 {
		j, comb = b.correlationCopies(sc, copies, copied, fn, fs)
	}
	if len(generated) > 0 {
		j, comb = b.valueGenerator(outer, sc, generated, j, comb)
		for _, ref := range generated {
			corr = append(corr, correlation{
				outer: ref.col,
				expr:  ref.ref,
				// A NULL outer value has subquery rows only when no
				// comparison with it rejects them.
				nullSafe: sc.cols[ref.col].typ.IsNullable() && !nullRejecting(ref.col, rest, fs, sc),
			})
		}
	}
	// The subquery outputs the correlation columns first, and groups by
	// them (and by the copies, which equal them).
	grouped := b.isGrouped(sel)
	s := *sel
	s.Items = nil
	var keys []ast.Expr
	for i, c := range corr {
		name := "$cor" + itoa(i)
		if ref, ok := c.expr.(*ast.ColumnRef); ok {
			name = ref.Parts[len(ref.Parts)-1].Name
		}
		s.Items = append(s.Items, &ast.SelectItem{Loc: ast.Loc{Pos: c.expr.Start()}, Expr: c.expr, Alias: &ast.Ident{Name: name}})
		keys = append(keys, c.expr)
	}
	for _, c := range copies {
		keys = append(keys, c.ref)
	}
	s.Items = append(s.Items, sel.Items...)
	s.Where = conjoin(rest)
	scalarAgg := grouped && len(sel.GroupBy) == 0
	if grouped {
		s.GroupBy = append(append([]ast.Expr(nil), sel.GroupBy...), keys...)
	}
	if scalarAgg {
		// One row: DISTINCT changes nothing.
		s.Quant = ast.QuantNone
	}
	n, err := b.bindSelectOver(&s, j, comb)
	if err != nil {
		return nil, err
	}
	r := &subqueryRows{node: n, scalarAgg: scalarAgg, having: sel.Having != nil, singleRow: scalarAgg || sel.From == nil}
	for _, c := range corr {
		r.outer = append(r.outer, c.outer)
		r.nullSafe = append(r.nullSafe, c.nullSafe)
		r.notNull = append(r.notNull, c.notNull)
	}
	r.keyOuter = append([]int(nil), r.outer...)
	for _, c := range copies {
		r.keyOuter = append(r.keyOuter, c.col)
	}
	return r, nil
}

// uncorrelated binds a subquery that does not refer to the outer query.
func (b *binder) uncorrelated(q *ast.Query) (*subqueryRows, error) {
	n, err := b.bindQuery(q)
	if err != nil {
		return nil, err
	}
	r := &subqueryRows{node: n}
	r.scalarAgg, r.having = b.scalarAggregate(q)
	switch body := q.Body.(type) {
	case *ast.Select:
		r.singleRow = r.scalarAgg || body.From == nil && len(body.GroupBy) == 0
	case *ast.Values:
		r.singleRow = len(body.Rows) == 1
	}
	if l, ok := q.Limit.(*ast.NumberLit); ok && (l.Text == "0" || l.Text == "1") {
		r.singleRow = true
	}
	return r, nil
}

// scalarAggregate reports whether q aggregates without GROUP BY (one
// row), and whether it has a HAVING (then at most one).
func (b *binder) scalarAggregate(q *ast.Query) (scalar, having bool) {
	sel, ok := q.Body.(*ast.Select)
	if !ok {
		return false, false
	}
	return b.isGrouped(sel) && len(sel.GroupBy) == 0, sel.Having != nil
}

// isGrouped reports whether a SELECT aggregates, as bindSelect decides.
func (b *binder) isGrouped(sel *ast.Select) bool {
	if len(sel.GroupBy) > 0 || sel.Having != nil {
		return true
	}
	for _, it := range sel.Items {
		if it.Expr != nil && b.hasAgg(it.Expr) {
			return true
		}
	}
	return false
}

// bindSubqueryFrom binds the FROM of a subquery's SELECT: without one, a
// single empty row.
func (b *binder) bindSubqueryFrom(sel *ast.Select) (*Node, *scope, error) {
	if err := checkQueryHints(sel.Hints); err != nil {
		return nil, nil, err
	}
	if sel.From == nil {
		n := b.node(OpValues, nil)
		n.Values = [][]*Expr{{}}
		return n, &scope{}, nil
	}
	return b.bindFrom(sel.From)
}

// correlation is a correlation column: the subquery's expression that
// equals outer column outer (bound: over the subquery's FROM, when an
// equality made it).
type correlation struct {
	outer    int
	expr     ast.Expr
	bound    *Expr
	nullSafe bool
	notNull  bool
}

// correlationOf returns the correlation column an equality made of outer
// column col, or nil.
func correlationOf(corr []correlation, col int) *correlation {
	for i := range corr {
		if corr[i].outer == col && corr[i].bound != nil {
			return &corr[i]
		}
	}
	return nil
}

// correlationCopies puts, before the columns of the subquery's FROM (fn,
// scope fs), a copy of the expression that equals each of the outer
// columns refs, named as the outer column: the subquery's other
// references to it read the copy (hidden from *, shadowed by the
// subquery's own columns).
func (b *binder) correlationCopies(sc *scope, refs []outerRef, exprs []*Expr, fn *Node, fs *scope) (*Node, *scope) {
	comb := &scope{inner: len(refs) + fs.inner}
	var projects []*Expr
	var cols []Column
	for i, r := range refs {
		x := exprs[i].Clone()
		x.Type.TimeAttr = types.NoTimeAttr
		c := sc.cols[r.col]
		projects = append(projects, x)
		cols = append(cols, Column{Name: c.name, Type: x.Type})
		comb.cols = append(comb.cols, scopeCol{qual: c.qual, name: c.name, typ: x.Type, hidden: true})
	}
	projects = append(projects, identity(fn)...)
	cols = append(cols, cloneCols(fn.Columns)...)
	comb.cols = append(comb.cols, fs.cols...)
	return b.calc(fn, projects, nil, cols), comb
}

// equiCorrelation recognizes a conjunct local = outer: an expression of
// the subquery's own columns equal to an outer column of the same type.
func (b *binder) equiCorrelation(c ast.Expr, fs, sc *scope) (correlation, bool) {
	be, ok := c.(*ast.BinaryExpr)
	if !ok || be.Op != ast.OpEq {
		return correlation{}, false
	}
	for _, sides := range [2][2]ast.Expr{{be.L, be.R}, {be.R, be.L}} {
		ref, ok := sides[0].(*ast.ColumnRef)
		if !ok {
			continue
		}
		col, parts, isOuter, _ := resolveRef(ref, []*scope{fs}, sc)
		if !isOuter || parts != len(ref.Parts) {
			continue
		}
		local := sides[1]
		if hasSubquery(local) || b.hasAgg(local) {
			continue
		}
		scan := newOuterRefScan(b, sc, fs)
		scan.expr(local)
		if len(scan.refs) > 0 || !scan.sawLocal {
			continue
		}
		x, err := (&exprCtx{b: b, scope: fs, noAgg: "in WHERE"}).bind(local)
		if err != nil {
			continue
		}
		ot, xt := sc.cols[col].typ, x.Type
		ot.TimeAttr, xt.TimeAttr = types.NoTimeAttr, types.NoTimeAttr
		if !ot.EqualIgnoringNullability(xt) {
			continue
		}
		return correlation{outer: col, expr: local, bound: x}, true
	}
	return correlation{}, false
}

// nullRejecting reports whether a comparison among conds (conjuncts of
// the subquery's WHERE) compares outer column col: then a NULL value of
// it leaves the subquery empty.
func nullRejecting(col int, conds []ast.Expr, fs, sc *scope) bool {
	for _, c := range conds {
		be, ok := c.(*ast.BinaryExpr)
		if !ok {
			continue
		}
		switch be.Op {
		case ast.OpEq, ast.OpNe, ast.OpLt, ast.OpLe, ast.OpGt, ast.OpGe:
		default:
			continue
		}
		for _, side := range []ast.Expr{be.L, be.R} {
			if ref, ok := side.(*ast.ColumnRef); ok {
				if o, _, isOuter, _ := resolveRef(ref, []*scope{fs}, sc); isOuter && o == col {
					return true
				}
			}
		}
	}
	return false
}

// valueGenerator joins the distinct values of the outer columns refs to
// the subquery's FROM (fn, scope fs, whose first fs.inner columns may be
// copies of outer values): a cross join, which the subquery's WHERE makes
// a join on its conditions. The values keep the outer columns' names,
// hidden from *; the subquery's own columns shadow them.
func (b *binder) valueGenerator(outer *Node, sc *scope, refs []outerRef, fn *Node, fs *scope) (*Node, *scope) {
	var projects []*Expr
	var cols []Column
	comb := &scope{inner: len(refs) + fs.inner}
	for _, r := range refs {
		t := outer.Columns[r.col].Type
		t.TimeAttr = types.NoTimeAttr
		projects = append(projects, NewCol(r.col, t))
		c := sc.cols[r.col]
		cols = append(cols, Column{Name: c.name, Type: t})
		comb.cols = append(comb.cols, scopeCol{qual: c.qual, name: c.name, typ: t, hidden: true})
	}
	values := b.distinct(b.calc(outer, projects, nil, cols))
	jcols := cloneCols(values.Columns)
	for i, c := range fn.Columns {
		t := c.Type
		t.TimeAttr = types.NoTimeAttr
		jcols = append(jcols, Column{Name: c.Name, Type: t})
		local := fs.cols[i]
		local.typ = t
		comb.cols = append(comb.cols, local)
	}
	j := b.node(OpJoin, jcols, values, fn)
	j.Join = &JoinSpec{Kind: InnerJoin}
	j.Changelog = joinChangelog(j.Join, values, fn)
	return j, comb
}

// conjoin ANDs conditions (nil for none).
func conjoin(cs []ast.Expr) ast.Expr {
	var out ast.Expr
	for _, c := range cs {
		if out == nil {
			out = c
		} else {
			out = &ast.BinaryExpr{Loc: ast.Loc{Pos: out.Start()}, Op: ast.OpAnd, L: out, R: c}
		}
	}
	return out
}

// outerRef is an outer column a subquery refers to, and a reference to it
// as the subquery writes it (without field accesses).
type outerRef struct {
	col int
	ref *ast.ColumnRef
}

// outerRefScan finds the outer columns a subquery refers to: column
// references that none of the subquery's scopes (its FROM, the FROMs of
// subqueries nested in it) resolves, but the outer scope does.
type outerRefScan struct {
	b      *binder
	outer  *scope
	locals []*scope
	refs   []outerRef
	// sawLocal says a reference resolved in the subquery's own scopes.
	sawLocal bool
}

func newOuterRefScan(b *binder, outer, local *scope) *outerRefScan {
	return &outerRefScan{b: b, outer: outer, locals: []*scope{local}}
}

func (s *outerRefScan) expr(e ast.Expr) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnRef:
			s.ref(n)
		case *ast.SubqueryExpr:
			s.query(n.Query)
			return false
		case *ast.ExistsExpr:
			s.query(n.Query)
			return false
		case *ast.InExpr, *ast.QuantifiedExpr:
			if x, q := subqueryOperand(n.(ast.Expr)); q != nil {
				s.expr(x)
				s.query(q)
				return false
			}
		}
		return true
	})
}

func (s *outerRefScan) ref(ref *ast.ColumnRef) {
	col, parts, isOuter, isLocal := resolveRef(ref, s.locals, s.outer)
	s.sawLocal = s.sawLocal || isLocal
	if !isOuter {
		return
	}
	for _, r := range s.refs {
		if r.col == col {
			return
		}
	}
	s.refs = append(s.refs, outerRef{col: col, ref: &ast.ColumnRef{Loc: ref.Loc, Parts: ref.Parts[:parts]}})
}

func (s *outerRefScan) query(q *ast.Query) {
	s.body(q.Body)
}

func (s *outerRefScan) body(body ast.QueryBody) {
	switch body := body.(type) {
	case *ast.Select:
		local := &scope{}
		if body.From != nil {
			// A FROM that does not bind (it refers to the outer query)
			// resolves nothing.
			if _, fs, err := s.b.bindFrom(body.From); err == nil {
				local = fs
			}
		}
		s.locals = append(s.locals, local)
		s.selectParts(body)
		s.locals = s.locals[:len(s.locals)-1]
	case *ast.Query:
		s.query(body)
	case *ast.SetOp:
		s.body(body.L)
		s.body(body.R)
	case *ast.Values:
		for _, r := range body.Rows {
			s.expr(r)
		}
	}
}

// selectParts scans the expressions of a SELECT but its FROM.
func (s *outerRefScan) selectParts(sel *ast.Select) {
	for _, it := range sel.Items {
		if _, star := it.Expr.(*ast.Star); !star {
			s.expr(it.Expr)
		}
	}
	s.expr(sel.Where)
	for _, g := range sel.GroupBy {
		s.expr(g)
	}
	s.expr(sel.Having)
}

// resolveRef finds where a column reference of a subquery resolves, as
// the binder would with the subquery's scopes (locals, innermost last)
// shadowing the outer one: parts is how many of its parts name the
// column (a qualifier and a name, or a name), the rest being field
// accesses.
func resolveRef(ref *ast.ColumnRef, locals []*scope, outer *scope) (col, parts int, isOuter, isLocal bool) {
	name, qual := ref.Parts[0].Name, ""
	parts = 1
	if len(ref.Parts) >= 2 {
		q := ref.Parts[0].Name
		hasQual := false
		for _, s := range append(append([]*scope(nil), locals...), outer) {
			for _, c := range s.cols {
				hasQual = hasQual || c.qual == q
			}
		}
		if hasQual {
			name, qual, parts = ref.Parts[1].Name, q, 2
		}
	}
	for i := len(locals) - 1; i >= 0; i-- {
		if locals[i].find(name, qual) != -1 {
			return 0, parts, false, true
		}
	}
	if i := outer.find(name, qual); i >= 0 {
		return i, parts, true, false
	}
	return 0, parts, false, false
}
