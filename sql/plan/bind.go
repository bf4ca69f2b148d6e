package plan

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/types"
)

// maxViewDepth bounds view expansion (views of views), so a cycle is an
// error, not a stack overflow.
const maxViewDepth = 32

// binder turns syntax into a logical plan.
type binder struct {
	cat    *catalog.Catalog
	nextID int
	ctes   []map[string]*ast.CTE
	depth  int
	// batch binds for batch mode (ORDER BY on any column).
	batch bool
	// joinOf are the join nodes of FROM's joins (for STATE_TTL).
	joinOf map[*ast.Join]*Node
}

func (b *binder) node(op Op, cols []Column, inputs ...*Node) *Node {
	b.nextID++
	return &Node{ID: b.nextID, Op: op, Columns: cols, Inputs: inputs}
}

// bindQuery binds a query expression.
func (b *binder) bindQuery(q *ast.Query) (*Node, error) {
	if q.With != nil {
		if q.With.Recursive {
			return nil, errorf(q.With, "WITH RECURSIVE is not supported")
		}
		m := map[string]*ast.CTE{}
		for _, c := range q.With.CTEs {
			m[c.Name.Name] = c
		}
		b.ctes = append(b.ctes, m)
		defer func() { b.ctes = b.ctes[:len(b.ctes)-1] }()
	}
	n, err := b.bindBody(q.Body)
	if err != nil {
		return nil, err
	}
	if len(q.OrderBy) > 0 {
		return b.bindOrderBy(q, n)
	}
	if q.Limit != nil || q.Offset != nil {
		spec := &LimitSpec{Fetch: -1}
		if q.Limit != nil {
			if spec.Fetch, err = constInt(q.Limit, "LIMIT"); err != nil {
				return nil, err
			}
		}
		if q.Offset != nil {
			if spec.Offset, err = constInt(q.Offset, "OFFSET"); err != nil {
				return nil, err
			}
		}
		if !n.Changelog.IsInsertOnly() {
			return nil, errorf(q.Limit, "LIMIT over an updating query is not supported yet")
		}
		l := b.node(OpLimit, cloneCols(n.Columns), n)
		l.Limit = spec
		n = l
	}
	return n, nil
}

func constInt(e ast.Expr, what string) (int64, error) {
	if n, ok := e.(*ast.NumberLit); ok && n.Kind == ast.IntegerNumber {
		var v int64
		if _, err := fmt.Sscan(n.Text, &v); err == nil && v >= 0 {
			return v, nil
		}
	}
	return 0, errorf(e, "%s must be a non-negative integer literal", what)
}

func cloneCols(cs []Column) []Column { return append([]Column(nil), cs...) }

func (b *binder) bindBody(body ast.QueryBody) (*Node, error) {
	switch body := body.(type) {
	case *ast.Select:
		return b.bindSelect(body)
	case *ast.Query:
		return b.bindQuery(body)
	case *ast.Values:
		return b.bindValues(body)
	case *ast.SetOp:
		return b.bindSetOp(body)
	}
	return nil, errorf(body, "unsupported query")
}

func (b *binder) bindSetOp(s *ast.SetOp) (*Node, error) {
	l, err := b.bindBody(s.L)
	if err != nil {
		return nil, err
	}
	r, err := b.bindBody(s.R)
	if err != nil {
		return nil, err
	}
	if len(l.Columns) != len(r.Columns) {
		return nil, errorf(s, "%s inputs have %d and %d columns", s.Op, len(l.Columns), len(r.Columns))
	}
	cols := cloneCols(l.Columns)
	for i := range cols {
		t, ok := types.CommonType(l.Columns[i].Type, r.Columns[i].Type)
		if !ok {
			return nil, errorf(s, "%s column %d: no common type of %s and %s", s.Op, i+1, l.Columns[i].Type, r.Columns[i].Type)
		}
		cols[i].Type, cols[i].window = t, windowProp{}
	}
	if l, err = b.coerce(s, l, cols); err != nil {
		return nil, err
	}
	if r, err = b.coerce(s, r, cols); err != nil {
		return nil, err
	}
	if s.Op != ast.Union {
		return b.intersectExcept(s, l, r, cols), nil
	}
	u := b.node(OpUnion, cols, l, r)
	u.Changelog = max(l.Changelog, r.Changelog)
	if s.All {
		return u, nil
	}
	return b.distinct(u), nil
}

