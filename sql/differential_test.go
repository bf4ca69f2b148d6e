package sql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStreamingEqualsBatch runs queries over bounded input in streaming and
// in batch mode: the final results (the streaming changelog applied) must
// be equal.
func TestStreamingEqualsBatch(t *testing.T) {
	dir := t.TempDir()
	// Random events, in time order with a little disorder inside the
	// watermark's bound, so no row is late.
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		ts := time.UnixMilli(1_700_000_000_000 + int64(i)*50 - rng.Int64N(500)).UTC()
		fmt.Fprintf(&b, "%d,k%d,%d,%s\n", i, rng.IntN(7), rng.IntN(1000), ts.Format("2006-01-02 15:04:05.000"))
	}
	if err := os.WriteFile(filepath.Join(dir, "ev.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');
		CREATE VIEW big AS SELECT * FROM ev WHERE v > 500;
		CREATE TABLE versions (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), PRIMARY KEY (k) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');`, filepath.Join(dir, "ev.csv"), filepath.Join(dir, "ev.csv"))
	queries := []string{
		"SELECT k, COUNT(*), SUM(v), MIN(v), MAX(v), AVG(v), COUNT(DISTINCT v) FROM ev GROUP BY k",
		"SELECT n, COUNT(*), MAX(k) FROM (SELECT k, COUNT(*) AS n FROM ev GROUP BY k, v / 100) GROUP BY n",
		"SELECT window_start, k, COUNT(*), SUM(v) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, k",
		"SELECT window_end, MAX(v) FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end",
		"SELECT window_end, COUNT(*) FROM TABLE(CUMULATE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
		"SELECT k, TUMBLE_END(ts, INTERVAL '3' SECOND), COUNT(*) FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '3' SECOND)",
		"SELECT k, SESSION_START(ts, INTERVAL '300' SECOND), COUNT(*) FROM ev GROUP BY k, SESSION(ts, INTERVAL '300' SECOND)",
		"SELECT a.id, b.id FROM big a JOIN big b ON a.k = b.k AND a.v = b.v + 1",
		"SELECT k, v FROM big WHERE id < 100 UNION ALL SELECT k, v FROM ev WHERE id > 1900",
		"SELECT DISTINCT k, v / 250 FROM ev",
		"SELECT id, UPPER(k), CASE WHEN v > 900 THEN 'hi' ELSE 'lo' END, CAST(ts AS DATE) FROM ev WHERE MOD(id, 10) = 0",
		// Outer, semi and anti joins, set operations.
		"SELECT a.id, b.id FROM (SELECT * FROM ev WHERE id < 300) a LEFT JOIN big b ON a.k = b.k AND a.v = b.v - 1",
		"SELECT a.id, b.id FROM (SELECT * FROM ev WHERE v < 30) a FULL JOIN (SELECT * FROM big WHERE v > 990) b ON a.k = b.k AND a.v + 970 < b.v",
		"SELECT k, COUNT(*) FROM ev WHERE v IN (SELECT v + 1 FROM big) GROUP BY k",
		"SELECT id FROM ev WHERE NOT EXISTS (SELECT * FROM big WHERE big.k = ev.k AND big.v = ev.v)",
		"SELECT v FROM ev WHERE k = 'k1' INTERSECT SELECT v FROM ev WHERE k = 'k2'",
		"SELECT v / 10 FROM ev WHERE k = 'k1' EXCEPT ALL SELECT v / 10 FROM ev WHERE k = 'k2'",
		// Top-N, deduplication, window Top-N, OVER aggregation.
		"SELECT * FROM (SELECT k, id, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id) AS rn FROM ev) WHERE rn <= 3",
		"SELECT k, id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM ev) WHERE rn = 1",
		"SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY s DESC, k) AS rn FROM (" +
			"SELECT window_start, window_end, k, SUM(v) AS s FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k)) WHERE rn <= 2",
		"SELECT id, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM ev",
		"SELECT id, COUNT(*) OVER w, MAX(v) OVER w FROM ev WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW)",
		"SELECT id, v FROM ev ORDER BY v DESC, id LIMIT 7",
		"SELECT * FROM (SELECT k, v / 100 AS b, id, RANK() OVER (PARTITION BY k ORDER BY v / 100 DESC) AS r FROM ev) WHERE r <= 2",
		"SELECT * FROM (SELECT k, v / 100 AS b, id, DENSE_RANK() OVER (PARTITION BY k ORDER BY v / 100) AS r FROM ev) WHERE r <= 2",
		// Interval and window joins.
		"SELECT a.id, b.id FROM big a JOIN ev b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '1' SECOND AND a.ts AND b.v > 900",
		"SELECT a.id, b.id FROM big a LEFT JOIN ev b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '1' SECOND AND a.ts AND b.v > 900",
		"SELECT a.id, b.id FROM ev a, ev b WHERE a.k = b.k AND a.ts > b.ts AND a.ts <= b.ts + INTERVAL '0.3' SECOND AND a.v < 50",
		"SELECT L.k, L.n, R.n FROM " +
			"(SELECT k, COUNT(*) AS n, window_start, window_end FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY k, window_start, window_end) L " +
			"LEFT JOIN (SELECT k, COUNT(*) AS n, window_start, window_end FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY k, window_start, window_end) R " +
			"ON L.k = R.k AND L.window_start = R.window_start AND L.window_end = R.window_end",
		// Temporal join: each event with the latest earlier version of its key.
		"SELECT e.id, r.id, r.v FROM ev e LEFT JOIN versions FOR SYSTEM_TIME AS OF e.ts AS r ON e.k = r.k AND r.v > 100",
		"SELECT id, k FROM ev ORDER BY ts, id",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	modes := modeSessions(t, ctx, ddl)
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			results := runModes(t, ctx, modes, q)
			if results[0] != results[1] {
				t.Errorf("streaming and batch differ:\nstreaming:\n%s\nbatch:\n%s", results[0], results[1])
			}
			if strings.TrimSpace(results[0]) == "" {
				t.Errorf("no rows")
			}
		})
	}
}

// modeSessions returns a streaming and a batch session on two subtasks,
// each with ddl run.
func modeSessions(t *testing.T, ctx context.Context, ddl string) map[string]*Session {
	t.Helper()
	sessions := map[string]*Session{}
	for _, mode := range []string{"streaming", "batch"} {
		s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": mode, "parallelism.default": "2"}})
		if _, err := s.Execute(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		sessions[mode] = s
	}
	return sessions
}

// runModes runs q in the streaming and the batch session and returns their
// final results, formatted.
func runModes(t *testing.T, ctx context.Context, sessions map[string]*Session, q string) [2]string {
	t.Helper()
	var results [2]string
	for i, mode := range []string{"streaming", "batch"} {
		r, err := sessions[mode].Execute(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		results[i] = formatRows(r.ColumnTypes(), r.Final(), true)
	}
	return results
}
