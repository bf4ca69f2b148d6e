package parser

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
)

// maxDepth bounds the nesting of expressions, queries, table references
// and types, so deeply nested input fails with an error rather than
// exhausting the stack.
const maxDepth = 500

// parser is a recursive-descent parser over a token slice. Errors abort
// parsing through a panic carrying a bailout, recovered by the entry
// points; see run.
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

// bailout carries a syntax error up the parser's call stack.
type bailout struct{ err *Error }

func newParser(src string) *parser {
	return &parser{src: src, toks: tokenize(src)}
}

// run calls fn and converts a bailout into an error. Any other panic is a
// parser bug; it is still reported as an error so callers never crash.
func (p *parser) run(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if b, ok := r.(bailout); ok {
				err = b.err
				return
			}
			err = &Error{Line: 1, Column: 1, Msg: fmt.Sprintf("internal parser error: %v\n%s", r, debug.Stack())}
		}
	}()
	fn()
	return nil
}

// ParseStatements parses a script of statements separated by ';'. Empty
// statements are skipped; a trailing ';' is optional.
func ParseStatements(src string) ([]ast.Stmt, error) {
	p := newParser(src)
	var stmts []ast.Stmt
	err := p.run(func() {
		for {
			for p.acceptOp(";") {
			}
			if p.at(tokEOF) {
				return
			}
			stmts = append(stmts, p.parseStmt())
			if !p.isOp(";") && !p.at(tokEOF) {
				p.failExpected("';' or end of input")
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return stmts, nil
}

// ParseStatement parses exactly one statement, optionally followed by ';'.
func ParseStatement(src string) (ast.Stmt, error) {
	p := newParser(src)
	var stmt ast.Stmt
	err := p.run(func() {
		for p.acceptOp(";") {
		}
		if p.at(tokEOF) {
			p.failExpected("a statement")
		}
		stmt = p.parseStmt()
		p.acceptOp(";")
		p.expectEOF()
	})
	if err != nil {
		return nil, err
	}
	return stmt, nil
}

// ParseQuery parses a query (SELECT, VALUES, set operations, WITH).
func ParseQuery(src string) (*ast.Query, error) {
	p := newParser(src)
	var q *ast.Query
	err := p.run(func() {
		q = p.parseQuery()
		p.expectEOF()
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// ParseExpr parses a scalar expression.
func ParseExpr(src string) (ast.Expr, error) {
	p := newParser(src)
	var e ast.Expr
	err := p.run(func() {
		e = p.parseExpr()
		p.expectEOF()
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ParseType parses a data type such as DECIMAL(10, 2) or ROW<a INT>.
func ParseType(src string) (ast.Type, error) {
	p := newParser(src)
	var t ast.Type
	err := p.run(func() {
		t = p.parseType()
		p.expectEOF()
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ---- token access ----

func (p *parser) tok() token { return p.toks[p.i] }

// peek returns the token n positions ahead (0 is the current token).
func (p *parser) peek(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1] // tokEOF
}

func (p *parser) pos() ast.Pos        { return p.tok().pos }
func (p *parser) loc() ast.Loc        { return ast.Loc{Pos: p.pos()} }
func (p *parser) at(k tokenKind) bool { return p.tok().kind == k }

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func isKw(t token, kw string) bool { return t.kind == tokWord && t.upper == kw }
func isOp(t token, op string) bool { return t.kind == tokOp && t.text == op }

func (p *parser) isKw(kw string) bool { return isKw(p.tok(), kw) }
func (p *parser) isOp(op string) bool { return isOp(p.tok(), op) }

// isKwSeq reports whether the next tokens are the keywords kws.
func (p *parser) isKwSeq(kws ...string) bool {
	for i, kw := range kws {
		if !isKw(p.peek(i), kw) {
			return false
		}
	}
	return true
}

func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.advance()
		return true
	}
	return false
}

// acceptKwSeq consumes the keywords kws if they all come next.
func (p *parser) acceptKwSeq(kws ...string) bool {
	if !p.isKwSeq(kws...) {
		return false
	}
	p.i += len(kws)
	return true
}

// acceptKwBy consumes "kw BY", failing if kw is not followed by BY.
func (p *parser) acceptKwBy(kw string) bool {
	if !p.acceptKw(kw) {
		return false
	}
	p.expectKw("BY")
	return true
}

func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) token {
	if !p.isKw(kw) {
		p.failExpected(kw)
	}
	return p.advance()
}

func (p *parser) expectKwSeq(kws ...string) {
	for _, kw := range kws {
		p.expectKw(kw)
	}
}

func (p *parser) expectOp(op string) token {
	if !p.isOp(op) {
		p.failExpected("'" + op + "'")
	}
	return p.advance()
}

func (p *parser) expectEOF() {
	if !p.at(tokEOF) {
		p.failExpected("end of input")
	}
}

// ---- errors ----

// failAt aborts parsing with msg at pos.
func (p *parser) failAt(pos ast.Pos, format string, args ...any) {
	panic(bailout{newError(p.src, pos, fmt.Sprintf(format, args...))})
}

// failExpected aborts with "expected <what>, found <current token>". A
// lexical error at the current token is reported instead, since it is the
// real cause.
func (p *parser) failExpected(what string) {
	t := p.tok()
	if t.kind == tokIllegal {
		p.failAt(t.pos, "%s", t.msg)
	}
	msg := fmt.Sprintf("expected %s, found %s", what, t.describe())
	wantsName := strings.HasPrefix(what, "an expression") || strings.Contains(what, "name") ||
		strings.Contains(what, "alias") || strings.Contains(what, "identifier")
	if wantsName && t.kind == tokWord && ast.IsReserved(t.upper) && !clauseKeywords[t.upper] {
		// Flink users often hit this with columns named value, timestamp, user...
		msg += fmt.Sprintf(" (%s is a reserved word; write `%s` to use it as a name)", t.upper, t.text)
	}
	p.failAt(t.pos, "%s", msg)
}

// clauseKeywords are reserved words that structure statements; an error
// at one of them needs no hint about quoting.
var clauseKeywords = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "GROUP": true, "HAVING": true,
	"ORDER": true, "BY": true, "LIMIT": true, "OFFSET": true, "FETCH": true,
	"UNION": true, "INTERSECT": true, "EXCEPT": true, "MINUS": true, "JOIN": true,
	"INNER": true, "LEFT": true, "RIGHT": true, "FULL": true, "CROSS": true,
	"NATURAL": true, "ON": true, "USING": true, "AND": true, "OR": true, "NOT": true,
	"AS": true, "WITH": true, "VALUES": true, "END": true, "THEN": true, "ELSE": true,
	"WHEN": true, "CASE": true, "IS": true, "IN": true, "BETWEEN": true, "LIKE": true,
	"INTO": true, "INSERT": true, "CREATE": true, "DROP": true, "TABLE": true,
	"WINDOW": true, "OVER": true, "PARTITION": true, "SET": true, "FOR": true,
	"DISTINCT": true, "ALL": true, "ESCAPE": true, "FILTER": true, "LATERAL": true,
	"EXISTS": true, "ROWS": true, "RANGE": true, "BEGIN": true, "EXECUTE": true,
	"EXPLAIN": true, "SHOW": true, "DESCRIBE": true, "RESET": true, "TO": true,
}

// enter and leave bracket each recursive construct to bound nesting.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.failAt(p.pos(), "statement is nested too deeply (more than %d levels)", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// ---- identifiers and names ----

// isIdentTok reports whether t can be an identifier: a quoted identifier
// or a word that is not reserved.
func isIdentTok(t token) bool {
	return t.kind == tokQuotedIdent || t.kind == tokWord && !ast.IsReserved(t.upper)
}

func (p *parser) identFrom(t token) *ast.Ident {
	name := t.text
	if t.kind == tokQuotedIdent {
		name = t.val
	}
	return &ast.Ident{Loc: ast.Loc{Pos: t.pos}, Name: name}
}

// parseIdent parses an identifier; what names it in errors.
func (p *parser) parseIdent(what string) *ast.Ident {
	if !isIdentTok(p.tok()) {
		p.failExpected(what)
	}
	return p.identFrom(p.advance())
}

// parseFieldName parses the identifier after a '.', where reserved words
// are unambiguous and therefore allowed (t.value, row.timestamp).
func (p *parser) parseFieldName() *ast.Ident {
	t := p.tok()
	if t.kind != tokWord && t.kind != tokQuotedIdent {
		p.failExpected("an identifier")
	}
	return p.identFrom(p.advance())
}

// parseObjectName parses [catalog.][db.]name.
func (p *parser) parseObjectName(what string) *ast.ObjectName {
	n := &ast.ObjectName{Loc: p.loc()}
	n.Parts = append(n.Parts, p.parseIdent(what))
	for p.isOp(".") {
		p.advance()
		n.Parts = append(n.Parts, p.parseFieldName())
	}
	return n
}

// parseIdentList parses ident, ident, ... (without parentheses).
func (p *parser) parseIdentList(what string) []*ast.Ident {
	ids := []*ast.Ident{p.parseIdent(what)}
	for p.acceptOp(",") {
		ids = append(ids, p.parseIdent(what))
	}
	return ids
}

// parseParenIdentList parses (ident, ident, ...).
func (p *parser) parseParenIdentList(what string) []*ast.Ident {
	p.expectOp("(")
	ids := p.parseIdentList(what)
	p.expectOp(")")
	return ids
}

// ---- literals shared by statements ----

func (p *parser) parseStringLit(what string) *ast.StringLit {
	t := p.tok()
	if t.kind != tokString {
		p.failExpected(what)
	}
	p.advance()
	return &ast.StringLit{Loc: ast.Loc{Pos: t.pos}, Value: t.val}
}

// parseProperties parses ('k' = 'v', ...).
func (p *parser) parseProperties() []*ast.Property {
	p.expectOp("(")
	var props []*ast.Property
	if p.acceptOp(")") {
		return props
	}
	for {
		props = append(props, p.parseProperty())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return props
}

func (p *parser) parseProperty() *ast.Property {
	start := p.loc()
	key := p.parseStringLit("a string literal for the option key")
	p.expectOp("=")
	value := p.parseStringLit("a string literal for the option value")
	return &ast.Property{Loc: start, Key: key.Value, Value: value.Value}
}

// parseHints parses /*+ NAME(args), NAME2 */ if present.
func (p *parser) parseHints() []*ast.Hint {
	if !p.at(tokHintStart) {
		return nil
	}
	p.advance()
	var hints []*ast.Hint
	for {
		h := &ast.Hint{Loc: p.loc(), Name: p.parseIdent("a hint name")}
		if p.acceptOp("(") {
			p.parseHintArgs(h)
		}
		hints = append(hints, h)
		if !p.acceptOp(",") {
			break
		}
	}
	if !p.at(tokHintEnd) {
		p.failExpected("'*/' closing the hint")
	}
	p.advance()
	return hints
}

// parseHintArgs parses the arguments after "NAME(": either 'k' = 'v'
// pairs or a list of identifiers and literals.
func (p *parser) parseHintArgs(h *ast.Hint) {
	if p.acceptOp(")") {
		return
	}
	keyValue := isOp(p.peek(1), "=")
	for {
		start := p.loc()
		if keyValue {
			key := p.parseHintValue()
			p.expectOp("=")
			value := p.parseHintValue()
			h.Options = append(h.Options, &ast.Property{Loc: start, Key: key.Text, Value: value.Text})
		} else {
			h.Args = append(h.Args, p.parseHintValue())
		}
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
}

func (p *parser) parseHintValue() *ast.HintArg {
	t := p.tok()
	arg := &ast.HintArg{Loc: ast.Loc{Pos: t.pos}}
	switch t.kind {
	case tokString:
		arg.Text, arg.IsString = t.val, true
	case tokQuotedIdent:
		arg.Text = t.val
	case tokWord, tokNumber:
		arg.Text = t.text
	default:
		p.failExpected("a hint option")
	}
	p.advance()
	return arg
}
