package testenv

import (
	"fmt"
	"runtime/debug"

	"github.com/eddy-streams/eddy/internal/operator"
)

// PanicError is a panic of the operator, other than an *operator.Failure,
// that a harness recovered.
type PanicError struct {
	// Value is the value the operator panicked with.
	Value any
	// Stack is the goroutine's stack where it panicked.
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns Value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// guard runs fn and turns a panic into its error: an *operator.Failure as
// itself, anything else as a *PanicError.
func guard(fn func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if f, ok := r.(*operator.Failure); ok {
			err = f
			return
		}
		err = &PanicError{Value: r, Stack: string(debug.Stack())}
	}()
	return fn()
}
