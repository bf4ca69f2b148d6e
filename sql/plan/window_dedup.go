package plan

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/types"
)

// Window deduplication (Flink's WindowDeduplicate): ROW_NUMBER() OVER
// (PARTITION BY window_start, window_end [, keys] ORDER BY rowtime
// ASC|DESC) limited to the first row keeps, per window and key, the first
// or the last row by time. It is the window Top-1 by time, planned apart
// so that it runs keeping one row per window and key instead of all of
// them.

// sameWindow returns the window table function (or window aggregation)
// whose window_start and window_end the columns start and end of in are,
// or nil.
func sameWindow(in *Node, start, end int) *Node {
	if start < 0 || end < 0 || in.Columns[start].window.tvf != in.Columns[end].window.tvf {
		return nil
	}
	return in.Columns[start].window.tvf
}

// isSessionTVF reports a SESSION window table function.
func isSessionTVF(n *Node) bool {
	return n != nil && n.Op == OpWindowTVF && n.Window != nil && n.Window.Kind == Session
}

// windowDedupTime reports whether a window Top-N of spec (partitioned by
// the windows of tvf, over in, limited to lim rows) is a window
// deduplication, and the column it orders by: ROW_NUMBER, one row, and a
// single order key that is the rowtime. After a window table function
// the time column it windowed by is no longer a time attribute (as in
// Flink), so the key is followed through projections down to the
// function; a column still a rowtime attribute (window_time) counts too.
// Processing time does not: Flink's window deduplication orders by event
// time only.
func windowDedupTime(in, tvf *Node, spec *RankSpec, lim int64) (int, bool) {
	if lim != 1 || spec.Func != "ROW_NUMBER" || len(spec.Order) != 1 {
		return 0, false
	}
	col := spec.Order[0].Col
	if in.Columns[col].Type.TimeAttr == types.RowTime {
		return col, true
	}
	if tvf.Op != OpWindowTVF || tvf.Window == nil || tvf.Window.ProcTime {
		return 0, false
	}
	cur, c := in, col
	for cur != tvf && cur.Op == OpCalc && c < len(cur.Calc.Projects) && cur.Calc.Projects[c].Kind == ColRef {
		c = cur.Calc.Projects[c].Index
		cur = cur.Inputs[0]
	}
	if cur == tvf && c == tvf.Window.TimeCol {
		return col, true
	}
	return 0, false
}

// describeWindowDedup prints a window deduplication as Flink's EXPLAIN
// does: the partition keys besides the window, which row it keeps, and
// the time it orders by. The window's start is known by its name only
// (the plan keeps the end's column), which a JSON round trip keeps.
func describeWindowDedup(n *Node) string {
	r := n.Rank
	in := n.Inputs[0]
	var keys []string
	for _, p := range r.Partition {
		c := in.Columns[p]
		if p != r.WindowEnd && c.Name != "window_start" {
			keys = append(keys, c.Name)
		}
	}
	keep := "FirstRow"
	if r.Order[0].Desc {
		keep = "LastRow"
	}
	return fmt.Sprintf("WindowDeduplicate(window=[end=%s], keep=[%s], partitionKeys=%s, orderKey=[%s], order=[ROWTIME]",
		in.Columns[r.WindowEnd].Name, keep, list(keys), in.Columns[r.TimeCol].Name)
}
