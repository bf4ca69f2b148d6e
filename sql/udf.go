package sql

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// RegisterScalarFunction makes the Go function fn callable from SQL as name
// (case-insensitive, in the current database), like Flink's
// createTemporarySystemFunction with a ScalarFunction.
//
// Parameter and result types follow the Go types: int8, int16, int32, int64
// (and int) → TINYINT, SMALLINT, INT, BIGINT; float32, float64 → FLOAT,
// DOUBLE; bool → BOOLEAN; string → STRING; []byte → BYTES; time.Time →
// TIMESTAMP(3) (wall clock, read and written in UTC). fn may return (T,
// error); a non-nil error fails the job with the function's name. A final
// ...T parameter makes it variadic.
//
// NULL: as Flink does for boxed versus primitive parameters, a pointer
// parameter (*int64, *string …) receives nil for NULL, while a NULL for a
// non-pointer parameter skips the call and makes the result NULL. A pointer
// result is nullable and nil means NULL.
//
// Calls go through reflection, one per row: expect a few hundred
// nanoseconds per call on top of the function's own cost.
func (s *Session) RegisterScalarFunction(name string, fn any) error {
	u, err := newScalarUDF(name, fn)
	if err != nil {
		return err
	}
	return s.registerFunction(name, &catalog.Function{Scalar: u, Language: "GO"})
}

func (s *Session) registerFunction(name string, f *catalog.Function) error {
	if name == "" || strings.ContainsAny(name, ". `\t\n") {
		return fmt.Errorf("register function %q: the name must be a plain identifier", name)
	}
	if functions.IsBuiltin(name) || isBuiltinAggregate(name) {
		return fmt.Errorf("register function %q: a built-in function has that name", name)
	}
	p, err := s.catalog.Resolve(&ast.ObjectName{Parts: []*ast.Ident{{Name: name}}})
	if err != nil {
		return fmt.Errorf("register function %q: %w", name, err)
	}
	f.Path = p
	if err := s.catalog.CreateFunction(f, false); err != nil {
		return fmt.Errorf("register function %q: %w", name, err)
	}
	return nil
}

// functionClasses holds the Go functions CREATE FUNCTION … AS 'class'
// can name, by class.
var functionClasses = struct {
	sync.Mutex
	m map[string]classFunc
}{m: map[string]classFunc{}}

type classFunc struct {
	fn    any
	table bool
}

// RegisterFunctionClass makes a Go scalar function available to CREATE
// FUNCTION under a class name, so that scripts written for Flink, which
// name a Java class (CREATE FUNCTION count_char AS
// 'com.example.CountChar'), run unchanged once a Go program linked with
// Eddy registers the same class name. fn follows RegisterScalarFunction's
// rules; it is checked here, and each CREATE FUNCTION makes a function of
// its own name from it. Registering a class twice replaces it.
func RegisterFunctionClass(class string, fn any) error {
	return registerClass(class, fn, false)
}

// RegisterTableFunctionClass is RegisterFunctionClass for a table
// function (RegisterTableFunction's rules), called with LATERAL TABLE.
func RegisterTableFunctionClass(class string, fn any) error {
	return registerClass(class, fn, true)
}

func registerClass(class string, fn any, table bool) error {
	if strings.TrimSpace(class) == "" {
		return fmt.Errorf("register function class: empty class name")
	}
	if _, err := newGoFunc(class, fn, table); err != nil {
		return err
	}
	functionClasses.Lock()
	defer functionClasses.Unlock()
	functionClasses.m[class] = classFunc{fn: fn, table: table}
	return nil
}

// classFunction is the catalog function CREATE FUNCTION name AS 'class'
// makes: a Go function if the class was registered, else a record of the
// JVM class, which is refused when called.
func classFunction(name, class, language string) (*catalog.Function, error) {
	functionClasses.Lock()
	cf, ok := functionClasses.m[class]
	functionClasses.Unlock()
	f := &catalog.Function{Class: class, Language: language}
	if !ok {
		return f, nil
	}
	if cf.table {
		u, err := newGoFunc(name, cf.fn, true)
		if err != nil {
			return nil, err
		}
		f.Table = &functions.UDF{Name: name, Resolve: u.resolve, Class: class}
		return f, nil
	}
	u, err := newScalarUDF(name, cf.fn)
	if err != nil {
		return nil, err
	}
	u.Class = class
	f.Scalar = u
	return f, nil
}