// coerce casts n's columns to the types of cols where they differ.
func (b *binder) coerce(at ast.Node, n *Node, cols []Column) (*Node, error) {
	same := true
	projects := make([]*Expr, len(cols))
	for i, c := range cols {
		src := NewCol(i, n.Columns[i].Type)
		if n.Columns[i].Type.EqualIgnoringNullability(c.Type) || n.Columns[i].Type.Kind == types.KindNull && false {
			projects[i] = src
			continue
		}
		same = false
		x, err := castTo(at, src, c.Type, false)
		if err != nil {
			return nil, err
		}
		projects[i] = x
	}
	if same {
		return n, nil
	}
	out := make([]Column, len(cols))
	for i := range cols {
		out[i] = Column{Name: n.Columns[i].Name, Type: projects[i].Type}
	}
	return b.calc(n, projects, nil, out), nil
}

// calc adds a Calc over in.
func (b *binder) calc(in *Node, projects []*Expr, filter *Expr, cols []Column) *Node {
	c := b.node(OpCalc, cols, in)
	c.Calc = &CalcSpec{Projects: projects, Filter: filter}
	c.Changelog = in.Changelog
	return c
}

// distinct groups by every column.
func (b *binder) distinct(in *Node) *Node {
	keys := make([]int, len(in.Columns))
	for i := range keys {
		keys[i] = i
	}
	cols := cloneCols(in.Columns)
	for i := range cols {
		cols[i].Type.TimeAttr = types.NoTimeAttr
	}
	a := b.node(OpAggregate, cols, in)
	a.Agg = &AggSpec{Keys: keys, WindowStart: -1, WindowEnd: -1, TimeCol: -1}
	a.Changelog = aggChangelog(in)
	return a
}

func aggChangelog(in *Node) Changelog {
	if in.Changelog.IsInsertOnly() {
		return Updates
	}
	return UpdatesAndDeletes
}

func (b *binder) bindValues(v *ast.Values) (*Node, error) {
	if len(v.Rows) == 0 {
		return nil, errorf(v, "VALUES needs at least one row")
	}
	ctx := &exprCtx{b: b, scope: &scope{}, noAgg: "in VALUES"}
	var rows [][]*Expr
	width := -1
	for _, r := range v.Rows {
		row, err := ctx.bindAll(r.Fields)
		if err != nil {
			return nil, err
		}
		if width >= 0 && len(row) != width {
			return nil, errorf(r, "VALUES rows have %d and %d columns", width, len(row))
		}
		width = len(row)
		for _, x := range row {
			if !x.IsConst() {
				return nil, errorf(r, "VALUES holds constant expressions only")
			}
		}
		rows = append(rows, row)
	}
	cols := make([]Column, width)
	for i := range cols {
		ts := make([]types.Type, len(rows))
		for j, r := range rows {
			ts[j] = r[i].Type
		}
		t, ok := types.CommonType(ts...)
		if !ok {
			allNull := true
			for _, x := range ts {
				allNull = allNull && x.Kind == types.KindNull
			}
			if !allNull {
				return nil, errorf(v, "VALUES column %d: no common type of %v", i+1, ts)
			}
			t = types.Null()
		}
		cols[i] = Column{Name: "EXPR$" + itoa(i), Type: t}
		for _, r := range rows {
			if !r[i].Type.EqualIgnoringNullability(t) {
				x, err := castTo(v, r[i], t, false)
				if err != nil {
					return nil, err
				}
				r[i] = x
			}
		}
	}
	n := b.node(OpValues, cols)
	n.Values = rows
	return n, nil
}

