package sql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/plan"
)

// Error is a validation error with the source line and a caret under the
// position, like the parser's.
type Error struct {
	Pos        ast.Pos
	Msg        string
	SourceLine string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SQL validation error at line %d, column %d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	if e.SourceLine == "" {
		return b.String()
	}
	b.WriteString("\n  ")
	b.WriteString(e.SourceLine)
	b.WriteString("\n  ")
	col := 1
	for _, r := range e.SourceLine {
		if col >= e.Pos.Column {
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

// positioned errors know where in the text they are.
type positioned interface {
	error
	Position() ast.Pos
}

// withSource renders planner and catalog errors against the SQL text.
func withSource(src string, err error) error {
	if err == nil {
		return nil
	}
	var pe *plan.Error
	var pos ast.Pos
	var msg string
	var p positioned
	switch {
	case errors.As(err, &pe) && pe.Pos.IsValid():
		pos, msg = pe.Pos, pe.Msg
	case errors.As(err, &p) && p.Position().IsValid():
		pos, msg = p.Position(), err.Error()
	default:
		return err
	}
	off := min(max(pos.Offset, 0), len(src))
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	line := strings.TrimRight(src[start:end], "\r")
	if len(line) > 300 {
		line = ""
	}
	return &Error{Pos: pos, Msg: msg, SourceLine: line}
}
