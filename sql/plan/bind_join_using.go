package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
)

// JOIN … USING (c, …) and NATURAL JOIN, as Calcite (so Flink) reads them:
// the condition equates the named columns (NATURAL: every column name
// both inputs have; none makes a cross join), and the join's output starts
// with one merged column per name (the left's value, the right's for a
// RIGHT JOIN, COALESCE of both for a FULL JOIN), which * and unqualified
// names see; the sides' own columns stay reachable qualified (t.c, t.*).

// usingPair is a USING column: its name and its index in each input's
// scope.
type usingPair struct {
	name string
	l, r int
}

// usingPairs finds the columns of j's USING list (or the common names of
// a NATURAL join) in the left and right scopes.
func usingPairs(j *ast.Join, ls, rs *scope) ([]usingPair, error) {
	var names []*ast.Ident
	if j.Natural {
		seen := map[string]bool{}
		for _, c := range ls.cols {
			if c.hidden || c.using || seen[c.name] || rs.find(c.name, "") == -1 {
				continue
			}
			seen[c.name] = true
			names = append(names, &ast.Ident{Loc: j.Loc, Name: c.name})
		}
	} else {
		names = j.Using
	}
	var pairs []usingPair
	seen := map[string]bool{}
	for _, id := range names {
		if seen[id.Name] {
			return nil, errorf(id, "column '%s' appears twice in USING", id.Name)
		}
		seen[id.Name] = true
		l, r := ls.find(id.Name, ""), rs.find(id.Name, "")
		for _, side := range []struct {
			i    int
			what string
			s    *scope
		}{{l, "left", ls}, {r, "right", rs}} {
			switch side.i {
			case -1:
				return nil, errorf(id, "column '%s' of USING is not a column of the %s side of the join%s", id.Name, side.what, didYouMean(id.Name, side.s.names()))
			case -2:
				return nil, errorf(id, "column '%s' of USING is ambiguous on the %s side of the join", id.Name, side.what)
			}
		}
		pairs = append(pairs, usingPair{name: id.Name, l: l, r: r})
	}
	return pairs, nil
}

// usingCondition is l.c = r.c AND … over the joined scope sc (nl left
// columns); nil for no pairs (a NATURAL join without common names).
func usingCondition(j *ast.Join, pairs []usingPair, sc *scope, nl int) (*Expr, error) {
	var cond *Expr
	for _, p := range pairs {
		l, r := sc.cols[p.l], sc.cols[nl+p.r]
		eq, err := resolveCall(j, "=", []*Expr{NewCol(p.l, l.typ), NewCol(nl+p.r, r.typ)})
		if err != nil {
			return nil, errorf(j, "USING column '%s': %v", p.name, err)
		}
		cond = and(cond, eq)
	}
	return cond, nil
}

// mergeUsing puts the merged columns of join n (its scope sc) in front of
// its columns.
func (b *binder) mergeUsing(j *ast.Join, n *Node, sc *scope) (*Node, *scope, error) {
	nl := len(n.Inputs[0].Columns)
	pairs, err := usingPairs(j, &scope{cols: sc.cols[:nl]}, &scope{cols: sc.cols[nl:]})
	if err != nil || len(pairs) == 0 {
		return n, sc, err
	}
	var projects []*Expr
	var cols []Column
	out := &scope{}
	marked := map[int]bool{}
	for _, p := range pairs {
		l, r := NewCol(p.l, sc.cols[p.l].typ), NewCol(nl+p.r, sc.cols[nl+p.r].typ)
		x := l
		switch n.Join.Kind {
		case RightJoin:
			x = r
		case FullJoin:
			if x, err = resolveCall(j, "COALESCE", []*Expr{l, r}); err != nil {
				return nil, nil, errorf(j, "USING column '%s': %v", p.name, err)
			}
		}
		projects = append(projects, x)
		cols = append(cols, Column{Name: p.name, Type: x.Type})
		out.cols = append(out.cols, scopeCol{name: p.name, typ: x.Type})
		marked[p.l], marked[nl+p.r] = true, true
	}
	for i, c := range sc.cols {
		projects = append(projects, NewCol(i, c.typ))
		c.using = c.using || marked[i]
		out.cols = append(out.cols, c)
	}
	cols = append(cols, cloneCols(n.Columns)...)
	return b.calc(n, projects, nil, cols), out, nil
}
