package parser

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/eddy-streams/eddy/sql/ast"
)

// TestDataDriven runs the cases in testdata/. Commands:
//
//	parse          parse a script; print each statement canonically
//	parse-expr     parse an expression
//	parse-type     parse a data type
//	tree           parse a script; print the node structure with positions
//
// Every successful parse is also checked for round-trip stability:
// parsing the printed form yields an Equal tree and prints identically.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "parse":
				stmts, err := ParseStatements(d.Input)
				if err != nil {
					return err.Error() + "\n"
				}
				checkStatementsRoundTrip(t, d.Pos, stmts)
				return ast.FormatStatements(stmts)
			case "parse-expr":
				e, err := ParseExpr(d.Input)
				if err != nil {
					return err.Error() + "\n"
				}
				out := ast.Format(e)
				checkRoundTrip(t, d.Pos, e, out, func(s string) (ast.Node, error) { return ParseExpr(s) })
				if d.HasArg("sexpr") {
					return out + "\n" + sexpr(e) + "\n"
				}
				return out + "\n"
			case "parse-type":
				typ, err := ParseType(d.Input)
				if err != nil {
					return err.Error() + "\n"
				}
				out := ast.Format(typ)
				checkRoundTrip(t, d.Pos, typ, out, func(s string) (ast.Node, error) { return ParseType(s) })
				return out + "\n"
			case "tree":
				stmts, err := ParseStatements(d.Input)
				if err != nil {
					return err.Error() + "\n"
				}
				var b strings.Builder
				for _, s := range stmts {
					dumpTree(&b, s)
				}
				return b.String()
			default:
				d.Fatalf(t, "unknown command %q", d.Cmd)
				return ""
			}
		})
	})
}

func checkStatementsRoundTrip(t *testing.T, where string, stmts []ast.Stmt) {
	t.Helper()
	printed := ast.FormatStatements(stmts)
	again, err := ParseStatements(printed)
	if err != nil {
		t.Fatalf("%s: printed form does not parse:\n%s\n%v", where, printed, err)
	}
	if len(again) != len(stmts) {
		t.Fatalf("%s: printed form has %d statements, want %d:\n%s", where, len(again), len(stmts), printed)
	}
	for i := range stmts {
		if !ast.Equal(stmts[i], again[i]) {
			t.Fatalf("%s: statement %d changed after printing and parsing again:\n%s\n%s",
				where, i+1, ast.Format(stmts[i]), ast.Format(again[i]))
		}
	}
	if printedAgain := ast.FormatStatements(again); printedAgain != printed {
		t.Fatalf("%s: printing is not idempotent:\n%s\n%s", where, printed, printedAgain)
	}
}

func checkRoundTrip(t *testing.T, where string, n ast.Node, printed string, parse func(string) (ast.Node, error)) {
	t.Helper()
	again, err := parse(printed)
	if err != nil {
		t.Fatalf("%s: printed form %q does not parse: %v", where, printed, err)
	}
	if !ast.Equal(n, again) {
		t.Fatalf("%s: tree changed after printing and parsing %q", where, printed)
	}
	if p2 := ast.Format(again); p2 != printed {
		t.Fatalf("%s: printing is not idempotent: %q vs %q", where, printed, p2)
	}
}

// dumpTree prints one line per node: indentation, type, position and the
// node's scalar fields, using ast.Inspect for the traversal.
func dumpTree(b *strings.Builder, root ast.Node) {
	depth := 0
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			depth--
			return false
		}
		fmt.Fprintf(b, "%s%s @%s%s\n", strings.Repeat("  ", depth), nodeTypeName(n), n.Start(), scalarFields(n))
		depth++
		return true
	})
}

func nodeTypeName(n ast.Node) string {
	return strings.TrimPrefix(reflect.TypeOf(n).String(), "*ast.")
}

// scalarFields renders the non-zero string, bool and int fields of a node.
func scalarFields(n ast.Node) string {
	v := reflect.ValueOf(n)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	var parts []string
	for i := 0; i < v.NumField(); i++ {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			if f.String() != "" {
				parts = append(parts, fmt.Sprintf("%s=%q", name, f.String()))
			}
		case reflect.Bool:
			if f.Bool() {
				parts = append(parts, name)
			}
		case reflect.Int:
			if f.Int() != 0 && f.Int() != ast.NoPrecision {
				parts = append(parts, fmt.Sprintf("%s=%d", name, f.Int()))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// testdataInputs returns the inputs of all cases under testdata, for
// seeding the fuzzer.
func testdataInputs(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, f := range files {
		datadriven.RunTestAny(t, f, func(t testing.TB, d *datadriven.TestData) string {
			inputs = append(inputs, d.Input)
			return d.Expected
		})
	}
	return inputs
}

// sexpr renders the operator structure of an expression with explicit
// grouping, to pin down precedence and associativity in tests.
func sexpr(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		return fmt.Sprintf("(%s %s %s)", e.Op, sexpr(e.L), sexpr(e.R))
	case *ast.UnaryExpr:
		return fmt.Sprintf("(%s %s)", e.Op, sexpr(e.X))
	case *ast.IsExpr:
		not := ""
		if e.Not {
			not = "NOT "
		}
		return fmt.Sprintf("(IS %s%s %s)", not, e.Test, sexpr(e.X))
	case *ast.BetweenExpr:
		return fmt.Sprintf("(%sBETWEEN %s %s %s)", notPrefix(e.Not), sexpr(e.X), sexpr(e.Low), sexpr(e.High))
	case *ast.LikeExpr:
		return fmt.Sprintf("(%s%s %s %s)", notPrefix(e.Not), e.Kind, sexpr(e.X), sexpr(e.Pattern))
	case *ast.InExpr:
		if e.Query != nil {
			return fmt.Sprintf("(%sIN %s <query>)", notPrefix(e.Not), sexpr(e.X))
		}
		items := make([]string, len(e.List))
		for i, x := range e.List {
			items[i] = sexpr(x)
		}
		return fmt.Sprintf("(%sIN %s [%s])", notPrefix(e.Not), sexpr(e.X), strings.Join(items, " "))
	case *ast.IndexExpr:
		return fmt.Sprintf("(INDEX %s %s)", sexpr(e.X), sexpr(e.Index))
	case *ast.FieldAccess:
		return fmt.Sprintf("(FIELD %s %s)", sexpr(e.X), e.Field.Name)
	}
	return ast.Format(e)
}

func notPrefix(not bool) string {
	if not {
		return "NOT "
	}
	return ""
}

func formatNode(n ast.Node) string { return ast.Format(n) }

func parseExprNode(s string) (ast.Node, error) { return ParseExpr(s) }
