package window

import (
	"fmt"
	"time"
)

// fireTimeStateName is the name of the continuous triggers' per-window
// state: the next fire time, reduced with MinInt64 so that merging keeps the
// earliest.
const fireTimeStateName = "fire-time"

// continuousEventTimeTrigger fires every interval of event time and at the
// end of the window.
type continuousEventTimeTrigger[T any, W Window] struct {
	interval int64
}

// ContinuousEventTimeTrigger returns Flink's ContinuousEventTimeTrigger: it
// fires a window periodically, every interval of event time, and once more
// when the watermark reaches the window's end. interval is truncated to
// milliseconds and must be >= 1ms.
//
//   - OnElement: if w.MaxTimestamp() <= watermark it returns Fire (as
//     EventTimeTrigger). Otherwise it registers an event-time timer at
//     w.MaxTimestamp() and, if the window has no fire time yet, sets the
//     state "fire-time" to next = min(start+interval, w.MaxTimestamp()) with
//     start = ts - ts%interval and registers a timer at next. It returns
//     Continue. (ts%interval truncates toward zero as in Java, so for
//     negative ts start rounds up toward zero: Flink's behaviour, kept.)
//   - OnEventTime(time): Fire if time == w.MaxTimestamp(). Else, if time
//     equals the stored fire time, it replaces it with
//     min(time+interval, w.MaxTimestamp()), registers a timer there and
//     returns Fire. Else Continue.
//   - OnProcessingTime: Continue.
//   - CanMerge: true. OnMerge merges "fire-time" (earliest wins) and
//     registers a timer at the merged fire time, if any.
//   - Clear deletes the timer at the stored fire time and clears it (the
//     timer at MaxTimestamp is left, as in Flink: when it fires the window
//     is gone).
//
// Arithmetic saturates at math.MaxInt64 instead of wrapping (so it is safe
// on the GlobalWindow, where Flink's time+interval could overflow).
func ContinuousEventTimeTrigger[T any, W Window](interval time.Duration) (Trigger[T, W], error) {
	iv := millis(interval)
	if iv <= 0 {
		return nil, fmt.Errorf("%w: ContinuousEventTimeTrigger needs interval >= 1ms, got %v", ErrInvalidArgument, interval)
	}
	return continuousEventTimeTrigger[T, W]{interval: iv}, nil
}

func (t continuousEventTimeTrigger[T, W]) OnElement(_ T, ts int64, w W, ctx TriggerContext[W]) Result {
	if w.MaxTimestamp() <= ctx.CurrentWatermark() {
		return Fire
	}
	ctx.RegisterEventTimeTimer(w.MaxTimestamp())
	fireTime := ctx.ReducingInt64State(fireTimeStateName, MinInt64)
	if _, ok := fireTime.Get(); !ok {
		next := min(addSat(ts-ts%t.interval, t.interval), w.MaxTimestamp())
		fireTime.Add(next)
		ctx.RegisterEventTimeTimer(next)
	}
	return Continue
}

func (t continuousEventTimeTrigger[T, W]) OnEventTime(ts int64, w W, ctx TriggerContext[W]) Result {
	if ts == w.MaxTimestamp() {
		return Fire
	}
	fireTime := ctx.ReducingInt64State(fireTimeStateName, MinInt64)
	if ft, ok := fireTime.Get(); ok && ft == ts {
		fireTime.Clear()
		next := min(addSat(ts, t.interval), w.MaxTimestamp())
		fireTime.Add(next)
		ctx.RegisterEventTimeTimer(next)
		return Fire
	}
	return Continue
}

func (continuousEventTimeTrigger[T, W]) OnProcessingTime(int64, W, TriggerContext[W]) Result {
	return Continue
}

func (continuousEventTimeTrigger[T, W]) CanMerge() bool { return true }

func (continuousEventTimeTrigger[T, W]) OnMerge(_ W, ctx OnMergeContext[W]) {
	ctx.MergeInt64State(fireTimeStateName, MinInt64)
	if ft, ok := ctx.ReducingInt64State(fireTimeStateName, MinInt64).Get(); ok {
		ctx.RegisterEventTimeTimer(ft)
	}
}

