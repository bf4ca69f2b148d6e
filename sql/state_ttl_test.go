package sql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/datastream"
)

// steppingClock is a processing-time clock that moves an hour on every
// reading, so that state is older than a short TTL whenever it is read
// again.
type steppingClock struct{ now atomic.Int64 }

func (c *steppingClock) NowMillis() int64 { return c.now.Add(time.Hour.Milliseconds()) }

// table.exec.state.ttl bounds the state of the operators without time
// bounds: with a TTL shorter than the clock's steps, every row finds its
// key's state expired (as Flink, the aggregation starts the key afresh);
// with a long TTL the results are those without one.
func TestStateTTL(t *testing.T) {
	dir := rowPerFile(t)
	ddl := fmt.Sprintf("CREATE TABLE t (v INT, k STRING) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');", dir)
	run := func(ttl, query string) []string {
		t.Helper()
		return runStepping(t, ddl, ttl, query)
	}
	for _, q := range []string{
		"SELECT k, COUNT(*) FROM t GROUP BY k",
		"SELECT k, v FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn = 1",
		"SELECT DISTINCT k FROM t",
		"SELECT a.v, b.v FROM t a JOIN t b ON a.k = b.k AND a.v < b.v",
	} {
		want := run("", q)
		if got := run("3650 d", q); !slices.Equal(got, want) {
			t.Errorf("%s with a long TTL: %v, want %v", q, got, want)
		}
		got := run("1 ms", q)
		if slices.Equal(got, want) {
			t.Errorf("%s with a TTL shorter than the clock's steps: the same result %v; state did not expire", q, got)
		}
		t.Logf("%s: without TTL %d rows, with an expiring TTL %d", q, len(want), len(got))
	}
	s := NewSession(Options{})
	if _, err := s.Execute(context.Background(), "SET 'table.exec.state.ttl' = 'soon'"); err == nil || !strings.Contains(err.Error(), "table.exec.state.ttl") {
		t.Errorf("a bad TTL: %v", err)
	}
}

// rowPerFile writes 40 rows (v, k) into a folder, one row per file, so
// that the rows come in chunks of their own and every row reads its key's
// state (a run of rows in one chunk reads it once).
func rowPerFile(t *testing.T) string {
	dir := t.TempDir()
	for i := range 40 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.csv", i)), fmt.Appendf(nil, "%d,k%d\n", i, i%4), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runStepping runs query after ddl, with table.exec.state.ttl set to ttl
// unless empty, on a clock that moves an hour per reading; it returns the
// final rows, sorted.
func runStepping(t *testing.T, ddl, ttl, query string) []string {
	t.Helper()
	clock := &steppingClock{}
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "1"},
		Env: func() *datastream.Env { return datastream.NewEnv().SetClock(clock) }})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	if ttl != "" {
		if _, err := s.Execute(ctx, "SET 'table.exec.state.ttl' = '"+ttl+"'"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Execute(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, row := range r.Final() {
		rows = append(rows, fmt.Sprint(row...))
	}
	slices.Sort(rows)
	return rows
}

// The STATE_TTL hint sets the TTL of a query block's regular joins (per
// side) and group aggregation over table.exec.state.ttl; '0' keeps the
// state for ever. Its keys must name the block's inputs.
func TestStateTTLHint(t *testing.T) {
	ddl := fmt.Sprintf("CREATE TABLE t (v INT, k STRING) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');", rowPerFile(t))
	const join = "SELECT %s a.v, b.v FROM t a JOIN t b ON a.k = b.k AND a.v < b.v"
	const agg = "SELECT %s k, COUNT(*) FROM t GROUP BY k"
	for _, q := range []string{join, agg} {
		want := runStepping(t, ddl, "", fmt.Sprintf(q, ""))
		expiring := runStepping(t, ddl, "1 ms", fmt.Sprintf(q, ""))
		hint := "/*+ STATE_TTL('t' = '1 ms') */"
		forever := "/*+ STATE_TTL('t' = '0') */"
		if q == join {
			hint = "/*+ STATE_TTL('a' = '1 ms', 'b' = '1 ms') */"
			forever = "/*+ STATE_TTL('a' = '0', 'b' = '3650 d') */"
		}
		if got := runStepping(t, ddl, "", fmt.Sprintf(q, hint)); !slices.Equal(got, expiring) {
			t.Errorf("%s: %v, want the rows of an expiring table.exec.state.ttl %v", fmt.Sprintf(q, hint), got, expiring)
		}
		if got := runStepping(t, ddl, "1 ms", fmt.Sprintf(q, forever)); !slices.Equal(got, want) {
			t.Errorf("%s over an expiring table.exec.state.ttl: %v, want the rows without TTL %v", fmt.Sprintf(q, forever), got, want)
		}
	}
	// One side. Rows come in order of v and a.v < b.v: a pair joins when
	// its right row arrives and finds the left one kept, so a TTL on the
	// left drops every pair and a TTL on the right none.
	none := runStepping(t, ddl, "", fmt.Sprintf(join, ""))
	left := runStepping(t, ddl, "", fmt.Sprintf(join, "/*+ STATE_TTL('a' = '1 ms') */"))
	right := runStepping(t, ddl, "", fmt.Sprintf(join, "/*+ STATE_TTL('b' = '1 ms') */"))
	if len(none) == 0 || len(left) != 0 || !slices.Equal(right, none) {
		t.Errorf("a TTL on one side: left %d rows (want 0), right %d (want %d, as without TTL)", len(left), len(right), len(none))
	}
	s := NewSession(Options{})
	ctx := context.Background()
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		fmt.Sprintf(join, "/*+ STATE_TTL('c' = '1d') */"):  "STATE_TTL hint: 'c' is not a table, view or alias this query reads (its inputs: a, b)",
		fmt.Sprintf(agg, "/*+ STATE_TTL('t' = 'soon') */"): "STATE_TTL hint: 't' = 'soon'",
		fmt.Sprintf(agg, "/*+ STATE_TTL(t) */"):            "the STATE_TTL hint takes 'table or alias' = 'duration' pairs",
	} {
		if _, err := s.Execute(ctx, "EXPLAIN "+q); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", q, err, want)
		}
	}
}
