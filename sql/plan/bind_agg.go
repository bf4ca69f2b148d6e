package plan

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// aggCtx binds the expressions of an aggregating SELECT over the output of
// the aggregation: the group keys, then (for session windows) the window
// bounds, then one column per aggregate call. Its pre-projection feeds the
// aggregation: group keys first, then aggregate arguments.
type aggCtx struct {
	b      *binder
	in     *scope
	groups []*Expr
	pre    []*Expr
	calls  []AggCall
	// callBase is the output column of the first call.
	callBase int
	win      *groupWindow
	// Grouping sets (bind_grouping.go): sets[s][k] tells whether set s
	// groups by key k (nil without grouping sets); the first nKeys groups
	// are the keys, then $g, then one column per GROUPING call (grouping
	// maps the calls to them, groupingKeys lists the keys each names);
	// partial keys are not grouped by every set, so NULL in some rows.
	sets         [][]bool
	nKeys        int
	partial      []bool
	grouping     map[*ast.FuncCall]int
	groupingKeys [][]int
}

// groupWindow is a legacy group window of GROUP BY (TUMBLE(ts, size) …):
// the output columns of its start, end and rowtime.
type groupWindow struct {
	kind                string
	start, end, rowtime int // rowtime: the window's time (_ROWTIME or _PROCTIME)
	session             bool
	proc                bool // on a processing-time attribute
	timeCol             int  // session: input column of the time attribute
	gap                 int64
}

// auxWindowFunc returns the kind of a group window auxiliary function
// (TUMBLE for TUMBLE_START …) and "" for other calls.
func auxWindowFunc(f *ast.FuncCall) string {
	if len(f.Name.Parts) != 1 {
		return ""
	}
	name := upper(f.Name.Parts[0].Name)
	for _, k := range []string{"TUMBLE", "HOP", "SESSION"} {
		for _, s := range []string{"_START", "_END", "_ROWTIME", "_PROCTIME"} {
			if name == k+s {
				return k
			}
		}
	}
	return ""
}

func (a *aggCtx) plainCtx(clause string) *exprCtx {
	return &exprCtx{b: a.b, scope: a.in, noAgg: clause}
}

// bind binds e over the aggregation's output.
func (a *aggCtx) bind(c *exprCtx, e ast.Expr) (*Expr, error) {
	if f, ok := groupingFunc(e); ok {
		return a.bindGrouping(f)
	}
	if j, ok := e.(ast.AggForm); ok {
		// JSON_ARRAYAGG: LISTAGG of JSON texts; JSON_OBJECTAGG: an
		// aggregate of packed members (ast's AggForm).
		if arr, ok := e.(*ast.JSONArrayAggExpr); ok && len(arr.OrderBy) > 0 {
			return nil, errorf(arr.OrderBy[0], "JSON_ARRAYAGG with ORDER BY is not supported (nor in Flink)")
		}
		if obj, ok := e.(*ast.JSONObjectAggExpr); ok {
			// As Flink, the key is a character string.
			k, err := a.plainCtx("inside another aggregate function").bind(obj.Member.Key)
			if err != nil {
				return nil, err
			}
			if !k.Type.IsCharacter() && k.Type.Kind != types.KindNull {
				return nil, errorf(obj.Member.Key, "the key of JSON_OBJECTAGG must be a character string, not %s", k.Type)
			}
		}
		return a.bind(c, j.AggForm())
	}
	if !a.b.hasAgg(e) && !hasGroupingFunc(e) {
		x, err := a.plainCtx("here").bind(e)
		if err != nil {
			return nil, err
		}
		return a.lift(e, x)
	}
	if f, ok := e.(*ast.FuncCall); ok {
		if a.b.isAggCall(f) {
			return a.aggregate(f)
		}
		if k := auxWindowFunc(f); k != "" {
			return a.auxiliary(f, k)
		}
	}
	return c.bindPlain(e)
}

// lift rewrites an expression over the input into one over the group
// keys: a sub-expression equal to a key becomes a reference to it.
func (a *aggCtx) lift(n ast.Node, x *Expr) (*Expr, error) {
	for i, g := range a.groups {
		if g.Equal(x) {
			return NewCol(i, a.keyType(i)), nil
		}
	}
	switch x.Kind {
	case ColRef:
		return nil, errorf(n, "expression '%s' is not being grouped", a.in.cols[x.Index].name)
	case Literal:
		return x, nil
	}
	c := *x
	c.Args = make([]*Expr, len(x.Args))
	for i, arg := range x.Args {
		l, err := a.lift(n, arg)
		if err != nil {
			return nil, err
		}
		c.Args[i] = l
	}
	return &c, nil
}

