package sql

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// AggregateFunction is a user-defined aggregate, Flink's AggregateFunction:
// ACC is the accumulator, kept in keyed state (so it needs a serde.For
// codec: basic types, slices, arrays, structs and pointers of them), IN the
// arguments, OUT the result. IN is a single value (one argument) or a
// struct whose exported fields, in order, are the arguments; the Go types
// map to SQL types as for RegisterScalarFunction.
//
// NULL: a pointer (or []byte) argument receives nil for NULL; a row with a
// NULL for a non-pointer argument is skipped, as the built-in aggregates
// skip NULLs. A pointer OUT is nullable, nil meaning NULL.
type AggregateFunction[ACC, IN, OUT any] interface {
	CreateAccumulator() ACC
	Accumulate(acc *ACC, in IN)
	GetValue(acc ACC) OUT
}

// Retractor is implemented by aggregate functions that can take a row back,
// which makes them usable on updating input (after a GROUP BY, a regular
// join …). Without it a retraction fails the job.
type Retractor[ACC, IN any] interface {
	Retract(acc *ACC, in IN)
}

// RegisterAggregateFunction makes agg callable from SQL as the aggregate
// name (case-insensitive, in s's current database). Methods cannot have
// type parameters in Go, so this is a function rather than a Session method.
//
// Each row decodes and re-encodes the accumulator with its codec: state is
// always the encoded form, at a cost per row of one codec round trip and
// a reflective conversion of the arguments.
func RegisterAggregateFunction[ACC, IN, OUT any](s *Session, name string, agg AggregateFunction[ACC, IN, OUT]) error {
	if s == nil || agg == nil {
		return fmt.Errorf("register aggregate function %q: nil session or function", name)
	}
	codec, err := serde.For[ACC]()
	if err != nil {
		return fmt.Errorf("register aggregate function %q: accumulator: %w", name, err)
	}
	inT := reflect.TypeFor[IN]()
	var params []goParam
	structIn := inT.Kind() == reflect.Struct && inT != timeType
	if structIn {
		for i := range inT.NumField() {
			f := inT.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("register aggregate function %q: input field %s is not exported", name, f.Name)
			}
			p, err := sqlTypeOf(f.Type)
			if err != nil {
				return fmt.Errorf("register aggregate function %q: input field %s: %w", name, f.Name, err)
			}
			params = append(params, p)
		}
	} else {
		p, err := sqlTypeOf(inT)
		if err != nil {
			return fmt.Errorf("register aggregate function %q: input: %w", name, err)
		}
		params = []goParam{p}
	}
	out, err := sqlTypeOf(reflect.TypeFor[OUT]())
	if err != nil {
		return fmt.Errorf("register aggregate function %q: result: %w", name, err)
	}
	ret, canRetract := agg.(Retractor[ACC, IN])
	a := &aggUDF[ACC, IN, OUT]{name: name, agg: agg, retract: ret, codec: codec, params: params, structIn: structIn, out: out}
	u := &functions.AggregateUDF{Name: name, Resolve: a.resolve, Retract: canRetract, Create: a.create, Add: a.add, Result: a.result}
	return s.registerFunction(name, &catalog.Function{Aggregate: u, Language: "GO"})
}

type aggUDF[ACC, IN, OUT any] struct {
	name     string
	agg      AggregateFunction[ACC, IN, OUT]
	retract  Retractor[ACC, IN]
	codec    serde.Codec[ACC]
	params   []goParam
	structIn bool
	out      goParam
}

func (a *aggUDF[ACC, IN, OUT]) signature() string {
	parts := make([]string, len(a.params))
	for i, p := range a.params {
		parts[i] = p.sql.String()
	}
	return a.name + "(" + strings.Join(parts, ", ") + ")"
}

func (a *aggUDF[ACC, IN, OUT]) resolve(args []types.Type) (types.Type, error) {
	if len(args) != len(a.params) {
		return types.Type{}, fmt.Errorf("%s takes %d arguments, got %d; signature %s", a.name, len(a.params), len(args), a.signature())
	}
	for i, t := range args {
		// Arguments arrive unconverted: accept what goFromValue reads.
		if t.Kind == types.KindDecimal || !implicitlyCastable(t, a.params[i].sql) {
			return types.Type{}, fmt.Errorf("%s does not accept %s as argument %d; signature %s", a.name, t, i+1, a.signature())
		}
	}
	return a.out.sql.WithNullable(a.out.pointer), nil
}

// The encoding starts with a version byte, so an accumulator never encodes
// as empty (empty means "not created yet" to the executor).
const accVersion = 1

