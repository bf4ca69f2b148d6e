package exec_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/exec"
)

// TestSlicedHopEqualsPerWindow runs HOP aggregations on slices and with
// one copy of each row per window: the changelogs must be equal, late
// rows included (watermarks after every chunk make lateness
// deterministic).
func TestSlicedHopEqualsPerWindow(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for i := 0; i < 6000; i++ {
		ms := 1_700_000_000_000 + int64(i)*20
		if rng.IntN(10) == 0 {
			ms -= rng.Int64N(12_000) // late for some of its windows, or all
		}
		ts := time.UnixMilli(ms).UTC()
		v := fmt.Sprint(rng.IntN(1000) - 100)
		if rng.IntN(20) == 0 {
			v = "" // NULL
		}
		fmt.Fprintf(&b, "%d,k%d,%s,%s\n", i, rng.IntN(5), v, ts.Format("2006-01-02 15:04:05.000"))
	}
	if err := os.WriteFile(filepath.Join(dir, "ev.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, filepath.Join(dir, "ev.csv"))
	queries := []string{
		"SELECT window_start, window_end, k, COUNT(*), COUNT(v), SUM(v), MAX(v), MIN(v), AVG(v), SUM(id) FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k",
		"SELECT window_end, COUNT(*), MAX(v) FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '3' SECOND, INTERVAL '9' SECOND)) GROUP BY window_start, window_end",
		"SELECT k, window_end, COUNT(*) FILTER (WHERE v > 500), MIN(v) FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '5' SECOND)) WHERE v > 0 GROUP BY k, window_start, window_end",
	}
	defer func(a, b bool) { *exec.DisableSlicing, *exec.PunctuatedWatermarks = a, b }(*exec.DisableSlicing, *exec.PunctuatedWatermarks)
	*exec.PunctuatedWatermarks = true
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			var results [2]string
			for i, disable := range []bool{false, true} {
				*exec.DisableSlicing = disable
				s := sql.NewSession(sql.Options{Config: map[string]string{"parallelism.default": "1"}})
				if _, err := s.Execute(ctx, ddl); err != nil {
					t.Fatal(err)
				}
				r, err := s.Execute(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var rows []string
				for _, row := range r.Rows {
					rows = append(rows, fmt.Sprint(row.Kind, row.Values))
				}
				slices.Sort(rows)
				results[i] = strings.Join(rows, "\n")
			}
			if results[0] != results[1] {
				t.Errorf("sliced and per-window results differ:\nsliced:\n%s\nper window:\n%s", results[0], results[1])
			}
			if results[0] == "" {
				t.Errorf("no rows")
			}
		})
	}
}
