package sql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// COMPILE PLAN writes an INSERT's plan; EXECUTE PLAN runs it in a session
// that has no tables at all, with the same result as the INSERT.
func TestCompileAndExecutePlan(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ddl := `CREATE TABLE g (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '20',
		'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '20', 'fields.b.length' = '1');
		CREATE TABLE out1 (k INT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '` + filepath.Join(dir, "out1") + `', 'format' = 'csv');
		CREATE TABLE out2 (k INT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '` + filepath.Join(dir, "out2") + `', 'format' = 'csv');
		CREATE TABLE back1 (k INT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '` + filepath.Join(dir, "out1") + `', 'format' = 'csv');
		CREATE TABLE back2 (k INT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '` + filepath.Join(dir, "out2") + `', 'format' = 'csv');`
	s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": "batch"}})
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(dir, "plans", "q.json")
	if _, err := s.Execute(ctx, "COMPILE PLAN '"+planFile+"' FOR INSERT INTO out1 SELECT MOD(a, 3), COUNT(*) FROM g WHERE a > 2 GROUP BY MOD(a, 3)"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out1")); err == nil {
		t.Errorf("COMPILE PLAN ran the INSERT")
	}
	data, err := os.ReadFile(planFile)
	if err != nil || !strings.Contains(string(data), `"eddy_plan_version": 1`) {
		t.Fatalf("plan file: %v\n%s", err, data)
	}
	// A fresh session without the tables runs the plan.
	fresh := NewSession(Options{Config: map[string]string{"execution.runtime-mode": "batch"}})
	if _, err := fresh.Execute(ctx, "EXECUTE PLAN 'file://"+planFile+"'"); err != nil {
		t.Fatal(err)
	}
	// The same INSERT run directly.
	if _, err := s.Execute(ctx, "INSERT INTO out2 SELECT MOD(a, 3), COUNT(*) FROM g WHERE a > 2 GROUP BY MOD(a, 3)"); err != nil {
		t.Fatal(err)
	}
	a, err := s.Execute(ctx, "SELECT * FROM back1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Execute(ctx, "SELECT * FROM back2")
	if err != nil {
		t.Fatal(err)
	}
	ra, rb := rowsText(a), rowsText(b)
	if ra != rb || ra == "" {
		t.Errorf("from the plan:\n%s\ndirectly:\n%s", ra, rb)
	}

	// An existing file: an error, kept with IF NOT EXISTS, replaced with
	// table.plan.force-recompile.
	if _, err := s.Execute(ctx, "COMPILE PLAN '"+planFile+"' FOR INSERT INTO out1 SELECT a, 1 FROM g"); err == nil || !strings.Contains(err.Error(), "IF NOT EXISTS") {
		t.Errorf("recompiling over a plan: %v", err)
	}
	if _, err := s.Execute(ctx, "COMPILE PLAN '"+planFile+"' IF NOT EXISTS FOR INSERT INTO out1 SELECT a, 1 FROM g"); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(planFile); string(again) != string(data) {
		t.Errorf("IF NOT EXISTS replaced the plan")
	}
	if _, err := s.Execute(ctx, "SET 'table.plan.force-recompile' = 'true'; COMPILE PLAN '"+planFile+"' FOR INSERT INTO out1 SELECT a, 1 FROM g"); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(planFile); string(again) == string(data) {
		t.Errorf("force-recompile kept the old plan")
	}

	// A function created from a registered Go class goes into the plan by
	// its class name.
	if err := RegisterFunctionClass("test.plan.Triple", func(x int32) int32 { return 3 * x }); err != nil {
		t.Fatal(err)
	}
	classPlan := filepath.Join(dir, "class.json")
	if _, err := s.Execute(ctx, "CREATE FUNCTION triple AS 'test.plan.Triple'; COMPILE PLAN '"+classPlan+"' FOR INSERT INTO out1 SELECT triple(a), 1 FROM g WHERE a = 2"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(classPlan); !strings.Contains(string(data), `"udf_class": "test.plan.Triple"`) {
		t.Errorf("the plan does not name the function's class:\n%s", data)
	}
	if _, err := fresh.Execute(ctx, "EXECUTE PLAN '"+classPlan+"'"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Execute(ctx, "SELECT k FROM back1 WHERE n = 1"); err != nil || !strings.Contains(rowsText(r), "6") {
		t.Errorf("the class function from the plan: %v %v", err, r)
	}

	// Errors.
	if err := s.RegisterScalarFunction("twice", func(x int32) int32 { return 2 * x }); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"COMPILE PLAN '" + filepath.Join(dir, "u.json") + "' FOR INSERT INTO out1 SELECT twice(a), 1 FROM g": "Go function twice",
		"EXECUTE PLAN '" + filepath.Join(dir, "missing.json") + "'":                                          "no such file",
		"EXECUTE PLAN 's3://bucket/p.json'":                                                                  "only local files",
	} {
		if _, err := s.Execute(ctx, q); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", q, err, want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"eddy_plan_version": 9, "plan": {"nodes": [], "sinks": []}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(ctx, "EXECUTE PLAN '"+filepath.Join(dir, "bad.json")+"'"); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("a plan of another version: %v", err)
	}
}

func rowsText(r *Result) string {
	var lines []string
	for _, row := range r.Final() {
		lines = append(lines, fmt.Sprint(row...))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
