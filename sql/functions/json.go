package functions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// The SQL/JSON functions with Flink's semantics (SqlJsonUtils and the JSON
// code generators of its planner). JSON text lives in character strings;
// json_doc.go parses it as Jackson does, json_path.go evaluates Jayway
// paths with lax/strict modes, json_write.go writes JSON as Jackson does
// and json_convert.go converts scalars to the RETURNING type.
//
// The clauses reach these functions as constant arguments; the parser's
// JSON nodes turn into these calls (ast.CallForm):
//
//	JSON_VALUE(json, path [, returning, onEmpty, emptyDefault, onError, errorDefault])
//	    returning is any argument of the RETURNING type (the binder passes
//	    CAST(NULL AS type)); onEmpty and onError are 'NULL', 'ERROR' or
//	    'DEFAULT', and the defaults are the DEFAULT values (NULL when unused).
//	JSON_QUERY(json, path [, returning, wrapper, onEmpty, onError])
//	    returning has type STRING or ARRAY<…>; wrapper is 'WITHOUT ARRAY',
//	    'WITH CONDITIONAL ARRAY' or 'WITH UNCONDITIONAL ARRAY'; onEmpty and
//	    onError are 'NULL', 'ERROR', 'EMPTY ARRAY' or 'EMPTY OBJECT'.
//	JSON_EXISTS(json, path [, onError])
//	    onError is 'TRUE', 'FALSE' (the default), 'UNKNOWN' or 'ERROR'.
//	JSON_OBJECT(onNull, key, value, …) and JSON_ARRAY(onNull, value, …)
//	    onNull is 'NULL ON NULL' or 'ABSENT ON NULL', optionally followed by
//	    ' FORMAT JSON ' and the comma-separated 1-based positions of the
//	    arguments that hold JSON text (nested JSON_OBJECT/JSON_ARRAY calls),
//	    which are inserted as JSON rather than as strings.
//	`IS JSON`(s [, kind]) with kind 'VALUE', 'SCALAR', 'ARRAY' or 'OBJECT'.
//
// The clause arguments are read row by row (they are constants in practice),
// so every combination of argument values is well defined.

const (
	jvNull    = "NULL"
	jvError   = "ERROR"
	jvDefault = "DEFAULT"

	jqEmptyArray  = "EMPTY ARRAY"
	jqEmptyObject = "EMPTY OBJECT"

	wrapWithout       = "WITHOUT ARRAY"
	wrapConditional   = "WITH CONDITIONAL ARRAY"
	wrapUnconditional = "WITH UNCONDITIONAL ARRAY"
)

// constIn reports whether the constant argument value c (nil when not
// constant) is absent or one of the strings allowed.
func constIn(c any, allowed ...string) bool {
	if c == nil {
		return true
	}
	s, ok := c.(string)
	if !ok {
		return false
	}
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(s), a) {
			return true
		}
	}
	return false
}

// clause reads the clause argument of row i, upper-cased ("" for NULL).
func clause(v *vector.Vector, i int) string {
	if v.IsNull(i) {
		return ""
	}
	s := strings.TrimSpace(rowString(v, i))
	if isUpperASCII(s) {
		return s
	}
	return strings.ToUpper(s)
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= 0x80 {
			return false
		}
	}
	return true
}

// jsonFuncError is the error of a JSON function for one row: it names the
// function and the path.
func jsonFuncError(fn, spec string, err error) error {
	return fmt.Errorf("%s(…, '%s'): %w", fn, spec, err)
}

// jsonCall holds the per-call scratch state of the path functions.
type jsonCall struct {
	name  string
	paths jsonPathCache
	doc   jsonDoc
	ev    jsonEvaluator
}

// query parses row i of the JSON argument and applies the path of row i.
// It returns errJSONEmpty for an empty result and another error for an
// error of the function; text that is not JSON is empty in lax mode.
func (c *jsonCall) query(jsonArg, pathArg *vector.Vector, i int) (*jsonPath, jsonMatch, error) {
	p := c.paths.get(rowString(pathArg, i))
	if p.err != nil {
		return p, jsonMatch{}, p.err
	}
	if err := c.doc.parse(bytesView(jsonArg.BytesAt(i))); err != nil {
		if p.lax {
			return p, jsonMatch{}, errJSONEmpty
		}
		return p, jsonMatch{}, err
	}
	m, err := c.ev.eval(p, &c.doc)
	return p, m, err
}

