package window

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// mergeRecorder is a MergeFunc that formats its calls.
type mergeRecorder struct{ calls []string }

func (r *mergeRecorder) merge(result TimeWindow, merged []TimeWindow, stateResult TimeWindow, mergedState []TimeWindow) error {
	r.calls = append(r.calls, fmt.Sprintf("%v<-%v state %v<-%v", result, merged, stateResult, mergedState))
	return nil
}

func (r *mergeRecorder) take() string {
	s := strings.Join(r.calls, "; ")
	r.calls = nil
	return s
}

func newSessionSet(t *testing.T, pairs []WindowPair[TimeWindow]) *MergingWindowSet[TimeWindow] {
	a := must(EventTimeSession[int](3 * ms))(t)
	return NewMergingWindowSet[TimeWindow](a, pairs)
}

func TestMergingWindowSet(t *testing.T) {
	type step struct {
		add        TimeWindow
		wantResult TimeWindow
		wantState  TimeWindow
		wantMerge  string
	}
	tests := []struct {
		name      string
		steps     []step
		wantPairs string
	}{
		{
			name: "separate windows",
			steps: []step{
				{TimeWindow{0, 3}, TimeWindow{0, 3}, TimeWindow{0, 3}, ""},
				{TimeWindow{5, 8}, TimeWindow{5, 8}, TimeWindow{5, 8}, ""},
			},
			wantPairs: "[0, 3)->[0, 3) [5, 8)->[5, 8)",
		},
		{
			name: "grow a session",
			steps: []step{
				{TimeWindow{0, 3}, TimeWindow{0, 3}, TimeWindow{0, 3}, ""},
				{TimeWindow{2, 5}, TimeWindow{0, 5}, TimeWindow{0, 3}, "[0, 5)<-[[0, 3)] state [0, 3)<-[]"},
				{TimeWindow{5, 8}, TimeWindow{0, 8}, TimeWindow{0, 3}, "[0, 8)<-[[0, 5)] state [0, 3)<-[]"},
			},
			wantPairs: "[0, 8)->[0, 3)",
		},
		{
			name: "bridge two sessions",
			steps: []step{
				{TimeWindow{0, 3}, TimeWindow{0, 3}, TimeWindow{0, 3}, ""},
				{TimeWindow{6, 9}, TimeWindow{6, 9}, TimeWindow{6, 9}, ""},
				{TimeWindow{3, 6}, TimeWindow{0, 9}, TimeWindow{0, 3}, "[0, 9)<-[[0, 3) [6, 9)] state [0, 3)<-[[6, 9)]"},
			},
			wantPairs: "[0, 9)->[0, 3)",
		},
		{
			name: "bridge, later session first in set",
			steps: []step{
				{TimeWindow{6, 9}, TimeWindow{6, 9}, TimeWindow{6, 9}, ""},
				{TimeWindow{0, 3}, TimeWindow{0, 3}, TimeWindow{0, 3}, ""},
				{TimeWindow{2, 7}, TimeWindow{0, 9}, TimeWindow{0, 3}, "[0, 9)<-[[0, 3) [6, 9)] state [0, 3)<-[[6, 9)]"},
			},
			wantPairs: "[0, 9)->[0, 3)",
		},
		{
			name: "new window inside an existing one",
			steps: []step{
				{TimeWindow{0, 10}, TimeWindow{0, 10}, TimeWindow{0, 10}, ""},
				{TimeWindow{2, 5}, TimeWindow{0, 10}, TimeWindow{0, 10}, ""},
			},
			wantPairs: "[0, 10)->[0, 10)",
		},
		{
			name: "new window covers an existing one",
			steps: []step{
				{TimeWindow{2, 5}, TimeWindow{2, 5}, TimeWindow{2, 5}, ""},
				{TimeWindow{0, 10}, TimeWindow{0, 10}, TimeWindow{2, 5}, "[0, 10)<-[[2, 5)] state [2, 5)<-[]"},
			},
			wantPairs: "[0, 10)->[2, 5)",
		},
		{
			name: "same window again",
			steps: []step{
				{TimeWindow{0, 3}, TimeWindow{0, 3}, TimeWindow{0, 3}, ""},
				{TimeWindow{0, 3}, TimeWindow{0, 3}, TimeWindow{0, 3}, ""},
			},
			wantPairs: "[0, 3)->[0, 3)",
		},
		{
			name: "grown session equal to a new window keeps its state window",
			steps: []step{
				{TimeWindow{5, 10}, TimeWindow{5, 10}, TimeWindow{5, 10}, ""},
				{TimeWindow{0, 20}, TimeWindow{0, 20}, TimeWindow{5, 10}, "[0, 20)<-[[5, 10)] state [5, 10)<-[]"},
				{TimeWindow{0, 20}, TimeWindow{0, 20}, TimeWindow{5, 10}, ""},
			},
			wantPairs: "[0, 20)->[5, 10)",
		},
		{
			name: "merge three sessions at once",
			steps: []step{
				{TimeWindow{0, 2}, TimeWindow{0, 2}, TimeWindow{0, 2}, ""},
				{TimeWindow{10, 12}, TimeWindow{10, 12}, TimeWindow{10, 12}, ""},
				{TimeWindow{5, 7}, TimeWindow{5, 7}, TimeWindow{5, 7}, ""},
				{TimeWindow{1, 11}, TimeWindow{0, 12}, TimeWindow{0, 2}, "[0, 12)<-[[0, 2) [5, 7) [10, 12)] state [0, 2)<-[[5, 7) [10, 12)]"},
			},
			wantPairs: "[0, 12)->[0, 2)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSessionSet(t, nil)
			var rec mergeRecorder
			for i, st := range tt.steps {
				got, err := s.AddWindow(st.add, rec.merge)
				if err != nil {
					t.Fatal(err)
				}
				if got != st.wantResult {
					t.Errorf("step %d: AddWindow(%v) = %v, want %v", i, st.add, got, st.wantResult)
				}
				if sw, ok := s.StateWindow(got); !ok || sw != st.wantState {
					t.Errorf("step %d: StateWindow(%v) = %v, %t; want %v", i, got, sw, ok, st.wantState)
				}
				if m := rec.take(); m != st.wantMerge {
					t.Errorf("step %d: merges %q, want %q", i, m, st.wantMerge)
				}
			}
			if got := formatPairs(s.AppendPairs(nil)); got != tt.wantPairs {
				t.Errorf("pairs %q, want %q", got, tt.wantPairs)
			}
		})
	}
}

