package plan

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// exprCtx binds expressions of one clause against a scope.
type exprCtx struct {
	b     *binder
	scope *scope
	// agg, when set, binds aggregate calls and checks that columns are
	// grouped; noAgg names the clause for the error when aggregates are
	// not allowed.
	agg   *aggCtx
	noAgg string
	// over maps the OVER calls of a SELECT to their columns (bind_over.go).
	over map[*ast.FuncCall]int
	// bound holds expressions bound before the clause: subqueries joined
	// to the query, and the aggregates of a query whose HAVING or select
	// list holds subqueries (bind_subquery.go).
	bound map[ast.Expr]*Expr
}

// aggregateNames are the aggregate functions Eddy runs.
var aggregateNames = map[string]bool{"COUNT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true, "SUM0": true,
	"STDDEV_POP": true, "STDDEV_SAMP": true, "STDDEV": true, "VAR_POP": true, "VAR_SAMP": true, "VARIANCE": true,
	"FIRST_VALUE": true, "LAST_VALUE": true, "LISTAGG": true}

// groupWindowNames are the legacy group window functions and their
// auxiliary functions.
var groupWindowNames = map[string]bool{"TUMBLE": true, "HOP": true, "SESSION": true}

func (b *binder) isAggCall(e ast.Expr) bool {
	f, ok := e.(*ast.FuncCall)
	return ok && f.Over == nil && len(f.Name.Parts) == 1 && (aggregateNames[upper(f.Name.Parts[0].Name)] || b.udaf(f) != nil)
}

// udaf returns the Go aggregate function f calls, or nil.
func (b *binder) udaf(f *ast.FuncCall) *functions.AggregateUDF {
	if fn := b.cat.Function(f.Name); fn != nil {
		return fn.Aggregate
	}
	return nil
}

