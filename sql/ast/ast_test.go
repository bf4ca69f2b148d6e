package ast_test

import (
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/parser"
)

func mustParse(t *testing.T, src string) ast.Stmt {
	t.Helper()
	s, err := parser.ParseStatement(src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInspectFindsColumns(t *testing.T) {
	stmt := mustParse(t, "SELECT a + f(b) FROM t WHERE c IN (SELECT d FROM u) GROUP BY e")
	var cols []string
	ast.Inspect(stmt, func(n ast.Node) bool {
		if c, ok := n.(*ast.ColumnRef); ok {
			cols = append(cols, ast.Format(c))
		}
		return true
	})
	if got, want := strings.Join(cols, " "), "a b c d e"; got != want {
		t.Fatalf("columns %q, want %q", got, want)
	}
}

func TestInspectCanPrune(t *testing.T) {
	stmt := mustParse(t, "SELECT a FROM t WHERE x IN (SELECT b FROM u)")
	var cols []string
	ast.Inspect(stmt, func(n ast.Node) bool {
		if _, sub := n.(*ast.InExpr); sub {
			return false
		}
		if c, ok := n.(*ast.ColumnRef); ok {
			cols = append(cols, ast.Format(c))
		}
		return true
	})
	if got := strings.Join(cols, " "); got != "a" {
		t.Fatalf("columns %q, want %q", got, "a")
	}
}

func TestEqualIgnoresPositions(t *testing.T) {
	a := mustParse(t, "SELECT  a+1 FROM t")
	b := mustParse(t, "select a + 1\nfrom t")
	if !ast.Equal(a, b) {
		t.Fatal("trees differing only in layout should be equal")
	}
	c := mustParse(t, "SELECT a+2 FROM t")
	if ast.Equal(a, c) {
		t.Fatal("different literals should not be equal")
	}
}

func TestPositions(t *testing.T) {
	stmt := mustParse(t, "SELECT a,\n  bb + 1 FROM t")
	sel := stmt.(*ast.Query).Body.(*ast.Select)
	bin := sel.Items[1].Expr.(*ast.BinaryExpr)
	if got := bin.Start(); got.Line != 2 || got.Column != 3 || got.Offset != 12 {
		t.Fatalf("position %+v, want line 2 column 3 offset 12", got)
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{
		"abc":      "abc",
		"dateTime": "dateTime",
		"value":    "`value`",
		"my col":   "`my col`",
		"a`b":      "`a``b`",
		"1abc":     "`1abc`",
		"map":      "`map`",
		"ünï":      "ünï",
	} {
		if got := ast.QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFormatBuiltTree checks that the printer handles trees built by hand,
// as the planner might, parenthesizing by precedence.
func TestFormatBuiltTree(t *testing.T) {
	col := func(name string) ast.Expr { return &ast.ColumnRef{Parts: []*ast.Ident{{Name: name}}} }
	e := &ast.BinaryExpr{
		Op: ast.OpMul,
		L:  &ast.BinaryExpr{Op: ast.OpAdd, L: col("a"), R: col("b")},
		R:  &ast.UnaryExpr{Op: ast.OpNeg, X: &ast.UnaryExpr{Op: ast.OpNeg, X: col("c")}},
	}
	if got, want := ast.Format(e), "(a + b) * - -c"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
