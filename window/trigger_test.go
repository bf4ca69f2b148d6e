package window

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

func TestResult(t *testing.T) {
	tests := []struct {
		r           Result
		fire, purge bool
		name        string
		purgingOfR  Result
	}{
		{Continue, false, false, "CONTINUE", Continue},
		{Fire, true, false, "FIRE", FireAndPurge},
		{Purge, false, true, "PURGE", Purge},
		{FireAndPurge, true, true, "FIRE_AND_PURGE", FireAndPurge},
	}
	for _, tt := range tests {
		if tt.r.IsFire() != tt.fire || tt.r.IsPurge() != tt.purge || tt.r.String() != tt.name {
			t.Errorf("%v: IsFire %t IsPurge %t", tt.r, tt.r.IsFire(), tt.r.IsPurge())
		}
		if got := purge(tt.r); got != tt.purgingOfR {
			t.Errorf("purging of %v = %v, want %v", tt.r, got, tt.purgingOfR)
		}
	}
}

// op is one call on a trigger in a scripted sequence.
type op[W Window] struct {
	kind    string // "elem", "event", "proc", "merge", "clear", "wm", "now"
	ts      int64  // element timestamp, timer time, new watermark or clock
	w       W
	merged  []W // for "merge"
	want    Result
	wantLog string // timer calls made by this step
}

func runTrigger[W Window](t *testing.T, tr Trigger[int, W], r *fakeRuntime[W], ops []op[W]) {
	t.Helper()
	for i, o := range ops {
		var got Result
		switch o.kind {
		case "wm":
			r.watermark = o.ts
			continue
		case "now":
			r.now = o.ts
			continue
		case "elem":
			got = tr.OnElement(i, o.ts, o.w, r.ctx(o.w))
		case "event":
			got = tr.OnEventTime(o.ts, o.w, r.ctx(o.w))
		case "proc":
			got = tr.OnProcessingTime(o.ts, o.w, r.ctx(o.w))
		case "merge":
			tr.OnMerge(o.w, r.ctx(o.w, o.merged...))
		case "clear":
			tr.Clear(o.w, r.ctx(o.w))
		default:
			t.Fatalf("bad op %q", o.kind)
		}
		if got != o.want {
			t.Errorf("step %d (%s %d %v): result %v, want %v", i, o.kind, o.ts, o.w, got, o.want)
		}
		if log := r.takeLog(); log != o.wantLog {
			t.Errorf("step %d (%s %d %v): timers %q, want %q", i, o.kind, o.ts, o.w, log, o.wantLog)
		}
	}
}

var (
	w0  = TimeWindow{0, 10}
	w1  = TimeWindow{10, 20}
	wm0 = TimeWindow{0, 20}
)

func TestEventTimeTrigger(t *testing.T) {
	tr := EventTimeTrigger[int, TimeWindow]()
	if !tr.CanMerge() {
		t.Error("CanMerge = false")
	}
	r := newFakeRuntime[TimeWindow]()
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "elem", ts: 3, w: w0, want: Continue, wantLog: "+e9"},
		{kind: "elem", ts: 5, w: w0, want: Continue, wantLog: "+e9"},
		{kind: "proc", ts: 9, w: w0, want: Continue},
		{kind: "event", ts: 8, w: w0, want: Continue},
		{kind: "wm", ts: 9},
		{kind: "event", ts: 9, w: w0, want: Fire},
		// Late element within allowed lateness: fires at once, no timer.
		{kind: "elem", ts: 4, w: w0, want: Fire},
		// Operator's cleanup timer (lateness 5) does not fire the trigger.
		{kind: "event", ts: 14, w: w0, want: Continue},
		{kind: "clear", w: w0, wantLog: "-e9"},
		{kind: "elem", ts: 12, w: w1, want: Continue, wantLog: "+e19"},
		// Merging: the merged window's end is still ahead.
		{kind: "merge", w: wm0, merged: []TimeWindow{w1}, wantLog: "+e19"},
		// Watermark past the merged window's end: no timer.
		{kind: "wm", ts: 19},
		{kind: "merge", w: wm0, merged: []TimeWindow{w1}},
		{kind: "elem", ts: 19, w: wm0, want: Fire},
	})
	if got := r.eventTimers(wm0); !slices.Equal(got, []int64{19}) {
		t.Errorf("timers of %v: %v", wm0, got)
	}
}