// hasAgg reports whether e contains an aggregate call or a group window
// auxiliary function (TUMBLE_START …) outside subqueries.
func (b *binder) hasAgg(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr:
			return false
		case *ast.InExpr, *ast.QuantifiedExpr:
			// The subquery's aggregates are its own; the operand's are ours.
			if x, q := subqueryOperand(n.(ast.Expr)); q != nil {
				found = b.hasAgg(x)
				return false
			}
		case *ast.JSONObjectAggExpr, *ast.JSONArrayAggExpr:
			found = true
			return false
		case *ast.FuncCall:
			if b.isAggCall(n) || auxWindowFunc(n) != "" {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// bind binds e.
func (c *exprCtx) bind(e ast.Expr) (*Expr, error) {
	if x, ok := c.bound[e]; ok {
		return x.Clone(), nil
	}
	if c.agg != nil {
		return c.agg.bind(c, e)
	}
	return c.bindPlain(e)
}

func (c *exprCtx) bindAll(es []ast.Expr) ([]*Expr, error) {
	out := make([]*Expr, len(es))
	for i, e := range es {
		x, err := c.bind(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// bindPlain binds one node, its children through bind (so that aggregate
// contexts see every sub-expression).
func (c *exprCtx) bindPlain(e ast.Expr) (*Expr, error) {
	switch e := e.(type) {
	case *ast.NumberLit:
		return numberLit(e)
	case *ast.StringLit:
		return NewLit(types.Char(max(len([]rune(e.Value)), 1)).NotNullable(), e.Value), nil
	case *ast.BoolLit:
		return NewLit(types.Boolean().NotNullable(), e.Value), nil
	case *ast.NullLit:
		return NewLit(types.Null(), nil), nil
	case *ast.UnknownLit:
		return NewLit(types.Boolean(), nil), nil
	case *ast.BinaryLit:
		b, err := hexBytes(e.Hex)
		if err != nil {
			return nil, errorf(e, "%v", err)
		}
		return NewLit(types.Binary(max(len(b), 1)).NotNullable(), b), nil
	case *ast.DateTimeLit:
		return dateTimeLit(e)
	case *ast.IntervalLit:
		return intervalLit(e)
	case *ast.ColumnRef:
		return c.scope.resolve(e)
	case *ast.FieldAccess:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		return fieldOf(x, e.Field)
	case *ast.Star:
		return nil, errorf(e, "'*' is only allowed in a select list or COUNT(*)")
	case *ast.UnaryExpr:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		switch e.Op {
		case ast.OpPos:
			return x, nil
		case ast.OpNot:
			return c.call(e, "NOT", x)
		}
		if x.Kind == Literal && x.Value != nil {
			if n, ok := negateLiteral(x); ok {
				return n, nil
			}
		}
		return c.call(e, "-", x)
	case *ast.BinaryExpr:
		l, err := c.bind(e.L)
		if err != nil {
			return nil, err
		}
		r, err := c.bind(e.R)
		if err != nil {
			return nil, err
		}
		return c.call(e, string(e.Op), l, r)
	case *ast.IsExpr:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		name := "IS "
		if e.Not {
			name += "NOT "
		}
		return c.call(e, name+string(e.Test), x)
	case *ast.BetweenExpr:
		args, err := c.bindAll([]ast.Expr{e.X, e.Low, e.High})
		if err != nil {
			return nil, err
		}
		name := "BETWEEN"
		if e.Not {
			name = "NOT BETWEEN"
		}
		if e.Symmetric != ast.Symmetric {
			return c.call(e, name, args...)
		}
		// x BETWEEN SYMMETRIC a AND b: between a and b in either order;
		// NOT: in neither.
		fwd, err := c.call(e, name, args...)
		if err != nil {
			return nil, err
		}
		rev, err := c.call(e, name, args[0].Clone(), args[2].Clone(), args[1].Clone())
		if err != nil {
			return nil, err
		}
		join := "OR"
		if e.Not {
			join = "AND"
		}
		return c.call(e, join, fwd, rev)
	case *ast.InExpr:
		if e.Query != nil {
			return nil, subqueryNotSupported(e, c.noAgg)
		}
		args, err := c.bindAll(append([]ast.Expr{e.X}, e.List...))
		if err != nil {
			return nil, err
		}
		name := "IN"
		if e.Not {
			name = "NOT IN"
		}
		return c.call(e, name, args...)
	case *ast.LikeExpr:
		es := []ast.Expr{e.X, e.Pattern}
		if e.Escape != nil {
			es = append(es, e.Escape)
		}
		args, err := c.bindAll(es)
		if err != nil {
			return nil, err
		}
		name := string(e.Kind)
		if e.Not {
			name = "NOT " + name
		}
		x, err := c.call(e, name, args...)
		if err != nil && e.Not && e.Kind == ast.SimilarTo {
			if x, err = c.call(e, string(e.Kind), args...); err == nil {
				return c.call(e, "NOT", x)
			}
		}
		return x, err
	case *ast.CaseExpr:
		var args []*Expr
		var operand *Expr
		if e.Operand != nil {
			var err error
			if operand, err = c.bind(e.Operand); err != nil {
				return nil, err
			}
		}
		for _, w := range e.Whens {
			cond, err := c.bind(w.Cond)
			if err != nil {
				return nil, err
			}
			if operand != nil {
				if cond, err = c.call(w, "=", operand.Clone(), cond); err != nil {
					return nil, err
				}
			}
			val, err := c.bind(w.Result)
			if err != nil {
				return nil, err
			}
			args = append(args, cond, val)
		}
		if e.Else != nil {
			val, err := c.bind(e.Else)
			if err != nil {
				return nil, err
			}
			args = append(args, val)
		}
		return c.call(e, "CASE", args...)
	case *ast.CastExpr:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		t, err := catalog.TypeOf(e.Type)
		if err != nil {
			return nil, errorf(e.Type, "%v", err)
		}
		return castTo(e, x, t, e.Try)
	case *ast.FuncCall:
		return c.funcCall(e)
	case ast.CallForm:
		// JSON functions: their clauses become constant arguments.
		return c.bind(e.CallForm())
	case *ast.JSONObjectAggExpr, *ast.JSONArrayAggExpr:
		msg := c.noAgg
		if msg == "" {
			msg = "here"
		}
		return nil, errorf(e, "aggregate function %s is not allowed %s", jsonAggName(e), msg)
	case *ast.ExtractExpr:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		return c.call(e, "EXTRACT", unitLit(e.Unit), x)
	case *ast.FloorCeilExpr:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		name := "FLOOR"
		if e.Ceil {
			name = "CEIL"
		}
		return c.call(e, name, x, unitLit(e.Unit))
	case *ast.TimeUnitExpr:
		return unitLit(e.Unit), nil
	case *ast.PositionExpr:
		es := []ast.Expr{e.Sub, e.X}
		if e.From != nil {
			es = append(es, e.From)
		}
		args, err := c.bindAll(es)
		if err != nil {
			return nil, err
		}
		return c.call(e, "POSITION", args...)
	case *ast.TrimExpr:
		x, err := c.bind(e.X)
		if err != nil {
			return nil, err
		}
		name := "TRIM"
		switch e.Side {
		case ast.TrimLeading:
			name = "LTRIM"
		case ast.TrimTrailing:
			name = "RTRIM"
		}
		if e.Chars == nil {
			return c.call(e, name, x)
		}
		chars, err := c.bind(e.Chars)
		if err != nil {
			return nil, err
		}
		return c.call(e, name, chars, x)
	case *ast.SubstringExpr:
		es := []ast.Expr{e.X, e.From}
		if e.For != nil {
			es = append(es, e.For)
		}
		args, err := c.bindAll(es)
		if err != nil {
			return nil, err
		}
		return c.call(e, "SUBSTRING", args...)
	case *ast.OverlayExpr:
		es := []ast.Expr{e.X, e.With, e.From}
		if e.For != nil {
			es = append(es, e.For)
		}
		args, err := c.bindAll(es)
		if err != nil {
			return nil, err
		}
		return c.call(e, "OVERLAY", args...)
	case *ast.RowExpr:
		args, err := c.bindAll(e.Fields)
		if err != nil {
			return nil, err
		}
		if !e.Explicit && len(args) == 1 {
			return args[0], nil
		}
		return c.call(e, "ROW", args...)
	case *ast.ArrayExpr:
		args, err := c.bindAll(e.Elems)
		if err != nil {
			return nil, err
		}
		return c.call(e, "ARRAY", args...)
	case *ast.MapExpr:
		args, err := c.bindAll(e.Elems)
		if err != nil {
			return nil, err
		}
		return c.call(e, "MAP", args...)
	case *ast.IndexExpr:
		args, err := c.bindAll([]ast.Expr{e.X, e.Index})
		if err != nil {
			return nil, err
		}
		return c.call(e, "ITEM", args...)
	case *ast.SubqueryExpr, *ast.ExistsExpr, *ast.QuantifiedExpr:
		return nil, subqueryNotSupported(e, c.noAgg)
	case *ast.NamedArg:
		return nil, errorf(e, "named argument '%s' is only allowed in table function calls", e.Name.Name)
	case *ast.DescriptorExpr, *ast.TableArg:
		return nil, errorf(e, "DESCRIPTOR and TABLE arguments are only allowed in window table functions")
	case *ast.GroupingSet:
		return nil, errorf(e, "GROUPING SETS, ROLLUP and CUBE are not supported yet")
	}
	return nil, errorf(e, "unsupported expression %s", ast.Format(e))
}

// call resolves a built-in function through package sql/functions.
func (c *exprCtx) call(n ast.Node, name string, args ...*Expr) (*Expr, error) {
	return resolveCall(n, name, args)
}

func resolveCall(n ast.Node, name string, args []*Expr) (*Expr, error) {
	ts := make([]types.Type, len(args))
	consts := make([]any, len(args))
	for i, a := range args {
		ts[i] = a.Type
		if a.Kind == Literal {
			consts[i] = a.Value
		}
	}
	r, err := functions.LookupCall(name, ts, consts)
	if err != nil {
		return nil, errorf(n, "%v", err)
	}
	t := r.Result
	t.TimeAttr = types.NoTimeAttr
	return NewCall(r.Name, t, args...), nil
}

// castTo converts x to t, checking the cast is allowed.
func castTo(n ast.Node, x *Expr, t types.Type, try bool) (*Expr, error) {
	if _, err := functions.LookupCast(x.Type, t, try); err != nil {
		return nil, errorf(n, "%v", err)
	}
	if try {
		t = t.Nullable()
	} else if x.Type.IsNullable() {
		t = t.Nullable()
	}
	return NewCast(x, t, try), nil
}

func (c *exprCtx) funcCall(f *ast.FuncCall) (*Expr, error) {
	if f.Over != nil {
		if i, ok := c.over[f]; ok {
			return NewCol(i, c.scope.cols[i].typ), nil
		}
		if c.agg != nil {
			// The select list's windows are computed over the
			// aggregation's rows (bind_over_grouped.go), not within it.
			return nil, errorf(f, "OVER windows are not allowed here: in a query with GROUP BY or aggregates they are computed over the aggregated rows, in the select list only")
		}
		return nil, errorf(f, "OVER windows are not supported %s", c.noAgg)
	}
	if len(f.Name.Parts) != 1 {
		return nil, errorf(f, "function '%s' not found", f.Name)
	}
	name := upper(f.Name.Parts[0].Name)
	if aggregateNames[name] {
		msg := c.noAgg
		if msg == "" {
			msg = "here"
		}
		return nil, errorf(f, "aggregate function %s is not allowed %s", name, msg)
	}
	if groupWindowNames[name] {
		return nil, errorf(f, "group window function %s is only allowed in GROUP BY", name)
	}
	if auxWindowFunc(f) != "" {
		return nil, errorf(f, "%s is only allowed in the SELECT of a query grouped by the matching group window", name)
	}
	if f.Filter != nil {
		return nil, errorf(f, "FILTER is only allowed with aggregate functions")
	}
	if f.Quant == ast.QuantDistinct {
		return nil, errorf(f, "DISTINCT is only allowed with aggregate functions")
	}
	if fn := c.b.cat.Function(f.Name); fn != nil {
		if fn.Scalar == nil {
			if fn.Aggregate != nil {
				msg := c.noAgg
				if msg == "" {
					msg = "here"
				}
				return nil, errorf(f, "aggregate function %s is not allowed %s", fn.Path.Object, msg)
			}
			if fn.Table != nil {
				return nil, errorf(f, "table function %s is only allowed in CROSS JOIN LATERAL TABLE(%s(…))", fn.Path.Object, fn.Path.Object)
			}
			return nil, errorf(f, "function '%s' names the class '%s', which no Go function is registered as (Eddy cannot run JVM classes; a Go program registers one with sql.RegisterFunctionClass)", f.Name, fn.Class)
		}
		return c.udfCall(f, fn.Scalar)
	}
	switch name {
	case "PROCTIME":
		if len(f.Args) != 0 {
			return nil, errorf(f, "PROCTIME takes no arguments")
		}
		t := types.TimestampLTZ(3).NotNullable()
		t.TimeAttr = types.ProcTime
		return NewCall(FuncProctime, t), nil
	case "CURRENT_WATERMARK":
		if len(f.Args) != 1 {
			return nil, errorf(f, "CURRENT_WATERMARK takes one argument, a rowtime attribute")
		}
		x, err := c.bind(f.Args[0])
		if err != nil {
			return nil, err
		}
		if x.Type.TimeAttr != types.RowTime {
			return nil, errorf(f.Args[0], "the argument of CURRENT_WATERMARK must be a rowtime attribute (a column with a WATERMARK), got %s", x.Type)
		}
		t := x.Type.Nullable()
		t.TimeAttr = types.NoTimeAttr
		return NewCall(FuncCurrentWatermark, t, x), nil
	}
	var args []*Expr
	for _, a := range f.Args {
		if st, ok := a.(*ast.Star); ok {
			return nil, errorf(st, "'*' is only allowed in COUNT(*)")
		}
		x, err := c.bind(a)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	x, err := c.call(f, name, args...)
	if err != nil && strings.Contains(err.Error(), "no function") {
		// Suggest among aggregates too.
		known := append(functions.Names(), "COUNT", "SUM", "AVG", "MIN", "MAX",
			"STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE", "FIRST_VALUE", "LAST_VALUE", "LISTAGG")
		return nil, errorf(f, "no function '%s'%s", f.Name.Parts[0].Name, catalog.DidYouMean(name, known))
	}
	return x, err
}

// udfCall binds a call of a Go scalar function registered in the catalog.
func (c *exprCtx) udfCall(f *ast.FuncCall, u *functions.UDF) (*Expr, error) {
	args, err := c.bindAll(f.Args)
	if err != nil {
		return nil, err
	}
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type
		ts[i].TimeAttr = types.NoTimeAttr
	}
	r, err := u.Resolve(ts)
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	x := NewCall(u.Name, r.Result, args...)
	x.UDF = u
	return x, nil
}

func unitLit(u ast.TimeUnit) *Expr {
	s := string(u)
	return NewLit(types.Char(max(len(s), 1)).NotNullable(), s)
}

func numberLit(e *ast.NumberLit) (*Expr, error) {
	switch e.Kind {
	case ast.IntegerNumber:
		n, err := strconv.ParseInt(e.Text, 10, 64)
		if err == nil {
			if n <= math.MaxInt32 {
				return NewLit(types.Int().NotNullable(), int32(n)), nil
			}
			return NewLit(types.BigInt().NotNullable(), n), nil
		}
		fallthrough
	case ast.DecimalNumber:
		d, err := types.ParseDecimal(e.Text)
		if err != nil {
			return nil, errorf(e, "numeric literal %s: %v", e.Text, err)
		}
		digits := d.Unscaled.Digits()
		p := max(digits, d.Scale)
		if p == 0 {
			p = 1
		}
		if p > types.MaxDecimalPrecision {
			return nil, errorf(e, "numeric literal %s is out of range", e.Text)
		}
		return NewLit(types.Decimal(p, d.Scale).NotNullable(), d), nil
	}
	f, err := strconv.ParseFloat(e.Text, 64)
	if err != nil {
		return nil, errorf(e, "numeric literal %s is out of range", e.Text)
	}
	return NewLit(types.Double().NotNullable(), f), nil
}

// negateLiteral folds -literal for numbers, so -1 is an INT literal.
func negateLiteral(x *Expr) (*Expr, bool) {
	switch v := x.Value.(type) {
	case int32:
		return NewLit(x.Type, -v), true
	case int64:
		if v == math.MinInt64 {
			return nil, false
		}
		return NewLit(x.Type, -v), true
	case float64:
		return NewLit(x.Type, -v), true
	case types.DecimalValue:
		return NewLit(x.Type, v.Neg()), true
	case types.IntervalMillis:
		return NewLit(x.Type, -v), true
	case types.IntervalMonths:
		return NewLit(x.Type, -v), true
	}
	return nil, false
}

func hexBytes(h string) ([]byte, error) {
	if len(h)%2 != 0 {
		return nil, fmt.Errorf("binary literal X'%s' has an odd number of digits", h)
	}
	out := make([]byte, len(h)/2)
	for i := range out {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("binary literal X'%s': %v", h, err)
		}
		out[i] = byte(v)
	}
	return out, nil
}

func fractionDigits(s string) int {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		n := 0
		for _, r := range s[i+1:] {
			if r < '0' || r > '9' {
				break
			}
			n++
		}
		return n
	}
	return 0
}

func dateTimeLit(e *ast.DateTimeLit) (*Expr, error) {
	v := strings.TrimSpace(e.Value)
	switch e.Kind {
	case ast.DateLit:
		d, err := types.ParseDate(v)
		if err != nil {
			return nil, errorf(e, "invalid DATE literal '%s'", e.Value)
		}
		return NewLit(types.Date().NotNullable(), d), nil
	case ast.TimeLit:
		t, err := types.ParseTime(v)
		if err != nil {
			return nil, errorf(e, "invalid TIME literal '%s'", e.Value)
		}
		return NewLit(types.Time(min(fractionDigits(v), 3)).NotNullable(), t), nil
	default:
		ts, err := types.ParseTimestamp(v)
		if err != nil {
			return nil, errorf(e, "invalid TIMESTAMP literal '%s'", e.Value)
		}
		p := fractionDigits(strings.TrimPrefix(v, v[:min(len(v), 10)]))
		if e.Kind == ast.TimestampLTZLit {
			return NewLit(types.TimestampLTZ(p).NotNullable(), ts), nil
		}
		return NewLit(types.Timestamp(p).NotNullable(), ts), nil
	}
}

var unitMillis = map[ast.TimeUnit]int64{
	"DAY": 86400000, "HOUR": 3600000, "MINUTE": 60000, "SECOND": 1000, "MILLISECOND": 1, "WEEK": 7 * 86400000,
}

// intervalLit reads INTERVAL 'v' unit [TO unit].
func intervalLit(e *ast.IntervalLit) (*Expr, error) {
	q := e.Qualifier
	v := strings.TrimSpace(e.Value)
	neg := e.Negative
	if strings.HasPrefix(v, "-") {
		neg, v = !neg, strings.TrimSpace(v[1:])
	} else if strings.HasPrefix(v, "+") {
		v = strings.TrimSpace(v[1:])
	}
	bad := func() (*Expr, error) {
		return nil, errorf(e, "invalid interval literal '%s' for %s", e.Value, ast.Format(q))
	}
	switch q.From {
	case "YEAR", "MONTH", "QUARTER":
		var months int64
		switch {
		case q.To == "MONTH":
			parts := strings.SplitN(v, "-", 2)
			if len(parts) != 2 {
				return bad()
			}
			y, err1 := strconv.ParseInt(parts[0], 10, 32)
			m, err2 := strconv.ParseInt(parts[1], 10, 32)
			if err1 != nil || err2 != nil || m > 11 {
				return bad()
			}
			months = y*12 + m
		default:
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return bad()
			}
			months = n * map[ast.TimeUnit]int64{"YEAR": 12, "MONTH": 1, "QUARTER": 3}[q.From]
		}
		if neg {
			months = -months
		}
		return NewLit(types.IntervalYearMonth().NotNullable(), types.IntervalMonths(months)), nil
	}
	var ms int64
	if q.To == "" {
		unit, ok := unitMillis[q.From]
		if !ok {
			return bad()
		}
		r, ok := new(big.Rat).SetString(v)
		if !ok {
			return bad()
		}
		r.Mul(r, new(big.Rat).SetInt64(unit))
		f, _ := r.Float64()
		if math.Abs(f) > math.MaxInt64/2 {
			return bad()
		}
		ms = int64(math.Round(f))
	} else {
		// DAY TO SECOND style: 'd hh:mm:ss.fff' with the fields from From
		// to To.
		order := []ast.TimeUnit{"DAY", "HOUR", "MINUTE", "SECOND"}
		start, end := -1, -1
		for i, u := range order {
			if u == q.From {
				start = i
			}
			if u == q.To {
				end = i
			}
		}
		if start < 0 || end < start {
			return bad()
		}
		fields := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ':' })
		if len(fields) != end-start+1 {
			return bad()
		}
		for i, f := range fields {
			u := order[start+i]
			r, ok := new(big.Rat).SetString(f)
			if !ok || (u != "SECOND" && !r.IsInt()) {
				return bad()
			}
			r.Mul(r, new(big.Rat).SetInt64(unitMillis[u]))
			x, _ := r.Float64()
			ms += int64(math.Round(x))
		}
	}
	if neg {
		ms = -ms
	}
	return NewLit(types.IntervalDayTime().NotNullable(), types.IntervalMillis(ms)), nil
}

// constMillis evaluates a constant interval argument (window sizes) to
// milliseconds.
func constMillis(n ast.Node, e *Expr, what string) (int64, error) {
	if e.Kind == Literal {
		if v, ok := e.Value.(types.IntervalMillis); ok {
			return int64(v), nil
		}
	}
	return 0, errorf(n, "%s must be a day-time interval literal such as INTERVAL '10' SECOND, got %s", what, e.Type)
}