func (c *jsonCall) fail(out *vector.Vector, i int, p *jsonPath, err error) {
	out.AppendNull()
	out.SetError(i, jsonFuncError(c.name, p.spec, err))
}

func init() {
	registry["JSON_VALUE"] = &funcDef{name: "JSON_VALUE",
		sigs:         []string{"JSON_VALUE(json STRING, path STRING [RETURNING VARCHAR|BOOLEAN|TINYINT|SMALLINT|INT|BIGINT|FLOAT|DOUBLE|DECIMAL|DATE|TIME|TIMESTAMP|TIMESTAMP_LTZ] [NULL|ERROR|DEFAULT value ON EMPTY] [NULL|ERROR|DEFAULT value ON ERROR]) with a scalar DEFAULT value"},
		resolveConst: resolveJSONValue}
	registry["JSON_QUERY"] = &funcDef{name: "JSON_QUERY",
		sigs:         []string{"JSON_QUERY(json STRING, path STRING [RETURNING STRING|ARRAY<scalar type>] [WITHOUT|WITH [CONDITIONAL|UNCONDITIONAL] ARRAY WRAPPER] [NULL|ERROR|EMPTY ARRAY|EMPTY OBJECT ON EMPTY] [… ON ERROR]); EMPTY OBJECT needs RETURNING STRING"},
		resolveConst: resolveJSONQuery}
	registry["JSON_EXISTS"] = &funcDef{name: "JSON_EXISTS",
		sigs:         []string{"JSON_EXISTS(json STRING, path STRING [TRUE|FALSE|UNKNOWN|ERROR ON ERROR])"},
		resolveConst: resolveJSONExists}
	registry["IS JSON"] = &funcDef{name: "IS JSON",
		sigs:         []string{"STRING IS [NOT] JSON [VALUE|SCALAR|ARRAY|OBJECT]"},
		resolveConst: resolveIsJSON}
	registry["JSON_OBJECT"] = &funcDef{name: "JSON_OBJECT",
		sigs:         []string{"JSON_OBJECT([KEY] key VALUE value, … [NULL|ABSENT ON NULL]) with NOT NULL character string keys and values of types JSON can represent (MAP keys and MULTISET elements must be character strings)"},
		resolveConst: resolveJSONObject}
	registry["JSON_ARRAY"] = &funcDef{name: "JSON_ARRAY",
		sigs:         []string{"JSON_ARRAY(value, … [NULL|ABSENT ON NULL]) with values of types JSON can represent (MAP keys and MULTISET elements must be character strings)"},
		resolveConst: resolveJSONArray}
	register([]string{"JSON_STRING"}, []string{"JSON_STRING(value) for values of types JSON can represent"}, func(args []types.Type) *Resolved {
		if len(args) != 1 || !jsonSerializable(args[0]) {
			return nil
		}
		return strictFn(args, args, types.String(), false, strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return appendJSONValue(dst, v[0], i), true
		}))
	})
}

// ---- JSON_VALUE ----

func resolveJSONValue(args []types.Type, consts []any) *Resolved {
	if len(args) != 2 && len(args) != 7 || !isString(args[0]) || !isString(args[1]) {
		return nil
	}
	ret := types.String()
	params := []types.Type{strParam(args[0]), strParam(args[1])}
	if len(args) == 7 {
		ret = args[2]
		ret.TimeAttr = types.NoTimeAttr
		if !jsonReturningOK(ret) || !isString(args[3]) || !isString(args[5]) ||
			!constIn(consts[3], jvNull, jvError, jvDefault) || !constIn(consts[5], jvNull, jvError, jvDefault) ||
			!jsonDefaultOK(args[4], ret) || !jsonDefaultOK(args[6], ret) {
			return nil
		}
		params = append(params, args[2:]...)
	}
	c := &jsonCall{name: "JSON_VALUE"}
	return &Resolved{Args: params, Result: ret.Nullable(), Deterministic: true, kernel: c.jsonValue}
}

// jsonDefaultOK reports whether a DEFAULT value of type t can stand for a
// JSON scalar converted to ret: a character string, number, boolean or
// NULL, or a value of a date-time type like ret.
func jsonDefaultOK(t, ret types.Type) bool {
	switch {
	case t.Kind == types.KindNull, t.IsCharacter(), t.IsNumeric(), t.Kind == types.KindBoolean:
		return true
	}
	return t.Kind == ret.Kind && t.IsDatetime()
}

