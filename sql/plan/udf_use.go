package plan

// UserFunction returns the name of a Go user-defined function the node
// calls that a plan written as data cannot name (a scalar or table
// function registered on the session rather than under a class name, an
// aggregate function), or "".
func (n *Node) UserFunction() string {
	var exprs []*Expr
	if s := n.Scan; s != nil {
		exprs = append(append(exprs, s.Computed...), s.Watermark, s.Filter)
	}
	for _, row := range n.Values {
		exprs = append(exprs, row...)
	}
	if c := n.Calc; c != nil {
		exprs = append(append(exprs, c.Projects...), c.Filter)
	}
	if j := n.Join; j != nil {
		exprs = append(exprs, j.Condition)
	}
	if u := n.Unnest; u != nil {
		exprs = append(exprs, u.Expr)
	}
	if m := n.Match; m != nil {
		exprs = append(exprs, m.exprs()...)
	}
	for _, e := range exprs {
		if e == nil {
			continue
		}
		name := ""
		e.Visit(func(x *Expr) {
			if x.UDF != nil && x.UDF.Class == "" && name == "" {
				name = x.UDF.Name
			}
		})
		if name != "" {
			return name
		}
	}
	var calls []AggCall
	if n.Agg != nil {
		calls = n.Agg.Calls
	}
	if n.Over != nil {
		calls = append(calls, n.Over.Calls...)
	}
	if n.Match != nil {
		calls = append(calls, n.Match.aggCalls()...)
	}
	for _, c := range calls {
		if c.UDAF != nil {
			return c.Func
		}
	}
	return ""
}
