// Package task owns the subtask: one goroutine that runs a chain of
// operators (the mailbox model). Records from the input gates or the source
// reader, watermarks, processing-time callbacks, mail from other goroutines
// (split assignments, cancellation, checkpoint triggers and notifications) are all
// handled on that goroutine, so operators never lock.
//
// The loop: run mail, fire due processing-time callbacks, then process a
// bounded amount of input; when nothing is ready, flush partial output
// batches and block until an input channel, the mailbox, the next timer or
// cancellation wakes it. A panic anywhere in the chain is recovered here and
// turned into an error naming the operator and subtask, with the stack.
//
// Checkpoints (checkpoint.go): a source task takes checkpoint n when the
// job master triggers it (TriggerCheckpoint, through the mailbox); any other
// task when barrier n arrived on its inputs, as its exchange.Aligner says
// (exactly-once: channels are blocked until aligned; at-least-once: never).
// Taking it means: operators that implement operator.PreBarrier prepare
// (head first), the barrier goes out on every writer, then the task's
// CheckpointHandler snapshots. Failures to prepare or snapshot decline the
// checkpoint instead of failing the task. Completion and abort
// notifications arrive as mail and reach every operator.CheckpointListener.
//
// Unaligned checkpoints (unaligned.go): the task takes checkpoint n as soon
// as the aligner says so (UnalignedStarted), sends unaligned barriers, and
// hands the channel state the gates recorded to its handler
// (ChannelStateHandler) once every channel delivered barrier n. A restored
// task replays its channel state before it reads new input.
package task
