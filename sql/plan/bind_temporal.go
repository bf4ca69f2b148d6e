package plan

import (
	"strings"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/types"
)

// temporal makes join n (of l and r, bound) a temporal join: r is read
// FOR SYSTEM_TIME AS OF asOf, a time attribute of l. As Flink requires,
// r must be a versioned table (a primary key, and for event time a
// rowtime attribute), the ON condition must equate the primary key with
// the left, and the join must be INNER or LEFT. The output appends
// (each left row joins once) and keeps the left's time attributes.
func (b *binder) temporal(j *ast.Join, asOf ast.Expr, n, l, r *Node, ls, sc *scope) error {
	kind := n.Join.Kind
	if kind != InnerJoin && kind != LeftJoin {
		return errorf(j, "temporal joins support INNER and LEFT joins only, not %s", j.Kind)
	}
	ctx := &exprCtx{b: b, scope: ls, noAgg: "in FOR SYSTEM_TIME AS OF"}
	x, err := ctx.bind(asOf)
	if err != nil {
		return err
	}
	if x.Kind != ColRef || x.Type.TimeAttr == types.NoTimeAttr {
		return errorf(asOf, "FOR SYSTEM_TIME AS OF needs a time attribute of the left table (its rowtime or a PROCTIME() column), got %s", ast.Format(asOf))
	}
	if !l.Changelog.IsInsertOnly() {
		return errorf(j, "the left input of a temporal join must be insert-only")
	}
	tj := &TemporalJoin{LeftTime: x.Index, RightTime: r.RowtimeIndex(), ProcTime: x.Type.TimeAttr == types.ProcTime}
	tn := j.R.(*ast.TableName)
	if b.lookupCTE(tn.Name) != nil {
		return errorf(tn, "FOR SYSTEM_TIME AS OF needs a table with a primary key, not a CTE")
	}
	t, _, err := b.cat.Lookup(tn.Name)
	if err != nil {
		return at(tn.Name, err)
	}
	if tj.ProcTime && lookupConnector(t) {
		return b.lookup(j, n, l, t, tn, x.Index, sc)
	}
	var pk []string
	if t != nil {
		pk = t.PrimaryKey
	} else {
		// A view: versioned when it keeps the last row per key by the
		// rowtime; the join then reads the rows it deduplicates.
		base, keys, ok := b.versionedView(r)
		if !ok {
			return errorf(tn, "'%s' is a view that is not versioned: a temporal join needs a table with a primary key, or a view of the last row per key, "+
				"SELECT … FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime DESC) AS rn FROM t) WHERE rn = 1", tn.Name.Last().Name)
		}
		n.Inputs[1], r, pk = base, base, keys
		tj.RightTime = base.RowtimeIndex()
	}
	if len(pk) == 0 {
		return errorf(tn, "temporal table join requires a primary key on the versioned table '%s'", tn.Name.Last().Name)
	}
	if !tj.ProcTime && tj.RightTime < 0 {
		return errorf(tn, "event-time temporal join requires a rowtime attribute (a WATERMARK) on the versioned table '%s'", tn.Name.Last().Name)
	}
	if n.Join.Condition == nil {
		return errorf(j, "temporal table join requires an equality condition on the primary key of '%s'", tn.Name.Last().Name)
	}
	// Every primary key column must be equated with the left.
	nl := len(l.Columns)
	keyed := map[string]bool{}
	for _, c := range conjuncts(n.Join.Condition) {
		if c.Kind != Call || c.Func != "=" || c.Args[0].Kind != ColRef || c.Args[1].Kind != ColRef {
			continue
		}
		a, bb := c.Args[0].Index, c.Args[1].Index
		if a >= nl {
			a, bb = bb, a
		}
		if a < nl && bb >= nl {
			keyed[r.Columns[bb-nl].Name] = true
		}
	}
	for _, k := range pk {
		if !keyed[k] {
			return errorf(j, "temporal table join requires an equality condition on the primary key column '%s' of '%s' (primary key %s)",
				k, tn.Name.Last().Name, strings.Join(pk, ", "))
		}
	}
	n.Join.Temporal = tj
	n.Changelog = InsertOnly
	for i := range nl {
		if t := l.Columns[i].Type.TimeAttr; t != types.NoTimeAttr {
			n.Columns[i].Type.TimeAttr = t
			sc.cols[i].typ.TimeAttr = t
		}
	}
	return nil
}

// lookupConnector reports whether a table's connector can look rows up:
// the filesystem connector, whose bounded files the join reads into memory
// (as Flink's filesystem lookup function does for Hive tables).
func lookupConnector(t *catalog.Table) bool {
	return t != nil && t.Connector() == "filesystem"
}

// lookupCacheTTL is the filesystem lookup join's reload interval, Flink's
// lookup.join.cache.ttl.
const lookupCacheTTL = 60 * time.Minute

