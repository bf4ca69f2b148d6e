package window

import "fmt"

// countStateName is the name of CountTrigger's per-window state.
const countStateName = "count"

// countTrigger fires every max elements.
type countTrigger[T any, W Window] struct {
	max int64
}

// CountTrigger returns Flink's CountTrigger: it counts the elements of each
// window in the int64 state "count" (reduced with SumInt64) and, when the
// count reaches maxCount, clears it and returns Fire (not purge: wrap it
// in PurgingTrigger for that). Timers are ignored. It can merge: OnMerge
// sums the counts of the merged windows (the merged window fires on its
// next element if the sum reached maxCount). Clear clears the count.
// maxCount must be >= 1 (Flink does not check; a maxCount <= 0 there fires
// on every element).
func CountTrigger[T any, W Window](maxCount int64) (Trigger[T, W], error) {
	if maxCount < 1 {
		return nil, fmt.Errorf("%w: CountTrigger needs maxCount >= 1, got %d", ErrInvalidArgument, maxCount)
	}
	return countTrigger[T, W]{max: maxCount}, nil
}

func (t countTrigger[T, W]) OnElement(_ T, _ int64, _ W, ctx TriggerContext[W]) Result {
	count := ctx.ReducingInt64State(countStateName, SumInt64)
	count.Add(1)
	if n, _ := count.Get(); n >= t.max {
		count.Clear()
		return Fire
	}
	return Continue
}

func (countTrigger[T, W]) OnEventTime(int64, W, TriggerContext[W]) Result { return Continue }

func (countTrigger[T, W]) OnProcessingTime(int64, W, TriggerContext[W]) Result { return Continue }

func (countTrigger[T, W]) CanMerge() bool { return true }

func (countTrigger[T, W]) OnMerge(_ W, ctx OnMergeContext[W]) {
	ctx.MergeInt64State(countStateName, SumInt64)
}

func (countTrigger[T, W]) Clear(_ W, ctx TriggerContext[W]) {
	ctx.ReducingInt64State(countStateName, SumInt64).Clear()
}

func (t countTrigger[T, W]) String() string { return fmt.Sprintf("CountTrigger(%d)", t.max) }
