package window

// Result is what a trigger decides for a window: whether to evaluate the
// window function now (fire) and whether to drop the window's contents
// (purge). It is Flink's TriggerResult.
type Result uint8

const (
	// Continue does nothing.
	Continue Result = 0
	// Fire evaluates the window function and emits its result; the window's
	// contents are kept (a later fire sees them again).
	Fire Result = 1
	// Purge clears the window's contents without evaluating it. Trigger
	// state and timers stay: only Clear removes them.
	Purge Result = 2
	// FireAndPurge fires, then purges.
	FireAndPurge Result = Fire | Purge
)

// IsFire reports whether r evaluates the window.
func (r Result) IsFire() bool { return r&Fire != 0 }

// IsPurge reports whether r clears the window's contents.
func (r Result) IsPurge() bool { return r&Purge != 0 }

// String returns Flink's name of r: CONTINUE, FIRE, PURGE or FIRE_AND_PURGE.
func (r Result) String() string {
	switch r {
	case Continue:
		return "CONTINUE"
	case Fire:
		return "FIRE"
	case Purge:
		return "PURGE"
	case FireAndPurge:
		return "FIRE_AND_PURGE"
	}
	return "Result(invalid)"
}

// Trigger decides when a window fires and when it is purged, as Flink's
// Trigger. The window operator calls it on the task goroutine, always for
// one (key, window) pair that the context is scoped to; a trigger holds no
// mutable fields of its own (all per-window state lives in the context), so
// one trigger value serves every key and window and every subtask.
//
// OnElement is called for every element added to window w, after the
// element was added to the window's contents. ts is the element's
// timestamp (NoTimestamp if it has none).
//
// OnEventTime is called when an event-time timer registered through ctx for
// (key, w) fires, with the timer's timestamp. The operator also calls it for
// its own cleanup timer (at CleanupTime) before it cleans the window up, so
// triggers must compare time with what they registered.
//
// OnProcessingTime is the same for processing-time timers.
//
// CanMerge reports whether the trigger supports merging windows; the window
// operator rejects a merging assigner with a trigger that cannot merge.
//
// OnMerge is called when windows merged into w (the merge result). ctx is
// scoped to w; ctx.MergeInt64State merges per-window state of the merged
// windows into w. Timers of the merged windows are deleted by their Clear,
// so OnMerge must re-register what w needs.
//
// Clear is called when window w is discarded (at its cleanup time, or for
// a window merged away). It must delete the timers it registered and clear
// the state it keeps for w.
type Trigger[T any, W Window] interface {
	OnElement(elem T, ts int64, w W, ctx TriggerContext[W]) Result
	OnEventTime(ts int64, w W, ctx TriggerContext[W]) Result
	OnProcessingTime(ts int64, w W, ctx TriggerContext[W]) Result
	CanMerge() bool
	OnMerge(w W, ctx OnMergeContext[W])
	Clear(w W, ctx TriggerContext[W])
}

// TriggerContext is the window operator's side of a trigger call. It is
// scoped to the current key and to the window the trigger was called for;
// W names that window type (the context itself needs no method of W).
//
// CurrentWatermark is the operator's current event-time watermark
// (math.MinInt64 before the first one). CurrentProcessingTime is the task
// clock in epoch ms.
//
// Timers are scoped to (key, window) and identified by their timestamp:
// registering the same timestamp twice keeps one timer, deleting a timer
// that does not exist does nothing (Flink's internal timer service). A
// registered event-time timer fires once the watermark is >= its timestamp,
// and then calls the trigger's OnEventTime; a processing-time timer fires
// once the clock reaches it and calls OnProcessingTime. A timer registered
// at or below the current watermark (or clock) fires with the next
// watermark (or at once), never synchronously inside the call.
//
// ReducingInt64State returns the trigger's int64 state called name for
// (key, window): a value folded with reduce on Add, absent until the first
// Add and after Clear. The built-in triggers use "count" (sum, CountTrigger)
// and "fire-time" (min, continuous triggers). The returned handle is valid
// only during the current trigger call.
type TriggerContext[W Window] interface {
	CurrentWatermark() int64
	CurrentProcessingTime() int64
	RegisterEventTimeTimer(ts int64)
	DeleteEventTimeTimer(ts int64)
	RegisterProcessingTimeTimer(ts int64)
	DeleteProcessingTimeTimer(ts int64)
	ReducingInt64State(name string, reduce func(a, b int64) int64) Int64State
}

// OnMergeContext is the context of Trigger.OnMerge, scoped to the merge
// result. MergeInt64State folds the int64 state called name of every window
// that was merged into the result (the mergedWindows of the MergeFunc) into
// the result's state with reduce (Flink's mergePartitionedState): afterwards ReducingInt64State(name, reduce).Get()
// on the result sees the reduction of the merged windows' present values
// and of the result's own value, if it had one (absent if none had one).
// The merged windows' states may be left or cleared; Clear is called on
// them afterwards anyway.
type OnMergeContext[W Window] interface {
	TriggerContext[W]
	MergeInt64State(name string, reduce func(a, b int64) int64)
}

// Int64State is a per-(key, window) int64 folded with a reduce function,
// Flink's ReducingState<Long>.
type Int64State interface {
	// Get returns the value and true, or false if there is none.
	Get() (int64, bool)
	// Add sets the value to v if absent, else to reduce(value, v).
	Add(v int64)
	// Clear removes the value.
	Clear()
}

// SumInt64 is the reduce function of CountTrigger's state.
func SumInt64(a, b int64) int64 { return a + b }

// MinInt64 is the reduce function of the continuous triggers' state.
func MinInt64(a, b int64) int64 { return min(a, b) }
