package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindJoin binds a join of two FROM items. Equality conditions become the
// join keys later (rules.go), also those of a comma join's WHERE.
func (b *binder) bindJoin(j *ast.Join) (*Node, *scope, error) {
	if j.Natural || len(j.Using) > 0 {
		return nil, nil, errorf(j, "NATURAL joins and USING are not supported yet; write the condition with ON")
	}
	l, ls, err := b.bindFrom(j.L)
	if err != nil {
		return nil, nil, err
	}
	r, rs, err := b.bindFrom(j.R)
	if err != nil {
		return nil, nil, err
	}
	kind := InnerJoin
	switch j.Kind {
	case ast.LeftJoin:
		kind = LeftJoin
	case ast.RightJoin:
		kind = RightJoin
	case ast.FullJoin:
		kind = FullJoin
	}
	sc := &scope{}
	var cols []Column
	add := func(s *scope, n *Node, nullable bool) {
		for i, c := range s.cols {
			t := c.typ
			// A regular join materializes time attributes.
			t.TimeAttr = types.NoTimeAttr
			if nullable {
				t = t.Nullable()
			}
			sc.cols = append(sc.cols, scopeCol{qual: c.qual, name: c.name, typ: t, hidden: c.hidden})
			cols = append(cols, Column{Name: n.Columns[i].Name, Type: t})
		}
	}
	add(ls, l, kind == RightJoin || kind == FullJoin)
	add(rs, r, kind == LeftJoin || kind == FullJoin)
	n := b.node(OpJoin, cols, l, r)
	n.Join = &JoinSpec{Kind: kind}
	if j.On != nil {
		ctx := &exprCtx{b: b, scope: sc, noAgg: "in ON"}
		cond, err := ctx.bind(j.On)
		if err != nil {
			return nil, nil, err
		}
		if err := checkBoolean(j.On, cond, "ON"); err != nil {
			return nil, nil, err
		}
		n.Join.Condition = cond
	} else if kind != InnerJoin {
		return nil, nil, errorf(j, "%s needs an ON condition", j.Kind)
	}
	n.Changelog = InsertOnly
	if kind != InnerJoin || !l.Changelog.IsInsertOnly() || !r.Changelog.IsInsertOnly() {
		n.Changelog = UpdatesAndDeletes
	}
	if kind != InnerJoin {
		return nil, nil, errorf(j, "%s is not supported yet; only inner joins", j.Kind)
	}
	return n, sc, nil
}
