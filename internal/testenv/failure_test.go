package testenv_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
)

func newFail(f *failOp) func(operator.Output[string]) operator.OneInput[string] {
	return func(out operator.Output[string]) operator.OneInput[string] {
		f.Out = out
		return f
	}
}

func TestFailureIsError(t *testing.T) {
	h := testenv.NewOneInput(newFail(&failOp{}))
	noErr(t, h.Open())
	defer h.Close()

	err := h.ProcessElement("fail", 1)
	var f *operator.Failure
	if !errors.As(err, &f) || !errors.Is(err, errBoom) {
		t.Errorf("operator.Fail(errBoom): error %#v, want an *operator.Failure of errBoom", err)
	}

	err = h.ProcessElement("panic", 2)
	var p *testenv.PanicError
	var re runtime.Error
	switch {
	case !errors.As(err, &p):
		t.Errorf("a runtime panic: error %#v, want a *testenv.PanicError", err)
	case !errors.As(err, &re):
		t.Errorf("a runtime panic: error %v does not unwrap to the runtime.Error", err)
	case !strings.HasPrefix(err.Error(), "panic: runtime error: index out of range"):
		t.Errorf("a runtime panic: error %q", err)
	case !strings.Contains(p.Stack, "(*failOp).ProcessElement"):
		t.Errorf("the stack of a panic does not show the operator:\n%s", p.Stack)
	}

	// The harness goes on after a failure.
	noErr(t, h.ProcessElement("ok", 3))
	equal(t, "output", h.Values(), []string{"ok"})
}

func TestFailureInOpen(t *testing.T) {
	op := &failOp{failOpen: errBoom, failClose: errors.New("close")}
	h := testenv.NewOneInput(newFail(op))
	if err := h.Open(); err != errBoom {
		t.Errorf("Open = %v, want errBoom", err)
	}
	if err := h.ProcessElement("x", 1); err == nil {
		t.Error("ProcessElement after a failed Open is not an error")
	}
	// An operator whose Open failed is not closed.
	noErr(t, h.Close())
}

func TestFailureInProcessingTimeCallback(t *testing.T) {
	h := testenv.NewOneInput(newFail(&failOp{failTimerAt: 100}))
	noErr(t, h.Open())
	defer h.Close()
	noErr(t, h.SetProcessingTime(99))
	err := h.SetProcessingTime(150)
	if !errors.Is(err, errBoom) || err.Error() != "timer at 150: boom" {
		t.Errorf("a failing processing-time callback: error %v", err)
	}
}

func TestFailureInFinishAndClose(t *testing.T) {
	errClose := errors.New("close")
	h := testenv.NewOneInput(newFail(&failOp{failFinish: errBoom, failClose: errClose}))
	noErr(t, h.Open())
	err := h.EndInput()
	var p *testenv.PanicError
	if !errors.As(err, &p) || !errors.Is(err, errBoom) {
		t.Errorf("a panic in Finish: error %v, want a *testenv.PanicError of errBoom", err)
	}
	equal(t, "watermarks", h.Watermarks(), []int64{event.MaxWatermark})
	if err := h.Close(); err != errClose {
		t.Errorf("Close = %v, want the operator's error", err)
	}
}
