package testenv_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
)

func TestOneInputMap(t *testing.T) {
	h := testenv.NewOneInput(newMap(strconv.Itoa))
	op := h.Operator().(*mapOp[int, string])
	noErr(t, h.Open())
	noErr(t, h.ProcessElement(1, 10))
	noErr(t, h.ProcessElementNoTimestamp(2))
	noErr(t, h.ProcessWatermark(10))
	noErr(t, h.ProcessWatermarkStatus(true))
	noErr(t, h.ProcessRecord(operator.Record[int]{Value: 3, Timestamp: 20}))
	noErr(t, h.ProcessWatermarkStatus(false))

	equal(t, "output", h.Output(), []testenv.Event[string]{
		testenv.RecordEvent("1", 10),
		testenv.RecordEvent("2", event.NoTimestamp),
		testenv.WatermarkEvent[string](10),
		testenv.StatusEvent[string](true),
		testenv.RecordEvent("3", 20),
		testenv.StatusEvent[string](false),
	})
	equal(t, "formatted output", fmt.Sprint(h.Output()), "[1@10 2@- W(10) idle 3@20 active]")
	equal(t, "records", h.Records(), []operator.Record[string]{{Value: "1", Timestamp: 10}, {Value: "2", Timestamp: event.NoTimestamp}, {Value: "3", Timestamp: 20}})
	equal(t, "values", h.Values(), []string{"1", "2", "3"})
	equal(t, "watermarks", h.Watermarks(), []int64{10})
	equal(t, "current watermark", h.CurrentWatermark(), 10)
	equal(t, "main output length", h.MainOutput().Len(), 6)

	// Output returns a copy.
	out := h.Output()
	out[0] = testenv.RecordEvent("x", 0)
	equal(t, "first event after changing a copy", h.Output()[0], testenv.RecordEvent("1", 10))

	h.ClearOutput()
	equal(t, "output after ClearOutput", h.Output(), []testenv.Event[string](nil))

	noErr(t, h.EndInput())
	equal(t, "output after EndInput", h.Output(), []testenv.Event[string]{testenv.WatermarkEvent[string](event.MaxWatermark)})
	noErr(t, h.Close())
	noErr(t, h.Close())
	equal(t, "lifecycle", op.calls, []string{
		"open",
		"watermark 10 (current 10)",
		fmt.Sprintf("watermark %d (current %d)", event.MaxWatermark, event.MaxWatermark),
		"finish",
		"close",
	})
}

func TestOneInputEndInputAfterFinalWatermark(t *testing.T) {
	h := testenv.NewOneInput(newMap(strconv.Itoa))
	noErr(t, h.Open())
	noErr(t, h.ProcessWatermark(event.MaxWatermark))
	noErr(t, h.EndInput())
	equal(t, "watermarks", h.Watermarks(), []int64{event.MaxWatermark})
	equal(t, "lifecycle", h.Operator().(*mapOp[int, string]).calls[2:], []string{"finish"})
}

func TestOneInputLifecycleErrors(t *testing.T) {
	wantErr := func(what string, err error, contains string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), contains) {
			t.Errorf("%s: error %v, want one containing %q", what, err, contains)
		}
	}
	h := testenv.NewOneInput(newMap(strconv.Itoa))
	op := h.Operator().(*mapOp[int, string])
	wantErr("ProcessElement before Open", h.ProcessElement(1, 1), "before Open")
	wantErr("EndInput before Open", h.EndInput(), "before Open")
	noErr(t, h.Open())
	wantErr("second Open", h.Open(), "Open")
	noErr(t, h.EndInput())
	wantErr("ProcessElement after EndInput", h.ProcessElement(1, 1), "after EndInput")
	wantErr("ProcessWatermarkStatus after EndInput", h.ProcessWatermarkStatus(true), "after EndInput")
	wantErr("second EndInput", h.EndInput(), "after EndInput")
	noErr(t, h.SetProcessingTime(10)) // processing time goes on after the input ended
	noErr(t, h.Close())
	wantErr("ProcessWatermark after Close", h.ProcessWatermark(5), "after Close")
	wantErr("SetProcessingTime after Close", h.SetProcessingTime(20), "after Close")
	wantErr("Open after Close", h.Open(), "Open")
	equal(t, "lifecycle", op.calls, []string{"open", fmt.Sprintf("watermark %d (current %d)", event.MaxWatermark, event.MaxWatermark), "finish", "close"})
	equal(t, "output", h.Values(), []string(nil))

	// An operator never opened is not closed.
	h = testenv.NewOneInput(newMap(strconv.Itoa))
	noErr(t, h.Close())
	equal(t, "lifecycle of an operator never opened", h.Operator().(*mapOp[int, string]).calls, []string(nil))
}