func (continuousEventTimeTrigger[T, W]) Clear(_ W, ctx TriggerContext[W]) {
	fireTime := ctx.ReducingInt64State(fireTimeStateName, MinInt64)
	if ft, ok := fireTime.Get(); ok {
		ctx.DeleteEventTimeTimer(ft)
		fireTime.Clear()
	}
}

func (t continuousEventTimeTrigger[T, W]) String() string {
	return fmt.Sprintf("ContinuousEventTimeTrigger(%d)", t.interval)
}

// continuousProcessingTimeTrigger fires every interval of processing time,
// the last time at the end of the window.
type continuousProcessingTimeTrigger[T any, W Window] struct {
	interval int64
}

// ContinuousProcessingTimeTrigger returns Flink's
// ContinuousProcessingTimeTrigger: it fires a window periodically, every
// interval of processing time, aligned to multiples of interval, the last
// time at the window's end. interval is truncated to milliseconds and must
// be >= 1ms.
//
//   - OnElement: if the window has no fire time yet, with now the current
//     processing time, it sets the state "fire-time" to
//     next = min(now - now%interval + interval, w.MaxTimestamp()) and
//     registers a processing-time timer at next. It returns Continue.
//   - OnProcessingTime(time): if time equals the stored fire time, it
//     replaces it with min(time+interval, w.MaxTimestamp()), registers a
//     timer there and returns Fire; else Continue (also when there is no
//     fire time, where Flink would fail on a null).
//   - OnEventTime: Continue.
//   - CanMerge: true. OnMerge merges "fire-time" (earliest wins) and
//     registers a timer at the merged fire time, if any.
//   - Clear deletes the timer at the stored fire time and clears it.
//
// Because the fire time is capped at w.MaxTimestamp(), the last fire
// happens at the window's end (FLINK-20443), just before the operator's
// cleanup at the same time.
func ContinuousProcessingTimeTrigger[T any, W Window](interval time.Duration) (Trigger[T, W], error) {
	iv := millis(interval)
	if iv <= 0 {
		return nil, fmt.Errorf("%w: ContinuousProcessingTimeTrigger needs interval >= 1ms, got %v", ErrInvalidArgument, interval)
	}
	return continuousProcessingTimeTrigger[T, W]{interval: iv}, nil
}

func (t continuousProcessingTimeTrigger[T, W]) OnElement(_ T, _ int64, w W, ctx TriggerContext[W]) Result {
	fireTime := ctx.ReducingInt64State(fireTimeStateName, MinInt64)
	if _, ok := fireTime.Get(); !ok {
		now := ctx.CurrentProcessingTime()
		next := min(addSat(now-now%t.interval, t.interval), w.MaxTimestamp())
		fireTime.Add(next)
		ctx.RegisterProcessingTimeTimer(next)
	}
	return Continue
}

func (continuousProcessingTimeTrigger[T, W]) OnEventTime(int64, W, TriggerContext[W]) Result {
	return Continue
}

func (t continuousProcessingTimeTrigger[T, W]) OnProcessingTime(ts int64, w W, ctx TriggerContext[W]) Result {
	fireTime := ctx.ReducingInt64State(fireTimeStateName, MinInt64)
	if ft, ok := fireTime.Get(); ok && ft == ts {
		fireTime.Clear()
		next := min(addSat(ts, t.interval), w.MaxTimestamp())
		fireTime.Add(next)
		ctx.RegisterProcessingTimeTimer(next)
		return Fire
	}
	return Continue
}

func (continuousProcessingTimeTrigger[T, W]) CanMerge() bool { return true }

func (continuousProcessingTimeTrigger[T, W]) OnMerge(_ W, ctx OnMergeContext[W]) {
	ctx.MergeInt64State(fireTimeStateName, MinInt64)
	if ft, ok := ctx.ReducingInt64State(fireTimeStateName, MinInt64).Get(); ok {
		ctx.RegisterProcessingTimeTimer(ft)
	}
}

func (continuousProcessingTimeTrigger[T, W]) Clear(_ W, ctx TriggerContext[W]) {
	fireTime := ctx.ReducingInt64State(fireTimeStateName, MinInt64)
	if ft, ok := fireTime.Get(); ok {
		ctx.DeleteProcessingTimeTimer(ft)
		fireTime.Clear()
	}
}

func (t continuousProcessingTimeTrigger[T, W]) String() string {
	return fmt.Sprintf("ContinuousProcessingTimeTrigger(%d)", t.interval)
}
