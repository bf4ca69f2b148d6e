package plan

import (
	"github.com/eddy-streams/eddy/sql/types"
)

// optimizer applies the rewrite rules bottom-up:
//
//   - filters of a Calc over an inner join move into the join, and
//     conditions on one side of a join move below it (filter push-down);
//   - equalities between the two sides of a join become its keys;
//   - adjacent Calcs merge, and identity Calcs vanish;
//   - a Calc over a scan gives the scan its filter and the columns (and
//     nested fields) it needs (projection and filter push-down); below
//     window table functions, joins, Rank and OVER nodes the columns
//     nobody reads are dropped (prune.go, prune_ops.go), and below a
//     Match the columns it does not read (match_prune.go).
type optimizer struct {
	b    *binder
	done map[*Node]*Node
}

func (o *optimizer) optimize(n *Node) *Node {
	if o.done == nil {
		o.done = map[*Node]*Node{}
	}
	if r := o.done[n]; r != nil {
		return r
	}
	for i, in := range n.Inputs {
		n.Inputs[i] = o.optimize(in)
	}
	r := o.apply(n)
	o.done[n] = r
	return r
}

// apply rewrites n (whose inputs are optimized) until no rule applies.
func (o *optimizer) apply(n *Node) *Node {
	for range 16 {
		m := o.step(n)
		if m == n {
			return n
		}
		n = m
	}
	return n
}

func (o *optimizer) step(n *Node) *Node {
	switch n.Op {
	case OpCalc:
		in := n.Inputs[0]
		switch {
		case in.Op == OpCalc:
			return o.mergeCalcs(n, in)
		case readsWatermark(n):
			// CURRENT_WATERMARK is the watermark where the Calc is: it
			// neither goes into a join nor into the source.
		case in.Op == OpJoin && n.Calc.Filter != nil && in.Join.Kind == InnerJoin:
			return o.filterIntoJoin(n, in)
		case in.Op == OpScan:
			if m := o.calcIntoScan(n, in); m != n {
				return m
			}
		case in.Op == OpWindowTVF:
			if m := o.pruneBelowWindow(n, in); m != n {
				return m
			}
		case in.Op == OpRank || in.Op == OpOverAggregate:
			if m := o.pruneBelowRank(n, in); m != n {
				return m
			}
		case in.Op == OpJoin && in.Join.Kind != SemiJoin && in.Join.Kind != AntiJoin:
			if m := o.pruneBelowJoin(n, in); m != n {
				return m
			}
		}
		if n.Calc.Filter == nil && isIdentity(n.Calc.Projects, in) && sameNames(n, in) {
			return in
		}
	case OpJoin:
		return o.splitJoinCondition(n)
	case OpMatch:
		return o.pruneBelowMatch(n) // match_prune.go
	}
	return n
}

func isIdentity(ps []*Expr, in *Node) bool {
	if len(ps) != len(in.Columns) {
		return false
	}
	for i, p := range ps {
		if p.Kind != ColRef || p.Index != i || p.Type.TimeAttr != in.Columns[i].Type.TimeAttr {
			return false
		}
	}
	return true
}

func sameNames(a, b *Node) bool {
	if len(a.Columns) != len(b.Columns) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i].Name != b.Columns[i].Name {
			return false
		}
	}
	return true
}

// and combines conditions with AND (nil ones skipped).
func and(conds ...*Expr) *Expr {
	var parts []*Expr
	for _, c := range conds {
		if c != nil {
			parts = append(parts, conjuncts(c)...)
		}
	}
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	x, err := resolveCall(nil, "AND", parts)
	if err != nil {
		// AND of booleans always resolves; keep the first on the
		// impossible path rather than fail.
		return parts[0]
	}
	return x
}

// Conjuncts is conjuncts, for the executor's connectors.
func Conjuncts(e *Expr) []*Expr { return conjuncts(e) }

