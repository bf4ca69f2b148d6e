package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// overCalls lists the calls with an OVER clause in the select items,
// outside subqueries.
func overCalls(items []selectItem) []*ast.FuncCall {
	var calls []*ast.FuncCall
	var visit func(e ast.Expr)
	visit = func(e ast.Expr) {
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SubqueryExpr, *ast.ExistsExpr:
				return false
			case *ast.InExpr, *ast.QuantifiedExpr:
				// The subquery's calls are its own; the operand's are ours.
				if x, q := subqueryOperand(n.(ast.Expr)); q != nil {
					visit(x)
					return false
				}
			case *ast.FuncCall:
				if n.Over != nil {
					calls = append(calls, n)
				}
			}
			return true
		})
	}
	for _, it := range items {
		visit(it.expr)
	}
	return calls
}

// rankFuncs are the ranking window functions a filter on their result
// makes a Top-N of (see limitRank); without one they run in batch mode.
var rankFuncs = map[string]bool{"ROW_NUMBER": true, "RANK": true, "DENSE_RANK": true}

// batchRankFuncs are the ranking window functions Flink runs in batch mode
// only, in every form.
var batchRankFuncs = map[string]bool{"PERCENT_RANK": true, "CUME_DIST": true, "NTILE": true}

// isRanking reports a ranking window function.
func isRanking(fn string) bool { return rankFuncs[fn] || batchRankFuncs[fn] }

// batchModeHint tells how to switch to batch mode.
const batchModeHint = "SET 'execution.runtime-mode' = 'batch'"

