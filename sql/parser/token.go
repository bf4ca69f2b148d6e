package parser

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/ast"
)

type tokenKind int

const (
	tokEOF          tokenKind = iota
	tokWord                   // unquoted identifier or keyword
	tokQuotedIdent            // `identifier`
	tokString                 // 'string'; adjacent literals already merged
	tokBinaryString           // X'0F'
	tokNumber                 // 1, 1.5, 1e3
	tokOp                     // punctuation and operators
	tokHintStart              // /*+
	tokHintEnd                // */ closing a hint
	tokIllegal                // a lexical error; msg says what
)

// token is one lexical token. For words, upper is the upper-cased text so
// keyword checks are case-insensitive; val holds the processed value of
// strings and quoted identifiers.
type token struct {
	kind  tokenKind
	text  string // source text
	upper string // words only
	val   string // strings, quoted identifiers, binary strings (hex digits)
	num   ast.NumberKind
	pos   ast.Pos
	msg   string // tokIllegal only
}

// describe renders a token for "expected X, found Y" messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokString:
		return "string " + shorten(t.text)
	case tokQuotedIdent:
		return "identifier " + shorten(t.text)
	case tokNumber:
		return "number " + shorten(t.text)
	case tokHintStart:
		return "hint '/*+'"
	case tokHintEnd:
		return "'*/'"
	}
	return fmt.Sprintf("'%s'", shorten(t.text))
}

func shorten(s string) string {
	const maxRunes = 40
	r := []rune(s)
	if len(r) > maxRunes {
		return string(r[:maxRunes]) + "..."
	}
	return s
}
