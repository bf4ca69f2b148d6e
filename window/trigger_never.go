package window

// neverTrigger never fires.
type neverTrigger[T any, W Window] struct{}

// NeverTrigger returns Flink's GlobalWindows.NeverTrigger, the default
// trigger of Global: every method returns Continue or does nothing, so the
// window never fires. CanMerge is false (Flink's default), so it cannot be
// used with a merging assigner.
func NeverTrigger[T any, W Window]() Trigger[T, W] { return neverTrigger[T, W]{} }

func (neverTrigger[T, W]) OnElement(T, int64, W, TriggerContext[W]) Result     { return Continue }
func (neverTrigger[T, W]) OnEventTime(int64, W, TriggerContext[W]) Result      { return Continue }
func (neverTrigger[T, W]) OnProcessingTime(int64, W, TriggerContext[W]) Result { return Continue }
func (neverTrigger[T, W]) CanMerge() bool                                      { return false }
func (neverTrigger[T, W]) OnMerge(W, OnMergeContext[W])                        {}
func (neverTrigger[T, W]) Clear(W, TriggerContext[W])                          {}
func (neverTrigger[T, W]) String() string                                      { return "NeverTrigger()" }

// endOfStreamTrigger fires the global window when event time ends.
type endOfStreamTrigger[T any] struct{}

// EndOfStreamTrigger returns Flink's GlobalWindows.EndOfStreamTrigger, the
// default trigger of GlobalWithEndOfStreamTrigger: OnElement registers an
// event-time timer at math.MaxInt64 (the GlobalWindow's MaxTimestamp) and
// OnEventTime fires when that timer fires, which happens only when a bounded
// input ends with the final watermark math.MaxInt64. Everything else
// continues or does nothing; Clear leaves the timer (as in Flink) and
// CanMerge is false.
func EndOfStreamTrigger[T any]() Trigger[T, GlobalWindow] { return endOfStreamTrigger[T]{} }

func (endOfStreamTrigger[T]) OnElement(_ T, _ int64, w GlobalWindow, ctx TriggerContext[GlobalWindow]) Result {
	ctx.RegisterEventTimeTimer(w.MaxTimestamp())
	return Continue
}

func (endOfStreamTrigger[T]) OnEventTime(ts int64, w GlobalWindow, _ TriggerContext[GlobalWindow]) Result {
	if ts == w.MaxTimestamp() {
		return Fire
	}
	return Continue
}

func (endOfStreamTrigger[T]) OnProcessingTime(int64, GlobalWindow, TriggerContext[GlobalWindow]) Result {
	return Continue
}
func (endOfStreamTrigger[T]) CanMerge() bool                                     { return false }
func (endOfStreamTrigger[T]) OnMerge(GlobalWindow, OnMergeContext[GlobalWindow]) {}
func (endOfStreamTrigger[T]) Clear(GlobalWindow, TriggerContext[GlobalWindow])   {}
func (endOfStreamTrigger[T]) String() string                                     { return "EndOfStreamTrigger()" }