// keyType is the output type of group key i: a rowtime key of a regular
// aggregation is materialized (no longer a time attribute).
func (a *aggCtx) keyType(i int) types.Type {
	t := a.groups[i].Type
	if i < len(a.partial) && a.partial[i] {
		t = t.WithNullable(true)
	}
	if a.win == nil || i != a.win.rowtime {
		t.TimeAttr = types.NoTimeAttr
	}
	return t
}

// addPre adds e to the pre-projection, once, and returns its column.
func (a *aggCtx) addPre(e *Expr) int {
	for i, p := range a.pre {
		if p.Equal(e) {
			return i
		}
	}
	a.pre = append(a.pre, e)
	return len(a.pre) - 1
}

func init() {
	// The collecting aggregates (exec's accumulate_array.go) join the
	// aggregate functions Eddy runs (bind_expr.go). JSON_OBJECTAGG is the
	// aggregate JSON_OBJECTAGG(KEY k VALUE v) binds to (ast's AggForm).
	for _, name := range []string{"ARRAY_AGG", "COLLECT", "JSON_OBJECTAGG"} {
		aggregateNames[name] = true
	}
}

// aggregateAliases are the built-in aggregates Flink names twice: calls
// bind to the standard name, so STDDEV(x) and STDDEV_SAMP(x) share a column.
var aggregateAliases = map[string]string{"STDDEV": "STDDEV_SAMP", "VARIANCE": "VAR_SAMP"}

func (a *aggCtx) aggregate(f *ast.FuncCall) (*Expr, error) {
	name := upper(f.Name.Parts[0].Name)
	call := AggCall{Func: name, Distinct: f.Quant == ast.QuantDistinct, Filter: -1}
	if std, ok := aggregateAliases[name]; ok {
		call.Func = std
	}
	inner := a.plainCtx("inside another aggregate function")
	if u := a.b.udaf(f); u != nil && !aggregateNames[name] {
		return a.udafCall(f, u, call, inner)
	}
	var argTypes []types.Type
	star := len(f.Args) == 1
	if star {
		_, star = f.Args[0].(*ast.Star)
	}
	switch {
	case star && name == "COUNT":
		if call.Distinct {
			return nil, errorf(f, "COUNT(DISTINCT *) is not supported")
		}
	case star:
		return nil, errorf(f, "%s(*) is not allowed; only COUNT(*)", name)
	case name == "LISTAGG" && (len(f.Args) < 1 || len(f.Args) > 2):
		return nil, errorf(f, "LISTAGG takes one or two arguments, got %d", len(f.Args))
	case f.Nulls != "" && name != "ARRAY_AGG":
		return nil, errorf(f, "%s does not take %s", name, f.Nulls)
	default:
		if len(f.Args) != 1 && !(name == "COUNT" && len(f.Args) > 1 && call.Distinct) && name != "LISTAGG" {
			return nil, errorf(f, "%s takes one argument, got %d", name, len(f.Args))
		}
		for j, arg := range f.Args {
			x, err := inner.bind(arg)
			if err != nil {
				return nil, err
			}
			if name == "LISTAGG" && j == 1 && (x.Kind != Literal || !x.Type.IsCharacter()) {
				return nil, errorf(arg, "the separator of LISTAGG must be a character literal, got %s; accepted: LISTAGG(<CHARACTER>), LISTAGG(<CHARACTER>, <CHARACTER_LITERAL>)", x.Type)
			}
			x.Type.TimeAttr = types.NoTimeAttr
			argTypes = append(argTypes, x.Type)
			call.Args = append(call.Args, a.addPre(x))
		}
	}
	filter := f.Filter
	if name == "ARRAY_AGG" && f.Nulls == ast.IgnoreNulls && len(f.Args) == 1 {
		// IGNORE NULLS: the rows whose value is not NULL.
		notNull := &ast.IsExpr{Loc: f.Loc, X: f.Args[0], Not: true, Test: ast.IsNull}
		if filter == nil {
			filter = notNull
		} else {
			filter = &ast.BinaryExpr{Loc: f.Loc, Op: ast.OpAnd, L: filter, R: notNull}
		}
	}
	if filter != nil {
		cond, err := a.plainCtx("in FILTER").bind(filter)
		if err != nil {
			return nil, err
		}
		if err := checkBoolean(filter, cond, "FILTER"); err != nil {
			return nil, err
		}
		call.Filter = a.addPre(cond)
	}
	t, err := aggResultType(name, argTypes)
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	call.Type = t
	for i, c := range a.calls {
		if c.UDAF == nil && c.Func == call.Func && c.Distinct == call.Distinct && c.Filter == call.Filter && fmt.Sprint(c.Args) == fmt.Sprint(call.Args) {
			return NewCol(a.callBase+i, c.Type), nil
		}
	}
	call.Name = "EXPR$" + itoa(len(a.calls))
	a.calls = append(a.calls, call)
	return NewCol(a.callBase+len(a.calls)-1, t), nil
}

