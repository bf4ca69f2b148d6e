package connector

// Sink writes a stream out. Each subtask gets a SinkWriter.
type Sink[T any] interface {
	CreateWriter(ctx SinkContext) (SinkWriter[T], error)
}

// SinkContext tells a writer where it runs.
type SinkContext interface {
	Subtask() int
	Parallelism() int
	NowMillis() int64
}

// SinkWriter writes the records of one subtask.
type SinkWriter[T any] interface {
	// Write writes one record; ts is its event timestamp or
	// event.NoTimestamp (math.MinInt64).
	Write(v T, ts int64) error
	// Flush is called at the end of bounded input (endOfInput true) and,
	// with checkpoints, before each checkpoint barrier.
	Flush(endOfInput bool) error
	Close() error
}

// Committable is a unit of pre-committed work of a two-phase-commit writer
// (a transaction, a staged file), as Flink's SinkV2 committables.
type Committable any

// TwoPhaseCommittingSink is a sink whose writers pre-commit on each
// checkpoint barrier and whose committer commits once the checkpoint is
// complete. Commit must be idempotent: after a failure, committables of a
// completed checkpoint are committed again.
type TwoPhaseCommittingSink[T any] interface {
	Sink[T]
	CreateCommitter() (Committer, error)
}

// PrecommittingWriter is the writer of a TwoPhaseCommittingSink.
type PrecommittingWriter[T any] interface {
	SinkWriter[T]
	// PrepareCommit returns the committables of everything written since the
	// last call; it is called after Flush on a checkpoint barrier.
	PrepareCommit() ([]Committable, error)
}

// Committer commits and aborts committables.
type Committer interface {
	Commit(cs []Committable) error
	Abort(cs []Committable) error
	Close() error
}

// CommittableCodec encodes the committables of a TwoPhaseCommittingSink
// for checkpoints: a sink must implement it to run with checkpointing.
type CommittableCodec interface {
	EncodeCommittable(c Committable) ([]byte, error)
	DecodeCommittable(b []byte) (Committable, error)
}

// StatefulSinkWriter is a writer with state of its own in checkpoints (a
// file sink's part counter), taken after PrepareCommit on each barrier.
type StatefulSinkWriter[T any] interface {
	SinkWriter[T]
	SnapshotState(checkpointID int64) ([]byte, error)
}

// StatefulSink restores its writers from the state their
// StatefulSinkWriter snapshotted. When a job restores from a checkpoint,
// RestoreWriter is called instead of CreateWriter with the states of the
// subtask (none if the writer had no state then).
type StatefulSink[T any] interface {
	Sink[T]
	RestoreWriter(ctx SinkContext, states [][]byte) (SinkWriter[T], error)
}
