package plan

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// matchCtx binds the expressions of DEFINE and MEASURES. Every reference
// to the rows of the match (v.col, a bare column, FIRST/LAST/PREV, an
// aggregate, MATCH_ROWTIME()) becomes an accessor (MatchAccess), bound
// before the expression around it, which sees it as a column. In DEFINE
// the rows of the variable being defined, and every row (no variable),
// end with the row being tried: v.col and a bare column read that row.
type matchCtx struct {
	b        *binder
	scope    *scope // the input's columns
	vars     map[string]int
	names    []string
	procTime bool

	// Per expression:
	define int // the variable being defined, -1 in MEASURES
	access []MatchAccess
	bound  map[ast.Expr]*Expr
}

func (c *matchCtx) clause() string {
	if c.define >= 0 {
		return "in DEFINE"
	}
	return "in MEASURES"
}

// bind binds e in DEFINE of variable define, or in MEASURES (-1).
func (c *matchCtx) bind(e ast.Expr, define int) (*MatchExpr, error) {
	c.define, c.access, c.bound = define, nil, map[ast.Expr]*Expr{}
	if err := c.collect(e); err != nil {
		return nil, err
	}
	ctx := &exprCtx{b: c.b, scope: &scope{}, noAgg: c.clause(), bound: c.bound}
	x, err := ctx.bind(e)
	if err != nil {
		return nil, err
	}
	return &MatchExpr{Expr: x, Access: c.access}, nil
}

// collect binds the pattern references of e into accessors.
func (c *matchCtx) collect(e ast.Expr) error {
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		if err != nil || n == nil {
			return false
		}
		var x *Expr
		switch n := n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr, *ast.QuantifiedExpr:
			return false // refused when bound
		case *ast.InExpr:
			return n.Query == nil
		case *ast.ColumnRef:
			var a MatchAccess
			if a, err = c.columnAccess(n); err == nil {
				x = c.add(a)
			}
		case *ast.FuncCall:
			var ok bool
			if x, ok, err = c.call(n); !ok && err == nil {
				return true
			}
		default:
			return true
		}
		if err == nil {
			c.bound[n.(ast.Expr)] = x
		}
		return false
	})
	return err
}

// add returns the column of accessor a, sharing an equal one.
func (c *matchCtx) add(a MatchAccess) *Expr {
	for i, b := range c.access {
		if sameAccess(a, b) {
			return NewCol(i, b.Type)
		}
	}
	c.access = append(c.access, a)
	return NewCol(len(c.access)-1, a.Type)
}

// columnAccess binds v.col or a bare column: the last row of v, or of
// the match.
func (c *matchCtx) columnAccess(ref *ast.ColumnRef) (MatchAccess, error) {
	v, col, err := c.rowColumn(ref)
	if err != nil {
		return MatchAccess{}, err
	}
	return c.nav(AccessLast, v, 0, col), nil
}

// rowColumn resolves v.col or col to the pattern variable (-1: none) and
// the input column (or field) it reads.
func (c *matchCtx) rowColumn(ref *ast.ColumnRef) (int, *Expr, error) {
	parts := ref.Parts
	if len(parts) >= 2 {
		if v, ok := c.vars[parts[0].Name]; ok {
			col, err := c.scope.resolve(&ast.ColumnRef{Loc: ref.Loc, Parts: parts[1:]})
			return v, col, err
		}
	}
	col, err := c.scope.resolve(ref)
	if err != nil && len(parts) >= 2 && c.scope.find(parts[0].Name, "") < 0 && !slices.Contains(c.scope.quals(), parts[0].Name) {
		return 0, nil, errorf(parts[0], "'%s' is not a pattern variable%s", parts[0].Name, didYouMean(parts[0].Name, c.names))
	}
	return -1, col, err
}

// nav makes a navigation accessor over the row expression x. Only the
// current row of DEFINE is sure to exist.
func (c *matchCtx) nav(kind string, v, offset int, x *Expr) MatchAccess {
	t := x.Type
	t.TimeAttr = types.NoTimeAttr
	current := c.define >= 0 && kind == AccessLast && offset == 0 && (v < 0 || v == c.define)
	if !current {
		t = t.Nullable()
	}
	return MatchAccess{Kind: kind, Var: v, Offset: offset, Args: []*Expr{x}, Type: t}
}

