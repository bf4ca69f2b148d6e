package window

import (
	"fmt"
	"slices"
)

// WindowPair maps an in-flight window to its state window. A slice of pairs
// is how a MergingWindowSet is exported and restored.
type WindowPair[W Window] struct {
	// Window is the actual window, as the trigger and the window function
	// see it (for sessions: the span of the merged session).
	Window W
	// StateWindow is the window under which the contents (and the
	// trigger's per-window state) of Window are stored.
	StateWindow W
}

// MergeFunc is called by MergingWindowSet.AddWindow for every merge, as
// Flink's MergingWindowSet.MergeFunction:
//
//   - mergeResult is the new actual window;
//   - mergedWindows are the in-flight windows merged into it (never the new
//     window, which has no state yet), in the merger's order;
//   - stateWindowResult is the state window that now holds mergeResult's
//     contents (the state window of one of mergedWindows);
//   - mergedStateWindows are the state windows of the other merged windows,
//     whose contents must be merged into stateWindowResult.
//
// The window operator's merge function (Flink's WindowOperator) fails if
// the merge result is already late (event time: IsWindowLate; processing
// time: mergeResult.MaxTimestamp() <= now), calls the trigger's OnMerge
// with the context scoped to mergeResult (trigger state is namespaced by
// actual windows, so OnMerge merges the trigger state of mergedWindows),
// calls the trigger's Clear and deletes the cleanup timer for each of
// mergedWindows, and merges the window contents stored under
// mergedStateWindows into stateWindowResult.
//
// The slices are valid only during the call and must not be modified or
// retained. A non-nil error aborts AddWindow, which returns it.
type MergeFunc[W Window] func(mergeResult W, mergedWindows []W, stateWindowResult W, mergedStateWindows []W) error

// MergingWindowSet is the bookkeeping of merging windows for one key, as
// Flink's MergingWindowSet. It maps every in-flight (actual) window to the
// state window under which its contents are stored: when windows merge,
// the contents of all but one of them are merged into that one's state
// window, so the contents never move under a new window name and a growing
// session costs one state merge per merge instead of a rewrite.
//
// The operator uses one set per key: restore it from the key's persisted
// pairs (NewMergingWindowSet or Reset), call AddWindow for each window of
// the element, look the state window up with StateWindow, RetireWindow
// windows that are cleaned up or late, and persist AppendPairs if Changed.
// It is a pure data structure: not safe for concurrent use, and after
// warm-up it does not allocate (given a WindowMerger that does not).
type MergingWindowSet[W Window] struct {
	merger  WindowMerger[W]
	pairs   []WindowPair[W]
	initial []WindowPair[W]
	dirty   bool

	// scratch, reused across calls
	collectFn   func(W, []W)
	windows     []W
	groups      []mergeGroup[W]
	flat        []W
	merged      []W
	mergedState []W
}

type mergeGroup[W Window] struct {
	result   W
	from, to int // sources are flat[from:to]
}

// NewMergingWindowSet returns a set that merges with merger (the merging
// assigner) restored from pairs (nil for none), which it copies. The
// windows of pairs must be distinct, as AppendPairs exports them.
func NewMergingWindowSet[W Window](merger WindowMerger[W], pairs []WindowPair[W]) *MergingWindowSet[W] {
	s := &MergingWindowSet[W]{merger: merger}
	s.collectFn = s.collect
	s.Reset(pairs)
	return s
}

// Reset replaces the contents of the set with a copy of pairs, which
// becomes the baseline of Changed. It lets the operator reuse one set for
// every key.
func (s *MergingWindowSet[W]) Reset(pairs []WindowPair[W]) {
	s.pairs = append(s.pairs[:0], pairs...)
	s.initial = append(s.initial[:0], pairs...)
	s.dirty = false
}

// Len returns the number of in-flight windows.
func (s *MergingWindowSet[W]) Len() int { return len(s.pairs) }

// AppendPairs appends the mapping (actual window → state window) to dst and
// returns the extended slice, in a deterministic order (the order in which
// windows entered the set). It is what the operator persists.
func (s *MergingWindowSet[W]) AppendPairs(dst []WindowPair[W]) []WindowPair[W] {
	return append(dst, s.pairs...)
}

// Changed reports whether the mapping differs (as a set of pairs) from the
// one the set was created or last Reset with, that is whether it must be
// persisted again.
func (s *MergingWindowSet[W]) Changed() bool {
	if !s.dirty {
		return false
	}
	if len(s.pairs) != len(s.initial) {
		return true
	}
	for _, p := range s.pairs {
		if !slices.Contains(s.initial, p) {
			return true
		}
	}
	return false
}