func init() {
	// Plans read from data (EXECUTE PLAN) find their functions by class.
	functions.ClassResolver = func(class, name string) (*functions.UDF, error) {
		f, err := classFunction(name, class, "")
		if err != nil {
			return nil, err
		}
		switch {
		case f.Scalar != nil:
			return f.Scalar, nil
		case f.Table != nil:
			return f.Table, nil
		}
		return nil, fmt.Errorf("function %s: no Go function is registered as class '%s' (sql.RegisterFunctionClass)", name, class)
	}
}

// isBuiltinAggregate reports whether name is a built-in aggregate, which
// the scalar registry does not list.
func isBuiltinAggregate(name string) bool {
	switch strings.ToUpper(name) {
	case "COUNT", "SUM", "SUM0", "AVG", "MIN", "MAX", "FIRST_VALUE", "LAST_VALUE", "LISTAGG",
		"COLLECT", "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE", "ROW_NUMBER", "RANK", "DENSE_RANK",
		"LAG", "LEAD", "BOOL_AND", "BOOL_OR", "ARRAY_AGG", "JSON_OBJECTAGG", "JSON_ARRAYAGG",
		"PERCENT_RANK", "CUME_DIST", "NTILE", "SINGLE_VALUE":
		return true
	}
	return false
}

var (
	errorType = reflect.TypeFor[error]()
	timeType  = reflect.TypeFor[time.Time]()
)

// goParam is how a Go type maps to SQL.
type goParam struct {
	typ     reflect.Type // the Go type, pointer included
	sql     types.Type   // nullable
	pointer bool
}

// sqlTypeOf maps a Go type to its SQL type; pointers are nullable.
func sqlTypeOf(t reflect.Type) (goParam, error) {
	p := goParam{typ: t}
	base := t
	if t.Kind() == reflect.Pointer {
		p.pointer = true
		base = t.Elem()
	}
	switch {
	case base == timeType:
		p.sql = types.Timestamp(3)
	case base.Kind() == reflect.Slice && base.Elem().Kind() == reflect.Uint8:
		if p.pointer {
			return p, fmt.Errorf("%s: use []byte, whose nil is NULL, not a pointer to it", t)
		}
		p.sql = types.Bytes()
		p.pointer = true // nil []byte is NULL
	default:
		switch base.Kind() {
		case reflect.Int8:
			p.sql = types.TinyInt()
		case reflect.Int16:
			p.sql = types.SmallInt()
		case reflect.Int32:
			p.sql = types.Int()
		case reflect.Int64, reflect.Int:
			p.sql = types.BigInt()
		case reflect.Float32:
			p.sql = types.Float()
		case reflect.Float64:
			p.sql = types.Double()
		case reflect.Bool:
			p.sql = types.Boolean()
		case reflect.String:
			p.sql = types.String()
		default:
			return p, fmt.Errorf("Go type %s has no SQL type (want an integer, float, bool, string, []byte, time.Time or a pointer to one)", t)
		}
	}
	return p, nil
}

// scalarUDF is a validated Go function.
type scalarUDF struct {
	name     string
	fn       reflect.Value
	params   []goParam // the variadic element type last when variadic
	variadic bool
	result   goParam
	hasErr   bool
	// table is set for a table function: the result is a slice of rows
	// (result describes the element), returned as an ARRAY of ROWs.
	table      bool
	rowFields  []goParam // the element's fields, or the element alone
	rowNames   []string
	structElem bool
}

func newScalarUDF(name string, fn any) (*functions.UDF, error) {
	u, err := newGoFunc(name, fn, false)
	if err != nil {
		return nil, err
	}
	return &functions.UDF{Name: name, Resolve: u.resolve}, nil
}

func newGoFunc(name string, fn any, table bool) (*scalarUDF, error) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return nil, fmt.Errorf("register function %q: want a Go function, got %T", name, fn)
	}
	t := v.Type()
	u := &scalarUDF{name: name, fn: v, variadic: t.IsVariadic(), table: table}
	for i := range t.NumIn() {
		in := t.In(i)
		if u.variadic && i == t.NumIn()-1 {
			in = in.Elem()
		}
		p, err := sqlTypeOf(in)
		if err != nil {
			return nil, fmt.Errorf("register function %q: parameter %d: %w", name, i+1, err)
		}
		u.params = append(u.params, p)
	}
	switch {
	case t.NumOut() == 1 && t.Out(0) != errorType:
	case t.NumOut() == 2 && t.Out(1) == errorType:
		u.hasErr = true
	default:
		return nil, fmt.Errorf("register function %q: want one result, optionally followed by an error; got %s", name, t)
	}
	if table {
		if err := u.rowShape(t.Out(0)); err != nil {
			return nil, fmt.Errorf("register function %q: result: %w", name, err)
		}
		return u, nil
	}
	r, err := sqlTypeOf(t.Out(0))
	if err != nil {
		return nil, fmt.Errorf("register function %q: result: %w", name, err)
	}
	u.result = r
	return u, nil
}

