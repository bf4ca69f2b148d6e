package parser

import (
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/sql/ast"
)

// ARRAY_AGG takes RESPECT NULLS or IGNORE NULLS after its argument, with
// DISTINCT/ALL, FILTER and OVER around it; other calls refuse them.
func TestNullTreatment(t *testing.T) {
	for src, want := range map[string]ast.NullTreatment{
		"ARRAY_AGG(x)":                                       "",
		"ARRAY_AGG(x IGNORE NULLS)":                          ast.IgnoreNulls,
		"array_agg(DISTINCT x + 1 respect nulls)":            ast.RespectNulls,
		"ARRAY_AGG(ALL x IGNORE NULLS) FILTER (WHERE x > 1)": ast.IgnoreNulls,
		"ARRAY_AGG(x RESPECT NULLS) OVER w":                  ast.RespectNulls,
	} {
		e, err := ParseExpr(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		f, ok := e.(*ast.FuncCall)
		if !ok || f.Nulls != want || len(f.Args) != 1 {
			t.Errorf("%s: got %#v, want Nulls %q", src, e, want)
		}
	}
	for _, src := range []string{"COUNT(x IGNORE NULLS)", "LAG(x RESPECT NULLS)", "s.ARRAY_AGG(x IGNORE NULLS)"} {
		if _, err := ParseExpr(src); err == nil || !strings.Contains(err.Error(), "only supported in ARRAY_AGG") {
			t.Errorf("%s: %v, want the error that only ARRAY_AGG takes it", src, err)
		}
	}
	if _, err := ParseExpr("ARRAY_AGG(x IGNORE)"); err == nil {
		t.Errorf("ARRAY_AGG(x IGNORE): no error")
	}
}