func TestProcessingTimeTrigger(t *testing.T) {
	tr := ProcessingTimeTrigger[int, TimeWindow]()
	if !tr.CanMerge() {
		t.Error("CanMerge = false")
	}
	r := newFakeRuntime[TimeWindow]()
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "now", ts: 2},
		{kind: "elem", ts: NoTimestamp, w: w0, want: Continue, wantLog: "+p9"},
		{kind: "event", ts: 9, w: w0, want: Continue},
		{kind: "proc", ts: 9, w: w0, want: Fire},
		{kind: "clear", w: w0, wantLog: "-p9"},
		{kind: "merge", w: wm0, merged: []TimeWindow{w0, w1}, wantLog: "+p19"},
		{kind: "now", ts: 19},
		{kind: "merge", w: wm0, merged: []TimeWindow{w0, w1}},
	})
}

func TestCountTrigger(t *testing.T) {
	tr := must(CountTrigger[int, TimeWindow](3))(t)
	if !tr.CanMerge() {
		t.Error("CanMerge = false")
	}
	r := newFakeRuntime[TimeWindow]()
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: Continue},
		{kind: "event", ts: 9, w: w0, want: Continue},
		{kind: "proc", ts: 9, w: w0, want: Continue},
		{kind: "elem", w: w0, want: Fire},
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: Fire},
		{kind: "elem", w: w0, want: Continue},
		{kind: "clear", w: w0},
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: Fire},
		// Merge: w0 has 2, w1 has 1, the merged window continues from 3.
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w1, want: Continue},
		{kind: "merge", w: wm0, merged: []TimeWindow{w0, w1}},
		{kind: "elem", w: wm0, want: Fire},
		{kind: "elem", w: wm0, want: Continue},
	})
	if v, ok := r.state[stateKey[TimeWindow]{wm0, "count"}]; !ok || v != 1 {
		t.Errorf("count of merged window = %d, %t", v, ok)
	}
	one := must(CountTrigger[int, GlobalWindow](1))(t)
	rg := newFakeRuntime[GlobalWindow]()
	runTrigger(t, one, rg, []op[GlobalWindow]{
		{kind: "elem", want: Fire},
		{kind: "elem", want: Fire},
	})
}

