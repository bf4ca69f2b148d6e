package functions

import (
	"errors"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// TestJSONDocParse checks the parser against what Jackson (Flink's parser)
// accepts and how it renders what it read.
func TestJSONDocParse(t *testing.T) {
	for _, c := range []struct {
		in, want string // want is the re-serialized document, "" for an error
	}{
		{`{"b": 1, "a": [true, false, null]}`, `{"a":[true,false,null],"b":1}`},
		{` [1, 2.50, -0, -0.0, 1e3, 1E-7, 0.000001, 12.5e1, 0e5] `, `[1,2.50,0,0.0,1E+3,1E-7,0.000001,125,0E+5]`},
		{`"a\"b\\c\/d\u00e9\ud83d\ude00\n\u0001"`, `"a\"b\\c/dé😀\n\u0001"`},
		{`{"a": 1, "a": 2, "b": 3}`, `{"a":2,"b":3}`},
		{`{} trailing text`, `{}`},
		{`[1] ]`, `[1]`},
		{`1 2`, `1`},
		{`true]`, `true`},
		{`null`, `null`},
		{`1x`, ``},
		{`1,`, ``},
		{`truex`, ``},
		{`nul`, ``},
		{`01`, ``},
		{`[01]`, ``},
		{`-`, ``},
		{`1.`, ``},
		{`.5`, ``},
		{`1e`, ``},
		{`+1`, ``},
		{`NaN`, ``},
		{`{"a": 1,}`, ``},
		{`[1,]`, ``},
		{`[,1]`, ``},
		{`{'a': 1}`, ``},
		{`{a: 1}`, ``},
		{`"a` + "\t" + `b"`, ``},
		{`"\x"`, ``},
		{`"\u12"`, ``},
		{"\f1", ``},
		{`[1 2]`, ``},
		{``, ``},
		{`   `, ``},
		{`/* c */ 1`, ``},
		{strings.Repeat("[", 1000) + strings.Repeat("]", 1000), strings.Repeat("[", 1000) + strings.Repeat("]", 1000)},
		{strings.Repeat("[", 1001) + strings.Repeat("]", 1001), ``},
	} {
		var d jsonDoc
		err := d.parse(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("parse(%q) = %s, want an error", c.in, appendJSONNode(nil, &d, 0))
			}
			continue
		}
		if err != nil {
			t.Errorf("parse(%q): %v", c.in, err)
			continue
		}
		if got := string(appendJSONNode(nil, &d, 0)); got != c.want {
			t.Errorf("parse(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestJavaDecimalText(t *testing.T) {
	for in, want := range map[string]string{
		"1.50": "1.50", "-1.5": "-1.5", "1e3": "1E+3", "1.0e2": "1.0E+2", "123.456e-2": "1.23456",
		"0.0000001": "1E-7", "0.00000010": "1.0E-7", "0.000001": "0.000001", "-0.0": "0.0", "0e5": "0E+5",
		"12e-1": "1.2", "5e0": "5", "-12.5E+3": "-1.25E+4", "100": "100",
	} {
		if got := javaDecimalText(in); got != want {
			t.Errorf("javaDecimalText(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestJSONPathEval checks paths in both modes against Jayway's behaviour.
func TestJSONPathEval(t *testing.T) {
	const doc = `{"a": {"b": [10, {"c": "x"}, null], "n": null}, "list": [{"c": 1}, {"d": 2}, {"c": 3}], "e": []}`
	for _, c := range []struct {
		path, want string // the result as JSON, "empty", or "error: …" (a prefix)
	}{
		{"$", `{"a":{"b":[10,{"c":"x"},null],"n":null},"e":[],"list":[{"c":1},{"d":2},{"c":3}]}`},
		{"$.a.b[0]", "10"},
		{"a.b[0]", "10"}, // $ may be omitted
		{"$['a'][\"b\"][1].c", `"x"`},
		{"$.a.b[-1]", "error: strict mode requires a value, but $['a']['b'][-1] is null"},
		{"lax $.a.b[-1]", "empty"},
		{"$.a.b[-2].c", `"x"`},
		{"$.a.b[5]", "error: no value at $['a']['b'][5]"},
		{"lax $.a.b[5]", "empty"},
		{"$.a.x", "error: no value at $['a']['x']"},
		{"$.a.x.y", "error: missing member ['x'] at $['a']"},
		{"lax $.a.x.y", "empty"},
		{"$.a.b.c", "error: expected an object with member ['c'] at $['a']['b'], found [10"},
		{"$.a.n.c", "error: expected an object with member ['c'] at $['a']['n'], found null"},
		{"$.a[0]", "error: expected an array for [0] at $['a'], found {"},
		{"lax $.a[0]", "empty"},
		{"$.list[*].c", "[1,3]"},
		{"$.list[*].x.y", "[]"},
		{"$.list[0,2].c", "[1,3]"},
		{"$.list[1:].d", "[2]"},
		{"$.list[:1]", `[{"c":1}]`},
		{"$.list[-2:]", `[{"d":2},{"c":3}]`},
		{"$.e[*]", "[]"},
		{"$.*", `[{"b":[10,{"c":"x"},null],"n":null},[{"c":1},{"d":2},{"c":3}],[]]`},
		{"$.a.*", `[[10,{"c":"x"},null],null]`},
		{"$.zz[*]", "error: missing member ['zz'] at $"},
		{"lax $.zz[*]", "[]"},
		{"  LAX   $.a.b[0]", "10"},
		{"strict", "error: no value at $['strict']"},
		{"$.", "error: illegal JSON path '$.': the path must not end with '.'"},
		{"$..c", "error: illegal JSON path '$..c': deep scan"},
		{"$.a b", "error: illegal JSON path '$.a b': use bracket notation"},
		{"$.list[?(@.c)]", "error: illegal JSON path '$.list[?(@.c)]': filter"},
		{"$.list.length()", "error: illegal JSON path '$.list.length()': path functions"},
		{"$['a','b']", "error: illegal JSON path '$['a','b']': several names"},
		{"$[x]", "error: illegal JSON path '$[x]': could not parse [x]"},
		{"", "error: illegal JSON path '': the path is empty"},
	} {
		p := compileJSONPath(c.path)
		var d jsonDoc
		if err := d.parse(doc); err != nil {
			t.Fatal(err)
		}
		var ev jsonEvaluator
		got := ""
		m, err := jsonMatch{}, p.err
		if err == nil {
			m, err = ev.eval(p, &d)
		}
		switch {
		case errors.Is(err, errJSONEmpty):
			got = "empty"
		case err != nil:
			got = "error: " + err.Error()
		case m.list:
			got = string(appendJSONList(nil, &d, m.nodes))
		default:
			got = string(appendJSONNode(nil, &d, m.nodes[0]))
		}
		if strings.HasPrefix(c.want, "error: ") && strings.HasPrefix(got, c.want) || got == c.want {
			continue
		}
		t.Errorf("path %q: got %s, want %s", c.path, got, c.want)
	}
}

func TestJSONNullDocument(t *testing.T) {
	var d jsonDoc
	if err := d.parse("null"); err != nil {
		t.Fatal(err)
	}
	var ev jsonEvaluator
	for _, path := range []string{"$", "lax $", "lax $.a"} {
		if _, err := ev.eval(compileJSONPath(path), &d); err == nil || errors.Is(err, errJSONEmpty) {
			t.Errorf("path %q on a null document: %v, want an error", path, err)
		}
	}
}

func TestJSONConvert(t *testing.T) {
	str := func(s string) jsonScalar { return jsonScalar{kind: jsonString, text: s} }
	num := func(s string) jsonScalar { return jsonScalar{kind: jsonNumber, text: s} }
	boolean := func(b bool) jsonScalar { return jsonScalar{kind: jsonBool, bool: b} }
	for _, c := range []struct {
		typ  string
		in   jsonScalar
		want string // "error" for a failed conversion
	}{
		{"STRING", boolean(true), "true"},
		{"STRING", num("1E+3"), "1E+3"},
		{"BOOLEAN", str(" Yes "), "TRUE"},
		{"BOOLEAN", str("0"), "FALSE"},
		{"BOOLEAN", str("y"), "error"},
		{"BOOLEAN", num("1"), "error"},
		{"INT", num("42"), "42"},
		{"INT", str("42"), "42"},
		{"INT", str(" 42"), "error"},
		{"INT", str("4.9e1"), "49"},
		{"INT", num("-13.89"), "-13"},
		{"INT", num("2147483648"), "error"},
		{"INT", boolean(true), "error"},
		{"TINYINT", num("-128"), "-128"},
		{"TINYINT", num("128"), "error"},
		{"SMALLINT", num("32767.9"), "32767"},
		{"BIGINT", num("9223372036854775807"), "9223372036854775807"},
		{"BIGINT", num("-9223372036854775808"), "-9223372036854775808"},
		{"BIGINT", num("9223372036854775808"), "error"},
		{"BIGINT", num("1E+50"), "error"},
		{"DOUBLE", num("13.37"), "13.37"},
		{"DOUBLE", num("1E+400"), "error"},
		{"DOUBLE", str("abc"), "error"},
		{"FLOAT", num("1E+39"), "error"},
		{"DECIMAL(5, 2)", num("123.456"), "123.46"},
		{"DECIMAL(5, 2)", num("1234.5"), "error"},
		{"DECIMAL(5, 2)", str("0.00"), "0.00"},
		{"DATE", str("2024-02-29"), "2024-02-29"},
		{"DATE", num("1"), "error"},
		{"TIMESTAMP(0)", str("2024-02-29 10:11:12.9"), "2024-02-29 10:11:12"},
	} {
		typ := types.MustParse(c.typ)
		out := vector.New(typ, 1)
		err := appendConverted(nil, out, c.in)
		got := "error"
		if err == nil {
			got = string(types.AppendValue(nil, typ, out.Get(0)))
		} else if out.Len() != 0 {
			t.Errorf("%s to %s: failed but appended a value", c.in, c.typ)
		}
		if got != c.want {
			t.Errorf("%s to %s = %s (%v), want %s", c.in, c.typ, got, err, c.want)
		}
	}
}

func TestSplitPathMode(t *testing.T) {
	for in, want := range map[string]string{
		"lax $.a": "lax|$.a", " STRICT\t$": "strict|$", "lax": "", "laxity $.a": "", "$.a": "", "lax   ": "lax| ",
	} {
		mode, rest, ok := splitPathMode(in)
		got := ""
		if ok {
			got = mode + "|" + rest
		}
		if got != want {
			t.Errorf("splitPathMode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSONCtorOptions(t *testing.T) {
	o := parseCtorOptions("absent on null FORMAT JSON 3,5")
	if !o.ok || !o.absent || !o.json[2] || !o.json[4] || o.json[3] {
		t.Errorf("parseCtorOptions: %+v", o)
	}
	for _, bad := range []string{"", "NULL", "NULL ON NULL FORMAT JSON x", "NULL ON NULL FORMAT JSON 1"} {
		if parseCtorOptions(bad).ok {
			t.Errorf("parseCtorOptions(%q) accepted", bad)
		}
	}
}

// TestJSONValueVectorized runs JSON_VALUE over a chunk with nulls and
// errors in the arguments, checking per-row results and error isolation.
func TestJSONValueVectorized(t *testing.T) {
	str := types.String()
	ret := types.Int()
	r, err := LookupCall("JSON_VALUE", []types.Type{str, str, ret, str, ret, str, ret},
		[]any{nil, nil, nil, "DEFAULT", nil, "ERROR", nil})
	if err != nil {
		t.Fatal(err)
	}
	docs := vector.New(str, 5)
	for _, s := range []any{`{"a": 1}`, `{"a": "x"}`, nil, `{}`, `{"a": 2.9}`} {
		_ = docs.Append(s)
	}
	paths, _ := vector.NewConst(str, "lax $.a")
	nullInt, _ := vector.NewConst(ret, nil)
	onEmpty, _ := vector.NewConst(str, "DEFAULT")
	onError, _ := vector.NewConst(str, "ERROR")
	dflt := vector.New(ret, 5)
	for _, x := range []any{int32(7), int32(7), int32(7), nil, int32(7)} {
		_ = dflt.Append(x)
	}
	out := vector.New(r.Result, 5)
	if err := r.Eval(nil, []*vector.Vector{docs, paths, nullInt, onEmpty, dflt, onError, nullInt}, 5, out); err != nil {
		t.Fatal(err)
	}
	want := []string{"1", "error", "NULL", "NULL", "2"}
	for i, w := range want {
		got := "NULL"
		switch {
		case out.ErrorAt(i) != nil:
			got = "error"
		case !out.IsNull(i):
			got = string(types.AppendValue(nil, ret, out.Get(i)))
		}
		if got != w {
			t.Errorf("row %d = %s, want %s", i, got, w)
		}
	}
}

// FuzzJSONDoc checks that no input makes the parser, the path evaluator or
// the writer panic, and that what parses writes back as JSON that parses
// to the same text.
func FuzzJSONDoc(f *testing.F) {
	for _, s := range []string{`{"a": [1, {"b": null}]}`, `[1e3, "x\u0041"]`, `"\ud800"`, `{"a":1,"a":2}`, `-0.0`, `[[[[]]]]`} {
		f.Add(s, "$.a[1].b")
		f.Add(s, "lax $.*[0:2]")
	}
	f.Fuzz(func(t *testing.T, text, path string) {
		var d jsonDoc
		if err := d.parse(text); err != nil {
			return
		}
		var ev jsonEvaluator
		_, _ = ev.eval(compileJSONPath(path), &d)
		out := appendJSONNode(nil, &d, 0)
		var again jsonDoc
		if err := again.parse(string(out)); err != nil {
			t.Fatalf("%q wrote %q, which does not parse: %v", text, out, err)
		}
		if out2 := appendJSONNode(nil, &again, 0); string(out2) != string(out) {
			t.Fatalf("%q: %q then %q", text, out, out2)
		}
	})
}
