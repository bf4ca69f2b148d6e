package sql

import (
	"context"
	"slices"
	"testing"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/nexmark"
)

// testEvents is how many events each comparison generates.
const testEvents = 100_000

func run(t *testing.T, name string, build func(env *datastream.Env, cfg gen.Config) (nexmark.Output, error)) [][]string {
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
			q, err := nexmark.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			want := run(t, name, func(env *datastream.Env, cfg gen.Config) (nexmark.Output, error) {
				events := datastream.FromSource(env, gen.NewSource(cfg), gen.WatermarkStrategy(), "Nexmark")
				return q.Build(env, events), nil
			})
			got := run(t, name, func(env *datastream.Env, cfg gen.Config) (nexmark.Output, error) {
				return Build(env, name, cfg, nil)
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
