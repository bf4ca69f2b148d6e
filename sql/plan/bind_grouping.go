package plan

import (
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// GROUP BY GROUPING SETS / ROLLUP / CUBE / () groups the rows once per
// grouping set. As Flink's Expand, each input row is copied once per set
// with the keys the set does not group by made NULL and a grouping id
// ($g: bit i set when key i is not grouped, the first key being the
// highest bit) that keeps a NULL key apart from a rolled-up one; one
// aggregation keyed by all the keys and $g then computes every set.
// GROUPING(k, …) and GROUPING_ID(k, …) read the bits of the keys named.

// maxGroupingSets bounds the sets a GROUP BY may expand into (CUBE of n
// keys has 2^n).
const maxGroupingSets = 4096

// groupingSets expands GROUP BY's elements into grouping sets, lists of
// expressions; has reports whether there was a GROUPING SETS, ROLLUP,
// CUBE or () at all (otherwise the plain keys are one set).
func groupingSets(items []ast.Expr) (sets [][]ast.Expr, has bool, err error) {
	sets = [][]ast.Expr{nil}
	for _, it := range items {
		alts, grouping, err := groupingAlternatives(it)
		if err != nil {
			return nil, false, err
		}
		has = has || grouping
		var next [][]ast.Expr
		for _, s := range sets {
			for _, a := range alts {
				next = append(next, append(append([]ast.Expr(nil), s...), a...))
				if len(next) > maxGroupingSets {
					return nil, false, errorf(it, "GROUP BY expands into more than %d grouping sets", maxGroupingSets)
				}
			}
		}
		sets = next
	}
	return sets, has, nil
}

// groupingAlternatives returns the sets one GROUP BY element stands for.
func groupingAlternatives(e ast.Expr) ([][]ast.Expr, bool, error) {
	switch e := e.(type) {
	case *ast.RowExpr:
		if len(e.Fields) == 0 {
			return [][]ast.Expr{nil}, true, nil
		}
		if !e.Explicit {
			// (a, b) as a plain GROUP BY element: the keys a and b.
			return [][]ast.Expr{e.Fields}, false, nil
		}
	case *ast.GroupingSet:
		var units [][]ast.Expr
		for _, it := range e.Items {
			switch it := it.(type) {
			case *ast.RowExpr:
				units = append(units, it.Fields)
			case *ast.GroupingSet:
				if e.Kind != ast.GroupingSets {
					return nil, false, errorf(it, "%s cannot be nested in %s", it.Kind, e.Kind)
				}
				alts, _, err := groupingAlternatives(it)
				if err != nil {
					return nil, false, err
				}
				units = append(units, alts...)
			default:
				units = append(units, []ast.Expr{it})
			}
		}
		switch e.Kind {
		case ast.GroupingSets:
			return units, true, nil
		case ast.Rollup:
			// ROLLUP(a, b) is (a, b), (a), ().
			var out [][]ast.Expr
			for n := len(units); n >= 0; n-- {
				var s []ast.Expr
				for _, u := range units[:n] {
					s = append(s, u...)
				}
				out = append(out, s)
			}
			return out, true, nil
		case ast.Cube:
			// CUBE(a, b) is (a, b), (a), (b), (): every subset, the first
			// unit as the highest bit.
			if len(units) > 12 {
				return nil, false, errorf(e, "CUBE of %d elements makes too many grouping sets", len(units))
			}
			var out [][]ast.Expr
			for mask := 1<<len(units) - 1; mask >= 0; mask-- {
				var s []ast.Expr
				for i, u := range units {
					if mask&(1<<(len(units)-1-i)) != 0 {
						s = append(s, u...)
					}
				}
				out = append(out, s)
			}
			return out, true, nil
		}
	}
	return [][]ast.Expr{{e}}, false, nil
}

// groupingFunc reports whether f is GROUPING or GROUPING_ID.
func groupingFunc(e ast.Expr) (*ast.FuncCall, bool) {
	f, ok := e.(*ast.FuncCall)
	if !ok || f.Over != nil || len(f.Name.Parts) != 1 {
		return nil, false
	}
	switch strings.ToUpper(f.Name.Parts[0].Name) {
	case "GROUPING", "GROUPING_ID":
		return f, true
	}
	return nil, false
}

// hasGroupingFunc reports whether e calls GROUPING or GROUPING_ID outside
// subqueries.
func hasGroupingFunc(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsExpr:
			return false
		}
		if e, ok := n.(ast.Expr); ok {
			if _, ok := groupingFunc(e); ok {
				found = true
			}
		}
		return !found
	})
	return found
}

