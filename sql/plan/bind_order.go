package plan

import (
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindOrderBy binds a query's ORDER BY [LIMIT/OFFSET] over its result n.
//
//   - With a LIMIT it is a Top-N without partitions: a Rank keeping the
//     first offset+fetch rows, then a filter on the row number for the
//     offset, then the query's columns.
//   - Without, streaming sorts only by a rowtime attribute ascending (then
//     other keys), as Flink's temporal sort: rows are emitted in order as
//     the watermark passes them. Batch mode sorts by anything at the end
//     of the input.
func (b *binder) bindOrderBy(q *ast.Query, n *Node) (*Node, error) {
	width := len(n.Columns)
	// Items that name no output column may read the SELECT's FROM (and,
	// grouped, its aggregates: ORDER BY COUNT(*)): the SELECT is bound
	// again with them as extra columns, which those items then read.
	extraCol := map[int]int{} // ORDER BY item → its extra column
	if sel, ok := q.Body.(*ast.Select); ok && sel.Quant != ast.QuantDistinct {
		var extra []*ast.SelectItem
		var items []int
		probe := &exprCtx{b: b, scope: scopeOf(n, ""), noAgg: "in ORDER BY"}
		for i, o := range q.OrderBy {
			if _, isNum := o.Expr.(*ast.NumberLit); isNum {
				continue
			}
			if _, err := probe.bind(o.Expr); err != nil {
				extra = append(extra, &ast.SelectItem{Loc: ast.Loc{Pos: o.Expr.Start()}, Expr: o.Expr})
				items = append(items, i)
			}
		}
		if len(extra) > 0 {
			sel2 := *sel
			sel2.Items = append(append([]*ast.SelectItem(nil), sel.Items...), extra...)
			if n2, err := b.bindSelect(&sel2); err == nil && len(n2.Columns) == width+len(extra) {
				n = n2
				for k, i := range items {
					extraCol[i] = width + k
				}
			}
		}
	}
	sc := scopeOf(n, "")
	ctx := &exprCtx{b: b, scope: sc, noAgg: "in ORDER BY"}
	var extras []*Expr
	var keys []SortKey
	var keyTypes []types.Type
	for i, o := range q.OrderBy {
		var x *Expr
		if c, ok := extraCol[i]; ok {
			x = NewCol(c, n.Columns[c].Type)
		} else {
			var err error
			if x, err = b.orderExpr(ctx, o.Expr, n); err != nil {
				return nil, err
			}
		}
		col := -1
		if x.Kind == ColRef {
			col = x.Index
		} else {
			for i, y := range extras {
				if y.Equal(x) {
					col = len(n.Columns) + i
				}
			}
			if col < 0 {
				extras = append(extras, x)
				col = len(n.Columns) + len(extras) - 1
			}
		}
		k := SortKey{Col: col, Desc: o.Desc, NullsFirst: !o.Desc}
		switch o.Nulls {
		case ast.NullsFirst:
			k.NullsFirst = true
		case ast.NullsLast:
			k.NullsFirst = false
		}
		keys = append(keys, k)
		keyTypes = append(keyTypes, x.Type)
	}
	in := n
	if len(extras) > 0 {
		projects, cols := identity(n), cloneCols(n.Columns)
		for i, x := range extras {
			projects = append(projects, x)
			cols = append(cols, Column{Name: "$" + itoa(len(n.Columns)+i), Type: x.Type})
		}
		in = b.calc(n, projects, nil, cols)
	}
	var out *Node
	if q.Limit != nil {
		fetch, err := constInt(q.Limit, "LIMIT")
		if err != nil {
			return nil, err
		}
		var offset int64
		if q.Offset != nil {
			if offset, err = constInt(q.Offset, "OFFSET"); err != nil {
				return nil, err
			}
		}
		cols := append(cloneCols(in.Columns), Column{Name: "$rownum", Type: types.BigInt().NotNullable()})
		for i := range cols {
			cols[i].Type.TimeAttr = types.NoTimeAttr
			cols[i].window = windowProp{}
		}
		r := b.node(OpRank, cols, in)
		r.Rank = &RankSpec{Func: "ROW_NUMBER", Order: keys, Limit: -1, Strategy: TopN, TimeCol: -1, WindowEnd: -1}
		b.chooseRank(r, offset+fetch)
		var filter *Expr
		if offset > 0 {
			f, err := resolveCall(q.Offset, ">", []*Expr{NewCol(len(in.Columns), types.BigInt().NotNullable()), NewLit(types.BigInt().NotNullable(), offset)})
			if err != nil {
				return nil, err
			}
			filter = f
		}
		out = r
		if b.batch {
			// Batch mode emits the kept rows in order, as Flink's
			// SortLimit.
			sorted := b.node(OpSort, cloneCols(r.Columns), r)
			sorted.Sort = &SortSpec{Order: keys}
			sorted.Changelog = r.Changelog
			out = sorted
		}
		projects := make([]*Expr, width)
		for i := range projects {
			projects[i] = NewCol(i, r.Columns[i].Type)
		}
		return b.calc(out, projects, filter, cloneCols(out.Columns[:width])), nil
	}
	if q.Offset != nil {
		return nil, errorf(q.Offset, "OFFSET with ORDER BY needs a LIMIT")
	}
	first := q.OrderBy[0]
	if !b.batch {
		if keyTypes[0].TimeAttr != types.RowTime || keys[0].Desc {
			return nil, errorf(first, "sort on a non-time-attribute field is not supported: in streaming mode ORDER BY must start with a rowtime attribute, ascending (or add a LIMIT for a Top-N)")
		}
		if !in.Changelog.IsInsertOnly() {
			return nil, errorf(first, "ORDER BY over an updating query is not supported")
		}
	}
	s := b.node(OpSort, cloneCols(in.Columns), in)
	s.Sort = &SortSpec{Order: keys}
	s.Changelog = in.Changelog
	if len(s.Columns) == width {
		return s, nil
	}
	projects := make([]*Expr, width)
	for i := range projects {
		projects[i] = NewCol(i, s.Columns[i].Type)
	}
	return b.calc(s, projects, nil, cloneCols(s.Columns[:width])), nil
}

// orderExpr binds an ORDER BY item: an ordinal (ORDER BY 2) or an
// expression over the query's columns.
func (b *binder) orderExpr(ctx *exprCtx, e ast.Expr, n *Node) (*Expr, error) {
	if lit, ok := e.(*ast.NumberLit); ok && lit.Kind == ast.IntegerNumber {
		i, err := constInt(lit, "an ORDER BY ordinal")
		if err != nil || i < 1 || int(i) > len(n.Columns) {
			return nil, errorf(e, "ORDER BY position %s is not in the select list (1 to %d)", lit.Text, len(n.Columns))
		}
		return NewCol(int(i)-1, n.Columns[i-1].Type), nil
	}
	return ctx.bind(e)
}