func (a *aggUDF[ACC, IN, OUT]) encode(acc ACC) []byte {
	return a.codec.Append([]byte{accVersion}, acc)
}

func (a *aggUDF[ACC, IN, OUT]) decode(b []byte) (ACC, error) {
	var zero ACC
	if len(b) == 0 || b[0] != accVersion {
		return zero, fmt.Errorf("accumulator of unknown encoding")
	}
	acc, _, err := a.codec.Decode(b[1:])
	if err != nil {
		return zero, fmt.Errorf("decode accumulator: %w", err)
	}
	return acc, nil
}

func (a *aggUDF[ACC, IN, OUT]) create() (b []byte, err error) {
	defer recoverTo(&err)
	return a.encode(a.agg.CreateAccumulator()), nil
}

func (a *aggUDF[ACC, IN, OUT]) add(b []byte, args []any, retract bool) (_ []byte, err error) {
	defer recoverTo(&err)
	acc, err := a.decode(b)
	if err != nil {
		return nil, err
	}
	var in IN
	v := reflect.ValueOf(&in).Elem()
	for i, x := range args {
		p := a.params[i]
		var rv reflect.Value
		if x == nil {
			if !p.pointer {
				return b, nil // a NULL for a non-pointer input: skip the row
			}
			rv = reflect.Zero(p.typ)
		} else if rv, err = goFromValue(x, p); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		if a.structIn {
			v.Field(i).Set(rv)
		} else {
			v.Set(rv)
		}
	}
	if retract {
		if a.retract == nil {
			return nil, fmt.Errorf("no Retract method")
		}
		a.retract.Retract(&acc, in)
	} else {
		a.agg.Accumulate(&acc, in)
	}
	return a.encode(acc), nil
}

func (a *aggUDF[ACC, IN, OUT]) result(b []byte) (_ any, err error) {
	defer recoverTo(&err)
	acc, err := a.decode(b)
	if err != nil {
		return nil, err
	}
	return goToValue(reflect.ValueOf(a.agg.GetValue(acc)), a.out), nil
}

// recoverTo turns a panic of user code into an error, so a faulty function
// fails the job rather than the process.
func recoverTo(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("panic: %v", r)
	}
}

// goFromValue converts x, a non-NULL value in package types'
// representation, to a Go value of type p.typ.
func goFromValue(x any, p goParam) (reflect.Value, error) {
	base := p.typ
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	v := reflect.New(base).Elem()
	bad := fmt.Errorf("cannot pass %T as %s", x, p.typ)
	switch {
	case base == timeType:
		ts, ok := x.(types.TimestampValue)
		if !ok {
			return v, bad
		}
		v.Set(reflect.ValueOf(ts.Time(time.UTC)))
	case base.Kind() == reflect.Slice:
		b, ok := x.([]byte)
		if !ok {
			return v, bad
		}
		v.SetBytes(b)
	default:
		xv := reflect.ValueOf(x)
		switch {
		case base.Kind() == reflect.String && xv.Kind() == reflect.String,
			base.Kind() == reflect.Bool && xv.Kind() == reflect.Bool:
			v.Set(xv.Convert(base))
		case v.CanInt() && xv.CanInt():
			v.SetInt(xv.Int())
		case v.CanFloat() && (xv.CanInt() || xv.CanFloat()):
			v.Set(xv.Convert(base))
		default:
			return v, bad
		}
	}
	if p.typ.Kind() == reflect.Pointer {
		return v.Addr(), nil
	}
	return v, nil
}

// goToValue converts the Go value x (of type p.typ) to package types'
// representation, nil for NULL.
func goToValue(x reflect.Value, p goParam) any {
	if p.typ.Kind() == reflect.Pointer || p.typ.Kind() == reflect.Slice {
		if x.IsNil() {
			return nil
		}
		if p.typ.Kind() == reflect.Pointer {
			x = x.Elem()
		}
	}
	switch {
	case x.Type() == timeType:
		t := x.Interface().(time.Time).Truncate(time.Millisecond)
		return types.TimestampFromTime(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC))
	case x.Kind() == reflect.Slice:
		return append([]byte{}, x.Bytes()...)
	}
	switch x.Kind() {
	case reflect.Int8:
		return int8(x.Int())
	case reflect.Int16:
		return int16(x.Int())
	case reflect.Int32:
		return int32(x.Int())
	case reflect.Int64, reflect.Int:
		return x.Int()
	case reflect.Float32:
		return float32(x.Float())
	case reflect.Float64:
		return x.Float()
	case reflect.Bool:
		return x.Bool()
	case reflect.String:
		return x.String()
	}
	return nil
}
