package plan

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
)

// ReuseOptions are Flink's table.optimizer.reuse-sub-plan-enabled and
// table.optimizer.reuse-source-enabled (both true by default). Source
// reuse works only with sub-plan reuse, as in Flink.
type ReuseOptions struct {
	SubPlan bool
	Source  bool
}

// DefaultReuse is Flink's default: both kinds of reuse on.
var DefaultReuse = ReuseOptions{SubPlan: true, Source: true}

// ReuseOptionsOf reads the reuse options from a table config (keys
// absent keep their defaults).
func ReuseOptionsOf(config map[string]string) (ReuseOptions, error) {
	o := DefaultReuse
	for key, dst := range map[string]*bool{
		"table.optimizer.reuse-sub-plan-enabled": &o.SubPlan,
		"table.optimizer.reuse-source-enabled":   &o.Source,
	} {
		v, ok := config[key]
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			return o, fmt.Errorf("%s: '%s' is not a boolean", key, v)
		}
	}
	return o, nil
}

// reusePlans shares what a job computes twice, as Flink's optimizer does:
// with source reuse the scans of one table become one source (mergeScans),
// and with sub-plan reuse every sub-tree identical to one seen before (the
// same operator, spec, columns and changelog over the same inputs) is
// replaced by that one, so the job computes it once and fans its output
// out. Nexmark q5 computes one HOP aggregation twice.
func reusePlans(b *binder, sinks []*Node, o ReuseOptions) {
	if !o.SubPlan {
		return
	}
	if o.Source {
		mergeAllScans(b, sinks)
	}
	reuseSubPlans(sinks)
}

// reuseSubPlans replaces sub-trees by an identical one seen before. Nodes
// are compared bottom-up by digest: their JSON form (what the plan's JSON
// round trip proves complete) without the id, and the ids of their inputs,
// which are by then the shared ones. Sinks are never shared, and neither
// are nodes calling non-deterministic functions (two RAND() columns stay
// two), nor scans (that is source reuse's business).
func reuseSubPlans(sinks []*Node) {
	byDigest := map[string]*Node{}
	shared := map[*Node]*Node{}
	var visit func(n *Node) *Node
	visit = func(n *Node) *Node {
		if s, ok := shared[n]; ok {
			return s
		}
		for i, in := range n.Inputs {
			n.Inputs[i] = visit(in)
		}
		s := n
		if n.Op != OpSink && n.Op != OpScan && deterministicNode(n) {
			d := digest(n)
			if first, ok := byDigest[d]; ok {
				s = first
			} else {
				byDigest[d] = n
			}
		}
		shared[n] = s
		return s
	}
	for _, sink := range sinks {
		visit(sink)
	}
}

// digest identifies what node n computes, given its inputs.
func digest(n *Node) string {
	j := &nodeJSON{Op: n.Op, Columns: n.Columns, Changelog: n.Changelog.String(),
		Scan: n.Scan, Values: n.Values, Calc: n.Calc, Exchange: n.Exchange, Agg: n.Agg,
		Window: n.Window, Join: n.Join, Limit: n.Limit, Sink: n.Sink, Rank: n.Rank, Over: n.Over, SetOp: n.SetOp, Unnest: n.Unnest, Sort: n.Sort, Match: n.Match}
	for _, in := range n.Inputs {
		j.Inputs = append(j.Inputs, in.ID)
	}
	data, err := json.Marshal(j)
	if err != nil {
		// Unreachable for a plan that passes the JSON round trip; a node
		// without a digest is simply not shared.
		return fmt.Sprintf("node %d", n.ID)
	}
	return string(data)
}

// deterministicNode reports whether n's expressions are deterministic.
func deterministicNode(n *Node) bool {
	var exprs []*Expr
	if n.Calc != nil {
		exprs = append(exprs, n.Calc.Projects...)
		exprs = append(exprs, n.Calc.Filter)
	}
	for _, row := range n.Values {
		exprs = append(exprs, row...)
	}
	if n.Join != nil {
		exprs = append(exprs, n.Join.Condition)
	}
	if n.Match != nil {
		exprs = append(exprs, n.Match.exprs()...)
	}
	for _, e := range exprs {
		if e != nil && !e.IsDeterministic() {
			return false
		}
	}
	return true
}

// mergeAllScans merges the scans of one table in a job into one source, as
// Flink's source reuse (table.optimizer.reuse-source-enabled): the shared
// scan reads the union of the paths the scans read, and each former scan
// becomes a Calc over it with its own filter and projection. The nexmark
// queries read the one source table through several views; without this
// every view would run a generator of its own.
func mergeAllScans(b *binder, sinks []*Node) {
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

// ExplainExecution prints the plan as Flink's "Optimized Execution Plan":
// the physical plan without changelog modes, where a node that feeds
// several others (a reused source or sub-plan) is printed in full once,
// marked (reuse_id=[N]), and as Reused(reference_id=[N]) wherever else it
// is an input.
func (p *Plan) ExplainExecution() string {
	parents := map[*Node]int{}
	seen := map[*Node]bool{}
	var count func(n *Node)
	count = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, in := range n.Inputs {
			parents[in]++
			count(in)
		}
	}
	for _, s := range p.Sinks {
		count(s)
	}
	ids := map[*Node]int{}
	var b strings.Builder
	var write func(n *Node, first, rest string)
	write = func(n *Node, first, rest string) {
		b.WriteString(first)
		if id, ok := ids[n]; ok {
			fmt.Fprintf(&b, "Reused(reference_id=[%d])\n", id)
			return
		}
		b.WriteString(describe(n) + ")")
		if parents[n] > 1 {
			ids[n] = len(ids) + 1
			fmt.Fprintf(&b, "(reuse_id=[%d])", ids[n])
		}
		b.WriteString("\n")
		for i, in := range n.Inputs {
			if i == len(n.Inputs)-1 {
				write(in, rest+"+- ", rest+"   ")
			} else {
				write(in, rest+":- ", rest+":  ")
			}
		}
	}
	for _, s := range p.Sinks {
		write(s, "", "")
	}
	return b.String()
}
