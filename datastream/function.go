package datastream

import (
	"reflect"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Collector receives the output of a function.
type Collector[T any] interface {
	Collect(v T)
}

// Opener is implemented by functions that set up (state, connections)
// before the first element.
type Opener interface {
	Open(rc *RuntimeContext) error
}

// Closer is implemented by functions that release resources at the end.
type Closer interface {
	Close() error
}

// RuntimeContext tells a function where it runs and gives access to keyed
// state (on keyed streams).
type RuntimeContext struct {
	op *operator.Context
}

func (rc *RuntimeContext) JobName() string      { return rc.op.JobName }
func (rc *RuntimeContext) OperatorName() string { return rc.op.OperatorName }
func (rc *RuntimeContext) TaskName() string     { return rc.op.TaskName }

// Subtask is the index of this parallel instance, from 0.
func (rc *RuntimeContext) Subtask() int        { return rc.op.Subtask }
func (rc *RuntimeContext) Parallelism() int    { return rc.op.Parallelism }
func (rc *RuntimeContext) MaxParallelism() int { return rc.op.MaxParallelism }

// timestampedCollector emits with a fixed timestamp: the input record's,
// or a timer's.
type timestampedCollector[T any] struct {
	out operator.Output[T]
	ts  int64
}

func (c *timestampedCollector[T]) Collect(v T) {
	c.out.Collect(operator.Record[T]{Value: v, Timestamp: c.ts})
}

func openFunction(fn any, ctx *operator.Context) error {
	if err := initializeState(fn, ctx); err != nil {
		return err
	}
	if o, ok := fn.(Opener); ok {
		return o.Open(&RuntimeContext{op: ctx})
	}
	return nil
}

func closeFunction(fn any) error {
	if c, ok := fn.(Closer); ok {
		return c.Close()
	}
	return nil
}

// OutputTag names a side output of element type T.
type OutputTag[T any] struct {
	id string
}

// NewOutputTag returns the tag of a side output named id.
func NewOutputTag[T any](id string) OutputTag[T] { return OutputTag[T]{id: id} }

// ID returns the tag's name.
func (t OutputTag[T]) ID() string { return t.id }

// sideEmitter emits to side outputs with the current record's timestamp.
type sideEmitter struct {
	op *operator.Context
	ts int64
}

// Output emits v to the side output tag of a process function's context.
func Output[X any](ctx SideOutputContext, tag OutputTag[X], v X) {
	e := ctx.sideEmitter()
	operator.SideOutput[X](e.op, tag.id).Collect(operator.Record[X]{Value: v, Timestamp: e.ts})
}

// SideOutputContext is a context that can emit to side outputs.
type SideOutputContext interface {
	sideEmitter() *sideEmitter
}

func noTimestamp(ts int64) (int64, bool) { return ts, ts != event.NoTimestamp }

// instance returns the function object one parallel instance uses. A
// pointer to a struct is copied (shallowly), so that what Open stores in it
// (state handles, connections) belongs to one subtask, as each Flink subtask
// works on its own deserialized copy of the function. Other function values
// are shared as they are: closures must not keep per-subtask data.
func instance[F any](fn F) F {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fn
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	return c.Interface().(F)
}
