package plan

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/types"
)

// MatchSpec is MATCH_RECOGNIZE … ONE ROW PER MATCH: per partition
// (Partition, by hash), the rows ordered by the time attribute Order[0]
// (ascending; on rowtime they wait for the watermark, Order's other keys
// order rows of one time) run through the NFA of Pattern, Flink's CEP
// semantics; each match emits the partition columns and the Measures.
// Insert-only.
type MatchSpec struct {
	Partition []int
	Order     []SortKey
	// ProcTime orders by a processing-time attribute: arrival order.
	ProcTime bool `json:",omitempty"`
	// Vars are the pattern variables in pattern order; each appears once
	// in Pattern.
	Vars    []string
	Pattern []MatchElem
	// Defines holds each variable's condition (by index in Vars); nil
	// for a variable without DEFINE, which takes any row.
	Defines  []*MatchExpr
	Measures []MatchMeasure
	After    MatchAfter
	// Within is WITHIN's interval in milliseconds (0: none): a match's
	// last row is at most Within after its first.
	Within int64 `json:",omitempty"`
}

// MatchElem is one variable of the pattern with its quantifier: Min to
// Max rows (Max -1: unbounded). Greedy marks Flink's greedy looping and
// optional states, which leave the variable only for a row it does not
// take; a reluctant or fixed quantifier branches instead.
type MatchElem struct {
	Var      int
	Min, Max int
	Greedy   bool `json:",omitempty"`
}

// After-match strategies (MatchAfter.Kind).
const (
	SkipPastLastRow = "SKIP PAST LAST ROW"
	SkipToNextRow   = "SKIP TO NEXT ROW"
	SkipToFirst     = "SKIP TO FIRST"
	SkipToLast      = "SKIP TO LAST"
)

// MatchAfter is AFTER MATCH SKIP: Kind, and the variable of SKIP TO
// FIRST/LAST.
type MatchAfter struct {
	Kind string
	Var  int `json:",omitempty"`
}

// MatchExpr is an expression of DEFINE or MEASURES: column i of Expr is
// the value of Access[i], which reads the rows of the (partial) match.
type MatchExpr struct {
	Expr   *Expr
	Access []MatchAccess
}

// MatchMeasure is one measure, an output column.
type MatchMeasure struct {
	Name string
	MatchExpr
}

// Access kinds besides the aggregates (MatchAccess.Agg set).
const (
	// AccessFirst and AccessLast read row Offset of a variable's rows,
	// from the first or the last. In DEFINE the rows of the variable being
	// defined, and every row (Var -1), end with the current row.
	AccessFirst = "FIRST"
	AccessLast  = "LAST"
	// AccessPrev is PREV in DEFINE: row Offset before the current one in
	// the match (Var only names it for EXPLAIN).
	AccessPrev = "PREV"
	// AccessRowtime is MATCH_ROWTIME(): the time the match is emitted at,
	// a rowtime attribute; AccessProctime is MATCH_PROCTIME().
	AccessRowtime  = "MATCH_ROWTIME"
	AccessProctime = "MATCH_PROCTIME"
)

// MatchAccess reads the rows mapped to pattern variable Var (-1: every
// row). The navigations evaluate Args[0] over one row; an aggregate
// evaluates Args over each row and aggregates them with Agg, whose
// argument i is Args[i].
type MatchAccess struct {
	Kind   string
	Var    int
	Offset int      `json:",omitempty"`
	Args   []*Expr  `json:",omitempty"`
	Agg    *AggCall `json:",omitempty"`
	Type   types.Type
}

// sameAccess reports whether two accessors read the same thing.
func sameAccess(a, b MatchAccess) bool {
	if a.Kind != b.Kind || a.Var != b.Var || a.Offset != b.Offset || !a.Type.Equal(b.Type) || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if !a.Args[i].Equal(b.Args[i]) {
			return false
		}
	}
	if (a.Agg == nil) != (b.Agg == nil) {
		return false
	}
	return a.Agg == nil || a.Agg.Func == b.Agg.Func && a.Agg.UDAF == b.Agg.UDAF
}

// EachAccess calls fn for every accessor of the spec.
func (m *MatchSpec) EachAccess(fn func(a *MatchAccess)) {
	for _, d := range m.Defines {
		if d != nil {
			for i := range d.Access {
				fn(&d.Access[i])
			}
		}
	}
	for i := range m.Measures {
		for j := range m.Measures[i].Access {
			fn(&m.Measures[i].Access[j])
		}
	}
}