func (c *jsonCall) jsonValue(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
	out.Reset()
	full := len(v) == 7
	for i := 0; i < n; i++ {
		if v[0].IsNull(i) || v[1].IsNull(i) {
			out.AppendNull()
			continue
		}
		onEmpty, onError := jvNull, jvNull
		if full {
			onEmpty, onError = clause(v[3], i), clause(v[5], i)
		}
		p, m, err := c.query(v[0], v[1], i)
		if err == nil && (m.list || c.doc.nodes[m.nodes[0]].kind >= jsonArray) {
			if p.lax {
				err = errJSONEmpty
			} else {
				err = fmt.Errorf("strict mode requires a scalar value, found %s", c.matchSnippet(m))
			}
		}
		switch {
		case err == nil:
			if cerr := appendConverted(ctx, out, scalarOfNode(&c.doc, m.nodes[0])); cerr != nil {
				c.valueError(ctx, out, v, i, p, onError, cerr)
			}
		case errors.Is(err, errJSONEmpty):
			switch onEmpty {
			case jvError:
				c.fail(out, i, p, errors.New("the path found nothing (ERROR ON EMPTY)"))
			case jvDefault:
				if cerr := appendDefault(ctx, out, v[4], i); cerr != nil {
					c.valueError(ctx, out, v, i, p, onError, fmt.Errorf("DEFAULT ON EMPTY: %w", cerr))
				}
			default:
				out.AppendNull()
			}
		default:
			c.valueError(ctx, out, v, i, p, onError, err)
		}
	}
	out.PropagateErrors(v[0], v[1])
	return nil
}

// valueError applies the ON ERROR behavior of JSON_VALUE to err. A DEFAULT
// value that does not convert to the RETURNING type is an error, as in
// Flink.
func (c *jsonCall) valueError(ctx *Context, out *vector.Vector, v []*vector.Vector, i int, p *jsonPath, onError string, err error) {
	switch onError {
	case jvError:
		c.fail(out, i, p, err)
	case jvDefault:
		if len(v) < 7 {
			out.AppendNull()
			return
		}
		if cerr := appendDefault(ctx, out, v[6], i); cerr != nil {
			c.fail(out, i, p, fmt.Errorf("DEFAULT ON ERROR: %w", cerr))
		}
	default:
		out.AppendNull()
	}
}

// appendDefault appends row i of a DEFAULT argument converted to the type
// of out; a row error of the default becomes the row's error.
func appendDefault(ctx *Context, out *vector.Vector, dv *vector.Vector, i int) error {
	if err := dv.ErrorAt(i); err != nil {
		out.AppendNull()
		out.SetError(i, err)
		return nil
	}
	if dv.IsNull(i) {
		out.AppendNull()
		return nil
	}
	return appendConverted(ctx, out, scalarOfValue(dv, i))
}

// matchSnippet renders a path result for messages.
func (c *jsonCall) matchSnippet(m jsonMatch) string {
	if !m.list {
		return c.doc.snippet(m.nodes[0])
	}
	b := appendJSONList(nil, &c.doc, m.nodes)
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}

// ---- JSON_QUERY ----

func resolveJSONQuery(args []types.Type, consts []any) *Resolved {
	if len(args) != 2 && len(args) != 6 || !isString(args[0]) || !isString(args[1]) {
		return nil
	}
	ret := types.String()
	params := []types.Type{strParam(args[0]), strParam(args[1])}
	if len(args) == 6 {
		ret = args[2]
		ret.TimeAttr = types.NoTimeAttr
		behaviors := []string{jvNull, jvError, jqEmptyArray, jqEmptyObject}
		switch {
		case ret.Kind == types.KindVarChar:
		case ret.Kind == types.KindArray && jsonReturningOK(*ret.Elem):
			behaviors = behaviors[:3]
		default:
			return nil
		}
		if !isString(args[3]) || !isString(args[4]) || !isString(args[5]) ||
			!constIn(consts[3], wrapWithout, wrapConditional, wrapUnconditional) ||
			!constIn(consts[4], behaviors...) || !constIn(consts[5], behaviors...) {
			return nil
		}
		params = append(params, args[2:]...)
	}
	c := &jsonCall{name: "JSON_QUERY"}
	return &Resolved{Args: params, Result: ret.Nullable(), Deterministic: true, kernel: c.jsonQuery}
}