func formatPairs(ps []WindowPair[TimeWindow]) string {
	var b []string
	for _, p := range ps {
		b = append(b, fmt.Sprintf("%v->%v", p.Window, p.StateWindow))
	}
	return strings.Join(b, " ")
}

func TestMergingWindowSetRetireRestoreChanged(t *testing.T) {
	s := newSessionSet(t, nil)
	var rec mergeRecorder
	if s.Changed() {
		t.Error("new set changed")
	}
	s.AddWindow(TimeWindow{0, 3}, rec.merge)
	s.AddWindow(TimeWindow{10, 13}, rec.merge)
	s.AddWindow(TimeWindow{1, 4}, rec.merge) // [0,4) -> [0,3)
	if !s.Changed() {
		t.Error("not changed after adds")
	}
	pairs := s.AppendPairs(nil)
	if got := formatPairs(pairs); got != "[10, 13)->[10, 13) [0, 4)->[0, 3)" {
		t.Fatalf("pairs %q", got)
	}

	r := newSessionSet(t, pairs)
	if r.Changed() || r.Len() != 2 {
		t.Errorf("restored: changed %t, len %d", r.Changed(), r.Len())
	}
	if sw, ok := r.StateWindow(TimeWindow{0, 4}); !ok || sw != (TimeWindow{0, 3}) {
		t.Errorf("restored StateWindow = %v, %t", sw, ok)
	}
	if _, ok := r.StateWindow(TimeWindow{0, 3}); ok {
		t.Error("state window [0,3) is not an actual window")
	}
	// Adding and retiring a window gives back the restored mapping.
	w, _ := r.AddWindow(TimeWindow{20, 23}, rec.merge)
	if !r.Changed() {
		t.Error("not changed after add")
	}
	if err := r.RetireWindow(w); err != nil {
		t.Fatal(err)
	}
	if r.Changed() {
		t.Error("changed after add and retire of the same window")
	}
	// Re-adding an in-flight window changes nothing.
	rec.take()
	r.AddWindow(TimeWindow{0, 4}, rec.merge)
	if r.Changed() || rec.take() != "" {
		t.Error("re-adding an in-flight window changed the set")
	}
	if err := r.RetireWindow(TimeWindow{0, 4}); err != nil {
		t.Fatal(err)
	}
	if err := r.RetireWindow(TimeWindow{0, 4}); !errors.Is(err, ErrNotInFlight) {
		t.Errorf("retire twice: %v", err)
	}
	if !r.Changed() || r.Len() != 1 {
		t.Errorf("after retire: changed %t len %d", r.Changed(), r.Len())
	}

	// Reset reuses the set for another key.
	r.Reset(nil)
	if r.Len() != 0 || r.Changed() {
		t.Errorf("after Reset: len %d changed %t", r.Len(), r.Changed())
	}
	// The restored slice is copied.
	pairs[0].StateWindow = TimeWindow{99, 100}
	r.Reset(pairs[:1])
	pairs[0].StateWindow = TimeWindow{10, 13}
	if sw, _ := r.StateWindow(TimeWindow{10, 13}); sw != (TimeWindow{99, 100}) {
		t.Errorf("Reset did not copy: %v", sw)
	}
}