// bindFrom binds a FROM item and returns its node and scope.
func (b *binder) bindFrom(ref ast.TableRef) (*Node, *scope, error) {
	switch ref := ref.(type) {
	case *ast.TableName:
		if ref.SystemTime != nil {
			return nil, nil, errorf(ref.SystemTime, "FOR SYSTEM_TIME AS OF (temporal joins) is not supported yet")
		}
		n, err := b.bindHintedTableName(ref.Name, ref.Hints)
		if err != nil {
			return nil, nil, err
		}
		return b.alias(n, ref.Name.Last().Name, ref.Alias)
	case *ast.DerivedTable:
		if ref.Lateral {
			return nil, nil, errorf(ref, "LATERAL (subquery) needs a table to its left to refer to: FROM t, LATERAL (…) or t JOIN LATERAL (…) ON …")
		}
		n, err := b.bindQuery(ref.Query)
		if err != nil {
			return nil, nil, err
		}
		return b.alias(n, "", ref.Alias)
	case *ast.TableFunc:
		n, err := b.bindTableFunc(ref)
		if err != nil {
			return nil, nil, err
		}
		return b.alias(n, "", ref.Alias)
	case *ast.Join:
		n, sc, err := b.bindJoin(ref)
		j := n
		if err == nil && j.Op == OpCalc && (ref.Natural || len(ref.Using) > 0) {
			j = j.Inputs[0] // under the merged USING columns
		}
		if err == nil && j.Op == OpJoin {
			if b.joinOf == nil {
				b.joinOf = map[*ast.Join]*Node{}
			}
			b.joinOf[ref] = j
		}
		return n, sc, err
	case *ast.MatchRecognize:
		n, err := b.bindMatch(ref) // bind_match.go
		if err != nil {
			return nil, nil, err
		}
		return b.alias(n, "", ref.Alias)
	case *ast.Unnest:
		return nil, nil, errorf(ref, "UNNEST is not supported yet")
	}
	return nil, nil, errorf(ref, "unsupported FROM item")
}

// alias applies [AS] name [(cols)] to a FROM item.
func (b *binder) alias(n *Node, qual string, a *ast.TableAlias) (*Node, *scope, error) {
	if a != nil {
		qual = a.Name.Name
		if len(a.Columns) > 0 {
			if len(a.Columns) != len(n.Columns) {
				return nil, nil, errorf(a, "alias '%s' names %d columns, the table has %d", qual, len(a.Columns), len(n.Columns))
			}
			projects := make([]*Expr, len(n.Columns))
			cols := cloneCols(n.Columns)
			for i := range cols {
				projects[i] = NewCol(i, cols[i].Type)
				cols[i].Name = a.Columns[i].Name
			}
			n = b.calc(n, projects, nil, cols)
		}
	}
	return n, scopeOf(n, qual), nil
}

func (b *binder) lookupCTE(name *ast.ObjectName) *ast.CTE {
	if len(name.Parts) != 1 {
		return nil
	}
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if c := b.ctes[i][name.Parts[0].Name]; c != nil {
			return c
		}
	}
	return nil
}

// bindTableName binds a table, view or CTE.
func (b *binder) bindTableName(name *ast.ObjectName) (*Node, error) {
	return b.bindHintedTableName(name, nil)
}

// bindHintedTableName binds a table, view or CTE name with the table's
// hints (OPTIONS), which apply to tables only.
func (b *binder) bindHintedTableName(name *ast.ObjectName, hints []*ast.Hint) (*Node, error) {
	cte := b.lookupCTE(name)
	t, v, err := b.cat.Lookup(name)
	if cte == nil && err != nil {
		return nil, at(name, err)
	}
	if len(hints) > 0 && (cte != nil || v != nil) {
		return nil, errorf(hints[0], "'%s' is a view: hints apply to tables only", ast.Format(name))
	}
	if cte != nil {
		return b.expandQuery(name, cte.Query, cte.Columns)
	}
	if t, err = hintedTable(t, hints); err != nil {
		return nil, err
	}
	if v != nil {
		var cols []*ast.Ident
		for _, c := range v.Columns {
			cols = append(cols, &ast.Ident{Name: c})
		}
		defer b.cat.Within(v.Scope)()
		return b.expandQuery(name, v.Query, cols)
	}
	return b.scanTable(name, t)
}

