package plan

import (
	"fmt"
	"strings"
)

// describeOps prints the nodes of the later operators (Rank, OVER, set
// operations, UNNEST, sorting, MATCH_RECOGNIZE) and the special joins, in
// Flink's EXPLAIN spelling; ok is false for other nodes.
func describeOps(n *Node) (string, bool) {
	var inNames []string
	if len(n.Inputs) > 0 {
		inNames = n.Inputs[0].Names()
	}
	switch n.Op {
	case OpRank:
		r := n.Rank
		by := list(namesAt(n.Inputs[0], r.Partition))
		order := sortKeys(r.Order, inNames)
		fn := r.Func
		if fn == "" {
			fn = "ROW_NUMBER"
		}
		switch r.Strategy {
		case DedupFirst:
			o := "PROCTIME"
			if r.TimeCol >= 0 {
				o = "ROWTIME"
			}
			return fmt.Sprintf("Deduplicate(keep=[FirstRow], key=%s, order=[%s]", by, o), true
		case WindowTopN:
			return fmt.Sprintf("WindowRank(window=[end=%s], rankType=[%s], rankRange=[rankStart=1, rankEnd=%d], partitionBy=%s, orderBy=[%s], select=%s",
				inNames[r.WindowEnd], fn, r.Limit, by, order, list(n.Names())), true
		case WindowDeduplicate:
			return describeWindowDedup(n), true
		}
		end := "unbounded"
		if r.Limit >= 0 {
			end = fmt.Sprint(r.Limit)
		}
		return fmt.Sprintf("Rank(strategy=[%s], rankType=[%s], rankRange=[rankStart=1, rankEnd=%s], partitionBy=%s, orderBy=[%s], select=%s",
			rankStrategy(n), fn, end, by, order, list(n.Names())), true
	case OpOverAggregate:
		o := n.Over
		frame := "RANGE"
		if o.Rows {
			frame = "ROWS"
		}
		switch {
		case o.Preceding < 0:
			frame += " BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
		case o.Rows:
			frame += fmt.Sprintf(" BETWEEN %d PRECEDING AND CURRENT ROW", o.Preceding)
		default:
			frame += fmt.Sprintf(" BETWEEN %d PRECEDING AND CURRENT ROW", o.Preceding)
		}
		sel := append([]string(nil), inNames...)
		for _, c := range o.Calls {
			sel = append(sel, aggCallString(c, inNames)+" AS "+c.Name)
		}
		if o.Updating {
			return fmt.Sprintf("OverAggregate(partitionBy=%s, orderBy=[%s], window=[%s], updating=[true], select=%s",
				list(namesAt(n.Inputs[0], o.Partition)), sortKeys(o.Order, inNames), frame, list(sel)), true
		}
		if len(o.Order) > 0 {
			// Batch mode's sorted OVER (any ORDER BY).
			return fmt.Sprintf("OverAggregate(partitionBy=%s, orderBy=[%s], window=[%s], select=%s",
				list(namesAt(n.Inputs[0], o.Partition)), sortKeys(o.Order, inNames), frame, list(sel)), true
		}
		return fmt.Sprintf("OverAggregate(partitionBy=%s, orderBy=[%s ASC], window=[%s], select=%s",
			list(namesAt(n.Inputs[0], o.Partition)), inNames[o.TimeCol], frame, list(sel)), true
	case OpWindowTVF:
		if n.Window.Kind != Session {
			return "", false
		}
		return describeSessionTVF(n), true
	case OpMatch:
		return describeMatch(n), true // match.go
	case OpSetOp:
		return fmt.Sprintf("SetOp(op=[%s], all=[%t], select=%s", n.SetOp.Op, n.SetOp.All, list(n.Names())), true
	case OpCorrelate:
		u := n.Unnest
		kind := "INNER"
		if u.Outer {
			kind = "LEFT"
		}
		s := fmt.Sprintf("Correlate(invocation=[UNNEST(%s)]", u.Expr.Format(inNames))
		if u.Ordinality {
			s += ", ordinality=[true]"
		}
		return s + fmt.Sprintf(", select=%s, joinType=[%s]", list(n.Names()), kind), true
	case OpSort:
		name := "TemporalSort"
		if len(n.Sort.Order) > 0 && n.Inputs[0].Columns[n.Sort.Order[0].Col].Type.TimeAttr == 0 {
			name = "Sort"
		}
		return fmt.Sprintf("%s(orderBy=[%s]", name, sortKeys(n.Sort.Order, inNames)), true
	case OpJoin:
		j := n.Join
		if j.Interval == nil && j.Window == nil && j.Temporal == nil && j.Lookup == nil && j.Kind != SemiJoin && j.Kind != AntiJoin {
			return "", false
		}
		l, r := n.Inputs[0], n.Inputs[1]
		names := append(l.Names(), r.Names()...)
		where := joinWhere(j, names, len(l.Columns))
		switch {
		case j.Interval != nil:
			iv := j.Interval
			return fmt.Sprintf("IntervalJoin(joinType=[%s], windowBounds=[isRowTime=true, leftLowerBound=%d, leftUpperBound=%d, leftTimeIndex=%d, rightTimeIndex=%d], where=[%s], select=%s",
				j.Kind, iv.Lower, iv.Upper, iv.LeftTime, iv.RightTime, where, list(n.Names())), true
		case j.Lookup != nil:
			lkeys, rkeys := LookupKeys(j, l.Types(), len(l.Columns))
			var keys []string
			for i, k := range lkeys {
				keys = append(keys, r.Names()[rkeys[i]]+"="+k.Format(l.Names()))
			}
			return fmt.Sprintf("LookupJoin(table=[%s], joinType=[%s], lookup=[%s], where=[%s], select=%s",
				lookupTable(r), j.Kind, strings.Join(keys, ", "), where, list(n.Names())), true
		case j.Temporal != nil:
			t := "ROWTIME"
			if j.Temporal.ProcTime {
				t = "PROCTIME"
			}
			return fmt.Sprintf("TemporalJoin(joinType=[%s], where=[%s], select=%s, asOf=[%s %s]",
				j.Kind, where, list(n.Names()), names[j.Temporal.LeftTime], t), true
		case j.Window != nil:
			return fmt.Sprintf("WindowJoin(leftWindow=[end=%s], rightWindow=[end=%s], joinType=[%s], where=[%s], select=%s",
				names[j.Window.LeftEnd], names[len(l.Columns)+j.Window.RightEnd], j.Kind, where, list(n.Names())), true
		}
		return fmt.Sprintf("Join(joinType=[%s], where=[%s], select=%s", j.Kind, where, list(n.Names())), true
	}
	return "", false
}

