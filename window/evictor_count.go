package window

import "fmt"

// countEvictor keeps the last max elements.
type countEvictor[T any, W Window] struct {
	max   int64
	after bool
}

// CountEvictor returns Flink's CountEvictor: it keeps the last maxCount
// elements of the window (in insertion order) and evicts the ones before,
// either
// before the window function (doEvictAfter false, Flink's default) or after
// it (doEvictAfter true). maxCount must be >= 0; 0 evicts everything.
func CountEvictor[T any, W Window](maxCount int64, doEvictAfter bool) (Evictor[T, W], error) {
	if maxCount < 0 {
		return nil, fmt.Errorf("%w: CountEvictor needs maxCount >= 0, got %d", ErrInvalidArgument, maxCount)
	}
	return countEvictor[T, W]{max: maxCount, after: doEvictAfter}, nil
}

func (e countEvictor[T, W]) EvictBefore(elems []Timestamped[T], _ int, _ W, _ EvictorContext) []Timestamped[T] {
	if e.after {
		return elems
	}
	return e.evict(elems)
}

func (e countEvictor[T, W]) EvictAfter(elems []Timestamped[T], _ int, _ W, _ EvictorContext) []Timestamped[T] {
	if !e.after {
		return elems
	}
	return e.evict(elems)
}

func (e countEvictor[T, W]) evict(elems []Timestamped[T]) []Timestamped[T] {
	n := int64(len(elems))
	if n <= e.max {
		return elems
	}
	k := copy(elems, elems[n-e.max:])
	clear(elems[k:])
	return elems[:k]
}

func (e countEvictor[T, W]) String() string {
	return fmt.Sprintf("CountEvictor(%d, evictAfter=%t)", e.max, e.after)
}
