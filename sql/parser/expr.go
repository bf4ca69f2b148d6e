package parser

import (
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
)

// Precedence levels, lowest first; they match the printer in package ast
// (ast.BinaryPrecedence) so printed expressions parse back identically.
// The order follows Calcite, which Flink uses: NOT binds looser than
// comparisons, IS NULL looser than =, and BETWEEN/IN/LIKE tighter.
const (
	precLowest = iota
	precOr
	precAnd
	precNot
	precIs
	precCompare
	precLike
	precAdd
	precMul
	precUnary
)

// binaryOps maps operator tokens to AST operators.
var binaryOps = map[string]ast.BinaryOp{
	"=": ast.OpEq, "<>": ast.OpNe, "!=": ast.OpNe, "<": ast.OpLt, "<=": ast.OpLe,
	">": ast.OpGt, ">=": ast.OpGe, "+": ast.OpAdd, "-": ast.OpSub, "*": ast.OpMul,
	"/": ast.OpDiv, "%": ast.OpMod, "||": ast.OpConcat,
}

func isComparison(op ast.BinaryOp) bool {
	switch op {
	case ast.OpEq, ast.OpNe, ast.OpLt, ast.OpLe, ast.OpGt, ast.OpGe:
		return true
	}
	return false
}

func (p *parser) parseExpr() ast.Expr { return p.parseExprPrec(precLowest) }

// parseExprPrec parses an expression whose operators all bind at least as
// tightly as minPrec (precedence climbing; binary operators are
// left-associative).
func (p *parser) parseExprPrec(minPrec int) ast.Expr {
	p.enter()
	defer p.leave()
	left := p.parseUnary()
	for {
		next, ok := p.parseInfix(left, minPrec)
		if !ok {
			return left
		}
		left = next
	}
}

// parseInfix tries to extend left with one infix or postfix operator of
// precedence >= minPrec.
func (p *parser) parseInfix(left ast.Expr, minPrec int) (ast.Expr, bool) {
	t := p.tok()
	loc := ast.Loc{Pos: left.Start()}
	switch {
	case isKw(t, "OR") || isKw(t, "AND"):
		op, prec := ast.OpOr, precOr
		if t.upper == "AND" {
			op, prec = ast.OpAnd, precAnd
		}
		if prec < minPrec {
			return nil, false
		}
		p.advance()
		right := p.parseExprPrec(prec + 1)
		return &ast.BinaryExpr{Loc: loc, Op: op, L: left, R: right}, true

	case t.kind == tokOp:
		op, ok := binaryOps[t.text]
		if !ok {
			return nil, false
		}
		prec := ast.BinaryPrecedence(op)
		if prec < minPrec {
			return nil, false
		}
		p.advance()
		if isComparison(op) {
			if q, ok := p.tryQuantified(loc, left, op); ok {
				return q, true
			}
		}
		right := p.parseExprPrec(prec + 1)
		return &ast.BinaryExpr{Loc: loc, Op: op, L: left, R: right}, true

	case isKw(t, "IS"):
		not := isKw(p.peek(1), "NOT")
		distinctAt := 1
		if not {
			distinctAt = 2
		}
		if isKw(p.peek(distinctAt), "DISTINCT") {
			if precCompare < minPrec {
				return nil, false
			}
			p.i += distinctAt + 1
			p.expectKw("FROM")
			right := p.parseExprPrec(precCompare + 1)
			op := ast.OpIsDistinctFrom
			if not {
				op = ast.OpIsNotDistinctFrom
			}
			return &ast.BinaryExpr{Loc: loc, Op: op, L: left, R: right}, true
		}
		if precIs < minPrec {
			return nil, false
		}
		p.i += distinctAt
		if p.acceptKw("JSON") {
			return p.parseIsJSON(loc, left, not), true
		}
		is := &ast.IsExpr{Loc: loc, X: left, Not: not}
		switch {
		case p.acceptKw("NULL"):
			is.Test = ast.IsNull
		case p.acceptKw("TRUE"):
			is.Test = ast.IsTrue
		case p.acceptKw("FALSE"):
			is.Test = ast.IsFalse
		case p.acceptKw("UNKNOWN"):
			is.Test = ast.IsUnknown
		default:
			p.failExpected("NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM")
		}
		return is, true

	case isKw(t, "NOT") || isKw(t, "BETWEEN") || isKw(t, "IN") || isKw(t, "LIKE") || isKw(t, "SIMILAR"):
		opTok := t
		not := false
		if isKw(t, "NOT") {
			opTok = p.peek(1)
			not = true
			switch {
			case isKw(opTok, "BETWEEN"), isKw(opTok, "IN"), isKw(opTok, "LIKE"), isKw(opTok, "SIMILAR"):
			default:
				return nil, false // NOT here ends the expression
			}
		}
		if precLike < minPrec {
			return nil, false
		}
		if not {
			p.advance()
		}
		p.advance()
		switch opTok.upper {
		case "BETWEEN":
			return p.parseBetween(loc, left, not), true
		case "IN":
			return p.parseIn(loc, left, not), true
		case "SIMILAR":
			p.expectKw("TO")
			return p.parseLike(loc, left, not, ast.SimilarTo), true
		default:
			return p.parseLike(loc, left, not, ast.Like), true
		}
	}
	return nil, false
}

