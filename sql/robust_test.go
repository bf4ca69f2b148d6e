package sql

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/vector"
)

const robustDDL = `
CREATE TABLE t (a INT, b STRING, c BIGINT, d DOUBLE, m DECIMAL(10, 2), r ROW<x INT, y STRING>, ts TIMESTAMP(3),
  e AS a + 1, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json');
CREATE TABLE s (a INT, n BIGINT) WITH ('connector' = 'print');
CREATE VIEW v AS SELECT a, b, ts FROM t WHERE a > 0;
`

// planOnly plans every statement of src (running DDL and SET), without
// running jobs: what the fuzz target exercises.
func planOnly(s *Session, src string) {
	stmts, err := parser.ParseStatements(src)
	if err != nil {
		return
	}
	for _, st := range stmts {
		switch st := st.(type) {
		case *ast.Query:
			s.planner().PlanQuery(st)
		case *ast.Insert:
			s.planner().PlanInserts([]*ast.Insert{st})
		case *ast.StatementSet:
			s.planner().PlanInserts(st.Inserts)
		default:
			s.executeStmt(context.Background(), st)
		}
	}
}

// seeds are the statements of the data-driven tests.
func seeds(t testing.TB) []string {
	var out []string
	for _, dir := range []string{"testdata", "plan/testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, block := range strings.Split(string(b), "\n\n") {
				lines := strings.Split(strings.TrimSpace(block), "\n")
				var stmt []string
				for _, l := range lines[min(1, len(lines)):] {
					if l == "----" {
						break
					}
					stmt = append(stmt, l)
				}
				if len(stmt) > 0 {
					out = append(out, strings.Join(stmt, "\n"))
				}
			}
		}
	}
	return out
}

// TestNoPanicOnPrefixes plans every prefix (at each space) of every test
// statement: the planner must answer with an error, never panic.
func TestNoPanicOnPrefixes(t *testing.T) {
	s := NewSession(Options{})
	if _, err := s.Execute(context.Background(), robustDDL); err != nil {
		t.Fatal(err)
	}
	for _, src := range seeds(t) {
		for i := range src {
			if src[i] == ' ' || src[i] == ',' || src[i] == '(' {
				planOnly(s, src[:i])
				planOnly(s, src[:i]+src[min(i+1, len(src)):])
			}
		}
		planOnly(s, src)
	}
}

func FuzzPlan(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s := NewSession(Options{})
		if _, err := s.Execute(context.Background(), robustDDL); err != nil {
			t.Fatal(err)
		}
		planOnly(s, src)
	})
}

// TestRunFromJSONPlan runs a query from its physical plan's JSON alone and
// compares with the plan it came from.
func TestRunFromJSONPlan(t *testing.T) {
	ctx := context.Background()
	s := NewSession(Options{})
	if _, err := s.Execute(ctx, `CREATE TABLE g (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '50',
		'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '50', 'fields.b.length' = '1')`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT MOD(a, 3) AS k, COUNT(*), SUM(a), MAX(b) FROM g WHERE a > 5 GROUP BY MOD(a, 3)",
		"SELECT x.a, y.b FROM g x JOIN g y ON x.a = y.a + 1 WHERE x.a < 10",
		"SELECT x.a, y.b FROM g x LEFT JOIN g y ON x.a = y.a * 2 AND y.b <> 'z'",
		"SELECT a, b FROM g WHERE a NOT IN (SELECT a * 3 FROM g) INTERSECT SELECT a, b FROM g WHERE a > 10",
		"SELECT * FROM (SELECT b, a, ROW_NUMBER() OVER (PARTITION BY b ORDER BY a DESC) AS rn FROM g) WHERE rn <= 2",
		"SELECT a, x FROM g CROSS JOIN UNNEST(ARRAY[a, a + 1]) WITH ORDINALITY AS u(x, i) WHERE i = 2",
		"SELECT a, b FROM g ORDER BY b DESC, a LIMIT 4 OFFSET 1",
	} {
		results := runBothWays(t, ctx, s, q)
		if results[0] != results[1] || results[0] == "\n" {
			t.Errorf("%s: from JSON\n%s\nwant\n%s", q, results[1], results[0])
		}
	}
}

// runBothWays runs query q on s from its physical plan and from the plan's
// JSON read back, and returns both final results, formatted.
func runBothWays(t *testing.T, ctx context.Context, s *Session, q string) [2]string {
	t.Helper()
	stmt, err := parser.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.planner().PlanQuery(stmt)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(p.Physical)
	if err != nil {
		t.Fatal(err)
	}
	var back plan.Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	var results [2]string
	for i, pl := range []*plan.Plan{p.Physical, &back} {
		var rows []Row
		if _, err := s.run(ctx, pl, func(k vector.RowKind, v []any) { rows = append(rows, Row{Kind: k, Values: v}) }); err != nil {
			t.Fatal(err)
		}
		r := &Result{Columns: p.Logical[0].Columns, Rows: rows}
		results[i] = formatRows(r.ColumnTypes(), r.Final(), true)
	}
	return results
}
