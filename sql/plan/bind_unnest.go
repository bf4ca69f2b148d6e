package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindUnnest binds t CROSS JOIN UNNEST(expr) [WITH ORDINALITY] AS u(…)
// (or t, UNNEST(…), or LEFT JOIN UNNEST(…) ON TRUE): a Correlate that
// repeats each row of l once per element of its collection.
func (b *binder) bindUnnest(j *ast.Join, l *Node, ls *scope, u *ast.Unnest) (*Node, *scope, error) {
	outer, err := correlateKind(j, "UNNEST")
	if err != nil {
		return nil, nil, err
	}
	if len(u.Exprs) != 1 {
		return nil, nil, errorf(u, "UNNEST of %d collections is not supported yet; unnest one", len(u.Exprs))
	}
	ctx := &exprCtx{b: b, scope: ls, noAgg: "in UNNEST"}
	x, err := ctx.bind(u.Exprs[0])
	if err != nil {
		return nil, nil, err
	}
	return b.correlate(x, u.Exprs[0], u.WithOrdinality, outer, u.Alias, l, ls)
}

// correlateKind checks the join of a correlated right side (UNNEST, LATERAL
// TABLE) and reports whether it is outer.
func correlateKind(j *ast.Join, what string) (bool, error) {
	switch j.Kind {
	case ast.CrossJoin, ast.CommaJoin:
		return false, nil
	case ast.InnerJoin, ast.LeftJoin:
		if lit, ok := j.On.(*ast.BoolLit); !ok || !lit.Value {
			return false, errorf(j, "a join with %s takes ON TRUE only", what)
		}
		return j.Kind == ast.LeftJoin, nil
	}
	return false, errorf(j, "%s with %s is not supported; use CROSS JOIN or LEFT JOIN … ON TRUE", j.Kind, what)
}

// bindLateralTable binds t CROSS JOIN LATERAL TABLE(fn(args)) (or LEFT JOIN
// … ON TRUE) for a Go table function: its call yields an ARRAY of ROWs that
// the Correlate expands, as UNNEST does.
func (b *binder) bindLateralTable(j *ast.Join, l *Node, ls *scope, tf *ast.TableFunc, u *functions.UDF) (*Node, *scope, error) {
	outer, err := correlateKind(j, "LATERAL TABLE")
	if err != nil {
		return nil, nil, err
	}
	ctx := &exprCtx{b: b, scope: ls, noAgg: "in LATERAL TABLE"}
	x, err := ctx.udfCall(tf.Call, u)
	if err != nil {
		return nil, nil, err
	}
	return b.correlate(x, tf.Call, false, outer, tf.Alias, l, ls)
}

// correlate builds the Correlate repeating each row of l once per element
// of the collection x.
func (b *binder) correlate(x *Expr, at ast.Node, ordinality, outer bool, alias *ast.TableAlias, l *Node, ls *scope) (*Node, *scope, error) {
	spec := &UnnestSpec{Expr: x, Ordinality: ordinality, Outer: outer}
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
		return nil, nil, errorf(at, "UNNEST needs an ARRAY, MAP or MULTISET, got %s", x.Type)
	}
	if ordinality {
		elems = append(elems, Column{Name: "ORDINALITY", Type: types.Int().NotNullable()})
	}
	qual := ""
	if alias != nil {
		qual = alias.Name.Name
		if len(alias.Columns) > 0 {
			if len(alias.Columns) != len(elems) {
				return nil, nil, errorf(alias, "alias '%s' names %d columns, the function gives %d", qual, len(alias.Columns), len(elems))
			}
			for i := range elems {
				elems[i].Name = alias.Columns[i].Name
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
