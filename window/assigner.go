package window

import "github.com/eddy-streams/eddy/serde"

// AssignerContext is what an assigner may read of the runtime while it
// assigns an element: the current processing time (epoch ms) of the task.
type AssignerContext interface {
	CurrentProcessingTime() int64
}

// Assigner puts an element into zero or more windows, as Flink's
// WindowAssigner.
//
// AssignWindows appends the windows of elem, whose event timestamp is ts
// (NoTimestamp if it has none), to dst and returns the extended slice; pass
// a reused buffer (buf[:0]) so the hot path does not allocate. Event-time
// assigners read ts and never ctx; processing-time assigners ignore ts and
// read ctx.CurrentProcessingTime(), so ctx must not be nil for them. A
// non-nil error means the element cannot be assigned (ErrNoTimestamp,
// ErrInvalidGap); Flink throws there and fails the job, so the window
// operator should fail its task with the error. On error the returned
// slice is dst unchanged.
//
// IsEventTime reports whether windows are based on event time: it decides
// lateness and cleanup (see IsWindowLate and CleanupTime).
//
// DefaultTrigger is the trigger used when the user sets none.
//
// WindowCodec is the codec of the window type, used by the operator for
// state namespaces, timers and the merging-window mapping (Flink's
// getWindowSerializer).
//
// Implementations are immutable after construction and safe for concurrent
// use by several subtasks.
type Assigner[T any, W Window] interface {
	AssignWindows(elem T, ts int64, ctx AssignerContext, dst []W) ([]W, error)
	IsEventTime() bool
	DefaultTrigger() Trigger[T, W]
	WindowCodec() serde.Codec[W]
}

// WindowMerger merges windows, as Flink's MergingWindowAssigner.mergeWindows.
//
// MergeWindows looks at windows (whose order and contents it may change: it
// is scratch space for the call) and calls merge once for every group of at
// least two distinct windows that must become one, with the resulting
// window and the distinct windows of the group. Groups are disjoint; the
// sources slice is valid only during the call to merge and must not be
// modified or retained. Windows that merge with nothing are not reported.
type WindowMerger[W Window] interface {
	MergeWindows(windows []W, merge func(merged W, sources []W))
}

// MergingAssigner is an assigner whose windows can merge (sessions). The
// window operator recognises it by a type assertion and keeps a
// MergingWindowSet per key.
type MergingAssigner[T any, W Window] interface {
	Assigner[T, W]
	WindowMerger[W]
}
