package window

import (
	"cmp"
	"slices"
)

// MergeTimeWindows is Flink's TimeWindow.mergeWindows, the WindowMerger of
// the session assigners, exported for custom merging assigners.
//
// It sorts windows in place by (Start, End), then sweeps them: a window that
// intersects the span of the current group (overlapping or adjacent, see
// TimeWindow.Intersects) joins it and the span becomes the cover of both;
// otherwise it starts a new group. For every group of at least two distinct
// windows, merge is called with the group's span and its distinct windows in
// ascending (Start, End) order. Duplicate windows count once (Flink keeps a
// set per group), so a group made only of copies of one window is not
// reported. Groups are reported in ascending order of start.
//
// windows is scratch space: after the call its contents are unspecified.
// sources aliases windows and is valid only during the call to merge.
// MergeTimeWindows does not allocate.
func MergeTimeWindows(windows []TimeWindow, merge func(merged TimeWindow, sources []TimeWindow)) {
	if len(windows) < 2 {
		return
	}
	slices.SortFunc(windows, compareTimeWindows)
	var (
		n     int        // windows[:n] are the kept (distinct) windows so far
		first int        // index in windows[:n] where the current group starts
		span  TimeWindow // cover of the current group
	)
	for i := range windows {
		c := windows[i]
		switch {
		case n == 0:
			span = c
		case c == windows[n-1]:
			continue // duplicate of the previous window
		case span.Intersects(c):
			span = span.Cover(c)
		default:
			if n-first > 1 {
				merge(span, windows[first:n])
			}
			first, span = n, c
		}
		windows[n] = c
		n++
	}
	if n-first > 1 {
		merge(span, windows[first:n])
	}
}

func compareTimeWindows(a, b TimeWindow) int {
	if c := cmp.Compare(a.Start, b.Start); c != 0 {
		return c
	}
	return cmp.Compare(a.End, b.End)
}
