package parser

import (
	"strings"
	"unicode/utf8"

	"github.com/eddy-streams/eddy/sql/ast"
)

// lexer splits SQL text into tokens. It tracks line and column so every
// token carries its position.
type lexer struct {
	src    string
	off    int // byte offset of the next rune
	line   int
	col    int
	inHint bool
	toks   []token
}

// tokenize returns all tokens of src ending with tokEOF. A lexical error
// becomes a tokIllegal token followed by tokEOF; the parser reports it when
// it reaches it.
func tokenize(src string) []token {
	lx := &lexer{src: src, line: 1, col: 1}
	for {
		t := lx.next()
		lx.toks = append(lx.toks, t)
		if t.kind == tokEOF {
			break
		}
		if t.kind == tokIllegal {
			lx.toks = append(lx.toks, token{kind: tokEOF, pos: lx.pos()})
			break
		}
	}
	return mergeAdjacentStrings(lx.toks)
}

// mergeAdjacentStrings implements SQL's literal continuation: 'ab' 'cd' is
// 'abcd', and X'0F' 'A0' is X'0FA0'. Runs are joined with one builder so
// long runs stay linear.
func mergeAdjacentStrings(toks []token) []token {
	out := toks[:0]
	for i := 0; i < len(toks); {
		t := toks[i]
		j := i + 1
		for j < len(toks) && toks[j].kind == tokString {
			j++
		}
		if j == i+1 || t.kind != tokString && t.kind != tokBinaryString {
			out = append(out, t)
			i++
			continue
		}
		var val, text strings.Builder
		val.WriteString(t.val)
		text.WriteString(t.text)
		for _, cont := range toks[i+1 : j] {
			if t.kind == tokBinaryString {
				val.WriteString(strings.ToUpper(cont.val))
			} else {
				val.WriteString(cont.val)
			}
			text.WriteString(" ")
			text.WriteString(cont.text)
		}
		t.val, t.text = val.String(), text.String()
		out = append(out, t)
		i = j
	}
	return out
}

func (lx *lexer) pos() ast.Pos { return ast.Pos{Offset: lx.off, Line: lx.line, Column: lx.col} }

func (lx *lexer) peek() rune {
	if lx.off >= len(lx.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(lx.src[lx.off:])
	return r
}

func (lx *lexer) peekAt(n int) byte {
	if lx.off+n >= len(lx.src) {
		return 0
	}
	return lx.src[lx.off+n]
}

func (lx *lexer) advance() rune {
	r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	lx.off += size
	if r == '\n' {
		lx.line++
		lx.col = 1
	} else {
		lx.col++
	}
	return r
}

func (lx *lexer) illegal(pos ast.Pos, msg string) token {
	return token{kind: tokIllegal, pos: pos, msg: msg, text: lx.src[pos.Offset:lx.off]}
}

// skipSpace skips whitespace and comments. It returns an illegal token for
// an unterminated block comment.
func (lx *lexer) skipSpace() *token {
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.advance()
		case c == '-' && lx.peekAt(1) == '-':
			for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
				lx.advance()
			}
		case c == '/' && lx.peekAt(1) == '*' && lx.peekAt(2) != '+':
			start := lx.pos()
			lx.advance()
			lx.advance()
			for {
				if lx.off >= len(lx.src) {
					t := lx.illegal(start, "unterminated comment")
					return &t
				}
				if lx.src[lx.off] == '*' && lx.peekAt(1) == '/' {
					lx.advance()
					lx.advance()
					break
				}
				lx.advance()
			}
		default:
			return nil
		}
	}
	return nil
}

