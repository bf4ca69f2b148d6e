package plan

// pruneBelowRank pushes the columns a Calc reads below the Rank or
// OverAggregate under it, with those the node itself reads (partition,
// order, time and argument columns), so its state holds no column nobody
// reads.
func (o *optimizer) pruneBelowRank(c, r *Node) *Node {
	in := r.Inputs[0]
	nIn := len(in.Columns)
	keep := map[int]bool{}
	for i := range calcCols(c) {
		if i < nIn {
			keep[i] = true
		}
	}
	switch {
	case r.Rank != nil:
		s := r.Rank
		for _, p := range s.Partition {
			keep[p] = true
		}
		for _, k := range s.Order {
			keep[k.Col] = true
		}
		if s.TimeCol >= 0 {
			keep[s.TimeCol] = true
		}
		if s.WindowEnd >= 0 {
			keep[s.WindowEnd] = true
		}
	case r.Over != nil:
		s := r.Over
		for _, p := range s.Partition {
			keep[p] = true
		}
		keep[s.TimeCol] = true
		for _, k := range s.Order {
			keep[k.Col] = true
		}
		for _, call := range s.Calls {
			for _, a := range call.Args {
				keep[a] = true
			}
			if call.Filter >= 0 {
				keep[call.Filter] = true
			}
		}
	default:
		return c
	}
	if len(keep) == nIn {
		return c
	}
	if len(keep) == 0 {
		keep[0] = true
	}
	cols := usedSet(keep)
	m := map[int]int{}
	for j, i := range cols {
		m[i] = j
	}
	for k := nIn; k < len(r.Columns); k++ {
		m[k] = len(cols) + k - nIn
	}
	remap := func(xs []int) []int {
		out := make([]int, len(xs))
		for i, x := range xs {
			out[i] = m[x]
		}
		return out
	}
	nr := o.b.node(r.Op, nil, o.project(in, cols))
	nr.Changelog = r.Changelog
	if r.Rank != nil {
		s := *r.Rank
		s.Partition = remap(s.Partition)
		s.Order = append([]SortKey(nil), s.Order...)
		for i := range s.Order {
			s.Order[i].Col = m[s.Order[i].Col]
		}
		if s.TimeCol >= 0 {
			s.TimeCol = m[s.TimeCol]
		}
		if s.WindowEnd >= 0 {
			s.WindowEnd = m[s.WindowEnd]
		}
		nr.Rank = &s
	} else {
		s := *r.Over
		s.Partition = remap(s.Partition)
		s.TimeCol = m[s.TimeCol]
		s.Order = append([]SortKey(nil), s.Order...)
		for i := range s.Order {
			s.Order[i].Col = m[s.Order[i].Col]
		}
		s.Calls = append([]AggCall(nil), s.Calls...)
		for i := range s.Calls {
			s.Calls[i].Args = remap(s.Calls[i].Args)
			if s.Calls[i].Filter >= 0 {
				s.Calls[i].Filter = m[s.Calls[i].Filter]
			}
		}
		nr.Over = &s
	}
	for _, i := range cols {
		nr.Columns = append(nr.Columns, r.Columns[i])
	}
	nr.Columns = append(nr.Columns, r.Columns[nIn:]...)
	return remapCalc(o, c, nr, m)
}