func TestContinuousEventTimeTrigger(t *testing.T) {
	tr := must(ContinuousEventTimeTrigger[int, TimeWindow](10 * ms))(t)
	if !tr.CanMerge() {
		t.Error("CanMerge = false")
	}
	w := TimeWindow{0, 35} // max timestamp 34
	r := newFakeRuntime[TimeWindow]()
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "elem", ts: 3, w: w, want: Continue, wantLog: "+e34 +e10"},
		{kind: "elem", ts: 17, w: w, want: Continue, wantLog: "+e34"},
		{kind: "proc", ts: 10, w: w, want: Continue},
		{kind: "event", ts: 5, w: w, want: Continue},
		{kind: "wm", ts: 10},
		{kind: "event", ts: 10, w: w, want: Fire, wantLog: "+e20"},
		{kind: "event", ts: 20, w: w, want: Fire, wantLog: "+e30"},
		{kind: "event", ts: 30, w: w, want: Fire, wantLog: "+e34"}, // capped at the window end
		{kind: "wm", ts: 34},
		{kind: "event", ts: 34, w: w, want: Fire},
		// Late element (allowed lateness): fires at once.
		{kind: "elem", ts: 20, w: w, want: Fire},
		{kind: "clear", w: w, wantLog: "-e34"},
		{kind: "clear", w: w},
	})
	if _, ok := r.state[stateKey[TimeWindow]{w, "fire-time"}]; ok {
		t.Error("fire-time left after Clear")
	}

	// The first fire time is aligned to the interval from the element's
	// timestamp, truncating toward zero as Java's %.
	align := []struct {
		w        TimeWindow
		ts       int64
		wantLog  string
		interval time.Duration
	}{
		{TimeWindow{0, 100}, 0, "+e99 +e10", 10 * ms},
		{TimeWindow{0, 100}, 9, "+e99 +e10", 10 * ms},
		{TimeWindow{0, 100}, 10, "+e99 +e20", 10 * ms},
		{TimeWindow{0, 100}, 95, "+e99 +e99", 10 * ms},
		{TimeWindow{-100, 0}, -5, "+e-1 +e-1", 10 * ms}, // -5 - (-5) + 10 = 10, capped at -1
		{TimeWindow{-100, 0}, -15, "+e-1 +e-1", 10 * ms},
		{TimeWindow{-100, 100}, -15, "+e99 +e0", 10 * ms}, // -15 - (-5) + 10 = 0
		{TimeWindow{1000, 2000}, 1234, "+e1999 +e1300", 100 * ms},
	}
	for _, a := range align {
		tr := must(ContinuousEventTimeTrigger[int, TimeWindow](a.interval))(t)
		r := newFakeRuntime[TimeWindow]()
		runTrigger(t, tr, r, []op[TimeWindow]{{kind: "elem", ts: a.ts, w: a.w, want: Continue, wantLog: a.wantLog}})
	}

	// Merging keeps the earliest fire time and registers it.
	r = newFakeRuntime[TimeWindow]()
	a, b, m := TimeWindow{0, 25}, TimeWindow{20, 45}, TimeWindow{0, 45}
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "elem", ts: 22, w: b, want: Continue, wantLog: "+e44 +e30"},
		{kind: "elem", ts: 3, w: a, want: Continue, wantLog: "+e24 +e10"},
		{kind: "merge", w: m, merged: []TimeWindow{a, b}, wantLog: "+e10"},
		{kind: "clear", w: a},
		{kind: "clear", w: b},
		{kind: "event", ts: 10, w: m, want: Fire, wantLog: "+e20"},
		{kind: "merge", w: TimeWindow{0, 50}, merged: []TimeWindow{TimeWindow{5, 6}}}, // nothing to merge: no timer
	})

	// On the GlobalWindow the next fire time saturates instead of wrapping.
	g := must(ContinuousEventTimeTrigger[int, GlobalWindow](10 * ms))(t)
	rg := newFakeRuntime[GlobalWindow]()
	runTrigger(t, g, rg, []op[GlobalWindow]{
		{kind: "elem", ts: math.MaxInt64 - 5, want: Continue, wantLog: fmt.Sprintf("+e%d +e%d", int64(math.MaxInt64), int64(math.MaxInt64))},
	})
}

func TestContinuousProcessingTimeTrigger(t *testing.T) {
	tr := must(ContinuousProcessingTimeTrigger[int, TimeWindow](10 * ms))(t)
	if !tr.CanMerge() {
		t.Error("CanMerge = false")
	}
	w := TimeWindow{0, 35}
	r := newFakeRuntime[TimeWindow]()
	runTrigger(t, tr, r, []op[TimeWindow]{
		// No fire time yet: a proc timer (e.g. cleanup) continues.
		{kind: "proc", ts: 34, w: w, want: Continue},
		{kind: "now", ts: 3},
		{kind: "elem", ts: 999, w: w, want: Continue, wantLog: "+p10"},
		{kind: "now", ts: 7},
		{kind: "elem", ts: 999, w: w, want: Continue},
		{kind: "event", ts: 10, w: w, want: Continue},
		{kind: "proc", ts: 10, w: w, want: Fire, wantLog: "+p20"},
		{kind: "proc", ts: 15, w: w, want: Continue},
		{kind: "proc", ts: 20, w: w, want: Fire, wantLog: "+p30"},
		{kind: "proc", ts: 30, w: w, want: Fire, wantLog: "+p34"},
		{kind: "proc", ts: 34, w: w, want: Fire, wantLog: "+p34"}, // last fire at the end
		{kind: "clear", w: w, wantLog: "-p34"},
		{kind: "clear", w: w},
	})

	r = newFakeRuntime[TimeWindow]()
	a, b, m := TimeWindow{0, 100}, TimeWindow{50, 150}, TimeWindow{0, 150}
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "now", ts: 42},
		{kind: "elem", w: a, want: Continue, wantLog: "+p50"},
		{kind: "now", ts: 61},
		{kind: "elem", w: b, want: Continue, wantLog: "+p70"},
		{kind: "merge", w: m, merged: []TimeWindow{a, b}, wantLog: "+p50"},
		{kind: "proc", ts: 50, w: m, want: Fire, wantLog: "+p60"},
	})
}

