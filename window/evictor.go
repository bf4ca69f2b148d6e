package window

// Timestamped is an element of a window's contents with its event timestamp
// (NoTimestamp if it has none), Flink's TimestampedValue.
type Timestamped[T any] struct {
	Value     T
	Timestamp int64
}

// HasTimestamp reports whether the element carries an event timestamp.
func (t Timestamped[T]) HasTimestamp() bool { return t.Timestamp != NoTimestamp }

// EvictorContext is what an evictor may read of the runtime.
type EvictorContext interface {
	CurrentProcessingTime() int64
	CurrentWatermark() int64
}

// Evictor removes elements from a window's contents when it fires, as
// Flink's Evictor: the window operator calls EvictBefore with all of the
// window's elements (in insertion order) before evaluating the window
// function, evaluates it on what is kept, calls EvictAfter with what was
// kept, and stores what EvictAfter keeps as the window's new contents.
//
// Both return the kept elements in their original order. They may compact
// elems in place and return a prefix of it (the slots past the kept ones
// are zeroed so evicted values can be collected): the caller must use the
// returned slice and not elems afterwards. size is len(elems) (Flink passes
// the count; the built-in evictors use len(elems)). Evictors hold no mutable
// state and are safe for concurrent use.
type Evictor[T any, W Window] interface {
	EvictBefore(elems []Timestamped[T], size int, w W, ctx EvictorContext) []Timestamped[T]
	EvictAfter(elems []Timestamped[T], size int, w W, ctx EvictorContext) []Timestamped[T]
}