// exprs lists every expression of the spec, for the checks that look at
// all of a node's expressions.
func (m *MatchSpec) exprs() []*Expr {
	var out []*Expr
	for _, d := range m.Defines {
		if d != nil {
			out = append(out, d.Expr)
		}
	}
	for _, x := range m.Measures {
		out = append(out, x.Expr)
	}
	m.EachAccess(func(a *MatchAccess) { out = append(out, a.Args...) })
	return out
}

// aggCalls lists the aggregate calls of the spec.
func (m *MatchSpec) aggCalls() []AggCall {
	var out []AggCall
	m.EachAccess(func(a *MatchAccess) {
		if a.Agg != nil {
			out = append(out, *a.Agg)
		}
	})
	return out
}

// PatternString prints the pattern as SQL: (A B+ C*?).
func (m *MatchSpec) PatternString() string {
	parts := make([]string, len(m.Pattern))
	for i, e := range m.Pattern {
		s := ast.QuoteIdent(m.varName(e.Var))
		if e.Min != 1 || e.Max != 1 {
			s += ast.QuantifierString(e.Min, e.Max, !e.Greedy && e.Min != e.Max && !(e.Min == 0 && e.Max == 1))
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, " ") + ")"
}

func (m *MatchSpec) varName(v int) string {
	if v >= 0 && v < len(m.Vars) {
		return m.Vars[v]
	}
	return "*"
}

// AfterString prints the after-match strategy.
func (m *MatchSpec) AfterString() string {
	switch m.After.Kind {
	case SkipToFirst, SkipToLast:
		return m.After.Kind + " " + ast.QuoteIdent(m.varName(m.After.Var))
	}
	return m.After.Kind
}

// format prints a DEFINE or MEASURES expression, its accessors spelled
// out over the input's column names.
func (m *MatchSpec) format(x *MatchExpr, in []string, define int) string {
	names := make([]string, len(x.Access))
	for i, a := range x.Access {
		names[i] = m.formatAccess(a, in, define)
	}
	return x.Expr.Format(names)
}

func (m *MatchSpec) formatAccess(a MatchAccess, in []string, define int) string {
	prefixed := func(v int) []string {
		if v < 0 {
			return in
		}
		out := make([]string, len(in))
		for i, n := range in {
			out[i] = ast.QuoteIdent(m.Vars[v]) + "." + n
		}
		return out
	}
	var args []string
	for _, x := range a.Args {
		args = append(args, x.Format(prefixed(a.Var)))
	}
	switch {
	case a.Agg != nil:
		if len(args) == 0 {
			args = []string{"*"}
		}
		return a.Agg.Func + "(" + strings.Join(args, ", ") + ")"
	case a.Kind == AccessRowtime || a.Kind == AccessProctime:
		return a.Kind + "(" + strings.Join(args, ", ") + ")"
	case a.Kind == AccessLast && a.Offset == 0 && define >= 0 && (a.Var == define || a.Var < 0):
		return args[0] // the current row
	}
	return fmt.Sprintf("%s(%s, %d)", a.Kind, strings.Join(args, ", "), a.Offset)
}

// describeMatch prints a Match node in Flink's EXPLAIN style.
func describeMatch(n *Node) string {
	m := n.Match
	in := n.Inputs[0].Names()
	var measures []string
	for _, x := range m.Measures {
		measures = append(measures, m.format(&x.MatchExpr, in, -1)+" AS "+x.Name)
	}
	var defines []string
	for v, d := range m.Defines {
		if d != nil {
			defines = append(defines, ast.QuoteIdent(m.Vars[v])+"="+m.format(d, in, v))
		}
	}
	s := fmt.Sprintf("Match(partitionBy=%s, orderBy=[%s], measures=%s, rowsPerMatch=[ONE ROW PER MATCH], after=[%s], pattern=[%s]",
		list(namesAt(n.Inputs[0], m.Partition)), sortKeys(m.Order, in), list(measures), m.AfterString(), m.PatternString())
	if m.Within > 0 {
		s += fmt.Sprintf(", within=[%s]", fmtDuration(m.Within))
	}
	return s + ", define=[{" + strings.Join(defines, ", ") + "}]"
}