func (c *jsonCall) jsonQuery(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
	out.Reset()
	wrapper, onEmpty, onError := wrapWithout, jvNull, jvNull
	asArray := out.Type().Kind == types.KindArray
	for i := 0; i < n; i++ {
		if v[0].IsNull(i) || v[1].IsNull(i) {
			out.AppendNull()
			continue
		}
		if len(v) == 6 {
			wrapper, onEmpty, onError = clause(v[3], i), clause(v[4], i), clause(v[5], i)
		}
		p, m, err := c.query(v[0], v[1], i)
		if err != nil {
			behavior := onError
			if errors.Is(err, errJSONEmpty) {
				behavior, err = onEmpty, errors.New("the path found nothing (ERROR ON EMPTY)")
			}
			c.queryFallback(out, i, p, behavior, err)
			continue
		}
		isArray := m.list || c.doc.nodes[m.nodes[0]].kind == jsonArray
		wrap := wrapper == wrapUnconditional || wrapper == wrapConditional && !isArray
		if !wrap && !m.list && c.doc.nodes[m.nodes[0]].kind < jsonArray {
			if p.lax {
				c.queryFallback(out, i, p, onEmpty, errors.New("the path found a scalar, not an array or object (ERROR ON EMPTY)"))
			} else {
				c.queryFallback(out, i, p, onError, fmt.Errorf("strict mode requires an array or object, found %s", c.matchSnippet(m)))
			}
			continue
		}
		if !asArray {
			if wrap {
				out.Data = append(out.Data, '[')
			}
			if m.list {
				out.Data = appendJSONList(out.Data, &c.doc, m.nodes)
			} else {
				out.Data = appendJSONNode(out.Data, &c.doc, m.nodes[0])
			}
			if wrap {
				out.Data = append(out.Data, ']')
			}
			out.FinishBytes()
			continue
		}
		elems, err := c.arrayElems(ctx, m, wrap, *out.Type().Elem)
		if err != nil {
			c.queryFallback(out, i, p, onError, err)
			continue
		}
		out.AppendAny(elems)
	}
	out.PropagateErrors(v[0], v[1])
	return nil
}

// queryFallback applies an ON EMPTY or ON ERROR behavior of JSON_QUERY.
func (c *jsonCall) queryFallback(out *vector.Vector, i int, p *jsonPath, behavior string, err error) {
	asArray := out.Type().Kind == types.KindArray
	switch behavior {
	case jvError:
		c.fail(out, i, p, err)
	case jqEmptyArray:
		if asArray {
			out.AppendAny([]any{})
		} else {
			out.AppendString("[]")
		}
	case jqEmptyObject:
		if asArray {
			c.fail(out, i, p, errors.New("EMPTY OBJECT is not a valid result for RETURNING ARRAY"))
		} else {
			out.AppendString("{}")
		}
	default:
		out.AppendNull()
	}
}

// arrayElems builds the elements of JSON_QUERY … RETURNING ARRAY<elem>:
// the result must be an array (or be wrapped into one); scalar elements
// become their text (or are converted to elem), objects and arrays their
// JSON text, JSON nulls NULL.
func (c *jsonCall) arrayElems(ctx *Context, m jsonMatch, wrap bool, elem types.Type) ([]any, error) {
	var items []int32
	whole := false // the one element is the whole list of matches
	switch {
	case wrap && m.list:
		whole = true
	case wrap:
		items = m.nodes[:1]
	case m.list:
		items = m.nodes
	case c.doc.nodes[m.nodes[0]].kind == jsonArray:
		items = c.doc.children(m.nodes[0])
	default:
		return nil, fmt.Errorf("RETURNING ARRAY needs an array, found %s", c.matchSnippet(m))
	}
	if whole {
		s := string(appendJSONList(nil, &c.doc, m.nodes))
		if elem.Kind != types.KindVarChar {
			return nil, convertError(jsonScalar{kind: jsonString, text: s}, elem, "")
		}
		return []any{s}, nil
	}
	out := make([]any, len(items))
	tmp := vector.New(elem, 1)
	for k, it := range items {
		node := &c.doc.nodes[it]
		switch {
		case node.kind == jsonNull:
			continue
		case elem.Kind == types.KindVarChar && node.kind >= jsonArray:
			out[k] = string(appendJSONNode(nil, &c.doc, it))
			continue
		case node.kind >= jsonArray:
			return nil, convertError(jsonScalar{kind: jsonString, text: c.doc.snippet(it)}, elem, "")
		}
		tmp.Reset()
		if err := appendConverted(ctx, tmp, scalarOfNode(&c.doc, it)); err != nil {
			return nil, fmt.Errorf("array element %d: %w", k, err)
		}
		out[k] = tmp.Get(0)
	}
	return out, nil
}

