// Package testenv is the operator test harness: it runs one operator
// instance without a task or a cluster and lets a test drive it by hand —
// elements, watermarks, watermark status, processing time and end of input —
// and inspect what it emitted, on its main output and its side outputs, its
// pending processing-time callbacks and its keyed state (Flink's
// OneInputStreamOperatorTestHarness, KeyedOneInputStreamOperatorTestHarness
// and TwoInputStreamOperatorTestHarness).
//
// A harness builds the operator itself, passing it an Output that captures
// everything it emits, and gives it an operator.Context like the one the
// task would: a name, subtask, parallelism and max parallelism (option
// WithParallelism), a ManualClock, a ProcessingTimeService whose callbacks
// run only when the test calls SetProcessingTime, capturing side outputs for
// the tags the test registered with SideOutput, and, with option Keyed, a
// heap state backend over the subtask's key-group range.
//
//	h := testenv.NewOneInput(func(out operator.Output[string]) operator.OneInput[int] {
//		return newMyOperator(out)
//	}, testenv.Keyed())
//	late := testenv.SideOutput[int](h, "late") // before Open
//	if err := h.Open(); err != nil { ... }
//	defer h.Close()
//	h.ProcessElement(1, 10)
//	h.ProcessWatermark(20)
//	h.SetProcessingTime(1000)
//	got := h.Output() // []Event[string]: records, watermarks and status in order
//
// Every harness method that calls into the operator recovers a panic and
// returns it as an error: an *operator.Failure as itself (operator.Fail), any
// other panic as a *PanicError with the stack. Calling the operator out of
// its lifecycle (an element before Open, after EndInput or after Close) is
// an error too.
//
// A harness, like a task, is used from one goroutine.
package testenv
