package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindJoin binds a join of two FROM items. Equality conditions become the
// join keys later (rules.go), also those of a comma join's WHERE.
//
// Three joins are recognized from the ON condition, as Flink does:
//
//   - an interval join: a join (inner or outer) of two insert-only inputs
//     whose condition bounds one side's rowtime attribute by the other's
//     (a.ts BETWEEN b.ts - INTERVAL … AND b.ts + INTERVAL …). Its output
//     is insert-only (an outer join emits a row's NULL-padded version when
//     it can no longer match) and keeps the time attributes of the sides
//     that are never NULL-padded;
//   - a window join: inputs that are both windowed (window table
//     functions or window aggregations) joined on equal window_start and
//     window_end. Its output is insert-only, a window's rows joined when
//     the window closes;
//   - otherwise a regular join, which keeps both sides in state and
//     emits updates for outer joins and updating inputs.
func (b *binder) bindJoin(j *ast.Join) (*Node, *scope, error) {
	n, sc, err := b.bindJoinOn(j)
	if err != nil || !j.Natural && len(j.Using) == 0 || n.Op != OpJoin {
		return n, sc, err
	}
	return b.mergeUsing(j, n, sc)
}

// bindJoinOn binds a join; USING and NATURAL become its condition
// (bind_join_using.go).
func (b *binder) bindJoinOn(j *ast.Join) (*Node, *scope, error) {
	l, ls, err := b.bindFrom(j.L)
	if err != nil {
		return nil, nil, err
	}
	if u, ok := j.R.(*ast.Unnest); ok {
		return b.bindUnnest(j, l, ls, u)
	}
	if tf, ok := j.R.(*ast.TableFunc); ok {
		if fn := b.cat.Function(tf.Call.Name); fn != nil && fn.Table != nil {
			return b.bindLateralTable(j, l, ls, tf, fn.Table)
		}
	}
	if dt, ok := j.R.(*ast.DerivedTable); ok && dt.Lateral {
		return b.bindLateral(j, l, ls, dt) // bind_lateral.go
	}
	var asOf ast.Expr
	rref := j.R
	if tn, ok := j.R.(*ast.TableName); ok && tn.SystemTime != nil {
		asOf = tn.SystemTime
		plain := *tn
		plain.SystemTime = nil
		rref = &plain
	}
	r, rs, err := b.bindFrom(rref)
	if err != nil {
		return nil, nil, err
	}
	kind := InnerJoin
	switch j.Kind {
	case ast.LeftJoin:
		kind = LeftJoin
	case ast.RightJoin:
		kind = RightJoin
	case ast.FullJoin:
		kind = FullJoin
	}
	sc := &scope{}
	var cols []Column
	add := func(s *scope, n *Node, nullable bool) {
		for i, c := range s.cols {
			t := c.typ
			// A regular join materializes time attributes.
			t.TimeAttr = types.NoTimeAttr
			if nullable {
				t = t.Nullable()
			}
			sc.cols = append(sc.cols, scopeCol{qual: c.qual, name: c.name, typ: t, hidden: c.hidden, using: c.using})
			cols = append(cols, Column{Name: n.Columns[i].Name, Type: t})
		}
	}
	add(ls, l, kind == RightJoin || kind == FullJoin)
	add(rs, r, kind == LeftJoin || kind == FullJoin)
	n := b.node(OpJoin, cols, l, r)
	n.Join = &JoinSpec{Kind: kind}
	if j.Natural || len(j.Using) > 0 {
		if asOf != nil {
			return nil, nil, errorf(j, "a temporal join takes its condition with ON, not USING or NATURAL")
		}
		using, err := usingPairs(j, ls, rs)
		if err != nil {
			return nil, nil, err
		}
		if n.Join.Condition, err = usingCondition(j, using, sc, len(ls.cols)); err != nil {
			return nil, nil, err
		}
	} else if j.On != nil {
		ctx := &exprCtx{b: b, scope: sc, noAgg: "in ON"}
		cond, err := ctx.bind(j.On)
		if err != nil {
			return nil, nil, err
		}
		if err := checkBoolean(j.On, cond, "ON"); err != nil {
			return nil, nil, err
		}
		n.Join.Condition = cond
	} else if kind != InnerJoin && j.Kind != ast.CrossJoin {
		return nil, nil, errorf(j, "%s needs an ON condition", j.Kind)
	}

	n.Changelog = joinChangelog(n.Join, l, r)
	if asOf != nil {
		if err := b.temporal(j, asOf, n, l, r, ls, sc); err != nil {
			return nil, nil, err
		}
		return n, sc, nil
	}
	b.recognizeTimedJoin(n, sc)
	return n, sc, nil
}

