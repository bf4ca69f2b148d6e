package parser

import (
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
)

// The SQL/JSON functions, whose arguments carry clauses (Calcite's grammar,
// which Flink uses):
//
//	JSON_VALUE(json, path [RETURNING type] [{NULL|ERROR|DEFAULT e} ON EMPTY] [… ON ERROR])
//	JSON_QUERY(json, path [RETURNING type] [{WITHOUT|WITH [CONDITIONAL|UNCONDITIONAL]} [ARRAY] WRAPPER]
//	           [{NULL|ERROR|EMPTY ARRAY|EMPTY OBJECT} ON EMPTY] [… ON ERROR])
//	JSON_EXISTS(json, path [{TRUE|FALSE|UNKNOWN|ERROR} ON ERROR])
//	JSON_OBJECT([[KEY] k VALUE v, …] [{NULL|ABSENT} ON NULL])
//	JSON_ARRAY([v, …] [{NULL|ABSENT} ON NULL])
//	JSON_OBJECTAGG([KEY] k VALUE v [{NULL|ABSENT} ON NULL])
//	JSON_ARRAYAGG(v [ORDER BY …] [{NULL|ABSENT} ON NULL])
//
// ON EMPTY and ON ERROR may come in either order, each at most once.

// parseJSONFunction parses one of the JSON functions; the current token is
// its name and the next one '('.
func (p *parser) parseJSONFunction() ast.Expr {
	name := p.advance()
	loc := ast.Loc{Pos: name.pos}
	p.advance() // (
	p.enter()
	defer p.leave()
	var e ast.Expr
	switch name.upper {
	case "JSON_VALUE":
		e = p.parseJSONValue(loc)
	case "JSON_QUERY":
		e = p.parseJSONQuery(loc)
	case "JSON_EXISTS":
		x, path := p.parseJSONInput("JSON_EXISTS")
		ex := &ast.JSONExistsExpr{Loc: loc, X: x, Path: path}
		if !p.isOp(")") {
			if !p.startsJSONBehavior() {
				p.failExpected("an ON ERROR clause such as FALSE ON ERROR, or ')'")
			}
			c, event := p.parseJSONOnClause("JSON_EXISTS", jsonExistsBehaviors)
			if event != "ERROR" {
				p.failAt(c.Pos, "JSON_EXISTS has no ON EMPTY clause; write %s ON ERROR", c.Behavior)
			}
			ex.OnError = c
		}
		p.expectJSONEnd("')'", false)
		e = ex
	case "JSON_OBJECT":
		o := &ast.JSONObjectExpr{Loc: loc}
		if !p.isOp(")") && !p.atJSONOnNull() {
			for {
				o.Members = append(o.Members, p.parseJSONKeyValue())
				if !p.acceptOp(",") {
					break
				}
			}
		}
		o.OnNull = p.parseJSONOnNull()
		p.onNullNotLast(o.OnNull)
		p.expectJSONEnd("',', NULL ON NULL, ABSENT ON NULL or ')'", o.OnNull == "")
		e = o
	case "JSON_ARRAY":
		a := &ast.JSONArrayExpr{Loc: loc}
		if !p.isOp(")") && !p.atJSONOnNull() {
			a.Elems = p.parseExprList()
		}
		a.OnNull = p.parseJSONOnNull()
		p.onNullNotLast(a.OnNull)
		p.expectJSONEnd("',', NULL ON NULL, ABSENT ON NULL or ')'", a.OnNull == "")
		e = a
	case "JSON_OBJECTAGG":
		o := &ast.JSONObjectAggExpr{Loc: loc, Member: p.parseJSONKeyValue()}
		o.OnNull = p.parseJSONOnNull()
		p.expectJSONEnd("NULL ON NULL, ABSENT ON NULL or ')'", o.OnNull == "")
		p.rejectAggSuffix(name.upper)
		e = o
	case "JSON_ARRAYAGG":
		a := &ast.JSONArrayAggExpr{Loc: loc, X: p.parseExpr()}
		if p.acceptKwBy("ORDER") {
			a.OrderBy = p.parseOrderItems()
		}
		a.OnNull = p.parseJSONOnNull()
		what := "ORDER BY, NULL ON NULL, ABSENT ON NULL or ')'"
		if a.OrderBy != nil {
			what = "',', NULL ON NULL, ABSENT ON NULL or ')'"
		}
		p.expectJSONEnd(what, a.OnNull == "")
		p.rejectAggSuffix(name.upper)
		e = a
	}
	return e
}