// setupGroupingSets binds the grouping sets' keys: a.groups become the
// distinct keys, then $g, then one column per GROUPING call of the query
// (their values are constants of each set).
func (a *aggCtx) setupGroupingSets(sel *ast.Select, sets [][]ast.Expr) error {
	ctx := a.plainCtx("in GROUP BY")
	a.sets = make([][]bool, len(sets))
	for si, set := range sets {
		for _, k := range set {
			if a.b.hasAgg(k) {
				return errorf(k, "aggregate functions are not allowed in GROUP BY")
			}
			x, err := ctx.bind(k)
			if err != nil {
				return err
			}
			i := a.keyIndex(x)
			if i < 0 {
				i = len(a.groups)
				a.groups = append(a.groups, x)
				for j := range a.sets[:si] {
					a.sets[j] = append(a.sets[j], false)
				}
			}
			for len(a.sets[si]) < len(a.groups) {
				a.sets[si] = append(a.sets[si], false)
			}
			a.sets[si][i] = true
		}
	}
	a.nKeys = len(a.groups)
	for si := range a.sets {
		for len(a.sets[si]) < a.nKeys {
			a.sets[si] = append(a.sets[si], false)
		}
	}
	a.partial = make([]bool, a.nKeys)
	for i := range a.nKeys {
		for _, s := range a.sets {
			a.partial[i] = a.partial[i] || !s[i]
		}
	}
	// $g and the GROUPING columns hold placeholders (values no query can
	// write, so no expression of the select list matches them); each set's
	// projection puts in its constants.
	a.groups = append(a.groups, NewLit(types.BigInt().NotNullable(), "$g"))
	// The GROUPING calls of the select list and HAVING.
	var calls []*ast.FuncCall
	visit := func(e ast.Expr) {
		ast.Inspect(e, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.SubqueryExpr, *ast.ExistsExpr:
				return false
			}
			if e, ok := n.(ast.Expr); ok {
				if f, ok := groupingFunc(e); ok {
					calls = append(calls, f)
				}
			}
			return true
		})
	}
	for _, it := range sel.Items {
		visit(it.Expr)
	}
	if sel.Having != nil {
		visit(sel.Having)
	}
	a.grouping = map[*ast.FuncCall]int{}
	for _, f := range calls {
		keys, err := a.groupingArgs(f)
		if err != nil {
			return err
		}
		a.grouping[f] = len(a.groups)
		a.groupingKeys = append(a.groupingKeys, keys)
		a.groups = append(a.groups, NewLit(groupingType(f), "$grouping"+itoa(len(a.groups))))
	}
	return nil
}

// keyIndex returns the key equal to x, or -1.
func (a *aggCtx) keyIndex(x *Expr) int {
	for i, g := range a.groups {
		if g.Equal(x) {
			return i
		}
	}
	return -1
}

// groupingArgs binds the arguments of a GROUPING call to key indexes.
func (a *aggCtx) groupingArgs(f *ast.FuncCall) ([]int, error) {
	name := strings.ToUpper(f.Name.Parts[0].Name)
	if len(f.Args) == 0 {
		return nil, errorf(f, "%s needs at least one grouping expression", name)
	}
	if len(f.Args) > 62 {
		return nil, errorf(f, "%s takes at most 62 expressions", name)
	}
	ctx := a.plainCtx("in " + name)
	var keys []int
	for _, arg := range f.Args {
		x, err := ctx.bind(arg)
		if err != nil {
			return nil, err
		}
		k := -1
		for i, g := range a.groups[:a.nKeys] {
			if g.Equal(x) {
				k = i
			}
		}
		if k < 0 {
			return nil, errorf(arg, "the arguments of %s must be expressions of GROUP BY", name)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// groupingType is the type of GROUPING and GROUPING_ID: Calcite's
// INTEGER, BIGINT when more than 31 expressions are named.
func groupingType(f *ast.FuncCall) types.Type {
	if len(f.Args) > 31 {
		return types.BigInt().NotNullable()
	}
	return types.Int().NotNullable()
}

// groupingValue is a GROUPING call's value in set s: for each named key
// in order, a bit set when s does not group by it.
func groupingValue(keys []int, s []bool) int64 {
	var v int64
	for _, k := range keys {
		v <<= 1
		if !s[k] {
			v |= 1
		}
	}
	return v
}

// bindGrouping binds a GROUPING call in the select list or HAVING: the
// column of its values, or 0 under plain GROUP BY (every key grouped).
func (a *aggCtx) bindGrouping(f *ast.FuncCall) (*Expr, error) {
	if i, ok := a.grouping[f]; ok {
		return NewCol(i, a.keyType(i)), nil
	}
	if a.sets != nil {
		return nil, errorf(f, "%s is not allowed here", strings.ToUpper(f.Name.Parts[0].Name))
	}
	saved := a.nKeys
	a.nKeys = len(a.groups)
	_, err := a.groupingArgs(f)
	a.nKeys = saved
	if err != nil {
		return nil, err
	}
	return NewLit(groupingType(f), int64(0)), nil
}

// expandSets makes the input of a grouping-sets aggregation: the
// pre-projection once per set (keys the set does not group by NULL, $g and
// the GROUPING columns its constants), unioned.
func (a *aggCtx) expandSets(n *Node, preCols []Column) *Node {
	var out *Node
	for _, s := range a.sets {
		projects := make([]*Expr, len(a.pre))
		copy(projects, a.pre)
		for i := range a.nKeys {
			if !s[i] {
				projects[i] = NewLit(preCols[i].Type, nil)
			}
		}
		projects[a.nKeys] = NewLit(types.BigInt().NotNullable(), groupingValue(seq(a.nKeys), s))
		for j, keys := range a.groupingKeys {
			i := a.nKeys + 1 + j
			v := groupingValue(keys, s)
			if preCols[i].Type.Kind == types.KindInt {
				projects[i] = NewLit(preCols[i].Type, int32(v))
			} else {
				projects[i] = NewLit(preCols[i].Type, v)
			}
		}
		c := a.b.calc(n, projects, nil, cloneCols(preCols))
		if out == nil {
			out = c
			continue
		}
		u := a.b.node(OpUnion, cloneCols(preCols), out, c)
		u.Changelog = max(out.Changelog, c.Changelog)
		out = u
	}
	return out
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