func TestMergingWindowSetMergeError(t *testing.T) {
	s := newSessionSet(t, nil)
	boom := errors.New("boom")
	fail := func(TimeWindow, []TimeWindow, TimeWindow, []TimeWindow) error { return boom }
	if _, err := s.AddWindow(TimeWindow{0, 3}, fail); err != nil {
		t.Fatalf("no merge: %v", err)
	}
	if _, err := s.AddWindow(TimeWindow{2, 5}, fail); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}

// A MergeFunc that models the operator: contents move from merged state
// windows into the result's state window. After every step each in-flight
// window must hold exactly the elements whose windows it covers.
func TestMergingWindowSetModel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 300 {
		gapOf := func(int) time.Duration { return time.Duration(1+r.IntN(8)) * ms }
		a := must(DynamicEventTimeSession(gapOf))(t)
		s := NewMergingWindowSet[TimeWindow](a, nil)
		contents := map[TimeWindow][]int{} // state window -> element ids
		var elems []TimeWindow             // element id -> its window
		merge := func(result TimeWindow, merged []TimeWindow, stateResult TimeWindow, mergedState []TimeWindow) error {
			for _, m := range merged {
				if !result.Intersects(m) || result.Cover(m) != result {
					t.Fatalf("merged window %v not inside %v", m, result)
				}
			}
			for _, sw := range mergedState {
				if sw == stateResult {
					t.Fatalf("state result %v among merged state windows", sw)
				}
				contents[stateResult] = append(contents[stateResult], contents[sw]...)
				delete(contents, sw)
			}
			return nil
		}
		var buf []TimeWindow
		for id := range 40 {
			ts := int64(r.IntN(100))
			buf, _ = a.AssignWindows(id, ts, nil, buf[:0])
			w := buf[0]
			actual, err := s.AddWindow(w, merge)
			if err != nil {
				t.Fatal(err)
			}
			if actual.Cover(w) != actual {
				t.Fatalf("round %d: %v not inside result %v", round, w, actual)
			}
			sw, ok := s.StateWindow(actual)
			if !ok {
				t.Fatalf("round %d: result %v not in flight", round, actual)
			}
			contents[sw] = append(contents[sw], id)
			elems = append(elems, w)

			pairs := s.AppendPairs(nil)
			seenState := map[TimeWindow]bool{}
			total := 0
			for i, p := range pairs {
				if seenState[p.StateWindow] {
					t.Fatalf("state window %v used twice", p.StateWindow)
				}
				seenState[p.StateWindow] = true
				for _, q := range pairs[i+1:] {
					if p.Window.Intersects(q.Window) {
						t.Fatalf("in-flight windows %v and %v intersect", p.Window, q.Window)
					}
				}
				var want []int
				for e, ew := range elems {
					if p.Window.Cover(ew) == p.Window {
						want = append(want, e)
					}
				}
				got := slices.Sorted(slices.Values(contents[p.StateWindow]))
				if !slices.Equal(got, want) {
					t.Fatalf("round %d: window %v (state %v) holds %v, want %v", round, p.Window, p.StateWindow, got, want)
				}
				total += len(got)
			}
			if total != len(elems) || len(contents) != len(pairs) {
				t.Fatalf("round %d: %d of %d elements in %d states for %d windows", round, total, len(elems), len(contents), len(pairs))
			}
		}
	}
}

func TestMergingWindowSetAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	s := newSessionSet(t, nil)
	merge := func(TimeWindow, []TimeWindow, TimeWindow, []TimeWindow) error { return nil }
	ts := int64(0)
	run := func() {
		// A growing session plus a separate one that is retired.
		s.AddWindow(TimeWindow{ts, ts + 3}, merge)
		w, _ := s.AddWindow(TimeWindow{ts + 100, ts + 103}, merge)
		s.RetireWindow(w)
		ts += 2
	}
	for range 10 {
		run()
	}
	if a := testing.AllocsPerRun(100, run); a != 0 {
		t.Errorf("AddWindow allocates %v per run", a)
	}
}