// ---- JSON_EXISTS ----

func resolveJSONExists(args []types.Type, consts []any) *Resolved {
	if len(args) != 2 && len(args) != 3 || !isString(args[0]) || !isString(args[1]) {
		return nil
	}
	params := []types.Type{strParam(args[0]), strParam(args[1])}
	if len(args) == 3 {
		if !isString(args[2]) || !constIn(consts[2], "TRUE", "FALSE", "UNKNOWN", jvError) {
			return nil
		}
		params = append(params, args[2])
	}
	c := &jsonCall{name: "JSON_EXISTS"}
	return &Resolved{Args: params, Result: types.Boolean(), Deterministic: true, kernel: c.jsonExists}
}

func (c *jsonCall) jsonExists(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
	out.Reset()
	for i := 0; i < n; i++ {
		if v[0].IsNull(i) || v[1].IsNull(i) {
			out.AppendNull()
			continue
		}
		p, _, err := c.query(v[0], v[1], i)
		switch {
		case err == nil:
			out.AppendBool(true)
		case errors.Is(err, errJSONEmpty):
			out.AppendBool(false)
		default:
			onError := "FALSE"
			if len(v) == 3 {
				onError = clause(v[2], i)
			}
			switch onError {
			case "TRUE":
				out.AppendBool(true)
			case "UNKNOWN":
				out.AppendNull()
			case jvError:
				c.fail(out, i, p, err)
			default:
				out.AppendBool(false)
			}
		}
	}
	out.PropagateErrors(v[0], v[1])
	return nil
}

// ---- IS JSON ----

// resolveIsJSON: s IS JSON [kind] is NULL for a NULL s (as Flink 2.4 and
// the SQL standard; earlier Flink versions returned FALSE), so the result
// is nullable exactly when s is.
func resolveIsJSON(args []types.Type, consts []any) *Resolved {
	if len(args) < 1 || len(args) > 2 || !isString(args[0]) {
		return nil
	}
	if len(args) == 2 && (!isString(args[1]) || !constIn(consts[1], "VALUE", "SCALAR", "ARRAY", "OBJECT")) {
		return nil
	}
	var doc jsonDoc
	r := strictFn(strParams(args), args, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v[0])
		for i := 0; i < n; i++ {
			if out.IsNull(i) || doc.parse(bytesView(v[0].BytesAt(i))) != nil {
				continue
			}
			kind := "VALUE"
			if len(v) == 2 && !v[1].IsNull(i) {
				kind = clause(v[1], i)
			}
			switch doc.nodes[0].kind {
			case jsonObject:
				out.Bool[i] = kind == "VALUE" || kind == "OBJECT"
			case jsonArray:
				out.Bool[i] = kind == "VALUE" || kind == "ARRAY"
			default:
				out.Bool[i] = kind == "VALUE" || kind == "SCALAR"
			}
		}
		return nil
	})
	r.Result = types.Boolean().WithNullable(args[0].IsNullable())
	return r
}

// ---- JSON_OBJECT and JSON_ARRAY ----

// jsonCtorOptions are the options of a JSON_OBJECT or JSON_ARRAY call.
type jsonCtorOptions struct {
	text   string
	absent bool         // ABSENT ON NULL
	json   map[int]bool // 0-based argument positions holding JSON text
	ok     bool
}

// parseCtorOptions reads "NULL ON NULL" / "ABSENT ON NULL", optionally
// followed by " FORMAT JSON 2,4".
func parseCtorOptions(s string) jsonCtorOptions {
	o := jsonCtorOptions{text: s}
	u := strings.ToUpper(strings.TrimSpace(s))
	head, positions, hasJSON := strings.Cut(u, " FORMAT JSON ")
	switch head {
	case "NULL ON NULL":
	case "ABSENT ON NULL":
		o.absent = true
	default:
		return o
	}
	if hasJSON {
		o.json = map[int]bool{}
		for _, f := range strings.Split(positions, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 2 {
				return o
			}
			o.json[n-1] = true
		}
	}
	o.ok = true
	return o
}

