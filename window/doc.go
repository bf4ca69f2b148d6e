// Package window is the pure, runtime-independent part of windowing, with
// Flink's semantics: window types, assigners, triggers, evictors, the
// bookkeeping of merging windows, and the lateness rules. The window
// operator (in the runtime) drives it; nothing here touches state backends,
// timers or goroutines.
//
// # Time
//
// Time is int64 epoch milliseconds, as in Flink; NoTimestamp
// (math.MinInt64) marks an element without event time. Constructors take
// time.Duration and truncate it to whole milliseconds, as Flink's
// Duration.toMillis. A TimeWindow is [Start, End); its MaxTimestamp is
// End-1, and an event-time window fires when the watermark reaches it.
// Window starts follow GetWindowStartWithOffset, which is correct for
// negative timestamps.
//
// # Contents
//
//   - Windows: TimeWindow, GlobalWindow, the Window constraint, and their
//     codecs TimeWindowCodec (16 bytes) and GlobalWindowCodec (0 bytes).
//   - Assigners: TumblingEventTime, TumblingProcessingTime,
//     SlidingEventTime, SlidingProcessingTime, EventTimeSession,
//     ProcessingTimeSession, DynamicEventTimeSession,
//     DynamicProcessingTimeSession, Global, GlobalWithEndOfStreamTrigger.
//     Session assigners are MergingAssigners (MergeTimeWindows).
//   - Triggers: EventTimeTrigger, ProcessingTimeTrigger, CountTrigger,
//     ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger,
//     PurgingTrigger, NeverTrigger, EndOfStreamTrigger.
//   - Evictors: CountEvictor, TimeEvictor.
//   - MergingWindowSet: actual window → state window mapping for merging
//     assigners.
//   - Lateness: AllowedLateness, CleanupTime, IsCleanupTime, IsWindowLate,
//     IsElementLate.
//
// Constructors never panic: bad arguments give an error wrapping
// ErrInvalidArgument. Assigners, triggers and evictors are immutable values
// that hold no per-key state, so one instance serves all keys and subtasks;
// triggers keep per-(key, window) state through their TriggerContext.
//
// # The window operator's protocol
//
// This is Flink's WindowOperator, which the runtime's operator must follow
// for the results to match Flink. Per key, window contents are stored under
// a state window (the window itself, or for merging assigners
// MergingWindowSet.StateWindow of the actual window); trigger state and
// timers are namespaced by the actual window. isEventTime is
// Assigner.IsEventTime and lateness the allowed lateness in ms.
//
// On an element (value v, timestamp ts):
//
//  1. windows, err := assigner.AssignWindows(v, ts, ctx, buf[:0]); an error
//     fails the task.
//  2. For a MergingAssigner, for each window w: actual, err :=
//     set.AddWindow(w, mergeFunc) (see MergeFunc for what mergeFunc does);
//     if IsWindowLate(actual, ...) then set.RetireWindow(actual) and skip
//     it; otherwise work on actual with contents under
//     set.StateWindow(actual). After all windows, persist the set if
//     Changed. For other assigners, skip each w that IsWindowLate.
//  3. For each window not skipped: add v to its contents, call
//     trigger.OnElement(v, ts, window, ctx); if the result IsFire, evaluate
//     the window function on the contents (if any) and emit with timestamp
//     window.MaxTimestamp(); if IsPurge, clear the contents; then register
//     the cleanup timer at CleanupTime(window, ...) (event-time timer for
//     event-time assigners, processing-time otherwise; none if it is
//     math.MaxInt64).
//  4. If every window was skipped and IsElementLate(ts, ...), emit the
//     element to the late-data side output if there is one, else drop it
//     (and count it as dropped).
//
// On a timer at time t for (key, window) — event-time timers call
// OnEventTime, processing-time timers OnProcessingTime:
//
//  1. For a merging assigner, if window is no longer in the set
//     (StateWindow false), ignore the timer (a trigger left it behind).
//  2. Call the trigger; Fire and Purge act as for elements.
//  3. If the timer's kind matches the assigner's (event-time timer and
//     event-time assigner, or processing-time and processing-time) and
//     IsCleanupTime(window, ..., t): clear the contents, call
//     trigger.Clear, clear the per-window state of the process function,
//     and for merging assigners RetireWindow(window) and persist the set.
//
// A merging assigner requires a trigger with CanMerge. With an Evictor, the
// contents keep every element with its timestamp (Timestamped); on fire the
// operator runs EvictBefore, the window function, EvictAfter, and stores
// what is left as the new contents.
package window
