package sql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Go aggregate in a window aggregation and in EXPLAIN.
func TestAggregateUDFWindow(t *testing.T) {
	for _, batch := range []bool{false, true} {
		s := udafSession(t, batch)
		dir := t.TempDir()
		data := "1,2024-01-01 00:00:01.000\n2,2024-01-01 00:00:02.000\n3,2024-01-01 00:00:06.000\n"
		if err := os.WriteFile(filepath.Join(dir, "e.csv"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := s.Execute(context.Background(), fmt.Sprintf(`CREATE TABLE e (v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
			WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, filepath.Join(dir, "e.csv")))
		if err != nil {
			t.Fatal(err)
		}
		q := "SELECT window_start, WeightedAvg(v, 1), half(v * 2) FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, v"
		got, err := udfQuery(t, s, "SELECT window_start, WeightedAvg(v, 1) FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end")
		if err != nil {
			t.Fatal(err)
		}
		if want := "2024-01-01 00:00:00.000, 1.5\n2024-01-01 00:00:05.000, 3.0\n"; got != want {
			t.Errorf("batch=%v: got\n%swant\n%s", batch, got, want)
		}
		r, err := s.Execute(context.Background(), "EXPLAIN "+q)
		if err != nil {
			t.Fatal(err)
		}
		if plan := fmt.Sprint(r.Rows); !strings.Contains(plan, "WeightedAvg") {
			t.Errorf("EXPLAIN does not name the function:\n%s", plan)
		}
	}
}
