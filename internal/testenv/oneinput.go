package testenv

import (
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// OneInput is the harness of a one-input operator (Flink's
// OneInputStreamOperatorTestHarness, and with option Keyed its keyed
// variant).
type OneInput[IN, OUT any] struct {
	*harness
	out *Captured[OUT]
	op  operator.OneInput[IN]
}

var _ HarnessBase = (*OneInput[int, int])(nil)

// NewOneInput returns a harness of the operator newOp returns when given
// the output to emit into, which the harness captures. The operator is not
// open yet: register side outputs (SideOutput), then call Open. It panics on
// invalid options.
func NewOneInput[IN, OUT any](newOp func(out operator.Output[OUT]) operator.OneInput[IN], opts ...Option) *OneInput[IN, OUT] {
	h := &OneInput[IN, OUT]{
		harness: newHarness(newConfig(opts)),
		out:     new(Captured[OUT]),
	}
	h.main = h.out
	h.op = newOp(h.out)
	h.harness.op = h.op
	return h
}

// Operator returns the operator under test.
func (h *OneInput[IN, OUT]) Operator() operator.OneInput[IN] { return h.op }

// ProcessElement gives the operator a record of v with timestamp ts.
func (h *OneInput[IN, OUT]) ProcessElement(v IN, ts int64) error {
	return h.ProcessRecord(operator.Record[IN]{Value: v, Timestamp: ts})
}

// ProcessElementNoTimestamp gives the operator a record of v without a
// timestamp.
func (h *OneInput[IN, OUT]) ProcessElementNoTimestamp(v IN) error {
	return h.ProcessRecord(operator.Record[IN]{Value: v, Timestamp: event.NoTimestamp})
}

// ProcessRecord gives the operator r.
func (h *OneInput[IN, OUT]) ProcessRecord(r operator.Record[IN]) error {
	return h.input("ProcessElement", func() { h.op.ProcessElement(r) })
}

// ProcessWatermark gives the operator watermark wm. The current watermark
// (Context.CurrentWatermark) is wm, if higher, when the operator sees it.
func (h *OneInput[IN, OUT]) ProcessWatermark(wm int64) error {
	return h.input("ProcessWatermark", func() {
		h.watermark = max(h.watermark, wm)
		h.op.ProcessWatermark(wm)
	})
}

// ProcessWatermarkStatus tells the operator its input became idle or
// active.
func (h *OneInput[IN, OUT]) ProcessWatermarkStatus(idle bool) error {
	return h.input("ProcessWatermarkStatus", func() { h.op.ProcessWatermarkStatus(idle) })
}

// EndInput ends the input as a bounded input does: it gives the operator
// the final watermark, event.MaxWatermark, unless it already had it, then
// calls Finish. The operator takes no input afterwards.
func (h *OneInput[IN, OUT]) EndInput() error {
	return h.endInput(func() {
		if h.watermark != event.MaxWatermark {
			h.watermark = event.MaxWatermark
			h.op.ProcessWatermark(event.MaxWatermark)
		}
	})
}

// Output returns everything the operator emitted on its main output, in
// order: records with their timestamps, watermarks and status changes.
func (h *OneInput[IN, OUT]) Output() []Event[OUT] { return h.out.Events() }

// Records returns the records the operator emitted, in order.
func (h *OneInput[IN, OUT]) Records() []operator.Record[OUT] { return h.out.Records() }

// Values returns the values of the records the operator emitted, in order.
func (h *OneInput[IN, OUT]) Values() []OUT { return h.out.Values() }

// Watermarks returns the watermarks the operator emitted, in order.
func (h *OneInput[IN, OUT]) Watermarks() []int64 { return h.out.Watermarks() }

// MainOutput returns the capture of the main output.
func (h *OneInput[IN, OUT]) MainOutput() *Captured[OUT] { return h.out }
