package testenv

import (
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
)

// TwoInput is the harness of a two-input operator (Flink's
// TwoInputStreamOperatorTestHarness, and with option Keyed its keyed
// variant).
type TwoInput[IN1, IN2, OUT any] struct {
	*harness
	out *Captured[OUT]
	op  operator.TwoInput[IN1, IN2]
	// wms combines the inputs' watermarks into Context.CurrentWatermark.
	wms operator.CombinedWatermark
	// last is the last watermark of each input given to the operator.
	last [2]int64
}

var _ HarnessBase = (*TwoInput[int, int, int])(nil)

// NewTwoInput returns a harness of the operator newOp returns when given
// the output to emit into, as NewOneInput.
func NewTwoInput[IN1, IN2, OUT any](newOp func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2], opts ...Option) *TwoInput[IN1, IN2, OUT] {
	h := &TwoInput[IN1, IN2, OUT]{
		harness: newHarness(newConfig(opts)),
		out:     new(Captured[OUT]),
		wms:     operator.NewCombinedWatermark(),
		last:    [2]int64{event.MinWatermark, event.MinWatermark},
	}
	h.main = h.out
	h.op = newOp(h.out)
	h.harness.op = h.op
	return h
}

// Operator returns the operator under test.
func (h *TwoInput[IN1, IN2, OUT]) Operator() operator.TwoInput[IN1, IN2] { return h.op }

// ProcessElement1 gives input 1 of the operator a record of v with
// timestamp ts (event.NoTimestamp for none).
func (h *TwoInput[IN1, IN2, OUT]) ProcessElement1(v IN1, ts int64) error {
	return h.input("ProcessElement1", func() {
		h.op.ProcessElement1(operator.Record[IN1]{Value: v, Timestamp: ts})
	})
}

// ProcessElement2 gives input 2 of the operator a record of v with
// timestamp ts (event.NoTimestamp for none).
func (h *TwoInput[IN1, IN2, OUT]) ProcessElement2(v IN2, ts int64) error {
	return h.input("ProcessElement2", func() {
		h.op.ProcessElement2(operator.Record[IN2]{Value: v, Timestamp: ts})
	})
}

// ProcessWatermark1 gives input 1 of the operator watermark wm. The current
// watermark (Context.CurrentWatermark) is the minimum over the active
// inputs when the operator sees it.
func (h *TwoInput[IN1, IN2, OUT]) ProcessWatermark1(wm int64) error {
	return h.input("ProcessWatermark1", func() {
		h.watermark, _ = h.wms.Update(0, wm)
		h.last[0] = wm
		h.op.ProcessWatermark1(wm)
	})
}

// ProcessWatermark2 gives input 2 of the operator watermark wm, as
// ProcessWatermark1.
func (h *TwoInput[IN1, IN2, OUT]) ProcessWatermark2(wm int64) error {
	return h.input("ProcessWatermark2", func() {
		h.watermark, _ = h.wms.Update(1, wm)
		h.last[1] = wm
		h.op.ProcessWatermark2(wm)
	})
}

// ProcessWatermarkStatus1 tells the operator its input 1 became idle or
// active. An idle input does not hold the current watermark back.
func (h *TwoInput[IN1, IN2, OUT]) ProcessWatermarkStatus1(idle bool) error {
	return h.input("ProcessWatermarkStatus1", func() {
		h.watermark, _, _ = h.wms.SetIdle(0, idle)
		h.op.ProcessWatermarkStatus1(idle)
	})
}

// ProcessWatermarkStatus2 tells the operator its input 2 became idle or
// active, as ProcessWatermarkStatus1.
func (h *TwoInput[IN1, IN2, OUT]) ProcessWatermarkStatus2(idle bool) error {
	return h.input("ProcessWatermarkStatus2", func() {
		h.watermark, _, _ = h.wms.SetIdle(1, idle)
		h.op.ProcessWatermarkStatus2(idle)
	})
}

// EndInput ends both inputs as bounded inputs do: it gives each input the
// final watermark, event.MaxWatermark, unless it already had it, then calls
// Finish. The operator takes no input afterwards.
func (h *TwoInput[IN1, IN2, OUT]) EndInput() error {
	return h.endInput(func() {
		if h.last[0] != event.MaxWatermark {
			h.watermark, _ = h.wms.Update(0, event.MaxWatermark)
			h.last[0] = event.MaxWatermark
			h.op.ProcessWatermark1(event.MaxWatermark)
		}
		if h.last[1] != event.MaxWatermark {
			h.watermark, _ = h.wms.Update(1, event.MaxWatermark)
			h.last[1] = event.MaxWatermark
			h.op.ProcessWatermark2(event.MaxWatermark)
		}
	})
}

// Output returns everything the operator emitted on its main output, in
// order: records with their timestamps, watermarks and status changes.
func (h *TwoInput[IN1, IN2, OUT]) Output() []Event[OUT] { return h.out.Events() }

// Records returns the records the operator emitted, in order.
func (h *TwoInput[IN1, IN2, OUT]) Records() []operator.Record[OUT] { return h.out.Records() }

// Values returns the values of the records the operator emitted, in order.
func (h *TwoInput[IN1, IN2, OUT]) Values() []OUT { return h.out.Values() }

// Watermarks returns the watermarks the operator emitted, in order.
func (h *TwoInput[IN1, IN2, OUT]) Watermarks() []int64 { return h.out.Watermarks() }

// MainOutput returns the capture of the main output.
func (h *TwoInput[IN1, IN2, OUT]) MainOutput() *Captured[OUT] { return h.out }
