package ast

import "strconv"

// The SQL/JSON functions have clauses of their own (RETURNING, ON EMPTY,
// ON ERROR, wrappers, ON NULL, KEY … VALUE), so each gets a node rather
// than a FuncCall. A call written with a backquoted name, `JSON_VALUE`(…),
// stays an ordinary FuncCall.

// JSONBehavior is what an ON EMPTY or ON ERROR clause asks for.
type JSONBehavior string

const (
	JSONBehaviorNull        JSONBehavior = "NULL"
	JSONBehaviorError       JSONBehavior = "ERROR"
	JSONBehaviorDefault     JSONBehavior = "DEFAULT" // JSON_VALUE: DEFAULT expr
	JSONBehaviorEmptyArray  JSONBehavior = "EMPTY ARRAY"
	JSONBehaviorEmptyObject JSONBehavior = "EMPTY OBJECT"
	JSONBehaviorTrue        JSONBehavior = "TRUE"    // JSON_EXISTS
	JSONBehaviorFalse       JSONBehavior = "FALSE"   // JSON_EXISTS
	JSONBehaviorUnknown     JSONBehavior = "UNKNOWN" // JSON_EXISTS
)

// JSONOnClause is "Behavior ON EMPTY" or "Behavior ON ERROR"; which one is
// given by the field of the function node that holds it.
type JSONOnClause struct {
	Loc
	Behavior JSONBehavior
	Default  Expr // the expression of DEFAULT expr, else nil
}

// JSONValueExpr is JSON_VALUE(X, Path [RETURNING type] [b ON EMPTY]
// [b ON ERROR]). Absent clauses are nil; the printer writes ON EMPTY
// before ON ERROR whatever the source order.
type JSONValueExpr struct {
	Loc
	X         Expr
	Path      Expr
	Returning Type
	OnEmpty   *JSONOnClause
	OnError   *JSONOnClause
}

// JSONWrapper is the wrapper clause of JSON_QUERY. The optional ARRAY
// keyword is not recorded: WITH WRAPPER and WITH UNCONDITIONAL ARRAY
// WRAPPER mean the same.
type JSONWrapper string

const (
	JSONWithoutWrapper       JSONWrapper = "WITHOUT ARRAY"
	JSONConditionalWrapper   JSONWrapper = "WITH CONDITIONAL ARRAY"
	JSONUnconditionalWrapper JSONWrapper = "WITH UNCONDITIONAL ARRAY"
)

// JSONQueryExpr is JSON_QUERY(X, Path [RETURNING type] [wrapper WRAPPER]
// [b ON EMPTY] [b ON ERROR]). Wrapper is empty when not written.
type JSONQueryExpr struct {
	Loc
	X         Expr
	Path      Expr
	Returning Type
	Wrapper   JSONWrapper
	OnEmpty   *JSONOnClause
	OnError   *JSONOnClause
}

// JSONExistsExpr is JSON_EXISTS(X, Path [b ON ERROR]).
type JSONExistsExpr struct {
	Loc
	X       Expr
	Path    Expr
	OnError *JSONOnClause
}

// JSONOnNull is the NULL ON NULL / ABSENT ON NULL clause of the JSON
// constructors; empty when not written (each constructor has its own
// default).
type JSONOnNull string

const (
	JSONNullOnNull   JSONOnNull = "NULL"
	JSONAbsentOnNull JSONOnNull = "ABSENT"
)

// JSONKeyValue is one KEY k VALUE v member of JSON_OBJECT. The KEY keyword
// is optional in the source and always printed.
type JSONKeyValue struct {
	Loc
	Key   Expr
	Value Expr
}

// JSONObjectExpr is JSON_OBJECT([KEY] k VALUE v, … [NULL|ABSENT ON NULL]).
type JSONObjectExpr struct {
	Loc
	Members []*JSONKeyValue
	OnNull  JSONOnNull
}

// JSONArrayExpr is JSON_ARRAY(v, … [NULL|ABSENT ON NULL]).
type JSONArrayExpr struct {
	Loc
	Elems  []Expr
	OnNull JSONOnNull
}

// JSONObjectAggExpr is the aggregate JSON_OBJECTAGG([KEY] k VALUE v
// [NULL|ABSENT ON NULL]).
type JSONObjectAggExpr struct {
	Loc
	Member *JSONKeyValue
	OnNull JSONOnNull
}

// JSONArrayAggExpr is the aggregate JSON_ARRAYAGG(X [ORDER BY …]
// [NULL|ABSENT ON NULL]).
type JSONArrayAggExpr struct {
	Loc
	X       Expr
	OrderBy []*OrderItem
	OnNull  JSONOnNull
}

// JSONKind is the optional type test of IS JSON.
type JSONKind string

const (
	JSONKindValue  JSONKind = "VALUE"
	JSONKindScalar JSONKind = "SCALAR"
	JSONKindArray  JSONKind = "ARRAY"
	JSONKindObject JSONKind = "OBJECT"
)