// StateWindow returns the state window of the in-flight window w, and false
// if w is not in flight (Flink's getStateWindow returning null).
func (s *MergingWindowSet[W]) StateWindow(w W) (W, bool) {
	if i := s.index(w); i >= 0 {
		return s.pairs[i].StateWindow, true
	}
	var zero W
	return zero, false
}

// RetireWindow removes w from the in-flight windows, when the operator
// cleans it up or drops it as late. It returns an error wrapping
// ErrNotInFlight if w is not in flight (Flink throws IllegalStateException).
func (s *MergingWindowSet[W]) RetireWindow(w W) error {
	i := s.index(w)
	if i < 0 {
		return fmt.Errorf("%w: %v", ErrNotInFlight, w)
	}
	s.remove(i)
	return nil
}

// AddWindow adds newWindow (the window the assigner gave an element) to the
// in-flight windows, merging it and existing windows as the merger says,
// and returns the actual window the element belongs to: newWindow itself
// if nothing merged with it, else the merge result containing it. Adding
// the element's contents and calling the trigger must then happen for the
// returned window only, under the state window StateWindow(result).
//
// For each merge group reported by the merger (Flink's addWindow):
//   - the state window of the first existing window of the group becomes
//     the state window of the merge result, and the existing windows of
//     the group leave the set;
//   - merge is called, unless the group is one existing window that
//     swallowed newWindow without growing (newWindow inside it), in which
//     case nothing is merged.
//
// If no group contains newWindow, newWindow enters the set as its own state
// window. If newWindow is already in flight and merges with nothing, the
// set is unchanged (Flink would reset its state window to itself, which
// can orphan state when a dynamic-gap session grew to exactly newWindow).
//
// If merge returns an error, AddWindow returns it at once with the set
// partly updated: the operator must fail (the set must not be persisted).
// An error is also returned if the merger breaks the WindowMerger contract
// (a group with no in-flight window).
func (s *MergingWindowSet[W]) AddWindow(newWindow W, merge MergeFunc[W]) (W, error) {
	s.windows = s.windows[:0]
	for _, p := range s.pairs {
		s.windows = append(s.windows, p.Window)
	}
	s.windows = append(s.windows, newWindow)
	s.groups, s.flat = s.groups[:0], s.flat[:0]
	s.merger.MergeWindows(s.windows, s.collectFn)

	newInFlight := s.index(newWindow) >= 0
	result, mergedNew := newWindow, false
	for _, g := range s.groups {
		s.merged = s.merged[:0]
		for _, w := range s.flat[g.from:g.to] {
			if w == newWindow {
				mergedNew, result = true, g.result
				if !newInFlight {
					continue // the new window has no state to merge
				}
			}
			s.merged = append(s.merged, w)
		}
		if len(s.merged) == 0 {
			return result, fmt.Errorf("window: merger reported a merge into %v with no in-flight window", g.result)
		}
		first := s.index(s.merged[0])
		if first < 0 {
			return result, fmt.Errorf("window: merger reported window %v that is not in flight", s.merged[0])
		}
		stateWindow := s.pairs[first].StateWindow

		s.mergedState = s.mergedState[:0]
		for _, w := range s.merged {
			if i := s.index(w); i >= 0 {
				if st := s.pairs[i].StateWindow; st != stateWindow {
					s.mergedState = append(s.mergedState, st)
				}
				s.remove(i)
			}
		}
		s.put(g.result, stateWindow)

		// An existing window that absorbs the new one without growing has
		// nothing to merge.
		if len(s.merged) == 1 && s.merged[0] == g.result {
			continue
		}
		if err := merge(g.result, s.merged, stateWindow, s.mergedState); err != nil {
			return result, err
		}
	}
	if !mergedNew && !newInFlight {
		s.put(newWindow, newWindow)
	}
	return result, nil
}

func (s *MergingWindowSet[W]) collect(merged W, sources []W) {
	from := len(s.flat)
	s.flat = append(s.flat, sources...)
	s.groups = append(s.groups, mergeGroup[W]{result: merged, from: from, to: len(s.flat)})
}

func (s *MergingWindowSet[W]) index(w W) int {
	for i := range s.pairs {
		if s.pairs[i].Window == w {
			return i
		}
	}
	return -1
}

func (s *MergingWindowSet[W]) remove(i int) {
	s.pairs = slices.Delete(s.pairs, i, i+1)
	s.dirty = true
}

func (s *MergingWindowSet[W]) put(w, stateWindow W) {
	s.dirty = true
	if i := s.index(w); i >= 0 {
		s.pairs[i].StateWindow = stateWindow
		return
	}
	s.pairs = append(s.pairs, WindowPair[W]{Window: w, StateWindow: stateWindow})
}
