// Package task owns the subtask: one goroutine that runs a chain of
// operators (the mailbox model). Records from the input gates or the source
// reader, watermarks, processing-time callbacks, mail from other goroutines
// (split assignments, cancellation, and next checkpoint triggers) are all
// handled on that goroutine, so operators never lock.
//
// The loop: run mail, fire due processing-time callbacks, then process a
// bounded amount of input; when nothing is ready, flush partial output
// batches and block until an input channel, the mailbox, the next timer or
// cancellation wakes it. A panic anywhere in the chain is recovered here and
// turned into an error naming the operator and subtask, with the stack.
package task
