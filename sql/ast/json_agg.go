package ast

// AggForm is implemented by the JSON aggregates: the equivalent expression
// made of plain aggregate and scalar calls, which the binder binds in their
// place. JSON_ARRAYAGG is LISTAGG of its elements as JSON text, bracketed;
// JSON_OBJECTAGG LISTAGG of "key":value members, braced. A JSON_OBJECT or
// JSON_ARRAY value goes in as JSON, other values through JSON_STRING.
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

// AggForm of JSON_OBJECTAGG: NULL ON NULL by default.
func (e *JSONObjectAggExpr) AggForm() Expr {
	l := e.Loc
	member := builtinCall(l, "CONCAT", builtinCall(l, "JSON_STRING", e.Member.Key), &StringLit{Loc: l, Value: ":"},
		jsonFragment(l, e.Member.Value, e.OnNull != JSONAbsentOnNull))
	return jsonListAgg(l, member, "{", "}")
}
