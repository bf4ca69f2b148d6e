package sql

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
)

// matchQueries exercise every part of a Match node's plan: accessors of
// each kind, aggregates, WITHIN, the after-match strategies.
var matchQueries = []string{
	`SELECT * FROM ev MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts
	   MEASURES FIRST(A.id) AS a, LAST(B.id, 1) AS b1, COUNT(*) AS n, AVG(B.v * 2) AS avg_b, MATCH_ROWTIME() AS mt
	   AFTER MATCH SKIP PAST LAST ROW
	   PATTERN (A B{2,}? C) WITHIN INTERVAL '5' SECOND
	   DEFINE A AS A.v < 3, B AS B.v >= PREV(B.v) OR SUM(B.v) < 10, C AS C.v < LAST(B.v))`,
	`SELECT * FROM ev MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts
	   MEASURES FIRST(id) AS a, LAST(id) AS z, MAX(U.v) AS top
	   AFTER MATCH SKIP TO LAST U
	   PATTERN (D* U+ X) DEFINE D AS D.v < 5, U AS U.v >= 5, X AS X.v < LAST(U.v, 1))`,
	`SELECT * FROM ev MATCH_RECOGNIZE (ORDER BY ts, id DESC
	   MEASURES FIRST(id) AS a, LAST(id) AS z
	   PATTERN (A B? C) DEFINE A AS MOD(A.v, 2) = 0, B AS B.v > 7, C AS C.k <> A.k)`,
}

// TestMatchPlanJSON runs MATCH_RECOGNIZE from its physical plan and from
// the plan's JSON form (what COMPILE PLAN writes): the same rows.
func TestMatchPlanJSON(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := matchSession(t, ctx, 500)
	for _, q := range matchQueries {
		res := runBothWays(t, ctx, s, q)
		if res[0] != res[1] {
			t.Errorf("%s:\nfrom the plan:\n%s\nfrom its JSON:\n%s", q, res[0], res[1])
		}
		if strings.Count(res[0], "\n") < 5 {
			t.Errorf("%s: %d rows: not a test", q, strings.Count(res[0], "\n"))
		}
	}
}

// matchSession returns a session on two subtasks with a table ev of n rows
// over three keys, in time order.
func matchSession(t *testing.T, ctx context.Context, n int) *Session {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		ts := time.UnixMilli(1_700_000_000_000 + int64(i)*100).UTC()
		fmt.Fprintf(&b, "%d,k%d,%d,%s\n", i, rng.IntN(3), rng.IntN(10), ts.Format("2006-01-02 15:04:05.000"))
	}
	if err := os.WriteFile(filepath.Join(dir, "ev.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "2"}})
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, dir)
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMatchSkipToFirstRowFails: AFTER MATCH SKIP TO FIRST of the variable
// that starts the match would restart where the match started; the job
// fails, as Flink's does. So does a SKIP TO whose variable took no row.
func TestMatchSkipToFirstRowFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := matchSession(t, ctx, 50)
	for q, want := range map[string]string{
		"SELECT * FROM ev MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a AFTER MATCH SKIP TO FIRST A PATTERN (A B) DEFINE A AS A.v > 0)":     "the variable's row is the first row of the match",
		"SELECT * FROM ev MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a AFTER MATCH SKIP TO LAST B PATTERN (A B? C) DEFINE B AS B.v > 100)": "no row of the match is mapped to the variable",
	} {
		_, err := s.Execute(ctx, q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", q, err, want)
		}
	}
}

// TestMatchRestoreAfterFailure runs MATCH_RECOGNIZE into an exactly-once
// filesystem sink with checkpoints, and fails it once mid-stream (a
// function in DEFINE errs): restored from its last checkpoint (the rows
// waiting for the watermark, the partial and completed matches), the job
// writes what a run without failure writes.
func TestMatchRestoreAfterFailure(t *testing.T) {
	var armed atomic.Bool
	var failures atomic.Int32
	var early atomic.Int32 // evaluations for row 10
	run := func(fail bool) []string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		out := t.TempDir()
		s := NewSession(Options{Config: map[string]string{
			"parallelism.default":                   "2",
			"execution.checkpointing.interval":      "50ms",
			"restart-strategy.type":                 "fixed-delay",
			"restart-strategy.fixed-delay.delay":    "10ms",
			"restart-strategy.fixed-delay.attempts": "3",
		}})
		armed.Store(fail)
		if err := s.RegisterScalarFunction("passes", func(id int64) (bool, error) {
			if id == 10 {
				early.Add(1)
			}
			if id == 2500 && armed.CompareAndSwap(true, false) {
				failures.Add(1)
				return false, errors.New("injected failure")
			}
			return true, nil
		}); err != nil {
			t.Fatal(err)
		}
		script := fmt.Sprintf(`
			CREATE TABLE src (id BIGINT, ts AS TO_TIMESTAMP_LTZ(id * 100, 3), k AS MOD(id, 3), v AS MOD(id * 7919, 10),
			  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
			  WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '4000', 'rows-per-second' = '2000');
			CREATE TABLE results (k BIGINT, first_id BIGINT, last_id BIGINT, n BIGINT, total BIGINT)
			  WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');
			INSERT INTO results SELECT k, first_id, last_id, n, total FROM src MATCH_RECOGNIZE (
			  PARTITION BY k ORDER BY ts
			  MEASURES FIRST(id) AS first_id, LAST(id) AS last_id, COUNT(*) AS n, SUM(B.v) AS total
			  AFTER MATCH SKIP TO NEXT ROW
			  PATTERN (A B+? C) WITHIN INTERVAL '3' SECOND
			  DEFINE A AS A.v < 4 AND passes(A.id), B AS B.v >= 2, C AS C.v < 2 AND SUM(B.v) > 12);`, out)
		if err := s.ExecuteScript(ctx, script, func(ast.Stmt, *Result) error { return nil }); err != nil {
			t.Fatal(err)
		}
		var lines []string
		err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
				return err
			}
			data, err := os.ReadFile(p)
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if l != "" {
					lines = append(lines, l)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(lines)
		return lines
	}
	want := run(false)
	early.Store(0)
	got := run(true)
	if failures.Load() != 1 {
		t.Fatalf("%d injected failures, want 1", failures.Load())
	}
	if early.Load() != 1 {
		// The job restarted from scratch, not from a checkpoint taken
		// after row 10 went through the NFA.
		t.Fatalf("row 10 went through DEFINE %d times, want once", early.Load())
	}
	if len(want) < 100 {
		t.Fatalf("%d matches: not a test", len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("after a failure and a restore: %d matches, want %d; first difference %s", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []string) string {
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("at %d: %q vs %q", i, x, y)
		}
	}
	return "none"
}
