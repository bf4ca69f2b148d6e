package window

// eventTimeTrigger fires once the watermark passes the window's end.
type eventTimeTrigger[T any, W Window] struct{}

// EventTimeTrigger returns Flink's EventTimeTrigger, the default trigger of
// the event-time assigners: it fires when the watermark reaches
// w.MaxTimestamp().
//
//   - OnElement: if w.MaxTimestamp() <= watermark (the window is already
//     complete, i.e. the element is late but within allowed lateness) it
//     returns Fire at once; otherwise it registers an event-time timer at
//     w.MaxTimestamp() and returns Continue.
//   - OnEventTime: Fire if ts == w.MaxTimestamp(), else Continue.
//   - OnProcessingTime: Continue.
//   - CanMerge: true. OnMerge registers a timer at the merged window's
//     MaxTimestamp unless the watermark has already passed it.
//   - Clear deletes the timer at w.MaxTimestamp().
//
// It never purges: the window's contents are dropped by the operator's
// cleanup at CleanupTime.
func EventTimeTrigger[T any, W Window]() Trigger[T, W] { return eventTimeTrigger[T, W]{} }

func (eventTimeTrigger[T, W]) OnElement(_ T, _ int64, w W, ctx TriggerContext[W]) Result {
	if w.MaxTimestamp() <= ctx.CurrentWatermark() {
		return Fire
	}
	ctx.RegisterEventTimeTimer(w.MaxTimestamp())
	return Continue
}

func (eventTimeTrigger[T, W]) OnEventTime(ts int64, w W, _ TriggerContext[W]) Result {
	if ts == w.MaxTimestamp() {
		return Fire
	}
	return Continue
}

func (eventTimeTrigger[T, W]) OnProcessingTime(int64, W, TriggerContext[W]) Result { return Continue }

func (eventTimeTrigger[T, W]) CanMerge() bool { return true }

func (eventTimeTrigger[T, W]) OnMerge(w W, ctx OnMergeContext[W]) {
	// Only register if the watermark has not passed the end of the merged
	// window: otherwise the timer would fire at once and the window would
	// fire twice (the merged windows already fired when they were late).
	if m := w.MaxTimestamp(); m > ctx.CurrentWatermark() {
		ctx.RegisterEventTimeTimer(m)
	}
}

func (eventTimeTrigger[T, W]) Clear(w W, ctx TriggerContext[W]) {
	ctx.DeleteEventTimeTimer(w.MaxTimestamp())
}

func (eventTimeTrigger[T, W]) String() string { return "EventTimeTrigger()" }
