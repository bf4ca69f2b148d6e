package testenv_test

import (
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/testenv"
)

func TestTwoInput(t *testing.T) {
	h := testenv.NewTwoInput(newConnect)
	op := h.Operator().(*connectOp)
	noErr(t, h.Open())
	defer h.Close()

	noErr(t, h.ProcessElement1("a", 1))
	noErr(t, h.ProcessElement2(7, 2))
	noErr(t, h.ProcessWatermark1(10))
	equal(t, "current watermark with input 2 behind", h.CurrentWatermark(), event.MinWatermark)
	noErr(t, h.ProcessWatermark2(5))
	equal(t, "current watermark", h.CurrentWatermark(), 5)
	noErr(t, h.ProcessWatermarkStatus2(true)) // input 1 alone decides: 10
	equal(t, "current watermark with input 2 idle", h.CurrentWatermark(), 10)
	noErr(t, h.ProcessWatermarkStatus1(true))
	noErr(t, h.ProcessWatermarkStatus1(false))
	noErr(t, h.ProcessElement1("b", event.NoTimestamp))
	noErr(t, h.EndInput())

	equal(t, "output", h.Output(), []testenv.Event[string]{
		testenv.RecordEvent("1:a", 1),
		testenv.RecordEvent("2:7", 2),
		testenv.WatermarkEvent[string](5),
		testenv.WatermarkEvent[string](10),
		testenv.StatusEvent[string](true),
		testenv.StatusEvent[string](false),
		testenv.RecordEvent("1:b", event.NoTimestamp),
		testenv.WatermarkEvent[string](event.MaxWatermark),
	})
	equal(t, "values", h.Values(), []string{"1:a", "2:7", "1:b"})
	equal(t, "watermarks", h.Watermarks(), []int64{5, 10, event.MaxWatermark})
	equal(t, "records", len(h.Records()), 3)
	// Context.CurrentWatermark as the operator saw it at each watermark.
	equal(t, "current watermarks seen", op.seen, []int64{event.MinWatermark, 5, event.MaxWatermark, event.MaxWatermark})

	if err := h.ProcessElement2(1, 1); err == nil {
		t.Error("ProcessElement2 after EndInput is not an error")
	}
}

func TestTwoInputEndInputSkipsEndedInputs(t *testing.T) {
	h := testenv.NewTwoInput(newConnect)
	op := h.Operator().(*connectOp)
	noErr(t, h.Open())
	defer h.Close()
	noErr(t, h.ProcessWatermark2(event.MaxWatermark))
	noErr(t, h.EndInput())
	// Input 2 had the final watermark already: only input 1 gets it.
	equal(t, "watermark calls", len(op.seen), 2)
	equal(t, "watermarks", h.Watermarks(), []int64{event.MaxWatermark})
}

func TestTwoInputKeyedAndSideOutput(t *testing.T) {
	h := testenv.NewTwoInput(newConnect, testenv.Keyed(), testenv.WithParallelism(2, 0, 0))
	side := testenv.SideOutput[int](h, "side")
	noErr(t, h.Open())
	defer h.Close()
	if h.Backend() == nil || h.Context().Keyed == nil {
		t.Fatal("a Keyed two-input harness has no backend")
	}
	equal(t, "key groups", h.Backend().KeyGroupRange(), h.Context().KeyGroups)
	noErr(t, testenv.SetKey(h, stringCodec, firstOwned(h)))
	equal(t, "side output in the context", h.Context().SideOutputs["side"], any(side))
}

// firstOwned returns a key h's subtask owns.
func firstOwned(h testenv.HarnessBase) string {
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		if testenv.OwnsKey(h, stringCodec, k) {
			return k
		}
	}
	panic("no key owned")
}