func (p *parser) parseJSONValue(loc ast.Loc) ast.Expr {
	e := &ast.JSONValueExpr{Loc: loc}
	e.X, e.Path = p.parseJSONInput("JSON_VALUE")
	if p.acceptKw("RETURNING") {
		e.Returning = p.parseReturningType()
	}
	for !p.isOp(")") {
		if !p.startsJSONBehavior() {
			p.misplacedJSONClause(e.Returning != nil, e.OnEmpty != nil || e.OnError != nil)
			if e.Returning == nil && e.OnEmpty == nil && e.OnError == nil {
				p.failExpected("RETURNING, an ON EMPTY or ON ERROR clause, or ')'")
			}
			p.failExpected("an ON EMPTY or ON ERROR clause, or ')'")
		}
		c, event := p.parseJSONOnClause("JSON_VALUE", jsonValueBehaviors)
		p.setJSONOnClause(&e.OnEmpty, &e.OnError, c, event)
	}
	p.advance()
	return e
}

func (p *parser) parseJSONQuery(loc ast.Loc) ast.Expr {
	e := &ast.JSONQueryExpr{Loc: loc}
	e.X, e.Path = p.parseJSONInput("JSON_QUERY")
	if p.acceptKw("RETURNING") {
		e.Returning = p.parseReturningType()
	}
	if p.isKw("WITH") || p.isKw("WITHOUT") {
		e.Wrapper = p.parseJSONWrapper()
	}
	for !p.isOp(")") {
		if !p.startsJSONBehavior() {
			p.misplacedJSONClause(e.Returning != nil, e.OnEmpty != nil || e.OnError != nil)
			if (p.isKw("WITH") || p.isKw("WITHOUT")) && (e.OnEmpty != nil || e.OnError != nil) {
				p.failAt(p.pos(), "the WRAPPER clause must come before the ON EMPTY and ON ERROR clauses")
			}
			switch {
			case e.OnEmpty != nil || e.OnError != nil:
				p.failExpected("an ON EMPTY or ON ERROR clause, or ')'")
			case e.Wrapper != "":
				p.failExpected("an ON EMPTY or ON ERROR clause, or ')'")
			case e.Returning != nil:
				p.failExpected("a WRAPPER clause, an ON EMPTY or ON ERROR clause, or ')'")
			}
			p.failExpected("RETURNING, a WRAPPER clause, an ON EMPTY or ON ERROR clause, or ')'")
		}
		c, event := p.parseJSONOnClause("JSON_QUERY", jsonQueryBehaviors)
		p.setJSONOnClause(&e.OnEmpty, &e.OnError, c, event)
	}
	p.advance()
	return e
}

// parseJSONInput parses "json, path" and rejects the PASSING clause.
func (p *parser) parseJSONInput(fn string) (x, path ast.Expr) {
	x = p.parseExpr()
	if !p.isOp(",") {
		p.failExpected("',' and a JSON path such as '$.a'")
	}
	p.advance()
	path = p.parseExpr()
	if p.isKw("PASSING") {
		p.failAt(p.pos(), "%s: the PASSING clause is not supported", fn)
	}
	if p.isOp(",") {
		p.failAt(p.pos(), "%s takes the JSON text and a path; write the other options as clauses (RETURNING, … ON EMPTY, … ON ERROR), not as arguments", fn)
	}
	return x, path
}

// misplacedJSONClause explains a RETURNING clause out of place and a NOT
// NULL after the RETURNING type, both of which Calcite's grammar refuses.
func (p *parser) misplacedJSONClause(afterReturning, afterBehavior bool) {
	switch {
	case afterReturning && p.isKwSeq("NOT", "NULL"):
		p.failAt(p.pos(), "the RETURNING type takes no NOT NULL; the result is NULL when the path finds nothing")
	case afterBehavior && p.isKw("RETURNING"):
		p.failAt(p.pos(), "RETURNING must come right after the path, before the other clauses")
	}
}

