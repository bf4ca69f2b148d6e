package connector

// Boundedness says whether a source ends.
type Boundedness int

const (
	Bounded Boundedness = iota
	Unbounded
)

// Split is a unit of work of a source: a file, a partition, a range.
type Split interface {
	SplitID() string
}

// Source is a parallel source: one Enumerator for the job assigns splits to
// the Readers of its subtasks.
type Source[T any] interface {
	Boundedness() Boundedness
	CreateEnumerator(ctx EnumeratorContext) (Enumerator, error)
	CreateReader(ctx ReaderContext) (Reader[T], error)
}

// EnumeratorContext is what an enumerator may do. Its methods may be called
// from the enumerator's callbacks only.
type EnumeratorContext interface {
	// Parallelism is the number of reader subtasks.
	Parallelism() int
	// Assign hands splits to a reader subtask.
	Assign(subtask int, splits ...Split)
	// SignalNoMoreSplits tells a reader it gets no further splits; a
	// bounded reader ends once its splits are done.
	SignalNoMoreSplits(subtask int)
}

// Enumerator discovers splits and assigns them. It runs in the job master;
// its callbacks are serialized.
type Enumerator interface {
	// Start is called once before any other callback.
	Start() error
	// AddReader is called when a reader subtask registered.
	AddReader(subtask int)
	// HandleSplitRequest is called when a reader asks for a split.
	HandleSplitRequest(subtask int)
	// AddSplitsBack returns splits of a failed reader for reassignment.
	AddSplitsBack(splits []Split, subtask int)
	Close() error
}

// EnumeratorSnapshotter is implemented by enumerators whose state goes into
// checkpoints (Flink's SplitEnumerator.snapshotState): the splits they have
// not assigned yet, what they discovered. The coordinator snapshots the
// enumerator before the source readers take the checkpoint, and holds back
// the assignments made in between until the checkpoint's barriers left the
// readers, so that a split is never both in the enumerator's state and in a
// reader's.
type EnumeratorSnapshotter interface {
	SnapshotState(checkpointID int64) ([]byte, error)
}

// EnumeratorRestorer is implemented by sources whose enumerators restore
// their state (see EnumeratorSnapshotter): when a job restores a
// checkpoint, the enumerator is made with RestoreEnumerator instead of
// CreateEnumerator, then started and told about the readers as on a fresh
// start, while each reader gets back its own splits. Sources whose
// enumerators have no state assign every split before the first checkpoint;
// after a restore theirs is not started again.
type EnumeratorRestorer interface {
	RestoreEnumerator(ctx EnumeratorContext, state []byte) (Enumerator, error)
}

// ReaderContext is what a reader may do.
type ReaderContext interface {
	Subtask() int
	Parallelism() int
	// RequestSplit asks the enumerator for a split; it answers later, by
	// AddSplits or NotifyNoMoreSplits.
	RequestSplit()
	// NowMillis is the processing time.
	NowMillis() int64
}

// InputStatus is what Reader.Poll reports.
type InputStatus int

const (
	// MoreAvailable: call Poll again right away.
	MoreAvailable InputStatus = iota
	// NothingAvailable: call Poll again when Available is ready, or after
	// new splits arrived.
	NothingAvailable
	// EndOfInput: the reader has no more splits and never will.
	EndOfInput
)

// Reader reads the splits assigned to one subtask. Its methods are called
// on the subtask's goroutine only.
type Reader[T any] interface {
	Start() error
	AddSplits(splits []Split)
	NotifyNoMoreSplits()
	// Poll emits what is available into out, a bounded amount per call.
	Poll(out ReaderOutput[T]) (InputStatus, error)
	// Available returns a channel that becomes ready when Poll may make
	// progress after it reported NothingAvailable (nil: only new splits can).
	Available() <-chan struct{}
	Close() error
}

// ReaderOutput receives a reader's records. Records emitted on a split's own
// output get watermarks generated per split; the source's watermark is the
// minimum over its active splits.
type ReaderOutput[T any] interface {
	SplitOutput[T]
	// ForSplit returns the output of one split, creating it on first use.
	ForSplit(splitID string) SplitOutput[T]
	// ReleaseSplit drops a finished split's output so it no longer holds the
	// watermark back.
	ReleaseSplit(splitID string)
}

// SplitOutput receives the records of one split.
type SplitOutput[T any] interface {
	// Collect emits v; its timestamp comes from the watermark strategy's
	// timestamp assigner, if any.
	Collect(v T)
	// CollectWithTimestamp emits v with a source timestamp (the assigner
	// still sees it as the record's previous timestamp).
	CollectWithTimestamp(v T, ts int64)
}

// SplitSnapshotter is implemented by readers whose position can be
// checkpointed. SnapshotSplits is called on the subtask's goroutine when
// the subtask takes a checkpoint; it returns the reader's unfinished splits
// with their current positions (a split's state is a Split). On recovery
// the same reader subtask gets these splits back through AddSplits.
type SplitSnapshotter interface {
	SnapshotSplits() ([]Split, error)
}

// SplitCodec is implemented by sources whose splits (and split states) can
// be checkpointed: it encodes them for the checkpoint and decodes them on
// recovery.
type SplitCodec interface {
	EncodeSplit(Split) ([]byte, error)
	DecodeSplit([]byte) (Split, error)
}
