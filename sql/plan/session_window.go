package plan

import (
	"fmt"
	"strings"
)

// The SESSION window table function. Its windows are not a function of a
// row alone: a row opens [time, time + gap), and the windows of a group
// that overlap or touch merge. So, as in Flink, it only feeds a window
// aggregation (GROUP BY window_start, window_end and, with PARTITION BY,
// exactly its partition keys), which sql/exec runs as one merging
// operator keyed by the group keys; anywhere else sql/exec refuses it.

// describeSessionTVF prints a SESSION window table function as Flink's
// EXPLAIN does.
func describeSessionTVF(n *Node) string {
	w := n.Window
	s := fmt.Sprintf("WindowTableFunction(window=[SESSION(time_col=[%s], gap=[%s]", n.Inputs[0].Columns[w.TimeCol].Name, fmtDuration(w.Gap))
	if len(w.PartitionBy) > 0 {
		s += ", partition keys=[" + strings.Join(w.PartitionBy, ", ") + "]"
	}
	if w.ProcTime {
		s += ", proctime"
	}
	return s + ")]"
}
