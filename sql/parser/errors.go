package parser

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
)

// Error is a syntax error at a position in the SQL text.
type Error struct {
	Line   int    // 1-based
	Column int    // 1-based, in characters
	Offset int    // byte offset
	Msg    string // e.g. "expected an expression, found 'FROM'"
	// SourceLine is the text of the offending line, used for the caret
	// display.
	SourceLine string
	// caretColumn is where the caret goes within SourceLine when the line
	// was clipped around the error; 0 means Column.
	caretColumn int
}

// Error renders the message, the source line and a caret under the column:
//
//	SQL parse error at line 2, column 8: expected an expression, found 'FROM'
//	  SELECT FROM t
//	         ^
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SQL parse error at line %d, column %d: %s", e.Line, e.Column, e.Msg)
	if e.SourceLine == "" {
		return b.String()
	}
	b.WriteString("\n  ")
	b.WriteString(e.SourceLine)
	b.WriteString("\n  ")
	// Reproduce tabs so the caret lines up under tab-indented text.
	caret := e.Column
	if e.caretColumn > 0 {
		caret = e.caretColumn
	}
	col := 1
	for _, r := range e.SourceLine {
		if col >= caret {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	b.WriteByte('^')
	return b.String()
}

// newError builds an Error at pos, extracting the source line from src.
func newError(src string, pos ast.Pos, msg string) *Error {
	off := min(max(pos.Offset, 0), len(src))
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	line := strings.TrimRight(src[start:end], "\r")
	const maxLine = 200
	e := &Error{Line: pos.Line, Column: pos.Column, Offset: pos.Offset, Msg: msg, SourceLine: line}
	if runes := []rune(line); len(runes) > maxLine {
		// Show a window around the error so the caret stays meaningful.
		from := max(pos.Column-1-maxLine/2, 0)
		to := min(from+maxLine, len(runes))
		e.SourceLine = string(runes[from:to])
		e.caretColumn = pos.Column - from
		if from > 0 {
			e.SourceLine = "..." + e.SourceLine
			e.caretColumn += 3
		}
	}
	return e
}
