package main

import (
	"context"
	"fmt"
	"sync"

	tea "charm.land/bubbletea/v2"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/ast"
)

// stmtRun is one statement running in the background while the shell
// stays responsive: the session's callbacks fill a buffer, and the model
// drains it on each runEventMsg (one a wake-up, so that a fast stream
// costs one update per batch of rows, not per row).
type stmtRun struct {
	text   string
	ctx    context.Context
	cancel context.CancelFunc
	notify chan struct{} // a pending wake-up, capacity 1

	mu struct {
		sync.Mutex
		begin   *eddysql.Result // a query's columns, once planned
		rows    []eddysql.Row
		results []stmtResult
		done    bool
		err     error
	}
}

// stmtResult is a finished statement and what it returned.
type stmtResult struct {
	stmt ast.Stmt
	res  *eddysql.Result
}

// runEventMsg says that run has news.
type runEventMsg struct{ run *stmtRun }

// runBatch is what a run had buffered.
type runBatch struct {
	begin   *eddysql.Result
	rows    []eddysql.Row
	results []stmtResult
	done    bool
	err     error
}

// startRun executes text on s in a new goroutine.
func startRun(parent context.Context, s *eddysql.Session, text string) *stmtRun {
	ctx, cancel := context.WithCancel(parent)
	r := &stmtRun{text: text, ctx: ctx, cancel: cancel, notify: make(chan struct{}, 1)}
	qs := eddysql.QueryStream{
		Begin: func(res *eddysql.Result) {
			r.mu.Lock()
			r.mu.begin = res
			r.mu.Unlock()
			r.wake()
		},
		Row: func(row eddysql.Row) {
			r.mu.Lock()
			r.mu.rows = append(r.mu.rows, row)
			r.mu.Unlock()
			r.wake()
		},
	}
	go func() {
		var err error
		func() {
			// A panic in the runtime must not take the shell (and the
			// user's terminal) down with it.
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("internal error: %v", p)
				}
			}()
			err = s.ExecuteScriptStreaming(ctx, text, qs, func(st ast.Stmt, res *eddysql.Result) error {
				r.mu.Lock()
				r.mu.results = append(r.mu.results, stmtResult{st, res})
				r.mu.Unlock()
				return nil
			})
		}()
		r.mu.Lock()
		r.mu.done, r.mu.err = true, err
		r.mu.Unlock()
		r.wake()
	}()
	return r
}

func (r *stmtRun) wake() {
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// wait is the command that delivers the run's next wake-up.
func (r *stmtRun) wait() tea.Cmd {
	return func() tea.Msg {
		<-r.notify
		return runEventMsg{r}
	}
}

// take empties the buffer.
func (r *stmtRun) take() runBatch {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := runBatch{begin: r.mu.begin, rows: r.mu.rows, results: r.mu.results, done: r.mu.done, err: r.mu.err}
	r.mu.begin, r.mu.rows, r.mu.results = nil, nil, nil
	return b
}
