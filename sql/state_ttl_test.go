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
	// One row per file, so the rows come in chunks of their own and every
	// row reads its key's state (a run of rows in one chunk reads it once).
	dir := t.TempDir()
	for i := range 40 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.csv", i)), fmt.Appendf(nil, "%d,k%d\n", i, i%4), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ddl := fmt.Sprintf("CREATE TABLE t (v INT, k STRING) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');", dir)
	run := func(ttl, query string) []string {
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
