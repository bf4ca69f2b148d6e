package operator

// PreBarrier is implemented by an operator that must act before a
// checkpoint barrier leaves its task: when the task takes checkpoint
// checkpointID it calls PrepareSnapshotPreBarrier on every operator of its
// chain that implements it, head first, before the barrier is emitted
// downstream. An operator may emit records here (a buffering operator
// flushes); they go out before the barrier. An error declines the
// checkpoint; it does not fail the task.
type PreBarrier interface {
	PrepareSnapshotPreBarrier(checkpointID int64) error
}

// CheckpointListener is implemented by an operator that wants to know the
// fate of checkpoints (a two-phase-commit sink commits on completion). The
// task calls it on its goroutine, through the mailbox, for every operator
// of its chain, head first. An error fails the task.
type CheckpointListener interface {
	// NotifyCheckpointComplete is called when checkpoint checkpointID
	// completed: every task acknowledged it.
	NotifyCheckpointComplete(checkpointID int64) error
	// NotifyCheckpointAborted is called when checkpoint checkpointID will
	// not complete.
	NotifyCheckpointAborted(checkpointID int64) error
}