// recognizeTimedJoin makes join n a window join or an interval join when
// its condition says so (see bindJoin).
func (b *binder) recognizeTimedJoin(n *Node, sc *scope) bool {
	l, r := n.Inputs[0], n.Inputs[1]
	j := n.Join
	if j.Condition == nil || j.Temporal != nil || !l.Changelog.IsInsertOnly() || !r.Changelog.IsInsertOnly() {
		return false
	}
	if w := windowJoinOf(j.Condition, l, r); w != nil {
		j.Window = w
		n.Changelog = InsertOnly
		return true
	}
	iv := intervalOf(j.Condition, l, r)
	if iv == nil || j.Kind == SemiJoin || j.Kind == AntiJoin {
		return false
	}
	j.Interval = iv
	n.Changelog = InsertOnly
	// An interval join keeps the time attributes of the inputs that are
	// never padded with NULLs.
	for i := range n.Columns {
		var t types.TimeAttr
		if i < len(l.Columns) {
			if j.Kind == InnerJoin || j.Kind == LeftJoin {
				t = l.Columns[i].Type.TimeAttr
			}
		} else if j.Kind == InnerJoin || j.Kind == RightJoin {
			t = r.Columns[i-len(l.Columns)].Type.TimeAttr
		}
		if t == types.RowTime {
			n.Columns[i].Type.TimeAttr = t
			sc.cols[i].typ.TimeAttr = t
		}
	}
	return true
}

// timedJoin recognizes a window or interval join written in the WHERE of
// a comma (or inner) join, as Flink does: when the WHERE over n (a join
// with no time bounds yet) makes one, the condition moves into the join
// and true is returned.
func (b *binder) timedJoin(n *Node, sc *scope, cond *Expr) bool {
	if n.Op != OpJoin || n.Join.Kind != InnerJoin || n.Join.Interval != nil || n.Join.Window != nil || n.Join.Temporal != nil ||
		!cond.IsDeterministic() {
		return false
	}
	spec := *n.Join
	spec.Condition = and(n.Join.Condition, cond)
	saved := n.Join
	n.Join = &spec
	if b.recognizeTimedJoin(n, sc) {
		return true
	}
	n.Join = saved
	return false
}

// joinChangelog is a regular join's changelog mode: inner joins of
// insert-only inputs append; outer joins retract their null-padded rows;
// a semi join of insert-only inputs only adds rows.
func joinChangelog(j *JoinSpec, l, r *Node) Changelog {
	insertOnly := l.Changelog.IsInsertOnly() && r.Changelog.IsInsertOnly()
	switch {
	case j.Window != nil || j.Interval != nil:
		return InsertOnly
	case insertOnly && (j.Kind == InnerJoin || j.Kind == SemiJoin):
		return InsertOnly
	}
	return UpdatesAndDeletes
}

