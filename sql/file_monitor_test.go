package sql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
)

// A filesystem table with 'source.monitor-interval' is unbounded: a
// streaming query reads the files present at the start and those that
// appear while it runs, including the part files an INSERT commits into
// the folder; batch mode refuses it.
func TestFileSourceMonitoring(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		// Written hidden, then renamed: a file appears whole, as a sink's
		// part file does when committed.
		tmp := filepath.Join(dir, "."+name)
		if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("1.csv", "1,a\n2,b\n")
	ddl := fmt.Sprintf(`CREATE TABLE m (id INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv', 'source.monitor-interval' = '20 ms');`, dir)
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "2"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	qctx, qcancel := context.WithCancel(ctx)
	var mu sync.Mutex
	var got []string
	want := []string{"1 a", "2 b", "3 c", "4 d", "5 e", "6 f"}
	qs := QueryStream{Row: func(r Row) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, fmt.Sprintf("%v %v", r.Values...))
		if len(got) == len(want) {
			qcancel()
		}
	}}
	done := make(chan error, 1)
	go func() {
		done <- s.ExecuteScriptStreaming(qctx, "SELECT id, s FROM m;", qs, func(ast.Stmt, *Result) error { return nil })
	}()
	time.Sleep(100 * time.Millisecond)
	write("2.csv", "3,c\n")
	time.Sleep(50 * time.Millisecond)
	write("3.csv", "4,d\n5,e\n")
	// An INSERT from another session commits a part file into the folder.
	other := NewSession(Options{})
	if _, err := other.Execute(ctx, ddl+"INSERT INTO m VALUES (6, 'f');"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		qcancel()
		<-done
	}
	mu.Lock()
	slices.Sort(got)
	mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	if _, err := s.Execute(ctx, "SET 'execution.runtime-mode' = 'batch'"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(ctx, "SELECT * FROM m"); err == nil || !strings.Contains(err.Error(), "unbounded") {
		t.Errorf("batch mode over a monitored path: %v", err)
	}
}