// rowShape validates a table function's result, a slice of a struct (its
// exported fields are the columns) or of a single value (column f0, as
// Flink names an atomic type's column).
func (u *scalarUDF) rowShape(t reflect.Type) error {
	if t.Kind() != reflect.Slice || t.Elem().Kind() == reflect.Uint8 {
		return fmt.Errorf("a table function returns a slice of rows, got %s", t)
	}
	u.result = goParam{typ: t, pointer: true}
	e := t.Elem()
	if e.Kind() == reflect.Struct && e != timeType {
		u.structElem = true
		for i := range e.NumField() {
			f := e.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("row field %s is not exported", f.Name)
			}
			p, err := sqlTypeOf(f.Type)
			if err != nil {
				return fmt.Errorf("row field %s: %w", f.Name, err)
			}
			u.rowFields = append(u.rowFields, p)
			u.rowNames = append(u.rowNames, f.Name)
		}
		if len(u.rowFields) == 0 {
			return fmt.Errorf("row type %s has no fields", e)
		}
		return nil
	}
	p, err := sqlTypeOf(e)
	if err != nil {
		return err
	}
	u.rowFields, u.rowNames = []goParam{p}, []string{"f0"}
	return nil
}

// rowType is a table function's result type: ARRAY<ROW<…>>.
func (u *scalarUDF) rowType() types.Type {
	fs := make([]types.Field, len(u.rowFields))
	for i, p := range u.rowFields {
		fs[i] = types.Field{Name: u.rowNames[i], Type: p.sql.WithNullable(p.pointer)}
	}
	return types.Array(types.Row(fs...).NotNullable())
}

// rows converts a table function's result slice to an ARRAY of ROWs.
func (u *scalarUDF) rows(x reflect.Value) []any {
	out := make([]any, x.Len())
	for i := range x.Len() {
		e := x.Index(i)
		row := make([]any, len(u.rowFields))
		if u.structElem {
			for j, p := range u.rowFields {
				row[j] = goToValue(e.Field(j), p)
			}
		} else {
			row[0] = goToValue(e, u.rowFields[0])
		}
		out[i] = row
	}
	return out
}

// signature is the SQL signature, for errors.
func (u *scalarUDF) signature() string {
	parts := make([]string, len(u.params))
	for i, p := range u.params {
		parts[i] = p.sql.String()
	}
	if u.variadic {
		parts[len(parts)-1] += "..."
	}
	return u.name + "(" + strings.Join(parts, ", ") + ")"
}

// paramFor returns the parameter argument i binds to.
func (u *scalarUDF) paramFor(i int) goParam {
	if i >= len(u.params) {
		return u.params[len(u.params)-1]
	}
	return u.params[i]
}

func (u *scalarUDF) resolve(args []types.Type) (*functions.Resolved, error) {
	fixed := len(u.params)
	if u.variadic {
		fixed--
	}
	if len(args) < fixed || !u.variadic && len(args) > fixed {
		return nil, fmt.Errorf("%s takes %d arguments, got %d; signature %s", u.name, fixed, len(args), u.signature())
	}
	ps := make([]types.Type, len(args))
	nullOut := false
	for i, a := range args {
		p := u.paramFor(i)
		if !implicitlyCastable(a, p.sql) {
			return nil, fmt.Errorf("%s does not accept %s as argument %d; signature %s", u.name, a, i+1, u.signature())
		}
		ps[i] = p.sql.WithNullable(a.IsNullable())
		if a.IsNullable() && !p.pointer {
			nullOut = true
		}
	}
	res := u.result.sql.WithNullable(u.result.pointer || nullOut)
	if u.table {
		res = u.rowType().WithNullable(nullOut)
	}
	return functions.NewResolved(u.name, ps, res, true, u.kernel), nil
}

