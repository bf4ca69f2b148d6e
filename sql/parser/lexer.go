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
	case (r == 'e' || r == 'E') && lx.peekAt(1) == '\'':
		lx.advance()
		return lx.escapedString(start)
	case (r == 'u' || r == 'U') && lx.peekAt(1) == '&' && lx.peekAt(2) == '\'':
		lx.advance()
		lx.advance()
		return lx.unicodeString(start)
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

// escapedString lexes the rest of E'…', a string with C-style escapes:
// \n \t \r \b \f \\ \' \" \xHH \uHHHH \UHHHHHHHH and octal \ooo; two quotes in
// a row are a quote too.
func (lx *lexer) escapedString(start ast.Pos) token {
	lx.advance() // the opening quote
	var b strings.Builder
	for {
		if lx.off >= len(lx.src) {
			return lx.illegal(start, "unterminated escaped string literal")
		}
		c := lx.src[lx.off]
		switch {
		case c == '\'':
			lx.advance()
			if lx.peekAt(0) == '\'' {
				lx.advance()
				b.WriteByte('\'')
				continue
			}
			return token{kind: tokString, text: lx.src[start.Offset:lx.off], val: b.String(), pos: start}
		case c == '\\':
			at := lx.pos()
			lx.advance()
			if lx.off >= len(lx.src) {
				return lx.illegal(start, "unterminated escaped string literal")
			}
			e := lx.src[lx.off]
			simple := map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f', '\\': '\\', '\'': '\'', '"': '"'}
			if v, ok := simple[e]; ok {
				lx.advance()
				b.WriteByte(v)
				continue
			}
			digits, base := 0, 16
			switch {
			case e == 'x':
				digits = 2
			case e == 'u':
				digits = 4
			case e == 'U':
				digits = 8
			case e >= '0' && e <= '7':
				digits, base = 3, 8
			default:
				return lx.illegal(at, "unknown escape '\\"+string(e)+"' in an escaped string literal")
			}
			if base == 16 {
				lx.advance()
			}
			n := 0
			var v rune
			for n < digits && lx.off < len(lx.src) {
				d := hexValue(lx.src[lx.off])
				if d < 0 || d >= base {
					break
				}
				v = v*rune(base) + rune(d)
				lx.advance()
				n++
			}
			if n == 0 || base == 16 && e != 'x' && n != digits || !utf8.ValidRune(v) {
				return lx.illegal(at, "malformed escape in an escaped string literal")
			}
			if e == 'x' || base == 8 {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(v)
			}
		default:
			b.WriteRune(lx.advance())
		}
	}
}

// unicodeString lexes the rest of U&'…' [UESCAPE 'c'], the SQL standard's
// Unicode string: the escape character (\ unless UESCAPE says otherwise)
// followed by four hex digits, or by + and six, is that code point; two
// escape characters are one.
func (lx *lexer) unicodeString(start ast.Pos) token {
	t := lx.quoted(start, '\'', "Unicode string literal")
	if t.kind == tokIllegal {
		return t
	}
	esc := byte('\\')
	// UESCAPE 'c' may follow.
	save := *lx
	if bad := lx.skipSpace(); bad == nil && strings.EqualFold(lx.word(), "UESCAPE") {
		for range len("UESCAPE") {
			lx.advance()
		}
		lx.skipSpace()
		if lx.peekAt(0) != '\'' {
			return lx.illegal(lx.pos(), "UESCAPE needs a one-character string literal")
		}
		e := lx.quoted(lx.pos(), '\'', "UESCAPE character")
		if e.kind == tokIllegal || len(e.val) != 1 || hexValue(e.val[0]) >= 0 || strings.ContainsAny(e.val, "+'\" \t\n") {
			return lx.illegal(e.pos, "UESCAPE needs one character that is not a hex digit, +, a quote or white space")
		}
		esc = e.val[0]
	} else {
		*lx = save
	}
	var b strings.Builder
	s := t.val
	for i := 0; i < len(s); {
		if s[i] != esc {
			b.WriteByte(s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == esc {
			b.WriteByte(esc)
			i += 2
			continue
		}
		n, j := 4, i+1
		if j < len(s) && s[j] == '+' {
			n, j = 6, j+1
		}
		if j+n > len(s) {
			return lx.illegal(start, "malformed Unicode escape in a Unicode string literal")
		}
		var v rune
		for _, c := range []byte(s[j : j+n]) {
			d := hexValue(c)
			if d < 0 {
				return lx.illegal(start, "malformed Unicode escape in a Unicode string literal")
			}
			v = v*16 + rune(d)
		}
		if !utf8.ValidRune(v) {
			return lx.illegal(start, "invalid code point in a Unicode string literal")
		}
		b.WriteRune(v)
		i = j + n
	}
	return token{kind: tokString, text: lx.src[start.Offset:lx.off], val: b.String(), pos: start}
}

// word returns the identifier at the current position, without consuming
// it.
func (lx *lexer) word() string {
	end := lx.off
	for end < len(lx.src) && (lx.src[end] >= 'a' && lx.src[end] <= 'z' || lx.src[end] >= 'A' && lx.src[end] <= 'Z') {
		end++
	}
	return lx.src[lx.off:end]
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
