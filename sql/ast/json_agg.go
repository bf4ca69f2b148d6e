package ast

// AggForm is implemented by the JSON aggregates: the equivalent expression
// made of plain aggregate and scalar calls, which the binder binds in their
// place. JSON_ARRAYAGG is LISTAGG of its elements as JSON text, bracketed;
// JSON_OBJECTAGG the aggregate JSON_OBJECTAGG of its members packed into
// one string. A JSON_OBJECT or JSON_ARRAY value goes in as JSON, other
// values through JSON_STRING.
type AggForm interface {
	AggForm() Expr
}

// jsonFragment is the JSON text of x: x itself when it makes JSON, else
// JSON_STRING(x); with NULL ON NULL a NULL becomes null.
func jsonFragment(l Loc, x Expr, nullOnNull bool) Expr {
	frag := x
	if !isJSONConstructor(x) {
		frag = builtinCall(l, "JSON_STRING", x)
	}
	if nullOnNull {
		frag = builtinCall(l, "COALESCE", frag, &StringLit{Loc: l, Value: "null"})
	}
	return frag
}

// jsonListAgg is open, the members joined by commas (none: nothing), close.
func jsonListAgg(l Loc, member Expr, open, close string) Expr {
	agg := builtinCall(l, "LISTAGG", member, &StringLit{Loc: l, Value: ","})
	body := builtinCall(l, "COALESCE", agg, &StringLit{Loc: l, Value: ""})
	return builtinCall(l, "CONCAT", &StringLit{Loc: l, Value: open}, body, &StringLit{Loc: l, Value: close})
}

// AggForm of JSON_ARRAYAGG: ABSENT ON NULL by default. (Its ORDER BY is
// refused by the binder.)
func (e *JSONArrayAggExpr) AggForm() Expr {
	return jsonListAgg(e.Loc, jsonFragment(e.Loc, e.X, e.OnNull == JSONNullOnNull), "[", "]")
}

// AggForm of JSON_OBJECTAGG: NULL ON NULL by default. Each row's member
// goes to the aggregate as one string that is never NULL: the key as JSON
// text (empty for a NULL key, which the aggregate refuses, as the keys of
// an object must not be NULL), ':', then the value as JSON text (empty for a
// NULL value ABSENT ON NULL: no member). The aggregate refuses a key that
// is already in the object, as Flink does.
func (e *JSONObjectAggExpr) AggForm() Expr {
	l := e.Loc
	empty := func() Expr { return &StringLit{Loc: l, Value: ""} }
	key := builtinCall(l, "COALESCE", builtinCall(l, "JSON_STRING", e.Member.Key), empty())
	value := jsonFragment(l, e.Member.Value, e.OnNull != JSONAbsentOnNull)
	if e.OnNull == JSONAbsentOnNull {
		value = builtinCall(l, "COALESCE", value, empty())
	}
	member := builtinCall(l, "CONCAT", key, &StringLit{Loc: l, Value: ":"}, value)
	return builtinCall(l, "JSON_OBJECTAGG", member)
}