func (lx *lexer) next() token {
	if bad := lx.skipSpace(); bad != nil {
		return *bad
	}
	start := lx.pos()
	if lx.off >= len(lx.src) {
		if lx.inHint {
			return lx.illegal(start, "unterminated hint: missing '*/'")
		}
		return token{kind: tokEOF, pos: start}
	}
	r := lx.peek()
	switch {
	case r == utf8.RuneError && !strings.HasPrefix(lx.src[lx.off:], "\uFFFD"):
		lx.advance()
		return lx.illegal(start, "invalid UTF-8 in input")
	case (r == 'x' || r == 'X') && lx.peekAt(1) == '\'':
		lx.advance()
		t := lx.quoted(start, '\'', "binary string literal")
		if t.kind == tokIllegal {
			return t
		}
		t.kind = tokBinaryString
		t.val = strings.ToUpper(t.val)
		return t
	case ast.IsIdentStart(r):
		for lx.off < len(lx.src) && ast.IsIdentPart(lx.peek()) {
			lx.advance()
		}
		text := lx.src[start.Offset:lx.off]
		return token{kind: tokWord, text: text, upper: strings.ToUpper(text), pos: start}
	case r >= '0' && r <= '9' || r == '.' && isDigit(lx.peekAt(1)):
		return lx.number(start)
	case r == '\'':
		t := lx.quoted(start, '\'', "string literal")
		if t.kind != tokIllegal {
			t.kind = tokString
		}
		return t
	case r == '`':
		t := lx.quoted(start, '`', "quoted identifier")
		if t.kind == tokIllegal {
			return t
		}
		if t.val == "" {
			return lx.illegal(start, "zero-length quoted identifier")
		}
		t.kind = tokQuotedIdent
		return t
	case r == '"':
		t := lx.quoted(start, '"', "quoted identifier")
		if t.kind == tokIllegal {
			return t
		}
		return lx.illegal(start, "double quotes are not identifier quotes in Flink SQL; use backquotes (`"+t.val+"`) or single quotes for strings")
	case r == '/' && lx.peekAt(1) == '*' && lx.peekAt(2) == '+':
		lx.advance()
		lx.advance()
		lx.advance()
		if lx.inHint {
			return lx.illegal(start, "hints cannot be nested")
		}
		lx.inHint = true
		return token{kind: tokHintStart, text: "/*+", pos: start}
	case r == '*' && lx.peekAt(1) == '/' && lx.inHint:
		lx.advance()
		lx.advance()
		lx.inHint = false
		return token{kind: tokHintEnd, text: "*/", pos: start}
	}
	return lx.operator(start)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// twoCharOps are the operators spelled with two characters.
var twoCharOps = []string{"<>", "<=", ">=", "!=", "||", "=>"}

func (lx *lexer) operator(start ast.Pos) token {
	rest := lx.src[lx.off:]
	for _, op := range twoCharOps {
		if strings.HasPrefix(rest, op) {
			lx.advance()
			lx.advance()
			return token{kind: tokOp, text: op, pos: start}
		}
	}
	c := rest[0]
	if strings.IndexByte("()[],;.+-*/%=<>{}?", c) >= 0 {
		lx.advance()
		return token{kind: tokOp, text: string(c), pos: start}
	}
	r := lx.advance()
	return lx.illegal(start, "unexpected character '"+string(r)+"'")
}

// number lexes 12, 1.5, .5, 1., 1e3, 1.5E-3.
func (lx *lexer) number(start ast.Pos) token {
	kind := ast.IntegerNumber
	for isDigit(lx.peekAt(0)) {
		lx.advance()
	}
	if lx.peekAt(0) == '.' {
		kind = ast.DecimalNumber
		lx.advance()
		for isDigit(lx.peekAt(0)) {
			lx.advance()
		}
	}
	if c := lx.peekAt(0); c == 'e' || c == 'E' {
		n := 1
		if s := lx.peekAt(1); s == '+' || s == '-' {
			n = 2
		}
		if isDigit(lx.peekAt(n)) {
			kind = ast.ApproxNumber
			for i := 0; i < n; i++ {
				lx.advance()
			}
			for isDigit(lx.peekAt(0)) {
				lx.advance()
			}
		}
	}
	text := lx.src[start.Offset:lx.off]
	return token{kind: tokNumber, text: text, num: kind, pos: start}
}

// quoted lexes a literal delimited by quote, where a doubled quote stands
// for itself. The current rune must be the opening quote.
func (lx *lexer) quoted(start ast.Pos, quote byte, what string) token {
	lx.advance()
	var b strings.Builder
	for {
		if lx.off >= len(lx.src) {
			return lx.illegal(start, "unterminated "+what)
		}
		c := lx.src[lx.off]
		if c == quote {
			lx.advance()
			if lx.peekAt(0) == quote {
				lx.advance()
				b.WriteByte(quote)
				continue
			}
			break
		}
		r := lx.advance()
		b.WriteRune(r)
	}
	return token{text: lx.src[start.Offset:lx.off], val: b.String(), pos: start}
}
