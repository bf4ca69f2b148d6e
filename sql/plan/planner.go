package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/types"
)

// Planner plans queries and INSERTs against a catalog.
type Planner struct {
	Catalog *catalog.Catalog
	// Batch plans for batch mode: sinks that take inserts only may
	// consume updating queries (their final result is written).
	Batch bool
	// Reuse says what the planner shares (table.optimizer.reuse-*);
	// nil: Flink's defaults.
	Reuse *ReuseOptions
	// View plans a view's query to validate it (CREATE VIEW): what only a
	// query over the view can make valid is not refused (a ROW_NUMBER a
	// filter on the view makes a Top-N, checkRanks).
	View bool
}

// Planned is the outcome of planning: the logical plan as bound, and the
// physical plan after the rules.
type Planned struct {
	Logical  []*Node
	Physical *Plan
}

// PlanQuery plans a query whose result is collected (SELECT).
func (p *Planner) PlanQuery(q *ast.Query) (*Planned, error) {
	b := &binder{cat: p.Catalog, batch: p.Batch}
	n, err := b.bindQuery(q)
	if err != nil {
		return nil, err
	}
	for i := range n.Columns {
		n.Columns[i].window = windowProp{}
	}
	sink := b.node(OpSink, cloneCols(n.Columns), n)
	sink.Sink = &SinkSpec{Collect: true}
	sink.Changelog = n.Changelog
	return p.finish(b, []*Node{sink})
}

// PlanInserts plans INSERT statements as one job (a statement set).
func (p *Planner) PlanInserts(ins []*ast.Insert) (*Planned, error) {
	b := &binder{cat: p.Catalog, batch: p.Batch}
	var sinks []*Node
	for _, in := range ins {
		s, err := b.bindInsert(in)
		if err != nil {
			return nil, err
		}
		sinks = append(sinks, s)
	}
	return p.finish(b, sinks)
}

func (p *Planner) finish(b *binder, sinks []*Node) (*Planned, error) {
	if !p.View {
		if err := checkRanks(b, sinks); err != nil {
			return nil, err
		}
	}
	logical := make([]*Node, len(sinks))
	for i, s := range sinks {
		logical[i] = cloneTree(s, map[*Node]*Node{})
	}
	o := &optimizer{b: b}
	for i, s := range sinks {
		sinks[i] = o.optimize(s)
	}
	reuse := DefaultReuse
	if p.Reuse != nil {
		reuse = *p.Reuse
	}
	reusePlans(b, sinks, reuse)
	phys, err := physical(b, sinks, p.Batch)
	if err != nil {
		return nil, err
	}
	return &Planned{Logical: logical, Physical: phys}, nil
}

// cloneTree copies nodes (specs are shared: rules replace, never mutate,
// them) so the logical plan survives the rules for EXPLAIN.
func cloneTree(n *Node, seen map[*Node]*Node) *Node {
	if c := seen[n]; c != nil {
		return c
	}
	c := *n
	c.Inputs = make([]*Node, len(n.Inputs))
	for i, in := range n.Inputs {
		c.Inputs[i] = cloneTree(in, seen)
	}
	c.Columns = cloneCols(n.Columns)
	seen[n] = &c
	return &c
}

