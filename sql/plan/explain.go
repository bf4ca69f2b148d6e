package plan

import (
	"fmt"
	"strings"
)

// Explain prints plans as Flink's EXPLAIN does: the logical plan as bound,
// the optimized physical plan, one node per line in an indented tree,
// each physical node with the row kinds it emits (changelogMode), and the
// execution plan, which shows the reused sources and sub-plans.
func (p *Planned) Explain() string {
	var b strings.Builder
	b.WriteString("== Abstract Syntax Tree ==\n")
	for _, n := range p.Logical {
		writeTree(&b, n, "", "", false)
	}
	b.WriteString("\n== Optimized Physical Plan ==\n")
	for _, n := range p.Physical.Sinks {
		writeTree(&b, n, "", "", true)
	}
	b.WriteString("\n== Optimized Execution Plan ==\n")
	b.WriteString(p.Physical.ExplainExecution())
	return b.String()
}

// ExplainPhysical prints the physical plan only.
func (p *Plan) ExplainPhysical() string {
	var b strings.Builder
	for _, n := range p.Sinks {
		writeTree(&b, n, "", "", true)
	}
	return b.String()
}

func writeTree(b *strings.Builder, n *Node, first, rest string, changelog bool) {
	b.WriteString(first)
	b.WriteString(describe(n))
	if changelog {
		if n.Op == OpSink {
			b.WriteString(", changelogMode=[NONE]")
		} else {
			b.WriteString(", changelogMode=" + n.Changelog.String())
		}
		b.WriteString(")")
	} else {
		b.WriteString(")")
	}
	b.WriteString("\n")
	for i, in := range n.Inputs {
		if i == len(n.Inputs)-1 {
			writeTree(b, in, rest+"+- ", rest+"   ", changelog)
		} else {
			writeTree(b, in, rest+":- ", rest+":  ", changelog)
		}
	}
}

func list(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }

func namesAt(n *Node, idx []int) []string {
	in := n.Names()
	out := make([]string, len(idx))
	for i, x := range idx {
		out[i] = in[x]
	}
	return out
}

func fmtDuration(ms int64) string {
	switch {
	case ms%3600000 == 0:
		return fmt.Sprintf("%d h", ms/3600000)
	case ms%60000 == 0:
		return fmt.Sprintf("%d min", ms/60000)
	case ms%1000 == 0:
		return fmt.Sprintf("%d s", ms/1000)
	}
	return fmt.Sprintf("%d ms", ms)
}

