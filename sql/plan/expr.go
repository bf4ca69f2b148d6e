package plan

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// ExprKind is the kind of a bound expression.
type ExprKind uint8

const (
	// ColRef reads column Index of the node's input.
	ColRef ExprKind = iota
	// Literal is a constant Value (nil for NULL).
	Literal
	// Call applies the built-in function Func (as package sql/functions
	// names it) to Args.
	Call
	// Cast converts Args[0] to Type; TRY_CAST when Try.
	Cast
	// Field reads field Index (named Func) of the ROW value Args[0].
	Field
)

var exprKindNames = [...]string{"col", "lit", "call", "cast", "field"}

func (k ExprKind) String() string {
	if int(k) < len(exprKindNames) {
		return exprKindNames[k]
	}
	return fmt.Sprintf("ExprKind(%d)", k)
}

// Expr is a bound scalar expression: names resolved to column indexes,
// functions resolved against argument types, every node typed. Exprs are
// plain data (they marshal to JSON) so a physical plan can travel.
type Expr struct {
	Kind  ExprKind
	Type  types.Type
	Index int
	// Func is the function of a Call, or the field name of a Field.
	Func string
	// Value is a Literal's value in package types' representation.
	Value any
	Args  []*Expr
	Try   bool
	// UDF, when set, is the user-defined function a Call invokes; Func is
	// then its name, for EXPLAIN.
	UDF *functions.UDF
}

// Special functions the executor implements itself rather than through
// package sql/functions.
const (
	// FuncProctime is PROCTIME(): the processing time.
	FuncProctime = "PROCTIME"
	// FuncCurrentWatermark is CURRENT_WATERMARK(rowtime): the watermark
	// of the operator evaluating it, NULL before the first.
	FuncCurrentWatermark = "CURRENT_WATERMARK"
)

// NewCol returns a reference to input column i of type t.
func NewCol(i int, t types.Type) *Expr { return &Expr{Kind: ColRef, Index: i, Type: t} }

// NewLit returns a literal.
func NewLit(t types.Type, v any) *Expr { return &Expr{Kind: Literal, Type: t, Value: v} }

// NewCall returns a call of fn with result type t.
func NewCall(fn string, t types.Type, args ...*Expr) *Expr {
	return &Expr{Kind: Call, Func: fn, Type: t, Args: args}
}

// NewCast returns CAST(x AS t).
func NewCast(x *Expr, t types.Type, try bool) *Expr {
	return &Expr{Kind: Cast, Type: t, Args: []*Expr{x}, Try: try}
}

// Clone returns a deep copy.
func (e *Expr) Clone() *Expr {
	if e == nil {
		return nil
	}
	c := *e
	c.Args = make([]*Expr, len(e.Args))
	for i, a := range e.Args {
		c.Args[i] = a.Clone()
	}
	if len(e.Args) == 0 {
		c.Args = nil
	}
	return &c
}

// IsConst reports whether e reads no column and calls only deterministic
// functions (PROCTIME is not constant).
func (e *Expr) IsConst() bool {
	switch e.Kind {
	case ColRef:
		return false
	case Call:
		if e.Func == FuncProctime || nonDeterministic[e.Func] {
			return false
		}
	}
	for _, a := range e.Args {
		if !a.IsConst() {
			return false
		}
	}
	return true
}

var nonDeterministic = map[string]bool{
	"RAND": true, "RAND_INTEGER": true, "UUID": true, "NOW": true, "CURRENT_TIMESTAMP": true,
	"LOCALTIMESTAMP": true, "CURRENT_TIME": true, "CURRENT_DATE": true, "LOCALTIME": true,
	"CURRENT_ROW_TIMESTAMP": true, "UNIX_TIMESTAMP": true, FuncCurrentWatermark: true,
}

// Visit calls fn for e and every sub-expression, depth first.
func (e *Expr) Visit(fn func(*Expr)) {
	if e == nil {
		return
	}
	fn(e)
	for _, a := range e.Args {
		a.Visit(fn)
	}
}

// Cols returns the set of input columns e reads.
func (e *Expr) Cols(set map[int]bool) map[int]bool {
	if set == nil {
		set = map[int]bool{}
	}
	e.Visit(func(x *Expr) {
		if x.Kind == ColRef {
			set[x.Index] = true
		}
	})
	return set
}

