package testenv_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
)

func TestSideOutputs(t *testing.T) {
	h := testenv.NewOneInput(newSplit)
	odd := testenv.SideOutput[string](h, "odd")
	late := testenv.SideOutput[int](h, "late")
	noErr(t, h.Open())
	defer h.Close()
	if testenv.SideOutput[string](h, "odd") != odd {
		t.Error("SideOutput after Open does not return the capture registered before")
	}
	noErr(t, h.ProcessElement(1, 1))
	noErr(t, h.ProcessElement(2, 2))
	noErr(t, h.ProcessWatermark(5))
	noErr(t, h.ProcessElement(3, 4)) // late
	noErr(t, h.ProcessElement(4, 6))
	noErr(t, h.ProcessElementNoTimestamp(5))

	equal(t, "main output", h.Output(), []testenv.Event[int]{
		testenv.RecordEvent(2, 2),
		testenv.WatermarkEvent[int](5),
		testenv.RecordEvent(4, 6),
	})
	equal(t, "odd", odd.Events(), []testenv.Event[string]{
		testenv.RecordEvent("odd 1", 1),
		testenv.RecordEvent("odd 5", event.NoTimestamp),
	})
	equal(t, "odd values", odd.Values(), []string{"odd 1", "odd 5"})
	equal(t, "late", late.Records(), []operator.Record[int]{{Value: 3, Timestamp: 4}})
	equal(t, "late watermarks", late.Watermarks(), []int64(nil))

	h.ClearOutput()
	equal(t, "main output after ClearOutput", h.MainOutput().Len(), 0)
	equal(t, "odd after ClearOutput", odd.Len(), 0)
	equal(t, "late after ClearOutput", late.Len(), 0)
}

func TestSideOutputNotRegistered(t *testing.T) {
	h := testenv.NewOneInput(newSplit)
	late := testenv.SideOutput[int](h, "late")
	noErr(t, h.Open())
	defer h.Close()
	noErr(t, h.ProcessElement(1, 1)) // to "odd", which nothing captures
	noErr(t, h.ProcessElement(2, 2))
	equal(t, "main output", h.Values(), []int{2})
	equal(t, "late", late.Len(), 0)
	if _, ok := h.Context().SideOutputs["odd"]; ok {
		t.Error("a side output nobody registered is in the context")
	}
}

func TestSideOutputWrongType(t *testing.T) {
	h := testenv.NewOneInput(newSplit)
	testenv.SideOutput[int](h, "odd") // the operator emits strings there
	err := h.Open()
	var f *operator.Failure
	if !errors.As(err, &f) || !strings.Contains(err.Error(), `side output "odd"`) {
		t.Errorf("Open with a side output of the wrong type: error %v, want an operator.Failure about it", err)
	}
	noErr(t, h.Close())
}

func TestSideOutputMisuse(t *testing.T) {
	mustPanic := func(what, contains string, fn func()) {
		t.Helper()
		defer func() {
			t.Helper()
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), contains) {
				t.Errorf("%s: recovered %v, want a panic containing %q", what, r, contains)
			}
		}()
		fn()
	}
	h := testenv.NewOneInput(newSplit)
	testenv.SideOutput[string](h, "odd")
	mustPanic("registering a tag again with another type", "registered as", func() { testenv.SideOutput[int](h, "odd") })
	noErr(t, h.Open())
	defer h.Close()
	mustPanic("registering a tag after Open", "after Open", func() { testenv.SideOutput[int](h, "late") })
}