// tryQuantified parses the ANY|SOME|ALL (subquery) after a comparison.
func (p *parser) tryQuantified(loc ast.Loc, left ast.Expr, op ast.BinaryOp) (ast.Expr, bool) {
	t := p.tok()
	var quant ast.Quantifier
	switch {
	case isKw(t, "ANY"):
		quant = ast.QuantAny
	case isKw(t, "SOME"):
		quant = ast.QuantSome
	case isKw(t, "ALL"):
		quant = ast.QuantAll
	default:
		return nil, false
	}
	if !isOp(p.peek(1), "(") {
		return nil, false
	}
	p.advance()
	p.advance()
	q := p.parseQuery()
	p.expectOp(")")
	return &ast.QuantifiedExpr{Loc: loc, X: left, Op: op, Quantifier: quant, Query: q}, true
}

func (p *parser) parseBetween(loc ast.Loc, left ast.Expr, not bool) ast.Expr {
	b := &ast.BetweenExpr{Loc: loc, X: left, Not: not}
	switch {
	case p.acceptKw("ASYMMETRIC"):
		b.Symmetric = ast.Asymmetric
	case p.acceptKw("SYMMETRIC"):
		b.Symmetric = ast.Symmetric
	}
	b.Low = p.parseExprPrec(precLike + 1)
	p.expectKw("AND")
	b.High = p.parseExprPrec(precLike + 1)
	return b
}

func (p *parser) parseIn(loc ast.Loc, left ast.Expr, not bool) ast.Expr {
	in := &ast.InExpr{Loc: loc, X: left, Not: not}
	p.expectOp("(")
	if p.startsQuery() {
		in.Query = p.parseQuery()
	} else {
		in.List = p.parseExprList()
		if q, ok := p.continueQueryFromList(in.List); ok {
			in.List, in.Query = nil, q
		}
	}
	p.expectOp(")")
	return in
}

func (p *parser) parseLike(loc ast.Loc, left ast.Expr, not bool, kind ast.LikeKind) ast.Expr {
	l := &ast.LikeExpr{Loc: loc, X: left, Not: not, Kind: kind}
	l.Pattern = p.parseExprPrec(precLike + 1)
	if p.acceptKw("ESCAPE") {
		l.Escape = p.parseExprPrec(precLike + 1)
	}
	return l
}

// parseExprList parses expr, expr, ...
func (p *parser) parseExprList() []ast.Expr {
	list := []ast.Expr{p.parseExpr()}
	for p.acceptOp(",") {
		list = append(list, p.parseExpr())
	}
	return list
}

// parseUnary parses prefix operators and then a postfix expression.
func (p *parser) parseUnary() ast.Expr {
	t := p.tok()
	loc := ast.Loc{Pos: t.pos}
	switch {
	case isOp(t, "-") || isOp(t, "+"):
		p.advance()
		op := ast.OpNeg
		if t.text == "+" {
			op = ast.OpPos
		}
		return &ast.UnaryExpr{Loc: loc, Op: op, X: p.parseExprPrec(precUnary)}
	case isKw(t, "NOT"):
		p.advance()
		return &ast.UnaryExpr{Loc: loc, Op: ast.OpNot, X: p.parseExprPrec(precNot)}
	}
	return p.parsePostfix(p.parsePrimary())
}