// lookup makes temporal join n a lookup join with table t: no primary key
// is needed, but the condition must equate a column of t with an
// expression of the left.
func (b *binder) lookup(j *ast.Join, n, l *Node, t *catalog.Table, tn *ast.TableName, leftTime int, sc *scope) error {
	nl := len(l.Columns)
	keyed := false
	for _, c := range conjuncts(n.Join.Condition) {
		if _, _, ok := lookupKey(c, nl); ok {
			keyed = true
		}
	}
	if !keyed {
		return errorf(j, "lookup join with '%s' requires an equality condition between a column of '%s' and an expression of the left input",
			tn.Name.Last().Name, tn.Name.Last().Name)
	}
	ttl := lookupCacheTTL
	if v := t.Options["lookup.join.cache.ttl"]; v != "" {
		d, err := catalog.ParseDuration(v)
		if err != nil || d <= 0 {
			return errorf(tn, "table '%s': option 'lookup.join.cache.ttl' must be a positive duration, got '%s'", tn.Name.Last().Name, v)
		}
		ttl = d
	}
	n.Join.Lookup = &LookupJoin{LeftTime: leftTime, CacheTTLMillis: ttl.Milliseconds()}
	n.Changelog = InsertOnly
	for i := range nl {
		if t := l.Columns[i].Type.TimeAttr; t != types.NoTimeAttr {
			n.Columns[i].Type.TimeAttr = t
			sc.cols[i].typ.TimeAttr = t
		}
	}
	for i := nl; i < len(n.Columns); i++ {
		// The table's rows are looked up, not streamed: no time
		// attributes come from it.
		n.Columns[i].Type.TimeAttr = types.NoTimeAttr
		sc.cols[i].typ.TimeAttr = types.NoTimeAttr
	}
	return nil
}

// lookupKey reports whether conjunct c (over a join's left ++ right
// columns, nl of them on the left) equates an expression of the left with
// a column of the right, and returns both.
func lookupKey(c *Expr, nl int) (left *Expr, right int, ok bool) {
	if c.Kind != Call || c.Func != "=" {
		return nil, 0, false
	}
	for _, k := range [][2]int{{0, 1}, {1, 0}} {
		a, rc := c.Args[k[0]], c.Args[k[1]]
		if rc.Kind != ColRef || rc.Index < nl {
			continue
		}
		leftOnly := true
		for i := range a.Cols(nil) {
			if i >= nl {
				leftOnly = false
			}
		}
		if leftOnly && a.IsDeterministic() {
			return a, rc.Index - nl, true
		}
	}
	return nil, 0, false
}

// LookupKeys returns the probe of lookup join j (nl left columns): the left
// expressions and the right columns they equal.
func LookupKeys(j *JoinSpec, leftTypes []types.Type, nl int) (left []*Expr, right []int) {
	for i, k := range j.LeftKeys {
		left = append(left, NewCol(k, leftTypes[k]))
		right = append(right, j.RightKeys[i])
	}
	if j.Condition != nil {
		for _, c := range conjuncts(j.Condition) {
			if a, rc, ok := lookupKey(c, nl); ok {
				left, right = append(left, a), append(right, rc)
			}
		}
	}
	return left, right
}

// versionedView recognizes a versioned view, as Flink does: projections
// over the last row per key by the rowtime (ROW_NUMBER() OVER (PARTITION
// BY keys ORDER BY rowtime DESC) = 1 over an insert-only input). It
// returns the view's rows before the deduplication (the versions, with
// their rowtime) in the view's columns, and the names of the key columns:
// the view's primary key.
func (b *binder) versionedView(r *Node) (*Node, []string, bool) {
	var calcs []*Node // from r down
	cur := r
	for cur.Op == OpCalc {
		calcs = append(calcs, cur)
		cur = cur.Inputs[0]
	}
	if cur.Op != OpRank || cur.Rank == nil {
		return nil, nil, false
	}
	rank, in := cur.Rank, cur.Inputs[0]
	rn := len(cur.Columns) - 1
	if rank.Func != "ROW_NUMBER" || rank.Limit != 1 || len(rank.Order) != 1 || !rank.Order[0].Desc ||
		!in.Changelog.IsInsertOnly() || in.Columns[rank.Order[0].Col].Type.TimeAttr != types.RowTime {
		return nil, nil, false
	}
	// down follows column col of calcs[k]'s input down to the Rank's
	// output (-1 through a computed column).
	down := func(k, col int) int {
		for m := k + 1; m < len(calcs); m++ {
			p := calcs[m].Calc.Projects[col]
			if p.Kind != ColRef {
				return -1
			}
			col = p.Index
		}
		return col
	}
	for k, c := range calcs {
		// The only filter allowed is the one on the row number, which the
		// Rank applies.
		if c.Calc.Filter != nil {
			for col := range c.Calc.Filter.Cols(nil) {
				if down(k, col) != rn {
					return nil, nil, false
				}
			}
		}
	}
	projects := make([]*Expr, len(r.Columns))
	cols := cloneCols(r.Columns)
	var keys []string
	hasTime := false
	for i := range r.Columns {
		s := i
		if len(calcs) > 0 {
			p := calcs[0].Calc.Projects[i]
			if p.Kind != ColRef {
				return nil, nil, false
			}
			s = down(0, p.Index)
		}
		if s < 0 || s == rn {
			return nil, nil, false
		}
		projects[i] = NewCol(s, in.Columns[s].Type)
		cols[i].Type = in.Columns[s].Type
		if contains(intStrings(rank.Partition), itoa(s)) {
			keys = append(keys, r.Columns[i].Name)
		}
		hasTime = hasTime || s == rank.Order[0].Col
	}
	if len(keys) != len(rank.Partition) || !hasTime {
		return nil, nil, false
	}
	return b.calc(in, projects, nil, cols), keys, true
}

func intStrings(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = itoa(x)
	}
	return out
}
