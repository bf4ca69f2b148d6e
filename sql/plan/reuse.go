package plan

import (
	"encoding/json"

	"github.com/eddy-streams/eddy/sql/types"
)

// reuseScans merges the scans of one table in a job into one source, as
// Flink's source reuse (table.optimizer.reuse-source-enabled): the shared
// scan reads the union of the paths the scans read, and each former scan
// becomes a Calc over it with its own filter and projection. The nexmark
// queries read the one source table through several views; without this
// every view would run a generator of its own.
func reuseScans(b *binder, sinks []*Node) {
	var scans []*Node
	seen := map[*Node]bool{}
	var visit func(n *Node)
	visit = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.Op == OpScan {
			scans = append(scans, n)
		}
		for _, in := range n.Inputs {
			visit(in)
		}
	}
	for _, s := range sinks {
		visit(s)
	}
	groups := map[string][]*Node{}
	var order []string
	for _, s := range scans {
		k := scanGroupKey(s.Scan)
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
	}
	for _, k := range order {
		if g := groups[k]; len(g) > 1 {
			mergeScans(b, g)
		}
	}
}

// scanGroupKey identifies scans that can share a source: same table and
// options, and the same watermark over the same column.
func scanGroupKey(s *ScanSpec) string {
	key := struct {
		Table   string
		Options map[string]string
		Wm      string
	}{Table: s.Table, Options: s.Options}
	if s.Watermark != nil {
		// The watermark's meaning: its expression over the physical paths
		// it reads, independent of each scan's column order.
		key.Wm = s.Watermark.Format(scanInternalNames(s)) + "@" + scanInternalNames(s)[s.WatermarkCol]
	}
	b, _ := json.Marshal(key)
	return string(b)
}

// scanInternalNames names a scan's internal columns by what they are:
// paths by path, computed columns by expression.
func scanInternalNames(s *ScanSpec) []string {
	var names []string
	for _, p := range s.Paths {
		names = append(names, pathName(s.Physical, p))
	}
	for _, c := range s.Computed {
		names = append(names, "("+c.Format(names[:len(s.Paths)])+")")
	}
	return names
}

func mergeScans(b *binder, group []*Node) {
	first := group[0].Scan
	shared := &ScanSpec{Table: first.Table, Connector: first.Connector, Options: first.Options,
		Physical: first.Physical, Bounded: first.Bounded, WatermarkCol: -1}
	maps := make([]map[int]int, len(group))
	// Union of paths.
	for gi, n := range group {
		s := n.Scan
		maps[gi] = map[int]int{}
		for i, p := range s.Paths {
			idx := -1
			for j, q := range shared.Paths {
				if equalInts(p, q) {
					idx = j
				}
			}
			if idx < 0 {
				idx = len(shared.Paths)
				shared.Paths = append(shared.Paths, p)
				shared.PathTypes = append(shared.PathTypes, s.PathTypes[i])
			}
			maps[gi][i] = idx
		}
	}
	// Union of computed columns, over the shared paths (indexes fixed
	// after all paths are known).
	np := len(shared.Paths)
	for gi, n := range group {
		s := n.Scan
		for k, c := range s.Computed {
			x := c.Remap(maps[gi])
			idx := -1
			for j, y := range shared.Computed {
				if y.Equal(x) {
					idx = j
				}
			}
			if idx < 0 {
				idx = len(shared.Computed)
				shared.Computed = append(shared.Computed, x)
			}
			maps[gi][len(s.Paths)+k] = np + idx
		}
	}
	if first.Watermark != nil {
		shared.Watermark = first.Watermark.Remap(maps[0])
		shared.WatermarkCol = maps[0][first.WatermarkCol]
	}
	var cols []Column
	for i, p := range shared.Paths {
		cols = append(cols, Column{Name: pathName(shared.Physical, p), Type: shared.PathTypes[i]})
	}
	for i, c := range shared.Computed {
		cols = append(cols, Column{Name: "$computed" + itoa(i), Type: c.Type})
	}
	for i := range cols {
		shared.Output = append(shared.Output, i)
	}
	if shared.Watermark != nil {
		cols[shared.WatermarkCol].Type.TimeAttr = types.RowTime
	}
	scan := b.node(OpScan, cols)
	scan.Scan = shared
	for gi, n := range group {
		s := n.Scan
		projects := make([]*Expr, len(s.Output))
		for i, x := range s.Output {
			projects[i] = NewCol(maps[gi][x], n.Columns[i].Type)
		}
		var filter *Expr
		if s.Filter != nil {
			filter = s.Filter.Remap(maps[gi])
		}
		n.Op, n.Scan, n.Inputs = OpCalc, nil, []*Node{scan}
		n.Calc = &CalcSpec{Projects: projects, Filter: filter}
	}
}