// bindInsert binds INSERT INTO table [/*+ OPTIONS(…) */] [PARTITION
// (k = v, …)] [(cols)] query. The static partition columns take their
// values from the PARTITION clause; the query gives the other columns.
func (b *binder) bindInsert(in *ast.Insert) (*Node, error) {
	t, err := b.cat.LookupTable(in.Table)
	if err != nil {
		return nil, at(in.Table, err)
	}
	if t, err = hintedTable(t, in.Hints); err != nil {
		return nil, err
	}
	static, err := b.staticPartitions(t, in.Partition)
	if err != nil {
		return nil, err
	}
	spec, err := catalog.LookupConnector(t.Connector())
	if err != nil {
		return nil, errorf(in.Table, "table %s: %v", t.Path, err)
	}
	if !spec.Sink {
		return nil, errorf(in.Table, "table %s: connector '%s' can only be read, not written", t.Path, t.Connector())
	}
	if in.Overwrite {
		// As Flink: a filesystem sink overwrites in batch mode only.
		if t.Connector() != "filesystem" {
			return nil, errorf(in, "INSERT OVERWRITE: table %s cannot be overwritten: its connector '%s' cannot replace what it holds (the filesystem connector can)", t.Path, t.Connector())
		}
		if !b.batch {
			return nil, errorf(in, "INSERT OVERWRITE runs in batch mode only (SET 'execution.runtime-mode' = 'batch'): a streaming job never ends, so it would never replace the old data")
		}
	}
	q, err := b.bindQuery(in.Query)
	if err != nil {
		return nil, err
	}
	target := t.PhysicalColumns()
	// Map the query's columns onto the target's.
	srcOf := make([]int, len(target))
	if len(in.Columns) == 0 {
		var given []catalog.Column
		for _, c := range target {
			if static[c.Name] == nil {
				given = append(given, c)
			}
		}
		if len(q.Columns) != len(given) {
			return nil, errorf(in, "column count mismatch: the query has %d columns, table %s has %d (%s)",
				len(q.Columns), t.Path, len(given), strings.Join(colNames(given), ", "))
		}
		qi := 0
		for i, c := range target {
			srcOf[i] = -1
			if static[c.Name] == nil {
				srcOf[i] = qi
				qi++
			}
		}
	} else {
		if len(in.Columns) != len(q.Columns) {
			return nil, errorf(in, "column count mismatch: %d target columns, the query has %d", len(in.Columns), len(q.Columns))
		}
		for i := range srcOf {
			srcOf[i] = -1
		}
		for qi, id := range in.Columns {
			found := false
			for ti, c := range target {
				if c.Name == id.Name {
					if srcOf[ti] >= 0 || static[c.Name] != nil {
						return nil, errorf(id, "column '%s' is given twice", id.Name)
					}
					srcOf[ti], found = qi, true
				}
			}
			if !found {
				return nil, errorf(id, "column '%s' not found in table %s%s", id.Name, t.Path, didYouMean(id.Name, colNames(target)))
			}
		}
	}
	projects := make([]*Expr, len(target))
	cols := make([]Column, len(target))
	for i, c := range target {
		cols[i] = Column{Name: c.Name, Type: c.Type}
		if x := static[c.Name]; x != nil {
			projects[i] = x
			continue
		}
		if srcOf[i] < 0 {
			if !c.Type.IsNullable() {
				return nil, errorf(in, "column '%s' of table %s is NOT NULL and not given", c.Name, t.Path)
			}
			projects[i] = NewLit(c.Type, nil)
			continue
		}
		src := NewCol(srcOf[i], q.Columns[srcOf[i]].Type)
		st := src.Type
		st.TimeAttr = types.NoTimeAttr
		if st.EqualIgnoringNullability(c.Type) {
			projects[i] = src
			continue
		}
		if types.CastSupport(st, c.Type) == types.CastNone {
			return nil, errorf(in, "incompatible types for sink column '%s' at position %d: query type %s, sink type %s",
				c.Name, i, st, c.Type)
		}
		projects[i] = NewCast(src, c.Type.WithNullable(st.IsNullable()), false)
	}
	n := b.calc(q, projects, nil, cols)
	sink := b.node(OpSink, cloneCols(cols), n)
	sink.Sink = &SinkSpec{Table: t.Path.String(), Connector: t.Connector(), Options: t.Options, PartitionKeys: t.PartitionKeys, Overwrite: in.Overwrite}
	if in.Overwrite && len(t.PartitionKeys) > 0 && len(static) == len(t.PartitionKeys) {
		for _, k := range t.PartitionKeys {
			sink.Sink.StaticPartition = append(sink.Sink.StaticPartition, static[k])
		}
	}
	sink.Changelog = n.Changelog
	return sink, nil
}

func colNames(cs []catalog.Column) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