// describe prints a node without its closing parenthesis.
func describe(n *Node) string {
	if s, ok := describeOps(n); ok {
		return s
	}
	var in *Node
	var inNames []string
	if len(n.Inputs) > 0 {
		in = n.Inputs[0]
		inNames = in.Names()
	}
	switch n.Op {
	case OpScan:
		s := n.Scan
		internal := make([]string, 0, len(s.Paths)+len(s.Computed))
		for _, p := range s.Paths {
			internal = append(internal, pathName(s.Physical, p))
		}
		out := n.Names()
		for i, x := range s.Output {
			if x >= len(s.Paths) {
				for len(internal) <= x {
					internal = append(internal, "")
				}
				internal[x] = out[i]
			}
		}
		for len(internal) < len(s.Paths)+len(s.Computed) {
			internal = append(internal, fmt.Sprintf("$%d", len(internal)))
		}
		parts := []string{"table=[" + s.Table + "]"}
		var reads []string
		for _, p := range s.Paths {
			reads = append(reads, pathName(s.Physical, p))
		}
		parts = append(parts, "project="+list(reads))
		for i, c := range s.Computed {
			parts = append(parts, fmt.Sprintf("computed=[%s AS %s]", c.Format(internal), internal[len(s.Paths)+i]))
		}
		if s.Watermark != nil {
			parts = append(parts, fmt.Sprintf("watermark=[%s, %s]", internal[s.WatermarkCol], s.Watermark.Format(internal)))
		}
		if s.Filter != nil {
			parts = append(parts, "filter=["+s.Filter.Format(internal)+"]")
		}
		parts = append(parts, "fields="+list(out))
		return "TableSourceScan(" + strings.Join(parts, ", ")
	case OpValues:
		var rows []string
		for _, r := range n.Values {
			var vs []string
			for _, v := range r {
				vs = append(vs, v.Format(nil))
			}
			rows = append(rows, "{ "+strings.Join(vs, ", ")+" }")
		}
		return "Values(tuples=[" + strings.Join(rows, ", ") + "], values=" + list(n.Names())
	case OpCalc:
		var sel []string
		for i, p := range n.Calc.Projects {
			s := p.Format(inNames)
			if s != n.Columns[i].Name {
				s += " AS " + n.Columns[i].Name
			}
			sel = append(sel, s)
		}
		s := "Calc(select=" + list(sel)
		if n.Calc.Filter != nil {
			s += ", where=[" + n.Calc.Filter.Format(inNames) + "]"
		}
		return s
	case OpExchange:
		if len(n.Exchange.Keys) == 0 {
			return "Exchange(distribution=[single]"
		}
		return "Exchange(distribution=[hash" + list(namesAt(in, n.Exchange.Keys)) + "]"
	case OpAggregate, OpWindowAggregate, OpSessionAggregate:
		a := n.Agg
		var sel []string
		sel = append(sel, namesAt(in, a.Keys)...)
		if n.Op == OpSessionAggregate {
			sel = append(sel, "window_start", "window_end", "window_time")
		}
		for _, c := range a.Calls {
			sel = append(sel, aggCallString(c, inNames)+" AS "+c.Name)
		}
		s := string(n.Op) + "(groupBy=" + list(namesAt(in, a.Keys))
		switch n.Op {
		case OpWindowAggregate:
			s += fmt.Sprintf(", window=[start=%s, end=%s", inNames[a.WindowStart], inNames[a.WindowEnd])
			if a.ProcTime {
				s += ", proctime"
			}
			s += "]"
		case OpSessionAggregate:
			s += fmt.Sprintf(", window=[SESSION(%s, gap=[%s])]", inNames[a.TimeCol], fmtDuration(a.Gap))
		}
		return s + ", select=" + list(sel)
	case OpWindowTVF:
		w := n.Window
		s := fmt.Sprintf("WindowTableFunction(window=[%s(time_col=[%s], ", w.Kind, inNames[w.TimeCol])
		switch w.Kind {
		case Hop:
			s += fmt.Sprintf("size=[%s], slide=[%s]", fmtDuration(w.Size), fmtDuration(w.Step))
		case Cumulate:
			s += fmt.Sprintf("max_size=[%s], step=[%s]", fmtDuration(w.Size), fmtDuration(w.Step))
		default:
			s += fmt.Sprintf("size=[%s]", fmtDuration(w.Size))
		}
		if w.Offset != 0 {
			s += fmt.Sprintf(", offset=[%s]", fmtDuration(w.Offset))
		}
		return s + ")]"
	case OpJoin:
		j := n.Join
		names := n.Names()
		var conds []string
		for i := range j.LeftKeys {
			conds = append(conds, fmt.Sprintf("=(%s, %s)", names[j.LeftKeys[i]], names[len(in.Columns)+j.RightKeys[i]]))
		}
		if j.Condition != nil {
			conds = append(conds, j.Condition.Format(names))
		}
		where := "true"
		if len(conds) == 1 {
			where = conds[0]
		} else if len(conds) > 1 {
			where = "AND(" + strings.Join(conds, ", ") + ")"
		}
		return fmt.Sprintf("Join(joinType=[%s], where=[%s], select=%s", j.Kind, where, list(names))
	case OpUnion:
		return "Union(all=[true], union=" + list(n.Names())
	case OpLimit:
		fetch := "unlimited"
		if n.Limit.Fetch >= 0 {
			fetch = fmt.Sprint(n.Limit.Fetch)
		}
		return fmt.Sprintf("Limit(offset=[%d], fetch=[%s]", n.Limit.Offset, fetch)
	case OpSink:
		if n.Sink.Collect {
			return "Sink(table=[*anonymous_collect$*], fields=" + list(n.Names())
		}
		return "Sink(table=[" + n.Sink.Table + "], fields=" + list(n.Names())
	}
	return string(n.Op) + "("
}

func aggCallString(c AggCall, names []string) string {
	var args []string
	for _, a := range c.Args {
		args = append(args, names[a])
	}
	s := c.Func + "("
	if c.Distinct {
		s += "DISTINCT "
	}
	if len(args) == 0 && c.Func == "COUNT" {
		s += "*"
	}
	if c.Func == "NTILE" {
		args = append(args, fmt.Sprint(c.Offset))
	}
	s += strings.Join(args, ", ") + ")"
	if c.Filter >= 0 {
		s += " FILTER " + names[c.Filter]
	}
	return s
}
