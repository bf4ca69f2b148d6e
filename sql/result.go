package sql

import (
	"sort"
	"strings"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// ResultKind says what a statement returned.
type ResultKind int

const (
	// ResultOK is a statement without rows (DDL, SET …).
	ResultOK ResultKind = iota
	// ResultTable holds rows (SHOW, DESCRIBE, EXPLAIN, a query, the job
	// of an INSERT).
	ResultTable
)

// Row is one row of a result with its change kind.
type Row struct {
	Kind   vector.RowKind
	Values []any
}

// Result is what a statement returned. A query's Rows are its changelog.
type Result struct {
	Kind    ResultKind
	Columns []plan.Column
	Rows    []Row
	// IsQuery marks a query result, whose Rows are a changelog.
	IsQuery bool
	// Batch marks a query run in batch mode: its rows are final (+I).
	Batch bool
	// JobID names the job of an INSERT or query.
	JobID string
}

// ColumnNames returns the result's column names.
func (r *Result) ColumnNames() []string {
	names := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		names[i] = c.Name
	}
	return names
}

// ColumnTypes returns the result's column types.
func (r *Result) ColumnTypes() []types.Type {
	ts := make([]types.Type, len(r.Columns))
	for i, c := range r.Columns {
		ts[i] = c.Type
	}
	return ts
}

// Final applies the changelog: +I and +U add a row, -U and -D remove one
// equal row. The rows are in order of first insertion.
func (r *Result) Final() [][]any {
	return ApplyChangelog(r.Rows)
}

// ApplyChangelog returns the table a changelog leaves.
func ApplyChangelog(rows []Row) [][]any {
	type entry struct {
		vals  []any
		count int
		first int
	}
	byKey := map[string]*entry{}
	var order []string
	for i, row := range rows {
		k := rowKey(row.Values)
		e := byKey[k]
		if e == nil {
			e = &entry{vals: row.Values, first: i}
			byKey[k] = e
			order = append(order, k)
		}
		if row.Kind.IsAdditive() {
			e.count++
		} else {
			e.count--
		}
	}
	var out [][]any
	for _, k := range order {
		e := byKey[k]
		for range max(e.count, 0) {
			out = append(out, e.vals)
		}
	}
	return out
}

func rowKey(vals []any) string {
	var b strings.Builder
	for _, v := range vals {
		if v == nil {
			b.WriteString("\x01N")
		} else {
			b.WriteString("\x01V")
			b.WriteString(plan.ValueString(v))
		}
	}
	return b.String()
}

// SortRows sorts rows by their printed values, for comparisons that ignore
// order.
func SortRows(rows [][]string) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return len(a) < len(b)
	})
}
