package plan

import (
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// bindMatch binds MATCH_RECOGNIZE over its input: a Match node whose
// columns are the PARTITION BY columns then the measures. What Flink's
// planner refuses is refused here, with Flink's reasons.
func (b *binder) bindMatch(m *ast.MatchRecognize) (*Node, error) {
	switch m.Input.(type) {
	case *ast.TableName, *ast.DerivedTable:
	default:
		return nil, errorf(m.Input, "MATCH_RECOGNIZE reads a table, a view or a subquery")
	}
	in, sc, err := b.bindFrom(m.Input)
	if err != nil {
		return nil, err
	}
	if !in.Changelog.IsInsertOnly() {
		return nil, errorf(m, "MATCH_RECOGNIZE doesn't support consuming update and delete changes which is produced by node %s)", describe(producer(in)))
	}
	if strings.HasPrefix(m.RowsPerMatch, "ALL") {
		return nil, &Error{Pos: m.RowsPos, Msg: "ALL ROWS PER MATCH is not supported yet (as in Flink); use ONE ROW PER MATCH"}
	}
	spec := &MatchSpec{}
	keys := &exprCtx{b: b, scope: sc, noAgg: "in PARTITION BY or ORDER BY of MATCH_RECOGNIZE"}
	for _, e := range m.PartitionBy {
		x, err := keys.bind(e)
		if err != nil {
			return nil, err
		}
		if x.Kind != ColRef {
			return nil, errorf(e, "PARTITION BY of MATCH_RECOGNIZE takes columns, not %s", ast.Format(e))
		}
		spec.Partition = append(spec.Partition, x.Index)
	}
	if err := bindMatchOrder(keys, m, in, spec); err != nil {
		return nil, err
	}
	if spec.Vars, spec.Pattern, err = compilePattern(m.Pattern); err != nil {
		return nil, err
	}
	vars := map[string]int{}
	for i, v := range spec.Vars {
		vars[v] = i
	}
	if spec.After, err = bindAfterMatch(m.After, vars); err != nil {
		return nil, err
	}
	if m.Within != nil {
		x, err := (&exprCtx{b: b, scope: &scope{}, noAgg: "in WITHIN"}).bind(m.Within)
		if err != nil {
			return nil, err
		}
		if spec.Within, err = constMillis(m.Within, x, "the interval of WITHIN"); err != nil {
			return nil, err
		}
		if spec.Within <= 0 {
			return nil, errorf(m.Within, "the interval of WITHIN must be positive")
		}
	}
	mc := &matchCtx{b: b, scope: sc, vars: vars, names: spec.Vars, procTime: spec.ProcTime}
	spec.Defines = make([]*MatchExpr, len(spec.Vars))
	for _, d := range m.Defines {
		v, ok := vars[d.Var.Name]
		if !ok {
			return nil, errorf(d.Var, "DEFINE: '%s' is not a variable of PATTERN%s", d.Var.Name, didYouMean(d.Var.Name, spec.Vars))
		}
		if spec.Defines[v] != nil {
			return nil, errorf(d.Var, "DEFINE: '%s' is defined twice", d.Var.Name)
		}
		x, err := mc.bind(d.Cond, v)
		if err != nil {
			return nil, err
		}
		if err := checkBoolean(d.Cond, x.Expr, "the DEFINE of "+d.Var.Name); err != nil {
			return nil, err
		}
		spec.Defines[v] = x
	}
	var cols []Column
	seen := map[string]bool{}
	for _, p := range spec.Partition {
		c := in.Columns[p]
		c.Type.TimeAttr, c.window = types.NoTimeAttr, windowProp{}
		cols = append(cols, c)
		seen[c.Name] = true
	}
	for _, ms := range m.Measures {
		if seen[ms.Name.Name] {
			return nil, errorf(ms.Name, "MATCH_RECOGNIZE outputs the column '%s' twice (the PARTITION BY columns come first, then the measures)", ms.Name.Name)
		}
		seen[ms.Name.Name] = true
		x, err := mc.bind(ms.Expr, -1)
		if err != nil {
			return nil, err
		}
		spec.Measures = append(spec.Measures, MatchMeasure{Name: ms.Name.Name, MatchExpr: *x})
		cols = append(cols, Column{Name: ms.Name.Name, Type: x.Expr.Type})
	}
	n := b.node(OpMatch, cols, in)
	n.Match, n.Changelog = spec, InsertOnly
	return n, nil
}

// bindMatchOrder binds ORDER BY: columns, the first a time attribute in
// ascending order, as Flink requires.
func bindMatchOrder(keys *exprCtx, m *ast.MatchRecognize, in *Node, spec *MatchSpec) error {
	if len(m.OrderBy) == 0 {
		return errorf(m, "MATCH_RECOGNIZE needs ORDER BY a time attribute (a rowtime or proctime column), ascending")
	}
	for i, o := range m.OrderBy {
		x, err := keys.bind(o.Expr)
		if err != nil {
			return err
		}
		if x.Kind != ColRef {
			return errorf(o.Expr, "ORDER BY of MATCH_RECOGNIZE takes columns, not %s", ast.Format(o.Expr))
		}
		k := SortKey{Col: x.Index, Desc: o.Desc, NullsFirst: !o.Desc}
		switch o.Nulls {
		case ast.NullsFirst:
			k.NullsFirst = true
		case ast.NullsLast:
			k.NullsFirst = false
		}
		if i == 0 {
			attr := in.Columns[x.Index].Type.TimeAttr
			if attr == types.NoTimeAttr {
				return errorf(o.Expr, "the first ORDER BY key of MATCH_RECOGNIZE must be a time attribute (rowtime or proctime); %s is %s", ast.Format(o.Expr), in.Columns[x.Index].Type)
			}
			if o.Desc {
				return errorf(o, "MATCH_RECOGNIZE orders by its time attribute ascending, not DESC (as in Flink)")
			}
			spec.ProcTime = attr == types.ProcTime
		}
		spec.Order = append(spec.Order, k)
	}
	return nil
}

// compilePattern flattens PATTERN into its variables in order, each with
// its quantifier, refusing what Flink's CEP cannot run.
func compilePattern(p *ast.PatternSeq) ([]string, []MatchElem, error) {
	var vars []string
	var elems []MatchElem
	var last *ast.PatternQuant
	index := map[string]bool{}
	add := func(v *ast.PatternVar, q *ast.PatternQuant) error {
		name := v.Name.Name
		if index[name] {
			return errorf(v, "the pattern variable '%s' appears twice in PATTERN; each variable may appear once (as in Flink)", name)
		}
		index[name] = true
		e := MatchElem{Var: len(vars), Min: 1, Max: 1}
		if q != nil {
			e.Min, e.Max = q.Min, q.Max
			optional := q.Min == 0 && q.Max == 1
			if optional && q.Reluctant {
				return errorf(q, "reluctant optional variables (%s) are not supported yet (as in Flink)", ast.Format(q))
			}
			e.Greedy = !q.Reluctant && !optional && q.Min != q.Max
		}
		vars = append(vars, name)
		elems = append(elems, e)
		last = q
		return nil
	}
	var walk func(s *ast.PatternSeq) error
	walk = func(s *ast.PatternSeq) error {
		for _, item := range s.Items {
			var err error
			switch x := item.(type) {
			case *ast.PatternVar:
				err = add(x, nil)
			case *ast.PatternGroup:
				err = walk(x.Inner)
			case *ast.PatternQuant:
				v := singleVar(x.X)
				if v == nil {
					return errorf(x, "quantifiers on groups of pattern variables are not supported yet (as in Flink): %s", ast.Format(x))
				}
				err = add(v, x)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(p); err != nil {
		return nil, nil, err
	}
	mandatory := false
	for _, e := range elems {
		mandatory = mandatory || e.Min > 0
	}
	if !mandatory {
		return nil, nil, errorf(p, "patterns that can produce empty matches are not supported (as in Flink): at least one variable must take a row")
	}
	if e := elems[len(elems)-1]; e.Greedy {
		return nil, nil, errorf(last, "greedy quantifiers are not allowed as the last element of a pattern yet (as in Flink); end the pattern with a variable or a reluctant quantifier (%s?)", ast.Format(last))
	}
	return vars, elems, nil
}

// singleVar returns the variable of a quantified factor: a variable, or a
// parenthesized single variable.
func singleVar(r ast.RowPattern) *ast.PatternVar {
	switch x := r.(type) {
	case *ast.PatternVar:
		return x
	case *ast.PatternGroup:
		if len(x.Inner.Items) == 1 {
			return singleVar(x.Inner.Items[0])
		}
	}
	return nil
}

// bindAfterMatch binds AFTER MATCH SKIP; without it, Flink skips to the
// next row (Calcite's default).
func bindAfterMatch(a *ast.AfterMatch, vars map[string]int) (MatchAfter, error) {
	if a == nil {
		return MatchAfter{Kind: SkipToNextRow}, nil
	}
	switch a.Kind {
	case ast.SkipPastLastRow:
		return MatchAfter{Kind: SkipPastLastRow}, nil
	case ast.SkipToNextRow:
		return MatchAfter{Kind: SkipToNextRow}, nil
	}
	kind := SkipToLast
	if a.Kind == ast.SkipToFirst {
		kind = SkipToFirst
	}
	v, ok := vars[a.Var.Name]
	if !ok {
		names := make([]string, 0, len(vars))
		for n := range vars {
			names = append(names, n)
		}
		return MatchAfter{}, errorf(a.Var, "AFTER MATCH %s: '%s' is not a variable of PATTERN%s", a.Kind, a.Var.Name, didYouMean(a.Var.Name, names))
	}
	return MatchAfter{Kind: kind, Var: v}, nil
}