// implicitlyCastable reports whether a value of type from may be passed
// where to is expected: same family, as Flink's implicit conversions.
func implicitlyCastable(from, to types.Type) bool {
	if from.Kind == types.KindNull {
		return true
	}
	switch {
	case to.IsNumeric():
		if !from.IsNumeric() {
			return false
		}
		// No silent narrowing of integers.
		return !(to.IsIntegral() && (!from.IsIntegral() || from.Kind > to.Kind))
	case to.IsCharacter():
		return from.IsCharacter()
	case to.IsBinaryString():
		return from.IsBinaryString()
	case to.Kind == types.KindTimestamp:
		return from.Kind == types.KindTimestamp || from.Kind == types.KindDate
	}
	return from.Kind == to.Kind
}

// kernel calls the function once per row.
func (u *scalarUDF) kernel(_ *functions.Context, args []*vector.Vector, n int, out *vector.Vector) error {
	out.Reset()
	in := make([]reflect.Value, len(args))
	for i := range n {
		null := false
		for j, a := range args {
			p := u.paramFor(j)
			if a.IsNull(i) {
				if !p.pointer {
					null = true
					break
				}
				in[j] = reflect.Zero(p.typ)
				continue
			}
			in[j] = goValue(a, i, p)
		}
		if null {
			out.AppendNull()
			continue
		}
		res, err := u.call(in)
		if err != nil {
			out.AppendNull()
			out.SetError(i, fmt.Errorf("function %s: %w", u.name, err))
			continue
		}
		if u.table {
			out.AppendAny(u.rows(res))
			continue
		}
		appendGo(out, res, u.result)
	}
	return nil
}

// call invokes the function, turning a panic into an error so a faulty
// function fails the job rather than the process.
func (u *scalarUDF) call(in []reflect.Value) (res reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	outs := u.fn.Call(in)
	if u.hasErr && !outs[1].IsNil() {
		return reflect.Value{}, outs[1].Interface().(error)
	}
	return outs[0], nil
}

// goValue reads row i of a (of type p.sql) as a Go value of type p.typ.
func goValue(a *vector.Vector, i int, p goParam) reflect.Value {
	base := p.typ
	if p.pointer && base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	v := reflect.New(base).Elem()
	switch {
	case base == timeType:
		v.Set(reflect.ValueOf(a.TimestampAt(i).Time(time.UTC)))
	case base.Kind() == reflect.Slice:
		v.SetBytes(append([]byte{}, a.BytesAt(i)...))
	default:
		switch base.Kind() {
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			v.SetInt(a.Int64At(i))
		case reflect.Float32, reflect.Float64:
			v.SetFloat(a.Float64At(i))
		case reflect.Bool:
			v.SetBool(a.BoolAt(i))
		case reflect.String:
			v.SetString(string(a.BytesAt(i)))
		}
	}
	if p.typ.Kind() == reflect.Pointer {
		return v.Addr()
	}
	return v
}

// appendGo appends the Go value x (of type p.typ) to out.
func appendGo(out *vector.Vector, x reflect.Value, p goParam) {
	if p.typ.Kind() == reflect.Pointer || p.typ.Kind() == reflect.Slice {
		if x.IsNil() {
			out.AppendNull()
			return
		}
		if p.typ.Kind() == reflect.Pointer {
			x = x.Elem()
		}
	}
	switch {
	case x.Type() == timeType:
		t := x.Interface().(time.Time).Truncate(time.Millisecond)
		out.AppendTimestamp(types.TimestampFromTime(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)))
	case x.Kind() == reflect.Slice:
		out.AppendBytes(x.Bytes())
	default:
		switch x.Kind() {
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			out.AppendInt64(x.Int())
		case reflect.Float32, reflect.Float64:
			out.AppendFloat64(x.Float())
		case reflect.Bool:
			out.AppendBool(x.Bool())
		case reflect.String:
			out.AppendString(x.String())
		default:
			out.AppendNull()
		}
	}
}

// RegisterTableFunction makes the Go function fn a table function, called
// as t CROSS JOIN LATERAL TABLE(name(args)) [AS alias(cols)] (or LEFT JOIN
// … ON TRUE, which keeps rows with no output). fn returns a slice of rows,
// optionally with an error: a slice of a struct, whose exported fields are
// the columns (named as the fields), or of a single value (column f0).
// Parameters and NULL handling are those of RegisterScalarFunction; a
// call skipped for a NULL argument yields no rows.
func (s *Session) RegisterTableFunction(name string, fn any) error {
	u, err := newGoFunc(name, fn, true)
	if err != nil {
		return err
	}
	return s.registerFunction(name, &catalog.Function{Table: &functions.UDF{Name: name, Resolve: u.resolve}, Language: "GO"})
}