// windowJoinOf recognizes a window join: conjuncts equating the
// window_start and the window_end columns of the two inputs.
func windowJoinOf(cond *Expr, l, r *Node) *WindowJoin {
	nl := len(l.Columns)
	prop := func(i int) windowProp {
		if i < nl {
			return l.Columns[i].window
		}
		return r.Columns[i-nl].window
	}
	start, end := false, false
	w := &WindowJoin{}
	for _, c := range conjuncts(cond) {
		if c.Kind != Call || c.Func != "=" || c.Args[0].Kind != ColRef || c.Args[1].Kind != ColRef {
			continue
		}
		a, b := c.Args[0].Index, c.Args[1].Index
		if a >= nl {
			a, b = b, a
		}
		if a >= nl || b < nl {
			continue
		}
		pa, pb := prop(a), prop(b)
		if pa.kind == "" || pa.kind != pb.kind {
			continue
		}
		switch pa.kind {
		case "window_start":
			start = true
		case "window_end":
			end = true
			w.LeftEnd, w.RightEnd = a, b-nl
		}
	}
	if start && end {
		return w
	}
	return nil
}

// timeOffset reads e as a rowtime column plus a constant interval:
// ts, ts + INTERVAL …, ts - INTERVAL ….
func timeOffset(e *Expr, isRowtime func(int) bool) (int, int64, bool) {
	switch {
	case e.Kind == ColRef && isRowtime(e.Index):
		return e.Index, 0, true
	case e.Kind == Call && (e.Func == "+" || e.Func == "-") && len(e.Args) == 2:
		c, off, ok := timeOffset(e.Args[0], isRowtime)
		lit := e.Args[1]
		if !ok || lit.Kind != Literal {
			return 0, 0, false
		}
		ms, isMs := lit.Value.(types.IntervalMillis)
		if !isMs {
			return 0, 0, false
		}
		if e.Func == "-" {
			ms = -ms
		}
		return c, off + int64(ms), true
	}
	return 0, 0, false
}

// intervalOf recognizes the bounds of an interval join: comparisons (or a
// BETWEEN) of one input's rowtime attribute with the other's, each plus a
// constant, that bound LeftTime - RightTime from below and above.
func intervalOf(cond *Expr, l, r *Node) *IntervalBounds {
	nl := len(l.Columns)
	isRowtime := func(i int) bool {
		if i < nl {
			return l.Columns[i].Type.TimeAttr == types.RowTime
		}
		return i-nl < len(r.Columns) && r.Columns[i-nl].Type.TimeAttr == types.RowTime
	}
	iv := &IntervalBounds{LeftTime: -1, RightTime: -1}
	hasLo, hasHi := false, false
	// bound records a op b (op one of >=, >, <=, <).
	bound := func(a *Expr, op string, b *Expr) {
		ca, oa, ok1 := timeOffset(a, isRowtime)
		cb, ob, ok2 := timeOffset(b, isRowtime)
		if !ok1 || !ok2 || (ca < nl) == (cb < nl) {
			return
		}
		if ca >= nl {
			// Flip to left op' right.
			ca, oa, cb, ob = cb, ob, ca, oa
			switch op {
			case ">=":
				op = "<="
			case ">":
				op = "<"
			case "<=":
				op = ">="
			case "<":
				op = ">"
			}
		}
		if iv.LeftTime >= 0 && (iv.LeftTime != ca || iv.RightTime != cb-nl) {
			return
		}
		iv.LeftTime, iv.RightTime = ca, cb-nl
		// ca + oa op cb + ob  ⇔  ca - cb op ob - oa.
		d := ob - oa
		// Times are milliseconds: a strict bound is one millisecond in.
		switch op {
		case ">":
			d++
		case "<":
			d--
		}
		switch op {
		case ">=", ">":
			if !hasLo || d > iv.Lower {
				iv.Lower = d
			}
			hasLo = true
		case "<=", "<":
			if !hasHi || d < iv.Upper {
				iv.Upper = d
			}
			hasHi = true
		}
	}
	for _, c := range conjuncts(cond) {
		if c.Kind != Call {
			continue
		}
		switch c.Func {
		case ">=", ">", "<=", "<":
			bound(c.Args[0], c.Func, c.Args[1])
		case "BETWEEN":
			if len(c.Args) == 3 {
				bound(c.Args[0], ">=", c.Args[1])
				bound(c.Args[0], "<=", c.Args[2])
			}
		}
	}
	if !hasLo || !hasHi || iv.Lower > iv.Upper {
		return nil
	}
	return iv
}
