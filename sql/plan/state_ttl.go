package plan

import (
	"slices"
	"strings"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
)

// The STATE_TTL query hint (Flink's FLIP-373): SELECT /*+ STATE_TTL('o' =
// '1d', 'c' = '12h') */ … sets the state retention of the operators of
// its query block that keep state by key without time bounds: each side
// of a regular join, named by the table, view, alias or subquery alias it
// reads, and the group aggregation, named by its FROM item. An input
// without a key keeps table.exec.state.ttl; '0' keeps the state for ever.
// A key that names no input of the block is an error, as in Flink.

// hintTTL reads one option of a STATE_TTL hint as milliseconds (NoTTL for
// 0).
func hintTTL(o *ast.Property) (int64, error) {
	d, err := catalog.ParseDuration(o.Value)
	if err != nil {
		return 0, errorf(o, "STATE_TTL hint: '%s' = '%s': %v", o.Key, o.Value, err)
	}
	switch {
	case d == 0:
		return NoTTL, nil
	case d < time.Millisecond:
		return 0, errorf(o, "STATE_TTL hint: '%s' = '%s' must be 0 or at least 1 ms", o.Key, o.Value)
	}
	return d.Milliseconds(), nil
}

// applyStateTTL applies the STATE_TTL hints of sel, whose FROM bound to
// from and which as a whole bound to out.
func (b *binder) applyStateTTL(sel *ast.Select, from, out *Node) error {
	var opts []*ast.Property
	for _, h := range sel.Hints {
		if upper(h.Name.Name) == "STATE_TTL" {
			opts = append(opts, h.Options...)
		}
	}
	if len(opts) == 0 || sel.From == nil {
		return nil
	}
	ttl := map[string]int64{}
	for _, o := range opts {
		ms, err := hintTTL(o)
		if err != nil {
			return err
		}
		ttl[o.Key] = ms
	}
	names := fromNames(sel.From, nil)
	for _, o := range opts {
		if !slices.Contains(names, o.Key) {
			return errorf(o, "STATE_TTL hint: '%s' is not a table, view or alias this query reads (its inputs: %s)%s",
				o.Key, strings.Join(names, ", "), didYouMean(o.Key, names))
		}
	}
	var joins func(r ast.TableRef)
	joins = func(r ast.TableRef) {
		j, ok := r.(*ast.Join)
		if !ok {
			return
		}
		joins(j.L)
		joins(j.R)
		n := b.joinOf[j]
		if n == nil || n.Join == nil {
			return
		}
		if t, ok := ttl[fromName(j.L)]; ok {
			n.Join.LeftTTL = t
		}
		if t, ok := ttl[fromName(j.R)]; ok {
			n.Join.RightTTL = t
		}
	}
	joins(sel.From)
	if t, ok := ttl[fromName(sel.From)]; ok {
		for _, a := range blockAggregates(out, from) {
			a.Agg.TTL = t
		}
	}
	return nil
}

// fromName is the name a FROM item goes by: its alias, else a table's or
// view's name; "" for a join or an item without a name.
func fromName(r ast.TableRef) string {
	var alias *ast.TableAlias
	switch x := r.(type) {
	case *ast.TableName:
		if x.Alias == nil {
			return x.Name.Parts[len(x.Name.Parts)-1].Name
		}
		alias = x.Alias
	case *ast.DerivedTable:
		alias = x.Alias
	case *ast.TableFunc:
		alias = x.Alias
	case *ast.Unnest:
		alias = x.Alias
	}
	if alias == nil {
		return ""
	}
	return alias.Name.Name
}

// fromNames appends the names of the items of a FROM clause.
func fromNames(r ast.TableRef, names []string) []string {
	if j, ok := r.(*ast.Join); ok {
		return fromNames(j.R, fromNames(j.L, names))
	}
	if n := fromName(r); n != "" {
		names = append(names, n)
	}
	return names
}

// blockAggregates returns the group aggregations between out and from:
// those of the query block (a DISTINCT's too), not of its subqueries.
func blockAggregates(out, from *Node) []*Node {
	var aggs []*Node
	reach := map[*Node]bool{} // whether from is at or below a node
	var walk func(n *Node) bool
	walk = func(n *Node) bool {
		if r, ok := reach[n]; ok {
			return r
		}
		r := n == from
		for _, in := range n.Inputs {
			if walk(in) && n != from {
				r = true
			}
		}
		reach[n] = r
		if r && n != from && n.Op == OpAggregate {
			aggs = append(aggs, n)
		}
		return r
	}
	walk(out)
	return aggs
}
