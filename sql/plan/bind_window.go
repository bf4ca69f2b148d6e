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
	case Hop:
		if spec.Step <= 0 || spec.Size%spec.Step != 0 {
			return nil, errorf(at, "HOP window size (%d ms) must be an integral multiple of its slide (%d ms)", spec.Size, spec.Step)
		}
	case Cumulate:
		if spec.Step <= 0 || spec.Size%spec.Step != 0 {
			return nil, errorf(at, "CUMULATE window max size (%d ms) must be an integral multiple of its step (%d ms)", spec.Size, spec.Step)
		}
	}
	if spec.Size <= 0 {
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
// TUMBLE, HOP and CUMULATE.
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
		return nil, errorf(f, "the SESSION window table function is not supported yet; use GROUP BY SESSION(ts, gap)")
	default:
		return nil, errorf(f, "table function '%s' not found; the window table functions are TUMBLE, HOP and CUMULATE%s", f.Name,
			didYouMean(upper(f.Name.String()), []string{"TUMBLE", "HOP", "CUMULATE"}))
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
			return nil, errorf(a, "%s takes at most %d arguments", kind, len(params))
		}
		args[params[i]] = a
	}
	for _, p := range params[:len(params)-1] {
		if args[p] == nil {
			return nil, errorf(f, "%s is missing its %s argument", kind, p)
		}
	}
	// DATA: TABLE t or a subquery.
	var in *Node
	var err error
	switch d := args["DATA"].(type) {
	case *ast.TableArg:
		if len(d.PartitionBy) > 0 || len(d.OrderBy) > 0 {
			return nil, errorf(d, "PARTITION BY and ORDER BY of a table argument are not supported yet")
		}
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
