package parser

import (
	"strconv"

	"github.com/eddy-streams/eddy/sql/ast"
)

// MATCH_RECOGNIZE, row pattern recognition. The clauses come in the SQL
// standard's fixed order. What Flink's planner cannot run but the standard
// has (ALL ROWS PER MATCH, quantified groups, greedy quantifiers at the
// end) parses and is refused by the planner; what has no syntax tree here
// (alternation, PERMUTE, exclusion, anchors, SUBSET) is refused at once.

// maybeMatchRecognize parses "MATCH_RECOGNIZE (...) [alias]" after the FROM
// item in when one follows, and returns in otherwise. in has no alias yet:
// the alias goes after the clause.
func (p *parser) maybeMatchRecognize(loc ast.Loc, in ast.TableRef) ast.TableRef {
	if !p.isKw("MATCH_RECOGNIZE") {
		return in
	}
	p.enter()
	defer p.leave()
	p.advance()
	m := &ast.MatchRecognize{Loc: loc, Input: in}
	p.expectOp("(")
	if p.acceptKwBy("PARTITION") {
		m.PartitionBy = p.parseExprList()
	}
	if p.acceptKwBy("ORDER") {
		m.OrderBy = p.parseOrderItems()
	}
	if p.acceptKw("MEASURES") {
		for {
			x := &ast.MatchMeasure{Loc: p.loc(), Expr: p.parseExpr()}
			p.expectKw("AS")
			x.Name = p.parseIdent("a measure name")
			m.Measures = append(m.Measures, x)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	p.parseRowsPerMatch(m)
	if p.isKw("AFTER") {
		m.After = p.parseAfterMatch()
	}
	if !p.isKw("PATTERN") {
		p.failExpected("PATTERN (or PARTITION BY, ORDER BY, MEASURES, ONE ROW PER MATCH, AFTER MATCH SKIP before it)")
	}
	p.advance()
	p.expectOp("(")
	m.Pattern = p.parsePatternSeq()
	p.expectOp(")")
	if p.acceptKw("WITHIN") {
		m.Within = p.parseExpr()
	}
	if p.isKw("SUBSET") {
		p.failAt(p.pos(), "SUBSET is not supported (as in Flink)")
	}
	p.expectKw("DEFINE")
	for {
		d := &ast.PatternDefine{Loc: p.loc(), Var: p.parseIdent("a pattern variable name")}
		p.expectKw("AS")
		d.Cond = p.parseExpr()
		m.Defines = append(m.Defines, d)
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	m.Alias = p.parseTableAlias()
	if p.isKw("MATCH_RECOGNIZE") {
		p.failAt(p.pos(), "MATCH_RECOGNIZE cannot follow MATCH_RECOGNIZE; recognize in a subquery")
	}
	return m
}

// parseRowsPerMatch parses ONE ROW PER MATCH or ALL ROWS PER MATCH with its
// options, recording them as written.
func (p *parser) parseRowsPerMatch(m *ast.MatchRecognize) {
	pos := p.pos()
	switch {
	case p.acceptKwSeq("ONE", "ROW", "PER", "MATCH"):
		m.RowsPerMatch, m.RowsPos = "ONE ROW PER MATCH", pos
	case p.acceptKwSeq("ALL", "ROWS", "PER", "MATCH"):
		m.RowsPerMatch, m.RowsPos = "ALL ROWS PER MATCH", pos
		switch {
		case p.acceptKwSeq("SHOW", "EMPTY", "MATCHES"):
			m.RowsPerMatch += " SHOW EMPTY MATCHES"
		case p.acceptKwSeq("OMIT", "EMPTY", "MATCHES"):
			m.RowsPerMatch += " OMIT EMPTY MATCHES"
		case p.acceptKwSeq("WITH", "UNMATCHED", "ROWS"):
			m.RowsPerMatch += " WITH UNMATCHED ROWS"
		}
	}
}

// parseAfterMatch parses AFTER MATCH SKIP {PAST LAST ROW | TO NEXT ROW |
// TO FIRST var | TO LAST var | TO var}.
func (p *parser) parseAfterMatch() *ast.AfterMatch {
	a := &ast.AfterMatch{Loc: p.loc()}
	p.expectKwSeq("AFTER", "MATCH", "SKIP")
	switch {
	case p.acceptKwSeq("PAST", "LAST", "ROW"):
		a.Kind = ast.SkipPastLastRow
	case p.acceptKw("TO"):
		switch {
		case p.acceptKwSeq("NEXT", "ROW"):
			a.Kind = ast.SkipToNextRow
		case p.isKw("FIRST") && isIdentTok(p.peek(1)):
			p.advance()
			a.Kind = ast.SkipToFirst
		case p.isKw("LAST") && isIdentTok(p.peek(1)):
			p.advance()
			a.Kind = ast.SkipToLast
		default:
			a.Kind = ast.SkipTo
		}
		if a.Kind != ast.SkipToNextRow {
			a.Var = p.parseIdent("NEXT ROW, FIRST var, LAST var or a pattern variable name")
		}
	default:
		p.failExpected("PAST LAST ROW or TO")
	}
	return a
}

// parsePatternSeq parses a concatenation of pattern factors, up to the ')'
// that closes it.
func (p *parser) parsePatternSeq() *ast.PatternSeq {
	p.enter()
	defer p.leave()
	seq := &ast.PatternSeq{Loc: p.loc()}
	for {
		p.refusePatternOperator()
		if p.isOp(")") || p.at(tokEOF) {
			break
		}
		seq.Items = append(seq.Items, p.parsePatternFactor())
	}
	if len(seq.Items) == 0 {
		p.failExpected("a pattern variable name")
	}
	return seq
}

// refusePatternOperator fails on the pattern syntax Flink does not
// support (which the lexer may not even know).
func (p *parser) refusePatternOperator() {
	t := p.tok()
	switch {
	case t.kind == tokIllegal && t.text == "|", isOp(t, "||"):
		p.failAt(t.pos, "alternation (|) in PATTERN is not supported (as in Flink)")
	case t.kind == tokIllegal && (t.text == "^" || t.text == "$"):
		p.failAt(t.pos, "anchors (^, $) in PATTERN are not supported (as in Flink)")
	case isOp(t, "{") && isOp(p.peek(1), "-"):
		p.failAt(t.pos, "exclusion ({- -}) in PATTERN is not supported (as in Flink)")
	case isKw(t, "PERMUTE"):
		p.failAt(t.pos, "PERMUTE in PATTERN is not supported (as in Flink)")
	}
}

// parsePatternFactor parses a variable or a parenthesized pattern, with an
// optional quantifier.
func (p *parser) parsePatternFactor() ast.RowPattern {
	loc := p.loc()
	var x ast.RowPattern
	if p.acceptOp("(") {
		x = &ast.PatternGroup{Loc: loc, Inner: p.parsePatternSeq()}
		p.expectOp(")")
	} else {
		x = &ast.PatternVar{Loc: loc, Name: p.parseIdent("a pattern variable name")}
	}
	q := &ast.PatternQuant{Loc: loc, X: x}
	switch {
	case p.acceptOp("*"):
		q.Min, q.Max = 0, -1
	case p.acceptOp("+"):
		q.Min, q.Max = 1, -1
	case p.acceptOp("?"):
		q.Min, q.Max = 0, 1
	case p.isOp("{") && !isOp(p.peek(1), "-"):
		p.parseBounds(q)
	default:
		return x
	}
	q.Reluctant = p.acceptOp("?")
	return q
}

// maxQuantifier bounds the counts of {n,m}.
const maxQuantifier = 1 << 20

// parseBounds parses {n}, {n,}, {,m} or {n,m}.
func (p *parser) parseBounds(q *ast.PatternQuant) {
	open := p.advance()
	bound := func() (int, bool) {
		t := p.tok()
		if t.kind != tokNumber {
			return 0, false
		}
		n, err := strconv.Atoi(t.text)
		if err != nil || n < 0 || n > maxQuantifier {
			p.failAt(t.pos, "a quantifier bound must be an integer from 0 to %d", maxQuantifier)
		}
		p.advance()
		return n, true
	}
	n, hasN := bound()
	switch {
	case p.acceptOp(","):
		m, hasM := bound()
		if !hasN && !hasM {
			p.failExpected("a number")
		}
		q.Min, q.Max = n, -1
		if hasM {
			q.Max = m
		}
	case hasN:
		q.Min, q.Max = n, n
	default:
		p.failExpected("a number")
	}
	p.expectOp("}")
	if q.Max == 0 || q.Max > 0 && q.Min > q.Max {
		p.failAt(open.pos, "invalid quantifier {%d,%d}: the bounds need 0 <= n <= m and m > 0", q.Min, q.Max)
	}
}
