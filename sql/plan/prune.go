package plan

import "sort"

// Projection push-down below window table functions and joins: the
// columns a Calc above does not read are dropped below, so windowing does
// not copy them and a join does not keep them in its state.

// usedSet returns the sorted members of a column set.
func usedSet(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// project adds a Calc keeping columns cols of in, in order.
func (o *optimizer) project(in *Node, cols []int) *Node {
	ps := make([]*Expr, len(cols))
	out := make([]Column, len(cols))
	for i, c := range cols {
		ps[i] = NewCol(c, in.Columns[c].Type)
		out[i] = in.Columns[c]
	}
	return o.apply(o.b.calc(in, ps, nil, out))
}

func calcCols(c *Node) map[int]bool {
	used := map[int]bool{}
	for _, p := range c.Calc.Projects {
		p.Cols(used)
	}
	if c.Calc.Filter != nil {
		c.Calc.Filter.Cols(used)
	}
	return used
}

func remapCalc(o *optimizer, c *Node, in *Node, m map[int]int) *Node {
	ps := make([]*Expr, len(c.Calc.Projects))
	for i, p := range c.Calc.Projects {
		ps[i] = p.Remap(m)
	}
	var f *Expr
	if c.Calc.Filter != nil {
		f = c.Calc.Filter.Remap(m)
	}
	return o.b.calc(in, ps, f, c.Columns)
}

// pruneBelowWindow pushes the columns a Calc reads below the window table
// function under it.
func (o *optimizer) pruneBelowWindow(c, w *Node) *Node {
	in := w.Inputs[0]
	nIn := len(in.Columns)
	used := calcCols(c)
	keep := map[int]bool{w.Window.TimeCol: true}
	for i := range used {
		if i < nIn {
			keep[i] = true
		}
	}
	if len(keep) == nIn {
		return c
	}
	cols := usedSet(keep)
	m := map[int]int{}
	for j, i := range cols {
		m[i] = j
	}
	for k := 0; k < 3; k++ {
		m[nIn+k] = len(cols) + k
	}
	newIn := o.project(in, cols)
	spec := *w.Window
	spec.TimeCol = m[w.Window.TimeCol]
	nw := o.b.node(OpWindowTVF, nil, newIn)
	nw.Window, nw.Changelog = &spec, w.Changelog
	for _, i := range cols {
		nw.Columns = append(nw.Columns, w.Columns[i])
	}
	nw.Columns = append(nw.Columns, w.Columns[nIn:]...)
	return remapCalc(o, c, nw, m)
}

// pruneBelowJoin pushes the columns a Calc reads (with the join's keys and
// condition) below the join under it.
func (o *optimizer) pruneBelowJoin(c, j *Node) *Node {
	nl, nr := len(j.Inputs[0].Columns), len(j.Inputs[1].Columns)
	used := calcCols(c)
	if j.Join.Condition != nil {
		j.Join.Condition.Cols(used)
	}
	for _, k := range j.Join.LeftKeys {
		used[k] = true
	}
	for _, k := range j.Join.RightKeys {
		used[nl+k] = true
	}
	if iv := j.Join.Interval; iv != nil {
		used[iv.LeftTime], used[nl+iv.RightTime] = true, true
	}
	if w := j.Join.Window; w != nil {
		used[w.LeftEnd], used[nl+w.RightEnd] = true, true
	}
	if t := j.Join.Temporal; t != nil {
		used[t.LeftTime] = true
		if t.RightTime >= 0 {
			used[nl+t.RightTime] = true
		}
	}
	if lk := j.Join.Lookup; lk != nil {
		used[lk.LeftTime] = true
	}
	if len(used) == nl+nr {
		return c
	}
	var lcols, rcols []int
	for _, i := range usedSet(used) {
		if i < nl {
			lcols = append(lcols, i)
		} else {
			rcols = append(rcols, i-nl)
		}
	}
	if len(lcols) == 0 {
		lcols = []int{0}
	}
	if len(rcols) == 0 {
		rcols = []int{0}
	}
	m := map[int]int{}
	lm, rm := map[int]int{}, map[int]int{}
	for k, i := range lcols {
		m[i], lm[i] = k, k
	}
	for k, i := range rcols {
		m[nl+i], rm[i] = len(lcols)+k, k
	}
	spec := &JoinSpec{Kind: j.Join.Kind, LeftTTL: j.Join.LeftTTL, RightTTL: j.Join.RightTTL}
	if iv := j.Join.Interval; iv != nil {
		spec.Interval = &IntervalBounds{LeftTime: lm[iv.LeftTime], RightTime: rm[iv.RightTime], Lower: iv.Lower, Upper: iv.Upper}
	}
	if w := j.Join.Window; w != nil {
		spec.Window = &WindowJoin{LeftEnd: lm[w.LeftEnd], RightEnd: rm[w.RightEnd]}
	}
	if t := j.Join.Temporal; t != nil {
		rt := -1
		if t.RightTime >= 0 {
			rt = rm[t.RightTime]
		}
		spec.Temporal = &TemporalJoin{LeftTime: lm[t.LeftTime], RightTime: rt, ProcTime: t.ProcTime}
	}
	if lk := j.Join.Lookup; lk != nil {
		spec.Lookup = &LookupJoin{LeftTime: lm[lk.LeftTime], CacheTTLMillis: lk.CacheTTLMillis}
	}
	for _, k := range j.Join.LeftKeys {
		spec.LeftKeys = append(spec.LeftKeys, lm[k])
	}
	for _, k := range j.Join.RightKeys {
		spec.RightKeys = append(spec.RightKeys, rm[k])
	}
	if j.Join.Condition != nil {
		spec.Condition = j.Join.Condition.Remap(m)
	}
	l, r := o.project(j.Inputs[0], lcols), o.project(j.Inputs[1], rcols)
	nj := o.b.node(OpJoin, nil, l, r)
	nj.Join, nj.Changelog = spec, j.Changelog
	for _, i := range lcols {
		nj.Columns = append(nj.Columns, j.Columns[i])
	}
	for _, i := range rcols {
		nj.Columns = append(nj.Columns, j.Columns[nl+i])
	}
	return remapCalc(o, c, nj, m)
}