func resolveJSONObject(args []types.Type, consts []any) *Resolved {
	if len(args) < 1 || len(args)%2 != 1 || !args[0].IsCharacter() {
		return nil
	}
	if s, ok := consts[0].(string); ok && !parseCtorOptions(s).ok {
		return nil
	}
	for k := 1; k < len(args); k += 2 {
		if !args[k].IsCharacter() || args[k].IsNullable() || !jsonSerializable(args[k+1]) {
			return nil
		}
	}
	c := &jsonCtor{object: true}
	return &Resolved{Args: args, Result: types.String().NotNullable(), Deterministic: true, strict: true, kernel: c.kernel}
}

func resolveJSONArray(args []types.Type, consts []any) *Resolved {
	if len(args) < 1 || !args[0].IsCharacter() {
		return nil
	}
	if s, ok := consts[0].(string); ok && !parseCtorOptions(s).ok {
		return nil
	}
	for _, a := range args[1:] {
		if !jsonSerializable(a) {
			return nil
		}
	}
	c := &jsonCtor{}
	return &Resolved{Args: args, Result: types.String().NotNullable(), Deterministic: true, strict: true, kernel: c.kernel}
}

// jsonCtor builds JSON_OBJECT or JSON_ARRAY rows. Object members are
// written sorted by name with the last of repeated names winning, as Flink
// does; arguments that hold JSON text go in as JSON.
type jsonCtor struct {
	object  bool
	opts    jsonCtorOptions
	members []jsonMember
	buf     []byte
}

func (c *jsonCtor) kernel(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
	out.Reset()
	for i := 0; i < n; i++ {
		s := "NULL ON NULL"
		if !c.object {
			s = "ABSENT ON NULL"
		}
		if !v[0].IsNull(i) {
			s = rowString(v[0], i)
		}
		if !c.opts.ok || s != c.opts.text {
			c.opts = parseCtorOptions(strings.Clone(s))
			if !c.opts.ok {
				return fmt.Errorf("invalid ON NULL clause %q", s)
			}
		}
		if c.object {
			c.objectRow(v, i, out)
		} else {
			c.arrayRow(v, i, out)
		}
	}
	return nil
}

func (c *jsonCtor) arrayRow(v []*vector.Vector, i int, out *vector.Vector) {
	out.Data = append(out.Data, '[')
	first := true
	for k := 1; k < len(v); k++ {
		if v[k].IsNull(i) && c.opts.absent {
			continue
		}
		if !first {
			out.Data = append(out.Data, ',')
		}
		first = false
		out.Data = c.appendArg(out.Data, v[k], k, i)
	}
	out.Data = append(out.Data, ']')
	out.FinishBytes()
}

func (c *jsonCtor) objectRow(v []*vector.Vector, i int, out *vector.Vector) {
	c.members, c.buf = c.members[:0], c.buf[:0]
	for k := 1; k+1 < len(v); k += 2 {
		if v[k].IsNull(i) || v[k+1].IsNull(i) && c.opts.absent {
			continue // a NULL key only comes with a row error, which the row gets
		}
		start := len(c.buf)
		c.buf = c.appendArg(c.buf, v[k+1], k+1, i)
		c.members = append(c.members, jsonMember{key: rowString(v[k], i), start: start, end: len(c.buf)})
	}
	out.Data = appendMembers(out.Data, c.members, c.buf)
	out.FinishBytes()
}

// appendArg writes row i of argument k: JSON text as is, else as a JSON
// value.
func (c *jsonCtor) appendArg(dst []byte, a *vector.Vector, k, i int) []byte {
	if c.opts.json[k] && !a.IsNull(i) && a.Type().IsCharacter() {
		return append(dst, a.BytesAt(i)...)
	}
	return appendJSONValue(dst, a, i)
}

// appendJSONValue writes row i of a as JSON, without boxing the common
// types.
func appendJSONValue(dst []byte, a *vector.Vector, i int) []byte {
	if a.IsNull(i) {
		return append(dst, "null"...)
	}
	t := a.Type()
	switch {
	case t.IsCharacter():
		return appendJSONQuoted(dst, rowString(a, i))
	case t.Kind == types.KindBoolean:
		return strconv.AppendBool(dst, a.BoolAt(i))
	case t.IsIntegral():
		return strconv.AppendInt(dst, a.Int64At(i), 10)
	}
	return appendJSON(dst, t, a.Get(i))
}