// udafCall binds a call of a Go aggregate function.
func (a *aggCtx) udafCall(f *ast.FuncCall, u *functions.AggregateUDF, call AggCall, inner *exprCtx) (*Expr, error) {
	call.Func, call.UDAF = u.Name, u
	var argTypes []types.Type
	for _, arg := range f.Args {
		if st, ok := arg.(*ast.Star); ok {
			return nil, errorf(st, "'*' is only allowed in COUNT(*)")
		}
		x, err := inner.bind(arg)
		if err != nil {
			return nil, err
		}
		x.Type.TimeAttr = types.NoTimeAttr
		argTypes = append(argTypes, x.Type)
		call.Args = append(call.Args, a.addPre(x))
	}
	if f.Filter != nil {
		cond, err := a.plainCtx("in FILTER").bind(f.Filter)
		if err != nil {
			return nil, err
		}
		if err := checkBoolean(f.Filter, cond, "FILTER"); err != nil {
			return nil, err
		}
		call.Filter = a.addPre(cond)
	}
	t, err := u.Resolve(argTypes)
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	call.Type = t
	for i, c := range a.calls {
		if c.UDAF == u && c.Filter == call.Filter && c.Distinct == call.Distinct && fmt.Sprint(c.Args) == fmt.Sprint(call.Args) {
			return NewCol(a.callBase+i, c.Type), nil
		}
	}
	call.Name = "EXPR$" + itoa(len(a.calls))
	a.calls = append(a.calls, call)
	return NewCol(a.callBase+len(a.calls)-1, t), nil
}

// aggResultType is Flink's result type of an aggregate function.
func aggResultType(name string, args []types.Type) (types.Type, error) {
	if name == "COUNT" {
		return types.BigInt().NotNullable(), nil
	}
	t := args[0]
	switch name {
	case "SUM", "SUM0", "AVG":
		if !t.IsNumeric() {
			return types.Type{}, fmt.Errorf("%s does not accept (%s); accepted: %s(NUMERIC)", name, t, name)
		}
		switch {
		case t.Kind == types.KindDecimal && name == "AVG":
			t = types.Decimal(types.MaxDecimalPrecision, max(t.Scale, 6))
		case t.Kind == types.KindDecimal:
			t = types.Decimal(types.MaxDecimalPrecision, t.Scale)
		}
		if name == "SUM0" {
			return t.NotNullable(), nil
		}
		return t.Nullable(), nil
	case "MIN", "MAX", "FIRST_VALUE", "LAST_VALUE":
		if t.IsConstructed() || t.Kind == types.KindNull {
			return types.Type{}, fmt.Errorf("%s does not accept (%s)", name, t)
		}
		return t.Nullable(), nil
	case "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE":
		// Flink reduces them to a DOUBLE cast to AVG's type: the
		// argument's, or DECIMAL(38, max(6, s)).
		if !t.IsNumeric() {
			return types.Type{}, fmt.Errorf("%s does not accept (%s); accepted: %s(NUMERIC)", name, t, name)
		}
		if t.Kind == types.KindDecimal {
			t = types.Decimal(types.MaxDecimalPrecision, max(t.Scale, 6))
		}
		return t.Nullable(), nil
	case "ARRAY_AGG", "COLLECT", "SINGLE_VALUE":
		// ARRAY_AGG: ARRAY<t>, NULL for no rows (Flink's ArrayAggFunction);
		// COLLECT: MULTISET<t>, empty for no rows (Calcite's COLLECT);
		// SINGLE_VALUE: t, NULL for no row.
		if t.Kind == types.KindNull {
			return types.Type{}, fmt.Errorf("%s does not accept (%s): give its argument a type (CAST(NULL AS …))", name, t)
		}
		switch name {
		case "ARRAY_AGG":
			return types.Array(t).Nullable(), nil
		case "COLLECT":
			return types.Multiset(t).NotNullable(), nil
		}
		return t.Nullable(), nil
	case "JSON_OBJECTAGG":
		// Its packed members (ast's JSONObjectAggExpr.AggForm).
		if !t.IsCharacter() {
			return types.Type{}, fmt.Errorf("JSON_OBJECTAGG does not accept (%s)", t)
		}
		return types.String().NotNullable(), nil
	case "LISTAGG":
		// Flink's SqlListAggFunction: the first argument's type.
		if !t.IsCharacter() || len(args) > 1 && !args[1].IsCharacter() {
			return types.Type{}, fmt.Errorf("LISTAGG does not accept (%s); accepted: LISTAGG(<CHARACTER>), LISTAGG(<CHARACTER>, <CHARACTER_LITERAL>)", typeList(args))
		}
		return t.Nullable(), nil
	}
	return types.Type{}, fmt.Errorf("unknown aggregate function %s", name)
}

