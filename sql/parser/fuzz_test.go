package parser

import (
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
)

// FuzzParse checks that no input makes the parser panic, that every error
// is a *Error, and that every successful parse survives printing and
// parsing again unchanged.
func FuzzParse(f *testing.F) {
	for _, in := range testdataInputs(f) {
		f.Add(in)
	}
	// A sample of the combinatorial round-trip cases mixes constructs the
	// hand-written cases keep apart.
	for i, tmpl := range templates {
		x, y := operands[i%len(operands)], operands[(i*7+3)%len(operands)]
		f.Add(strings.NewReplacer("$X", x, "$Y", y, "$Z", x).Replace(tmpl))
	}
	for i, tmpl := range joinTemplates {
		f.Add(strings.NewReplacer("$A", tableRefs[i%len(tableRefs)], "$B", tableRefs[(i+3)%len(tableRefs)]).Replace(tmpl))
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := ParseStatements(src)
		if err != nil {
			checkError(t, src, err)
		} else {
			checkStatementsRoundTrip(t, "fuzz", stmts)
		}
		if e, err := ParseExpr(src); err != nil {
			checkError(t, src, err)
		} else {
			checkRoundTrip(t, "fuzz expr", e, ast.Format(e), func(s string) (ast.Node, error) { return ParseExpr(s) })
		}
		if typ, err := ParseType(src); err != nil {
			checkError(t, src, err)
		} else {
			checkRoundTrip(t, "fuzz type", typ, ast.Format(typ), func(s string) (ast.Node, error) { return ParseType(s) })
		}
	})
}

func checkError(t *testing.T, src string, err error) {
	t.Helper()
	pe, ok := err.(*Error)
	if !ok {
		t.Fatalf("error is %T, want *Error: %v", err, err)
	}
	if strings.Contains(pe.Msg, "internal parser error") {
		t.Fatalf("parser bug on %q: %v", src, pe.Msg)
	}
	if pe.Line < 1 || pe.Column < 1 {
		t.Fatalf("error without a position on %q: %v", src, err)
	}
	_ = pe.Error()
}

// TestDeepNesting checks that pathological nesting fails cleanly.
func TestDeepNesting(t *testing.T) {
	const n = 100000
	cases := map[string]string{
		"parens":    strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"unary":     strings.Repeat("- ", n) + "1",
		"not":       strings.Repeat("NOT ", n) + "TRUE",
		"subquery":  strings.Repeat("(SELECT ", n) + "1" + strings.Repeat(")", n),
		"arrays":    strings.Repeat("ARRAY[", n) + "1" + strings.Repeat("]", n),
		"index":     "a" + strings.Repeat("[1]", n),
		"case":      strings.Repeat("CASE WHEN a THEN ", n) + "1" + strings.Repeat(" END", n),
		"from":      "SELECT * FROM " + strings.Repeat("(", n) + "t" + strings.Repeat(")", n),
		"types":     "CAST(x AS " + strings.Repeat("ARRAY<", n) + "INT" + strings.Repeat(">", n) + ")",
		"unclosed":  strings.Repeat("(", n),
		"setops":    strings.Repeat("(SELECT 1 UNION ", n) + "SELECT 1" + strings.Repeat(")", n),
		"functions": strings.Repeat("f(", n) + "1" + strings.Repeat(")", n),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseExpr(src)
			if err == nil {
				t.Fatal("expected a nesting error")
			}
			if _, err := ParseStatements("SELECT " + src); err == nil {
				t.Fatal("expected a nesting error")
			}
		})
	}
	// Moderate nesting still works.
	src := strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)
	if _, err := ParseExpr(src); err != nil {
		t.Fatalf("nesting of 100 should parse: %v", err)
	}
}

// TestLongChains checks that long flat operator chains, which build deep
// left-leaning trees without deep parser recursion, print and compare.
func TestLongChains(t *testing.T) {
	src := "SELECT 1" + strings.Repeat(" + 1", 20000) + " FROM t WHERE a IN (" +
		strings.Repeat("1, ", 20000) + "1)"
	stmts, err := ParseStatements(src)
	if err != nil {
		t.Fatal(err)
	}
	checkStatementsRoundTrip(t, "long chains", stmts)
}

// TestErrorType checks the documented error rendering.
func TestErrorType(t *testing.T) {
	_, err := ParseStatements("SELECT a\n  , b FROM t WHERE\n")
	pe, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %T", err)
	}
	if pe.Line != 3 || pe.Column != 1 {
		t.Fatalf("position %d:%d, want 3:1", pe.Line, pe.Column)
	}
	want := "SQL parse error at line 3, column 1: expected an expression, found end of input"
	if pe.Error() != want {
		t.Fatalf("got %q, want %q", pe.Error(), want)
	}
}

// TestLargeInputsAreFast guards against quadratic behavior on big inputs.
func TestLargeInputsAreFast(t *testing.T) {
	inputs := []string{
		"SELECT " + strings.Repeat("'a' ", 200000),
		"SELECT X'00'" + strings.Repeat(" 'FF'", 200000),
		"SELECT " + strings.Repeat("a.", 100000) + "b FROM t",
		"SELECT " + strings.Repeat("a.", 100000) + "* FROM t",
		strings.Repeat("SELECT 1;", 50000),
		"SELECT " + strings.Repeat("f(1) + ", 50000) + "1",
	}
	for i, src := range inputs {
		start := time.Now()
		stmts, err := ParseStatements(src)
		if err == nil {
			_ = ast.FormatStatements(stmts)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("input %d took %v", i, d)
		}
	}
}