func TestPurgingTrigger(t *testing.T) {
	inner := must(CountTrigger[int, TimeWindow](2))(t)
	tr := must(PurgingTrigger(inner))(t)
	if !tr.CanMerge() {
		t.Error("CanMerge = false")
	}
	r := newFakeRuntime[TimeWindow]()
	runTrigger(t, tr, r, []op[TimeWindow]{
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w0, want: FireAndPurge},
		{kind: "elem", w: w0, want: Continue},
		{kind: "elem", w: w1, want: Continue},
		{kind: "merge", w: wm0, merged: []TimeWindow{w0, w1}},
		{kind: "elem", w: wm0, want: FireAndPurge},
	})

	et := must(PurgingTrigger(EventTimeTrigger[int, TimeWindow]()))(t)
	runTrigger(t, et, newFakeRuntime[TimeWindow](), []op[TimeWindow]{
		{kind: "elem", ts: 1, w: w0, want: Continue, wantLog: "+e9"},
		{kind: "event", ts: 9, w: w0, want: FireAndPurge},
		{kind: "proc", ts: 9, w: w0, want: Continue},
		{kind: "clear", w: w0, wantLog: "-e9"},
	})
	pt := must(PurgingTrigger(ProcessingTimeTrigger[int, TimeWindow]()))(t)
	runTrigger(t, pt, newFakeRuntime[TimeWindow](), []op[TimeWindow]{
		{kind: "proc", ts: 9, w: w0, want: FireAndPurge},
	})
	never := must(PurgingTrigger(NeverTrigger[int, GlobalWindow]()))(t)
	if never.CanMerge() {
		t.Error("purging never CanMerge")
	}
}

func TestNeverAndEndOfStreamTriggers(t *testing.T) {
	tr := NeverTrigger[int, GlobalWindow]()
	if tr.CanMerge() {
		t.Error("NeverTrigger CanMerge")
	}
	g := GlobalWindow{}
	runTrigger(t, tr, newFakeRuntime[GlobalWindow](), []op[GlobalWindow]{
		{kind: "elem", ts: 1, w: g, want: Continue},
		{kind: "event", ts: math.MaxInt64, w: g, want: Continue},
		{kind: "proc", ts: math.MaxInt64, w: g, want: Continue},
		{kind: "merge", w: g},
		{kind: "clear", w: g},
	})

	eos := EndOfStreamTrigger[int]()
	if eos.CanMerge() {
		t.Error("EndOfStreamTrigger CanMerge")
	}
	max := fmt.Sprintf("+e%d", int64(math.MaxInt64))
	runTrigger(t, eos, newFakeRuntime[GlobalWindow](), []op[GlobalWindow]{
		{kind: "elem", ts: 1, w: g, want: Continue, wantLog: max},
		{kind: "event", ts: 100, w: g, want: Continue},
		{kind: "proc", ts: math.MaxInt64, w: g, want: Continue},
		{kind: "event", ts: math.MaxInt64, w: g, want: Fire},
		{kind: "clear", w: g},
	})
}
