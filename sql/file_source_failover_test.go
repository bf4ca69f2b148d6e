package sql

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector/file"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/ast"
)

// An INSERT from a folder of files into a filesystem table, with
// checkpoints and a failure in the middle, writes every row exactly once:
// the files the readers had not pulled yet are in the source enumerator's
// checkpointed state, the file being read and its position in the
// readers'.
func TestFileSourceExactlyOnceAfterFailure(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	const files, lines = 60, 50
	for f := range files {
		var b strings.Builder
		for l := range lines {
			fmt.Fprintf(&b, "%d\n", f*lines+l)
		}
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("%03d.csv", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ckDir := t.TempDir()
	s := NewSession(Options{
		Config: map[string]string{"parallelism.default": "2", "execution.checkpointing.interval": "20ms",
			"state.checkpoints.dir": ckDir, "restart-strategy.fixed-delay.delay": "10ms"},
		Env: func() *datastream.Env { return datastream.NewEnv() },
	})
	var calls atomic.Int64
	var armed atomic.Bool
	armed.Store(true)
	// Slow enough for checkpoints to complete while files remain; fails
	// once, half way.
	if err := s.RegisterScalarFunction("slow_fail", func(v int64) int64 {
		n := calls.Add(1)
		if n%20 == 0 {
			time.Sleep(time.Millisecond)
		}
		if n == files*lines/2 && armed.CompareAndSwap(true, false) {
			panic("injected failure")
		}
		return v
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ddl := fmt.Sprintf(`CREATE TABLE src (v BIGINT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');
CREATE TABLE dst (v BIGINT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');
INSERT INTO dst SELECT slow_fail(v) FROM src;`, in, out)
	if err := s.ExecuteScript(ctx, ddl, func(ast.Stmt, *Result) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if armed.Load() {
		t.Fatal("the failure was not injected")
	}
	parts, err := file.Parts(out)
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]int, files*lines)
	total := 0
	for _, p := range parts {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			v, err := strconv.Atoi(sc.Text())
			if err != nil || v < 0 || v >= len(seen) {
				t.Fatalf("bad row %q in %s", sc.Text(), p)
			}
			seen[v]++
			total++
		}
		f.Close()
	}
	for v, n := range seen {
		if n != 1 {
			t.Fatalf("row %d written %d times (%d rows in all)", v, n, total)
		}
	}
}
