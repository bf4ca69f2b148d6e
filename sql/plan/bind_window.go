package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// windowTVF appends window_start, window_end and window_time to in.
func (b *binder) windowTVF(at ast.Node, in *Node, spec *WindowSpec) (*Node, error) {
	if !in.Changelog.IsInsertOnly() {
		return nil, errorf(at, "window table function %s does not support consuming update and delete changes", spec.Kind)
	}
	switch spec.Kind {
	case Session:
		if spec.Gap <= 0 {
			return nil, errorf(at, "SESSION window gap must be positive")
		}
	case Hop:
		if spec.Step <= 0 || spec.Size%spec.Step != 0 {
			return nil, errorf(at, "HOP window size (%d ms) must be an integral multiple of its slide (%d ms)", spec.Size, spec.Step)
		}
	case Cumulate:
		if spec.Step <= 0 || spec.Size%spec.Step != 0 {
			return nil, errorf(at, "CUMULATE window max size (%d ms) must be an integral multiple of its step (%d ms)", spec.Size, spec.Step)
		}
	}
	if spec.Size <= 0 && spec.Kind != Session {
		return nil, errorf(at, "window size must be positive")
	}
	timeType := in.Columns[spec.TimeCol].Type
	cols := cloneCols(in.Columns)
	cols[spec.TimeCol].Type.TimeAttr = types.NoTimeAttr
	for i := range cols {
		cols[i].window = windowProp{}
	}
	n := b.node(OpWindowTVF, nil, in)
	wt := types.Timestamp(3).NotNullable()
	if timeType.Kind == types.KindTimestampLTZ {
		wt = types.TimestampLTZ(3).NotNullable()
	}
	rt := wt
	rt.TimeAttr = types.RowTime
	if spec.ProcTime {
		rt.TimeAttr = types.ProcTime
	}
	cols = append(cols,
		Column{Name: "window_start", Type: types.Timestamp(3).NotNullable(), window: windowProp{"window_start", n}},
		Column{Name: "window_end", Type: types.Timestamp(3).NotNullable(), window: windowProp{"window_end", n}},
		Column{Name: "window_time", Type: rt, window: windowProp{"window_time", n}})
	n.Columns = cols
	n.Window = spec
	n.Changelog = InsertOnly
	return n, nil
}