// bindOver binds the OVER calls of a SELECT over n. A lone ROW_NUMBER(),
// RANK() or DENSE_RANK() becomes a Rank node (a Top-N once a filter on
// its result limits it, see limitRank; in batch mode it starts as a
// sorted OVER aggregation, which limitRank turns into the Rank); the
// aggregates an OverAggregate node ordered by a time attribute, or by the
// input's rows kept sorted (updating input, bind_over_updating.go; batch
// mode, sortedOver). Either appends a column per call to n's; the
// returned scope extends sc with them (hidden) and over maps each call to
// its column. bound, when set, holds the windows' expressions bound
// before: the group-level expressions of an aggregating query, columns of
// its aggregation (bind_over_grouped.go).
//
// In streaming mode the calls must share one window. Batch mode plans one
// OVER aggregation per window, each over the previous one, as Flink's
// batch planner does (TPC-DS's AVG(SUM(x)) OVER (PARTITION BY …) beside a
// RANK() OVER (… ORDER BY …)).
func (b *binder) bindOver(calls []*ast.FuncCall, named []*ast.NamedWindow, n *Node, sc *scope, bound map[ast.Expr]*Expr) (*Node, *scope, map[*ast.FuncCall]int, error) {
	if !b.batch {
		return b.bindOverWindow(calls, named, n, sc, bound, 0)
	}
	// The calls by window, in the order of their first calls.
	spec := func(c *ast.FuncCall) *ast.WindowSpec {
		w := c.Over
		if w.Ref != nil && len(w.PartitionBy) == 0 && len(w.OrderBy) == 0 && w.Frame == nil {
			for _, nw := range named {
				if nw.Name.Name == w.Ref.Name {
					return nw.Spec
				}
			}
		}
		return w
	}
	var groups [][]*ast.FuncCall
	for _, c := range calls {
		i := 0
		for i < len(groups) && !ast.Equal(spec(groups[i][0]), spec(c)) {
			i++
		}
		if i == len(groups) {
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	over := map[*ast.FuncCall]int{}
	for wi, g := range groups {
		var o map[*ast.FuncCall]int
		var err error
		if n, sc, o, err = b.bindOverWindow(g, named, n, sc, bound, wi); err != nil {
			return nil, nil, nil, err
		}
		for c, i := range o {
			over[c] = i
		}
	}
	return n, sc, over, nil
}

// bindOverWindow binds the OVER calls of one window (bindOver), the
// window numbered wi (its calls' columns are w<wi>$o<i>).
func (b *binder) bindOverWindow(calls []*ast.FuncCall, named []*ast.NamedWindow, n *Node, sc *scope, bound map[ast.Expr]*Expr, wi int) (*Node, *scope, map[*ast.FuncCall]int, error) {
	// Resolve OVER name against the WINDOW clause.
	specs := make([]*ast.WindowSpec, len(calls))
	for i, c := range calls {
		specs[i] = c.Over
		if c.Over.Ref == nil {
			continue
		}
		var names []string
		for _, nw := range named {
			names = append(names, nw.Name.Name)
			if nw.Name.Name == c.Over.Ref.Name {
				spec := *nw.Spec
				if len(c.Over.PartitionBy) > 0 || len(c.Over.OrderBy) > 0 || c.Over.Frame != nil {
					return nil, nil, nil, errorf(c.Over, "refining a named window (OVER (%s …)) is not supported yet", c.Over.Ref.Name)
				}
				specs[i] = &spec
			}
		}
		if specs[i] == c.Over {
			return nil, nil, nil, errorf(c.Over.Ref, "window '%s' not found%s", c.Over.Ref.Name, didYouMean(c.Over.Ref.Name, names))
		}
	}
	first := calls[0]
	for i, c := range calls[1:] {
		if !ast.Equal(specs[i+1], specs[0]) {
			return nil, nil, nil, errorf(c.Over, "all OVER windows of a query must be the same; this one differs from the one at %s", first.Over.Start())
		}
	}
	w := specs[0]
	if w.Ref != nil {
		return nil, nil, nil, errorf(w, "a window defined by another named window (%s) is not supported yet", w.Ref.Name)
	}
	plain := &exprCtx{b: b, scope: sc, noAgg: "in an OVER window", bound: bound}
	// Partition, order and argument expressions that are not columns are
	// computed by a Calc below.
	var extras []*Expr
	base := len(n.Columns)
	colOf := func(e ast.Expr) (int, *Expr, error) {
		x, err := plain.bind(e)
		if err != nil {
			return 0, nil, err
		}
		if x.Kind == ColRef {
			return x.Index, x, nil
		}
		for i, y := range extras {
			if y.Equal(x) {
				return base + i, x, nil
			}
		}
		extras = append(extras, x)
		return base + len(extras) - 1, x, nil
	}
	var part []int
	for _, p := range w.PartitionBy {
		i, _, err := colOf(p)
		if err != nil {
			return nil, nil, nil, err
		}
		part = append(part, i)
	}
	var order []SortKey
	var orderExprs []*Expr
	for _, o := range w.OrderBy {
		i, x, err := colOf(o.Expr)
		if err != nil {
			return nil, nil, nil, err
		}
		k := SortKey{Col: i, Desc: o.Desc}
		// Flink's default: NULLS FIRST ascending, NULLS LAST descending.
		k.NullsFirst = !o.Desc
		switch o.Nulls {
		case ast.NullsFirst:
			k.NullsFirst = true
		case ast.NullsLast:
			k.NullsFirst = false
		}
		order = append(order, k)
		orderExprs = append(orderExprs, x)
	}
	name := func(f *ast.FuncCall) string { return upper(f.Name.Parts[len(f.Name.Parts)-1].Name) }
	// ranking: a ranking function is called; rank: the query is a lone
	// ROW_NUMBER, RANK or DENSE_RANK, which a filter may make a Top-N.
	ranking := false
	for _, c := range calls {
		if isRanking(name(c)) {
			ranking = true
		}
	}
	isRank := rankFuncs[name(first)] && !b.batch
	for _, c := range calls {
		fn := name(c)
		if batchRankFuncs[fn] && !b.batch {
			return nil, nil, nil, errorf(c, "%s is not supported in streaming mode (as in Flink); it runs in batch mode: %s", fn, batchModeHint)
		}
		if !b.batch {
			if rankFuncs[fn] != isRank {
				return nil, nil, nil, errorf(c, "ranking functions and aggregates over windows cannot be mixed in one query yet")
			}
			if isRank && fn != name(first) {
				return nil, nil, nil, errorf(c, "%s and %s cannot be used in one query yet", name(first), fn)
			}
		}
		if isRanking(fn) {
			if fn == "NTILE" {
				if len(c.Args) != 1 {
					return nil, nil, nil, errorf(c, "NTILE takes one argument, the number of buckets, got %d", len(c.Args))
				}
			} else if len(c.Args) > 0 {
				return nil, nil, nil, errorf(c, "%s takes no arguments", fn)
			}
			if c.Quant == ast.QuantDistinct {
				return nil, nil, nil, errorf(c, "%s does not take DISTINCT", fn)
			}
			if len(order) == 0 {
				return nil, nil, nil, errorf(c, "%s() needs an ORDER BY in its OVER window", fn)
			}
		}
		if fn == "LEAD" && !b.batch {
			return nil, nil, nil, errorf(c, "LEAD is not supported in streaming OVER aggregations (as in Flink): a row would wait for the rows after it; it runs in batch mode")
		}
		if !isRanking(fn) && !aggregateNames[fn] && fn != "LAG" && fn != "LEAD" && b.udaf(c) == nil {
			return nil, nil, nil, errorf(c, "function %s cannot be used with OVER%s", fn, didYouMean(fn, []string{"ROW_NUMBER", "RANK", "DENSE_RANK",
				"PERCENT_RANK", "CUME_DIST", "NTILE", "COUNT", "SUM", "AVG", "MIN", "MAX",
				"STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE", "FIRST_VALUE", "LAST_VALUE", "LISTAGG", "ARRAY_AGG", "LAG"}))
		}
		if c.Filter != nil {
			return nil, nil, nil, errorf(c.Filter, "FILTER is not supported with OVER")
		}
		if c.Nulls != "" && fn != "ARRAY_AGG" {
			return nil, nil, nil, errorf(c, "%s does not take %s", fn, c.Nulls)
		}
	}
	var calls2 []AggCall
	if !isRank {
		for _, c := range calls {
			fn := name(c)
			call := AggCall{Func: fn, Distinct: c.Quant == ast.QuantDistinct, Filter: -1, Name: fmt.Sprintf("w%d$o%d", wi, len(calls2))}
			var argTypes []types.Type
			star := len(c.Args) == 1
			if star {
				_, star = c.Args[0].(*ast.Star)
			}
			if u := b.udaf(c); u != nil && !aggregateNames[fn] && !isRanking(fn) {
				// A Go aggregate function over the frame.
				call.Func, call.UDAF = u.Name, u
				var argTypes []types.Type
				for _, arg := range c.Args {
					i, x, err := colOf(arg)
					if err != nil {
						return nil, nil, nil, err
					}
					t := x.Type
					t.TimeAttr = types.NoTimeAttr
					argTypes, call.Args = append(argTypes, t), append(call.Args, i)
				}
				t, err := u.Resolve(argTypes)
				if err != nil {
					return nil, nil, nil, errorf(c, "%v", err)
				}
				call.Type = t
				calls2 = append(calls2, call)
				continue
			}
			switch {
			case isRanking(fn):
				if err := bindRankCall(c, &call); err != nil {
					return nil, nil, nil, err
				}
				calls2 = append(calls2, call)
				continue
			case fn == "LAG" || fn == "LEAD":
				if err := bindLag(c, &call, colOf); err != nil {
					return nil, nil, nil, err
				}
				calls2 = append(calls2, call)
				continue
			case star && fn == "COUNT":
			case star:
				return nil, nil, nil, errorf(c, "%s(*) is not allowed; only COUNT(*)", fn)
			case fn == "LISTAGG" && len(c.Args) == 2:
				// LISTAGG(x, separator): the separator a character literal.
				i, x, err := colOf(c.Args[0])
				if err != nil {
					return nil, nil, nil, err
				}
				j, sep, err := colOf(c.Args[1])
				if err != nil {
					return nil, nil, nil, err
				}
				if sep.Kind != Literal || !sep.Type.IsCharacter() {
					return nil, nil, nil, errorf(c.Args[1], "the separator of LISTAGG must be a character literal")
				}
				t := x.Type
				t.TimeAttr = types.NoTimeAttr
				argTypes = append(argTypes, t, sep.Type)
				call.Args = []int{i, j}
			case len(c.Args) != 1:
				return nil, nil, nil, errorf(c, "%s takes one argument, got %d", fn, len(c.Args))
			default:
				i, x, err := colOf(c.Args[0])
				if err != nil {
					return nil, nil, nil, err
				}
				t := x.Type
				t.TimeAttr = types.NoTimeAttr
				argTypes = append(argTypes, t)
				call.Args = []int{i}
				if fn == "ARRAY_AGG" && c.Nulls == ast.IgnoreNulls {
					// IGNORE NULLS: the rows whose value is not NULL.
					f, _, err := colOf(&ast.IsExpr{Loc: c.Loc, X: c.Args[0], Not: true, Test: ast.IsNull})
					if err != nil {
						return nil, nil, nil, err
					}
					call.Filter = f
				}
			}
			t, err := aggResultType(fn, argTypes)
			if err != nil {
				return nil, nil, nil, errorf(c, "%v", err)
			}
			call.Type = t
			calls2 = append(calls2, call)
		}
	}
	timeOrdered := len(order) == 1 && !order[0].Desc && orderExprs[0].Type.TimeAttr != types.NoTimeAttr
	// Batch mode sorts the rows of a partition unless a time attribute
	// orders an insert-only input (then the OVER aggregation of streaming
	// runs): an updating input (an aggregation's result) leaves its final
	// rows.
	sorted := b.batch && (ranking || !timeOrdered || !n.Changelog.IsInsertOnly())
	if sorted && len(order) == 0 {
		// No ORDER BY: the rows of a partition are all peers, so the
		// frame, RANGE by default, is the whole partition (as Calcite's
		// RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING).
		// They are sorted by a constant.
		i, x, err := colOf(&ast.NumberLit{Loc: w.Loc, Kind: ast.IntegerNumber, Text: "0"})
		if err != nil {
			return nil, nil, nil, err
		}
		order, orderExprs = []SortKey{{Col: i, NullsFirst: true}}, []*Expr{x}
	}
	// The Calc of the extra expressions.
	in := n
	inScope := &scope{cols: append([]scopeCol(nil), sc.cols...)}
	if len(extras) > 0 {
		projects := identity(n)
		cols := cloneCols(n.Columns)
		for i, x := range extras {
			projects = append(projects, x)
			cols = append(cols, Column{Name: fmt.Sprintf("$%d", base+i), Type: x.Type})
			inScope.cols = append(inScope.cols, scopeCol{name: cols[len(cols)-1].Name, typ: x.Type, hidden: true})
		}
		in = b.calc(n, projects, nil, cols)
	}
	over := map[*ast.FuncCall]int{}
	var out *Node
	switch {
	case isRank:
		// Streaming: a Top-N once a filter limits it (limitRank); the
		// planner refuses it without one (checkRanks).
		cols := cloneCols(in.Columns)
		cols = append(cols, Column{Name: fmt.Sprintf("w%d$o0", wi), Type: types.BigInt().NotNullable()})
		out = b.node(OpRank, cols, in)
		out.Rank = &RankSpec{Func: name(first), Partition: part, Order: order, Limit: -1, Strategy: TopN, TimeCol: -1, WindowEnd: -1}
		out.Changelog = UpdatesAndDeletes
	case sorted:
		var err error
		if out, err = b.sortedOver(w, in, part, order, orderExprs, calls2); err != nil {
			return nil, nil, nil, err
		}
	case !in.Changelog.IsInsertOnly():
		var err error
		if out, err = b.updatingOver(w, in, part, order, calls2); err != nil {
			return nil, nil, nil, err
		}
	default:
		if !timeOrdered {
			at := ast.Node(w)
			if len(w.OrderBy) > 0 {
				at = w.OrderBy[0]
			}
			return nil, nil, nil, errorf(at, "OVER windows' ordering in stream mode must be defined on a time attribute, ascending")
		}
		spec := &OverSpec{Partition: part, TimeCol: order[0].Col, Preceding: -1, Calls: calls2,
			ProcTime: orderExprs[0].Type.TimeAttr == types.ProcTime}
		if err := bindFrame(w, spec); err != nil {
			return nil, nil, nil, err
		}
		cols := cloneCols(in.Columns)
		for _, c := range calls2 {
			cols = append(cols, Column{Name: c.Name, Type: c.Type})
		}
		out = b.node(OpOverAggregate, cols, in)
		out.Over = spec
		out.Changelog = InsertOnly
	}
	for i, c := range calls {
		if isRank {
			i = 0 // one column for the calls, all alike
		}
		over[c] = len(in.Columns) + i
	}
	for _, c := range out.Columns[len(in.Columns):] {
		inScope.cols = append(inScope.cols, scopeCol{name: c.Name, typ: c.Type, hidden: true})
	}
	return out, inScope, over, nil
}

// bindRankCall binds a ranking function's call: ROW_NUMBER, RANK,
// DENSE_RANK and NTILE are BIGINT NOT NULL, PERCENT_RANK and CUME_DIST
// DOUBLE NOT NULL, as in Flink. NTILE's number of buckets, a positive
// integer literal, is the call's Offset.
func bindRankCall(c *ast.FuncCall, call *AggCall) error {
	call.Type = types.BigInt().NotNullable()
	switch call.Func {
	case "PERCENT_RANK", "CUME_DIST":
		call.Type = types.Double().NotNullable()
	case "NTILE":
		lit, ok := c.Args[0].(*ast.NumberLit)
		n, err := strconv.ParseInt(strings.TrimSpace(astText(lit)), 10, 64)
		if !ok || err != nil || n <= 0 {
			return errorf(c.Args[0], "the argument of NTILE must be a positive integer literal")
		}
		call.Offset = n
	}
	return nil
}

// sortedOver plans an OVER aggregation of batch mode: a partition's rows
// are kept, sorted by the window's ORDER BY (any keys and directions) at
// the end of the input and go out then, each with the ranking functions
// (which ignore the frame, as in the SQL standard), LAG/LEAD and the
// aggregates over its frame: ROWS, or RANGE UNBOUNDED PRECEDING or
// CURRENT ROW (peers), or a RANGE interval over one TIMESTAMP key. Over
// an updating input it ranks and aggregates the final rows. The spec is
// an OverSpec with Order set and Updating not (TimeCol is Order's first).
func (b *binder) sortedOver(w *ast.WindowSpec, in *Node, part []int, order []SortKey, orderExprs []*Expr, calls []AggCall) (*Node, error) {
	spec := &OverSpec{Partition: part, TimeCol: order[0].Col, Preceding: -1, Calls: calls, Order: order}
	onlyRanks := true
	for _, c := range calls {
		if c.UDAF != nil || !isRanking(c.Func) {
			onlyRanks = false
		}
	}
	if !onlyRanks {
		if err := bindFrame(w, spec); err != nil {
			return nil, err
		}
		if !spec.Rows && spec.Preceding > 0 {
			k := orderExprs[0].Type.Kind
			if len(order) != 1 || k != types.KindTimestamp && k != types.KindTimestampLTZ {
				return nil, errorf(w.Frame, "a RANGE frame with an offset needs the window ordered by one TIMESTAMP column")
			}
		}
	}
	cols := cloneCols(in.Columns)
	for _, c := range calls {
		cols = append(cols, Column{Name: c.Name, Type: c.Type})
	}
	out := b.node(OpOverAggregate, cols, in)
	out.Over = spec
	out.Changelog = InsertOnly
	return out, nil
}

// isSortedOver reports a sorted OVER aggregation (sortedOver).
func isSortedOver(n *Node) bool {
	return n.Op == OpOverAggregate && n.Over != nil && !n.Over.Updating && len(n.Over.Order) > 0
}

// sortedRankToTopN turns a sorted OVER aggregation of a lone ROW_NUMBER,
// RANK or DENSE_RANK into the Rank a filter on its result limits, and
// reports whether it did.
func sortedRankToTopN(n *Node) bool {
	if !isSortedOver(n) || len(n.Over.Calls) != 1 || !rankFuncs[n.Over.Calls[0].Func] {
		return false
	}
	s := n.Over
	n.Op, n.Over = OpRank, nil
	n.Rank = &RankSpec{Func: s.Calls[0].Func, Partition: s.Partition, Order: s.Order, Limit: -1, Strategy: TopN, TimeCol: -1, WindowEnd: -1}
	n.Changelog = UpdatesAndDeletes
	return true
}

// checkRanks refuses, in streaming mode, a ROW_NUMBER, RANK or DENSE_RANK
// no filter on its result made a Top-N of (limitRank). Flink plans it as
// an OVER aggregation, whose ordering must then be a time attribute
// (ascending), and runs the plain ranking over any ordering in batch mode;
// Eddy runs it in batch mode only.
func checkRanks(b *binder, sinks []*Node) error {
	if b.batch {
		return nil
	}
	seen := map[*Node]bool{}
	var visit func(n *Node) error
	visit = func(n *Node) error {
		if seen[n] {
			return nil
		}
		seen[n] = true
		if n.Op == OpRank && n.Rank.Limit < 0 && n.Rank.Strategy == TopN {
			fn := n.Rank.Func
			return errorf(nil, "%s() without a filter on its result is not supported in streaming mode: "+
				"filter it in an outer query for a Top-N (WHERE rownum <= N), or run the query in batch mode: %s", fn, batchModeHint)
		}
		for _, in := range n.Inputs {
			if err := visit(in); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range sinks {
		if err := visit(s); err != nil {
			return err
		}
	}
	return nil
}

// bindFrame reads the frame of an OVER aggregation: ROWS n PRECEDING or
// RANGE INTERVAL … PRECEDING (or UNBOUNDED PRECEDING), ending at the
// current row. Without a frame it is RANGE UNBOUNDED PRECEDING.
func bindFrame(w *ast.WindowSpec, spec *OverSpec) error {
	f := w.Frame
	if f == nil {
		return nil
	}
	spec.Rows = f.Unit == ast.FrameRows
	if f.End != nil && f.End.Kind != ast.CurrentRow {
		return errorf(f.End, "OVER windows must end at CURRENT ROW, not %s", f.End.Kind)
	}
	switch f.Begin.Kind {
	case ast.UnboundedPreceding:
		spec.Preceding = -1
	case ast.CurrentRow:
		spec.Preceding = 0
	case ast.Preceding:
		ctx := &exprCtx{b: &binder{}, scope: &scope{}, noAgg: "in a window frame"}
		x, err := ctx.bind(f.Begin.Offset)
		if err != nil {
			return err
		}
		if spec.Rows {
			v, ok := intLiteral(x)
			if !ok || v < 0 {
				return errorf(f.Begin.Offset, "ROWS frame offset must be a non-negative integer literal")
			}
			spec.Preceding = v
		} else {
			ms, err := constMillis(f.Begin.Offset, x, "RANGE frame offset")
			if err != nil {
				return err
			}
			if ms < 0 {
				return errorf(f.Begin.Offset, "RANGE frame offset must not be negative")
			}
			spec.Preceding = ms
		}
	default:
		return errorf(f.Begin, "OVER windows must start at a PRECEDING bound, not %s", f.Begin.Kind)
	}
	return nil
}

// limitRank recognizes the filter of a Top-N on a Rank's row number
// (rownum <= N, rownum < N, rownum = 1) in a WHERE over n, and limits
// the Rank. It then picks the strategy and fixes the changelog mode of
// the Calcs between n and the Rank.
func (b *binder) limitRank(n *Node, cond *Expr) {
	for _, c := range conjuncts(cond) {
		if c.Kind != Call || len(c.Args) != 2 || c.Args[0].Kind != ColRef || c.Args[1].Kind != Literal {
			continue
		}
		lim, ok := intLiteral(c.Args[1])
		if !ok {
			continue
		}
		switch c.Func {
		case "<=":
		case "<":
			lim--
		case "=":
			if lim != 1 {
				continue
			}
		default:
			continue
		}
		// Follow the column down through Calcs to a Rank (in batch mode,
		// the sorted OVER aggregation of one, see bindOver).
		path := []*Node{}
		cur, col := n, c.Args[0].Index
		for cur.Op == OpCalc && cur.Calc.Filter == nil && col < len(cur.Calc.Projects) && cur.Calc.Projects[col].Kind == ColRef {
			path = append(path, cur)
			col = cur.Calc.Projects[col].Index
			cur = cur.Inputs[0]
		}
		if col == len(cur.Columns)-1 {
			sortedRankToTopN(cur)
		}
		if cur.Op != OpRank || col != len(cur.Columns)-1 || cur.Rank.Limit >= 0 {
			continue
		}
		if lim < 0 {
			lim = 0
		}
		b.chooseRank(cur, lim)
		for _, p := range path {
			p.Changelog = cur.Changelog
		}
		return
	}
}

// chooseRank limits a Rank to lim rows and picks how it runs: when it
// partitions by a window's bounds, a window deduplication if it keeps one
// row by the rowtime, else a window Top-N (neither over SESSION, whose
// windows only a window aggregation forms); a deduplication keeping the
// first row when it orders by a time attribute ascending and keeps one
// row; else an updating Top-N.
func (b *binder) chooseRank(r *Node, lim int64) {
	spec := *r.Rank
	spec.Limit = lim
	in := r.Inputs[0]
	r.Changelog = UpdatesAndDeletes
	if in.Changelog.IsInsertOnly() {
		start, end := -1, -1
		for _, p := range spec.Partition {
			switch in.Columns[p].window.kind {
			case "window_start":
				start = p
			case "window_end":
				end = p
			}
		}
		if tvf := sameWindow(in, start, end); tvf != nil && !isSessionTVF(tvf) {
			spec.Strategy, spec.WindowEnd = WindowTopN, end
			if t, ok := windowDedupTime(in, tvf, &spec, lim); ok {
				spec.Strategy, spec.TimeCol = WindowDeduplicate, t
			}
			r.Changelog = InsertOnly
		} else if lim == 1 && spec.Func == "ROW_NUMBER" && len(spec.Order) == 1 && !spec.Order[0].Desc && in.Columns[spec.Order[0].Col].Type.TimeAttr != types.NoTimeAttr {
			spec.Strategy = DedupFirst
			spec.TimeCol = -1
			if in.Columns[spec.Order[0].Col].Type.TimeAttr == types.RowTime {
				spec.TimeCol = spec.Order[0].Col
			}
			r.Changelog = InsertOnly
		}
	}
	r.Rank = &spec
}

// intLiteral reads an integer literal of any width.
func intLiteral(x *Expr) (int64, bool) {
	if x.Kind != Literal {
		return 0, false
	}
	switch v := x.Value.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int16:
		return int64(v), true
	case int8:
		return int64(v), true
	}
	return 0, false
}

// bindLag binds LAG(expr [, offset [, default]]) (LEAD alike): the value
// of expr offset rows (1 by default, a non-negative integer literal) before
// (after) the current row of the partition, or default (NULL by default)
// when there is no such row; the frame does not matter.
func bindLag(c *ast.FuncCall, call *AggCall, colOf func(ast.Expr) (int, *Expr, error)) error {
	fn := call.Func
	if len(c.Args) < 1 || len(c.Args) > 3 {
		return errorf(c, "%s takes one to three arguments, got %d", fn, len(c.Args))
	}
	if c.Quant == ast.QuantDistinct {
		return errorf(c, "%s does not take DISTINCT", fn)
	}
	i, x, err := colOf(c.Args[0])
	if err != nil {
		return err
	}
	call.Args = []int{i}
	call.Offset = 1
	if len(c.Args) > 1 {
		lit, ok := c.Args[1].(*ast.NumberLit)
		n, perr := strconv.ParseInt(strings.TrimSpace(astText(lit)), 10, 64)
		if !ok || perr != nil || n < 0 {
			return errorf(c.Args[1], "the offset of %s must be a non-negative integer literal", fn)
		}
		call.Offset = n
	}
	t := x.Type
	t.TimeAttr = types.NoTimeAttr
	if len(c.Args) > 2 {
		j, d, err := colOf(c.Args[2])
		if err != nil {
			return err
		}
		if d.Type.Kind != types.KindNull && !d.Type.EqualIgnoringNullability(t) {
			if ct, ok := types.CommonType(t, d.Type); !ok || !ct.EqualIgnoringNullability(t) {
				return errorf(c.Args[2], "the default of %s must have the type of its value, %s, not %s", fn, t, d.Type)
			}
		}
		call.Args = append(call.Args, j)
	}
	call.Type = t.WithNullable(true)
	return nil
}

// astText is a number literal's text.
func astText(n *ast.NumberLit) string {
	if n == nil {
		return ""
	}
	return n.Text
}
