package sql

import (
	"context"
	"sync"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// QueryStream receives a query's changelog while its job runs, for clients
// that show results before (or without) the job's end: the interactive
// shell, whose streaming queries may never end.
type QueryStream struct {
	// Begin is called once the query is planned, before its job starts,
	// with a Result holding its columns and no rows.
	Begin func(r *Result)
	// Row is called with each row as the job produces it. Calls are
	// serialized; the row's values are not reused by the caller.
	Row func(Row)
}

// ExecuteScriptStreaming is ExecuteScript with queries streamed: a query's
// rows go to qs as the job produces them instead of into the Result given
// to each, which then holds the columns and job id only. In batch mode the
// rows are final and arrive when the job ends. Cancelling ctx cancels the
// running job; the statement then fails with an error that wraps ctx's.
func (s *Session) ExecuteScriptStreaming(ctx context.Context, text string, qs QueryStream, each func(ast.Stmt, *Result) error) error {
	stmts, err := parser.ParseStatements(text)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		var r *Result
		if q, ok := st.(*ast.Query); ok {
			r, err = s.streamQuery(ctx, q, qs)
		} else {
			r, err = s.executeStmt(ctx, st)
		}
		if err != nil {
			return withSource(text, err)
		}
		if err := each(st, r); err != nil {
			return err
		}
	}
	return nil
}

// streamQuery is query with the rows handed to qs rather than kept.
func (s *Session) streamQuery(ctx context.Context, q *ast.Query, qs QueryStream) (*Result, error) {
	p, err := s.planner().PlanQuery(q)
	if err != nil {
		return nil, err
	}
	res := &Result{Kind: ResultTable, IsQuery: true, Columns: p.Logical[0].Columns, Batch: s.batch()}
	for i := range res.Columns {
		res.Columns[i].Type.TimeAttr = types.NoTimeAttr
	}
	if qs.Begin != nil {
		qs.Begin(&Result{Kind: res.Kind, IsQuery: true, Columns: res.Columns, Batch: res.Batch})
	}
	var mu sync.Mutex
	var batchRows []Row
	collect := func(kind vector.RowKind, row []any) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case res.Batch:
			// Batch results are final: apply the changelog at the end.
			batchRows = append(batchRows, Row{Kind: kind, Values: row})
		case qs.Row != nil:
			qs.Row(Row{Kind: kind, Values: row})
		}
	}
	id, err := s.run(ctx, p.Physical, collect)
	if err != nil {
		return nil, err
	}
	res.JobID = id
	if res.Batch && qs.Row != nil {
		for _, r := range ApplyChangelog(batchRows) {
			qs.Row(Row{Kind: vector.Insert, Values: r})
		}
	}
	return res, nil
}
