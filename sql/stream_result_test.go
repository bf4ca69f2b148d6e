package sql

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql/ast"
)

func TestExecuteScriptStreaming(t *testing.T) {
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "1"}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var begun, rows atomic.Int64
	var mu sync.Mutex
	var changes []Row
	qs := QueryStream{
		Begin: func(r *Result) {
			if len(r.Columns) != 2 || len(r.Rows) != 0 {
				t.Errorf("Begin got %d columns, %d rows", len(r.Columns), len(r.Rows))
			}
			begun.Add(1)
		},
		Row: func(r Row) {
			rows.Add(1)
			mu.Lock()
			changes = append(changes, r)
			mu.Unlock()
		},
	}
	var results []*Result
	err := s.ExecuteScriptStreaming(ctx, `CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5',
  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '5');
SELECT MOD(a, 2) AS k, COUNT(*) AS n FROM t GROUP BY MOD(a, 2);`, qs, func(_ ast.Stmt, r *Result) error {
		results = append(results, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 5 rows in 2 groups: an insert per group, then -U/+U pairs (the
	// aggregation folds the rows of a group that arrive in one chunk), to
	// the final counts.
	if final := fmt.Sprint(ApplyChangelog(changes)); final != "[[0 2] [1 3]]" && final != "[[1 3] [0 2]]" {
		t.Errorf("the changelog applied: %s", final)
	}
	if n := rows.Load(); n < 2 || n%2 != 0 {
		t.Errorf("%d changes: want 2 inserts and pairs of updates", n)
	}
	if begun.Load() != 1 || len(results) != 2 || !results[1].IsQuery || len(results[1].Rows) != 0 || results[1].JobID == "" {
		t.Errorf("begun %d, rows %d, results %d", begun.Load(), rows.Load(), len(results))
	}

	// An unbounded query streams until its context is cancelled.
	qctx, qcancel := context.WithCancel(ctx)
	qs.Row = func(Row) {
		if rows.Add(1) == 20 {
			qcancel()
		}
	}
	rows.Store(0)
	err = s.ExecuteScriptStreaming(qctx, `CREATE TABLE u (a INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000');
SELECT a, a + 1 AS b FROM u;`, qs, func(ast.Stmt, *Result) error { return nil })
	if err == nil || qctx.Err() == nil || ctx.Err() != nil {
		t.Fatalf("cancelled query: err %v", err)
	}
	if rows.Load() < 20 {
		t.Errorf("got %d rows before the cancel", rows.Load())
	}
	var se *Error
	err = s.ExecuteScriptStreaming(ctx, "SELECT nope FROM u;", qs, func(ast.Stmt, *Result) error { return nil })
	if !errors.As(err, &se) {
		t.Errorf("a validation error is %T %v, want *Error", err, err)
	}
}
