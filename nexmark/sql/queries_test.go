package sql

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/nexmark"
	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/parser"
)

// testEvents is how many events each comparison generates.
const testEvents = 100_000

// collector is what run needs of a query's output, either API's.
type collector interface{ Collect() func() [][]string }

func run(t *testing.T, name string, build func(env *datastream.Env, cfg gen.Config) (collector, error)) [][]string {
	t.Helper()
	cfg := gen.DefaultConfig()
	cfg.Events = testEvents
	env := datastream.NewEnv().SetParallelism(2)
	out, err := build(env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	collect := out.Collect()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, name); err != nil {
		t.Fatal(err)
	}
	rows := collect()
	slices.SortFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
	return rows
}

// TestSQLEqualsDataStream runs every query with a SQL version both ways on
// the same events and compares the final results, sorted.
func TestSQLEqualsDataStream(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			if name == "q12" {
				t.Skip("processing time: TestQ12Invariants checks it")
			}
			q, err := nexmark.Lookup(name)
			if err != nil {
				t.Skipf("no DataStream version: %v", err)
			}
			want := run(t, name, func(env *datastream.Env, cfg gen.Config) (collector, error) {
				events := datastream.FromSource(env, gen.NewSource(cfg), gen.WatermarkStrategy(), "Nexmark")
				return q.Build(env, events), nil
			})
			got := run(t, name, func(env *datastream.Env, cfg gen.Config) (collector, error) {
				return Build(env, name, BuildOptions{Config: cfg, Dir: t.TempDir()})
			})
			if len(want) == 0 {
				t.Fatalf("the DataStream version gave no rows")
			}
			if len(got) != len(want) {
				t.Errorf("SQL gave %d rows, DataStream %d", len(got), len(want))
			}
			diffs := 0
			for i := 0; i < len(got) && i < len(want) && diffs < 5; i++ {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("row %d: SQL %v, DataStream %v", i, got[i], want[i])
					diffs++
				}
			}
		})
	}
}

// insertTarget returns the table a script's last statement inserts into,
// or "".
func insertTarget(t *testing.T, text string) string {
	t.Helper()
	stmts, err := parser.ParseStatements(text)
	if err != nil {
		t.Fatal(err)
	}
	if ins, ok := stmts[len(stmts)-1].(*ast.Insert); ok {
		return ast.Format(ins.Table)
	}
	return ""
}

// frozenClock is a processing-time clock that never advances.
type frozenClock struct{ now atomic.Int64 }

func (c *frozenClock) NowMillis() int64 { return c.now.Load() }

// runQ12 runs the SQL q12 with the given processing-time clock (nil: the
// wall clock).
func runQ12(t *testing.T, clock interface{ NowMillis() int64 }) [][]string {
	t.Helper()
	cfg := gen.DefaultConfig()
	cfg.Events = testEvents
	env := datastream.NewEnv().SetParallelism(2)
	if clock != nil {
		env.SetClock(clock)
	}
	out, err := Build(env, "q12", BuildOptions{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	collect := out.Collect()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, "q12"); err != nil {
		t.Fatal(err)
	}
	return collect()
}

// TestQ12Invariants checks what can be checked of q12's processing-time
// windows, as the DataStream version's test does: a frozen clock closes
// no window, so the result is empty; on the wall clock every row is a
// 10 s window aligned to 10 s, a bidder has at most one row per window,
// and a bidder's counts add up to at most its number of bids (windows
// still open at the end of the input are not emitted).
func TestQ12Invariants(t *testing.T) {
	frozen := &frozenClock{}
	frozen.now.Store(time.Now().UnixMilli())
	if rows := runQ12(t, frozen); len(rows) != 0 {
		t.Errorf("frozen clock: %d rows, want none", len(rows))
	}
	rows := runQ12(t, nil)
	s := eddysql.NewSession(eddysql.Options{Config: map[string]string{"execution.runtime-mode": "batch"}})
	ctx := context.Background()
	if _, err := s.Execute(ctx, DDL(testEvents)); err != nil {
		t.Fatal(err)
	}
	r, err := s.Execute(ctx, "SELECT bidder, COUNT(*) FROM bid GROUP BY bidder")
	if err != nil {
		t.Fatal(err)
	}
	bids := map[string]int64{}
	for _, row := range r.Final() {
		bids[strconv.FormatInt(row[0].(int64), 10)] = row[1].(int64)
	}
	seen := map[string]bool{}
	sums := map[string]int64{}
	for _, row := range rows {
		start, err1 := time.Parse("2006-01-02 15:04:05.000", row[2])
		end, err2 := time.Parse("2006-01-02 15:04:05.000", row[3])
		n, err3 := strconv.ParseInt(row[1], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("bad row %v", row)
		}
		if start.UnixMilli()%10_000 != 0 || end.Sub(start) != 10*time.Second {
			t.Errorf("row %v: not an aligned 10 s window", row)
		}
		key := strings.Join([]string{row[0], row[2]}, "|")
		if seen[key] {
			t.Errorf("bidder %s has two rows for window %s", row[0], row[2])
		}
		seen[key] = true
		sums[row[0]] += n
	}
	for b, n := range sums {
		if n > bids[b] {
			t.Errorf("bidder %s: windows count %d bids, it made %d", b, n, bids[b])
		}
	}
	t.Logf("%d windows closed on the wall clock", len(rows))
}

// TestSQLOnlyQueries runs the queries that have no DataStream version in
// streaming and in batch mode on the same events: the final results (the
// streaming changelog applied) must be equal and not empty.
func TestSQLOnlyQueries(t *testing.T) {
	const events = 20_000
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	for _, name := range Names() {
		if _, err := nexmark.Lookup(name); err == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var results [2][]string
			for i, mode := range []string{"streaming", "batch"} {
				text, err := Script(name, t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				s := eddysql.NewSession(eddysql.Options{Config: map[string]string{"execution.runtime-mode": mode, "parallelism.default": "2"}})
				if _, err := s.Execute(ctx, DDL(events)); err != nil {
					t.Fatal(err)
				}
				r, err := s.Execute(ctx, text)
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if ins := insertTarget(t, text); ins != "" {
					// An INSERT: its result is what the table holds now.
					if r, err = s.Execute(ctx, "SELECT * FROM "+ins); err != nil {
						t.Fatalf("%s: reading %s back: %v", mode, ins, err)
					}
				}
				for _, row := range r.Final() {
					results[i] = append(results[i], fmt.Sprint(row...))
				}
				slices.Sort(results[i])
			}
			if len(results[0]) == 0 {
				t.Fatalf("no rows")
			}
			if !slices.Equal(results[0], results[1]) {
				t.Errorf("streaming (%d rows) and batch (%d rows) differ", len(results[0]), len(results[1]))
			}
		})
	}
}
