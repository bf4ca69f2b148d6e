package ast

import (
	"fmt"
	"strings"
)

// Pos is a position in the SQL source text.
type Pos struct {
	Offset int // byte offset, starting at 0
	Line   int // line number, starting at 1
	Column int // column in characters (runes), starting at 1
}

// IsValid reports whether the position was set by the parser.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Loc is embedded in every node and records where the node starts.
type Loc struct {
	Pos Pos
}

// Start returns the position of the node's first token.
func (l Loc) Start() Pos { return l.Pos }

// Node is any syntax tree node.
type Node interface {
	Start() Pos
}

// Ident is a single identifier. Name holds the text as written (unquoted
// identifiers keep their case, as in Flink) with backquote escaping removed.
type Ident struct {
	Loc
	Name string
}

// ObjectName is a possibly qualified name of a catalog object such as a
// table, view or function: [catalog.][database.]object.
type ObjectName struct {
	Loc
	Parts []*Ident
}

// String returns the dotted name without quoting, for messages.
func (n *ObjectName) String() string {
	if n == nil {
		return ""
	}
	names := make([]string, len(n.Parts))
	for i, p := range n.Parts {
		names[i] = p.Name
	}
	return strings.Join(names, ".")
}

// Last returns the unqualified object name.
func (n *ObjectName) Last() *Ident { return n.Parts[len(n.Parts)-1] }

// Property is a 'key' = 'value' pair of a WITH clause, SET statement or
// OPTIONS hint.
type Property struct {
	Loc
	Key   string
	Value string
}

// Hint is a /*+ NAME(...) */ hint. Flink hints carry either key-value
// options (OPTIONS('k' = 'v')) or a list of plain arguments
// (BROADCAST(t1, t2)); a hint has at most one of the two.
type Hint struct {
	Loc
	Name    *Ident
	Options []*Property
	Args    []*HintArg
}

// HintArg is a positional hint argument: an identifier or a literal.
type HintArg struct {
	Loc
	Text     string
	IsString bool // written as a string literal
}