// IsJSONExpr is X IS [NOT] JSON [VALUE|SCALAR|ARRAY|OBJECT]. Kind is empty
// when not written (which means VALUE).
type IsJSONExpr struct {
	Loc
	X    Expr
	Not  bool
	Kind JSONKind
}

func (*JSONValueExpr) exprNode()     {}
func (*JSONQueryExpr) exprNode()     {}
func (*JSONExistsExpr) exprNode()    {}
func (*JSONObjectExpr) exprNode()    {}
func (*JSONArrayExpr) exprNode()     {}
func (*JSONObjectAggExpr) exprNode() {}
func (*JSONArrayAggExpr) exprNode()  {}
func (*IsJSONExpr) exprNode()        {}

// JSONFunctionNames are the function names with JSON clause syntax. A
// FuncCall with one of these names was written with a backquoted name; the
// printer keeps the backquotes so it does not read back as the special
// syntax.
var JSONFunctionNames = toSet(`JSON_VALUE JSON_QUERY JSON_EXISTS JSON_OBJECT JSON_ARRAY JSON_OBJECTAGG JSON_ARRAYAGG`)

// CallForm is implemented by the special-syntax expressions that mean a
// call of a built-in scalar function of package sql/functions. The binder
// binds CallForm() in their place, so the clauses need no planner support
// of their own.
type CallForm interface {
	Expr
	// CallForm returns the equivalent expression made of plain calls, with
	// the clauses as constant arguments (see sql/functions/json.go for the
	// argument conventions).
	CallForm() Expr
}

// ---- call forms ----

func (e *JSONValueExpr) CallForm() Expr {
	args := []Expr{e.X, e.Path, typedNull(e.Loc, e.Returning)}
	args = append(args, behaviorArgs(e.Loc, e.OnEmpty, JSONBehaviorNull)...)
	args = append(args, behaviorArgs(e.Loc, e.OnError, JSONBehaviorNull)...)
	return builtinCall(e.Loc, "JSON_VALUE", args...)
}

func (e *JSONQueryExpr) CallForm() Expr {
	wrapper := e.Wrapper
	if wrapper == "" {
		wrapper = JSONWithoutWrapper
	}
	return builtinCall(e.Loc, "JSON_QUERY", e.X, e.Path, typedNull(e.Loc, e.Returning),
		&StringLit{Loc: e.Loc, Value: string(wrapper)},
		behaviorArgs(e.Loc, e.OnEmpty, JSONBehaviorNull)[0],
		behaviorArgs(e.Loc, e.OnError, JSONBehaviorNull)[0])
}

func (e *JSONExistsExpr) CallForm() Expr {
	return builtinCall(e.Loc, "JSON_EXISTS", e.X, e.Path, behaviorArgs(e.Loc, e.OnError, JSONBehaviorFalse)[0])
}

func (e *JSONObjectExpr) CallForm() Expr {
	args := []Expr{nil}
	var jsonArgs []int
	for _, m := range e.Members {
		args = append(args, m.Key, m.Value)
		if isJSONConstructor(m.Value) {
			jsonArgs = append(jsonArgs, len(args))
		}
	}
	args[0] = onNullArg(e.Loc, e.OnNull, JSONNullOnNull, jsonArgs)
	return builtinCall(e.Loc, "JSON_OBJECT", args...)
}

func (e *JSONArrayExpr) CallForm() Expr {
	args := []Expr{nil}
	var jsonArgs []int
	for _, x := range e.Elems {
		args = append(args, x)
		if isJSONConstructor(x) {
			jsonArgs = append(jsonArgs, len(args))
		}
	}
	args[0] = onNullArg(e.Loc, e.OnNull, JSONAbsentOnNull, jsonArgs)
	return builtinCall(e.Loc, "JSON_ARRAY", args...)
}

func (e *IsJSONExpr) CallForm() Expr {
	kind := e.Kind
	if kind == "" {
		kind = JSONKindValue
	}
	call := builtinCall(e.Loc, "IS JSON", e.X, &StringLit{Loc: e.Loc, Value: string(kind)})
	if e.Not {
		return &UnaryExpr{Loc: e.Loc, Op: OpNot, X: call}
	}
	return call
}

// isJSONConstructor reports whether x builds JSON text, which the JSON
// constructors insert as JSON rather than as a string (as Flink does).
func isJSONConstructor(x Expr) bool {
	switch x.(type) {
	case *JSONObjectExpr, *JSONArrayExpr:
		return true
	}
	return false
}

// onNullArg is the leading argument of the JSON_OBJECT and JSON_ARRAY call
// forms: "NULL ON NULL" or "ABSENT ON NULL", then " FORMAT JSON" and the
// 1-based positions of the arguments that hold JSON text.
func onNullArg(l Loc, onNull, def JSONOnNull, jsonArgs []int) Expr {
	if onNull == "" {
		onNull = def
	}
	s := string(onNull) + " ON NULL"
	for i, pos := range jsonArgs {
		if i == 0 {
			s += " FORMAT JSON "
		} else {
			s += ","
		}
		s += strconv.Itoa(pos)
	}
	return &StringLit{Loc: l, Value: s}
}

