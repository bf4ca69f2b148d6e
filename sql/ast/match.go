package ast

import "strconv"

// MatchRecognize is SQL's row pattern recognition as Flink has it:
//
//	input MATCH_RECOGNIZE (
//	  [PARTITION BY expr, ...] [ORDER BY item, ...]
//	  [MEASURES expr AS name, ...] [ONE ROW PER MATCH | ALL ROWS PER MATCH ...]
//	  [AFTER MATCH SKIP ...] PATTERN (pattern) [WITHIN interval]
//	  DEFINE var AS cond, ...
//	) [[AS] alias]
//
// Input is a *TableName or *DerivedTable without an alias of its own: the
// alias comes after the clause and names its output.
type MatchRecognize struct {
	Loc
	Input       TableRef
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Measures    []*MatchMeasure
	// RowsPerMatch is the output mode as written ("ONE ROW PER MATCH",
	// "ALL ROWS PER MATCH [...]"), "" when absent; RowsPos is where it is.
	RowsPerMatch string
	RowsPos      Pos
	After        *AfterMatch // nil when absent
	Pattern      *PatternSeq
	Within       Expr // WITHIN interval, nil when absent
	Defines      []*PatternDefine
	Alias        *TableAlias
}

func (*MatchRecognize) tableRef() {}

// MatchMeasure is expr AS name in MEASURES.
type MatchMeasure struct {
	Loc
	Expr Expr
	Name *Ident
}

// PatternDefine is var AS condition in DEFINE.
type PatternDefine struct {
	Loc
	Var  *Ident
	Cond Expr
}

// AfterMatchKind is where matching resumes after a match.
type AfterMatchKind string

const (
	SkipPastLastRow AfterMatchKind = "SKIP PAST LAST ROW"
	SkipToNextRow   AfterMatchKind = "SKIP TO NEXT ROW"
	SkipToFirst     AfterMatchKind = "SKIP TO FIRST"
	SkipToLast      AfterMatchKind = "SKIP TO LAST"
	SkipTo          AfterMatchKind = "SKIP TO" // SKIP TO var, the same as SKIP TO LAST var
)

// AfterMatch is AFTER MATCH SKIP ...; Var is set for the kinds that name a
// pattern variable.
type AfterMatch struct {
	Loc
	Kind AfterMatchKind
	Var  *Ident
}

// RowPattern is a part of a PATTERN: *PatternSeq, *PatternVar,
// *PatternGroup or *PatternQuant.
type RowPattern interface {
	Node
	rowPattern()
}

// PatternSeq is a concatenation of pattern factors (one or more).
type PatternSeq struct {
	Loc
	Items []RowPattern
}

// PatternVar is a pattern variable.
type PatternVar struct {
	Loc
	Name *Ident
}

// PatternGroup is a parenthesized pattern.
type PatternGroup struct {
	Loc
	Inner *PatternSeq
}

// PatternQuant is X with a quantifier: Min to Max rows (Max -1 is
// unbounded): * is {0,}, + is {1,}, ? is {0,1}. Reluctant is a trailing
// '?'.
type PatternQuant struct {
	Loc
	X         RowPattern
	Min, Max  int
	Reluctant bool
}

func (*PatternSeq) rowPattern()   {}
func (*PatternVar) rowPattern()   {}
func (*PatternGroup) rowPattern() {}
func (*PatternQuant) rowPattern() {}

// ---- printing ----

func (p *printer) matchRecognize(m *MatchRecognize) {
	p.tableRef(m.Input)
	p.w(" MATCH_RECOGNIZE (")
	sep := ""
	if len(m.PartitionBy) > 0 {
		p.w("PARTITION BY ")
		p.exprs(m.PartitionBy)
		sep = " "
	}
	if len(m.OrderBy) > 0 {
		p.w(sep, "ORDER BY ")
		p.orderItems(m.OrderBy)
		sep = " "
	}
	if len(m.Measures) > 0 {
		p.w(sep, "MEASURES ")
		for i, x := range m.Measures {
			if i > 0 {
				p.w(", ")
			}
			p.matchPart(x)
		}
		sep = " "
	}
	if m.RowsPerMatch != "" {
		p.w(sep, m.RowsPerMatch)
		sep = " "
	}
	if m.After != nil {
		p.w(sep)
		p.matchPart(m.After)
		sep = " "
	}
	p.w(sep, "PATTERN (")
	p.rowPattern(m.Pattern)
	p.w(")")
	if m.Within != nil {
		p.w(" WITHIN ")
		p.expr(m.Within, precLowest)
	}
	p.w(" DEFINE ")
	for i, d := range m.Defines {
		if i > 0 {
			p.w(", ")
		}
		p.matchPart(d)
	}
	p.w(")")
	p.alias(m.Alias)
}

// matchPart prints a MEASURES item, a DEFINE item or AFTER MATCH.
func (p *printer) matchPart(n Node) {
	switch n := n.(type) {
	case *MatchMeasure:
		p.expr(n.Expr, precLowest)
		p.w(" AS ")
		p.ident(n.Name)
	case *PatternDefine:
		p.ident(n.Var)
		p.w(" AS ")
		p.expr(n.Cond, precLowest)
	case *AfterMatch:
		p.w("AFTER MATCH ", string(n.Kind))
		if n.Var != nil {
			p.w(" ")
			p.ident(n.Var)
		}
	}
}

func (p *printer) rowPattern(r RowPattern) {
	switch r := r.(type) {
	case *PatternSeq:
		if r == nil {
			return
		}
		for i, x := range r.Items {
			if i > 0 {
				p.w(" ")
			}
			p.rowPattern(x)
		}
	case *PatternVar:
		p.ident(r.Name)
	case *PatternGroup:
		p.w("(")
		p.rowPattern(r.Inner)
		p.w(")")
	case *PatternQuant:
		p.rowPattern(r.X)
		p.w(QuantifierString(r.Min, r.Max, r.Reluctant))
	}
}

// QuantifierString writes a quantifier in its shortest form: *, +, ?,
// {n}, {n,} or {n,m}, with a trailing ? when reluctant.
func QuantifierString(min, max int, reluctant bool) string {
	var s string
	switch {
	case min == 0 && max < 0:
		s = "*"
	case min == 1 && max < 0:
		s = "+"
	case min == 0 && max == 1:
		s = "?"
	case min == max:
		s = "{" + strconv.Itoa(min) + "}"
	case max < 0:
		s = "{" + strconv.Itoa(min) + ",}"
	default:
		s = "{" + strconv.Itoa(min) + "," + strconv.Itoa(max) + "}"
	}
	if reluctant {
		s += "?"
	}
	return s
}
