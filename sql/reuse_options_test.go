package sql

import (
	"context"
	"strings"
	"testing"
)

// table.optimizer.reuse-sub-plan-enabled turns the sharing of identical
// sub-plans off, as in Flink; a bad value is refused at SET.
func TestReuseOptions(t *testing.T) {
	ctx := context.Background()
	s := NewSession(Options{})
	if _, err := s.Execute(ctx, "CREATE TABLE g (a INT, b INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10')"); err != nil {
		t.Fatal(err)
	}
	q := "EXPLAIN SELECT * FROM (SELECT a, COUNT(*) AS n FROM g GROUP BY a) x JOIN (SELECT a, COUNT(*) AS n FROM g GROUP BY a) y ON x.a = y.a"
	explain := func() string {
		t.Helper()
		r, err := s.Execute(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r.Rows[0].Values[0].(string)
	}
	if got := explain(); !strings.Contains(got, "Reused(reference_id=") {
		t.Errorf("by default the two aggregations are one:\n%s", got)
	}
	if _, err := s.Execute(ctx, "SET 'table.optimizer.reuse-sub-plan-enabled' = 'false'"); err != nil {
		t.Fatal(err)
	}
	if got := explain(); strings.Contains(got, "Reused(") {
		t.Errorf("with sub-plan reuse off nothing is shared:\n%s", got)
	}
	if _, err := s.Execute(ctx, "SET 'table.optimizer.reuse-source-enabled' = 'maybe'"); err == nil {
		t.Errorf("a bad value was accepted")
	}
}