// parseReturningType parses the type of RETURNING. It takes no NOT NULL or
// NULL suffix, so "RETURNING INT NULL ON EMPTY" keeps its clause.
func (p *parser) parseReturningType() ast.Type {
	p.enter()
	defer p.leave()
	return p.parseTypeCore()
}

// parseJSONWrapper parses {WITHOUT | WITH [CONDITIONAL|UNCONDITIONAL]}
// [ARRAY] WRAPPER.
func (p *parser) parseJSONWrapper() ast.JSONWrapper {
	w := ast.JSONUnconditionalWrapper
	if p.advance().upper == "WITHOUT" {
		w = ast.JSONWithoutWrapper
	} else if p.acceptKw("CONDITIONAL") {
		w = ast.JSONConditionalWrapper
	} else {
		p.acceptKw("UNCONDITIONAL")
	}
	p.acceptKw("ARRAY")
	if !p.isKw("WRAPPER") {
		if w == ast.JSONUnconditionalWrapper {
			p.failExpected("CONDITIONAL, UNCONDITIONAL, ARRAY or WRAPPER")
		}
		p.failExpected("ARRAY or WRAPPER")
	}
	p.advance()
	return w
}

// Which behaviors each function accepts in ON EMPTY / ON ERROR, in the
// order its error messages list them.
var (
	jsonValueBehaviors  = []ast.JSONBehavior{ast.JSONBehaviorNull, ast.JSONBehaviorError, ast.JSONBehaviorDefault}
	jsonQueryBehaviors  = []ast.JSONBehavior{ast.JSONBehaviorNull, ast.JSONBehaviorError, ast.JSONBehaviorEmptyArray, ast.JSONBehaviorEmptyObject}
	jsonExistsBehaviors = []ast.JSONBehavior{ast.JSONBehaviorTrue, ast.JSONBehaviorFalse, ast.JSONBehaviorUnknown, ast.JSONBehaviorError}
)

// startsJSONBehavior reports whether the current token starts some
// behavior of an ON EMPTY / ON ERROR clause.
func (p *parser) startsJSONBehavior() bool {
	switch p.upperWord() {
	case "NULL", "ERROR", "DEFAULT", "EMPTY", "TRUE", "FALSE", "UNKNOWN":
		return true
	}
	return false
}

// parseJSONOnClause parses "behavior ON EMPTY|ERROR" and returns the
// clause and EMPTY or ERROR. A behavior the function does not take is an
// error naming the ones it does.
func (p *parser) parseJSONOnClause(fn string, allowed []ast.JSONBehavior) (*ast.JSONOnClause, string) {
	c := &ast.JSONOnClause{Loc: p.loc()}
	switch {
	case p.isKwSeq("EMPTY", "ARRAY"):
		p.i += 2
		c.Behavior = ast.JSONBehaviorEmptyArray
	case p.isKwSeq("EMPTY", "OBJECT"):
		p.i += 2
		c.Behavior = ast.JSONBehaviorEmptyObject
	case p.isKw("EMPTY"):
		p.advance()
		p.failExpected("ARRAY or OBJECT after EMPTY")
	default:
		switch w := p.upperWord(); w {
		case "NULL", "ERROR", "DEFAULT", "TRUE", "FALSE", "UNKNOWN":
			p.advance()
			c.Behavior = ast.JSONBehavior(w)
		default:
			p.failExpected("an ON EMPTY or ON ERROR clause")
		}
	}
	ok := false
	for _, b := range allowed {
		ok = ok || b == c.Behavior
	}
	if !ok {
		names := make([]string, len(allowed))
		for i, b := range allowed {
			names[i] = string(b)
			if b == ast.JSONBehaviorDefault {
				names[i] += " <expression>"
			}
		}
		p.failAt(c.Pos, "%s does not accept %s here; the %s ON EMPTY / ON ERROR behaviors are %s",
			fn, c.Behavior, fn, joinOr(names))
	}
	if c.Behavior == ast.JSONBehaviorDefault {
		c.Default = p.parseExpr()
	}
	if !p.isKw("ON") {
		p.failExpected("ON EMPTY or ON ERROR after " + string(c.Behavior))
	}
	p.advance()
	event := p.upperWord()
	if event != "EMPTY" && event != "ERROR" {
		p.failExpected("EMPTY or ERROR after ON")
	}
	p.advance()
	return c, event
}

