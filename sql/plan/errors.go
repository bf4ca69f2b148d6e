package plan

import (
	"errors"
	"fmt"

	"github.com/eddy-streams/eddy/sql/ast"
)

// Error is a validation error at a position of the SQL text.
type Error struct {
	Pos ast.Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("SQL validation error at line %d, column %d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return "SQL validation error: " + e.Msg
}

// errorf returns an *Error at the position of n (no position when n is
// nil).
func errorf(n ast.Node, format string, args ...any) error {
	var p ast.Pos
	if n != nil {
		p = n.Start()
	}
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// positioned is an error that knows where in the text it is (the
// catalog's).
type positioned interface {
	error
	Position() ast.Pos
}

// at gives err the position of n unless it already has one.
func at(n ast.Node, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Pos.IsValid() {
		return err
	}
	if e != nil {
		return &Error{Pos: n.Start(), Msg: e.Msg}
	}
	pos := n.Start()
	var p positioned
	if errors.As(err, &p) && p.Position().IsValid() {
		pos = p.Position()
	}
	return &Error{Pos: pos, Msg: err.Error()}
}