// physical makes exchanges explicit and checks what sinks accept.
func physical(b *binder, sinks []*Node, batch bool) (*Plan, error) {
	done := map[*Node]bool{}
	var visit func(n *Node) error
	visit = func(n *Node) error {
		if done[n] {
			return nil
		}
		done[n] = true
		for _, in := range n.Inputs {
			if err := visit(in); err != nil {
				return err
			}
		}
		exchange := func(in *Node, keys []int) *Node {
			e := b.node(OpExchange, cloneCols(in.Columns), in)
			e.Exchange = &ExchangeSpec{Keys: keys}
			e.Changelog = in.Changelog
			done[e] = true
			return e
		}
		switch n.Op {
		case OpAggregate, OpWindowAggregate, OpSessionAggregate:
			n.Inputs[0] = exchange(n.Inputs[0], n.Agg.Keys)
		case OpJoin:
			if n.Join.Lookup != nil {
				// The left's rows probe the table where they are; the
				// table is read by the join, not streamed.
				break
			}
			n.Inputs[0] = exchange(n.Inputs[0], n.Join.LeftKeys)
			n.Inputs[1] = exchange(n.Inputs[1], n.Join.RightKeys)
		case OpLimit, OpSort:
			n.Inputs[0] = exchange(n.Inputs[0], nil)
		case OpRank:
			n.Inputs[0] = exchange(n.Inputs[0], n.Rank.Partition)
		case OpOverAggregate:
			n.Inputs[0] = exchange(n.Inputs[0], n.Over.Partition)
		case OpMatch:
			n.Inputs[0] = exchange(n.Inputs[0], n.Match.Partition)
		case OpSetOp:
			all := make([]int, len(n.Columns))
			for i := range all {
				all[i] = i
			}
			n.Inputs[0] = exchange(n.Inputs[0], all)
			n.Inputs[1] = exchange(n.Inputs[1], all)
		case OpSink:
			in := n.Inputs[0]
			if !batch && !n.Sink.Collect && !in.Changelog.IsInsertOnly() && !acceptsUpdates(n.Sink.Connector) {
				return fmt.Errorf("table sink %s doesn't support consuming update changes which is produced by node %s)",
					n.Sink.Table, describe(producer(in)))
			}
		}
		return nil
	}
	for _, s := range sinks {
		if err := visit(s); err != nil {
			return nil, err
		}
	}
	return &Plan{Sinks: sinks}, nil
}

// acceptsUpdates reports whether a connector's sink consumes changelogs.
func acceptsUpdates(connector string) bool {
	return connector == "print" || connector == "blackhole"
}

// producer finds the node that makes a stream updating.
func producer(n *Node) *Node {
	for n.Op == OpCalc || n.Op == OpExchange || n.Op == OpUnion {
		next := n.Inputs[0]
		for _, in := range n.Inputs {
			if !in.Changelog.IsInsertOnly() {
				next = in
			}
		}
		n = next
	}
	return n
}

// staticPartitions binds an INSERT's PARTITION (k = v, …): constants of the
// table's partition columns, by column name.
func (b *binder) staticPartitions(t *catalog.Table, parts []*ast.PartitionValue) (map[string]*Expr, error) {
	static := map[string]*Expr{}
	for _, p := range parts {
		name := p.Column.Name
		if !slices.Contains(t.PartitionKeys, name) {
			if len(t.PartitionKeys) == 0 {
				return nil, errorf(p, "table %s is not partitioned (no PARTITIONED BY)", t.Path)
			}
			return nil, errorf(p, "'%s' is not a partition column of table %s (partition columns: %s)", name, t.Path, strings.Join(t.PartitionKeys, ", "))
		}
		if static[name] != nil {
			return nil, errorf(p, "partition column '%s' is given twice", name)
		}
		ctx := &exprCtx{b: b, scope: &scope{}, noAgg: "in a PARTITION clause"}
		x, err := ctx.bind(p.Value)
		if err != nil {
			return nil, err
		}
		if x.Kind != Literal {
			return nil, errorf(p.Value, "the value of partition column '%s' must be a literal", name)
		}
		col := t.Column(name)
		if !x.Type.EqualIgnoringNullability(col.Type) {
			if types.CastSupport(x.Type, col.Type) == types.CastNone {
				return nil, errorf(p.Value, "partition column '%s' is %s, the value is %s", name, col.Type, x.Type)
			}
			x = NewCast(x, col.Type, false)
		}
		static[name] = x
	}
	return static, nil
}