// call binds the function calls that read the match; ok is false for
// other calls, bound as usual.
func (c *matchCtx) call(f *ast.FuncCall) (*Expr, bool, error) {
	if f.Over != nil || len(f.Name.Parts) != 1 {
		return nil, false, nil
	}
	name := upper(f.Name.Parts[0].Name)
	switch name {
	case "FIRST", "LAST", "PREV":
		x, err := c.navigation(f, name)
		return x, true, err
	case "NEXT", "CLASSIFIER", "MATCH_NUMBER", "RUNNING", "FINAL":
		return nil, true, errorf(f, "%s is not supported in MATCH_RECOGNIZE (as in Flink)", name)
	case "MATCH_ROWTIME", "MATCH_PROCTIME":
		x, err := c.timeFunc(f, name)
		return x, true, err
	}
	if aggregateNames[name] || c.b.udaf(f) != nil {
		x, err := c.aggregate(f, name)
		return x, true, err
	}
	return nil, false, nil
}

// navigation binds FIRST(x [, n]), LAST(x [, n]) and, in DEFINE, PREV(x
// [, n]). PREV of another variable than the one defined is LAST of it, as
// in Calcite.
func (c *matchCtx) navigation(f *ast.FuncCall, name string) (*Expr, error) {
	if len(f.Args) < 1 || len(f.Args) > 2 {
		return nil, errorf(f, "%s takes a value and an optional offset: %s(v.col [, n])", name, name)
	}
	if name == "PREV" && c.define < 0 {
		return nil, errorf(f, "PREV is only supported in DEFINE; use LAST in MEASURES")
	}
	if f.Quant != ast.QuantNone || f.Filter != nil {
		return nil, errorf(f, "%s takes no DISTINCT or FILTER", name)
	}
	offset := 0
	if name == "PREV" {
		offset = 1
	}
	if len(f.Args) == 2 {
		bad := errorf(f.Args[1], "the offset of %s must be a non-negative integer literal", name)
		n, ok := f.Args[1].(*ast.NumberLit)
		if !ok || n.Kind != ast.IntegerNumber {
			return nil, bad
		}
		v, err := strconv.Atoi(n.Text)
		if err != nil || v < 0 {
			return nil, bad
		}
		offset = v
	}
	v, x, err := c.rowArg(f.Args[0], name)
	if err != nil {
		return nil, err
	}
	v = max(v, -1)
	kind := name
	if name == "PREV" && v >= 0 && v != c.define {
		kind = AccessLast
	}
	return c.add(c.nav(kind, v, offset, x)), nil
}

// aggregate binds an aggregate over the rows of one variable (or of the
// match).
func (c *matchCtx) aggregate(f *ast.FuncCall, name string) (*Expr, error) {
	if f.Quant == ast.QuantDistinct {
		return nil, errorf(f, "DISTINCT aggregations are not supported in MATCH_RECOGNIZE (as in Flink)")
	}
	if f.Filter != nil {
		return nil, errorf(f.Filter, "FILTER is not supported in MATCH_RECOGNIZE")
	}
	call := &AggCall{Func: name, Filter: -1}
	if std, ok := aggregateAliases[name]; ok {
		call.Func = std
	}
	a := MatchAccess{Kind: call.Func, Var: -1}
	var argTypes []types.Type
	star := len(f.Args) == 1
	if star {
		_, star = f.Args[0].(*ast.Star)
	}
	switch {
	case star && name == "COUNT":
	case star:
		return nil, errorf(f, "%s(*) is not allowed; only COUNT(*)", name)
	default:
		reads := false
		for i, arg := range f.Args {
			v, x, err := c.rowArg(arg, name)
			if err != nil {
				return nil, err
			}
			switch {
			case v == -2: // a constant (LISTAGG's separator)
			case reads && v != a.Var:
				return nil, errorf(arg, "the arguments of %s must all read one pattern variable", name)
			default:
				a.Var, reads = v, true
			}
			x.Type.TimeAttr = types.NoTimeAttr
			a.Args = append(a.Args, x)
			call.Args = append(call.Args, i)
			argTypes = append(argTypes, x.Type)
		}
	}
	u := c.b.udaf(f)
	var t types.Type
	var err error
	switch {
	case u != nil && !aggregateNames[name]:
		call.Func, call.UDAF, a.Kind = u.Name, u, u.Name
		t, err = u.Resolve(argTypes)
	case len(argTypes) == 0 && name != "COUNT":
		return nil, errorf(f, "%s takes an argument", name)
	case name != "COUNT" && name != "LISTAGG" && len(argTypes) != 1:
		return nil, errorf(f, "%s takes one argument, got %d", name, len(argTypes))
	case name == "LISTAGG" && len(f.Args) == 2 && !isCharLiteral(f.Args[1]):
		return nil, errorf(f.Args[1], "the separator of LISTAGG must be a character literal")
	default:
		t, err = aggResultType(name, argTypes)
	}
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	call.Type, a.Type, a.Agg = t, t, call
	return c.add(a), nil
}