// behaviorArgs renders an ON EMPTY / ON ERROR clause as call arguments: the
// behavior as a string and, for JSON_VALUE, the DEFAULT expression (NULL
// when there is none).
func behaviorArgs(l Loc, c *JSONOnClause, def JSONBehavior) []Expr {
	if c == nil {
		return []Expr{&StringLit{Loc: l, Value: string(def)}, &NullLit{Loc: l}}
	}
	var dflt Expr = &NullLit{Loc: c.Loc}
	if c.Default != nil {
		dflt = c.Default
	}
	return []Expr{&StringLit{Loc: c.Loc, Value: string(c.Behavior)}, dflt}
}

// typedNull is CAST(NULL AS t): it carries the RETURNING type to the
// function resolver as an argument type (STRING when t is nil).
func typedNull(l Loc, t Type) Expr {
	if t == nil {
		t = &BasicType{Loc: l, Name: TypeString, Precision: NoPrecision, Scale: NoPrecision}
	}
	return &CastExpr{Loc: l, X: &NullLit{Loc: l}, Type: t}
}

func builtinCall(l Loc, name string, args ...Expr) *FuncCall {
	return &FuncCall{Loc: l, Name: &ObjectName{Loc: l, Parts: []*Ident{{Loc: l, Name: name}}}, Args: args}
}

// ---- printing ----

func (p *printer) jsonExpr(e Expr) {
	switch e := e.(type) {
	case *JSONValueExpr:
		p.w("JSON_VALUE(")
		p.jsonCommon(e.X, e.Path)
		p.jsonReturning(e.Returning)
		p.jsonOn(e.OnEmpty, "EMPTY")
		p.jsonOn(e.OnError, "ERROR")
		p.w(")")
	case *JSONQueryExpr:
		p.w("JSON_QUERY(")
		p.jsonCommon(e.X, e.Path)
		p.jsonReturning(e.Returning)
		if e.Wrapper != "" {
			p.w(" ", string(e.Wrapper), " WRAPPER")
		}
		p.jsonOn(e.OnEmpty, "EMPTY")
		p.jsonOn(e.OnError, "ERROR")
		p.w(")")
	case *JSONExistsExpr:
		p.w("JSON_EXISTS(")
		p.jsonCommon(e.X, e.Path)
		p.jsonOn(e.OnError, "ERROR")
		p.w(")")
	case *JSONObjectExpr:
		p.w("JSON_OBJECT(")
		for i, m := range e.Members {
			if i > 0 {
				p.w(", ")
			}
			p.jsonKeyValue(m)
		}
		p.jsonOnNull(e.OnNull, len(e.Members) > 0)
		p.w(")")
	case *JSONArrayExpr:
		p.w("JSON_ARRAY(")
		p.exprs(e.Elems)
		p.jsonOnNull(e.OnNull, len(e.Elems) > 0)
		p.w(")")
	case *JSONObjectAggExpr:
		p.w("JSON_OBJECTAGG(")
		p.jsonKeyValue(e.Member)
		p.jsonOnNull(e.OnNull, true)
		p.w(")")
	case *JSONArrayAggExpr:
		p.w("JSON_ARRAYAGG(")
		p.expr(e.X, precLowest)
		if len(e.OrderBy) > 0 {
			p.w(" ORDER BY ")
			p.orderItems(e.OrderBy)
		}
		p.jsonOnNull(e.OnNull, true)
		p.w(")")
	case *IsJSONExpr:
		p.expr(e.X, precIs)
		p.w(" IS ")
		if e.Not {
			p.w("NOT ")
		}
		p.w("JSON")
		if e.Kind != "" {
			p.w(" ", string(e.Kind))
		}
	}
}

func (p *printer) jsonCommon(x, path Expr) {
	p.expr(x, precLowest)
	p.w(", ")
	p.expr(path, precLowest)
}

func (p *printer) jsonReturning(t Type) {
	if t != nil {
		p.w(" RETURNING ")
		p.typ(t)
	}
}

func (p *printer) jsonOn(c *JSONOnClause, event string) {
	if c == nil {
		return
	}
	p.w(" ", string(c.Behavior))
	if c.Default != nil {
		p.w(" ")
		p.expr(c.Default, precLowest)
	}
	p.w(" ON ", event)
}

// jsonKeyValue prints KEY k VALUE v. A key binding as loosely as IS is
// parenthesized: "k IS JSON VALUE v" would read back as IS JSON VALUE.
func (p *printer) jsonKeyValue(m *JSONKeyValue) {
	if m == nil {
		return
	}
	p.w("KEY ")
	p.expr(m.Key, precIs+1)
	p.w(" VALUE ")
	p.expr(m.Value, precLowest)
}

func (p *printer) jsonOnNull(onNull JSONOnNull, afterArgs bool) {
	if onNull == "" {
		return
	}
	if afterArgs {
		p.w(" ")
	}
	p.w(string(onNull), " ON NULL")
}
