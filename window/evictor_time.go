package window

import (
	"fmt"
	"time"
)

// timeEvictor keeps the elements within windowSize of the newest one.
type timeEvictor[T any, W Window] struct {
	size  int64
	after bool
}

// TimeEvictor returns Flink's TimeEvictor: with maxTs the largest element
// timestamp in the window, it keeps the elements with timestamp >
// maxTs - windowSize and evicts the others. windowSize 0 therefore evicts
// every element (Flink's TimeEvictor.of(0, true) idiom empties the window
// after each firing).
// It runs before the window function (doEvictAfter false) or after it.
//
// If the first element has no timestamp (NoTimestamp), nothing is evicted,
// as in Flink (which only looks at the first element to decide that
// timestamps are absent). An element without a timestamp among timestamped
// ones counts as the smallest timestamp: it does not raise maxTs and is
// evicted (Flink would fail reading its timestamp). maxTs - windowSize is
// clamped at math.MinInt64 instead of wrapping. windowSize is truncated to
// milliseconds and must be >= 0.
func TimeEvictor[T any, W Window](windowSize time.Duration, doEvictAfter bool) (Evictor[T, W], error) {
	if windowSize < 0 {
		return nil, fmt.Errorf("%w: TimeEvictor needs windowSize >= 0, got %v", ErrInvalidArgument, windowSize)
	}
	return timeEvictor[T, W]{size: millis(windowSize), after: doEvictAfter}, nil
}

func (e timeEvictor[T, W]) EvictBefore(elems []Timestamped[T], _ int, _ W, _ EvictorContext) []Timestamped[T] {
	if e.after {
		return elems
	}
	return e.evict(elems)
}

func (e timeEvictor[T, W]) EvictAfter(elems []Timestamped[T], _ int, _ W, _ EvictorContext) []Timestamped[T] {
	if !e.after {
		return elems
	}
	return e.evict(elems)
}

func (e timeEvictor[T, W]) evict(elems []Timestamped[T]) []Timestamped[T] {
	if len(elems) == 0 || !elems[0].HasTimestamp() {
		return elems
	}
	maxTs := NoTimestamp
	for i := range elems {
		maxTs = max(maxTs, elems[i].Timestamp)
	}
	cutoff := addSat(maxTs, -e.size)
	k := 0
	for i := range elems {
		if elems[i].Timestamp > cutoff {
			elems[k] = elems[i]
			k++
		}
	}
	clear(elems[k:])
	return elems[:k]
}

func (e timeEvictor[T, W]) String() string {
	return fmt.Sprintf("TimeEvictor(%d, evictAfter=%t)", e.size, e.after)
}