func isCharLiteral(e ast.Expr) bool {
	_, ok := e.(*ast.StringLit)
	return ok
}

// timeFunc binds MATCH_ROWTIME([col]) and MATCH_PROCTIME(), time
// attributes of the output.
func (c *matchCtx) timeFunc(f *ast.FuncCall, name string) (*Expr, error) {
	if c.define >= 0 {
		return nil, errorf(f, "%s is only supported in MEASURES", name)
	}
	a := MatchAccess{Kind: name, Var: -1}
	if name == AccessProctime {
		if len(f.Args) > 0 {
			return nil, errorf(f, "MATCH_PROCTIME takes no arguments")
		}
		a.Type = types.TimestampLTZ(3).NotNullable()
		a.Type.TimeAttr = types.ProcTime
		return c.add(a), nil
	}
	if c.procTime {
		return nil, errorf(f, "MATCH_ROWTIME needs MATCH_RECOGNIZE ordered by a rowtime attribute, not a proctime one")
	}
	a.Type = types.Timestamp(3).NotNullable()
	switch len(f.Args) {
	case 0:
	case 1:
		ref, ok := f.Args[0].(*ast.ColumnRef)
		var x *Expr
		var err error
		if ok {
			x, err = c.scope.resolve(ref)
		}
		if !ok || err != nil || x.Kind != ColRef || x.Type.TimeAttr != types.RowTime {
			return nil, errorf(f.Args[0], "the argument of MATCH_ROWTIME must be a rowtime attribute column of the input")
		}
		a.Args = []*Expr{x}
		a.Type = x.Type.NotNullable()
	default:
		return nil, errorf(f, "MATCH_ROWTIME takes at most one argument, a rowtime attribute")
	}
	a.Type.TimeAttr = types.RowTime
	return c.add(a), nil
}

// rowArg binds the argument of a navigation or an aggregate: an
// expression over one row, whose column references name one pattern
// variable (v, the same everywhere) or none (-1); v is -2 when it reads
// no column.
func (c *matchCtx) rowArg(e ast.Expr, fn string) (int, *Expr, error) {
	v := -2 // not seen yet
	bound := map[ast.Expr]*Expr{}
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		if err != nil || n == nil {
			return false
		}
		switch n := n.(type) {
		case *ast.ColumnRef:
			var rv int
			var x *Expr
			if rv, x, err = c.rowColumn(n); err != nil {
				return false
			}
			if v != -2 && rv != v {
				err = errorf(n, "the argument of %s must read one pattern variable: %s and %s are different", fn, varLabel(c.names, v), varLabel(c.names, rv))
				return false
			}
			v, bound[n] = rv, x
			return false
		case *ast.FuncCall:
			switch upper(n.Name.Last().Name) {
			case "FIRST", "LAST", "PREV", "NEXT", "MATCH_ROWTIME", "MATCH_PROCTIME":
				err = errorf(n, "%s cannot be nested in %s", upper(n.Name.Last().Name), fn)
				return false
			}
		}
		return true
	})
	if err != nil {
		return 0, nil, err
	}
	ctx := &exprCtx{b: c.b, scope: c.scope, noAgg: "inside " + fn, bound: bound}
	x, err := ctx.bind(e)
	if err != nil {
		return 0, nil, err
	}
	return v, x, nil
}

func varLabel(names []string, v int) string {
	if v < 0 {
		return "no variable"
	}
	return fmt.Sprintf("'%s'", names[v])
}
