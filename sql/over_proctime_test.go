package sql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/datastream"
)

// frozenMillis is a processing-time clock that never moves.
type frozenMillis int64

func (c frozenMillis) NowMillis() int64 { return int64(c) }

// OVER aggregations ordered by a processing-time attribute emit each row as
// it arrives: its ROWS frame is the rows that arrived before it; its RANGE
// frame the rows that arrived within the interval (all of them on a frozen
// clock, only itself on a clock that moves an hour per reading).
func TestOverProcTime(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&b, "%d,k%d\n", i, i%2)
	}
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := fmt.Sprintf("CREATE TABLE t (v INT, k STRING, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');", filepath.Join(dir, "t.csv"))
	run := func(clock interface{ NowMillis() int64 }, query string) []string {
		t.Helper()
		s := NewSession(Options{Config: map[string]string{"parallelism.default": "1"},
			Env: func() *datastream.Env { return datastream.NewEnv().SetClock(clock) }})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.Execute(ctx, ddl); err != nil {
			t.Fatal(err)
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
	frozen := frozenMillis(time.Now().UnixMilli())
	rows := run(frozen, "SELECT v, SUM(v) OVER (PARTITION BY k ORDER BY pt ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t")
	if want := []string{"1 1", "2 2", "3 4", "4 6", "5 8", "6 10"}; !slices.Equal(rows, want) {
		t.Errorf("ROWS 1 PRECEDING: %v, want %v", rows, want)
	}
	rows = run(frozen, "SELECT v, COUNT(*) OVER (PARTITION BY k ORDER BY pt RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) FROM t")
	if want := []string{"1 1", "2 1", "3 2", "4 2", "5 3", "6 3"}; !slices.Equal(rows, want) {
		t.Errorf("RANGE 1 s on a frozen clock: %v, want %v", rows, want)
	}
	rows = run(&steppingClock{}, "SELECT v, COUNT(*) OVER (PARTITION BY k ORDER BY pt RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) FROM t")
	if want := []string{"1 1", "2 1", "3 1", "4 1", "5 1", "6 1"}; !slices.Equal(rows, want) {
		t.Errorf("RANGE 1 s on a clock an hour per reading: %v, want %v", rows, want)
	}
}