func TestOneInputContext(t *testing.T) {
	h := testenv.NewOneInput(newMap(strconv.Itoa))
	ctx := h.Context()
	equal(t, "JobName", ctx.JobName, "testenv")
	equal(t, "OperatorName", ctx.OperatorName, "test-operator")
	equal(t, "OperatorUID", ctx.OperatorUID, "test-operator")
	equal(t, "TaskName", ctx.TaskName, "test-operator (1/1)")
	equal(t, "Subtask", ctx.Subtask, 0)
	equal(t, "Parallelism", ctx.Parallelism, 1)
	equal(t, "MaxParallelism", ctx.MaxParallelism, 128)
	equal(t, "KeyGroups", ctx.KeyGroups, keygroup.Range{Start: 0, End: 127})
	equal(t, "processing time", ctx.Clock.NowMillis(), 0)
	equal(t, "CurrentWatermark", ctx.CurrentWatermark(), event.MinWatermark)
	if ctx.Keyed != nil || h.Backend() != nil {
		t.Errorf("a harness without option Keyed has backend %v (context %v)", h.Backend(), ctx.Keyed)
	}
	if ctx.Timers != operator.ProcessingTimers(h.ProcessingTimeService()) {
		t.Error("Context.Timers is not the harness's ProcessingTimeService")
	}
	if ctx.Clock != operator.Clock(h.Clock()) {
		t.Error("Context.Clock is not the harness's clock")
	}

	h = testenv.NewOneInput(newMap(strconv.Itoa),
		testenv.WithName("job", "op"),
		testenv.WithParallelism(4, 2, 0),
		testenv.WithProcessingTime(1000),
		testenv.WithAttempt(3),
		testenv.WithContext(func(ctx *operator.Context) { ctx.BroadcastState["rules"] = 1 }),
	)
	ctx = h.Context()
	equal(t, "JobName", ctx.JobName, "job")
	equal(t, "OperatorName", ctx.OperatorName, "op")
	equal(t, "TaskName", ctx.TaskName, "op (3/4)")
	equal(t, "Subtask", ctx.Subtask, 2)
	equal(t, "Parallelism", ctx.Parallelism, 4)
	equal(t, "MaxParallelism", ctx.MaxParallelism, 128)
	equal(t, "KeyGroups", ctx.KeyGroups, keygroup.Range{Start: 64, End: 95})
	equal(t, "Attempt", ctx.Attempt, 3)
	equal(t, "processing time", h.ProcessingTime(), 1000)
	equal(t, "BroadcastState", ctx.BroadcastState["rules"], any(1))

	for i, opt := range []testenv.Option{
		testenv.WithParallelism(2, 2, 128),
		testenv.WithParallelism(2, -1, 128),
		testenv.WithParallelism(4, 0, 2),
		testenv.WithParallelism(0, 0, 0),
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("invalid parallelism option %d did not panic", i)
				}
			}()
			testenv.NewOneInput(newMap(strconv.Itoa), opt)
		}()
	}
}

func TestOneInputSetProcessingTime(t *testing.T) {
	h := testenv.NewOneInput(newMap(strconv.Itoa), testenv.WithProcessingTime(100))
	noErr(t, h.SetProcessingTime(200)) // before Open: only the clock moves
	noErr(t, h.Open())
	var fired []int64
	h.Context().Timers.At(250, func(now int64) { fired = append(fired, now) })
	h.Context().Timers.At(300, func(now int64) { fired = append(fired, now) })
	equal(t, "pending", h.ProcessingTimeService().Pending(), []int64{250, 300})
	noErr(t, h.SetProcessingTime(260))
	equal(t, "fired", fired, []int64{260})
	if err := h.SetProcessingTime(259); err == nil {
		t.Error("moving processing time backwards is not an error")
	}
	equal(t, "processing time", h.ProcessingTime(), 260)
	noErr(t, h.Close())
	equal(t, "pending after Close", h.ProcessingTimeService().NumPending(), 0)
}