// conjuncts splits a condition at its ANDs.
func conjuncts(e *Expr) []*Expr {
	if e.Kind == Call && e.Func == "AND" {
		var out []*Expr
		for _, a := range e.Args {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []*Expr{e}
}

func (o *optimizer) mergeCalcs(outer, inner *Node) *Node {
	ps := make([]*Expr, len(outer.Calc.Projects))
	for i, p := range outer.Calc.Projects {
		ps[i] = p.Substitute(inner.Calc.Projects)
	}
	var f *Expr
	if outer.Calc.Filter != nil {
		f = outer.Calc.Filter.Substitute(inner.Calc.Projects)
	}
	return o.b.calc(inner.Inputs[0], ps, and(inner.Calc.Filter, f), outer.Columns)
}

// filterIntoJoin moves a Calc's filter over an inner join into the join's
// condition (splitJoinCondition then pushes one-sided parts below).
func (o *optimizer) filterIntoJoin(c, j *Node) *Node {
	nj := *j
	spec := *j.Join
	spec.Condition = and(j.Join.Condition, c.Calc.Filter)
	nj.Join = &spec
	o.b.nextID++
	nj.ID = o.b.nextID
	nj.Inputs = append([]*Node(nil), j.Inputs...)
	jn := o.apply(&nj)
	return o.b.calc(jn, c.Calc.Projects, nil, c.Columns)
}

// splitJoinCondition pushes conjuncts of a join's condition that read one
// side below the join where the join kind allows (the side whose rows
// are not preserved: both for inner and semi joins, the right for left
// outer and anti joins, the left for right outer joins, none for full
// outer joins), and turns equalities between the sides into keys.
func (o *optimizer) splitJoinCondition(j *Node) *Node {
	if j.Join.Condition == nil {
		return j
	}
	kind := j.Join.Kind
	pushLeft := kind == InnerJoin || kind == RightJoin || kind == SemiJoin
	pushRight := kind == InnerJoin || kind == LeftJoin || kind == SemiJoin || kind == AntiJoin
	if j.Join.Interval != nil || j.Join.Window != nil {
		// Their state cleanup relies on the inputs' time columns: keep the
		// condition's shape simple.
		pushLeft, pushRight = kind == InnerJoin, kind == InnerJoin
	}
	if j.Join.Temporal != nil {
		// Filtering the versioned table would change which version is
		// valid at a time.
		pushLeft, pushRight = kind == InnerJoin, false
	}
	nl := len(j.Inputs[0].Columns)
	var left, right, rest []*Expr
	lk, rk := append([]int(nil), j.Join.LeftKeys...), append([]int(nil), j.Join.RightKeys...)
	for _, c := range conjuncts(j.Join.Condition) {
		cols := c.Cols(nil)
		onLeft, onRight := false, false
		for i := range cols {
			if i < nl {
				onLeft = true
			} else {
				onRight = true
			}
		}
		switch {
		case pushLeft && onLeft && !onRight && c.IsDeterministic():
			left = append(left, c)
		case pushRight && onRight && !onLeft && c.IsDeterministic():
			right = append(right, c.Shift(-nl))
		case c.Kind == Call && c.Func == "=" && c.Args[0].Kind == ColRef && c.Args[1].Kind == ColRef &&
			(c.Args[0].Index < nl) != (c.Args[1].Index < nl) &&
			c.Args[0].Type.EqualIgnoringNullability(c.Args[1].Type):
			a, b := c.Args[0].Index, c.Args[1].Index
			if a >= nl {
				a, b = b, a
			}
			lk, rk = append(lk, a), append(rk, b-nl)
		default:
			rest = append(rest, c)
		}
	}
	if len(left) == 0 && len(right) == 0 && len(lk) == len(j.Join.LeftKeys) {
		return j
	}
	nj := *j
	nj.Inputs = append([]*Node(nil), j.Inputs...)
	if len(left) > 0 {
		in := nj.Inputs[0]
		nj.Inputs[0] = o.apply(o.b.calc(in, identity(in), and(left...), cloneCols(in.Columns)))
	}
	if len(right) > 0 {
		in := nj.Inputs[1]
		nj.Inputs[1] = o.apply(o.b.calc(in, identity(in), and(right...), cloneCols(in.Columns)))
	}
	spec := *j.Join
	spec.LeftKeys, spec.RightKeys, spec.Condition = lk, rk, and(rest...)
	nj.Join = &spec
	return &nj
}

// readsWatermark reports whether Calc n calls CURRENT_WATERMARK.
func readsWatermark(n *Node) bool {
	found := false
	check := func(x *Expr) {
		if x.Kind == Call && x.Func == FuncCurrentWatermark {
			found = true
		}
	}
	for _, p := range n.Calc.Projects {
		p.Visit(check)
	}
	if n.Calc.Filter != nil {
		n.Calc.Filter.Visit(check)
	}
	return found
}

// IsDeterministic reports whether e calls no non-deterministic function.
func (e *Expr) IsDeterministic() bool {
	ok := true
	e.Visit(func(x *Expr) {
		if x.Kind == Call && (nonDeterministic[x.Func] || x.Func == FuncProctime) {
			ok = false
		}
	})
	return ok
}

// calcIntoScan pushes a Calc's filter into the scan below and prunes the
// scan to the columns and nested fields the Calc needs.
func (o *optimizer) calcIntoScan(c, s *Node) *Node {
	old := s.Scan
	spec := *old
	nInternal := len(old.Paths) + len(old.Computed)
	// Express the Calc over the scan's internal columns.
	toInternal := map[int]int{}
	for i, x := range old.Output {
		toInternal[i] = x
	}
	projects := make([]*Expr, len(c.Calc.Projects))
	for i, p := range c.Calc.Projects {
		projects[i] = p.Remap(toInternal)
	}
	filter := old.Filter
	if c.Calc.Filter != nil {
		filter = and(filter, c.Calc.Filter.Remap(toInternal))
	}
	// Which computed columns are needed: by the Calc, the filter, the
	// watermark (and the watermark column itself).
	needComputed := map[int]bool{}
	mark := func(e *Expr) {
		for i := range e.Cols(nil) {
			if i >= len(old.Paths) {
				needComputed[i-len(old.Paths)] = true
			}
		}
	}
	for _, p := range projects {
		mark(p)
	}
	if filter != nil {
		mark(filter)
	}
	if old.Watermark != nil {
		mark(old.Watermark)
		if old.WatermarkCol >= len(old.Paths) {
			needComputed[old.WatermarkCol-len(old.Paths)] = true
		}
	}
	// Path usage: whole, or by field chains.
	type use struct {
		whole  bool
		chains [][]int
	}
	uses := make([]use, len(old.Paths))
	var scan func(e *Expr)
	scan = func(e *Expr) {
		if chain, p, ok := fieldChain(e); ok && p < len(old.Paths) {
			u := &uses[p]
			for _, ch := range u.chains {
				if equalInts(ch, chain) {
					return
				}
			}
			u.chains = append(u.chains, chain)
			return
		}
		if e.Kind == ColRef {
			if e.Index < len(old.Paths) {
				uses[e.Index].whole = true
			}
			return
		}
		for _, a := range e.Args {
			scan(a)
		}
	}
	for _, p := range projects {
		scan(p)
	}
	if filter != nil {
		scan(filter)
	}
	if old.Watermark != nil {
		scan(old.Watermark)
		if old.WatermarkCol < len(old.Paths) {
			uses[old.WatermarkCol].whole = true
		}
	}
	for k, x := range old.Computed {
		if needComputed[k] {
			scan(x)
		}
	}
	// New paths.
	spec.Paths, spec.PathTypes = nil, nil
	wholeIdx := map[int]int{}
	chainIdx := map[int][]int{} // old path -> new index per chain (parallel to uses[p].chains)
	for p, u := range uses {
		switch {
		case u.whole:
			wholeIdx[p] = len(spec.Paths)
			spec.Paths = append(spec.Paths, old.Paths[p])
			spec.PathTypes = append(spec.PathTypes, old.PathTypes[p])
		case len(u.chains) > 0:
			for _, ch := range u.chains {
				chainIdx[p] = append(chainIdx[p], len(spec.Paths))
				path := append(append([]int(nil), old.Paths[p]...), ch...)
				spec.Paths = append(spec.Paths, path)
				spec.PathTypes = append(spec.PathTypes, fieldType(old.PathTypes[p], ch))
			}
		}
	}
	compIdx := map[int]int{}
	spec.Computed = nil
	for k, x := range old.Computed {
		if needComputed[k] {
			compIdx[k] = len(spec.Paths) + len(spec.Computed)
			spec.Computed = append(spec.Computed, x)
		}
	}
	var rewrite func(e *Expr) *Expr
	rewrite = func(e *Expr) *Expr {
		if chain, p, ok := fieldChain(e); ok && p < len(old.Paths) {
			if idx, whole := wholeIdx[p]; whole {
				// The path is read whole: keep the field access.
				c := e.Clone()
				setChainRoot(c, idx)
				return c
			}
			for i, ch := range uses[p].chains {
				if equalInts(ch, chain) {
					return NewCol(chainIdx[p][i], e.Type)
				}
			}
		}
		if e.Kind == ColRef {
			c := *e
			if e.Index < len(old.Paths) {
				c.Index = wholeIdx[e.Index]
			} else {
				c.Index = compIdx[e.Index-len(old.Paths)]
			}
			return &c
		}
		c := *e
		c.Args = make([]*Expr, len(e.Args))
		for i, a := range e.Args {
			c.Args[i] = rewrite(a)
		}
		return &c
	}
	for i, x := range spec.Computed {
		spec.Computed[i] = rewrite(x)
	}
	if old.Watermark != nil {
		spec.Watermark = rewrite(old.Watermark)
		spec.WatermarkCol = rewrite(NewCol(old.WatermarkCol, types.Type{})).Index
	}
	if filter != nil {
		spec.Filter = rewrite(filter)
	}
	// Output: the internal columns the projections read, in order of use.
	newProjects := make([]*Expr, len(projects))
	for i, p := range projects {
		newProjects[i] = rewrite(p)
	}
	used := map[int]bool{}
	for _, p := range newProjects {
		p.Cols(used)
	}
	internalCols := make([]Column, 0, len(spec.Paths)+len(spec.Computed))
	for i, path := range spec.Paths {
		internalCols = append(internalCols, Column{Name: pathName(old.Physical, path), Type: spec.PathTypes[i]})
	}
	for k, x := range old.Computed {
		if needComputed[k] {
			internalCols = append(internalCols, Column{Name: s.Columns[outputOf(old, len(old.Paths)+k)].Name, Type: x.Type})
		}
	}
	if spec.Watermark != nil {
		internalCols[spec.WatermarkCol].Type.TimeAttr = types.RowTime
	}
	for i, x := range spec.Computed {
		if x.Type.TimeAttr == types.ProcTime {
			internalCols[len(spec.Paths)+i].Type.TimeAttr = types.ProcTime
		}
	}
	spec.Output = nil
	outPos := map[int]int{}
	var outCols []Column
	for i := range internalCols {
		if used[i] {
			outPos[i] = len(spec.Output)
			spec.Output = append(spec.Output, i)
			outCols = append(outCols, internalCols[i])
		}
	}
	_ = nInternal
	ns := o.b.node(OpScan, outCols)
	ns.Scan = &spec
	for i, p := range newProjects {
		newProjects[i] = p.Remap(outPos)
	}
	if isIdentity(newProjects, ns) && sameNames(c, ns) {
		return ns
	}
	if scanUnchanged(old, &spec) && c.Calc.Filter == nil && len(newProjects) == len(c.Calc.Projects) {
		same := true
		for i := range newProjects {
			same = same && newProjects[i].Equal(c.Calc.Projects[i])
		}
		if same {
			return c
		}
	}
	return o.b.calc(ns, newProjects, nil, c.Columns)
}

// outputOf finds the output position of internal column i (or i when it
// is not output), for names.
func outputOf(s *ScanSpec, i int) int {
	for j, x := range s.Output {
		if x == i {
			return j
		}
	}
	return 0
}

func scanUnchanged(a, b *ScanSpec) bool {
	if len(a.Paths) != len(b.Paths) || len(a.Computed) != len(b.Computed) || len(a.Output) != len(b.Output) ||
		!a.Filter.Equal(b.Filter) {
		return false
	}
	for i := range a.Paths {
		if !equalInts(a.Paths[i], b.Paths[i]) {
			return false
		}
	}
	for i := range a.Output {
		if a.Output[i] != b.Output[i] {
			return false
		}
	}
	return true
}

// fieldChain recognizes Field(...Field(ColRef p, i)..., j): the column and
// the field indexes.
func fieldChain(e *Expr) ([]int, int, bool) {
	if e.Kind != Field {
		return nil, 0, false
	}
	var chain []int
	x := e
	for x.Kind == Field {
		chain = append([]int{x.Index}, chain...)
		x = x.Args[0]
	}
	if x.Kind != ColRef {
		return nil, 0, false
	}
	return chain, x.Index, true
}

func setChainRoot(e *Expr, idx int) {
	x := e
	for x.Kind == Field {
		x = x.Args[0]
	}
	x.Index = idx
}

func fieldType(t types.Type, chain []int) types.Type {
	nullable := t.IsNullable()
	for _, i := range chain {
		t = t.Fields[i].Type
		if nullable {
			t = t.Nullable()
		}
		nullable = t.IsNullable()
	}
	return t
}

func pathName(phys []Column, path []int) string {
	name := phys[path[0]].Name
	t := phys[path[0]].Type
	for _, i := range path[1:] {
		name += "." + t.Fields[i].Name
		t = t.Fields[i].Type
	}
	return name
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
