package plan

// pruneBelowMatch drops the input columns a Match does not read (its
// partition and order columns and the arguments of its accessors), so its
// buffered rows and partial matches hold no column nobody reads; the Calc
// it puts below merges into the scan. The Match's own columns do not
// change.
func (o *optimizer) pruneBelowMatch(n *Node) *Node {
	m := n.Match
	in := n.Inputs[0]
	used := map[int]bool{}
	for _, p := range m.Partition {
		used[p] = true
	}
	for _, k := range m.Order {
		used[k.Col] = true
	}
	m.EachAccess(func(a *MatchAccess) {
		for _, x := range a.Args {
			x.Cols(used)
		}
	})
	if len(used) == len(in.Columns) || len(used) == 0 {
		return n
	}
	cols := usedSet(used)
	remap := map[int]int{}
	for j, i := range cols {
		remap[i] = j
	}
	spec := *m
	spec.Partition = make([]int, len(m.Partition))
	for i, p := range m.Partition {
		spec.Partition[i] = remap[p]
	}
	spec.Order = make([]SortKey, len(m.Order))
	for i, k := range m.Order {
		k.Col = remap[k.Col]
		spec.Order[i] = k
	}
	remapExpr := func(x *MatchExpr) *MatchExpr {
		if x == nil {
			return nil
		}
		c := &MatchExpr{Expr: x.Expr, Access: make([]MatchAccess, len(x.Access))}
		for i, a := range x.Access {
			args := make([]*Expr, len(a.Args))
			for j, e := range a.Args {
				args[j] = e.Remap(remap)
			}
			a.Args = args
			c.Access[i] = a
		}
		return c
	}
	spec.Defines = make([]*MatchExpr, len(m.Defines))
	for i, d := range m.Defines {
		spec.Defines[i] = remapExpr(d)
	}
	spec.Measures = make([]MatchMeasure, len(m.Measures))
	for i, x := range m.Measures {
		spec.Measures[i] = MatchMeasure{Name: x.Name, MatchExpr: *remapExpr(&x.MatchExpr)}
	}
	nm := o.b.node(OpMatch, cloneCols(n.Columns), o.project(in, cols))
	nm.Match, nm.Changelog = &spec, n.Changelog
	return nm
}
