package operator

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/statebackend/opstate"
)

// Clock gives processing time in epoch milliseconds. The runtime uses the
// wall clock; tests inject a manual one.
type Clock interface {
	NowMillis() int64
}

// ProcessingTimers schedules callbacks on the task's goroutine once
// processing time reaches a timestamp. It is the task's processing-time
// service; keyed timer services schedule their earliest timer through it.
type ProcessingTimers interface {
	// At runs fn(now) on the task goroutine once the clock reaches ts. It
	// returns a function that cancels the callback if it has not run.
	At(ts int64, fn func(now int64)) (cancel func())
}

// Context is what an operator instance knows of where it runs and the
// services it may use. The task creates one per operator and subtask.
type Context struct {
	JobName      string
	OperatorName string
	OperatorUID  string
	// TaskName is the chain's name with the subtask, e.g. "Map -> Sink (2/4)".
	TaskName       string
	Subtask        int
	Parallelism    int
	MaxParallelism int
	Attempt        int

	Clock  Clock
	Timers ProcessingTimers

	// Keyed is the keyed state backend of a keyed operator, nil otherwise.
	Keyed statebackend.Keyed
	// KeyGroups is the key-group range this subtask owns.
	KeyGroups keygroup.Range

	// SideOutputs maps a side-output tag id to an Output[X] of the tag's type.
	SideOutputs map[string]any
	// OperatorState is the instance's operator (non-keyed) state, restored
	// by the runtime when the job starts from a checkpoint and snapshotted
	// at every checkpoint. Use OperatorStateStore, which never returns nil.
	OperatorState *opstate.Store
	// BroadcastState caches the handles of the operator's broadcast states
	// (kept in OperatorState) by name.
	BroadcastState map[string]any
	// CurrentWatermark returns the operator's current input watermark.
	CurrentWatermark func() int64
	// FinalCheckpoint reports that the job checkpoints periodically, so
	// the task, after Finish, waits for a checkpoint to complete before it
	// ends (task.SetFinalCheckpoint): what an operator leaves in Finish for
	// NotifyCheckpointComplete (a sink's last commit) will be done.
	FinalCheckpoint bool
}

// OperatorStateStore returns the instance's operator state, an empty store
// if the runtime gave none (operators driven by hand in tests).
func (c *Context) OperatorStateStore() *opstate.Store {
	if c.OperatorState == nil {
		c.OperatorState = opstate.NewStore()
	}
	return c.OperatorState
}

// Failure is the panic value an operator uses to fail its task with an error
// (see Fail). The task recovers it and reports the error, not a panic.
type Failure struct {
	Err error
}

func (f *Failure) Error() string { return f.Err.Error() }
func (f *Failure) Unwrap() error { return f.Err }

// Fail stops the task with err. It does not return.
func Fail(err error) {
	panic(&Failure{Err: err})
}

// Failf stops the task with a formatted error. It does not return.
func Failf(format string, args ...any) {
	Fail(fmt.Errorf(format, args...))
}

// SideOutput returns the output of side-output tag id with element type X,
// or a discarding output when nothing consumes the tag.
func SideOutput[X any](ctx *Context, id string) Output[X] {
	if o, ok := ctx.SideOutputs[id]; ok {
		if out, ok := o.(Output[X]); ok {
			return out
		}
		Failf("side output %q has element type %T, not %T", id, o, Output[X](nil))
	}
	return Discard[X]{}
}
