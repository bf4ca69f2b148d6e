// Package cluster owns running a job graph: the execution (one task per
// subtask, channels between them, chains wired), the slots the tasks are
// deployed into through the TaskExecutor interface, and the job master that
// starts coordinators, deploys, watches and cancels. Local mode is this same
// path with an in-process TaskExecutor; a networked TaskManager implements
// the same interface later.
//
// With Options.Checkpointing the job master also runs the checkpoint
// driver (checkpointing.go): it steps the checkpoint.Coordinator on its own
// goroutine, triggers the source tasks, snapshots each task's keyed
// backends and source splits on the task goroutine, writes them to the
// storage asynchronously, and writes a checkpoint's _metadata once every
// task acknowledged it (docs/format/checkpoint-metadata.md). On a task
// failure the restart strategy (restart.go) decides whether to run a new
// attempt, which restores every task from the latest intact checkpoint.
package cluster