// bindTableFunc binds a FROM TABLE(fn(...)): the window table functions
// TUMBLE, HOP, CUMULATE and SESSION. SESSION, as in Flink, only feeds a
// window aggregation: its windows exist once rows merge, so it cannot be
// evaluated row by row (sql/exec refuses it anywhere else).
func (b *binder) bindTableFunc(tf *ast.TableFunc) (*Node, error) {
	if fn := b.cat.Function(tf.Call.Name); fn != nil && fn.Table != nil {
		return nil, errorf(tf, "table function %s needs a left side: write t CROSS JOIN LATERAL TABLE(%s(…))", fn.Path.Object, fn.Path.Object)
	}
	if tf.Lateral {
		return nil, errorf(tf, "LATERAL TABLE of a function not registered as a Go table function is not supported")
	}
	f := tf.Call
	kind := WindowKind(upper(f.Name.String()))
	var params []string
	switch kind {
	case Tumble:
		params = []string{"DATA", "TIMECOL", "SIZE", "OFFSET"}
	case Hop:
		params = []string{"DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"}
	case Cumulate:
		params = []string{"DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"}
	case Session:
		params = []string{"DATA", "TIMECOL", "GAP"}
	default:
		return nil, errorf(f, "table function '%s' not found; the window table functions are TUMBLE, HOP, CUMULATE and SESSION%s", f.Name,
			didYouMean(upper(f.Name.String()), []string{"TUMBLE", "HOP", "CUMULATE", "SESSION"}))
	}
	optional := 1 // OFFSET
	if kind == Session {
		optional = 0
	}
	args := map[string]ast.Expr{}
	for i, a := range f.Args {
		if na, ok := a.(*ast.NamedArg); ok {
			name := upper(na.Name.Name)
			found := false
			for _, p := range params {
				found = found || p == name
			}
			if !found {
				return nil, errorf(na, "%s has no parameter '%s'%s", kind, na.Name.Name, didYouMean(name, params))
			}
			args[name] = na.Value
			continue
		}
		if i >= len(params) {
			if ta, ok := f.Args[0].(*ast.TableArg); ok && len(ta.PartitionBy) > 0 {
				return nil, errorf(a, "%s takes at most %d arguments; several PARTITION BY keys need parentheses: PARTITION BY (k1, k2)", kind, len(params))
			}
			return nil, errorf(a, "%s takes at most %d arguments", kind, len(params))
		}
		args[params[i]] = a
	}
	for _, p := range params[:len(params)-optional] {
		if args[p] == nil {
			return nil, errorf(f, "%s is missing its %s argument", kind, p)
		}
	}
	// DATA: TABLE t or a subquery.
	var in *Node
	var err error
	var partitionBy []ast.Expr
	switch d := args["DATA"].(type) {
	case *ast.TableArg:
		if len(d.OrderBy) > 0 {
			return nil, errorf(d.OrderBy[0], "ORDER BY of a table argument is not supported")
		}
		if len(d.PartitionBy) > 0 && kind != Session {
			return nil, errorf(d.PartitionBy[0], "%s does not take PARTITION BY; only SESSION partitions its table argument", kind)
		}
		partitionBy = d.PartitionBy
		in, err = b.bindTableName(d.Table)
	case *ast.SubqueryExpr:
		in, err = b.bindQuery(d.Query)
	default:
		return nil, errorf(args["DATA"], "the first argument of %s must be TABLE name or a subquery", kind)
	}
	if err != nil {
		return nil, err
	}
	// TIMECOL: DESCRIPTOR(col), a time attribute.
	desc, ok := args["TIMECOL"].(*ast.DescriptorExpr)
	if !ok || len(desc.Columns) != 1 {
		return nil, errorf(args["TIMECOL"], "the time column of %s must be DESCRIPTOR(column)", kind)
	}
	sc := scopeOf(in, "")
	idx, err := sc.lookup(desc.Columns[0], "")
	if err != nil {
		return nil, err
	}
	switch in.Columns[idx].Type.TimeAttr {
	case types.NoTimeAttr:
		return nil, errorf(desc, "the window function requires the time column '%s' to be a time attribute, but it is %s", desc.Columns[0].Name, in.Columns[idx].Type)
	}
	spec := &WindowSpec{Kind: kind, TimeCol: idx, ProcTime: in.Columns[idx].Type.TimeAttr == types.ProcTime}
	consts := &exprCtx{b: b, scope: &scope{}, noAgg: "in a window argument"}
	dur := func(name string) (int64, error) {
		a := args[name]
		if a == nil {
			return 0, nil
		}
		x, err := consts.bind(a)
		if err != nil {
			return 0, err
		}
		return constMillis(a, x, kind.String()+" "+name)
	}
	if kind == Session {
		if spec.Gap, err = dur("GAP"); err != nil {
			return nil, err
		}
		if spec.PartitionBy, err = partitionNames(partitionBy, in, sc); err != nil {
			return nil, err
		}
		return b.windowTVF(f, in, spec)
	}
	if spec.Size, err = dur("SIZE"); err != nil {
		return nil, err
	}
	if kind == Hop {
		spec.Step, err = dur("SLIDE")
	} else if kind == Cumulate {
		spec.Step, err = dur("STEP")
	}
	if err != nil {
		return nil, err
	}
	if spec.Offset, err = dur("OFFSET"); err != nil {
		return nil, err
	}
	return b.windowTVF(f, in, spec)
}

func (k WindowKind) String() string { return string(k) }

// partitionNames resolves the PARTITION BY keys of SESSION's table
// argument: columns of the table, each once.
func partitionNames(keys []ast.Expr, in *Node, sc *scope) ([]string, error) {
	var names []string
	for _, k := range keys {
		ref, ok := k.(*ast.ColumnRef)
		if !ok || len(ref.Parts) != 1 {
			return nil, errorf(k, "PARTITION BY of SESSION takes column names of its table")
		}
		idx, err := sc.lookup(ref.Parts[0], "")
		if err != nil {
			return nil, err
		}
		name := in.Columns[idx].Name
		for _, seen := range names {
			if seen == name {
				return nil, errorf(k, "column '%s' is given twice in PARTITION BY", name)
			}
		}
		names = append(names, name)
	}
	return names, nil
}
