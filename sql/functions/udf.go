package functions

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/types"
)

// UDF is a user-defined function held by the session's catalog rather than
// the built-in registry. The binder and the executor resolve a call of it
// through Resolve, which must return a fresh Resolved per call (Resolved
// holds per-subtask scratch).
type UDF struct {
	// Name is the name the function was registered under, as written.
	Name string
	// Resolve returns the call for the argument types, or an error naming
	// the accepted signature.
	Resolve func(args []types.Type) (*Resolved, error)
	// Class is the class name a function made by CREATE FUNCTION … AS
	// 'class' was registered under in Go ("" for one registered on a
	// session directly): a plan written as data names the function by it.
	Class string
}

// ClassResolver makes the function named name from the Go function
// registered under class; package sql sets it. Plans read from data
// resolve their functions through it.
var ClassResolver func(class, name string) (*UDF, error)

// ResolveClass returns the function of class for a plan read from data.
func ResolveClass(class, name string) (*UDF, error) {
	if ClassResolver == nil {
		return nil, fmt.Errorf("function %s: no Go function class %q is registered", name, class)
	}
	return ClassResolver(class, name)
}

// NewResolved wraps a kernel written outside this package (user-defined
// functions). Row errors of the arguments become row errors of the result,
// as for the built-in NULL-in-NULL-out functions.
func NewResolved(name string, args []types.Type, result types.Type, deterministic bool, k Kernel) *Resolved {
	return &Resolved{Name: name, Args: args, Result: result, Deterministic: deterministic, kernel: k, strict: true}
}

// IsBuiltin reports whether name (any case) is a built-in function or
// operator, which a user-defined function may not shadow.
func IsBuiltin(name string) bool {
	_, ok := registry[normName(name)]
	return ok
}

// AggregateUDF is a user-defined aggregate function. Its accumulators are
// kept encoded, so the state backend checkpoints them as bytes.
type AggregateUDF struct {
	Name string
	// Resolve returns the result type for the argument types, or an error
	// naming the accepted signature.
	Resolve func(args []types.Type) (types.Type, error)
	// Retract is set when the function can retract, so it may consume
	// updating input.
	Retract bool
	// Create returns a new, encoded accumulator.
	Create func() ([]byte, error)
	// Add accumulates (or retracts) one row of arguments (Go values in
	// package types' representation, nil for NULL) into the encoded
	// accumulator and returns the new encoding.
	Add func(acc []byte, args []any, retract bool) ([]byte, error)
	// Result returns the value of the encoded accumulator (nil for NULL).
	Result func(acc []byte) (any, error)
}
