package sql

import (
	"context"
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// createTableAs runs CREATE TABLE … WITH (…) [PARTITIONED BY (…)] AS
// SELECT …, as Flink does: the table's columns are the query's (names and
// types, time attributes dropped), the table is created, then filled by
// INSERT INTO it; the result is the INSERT's. As in Flink (without
// table.cta.atomicity-enabled), a failing job leaves the table.
func (s *Session) createTableAs(ctx context.Context, st *ast.CreateTable) (*Result, error) {
	switch {
	case st.Temporary:
		return nil, fmt.Errorf("CREATE TEMPORARY TABLE … AS SELECT is not supported (as in Flink): create a permanent table")
	case st.Like != nil:
		return nil, fmt.Errorf("CREATE TABLE … AS SELECT cannot have a LIKE clause")
	case len(st.Columns) > 0 || len(st.Watermarks) > 0 || len(st.Constraints) > 0:
		return nil, fmt.Errorf("CREATE TABLE … AS SELECT takes its columns from the query: column definitions, WATERMARK and PRIMARY KEY are not supported yet")
	}
	if t, v, err := s.catalog.Lookup(st.Name); err == nil && (t != nil || v != nil) {
		if st.IfNotExists {
			return okResult, nil // Flink neither creates nor fills it
		}
		return nil, fmt.Errorf("table %s already exists", ast.Format(st.Name))
	}
	p, err := s.planner().PlanQuery(st.AsQuery)
	if err != nil {
		return nil, err
	}
	def := *st
	def.AsQuery, def.PartitionedBy = nil, nil
	t, err := s.catalog.NewTable(&def)
	if err != nil {
		return nil, err
	}
	for _, c := range p.Logical[0].Columns {
		typ := c.Type
		typ.TimeAttr = types.NoTimeAttr
		if slices.ContainsFunc(t.Columns, func(x catalog.Column) bool { return x.Name == c.Name }) {
			return nil, fmt.Errorf("CREATE TABLE … AS SELECT: the query has two columns named '%s'; name them apart with AS", c.Name)
		}
		t.Columns = append(t.Columns, catalog.Column{Name: c.Name, Type: typ})
	}
	for _, id := range st.PartitionedBy {
		if t.Column(id.Name) == nil {
			return nil, fmt.Errorf("partition column '%s' is not a column of the query%s", id.Name, catalog.DidYouMean(id.Name, t.ColumnNames()))
		}
		t.PartitionKeys = append(t.PartitionKeys, id.Name)
	}
	t.DDL = t.FormatDDL()
	if err := catalog.ValidateOptions(t); err != nil {
		return nil, err
	}
	if err := plan.ResolveTable(s.catalog, t); err != nil {
		return nil, err
	}
	if err := s.catalog.CreateTable(t, st.IfNotExists); err != nil {
		return nil, err
	}
	return s.insert(ctx, []*ast.Insert{{Loc: st.Loc, Table: st.Name, Query: st.AsQuery}})
}