func typeList(ts []types.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

// auxiliary binds TUMBLE_START(ts, size) and friends to the window's key.
func (a *aggCtx) auxiliary(f *ast.FuncCall, kind string) (*Expr, error) {
	name := upper(f.Name.Parts[0].Name)
	if a.win == nil || a.win.kind != kind {
		return nil, errorf(f, "%s needs the query to be grouped by %s(...)", name, kind)
	}
	var i int
	switch strings.TrimPrefix(name, kind) {
	case "_START":
		i = a.win.start
	case "_END":
		i = a.win.end
	case "_ROWTIME":
		if a.win.proc {
			return nil, errorf(f, "%s needs an event-time window; this %s is on a processing-time attribute: use %s_PROCTIME", name, kind, kind)
		}
		i = a.win.rowtime
	case "_PROCTIME":
		if !a.win.proc {
			return nil, errorf(f, "%s needs a processing-time window; this %s is on a rowtime attribute: use %s_ROWTIME", name, kind, kind)
		}
		i = a.win.rowtime
	}
	if a.win.session {
		t := types.Timestamp(3).NotNullable()
		if i == a.win.rowtime {
			t.TimeAttr = types.RowTime
			if a.win.proc {
				t = types.TimestampLTZ(3).NotNullable()
				t.TimeAttr = types.ProcTime
			}
		}
		return NewCol(i, t), nil
	}
	return NewCol(i, a.keyType(i)), nil
}

// bindAggregate binds an aggregating SELECT over n.
func (b *binder) bindAggregate(sel *ast.Select, n *Node, sc *scope) (*Node, error) {
	a := &aggCtx{b: b, in: sc}
	// GROUP BY: plain keys and at most one group window.
	var winCall *ast.FuncCall
	var keys []ast.Expr
	sets, hasSets, err := groupingSets(groupItems(sel.GroupBy))
	if err != nil {
		return nil, err
	}
	for _, g := range sel.GroupBy {
		if f, ok := g.(*ast.FuncCall); ok && len(f.Name.Parts) == 1 && groupWindowNames[upper(f.Name.Parts[0].Name)] {
			if winCall != nil {
				return nil, errorf(f, "GROUP BY has more than one group window")
			}
			winCall = f
			continue
		}
		if hasSets {
			continue
		}
		keys = append(keys, g)
	}
	if hasSets {
		if winCall != nil {
			return nil, errorf(winCall, "GROUPING SETS, ROLLUP and CUBE with a group window are not supported yet")
		}
		if err := a.setupGroupingSets(sel, sets); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if b.hasAgg(k) {
			return nil, errorf(k, "aggregate functions are not allowed in GROUP BY")
		}
		x, err := a.plainCtx("in GROUP BY").bind(k)
		if err != nil {
			return nil, err
		}
		a.groups = append(a.groups, x)
	}
	if winCall != nil {
		var err error
		if n, sc, err = b.groupWindow(a, winCall, n, sc); err != nil {
			return nil, err
		}
	}
	for _, g := range a.groups {
		a.pre = append(a.pre, g)
	}
	a.callBase = len(a.groups)
	if a.win != nil && a.win.session {
		a.callBase += 3
	}
	items, err := expandItems(sel, sc)
	if err != nil {
		return nil, err
	}
	ctx := &exprCtx{b: b, scope: sc, agg: a}
	projects := make([]*Expr, len(items))
	for i, it := range items {
		if projects[i], err = ctx.bind(it.expr); err != nil {
			return nil, err
		}
	}
	var having *Expr
	if sel.Having != nil {
		if having, err = ctx.bind(sel.Having); err != nil {
			return nil, err
		}
		if err := checkBoolean(sel.Having, having, "HAVING"); err != nil {
			return nil, err
		}
	}

	sessionTime := -1
	if a.win != nil && a.win.session {
		sessionTime = a.addPre(NewCol(a.win.timeCol, sc.cols[a.win.timeCol].typ))
	}
	// The pre-projection, then the aggregation.
	preCols := make([]Column, len(a.pre))
	for i, p := range a.pre {
		preCols[i] = Column{Name: "$f" + itoa(i), Type: p.Type}
		if p.Kind == ColRef {
			preCols[i].Name = sc.cols[p.Index].name
			preCols[i].window = sc.cols[p.Index].window
		}
	}
	var pre *Node
	if a.sets != nil {
		for i := range a.nKeys {
			preCols[i].Type = a.keyType(i)
			preCols[i].window = windowProp{}
		}
		pre = a.expandSets(n, preCols)
	} else {
		pre = b.calc(n, a.pre, nil, preCols)
	}
	spec := &AggSpec{Calls: a.calls, WindowStart: -1, WindowEnd: -1, TimeCol: -1}
	for i := range a.groups {
		spec.Keys = append(spec.Keys, i)
	}
	var aggCols []Column
	for i := range a.groups {
		aggCols = append(aggCols, Column{Name: preCols[i].Name, Type: a.keyType(i)})
	}
	op := OpAggregate
	// Window aggregation: grouped by window_start and window_end of one
	// window table function.
	ws, we := -1, -1
	for i, c := range preCols[:len(a.groups)] {
		switch c.window.kind {
		case "window_start":
			ws = i
		case "window_end":
			we = i
		}
	}
	if ws >= 0 && we >= 0 && preCols[ws].window.tvf == preCols[we].window.tvf {
		op = OpWindowAggregate
		spec.WindowStart, spec.WindowEnd = ws, we
		if tvf := preCols[ws].window.tvf; tvf.Window != nil && tvf.Window.ProcTime {
			spec.ProcTime = true
		}
	}
	if a.win != nil && a.win.session {
		op = OpSessionAggregate
		spec.TimeCol, spec.Gap, spec.ProcTime = sessionTime, a.win.gap, a.win.proc
		rt := types.Timestamp(3).NotNullable()
		rt.TimeAttr = types.RowTime
		if a.win.proc {
			rt = types.TimestampLTZ(3).NotNullable()
			rt.TimeAttr = types.ProcTime
		}
		aggCols = append(aggCols, Column{Name: "window_start", Type: types.Timestamp(3).NotNullable()},
			Column{Name: "window_end", Type: types.Timestamp(3).NotNullable()}, Column{Name: "window_time", Type: rt})
	}
	for _, c := range a.calls {
		aggCols = append(aggCols, Column{Name: c.Name, Type: c.Type})
	}
	agg := b.node(op, aggCols, pre)
	agg.Agg = spec
	switch op {
	case OpAggregate:
		agg.Changelog = aggChangelog(pre)
		if !pre.Changelog.IsInsertOnly() {
			// As Flink's planner: a function that cannot retract cannot
			// consume updates.
			for _, c := range a.calls {
				if c.UDAF != nil && !c.UDAF.Retract {
					return nil, errorf(sel, "the aggregate function %s has no Retract method, so it cannot consume the updating input of this query", c.Func)
				}
			}
		}
	default:
		if !pre.Changelog.IsInsertOnly() {
			return nil, errorf(sel, "%s does not support consuming update and delete changes", op)
		}
		agg.Changelog = InsertOnly
		if op == OpWindowAggregate {
			for i := range a.groups {
				if k := preCols[i].window.kind; k != "" {
					aggCols[i].window = windowProp{kind: k, tvf: agg}
				}
			}
		}
	}
	cols := make([]Column, len(items))
	for i, it := range items {
		cols[i] = Column{Name: it.name, Type: projects[i].Type}
		if x := projects[i]; x.Kind == ColRef {
			cols[i].window = aggCols[x.Index].window
		}
	}
	return b.calc(agg, projects, having, cols), nil
}

// groupWindow binds a legacy group window of GROUP BY. TUMBLE and HOP
// become a window table function under the aggregation with the window's
// start, end and rowtime as extra group keys; SESSION becomes a session
// window aggregation.
func (b *binder) groupWindow(a *aggCtx, f *ast.FuncCall, n *Node, sc *scope) (*Node, *scope, error) {
	kind := upper(f.Name.Parts[0].Name)
	plain := a.plainCtx("in a group window")
	var args []*Expr
	for _, arg := range f.Args {
		x, err := plain.bind(arg)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, x)
	}
	want := map[string][2]int{"TUMBLE": {2, 3}, "HOP": {3, 4}, "SESSION": {2, 2}}[kind]
	if len(args) < want[0] || len(args) > want[1] {
		return nil, nil, errorf(f, "%s takes %d arguments, got %d", kind, want[0], len(args))
	}
	ts := args[0]
	if ts.Kind != ColRef || ts.Type.TimeAttr == types.NoTimeAttr {
		return nil, nil, errorf(f.Args[0], "the first argument of %s must be a time attribute (a rowtime or PROCTIME() column), got %s", kind, ts.Type)
	}
	var ms []int64
	for i, x := range args[1:] {
		v, err := constMillis(f.Args[i+1], x, kind+" size")
		if err != nil {
			return nil, nil, err
		}
		if v <= 0 && i < 2 {
			return nil, nil, errorf(f.Args[i+1], "%s sizes must be positive", kind)
		}
		ms = append(ms, v)
	}
	a.win = &groupWindow{kind: kind, proc: ts.Type.TimeAttr == types.ProcTime}
	if kind == "SESSION" {
		a.win.session, a.win.timeCol, a.win.gap = true, ts.Index, ms[0]
		k := len(a.groups)
		a.win.start, a.win.end, a.win.rowtime = k, k+1, k+2
		return n, sc, nil
	}
	spec := &WindowSpec{Kind: Tumble, TimeCol: ts.Index, Size: ms[0], ProcTime: a.win.proc}
	if kind == "HOP" {
		spec.Kind, spec.Step, spec.Size = Hop, ms[0], ms[1]
		if len(ms) > 2 {
			spec.Offset = ms[2]
		}
	} else if len(ms) > 1 {
		spec.Offset = ms[1]
	}
	tvf, err := b.windowTVF(f, n, spec)
	if err != nil {
		return nil, nil, err
	}
	nsc := &scope{cols: append([]scopeCol(nil), sc.cols...)}
	nsc.cols[ts.Index].typ.TimeAttr = types.NoTimeAttr
	k := len(n.Columns)
	for i := 0; i < 3; i++ {
		c := tvf.Columns[k+i]
		nsc.cols = append(nsc.cols, scopeCol{name: c.Name, typ: c.Type, hidden: true, window: c.window})
		a.groups = append(a.groups, NewCol(k+i, c.Type))
	}
	g := len(a.groups)
	a.win.start, a.win.end, a.win.rowtime = g-3, g-2, g-1
	return tvf, nsc, nil
}

func didYouMean(name string, names []string) string { return catalog.DidYouMean(name, names) }

// groupItems are GROUP BY's elements other than a legacy group window.
func groupItems(items []ast.Expr) []ast.Expr {
	var out []ast.Expr
	for _, g := range items {
		if f, ok := g.(*ast.FuncCall); ok && len(f.Name.Parts) == 1 && groupWindowNames[upper(f.Name.Parts[0].Name)] {
			continue
		}
		out = append(out, g)
	}
	return out
}

// jsonAggName names a JSON aggregate for errors.
func jsonAggName(e ast.Expr) string {
	if _, ok := e.(*ast.JSONObjectAggExpr); ok {
		return "JSON_OBJECTAGG"
	}
	return "JSON_ARRAYAGG"
}
