package datastream

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend/opstate"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// CheckpointedFunction is implemented by functions that keep operator
// state: non-keyed state of the parallel instance, in checkpoints and
// savepoints (Flink's CheckpointedFunction). InitializeState is called
// before Open, on a fresh start and on a restore; it gets its states with
// GetOperatorListState and GetUnionListState. SnapshotState is called at
// every checkpoint, on the task goroutine, before the states are written:
// a function that keeps its data in plain fields copies it into its states
// there.
type CheckpointedFunction interface {
	InitializeState(ctx *StateInitializationContext) error
	SnapshotState(ctx StateSnapshotContext) error
}

// StateInitializationContext gives a CheckpointedFunction its operator
// state.
type StateInitializationContext struct {
	RuntimeContext
	store *opstate.Store
}

// IsRestored reports whether the job started from a checkpoint or
// savepoint (also when it held no state for this instance).
func (c *StateInitializationContext) IsRestored() bool { return c.store.IsRestored() }

// StateSnapshotContext says which checkpoint SnapshotState is called for.
type StateSnapshotContext struct {
	CheckpointID int64
}

// GetOperatorListState returns the operator list state d of the instance.
// On a restore at another parallelism the elements of all old instances
// are dealt in contiguous, even parts among the new ones (Flink's
// even-split redistribution).
func GetOperatorListState[T any](ctx *StateInitializationContext, d state.ListDescriptor[T]) (state.ListState[T], error) {
	return operatorList(ctx, d, opstate.Split)
}

// GetUnionListState returns the union list state d of the instance: on a
// restore every instance gets the elements of all old instances.
func GetUnionListState[T any](ctx *StateInitializationContext, d state.ListDescriptor[T]) (state.ListState[T], error) {
	return operatorList(ctx, d, opstate.Union)
}

func operatorList[T any](ctx *StateInitializationContext, d state.ListDescriptor[T], mode opstate.Mode) (state.ListState[T], error) {
	if ctx == nil || ctx.store == nil {
		return nil, fmt.Errorf("operator state %q: no state initialization context", d.StateName())
	}
	if d.StateName() == "" {
		return nil, fmt.Errorf("operator state: the descriptor has an empty name")
	}
	if d.TTLConfig().Enabled() {
		return nil, fmt.Errorf("operator state %q has a TTL: only keyed state expires", d.StateName())
	}
	codec, _ := serde.For[T]() // without one the state works until a checkpoint needs it
	l, err := opstate.NewList(ctx.store, d.StateName(), mode, codec)
	if err != nil {
		return nil, fmt.Errorf("operator %q: %w", ctx.OperatorName(), err)
	}
	return l, nil
}

// initializeState calls fn's InitializeState if it is a
// CheckpointedFunction and has its SnapshotState called at checkpoints.
func initializeState(fn any, ctx *operator.Context) error {
	cf, ok := fn.(CheckpointedFunction)
	if !ok {
		return nil
	}
	store := ctx.OperatorStateStore()
	if err := cf.InitializeState(&StateInitializationContext{RuntimeContext: RuntimeContext{op: ctx}, store: store}); err != nil {
		return fmt.Errorf("initializing the state of %q: %w", ctx.OperatorName, err)
	}
	store.OnSnapshot(func(id int64) error { return cf.SnapshotState(StateSnapshotContext{CheckpointID: id}) })
	return nil
}
