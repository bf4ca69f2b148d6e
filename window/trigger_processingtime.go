package window

// processingTimeTrigger fires once the clock passes the window's end.
type processingTimeTrigger[T any, W Window] struct{}

// ProcessingTimeTrigger returns Flink's ProcessingTimeTrigger, the default
// trigger of the processing-time assigners: it fires when processing time
// reaches w.MaxTimestamp().
//
//   - OnElement registers a processing-time timer at w.MaxTimestamp() and
//     returns Continue.
//   - OnProcessingTime: Fire (for any of its timers).
//   - OnEventTime: Continue.
//   - CanMerge: true. OnMerge registers a timer at the merged window's
//     MaxTimestamp unless the clock has already passed it.
//   - Clear deletes the timer at w.MaxTimestamp().
func ProcessingTimeTrigger[T any, W Window]() Trigger[T, W] { return processingTimeTrigger[T, W]{} }

func (processingTimeTrigger[T, W]) OnElement(_ T, _ int64, w W, ctx TriggerContext[W]) Result {
	ctx.RegisterProcessingTimeTimer(w.MaxTimestamp())
	return Continue
}

func (processingTimeTrigger[T, W]) OnEventTime(int64, W, TriggerContext[W]) Result { return Continue }

func (processingTimeTrigger[T, W]) OnProcessingTime(int64, W, TriggerContext[W]) Result { return Fire }

func (processingTimeTrigger[T, W]) CanMerge() bool { return true }

func (processingTimeTrigger[T, W]) OnMerge(w W, ctx OnMergeContext[W]) {
	if m := w.MaxTimestamp(); m > ctx.CurrentProcessingTime() {
		ctx.RegisterProcessingTimeTimer(m)
	}
}

func (processingTimeTrigger[T, W]) Clear(w W, ctx TriggerContext[W]) {
	ctx.DeleteProcessingTimeTimer(w.MaxTimestamp())
}

func (processingTimeTrigger[T, W]) String() string { return "ProcessingTimeTrigger()" }