// Substitute returns e with every column reference i replaced by a copy of
// by[i] (inlining a projection below).
func (e *Expr) Substitute(by []*Expr) *Expr {
	if e == nil {
		return nil
	}
	if e.Kind == ColRef {
		r := by[e.Index].Clone()
		// The reference's type keeps its time attribute decisions (a
		// projection may have materialized it).
		if r.Type.TimeAttr != e.Type.TimeAttr && e.Type.TimeAttr == types.NoTimeAttr {
			r.Type.TimeAttr = types.NoTimeAttr
		}
		return r
	}
	c := *e
	c.Args = make([]*Expr, len(e.Args))
	for i, a := range e.Args {
		c.Args[i] = a.Substitute(by)
	}
	return &c
}

// Remap returns e with column i replaced by column m[i].
func (e *Expr) Remap(m map[int]int) *Expr {
	if e == nil {
		return nil
	}
	c := *e
	if e.Kind == ColRef {
		c.Index = m[e.Index]
		return &c
	}
	c.Args = make([]*Expr, len(e.Args))
	for i, a := range e.Args {
		c.Args[i] = a.Remap(m)
	}
	return &c
}

// Shift returns e with every column index moved by delta.
func (e *Expr) Shift(delta int) *Expr {
	if e == nil {
		return nil
	}
	c := *e
	if e.Kind == ColRef {
		c.Index += delta
		return &c
	}
	c.Args = make([]*Expr, len(e.Args))
	for i, a := range e.Args {
		c.Args[i] = a.Shift(delta)
	}
	return &c
}

// Equal reports structural equality (types included).
func (e *Expr) Equal(o *Expr) bool {
	if e == nil || o == nil {
		return e == o
	}
	if e.Kind != o.Kind || e.Index != o.Index || e.Func != o.Func || e.Try != o.Try || e.UDF != o.UDF ||
		!e.Type.Equal(o.Type) || len(e.Args) != len(o.Args) {
		return false
	}
	if e.Kind == Literal && literalString(e) != literalString(o) {
		return false
	}
	for i := range e.Args {
		if !e.Args[i].Equal(o.Args[i]) {
			return false
		}
	}
	return true
}

// Format prints e in Flink's EXPLAIN style: functions in prefix form,
// columns by name (from names; $i when names is short).
func (e *Expr) Format(names []string) string {
	var b strings.Builder
	e.format(&b, names)
	return b.String()
}

func (e *Expr) format(b *strings.Builder, names []string) {
	switch e.Kind {
	case ColRef:
		if e.Index < len(names) {
			b.WriteString(names[e.Index])
		} else {
			fmt.Fprintf(b, "$%d", e.Index)
		}
	case Literal:
		b.WriteString(literalDisplay(e))
	case Field:
		e.Args[0].format(b, names)
		b.WriteString(".")
		b.WriteString(e.Func)
	case Cast:
		if e.Try {
			b.WriteString("TRY_CAST(")
		} else {
			b.WriteString("CAST(")
		}
		e.Args[0].format(b, names)
		b.WriteString(" AS ")
		t := e.Type
		t.TimeAttr = types.NoTimeAttr
		b.WriteString(t.String())
		b.WriteString(")")
	case Call:
		b.WriteString(e.Func)
		b.WriteString("(")
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			a.format(b, names)
		}
		b.WriteString(")")
	}
}

func literalDisplay(e *Expr) string {
	if e.Value == nil {
		return "null:" + e.Type.Nullable().String()
	}
	s := literalString(e)
	switch {
	case e.Type.IsCharacter():
		return "_UTF-16LE'" + strings.ReplaceAll(s, "'", "''") + "'"
	case e.Type.Kind == types.KindInt, e.Type.Kind == types.KindBoolean:
		return s
	case e.Type.Kind == types.KindIntervalDayTime:
		return s + ":INTERVAL SECOND"
	case e.Type.Kind == types.KindIntervalYearMonth:
		return s + ":INTERVAL MONTH"
	}
	t := e.Type
	t.NotNull = false
	return s + ":" + t.String()
}