// setJSONOnClause stores c as the ON EMPTY or ON ERROR clause, refusing a
// second one of the same kind.
func (p *parser) setJSONOnClause(onEmpty, onError **ast.JSONOnClause, c *ast.JSONOnClause, event string) {
	slot := onEmpty
	if event == "ERROR" {
		slot = onError
	}
	if *slot != nil {
		p.failAt(c.Pos, "the ON %s clause is given twice", event)
	}
	*slot = c
}

// parseJSONKeyValue parses [KEY] k VALUE v. KEY is a keyword only when an
// expression follows it, so a column named key still works as a key.
func (p *parser) parseJSONKeyValue() *ast.JSONKeyValue {
	kv := &ast.JSONKeyValue{Loc: p.loc()}
	if p.isKw("KEY") {
		next := p.peek(1)
		if !isKw(next, "VALUE") && !isOp(next, ",") && !isOp(next, ")") && next.kind != tokEOF {
			p.advance()
		}
	}
	kv.Key = p.parseExpr()
	if !p.acceptKw("VALUE") {
		if t := p.tok(); t.kind == tokIllegal && strings.HasPrefix(t.text, ":") {
			p.failAt(t.pos, "write JSON_OBJECT members as KEY k VALUE v; the k : v form is not supported")
		}
		p.failExpected("VALUE (JSON_OBJECT members are written KEY k VALUE v)")
	}
	kv.Value = p.parseExpr()
	return kv
}

// atJSONOnNull reports whether NULL ON NULL or ABSENT ON NULL comes next.
// ABSENT needs ON after it, since it may also be a column name.
func (p *parser) atJSONOnNull() bool {
	return (p.isKw("NULL") || p.isKw("ABSENT")) && isKw(p.peek(1), "ON")
}

// parseJSONOnNull parses an optional NULL ON NULL / ABSENT ON NULL.
func (p *parser) parseJSONOnNull() ast.JSONOnNull {
	if !p.atJSONOnNull() {
		return ""
	}
	onNull := ast.JSONNullOnNull
	if p.advance().upper == "ABSENT" {
		onNull = ast.JSONAbsentOnNull
	}
	p.advance() // ON
	p.expectKw("NULL")
	return onNull
}

// onNullNotLast explains a NULL ON NULL clause followed by more arguments.
func (p *parser) onNullNotLast(onNull ast.JSONOnNull) {
	if onNull != "" && p.isOp(",") {
		p.failAt(p.pos(), "%s ON NULL must come after the last argument", onNull)
	}
}

// expectJSONEnd expects the ')' closing a JSON function; what lists what
// could come instead when clauses may still follow.
func (p *parser) expectJSONEnd(what string, more bool) {
	if p.isOp(")") {
		p.advance()
		return
	}
	if more {
		p.failExpected(what)
	}
	p.failExpected("')'")
}

// rejectAggSuffix refuses FILTER, OVER and WITHIN GROUP after the JSON
// aggregates, which Flink does not support with them.
func (p *parser) rejectAggSuffix(fn string) {
	for _, kw := range []string{"FILTER", "OVER", "WITHIN"} {
		if p.isKw(kw) {
			if kw == "WITHIN" {
				kw = "WITHIN GROUP"
			}
			p.failAt(p.pos(), "%s is not supported with %s", kw, fn)
		}
	}
}

// joinOr renders a, b, c as "a, b or c".
func joinOr(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// parseIsJSON parses the rest of X IS [NOT] JSON [VALUE|SCALAR|ARRAY|OBJECT]
// after the JSON keyword.
func (p *parser) parseIsJSON(loc ast.Loc, x ast.Expr, not bool) ast.Expr {
	e := &ast.IsJSONExpr{Loc: loc, X: x, Not: not}
	switch kind := ast.JSONKind(p.upperWord()); kind {
	case ast.JSONKindValue, ast.JSONKindScalar, ast.JSONKindArray, ast.JSONKindObject:
		p.advance()
		e.Kind = kind
	}
	return e
}
