package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindUnnest binds t CROSS JOIN UNNEST(expr) [WITH ORDINALITY] AS u(…)
// (or t, UNNEST(…), or LEFT JOIN UNNEST(…) ON TRUE): a Correlate that
// repeats each row of l once per element of its collection.
func (b *binder) bindUnnest(j *ast.Join, l *Node, ls *scope, u *ast.Unnest) (*Node, *scope, error) {
	outer := false
	switch j.Kind {
	case ast.CrossJoin, ast.CommaJoin:
	case ast.InnerJoin, ast.LeftJoin:
		if lit, ok := j.On.(*ast.BoolLit); !ok || !lit.Value {
			return nil, nil, errorf(j, "a join with UNNEST takes ON TRUE only")
		}
		outer = j.Kind == ast.LeftJoin
	default:
		return nil, nil, errorf(j, "%s with UNNEST is not supported; use CROSS JOIN or LEFT JOIN … ON TRUE", j.Kind)
	}
	if len(u.Exprs) != 1 {
		return nil, nil, errorf(u, "UNNEST of %d collections is not supported yet; unnest one", len(u.Exprs))
	}
	ctx := &exprCtx{b: b, scope: ls, noAgg: "in UNNEST"}
	x, err := ctx.bind(u.Exprs[0])
	if err != nil {
		return nil, nil, err
	}
	spec := &UnnestSpec{Expr: x, Ordinality: u.WithOrdinality, Outer: outer}
	var elems []Column
	switch x.Type.Kind {
	case types.KindArray, types.KindMultiset:
		et := *x.Type.Elem
		if et.Kind == types.KindRow {
			spec.ExpandRow = true
			for _, f := range et.Fields {
				elems = append(elems, Column{Name: f.Name, Type: f.Type.Nullable()})
			}
		} else {
			elems = append(elems, Column{Name: "EXPR$0", Type: et})
		}
	case types.KindMap:
		elems = append(elems, Column{Name: "KEY", Type: *x.Type.Elem}, Column{Name: "VALUE", Type: *x.Type.Value})
	default:
		return nil, nil, errorf(u.Exprs[0], "UNNEST needs an ARRAY, MAP or MULTISET, got %s", x.Type)
	}
	if u.WithOrdinality {
		elems = append(elems, Column{Name: "ORDINALITY", Type: types.Int().NotNullable()})
	}
	qual := ""
	if u.Alias != nil {
		qual = u.Alias.Name.Name
		if len(u.Alias.Columns) > 0 {
			if len(u.Alias.Columns) != len(elems) {
				return nil, nil, errorf(u.Alias, "alias '%s' names %d columns, UNNEST gives %d", qual, len(u.Alias.Columns), len(elems))
			}
			for i := range elems {
				elems[i].Name = u.Alias.Columns[i].Name
			}
		}
	}
	if outer {
		for i := range elems {
			elems[i].Type = elems[i].Type.Nullable()
		}
	}
	cols := cloneCols(l.Columns)
	sc := &scope{cols: append([]scopeCol(nil), ls.cols...)}
	for _, c := range elems {
		cols = append(cols, c)
		sc.cols = append(sc.cols, scopeCol{qual: qual, name: c.Name, typ: c.Type})
	}
	n := b.node(OpCorrelate, cols, l)
	n.Unnest = spec
	n.Changelog = l.Changelog
	return n, sc, nil
}