// parsePostfix parses trailing x[i] and x.field.
func (p *parser) parsePostfix(x ast.Expr) ast.Expr {
	for {
		switch {
		case p.isOp("["):
			p.advance()
			p.enter()
			idx := p.parseExpr()
			p.leave()
			p.expectOp("]")
			x = &ast.IndexExpr{Loc: ast.Loc{Pos: x.Start()}, X: x, Index: idx}
		case p.isOp(".") && (p.peek(1).kind == tokWord || p.peek(1).kind == tokQuotedIdent):
			p.advance()
			x = &ast.FieldAccess{Loc: ast.Loc{Pos: x.Start()}, X: x, Field: p.parseFieldName()}
		default:
			return x
		}
		p.enter() // chains of postfix operators nest in the tree
		defer p.leave()
	}
}

// startsQuery reports whether the current token begins a query.
func (p *parser) startsQuery() bool {
	return p.isKw("SELECT") || p.isKw("WITH") || p.isKw("VALUES")
}

// startsQueryTail reports whether the current token continues a query
// after a parenthesized operand: (SELECT 1) UNION ..., (SELECT 1) LIMIT 2.
func (p *parser) startsQueryTail() bool {
	for _, kw := range []string{"UNION", "INTERSECT", "EXCEPT", "MINUS", "ORDER", "LIMIT", "OFFSET", "FETCH"} {
		if p.isKw(kw) {
			return true
		}
	}
	return false
}

// continueQueryFromList handles "( (SELECT ...) UNION ... )": a list that
// is a lone scalar subquery followed by a set operator continues as a query.
func (p *parser) continueQueryFromList(list []ast.Expr) (*ast.Query, bool) {
	if len(list) != 1 || !p.startsQueryTail() {
		return nil, false
	}
	sub, ok := list[0].(*ast.SubqueryExpr)
	if !ok {
		return nil, false
	}
	return p.parseQueryTail(sub.Query), true
}

func (p *parser) parsePrimary() ast.Expr {
	t := p.tok()
	loc := ast.Loc{Pos: t.pos}
	switch t.kind {
	case tokNumber:
		p.advance()
		return &ast.NumberLit{Loc: loc, Kind: t.num, Text: t.text}
	case tokString:
		p.advance()
		return &ast.StringLit{Loc: loc, Value: t.val}
	case tokBinaryString:
		p.advance()
		if !isHex(t.val) {
			p.failAt(t.pos, "binary literal must contain an even number of hexadecimal digits")
		}
		return &ast.BinaryLit{Loc: loc, Hex: t.val}
	case tokQuotedIdent:
		return p.parseNameOrCall()
	case tokOp:
		if t.text == "(" {
			return p.parseParenExpr()
		}
	case tokWord:
		if e := p.parseKeywordExpr(); e != nil {
			return e
		}
		if !ast.IsReserved(t.upper) {
			return p.parseNameOrCall()
		}
		if isOp(p.peek(1), "(") && ast.IsReservedFunctionName(t.upper) {
			return p.parseCall(p.objectNameFrom(p.advance()))
		}
		if ast.IsNiladicFunction(t.upper) {
			p.advance()
			return &ast.FuncCall{Loc: loc, Name: p.objectNameFrom(t), NoParens: true}
		}
	}
	p.failExpected("an expression")
	return nil
}

