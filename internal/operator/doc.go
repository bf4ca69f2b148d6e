// Package operator owns the one operator contract of the runtime: what a
// task calls on the operators of its chain (Open, ProcessElement,
// ProcessWatermark, Finish, Close …), what operators emit into (Output), and
// the per-operator Context through which they reach the task's services:
// processing-time callbacks, keyed state, side outputs, failure.
//
// Everything here runs on the owning subtask's goroutine (the mailbox model);
// nothing locks. Per-record calls carry no error return: an operator that
// cannot go on calls Context.Fail (or panics), the task recovers at its loop
// and fails the job with the operator's name, the subtask and the stack.
package operator