func (b *binder) expandQuery(at ast.Node, q *ast.Query, names []*ast.Ident) (*Node, error) {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > maxViewDepth {
		return nil, errorf(at, "views nested more than %d deep (a view that refers to itself?)", maxViewDepth)
	}
	saved := b.ctes
	b.ctes = nil
	n, err := b.bindQuery(q)
	b.ctes = saved
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		if len(names) != len(n.Columns) {
			return nil, errorf(at, "'%s' names %d columns, its query has %d", ast.Format(at), len(names), len(n.Columns))
		}
		projects := make([]*Expr, len(n.Columns))
		cols := cloneCols(n.Columns)
		for i := range cols {
			projects[i] = NewCol(i, cols[i].Type)
			cols[i].Name = names[i].Name
		}
		n = b.calc(n, projects, nil, cols)
	}
	return n, nil
}

// scanTable reads a catalog table: a Scan of its physical columns with its
// computed columns and watermark, and a Calc putting the columns in the
// declared order.
func (b *binder) scanTable(name *ast.ObjectName, t *catalog.Table) (*Node, error) {
	spec := &ScanSpec{Table: t.Path.String(), Connector: t.Connector(), Options: t.Options, WatermarkCol: -1, PartitionKeys: t.PartitionKeys}
	phys := map[string]int{}
	sc := &scope{}
	for _, c := range t.Columns {
		switch c.Kind {
		case catalog.Physical:
			phys[c.Name] = len(spec.Physical)
			spec.Paths = append(spec.Paths, []int{len(spec.Physical)})
			spec.PathTypes = append(spec.PathTypes, c.Type)
			spec.Physical = append(spec.Physical, Column{Name: c.Name, Type: c.Type})
			sc.cols = append(sc.cols, scopeCol{name: c.Name, typ: c.Type})
		case catalog.Metadata:
			cs, err := catalog.LookupConnector(t.Connector())
			if err != nil {
				return nil, errorf(name, "table %s: %v", t.Path, err)
			}
			mt, ok := cs.Metadata[c.MetadataKey]
			if !ok {
				return nil, errorf(name, "table %s: connector '%s' has no metadata key '%s'", t.Path, t.Connector(), c.MetadataKey)
			}
			for len(spec.MetadataKeys) < len(spec.Physical) {
				spec.MetadataKeys = append(spec.MetadataKeys, "")
			}
			spec.MetadataKeys = append(spec.MetadataKeys, c.MetadataKey)
			phys[c.Name] = len(spec.Physical)
			spec.Paths = append(spec.Paths, []int{len(spec.Physical)})
			spec.PathTypes = append(spec.PathTypes, mt)
			spec.Physical = append(spec.Physical, Column{Name: c.Name, Type: mt})
			sc.cols = append(sc.cols, scopeCol{name: c.Name, typ: mt})
		}
	}
	for len(spec.MetadataKeys) > 0 && len(spec.MetadataKeys) < len(spec.Physical) {
		spec.MetadataKeys = append(spec.MetadataKeys, "")
	}
	internal := cloneCols(spec.Physical)
	ctx := &exprCtx{b: b, scope: sc, noAgg: "in a computed column"}
	pos := map[string]int{}
	for n, i := range phys {
		pos[n] = i
	}
	for _, c := range t.Columns {
		if c.Kind != catalog.Computed {
			continue
		}
		x, err := ctx.bind(c.Expr)
		if err != nil {
			return nil, fmt.Errorf("table %s, computed column '%s': %w", t.Path, c.Name, err)
		}
		pos[c.Name] = len(internal)
		spec.Computed = append(spec.Computed, x)
		internal = append(internal, Column{Name: c.Name, Type: x.Type})
	}
	if t.Watermark != nil {
		i := pos[t.Watermark.Column]
		wsc := &scope{}
		for _, c := range internal {
			wsc.cols = append(wsc.cols, scopeCol{name: c.Name, typ: c.Type})
		}
		wctx := &exprCtx{b: b, scope: wsc, noAgg: "in a watermark"}
		w, err := wctx.bind(t.Watermark.Expr)
		if err != nil {
			return nil, fmt.Errorf("table %s, watermark: %w", t.Path, err)
		}
		if err := checkRowtimeType(t, t.Watermark.Column, internal[i].Type); err != nil {
			return nil, err
		}
		if !w.Type.IsTimestamp() {
			return nil, fmt.Errorf("table %s: the watermark expression must be a TIMESTAMP(3) or TIMESTAMP_LTZ(3), got %s", t.Path, w.Type)
		}
		spec.Watermark, spec.WatermarkCol = w, i
		internal[i].Type.TimeAttr = types.RowTime
	}
	for i, x := range spec.Computed {
		if x.Type.TimeAttr == types.ProcTime {
			internal[len(spec.Physical)+i].Type.TimeAttr = types.ProcTime
		}
	}
	spec.Output = make([]int, len(internal))
	for i := range spec.Output {
		spec.Output[i] = i
	}
	bounded, err := sourceBounded(t)
	if err != nil {
		return nil, err
	}
	spec.Bounded = bounded
	scan := b.node(OpScan, internal)
	scan.Scan = spec
	// Declared order.
	projects := make([]*Expr, len(t.Columns))
	cols := make([]Column, len(t.Columns))
	identity := true
	for i, c := range t.Columns {
		j := pos[c.Name]
		identity = identity && i == j
		projects[i] = NewCol(j, internal[j].Type)
		cols[i] = internal[j]
		if c.Kind == catalog.Metadata && !internal[j].Type.EqualIgnoringNullability(c.Type) {
			// The declared type, cast from the key's.
			projects[i] = NewCast(projects[i], c.Type, false)
			cols[i].Type = c.Type
			identity = false
		}
	}
	if identity {
		return scan, nil
	}
	return b.calc(scan, projects, nil, cols), nil
}