func isHex(s string) bool {
	if len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (p *parser) objectNameFrom(t token) *ast.ObjectName {
	return &ast.ObjectName{Loc: ast.Loc{Pos: t.pos}, Parts: []*ast.Ident{p.identFrom(t)}}
}

// parseNameOrCall parses an identifier chain a.b.c, or a function call
// when the chain is followed by '('.
func (p *parser) parseNameOrCall() ast.Expr {
	start := p.tok()
	parts := []*ast.Ident{p.identFrom(p.advance())}
	for p.isOp(".") && (p.peek(1).kind == tokWord || p.peek(1).kind == tokQuotedIdent) {
		p.advance()
		parts = append(parts, p.parseFieldName())
	}
	if p.isOp(".") && isOp(p.peek(1), "*") {
		p.failAt(p.peek(1).pos, "'*' is only allowed in a SELECT list or COUNT(*)")
	}
	if p.isOp("(") {
		name := &ast.ObjectName{Loc: ast.Loc{Pos: start.pos}, Parts: parts}
		return p.parseCall(name)
	}
	return &ast.ColumnRef{Loc: ast.Loc{Pos: start.pos}, Parts: parts}
}

// parseParenExpr parses a parenthesized expression, a row constructor
// (a, b), or a scalar subquery (SELECT ...).
func (p *parser) parseParenExpr() ast.Expr {
	open := p.advance()
	loc := ast.Loc{Pos: open.pos}
	p.enter()
	defer p.leave()
	if p.startsQuery() {
		q := p.parseQuery()
		p.expectOp(")")
		return &ast.SubqueryExpr{Loc: loc, Query: q}
	}
	list := p.parseExprList()
	if q, ok := p.continueQueryFromList(list); ok {
		p.expectOp(")")
		return &ast.SubqueryExpr{Loc: loc, Query: q}
	}
	p.expectOp(")")
	if len(list) == 1 {
		return list[0]
	}
	return &ast.RowExpr{Loc: loc, Fields: list}
}

// parseKeywordExpr parses expressions introduced by a keyword: literals,
// CASE, CAST, special-syntax functions and constructors. It returns nil
// when the current word starts none of them.
func (p *parser) parseKeywordExpr() ast.Expr {
	t := p.tok()
	loc := ast.Loc{Pos: t.pos}
	next := p.peek(1)
	call := isOp(next, "(")
	switch t.upper {
	case "TRUE", "FALSE":
		p.advance()
		return &ast.BoolLit{Loc: loc, Value: t.upper == "TRUE"}
	case "NULL":
		p.advance()
		return &ast.NullLit{Loc: loc}
	case "UNKNOWN":
		p.advance()
		return &ast.UnknownLit{Loc: loc}
	case "DATE", "TIME":
		if next.kind == tokString {
			p.advance()
			p.advance()
			return &ast.DateTimeLit{Loc: loc, Kind: ast.DateTimeKind(t.upper), Value: next.val}
		}
	case "TIMESTAMP":
		if next.kind == tokString {
			p.advance()
			p.advance()
			return &ast.DateTimeLit{Loc: loc, Kind: ast.TimestampLit, Value: next.val}
		}
		if p.isKwSeq("TIMESTAMP", "WITH", "LOCAL", "TIME", "ZONE") && p.peek(5).kind == tokString {
			p.i += 5
			return &ast.DateTimeLit{Loc: loc, Kind: ast.TimestampLTZLit, Value: p.advance().val}
		}
	case "INTERVAL":
		return p.parseIntervalLit()
	case "CASE":
		return p.parseCase()
	case "CAST", "TRY_CAST":
		if call {
			return p.parseCast()
		}
	case "EXISTS":
		p.advance()
		p.expectOp("(")
		q := p.parseQuery()
		p.expectOp(")")
		return &ast.ExistsExpr{Loc: loc, Query: q}
	case "EXTRACT":
		if call {
			p.advance()
			p.advance()
			unit := p.parseTimeUnit()
			p.expectKw("FROM")
			x := p.parseExpr()
			p.expectOp(")")
			return &ast.ExtractExpr{Loc: loc, Unit: unit, X: x}
		}
	case "POSITION":
		if call {
			p.advance()
			p.advance()
			pos := &ast.PositionExpr{Loc: loc}
			pos.Sub = p.parseExprPrec(precLike + 1)
			p.expectKw("IN")
			pos.X = p.parseExpr()
			if p.acceptKw("FROM") {
				pos.From = p.parseExpr()
			}
			p.expectOp(")")
			return pos
		}
	case "TRIM":
		if call {
			return p.parseTrim()
		}
	case "SUBSTRING":
		if call {
			return p.parseSubstring()
		}
	case "OVERLAY":
		if call {
			p.advance()
			p.advance()
			o := &ast.OverlayExpr{Loc: loc}
			o.X = p.parseExpr()
			p.expectKw("PLACING")
			o.With = p.parseExpr()
			p.expectKw("FROM")
			o.From = p.parseExpr()
			if p.acceptKw("FOR") {
				o.For = p.parseExpr()
			}
			p.expectOp(")")
			return o
		}
	case "FLOOR", "CEIL", "CEILING":
		if call {
			return p.parseFloorCeil()
		}
	case "TIMESTAMPADD", "TIMESTAMPDIFF":
		if call && timeUnits[p.peek(2).upper] && p.peek(2).kind == tokWord && isOp(p.peek(3), ",") {
			name := p.objectNameFrom(p.advance())
			p.advance()
			u := p.advance()
			f := &ast.FuncCall{Loc: loc, Name: name}
			f.Args = append(f.Args, &ast.TimeUnitExpr{Loc: ast.Loc{Pos: u.pos}, Unit: ast.TimeUnit(u.upper)})
			for p.acceptOp(",") {
				f.Args = append(f.Args, p.parseExpr())
			}
			p.expectOp(")")
			return f
		}
	case "ARRAY":
		if isOp(next, "[") {
			p.advance()
			p.advance()
			a := &ast.ArrayExpr{Loc: loc}
			if !p.isOp("]") {
				a.Elems = p.parseExprList()
			}
			p.expectOp("]")
			return a
		}
	case "MAP":
		if isOp(next, "[") {
			p.advance()
			p.advance()
			m := &ast.MapExpr{Loc: loc}
			if !p.isOp("]") {
				m.Elems = p.parseExprList()
			}
			if len(m.Elems)%2 != 0 {
				p.failAt(loc.Pos, "MAP constructor needs an even number of arguments (key, value, ...)")
			}
			p.expectOp("]")
			return m
		}
	case "ROW":
		if call {
			p.advance()
			p.advance()
			r := &ast.RowExpr{Loc: loc, Explicit: true}
			if !p.isOp(")") {
				r.Fields = p.parseExprList()
			}
			p.expectOp(")")
			return r
		}
	case "JSON_VALUE", "JSON_QUERY", "JSON_EXISTS", "JSON_OBJECT", "JSON_ARRAY", "JSON_OBJECTAGG", "JSON_ARRAYAGG":
		if call {
			return p.parseJSONFunction()
		}
	case "DESCRIPTOR":
		if call {
			p.advance()
			p.advance()
			d := &ast.DescriptorExpr{Loc: loc, Columns: p.parseIdentList("a column name")}
			p.expectOp(")")
			return d
		}
	}
	return nil
}

// timeUnits are the datetime units accepted by EXTRACT, FLOOR/CEIL ... TO,
// TIMESTAMPADD and TIMESTAMPDIFF.
var timeUnits = map[string]bool{
	"YEAR": true, "QUARTER": true, "MONTH": true, "WEEK": true, "DAY": true,
	"HOUR": true, "MINUTE": true, "SECOND": true, "MILLISECOND": true,
	"MICROSECOND": true, "NANOSECOND": true, "DOW": true, "DOY": true,
	"ISODOW": true, "ISOYEAR": true, "EPOCH": true, "DECADE": true,
	"CENTURY": true, "MILLENNIUM": true,
	"SQL_TSI_YEAR": true, "SQL_TSI_QUARTER": true, "SQL_TSI_MONTH": true,
	"SQL_TSI_WEEK": true, "SQL_TSI_DAY": true, "SQL_TSI_HOUR": true,
	"SQL_TSI_MINUTE": true, "SQL_TSI_SECOND": true,
}

func (p *parser) parseTimeUnit() ast.TimeUnit {
	t := p.tok()
	if t.kind != tokWord || !timeUnits[t.upper] {
		p.failExpected("a time unit such as YEAR, MONTH, DAY, HOUR, MINUTE or SECOND")
	}
	p.advance()
	return ast.TimeUnit(t.upper)
}

func (p *parser) parseCase() ast.Expr {
	c := &ast.CaseExpr{Loc: p.loc()}
	p.advance()
	p.enter()
	defer p.leave()
	if !p.isKw("WHEN") {
		c.Operand = p.parseExpr()
	}
	for p.isKw("WHEN") {
		w := &ast.When{Loc: p.loc()}
		p.advance()
		w.Cond = p.parseExpr()
		p.expectKw("THEN")
		w.Result = p.parseExpr()
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		p.failExpected("WHEN")
	}
	if p.acceptKw("ELSE") {
		c.Else = p.parseExpr()
	}
	p.expectKw("END")
	return c
}

func (p *parser) parseCast() ast.Expr {
	t := p.advance()
	c := &ast.CastExpr{Loc: ast.Loc{Pos: t.pos}, Try: t.upper == "TRY_CAST"}
	p.expectOp("(")
	c.X = p.parseExpr()
	p.expectKw("AS")
	c.Type = p.parseType()
	p.expectOp(")")
	return c
}

func (p *parser) parseTrim() ast.Expr {
	tr := &ast.TrimExpr{Loc: p.loc()}
	p.advance()
	p.advance()
	switch {
	case p.acceptKw("BOTH"):
		tr.Side = ast.TrimBoth
	case p.acceptKw("LEADING"):
		tr.Side = ast.TrimLeading
	case p.acceptKw("TRAILING"):
		tr.Side = ast.TrimTrailing
	}
	if tr.Side != "" {
		if !p.acceptKw("FROM") {
			tr.Chars = p.parseExpr()
			p.expectKw("FROM")
		}
		tr.X = p.parseExpr()
	} else {
		first := p.parseExpr()
		if p.acceptKw("FROM") {
			tr.Chars = first
			tr.X = p.parseExpr()
		} else {
			tr.X = first
		}
	}
	p.expectOp(")")
	return tr
}

func (p *parser) parseSubstring() ast.Expr {
	s := &ast.SubstringExpr{Loc: p.loc()}
	p.advance()
	p.advance()
	s.X = p.parseExpr()
	if p.acceptKw("FROM") {
		s.From = p.parseExpr()
		if p.acceptKw("FOR") {
			s.For = p.parseExpr()
		}
	} else {
		p.expectOp(",")
		s.From = p.parseExpr()
		if p.acceptOp(",") {
			s.For = p.parseExpr()
		}
	}
	p.expectOp(")")
	return s
}

// parseFloorCeil parses FLOOR(x TO unit) into a FloorCeilExpr and plain
// FLOOR(x) into an ordinary call.
func (p *parser) parseFloorCeil() ast.Expr {
	nameTok := p.advance()
	loc := ast.Loc{Pos: nameTok.pos}
	p.advance()
	x := p.parseExpr()
	if p.acceptKw("TO") {
		unit := p.parseTimeUnit()
		p.expectOp(")")
		return &ast.FloorCeilExpr{Loc: loc, Ceil: nameTok.upper != "FLOOR", X: x, Unit: unit}
	}
	f := &ast.FuncCall{Loc: loc, Name: p.objectNameFrom(nameTok), Args: []ast.Expr{x}}
	for p.acceptOp(",") {
		f.Args = append(f.Args, p.parseExpr())
	}
	p.expectOp(")")
	p.parseCallSuffix(f)
	return f
}

// parseCall parses "(args)" and the FILTER/OVER suffixes after a function
// name.
func (p *parser) parseCall(name *ast.ObjectName) ast.Expr {
	f := &ast.FuncCall{Loc: name.Loc, Name: name}
	p.expectOp("(")
	p.enter()
	defer p.leave()
	if !p.isOp(")") {
		switch {
		case p.isKw("DISTINCT"):
			p.advance()
			f.Quant = ast.QuantDistinct
		case p.isKw("ALL") && !isOp(p.peek(1), ")"):
			p.advance()
			f.Quant = ast.QuantAllRows
		}
		if p.isOp("*") && isOp(p.peek(1), ")") {
			f.Args = []ast.Expr{&ast.Star{Loc: p.loc()}}
			p.advance()
		} else {
			for {
				f.Args = append(f.Args, p.parseCallArg())
				if !p.acceptOp(",") {
					break
				}
			}
			p.parseNullTreatment(f)
		}
	}
	p.expectOp(")")
	p.parseCallSuffix(f)
	return f
}

// parseNullTreatment parses RESPECT NULLS or IGNORE NULLS after the
// arguments of a call. As in Flink, only ARRAY_AGG takes one.
func (p *parser) parseNullTreatment(f *ast.FuncCall) {
	var t ast.NullTreatment
	switch {
	case p.isKwSeq("RESPECT", "NULLS"):
		t = ast.RespectNulls
	case p.isKwSeq("IGNORE", "NULLS"):
		t = ast.IgnoreNulls
	default:
		return
	}
	if name := f.Name.Parts[len(f.Name.Parts)-1]; len(f.Name.Parts) != 1 || !strings.EqualFold(name.Name, "ARRAY_AGG") {
		p.failAt(p.pos(), "%s is only supported in ARRAY_AGG, not in %s", t, f.Name)
	}
	p.i += 2
	f.Nulls = t
}

// parseCallArg parses one argument: an expression, name => value, or a
// table argument TABLE t [PARTITION BY ...] [ORDER BY ...].
func (p *parser) parseCallArg() ast.Expr {
	if (p.tok().kind == tokWord || p.at(tokQuotedIdent)) && isOp(p.peek(1), "=>") {
		start := p.loc()
		name := p.identFrom(p.advance())
		p.advance()
		return &ast.NamedArg{Loc: start, Name: name, Value: p.parseArgValue()}
	}
	return p.parseArgValue()
}

func (p *parser) parseArgValue() ast.Expr {
	if !p.isKw("TABLE") {
		return p.parseExpr()
	}
	ta := &ast.TableArg{Loc: p.loc()}
	p.advance()
	ta.Table = p.parseObjectName("a table name")
	// Keys are a single expression or a parenthesized list, since a bare
	// comma continues the argument list: SESSION(TABLE t PARTITION BY k, ...).
	if p.acceptKwBy("PARTITION") {
		if p.acceptOp("(") {
			ta.PartitionBy = p.parseExprList()
			p.expectOp(")")
		} else {
			ta.PartitionBy = []ast.Expr{p.parseExpr()}
		}
	}
	if p.acceptKwBy("ORDER") {
		if p.acceptOp("(") {
			ta.OrderBy = p.parseOrderItems()
			p.expectOp(")")
		} else {
			ta.OrderBy = []*ast.OrderItem{p.parseOrderItem()}
		}
	}
	return ta
}

// parseCallSuffix parses FILTER (WHERE cond) and OVER window.
func (p *parser) parseCallSuffix(f *ast.FuncCall) {
	if p.isKw("FILTER") {
		p.advance()
		p.expectOp("(")
		p.expectKw("WHERE")
		f.Filter = p.parseExpr()
		p.expectOp(")")
	}
	if p.acceptKw("OVER") {
		if isIdentTok(p.tok()) {
			f.Over = &ast.WindowSpec{Loc: p.loc(), Ref: p.parseIdent("a window name")}
			return
		}
		start := p.loc()
		p.expectOp("(")
		f.Over = p.parseWindowSpec(start)
		p.expectOp(")")
	}
}

// parseWindowSpec parses the inside of OVER (...) or WINDOW w AS (...).
func (p *parser) parseWindowSpec(start ast.Loc) *ast.WindowSpec {
	s := &ast.WindowSpec{Loc: start}
	if isIdentTok(p.tok()) {
		s.Ref = p.parseIdent("a window name")
	}
	if p.acceptKwBy("PARTITION") {
		s.PartitionBy = p.parseExprList()
	}
	if p.acceptKwBy("ORDER") {
		s.OrderBy = p.parseOrderItems()
	}
	if p.isKw("ROWS") || p.isKw("RANGE") {
		f := &ast.WindowFrame{Loc: p.loc(), Unit: ast.FrameUnit(p.advance().upper)}
		if p.acceptKw("BETWEEN") {
			f.Begin = p.parseFrameBound()
			p.expectKw("AND")
			f.End = p.parseFrameBound()
		} else {
			f.Begin = p.parseFrameBound()
		}
		s.Frame = f
	}
	return s
}

func (p *parser) parseFrameBound() *ast.FrameBound {
	b := &ast.FrameBound{Loc: p.loc()}
	switch {
	case p.acceptKwSeq("UNBOUNDED", "PRECEDING"):
		b.Kind = ast.UnboundedPreceding
	case p.acceptKwSeq("UNBOUNDED", "FOLLOWING"):
		b.Kind = ast.UnboundedFollowing
	case p.acceptKwSeq("CURRENT", "ROW"):
		b.Kind = ast.CurrentRow
	default:
		b.Offset = p.parseExprPrec(precLike + 1)
		switch {
		case p.acceptKw("PRECEDING"):
			b.Kind = ast.Preceding
		case p.acceptKw("FOLLOWING"):
			b.Kind = ast.Following
		default:
			p.failExpected("PRECEDING or FOLLOWING")
		}
	}
	return b
}

// parseIntervalLit parses INTERVAL [+|-]'value' qualifier.
func (p *parser) parseIntervalLit() ast.Expr {
	lit := &ast.IntervalLit{Loc: p.loc()}
	p.advance()
	if p.acceptOp("-") {
		lit.Negative = true
	} else {
		p.acceptOp("+")
	}
	lit.Value = p.parseStringLit("a string literal for the interval value, as in INTERVAL '10' SECOND").Value
	lit.Qualifier = p.parseIntervalQualifier()
	return lit
}

// intervalUnits maps interval field names, including plurals, to their
// canonical singular.
var intervalUnits = map[string]ast.TimeUnit{
	"YEAR": "YEAR", "YEARS": "YEAR", "QUARTER": "QUARTER", "QUARTERS": "QUARTER",
	"MONTH": "MONTH", "MONTHS": "MONTH", "WEEK": "WEEK", "WEEKS": "WEEK",
	"DAY": "DAY", "DAYS": "DAY", "HOUR": "HOUR", "HOURS": "HOUR",
	"MINUTE": "MINUTE", "MINUTES": "MINUTE", "SECOND": "SECOND", "SECONDS": "SECOND",
}

// intervalRanges lists the valid "FROM TO" pairs of a qualifier.
var intervalRanges = map[string]bool{
	"YEAR TO MONTH": true, "DAY TO HOUR": true, "DAY TO MINUTE": true,
	"DAY TO SECOND": true, "HOUR TO MINUTE": true, "HOUR TO SECOND": true,
	"MINUTE TO SECOND": true,
}

func (p *parser) parseIntervalUnit() ast.TimeUnit {
	t := p.tok()
	unit, ok := intervalUnits[t.upper]
	if t.kind != tokWord || !ok {
		p.failExpected("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND)")
	}
	p.advance()
	return unit
}

func (p *parser) parseIntervalQualifier() *ast.IntervalQualifier {
	q := &ast.IntervalQualifier{Loc: p.loc(), FromPrecision: ast.NoPrecision, FracPrecision: ast.NoPrecision}
	q.From = p.parseIntervalUnit()
	if p.acceptOp("(") {
		q.FromPrecision = p.parsePrecision()
		if q.From == "SECOND" && p.acceptOp(",") {
			q.FracPrecision = p.parsePrecision()
		}
		p.expectOp(")")
	}
	if p.isKw("TO") {
		toTok := p.peek(1)
		p.advance()
		q.To = p.parseIntervalUnit()
		if !intervalRanges[string(q.From)+" TO "+string(q.To)] {
			p.failAt(toTok.pos, "invalid interval qualifier %s TO %s", q.From, q.To)
		}
		if q.To == "SECOND" && p.acceptOp("(") {
			q.FracPrecision = p.parsePrecision()
			p.expectOp(")")
		}
	}
	return q
}

// parseOrderItems parses expr [ASC|DESC] [NULLS FIRST|LAST], ...
func (p *parser) parseOrderItems() []*ast.OrderItem {
	var items []*ast.OrderItem
	for {
		items = append(items, p.parseOrderItem())
		if !p.acceptOp(",") {
			return items
		}
	}
}

func (p *parser) parseOrderItem() *ast.OrderItem {
	o := &ast.OrderItem{Loc: p.loc(), Expr: p.parseExpr()}
	if p.acceptKw("DESC") {
		o.Desc = true
	} else {
		p.acceptKw("ASC")
	}
	switch {
	case p.acceptKwSeq("NULLS", "FIRST"):
		o.Nulls = ast.NullsFirst
	case p.acceptKwSeq("NULLS", "LAST"):
		o.Nulls = ast.NullsLast
	}
	return o
}

// upperWord returns the upper-cased current word, or "".
func (p *parser) upperWord() string {
	if p.tok().kind == tokWord {
		return p.tok().upper
	}
	return ""
}
