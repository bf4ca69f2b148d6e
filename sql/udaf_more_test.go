package sql

import (
	"context"
	"strings"
	"testing"
)

// Go aggregate functions with DISTINCT (each distinct argument tuple once,
// also under retraction) and over OVER windows.
func TestAggregateUDFDistinctAndOver(t *testing.T) {
	for _, batch := range []bool{false, true} {
		s := udafSession(t, batch)
		cases := []struct{ q, want string }{
			// The rows of t: (1,'ab',10), (2,'',20), (3,'cde',NULL), (4,'fghi',40).
			{"SELECT WeightedAvg(DISTINCT v, 1) FROM (SELECT v FROM t UNION ALL SELECT v FROM t)", "23.333333333333332\n"},
			{"SELECT WeightedAvg(v, 1) FROM (SELECT v FROM t UNION ALL SELECT v FROM t)", "23.333333333333332\n"},
			{"SELECT concat_len(DISTINCT s) FROM (SELECT s FROM t UNION ALL SELECT s FROM t)", "9\n"},
			// Retraction through an updating input: counts of 1 and 3.
			{"SELECT WeightedAvg(DISTINCT n, 1) FROM (SELECT id > 1 AS k, COUNT(*) AS n FROM t GROUP BY id > 1)", "2.0\n"},
		}
		for _, c := range cases {
			got, err := udfQuery(t, s, c.q)
			if err != nil {
				t.Errorf("batch=%v %s: %v", batch, c.q, err)
				continue
			}
			if got != c.want {
				t.Errorf("batch=%v %s:\ngot\n%swant\n%s", batch, c.q, got, c.want)
			}
		}
	}
	s := udafSession(t, false)
	// t again, with a rowtime of id seconds.
	if _, err := s.Execute(context.Background(), strings.Replace(udafTableDDL(t, s), "CREATE TABLE t (id INT, s STRING, v BIGINT)",
		"CREATE TABLE e (id INT, s STRING, v BIGINT, ts AS CAST(TIMESTAMPADD(SECOND, id, TIMESTAMP '2024-01-01 00:00:00') AS TIMESTAMP(3)), WATERMARK FOR ts AS ts)", 1)); err != nil {
		t.Fatal(err)
	}
	got, err := udfQuery(t, s, "SELECT id, WeightedAvg(v, 1) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM e")
	if want := "1, 10.0\n2, 15.0\n3, 20.0\n4, 40.0\n"; err != nil || got != want {
		t.Errorf("a Go aggregate over an OVER window: %v\ngot\n%swant\n%s", err, got, want)
	}
	if _, err := s.Execute(context.Background(), "SELECT id, nosuch(v) OVER (ORDER BY ts) FROM e"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("an unknown function over a window: %v", err)
	}
}

// udafTableDDL is the CREATE TABLE of udfSession's table t.
func udafTableDDL(t *testing.T, s *Session) string {
	t.Helper()
	r, err := s.Execute(context.Background(), "SHOW CREATE TABLE t")
	if err != nil {
		t.Fatal(err)
	}
	return r.Rows[0].Values[0].(string)
}