func checkRowtimeType(t *catalog.Table, col string, typ types.Type) error {
	if !typ.IsTimestamp() || typ.Precision > 3 {
		return fmt.Errorf("table %s: the rowtime attribute '%s' must be of type TIMESTAMP(3) or TIMESTAMP_LTZ(3), got %s", t.Path, col, typ)
	}
	return nil
}

// sourceBounded reports whether a table's source ends, by connector.
func sourceBounded(t *catalog.Table) (bool, error) {
	o := t.Options
	switch t.Connector() {
	case "datagen":
		if n := o["number-of-rows"]; n != "" {
			return true, nil
		}
		for k, v := range o {
			if strings.HasSuffix(k, ".kind") && strings.EqualFold(v, "sequence") {
				return true, nil
			}
		}
		return false, nil
	case "nexmark":
		n := o["events.num"]
		return n != "" && n != "0", nil
	case "filesystem":
		d, err := catalog.ParseDuration(cmp.Or(o["source.monitor-interval"], "0"))
		return err != nil || d == 0, nil
	}
	return false, nil
}

// ResolveTable derives the types of a new table's computed columns and
// checks its watermark, as Flink validates a table when it is created.
func ResolveTable(cat *catalog.Catalog, t *catalog.Table) error {
	b := &binder{cat: cat}
	n, err := b.scanTable(&ast.ObjectName{Parts: []*ast.Ident{{Name: t.Path.Object}}}, t)
	if err != nil {
		return err
	}
	for i := range t.Columns {
		t.Columns[i].Type = n.Columns[i].Type
		t.Columns[i].Type.TimeAttr = types.NoTimeAttr
	}
	return nil
}

// TableSchema returns the columns of a table as a query sees them (time
// attributes marked), for DESCRIBE.
func TableSchema(cat *catalog.Catalog, t *catalog.Table) ([]Column, error) {
	b := &binder{cat: cat}
	n, err := b.scanTable(&ast.ObjectName{Parts: []*ast.Ident{{Name: t.Path.Object}}}, t)
	if err != nil {
		return nil, err
	}
	return n.Columns, nil
}