// joinWhere prints a join's keys and condition over names (left ++
// right).
func joinWhere(j *JoinSpec, names []string, nl int) string {
	var conds []string
	for i := range j.LeftKeys {
		conds = append(conds, fmt.Sprintf("=(%s, %s)", names[j.LeftKeys[i]], names[nl+j.RightKeys[i]]))
	}
	if j.Condition != nil {
		for _, c := range conjuncts(j.Condition) {
			conds = append(conds, c.Format(names))
		}
	}
	switch len(conds) {
	case 0:
		return "true"
	case 1:
		return conds[0]
	}
	return "AND(" + strings.Join(conds, ", ") + ")"
}

func rankStrategy(n *Node) string {
	if n.Inputs[0].Changelog.IsInsertOnly() {
		return "AppendFastStrategy"
	}
	return "RetractStrategy"
}

func sortKeys(keys []SortKey, names []string) string {
	var parts []string
	for _, k := range keys {
		s := names[k.Col]
		if k.Desc {
			s += " DESC"
		} else {
			s += " ASC"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// lookupTable names the table a lookup join reads: the scan below the
// right input's Calcs.
func lookupTable(n *Node) string {
	for n.Op == OpCalc && len(n.Inputs) == 1 {
		n = n.Inputs[0]
	}
	if n.Scan != nil {
		return n.Scan.Table
	}
	return string(n.Op)
}
