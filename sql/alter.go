package sql

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/plan"
)

// ALTER TABLE changes a table's definition as Flink's catalog does. Schema
// changes edit the table's CREATE TABLE statement (the catalog's resolved
// form) and create the table from it again, so a changed table passes the
// checks a new one does: its columns, watermark, primary key, partitions,
// computed columns and connector options.

func (s *Session) alterTable(st *ast.AlterTable) (*Result, error) {
	t, v, err := s.catalog.Lookup(st.Name)
	if v != nil {
		return nil, fmt.Errorf("%s is a view: use ALTER VIEW", v.Path)
	}
	if t == nil {
		if st.IfExists {
			return okResult, nil
		}
		return nil, err
	}
	var next *catalog.Table
	switch st.Op {
	case ast.AlterRename:
		p, err := s.catalog.Resolve(st.NewName)
		if err != nil {
			return nil, err
		}
		if p.Catalog != t.Path.Catalog {
			return nil, fmt.Errorf("ALTER TABLE … RENAME TO cannot move %s to another catalog", t.Path)
		}
		c := *t
		c.Path = p
		c.DDL = c.FormatDDL()
		next = &c
	case ast.AlterSet, ast.AlterReset:
		c := *t
		c.Options = maps.Clone(t.Options)
		for _, o := range st.Options {
			c.Options[o.Key] = o.Value
		}
		for _, k := range st.Keys {
			if k.Value == "connector" {
				return nil, fmt.Errorf("ALTER TABLE … RESET cannot remove 'connector' from %s", t.Path)
			}
			delete(c.Options, k.Value)
		}
		if err := catalog.ValidateOptions(&c); err != nil {
			return nil, err
		}
		c.DDL = c.FormatDDL()
		next = &c
	default:
		if next, err = s.alterSchema(t, st); err != nil {
			return nil, err
		}
	}
	if err := s.catalog.ReplaceTable(t.Path, next); err != nil {
		return nil, err
	}
	return okResult, nil
}

// alterSchema applies ADD, MODIFY, DROP and RENAME column to t's definition
// and makes the table anew from it.
func (s *Session) alterSchema(t *catalog.Table, st *ast.AlterTable) (*catalog.Table, error) {
	stmt, err := parser.ParseStatement(t.FormatDDL())
	if err != nil {
		return nil, fmt.Errorf("table %s: its definition does not parse again: %w", t.Path, err)
	}
	ct := stmt.(*ast.CreateTable)
	ct.Name = &ast.ObjectName{Parts: []*ast.Ident{{Name: t.Path.Catalog}, {Name: t.Path.Database}, {Name: t.Path.Object}}}
	if err := editSchema(ct, t, st); err != nil {
		return nil, err
	}
	next, err := s.catalog.NewTable(ct)
	if err != nil {
		return nil, err
	}
	next.Temporary = t.Temporary
	next.Comment = t.Comment
	if err := catalog.ValidateOptions(next); err != nil {
		return nil, err
	}
	if err := plan.ResolveTable(s.catalog, next); err != nil {
		return nil, err
	}
	next.DDL = next.FormatDDL()
	return next, nil
}

// editSchema changes a table's CREATE TABLE as an ALTER TABLE says.
func editSchema(ct *ast.CreateTable, t *catalog.Table, st *ast.AlterTable) error {
	col := func(name string) int {
		return slices.IndexFunc(ct.Columns, func(c *ast.ColumnDef) bool { return c.Name.Name == name })
	}
	switch st.Op {
	case ast.AlterAdd, ast.AlterModify:
		add := st.Op == ast.AlterAdd
		for i, c := range st.Schema.Columns {
			at := col(c.Name.Name)
			switch {
			case add && at >= 0:
				return fmt.Errorf("column '%s' exists in table %s already; use MODIFY to change it", c.Name.Name, t.Path)
			case !add && at < 0:
				return fmt.Errorf("column '%s' not found in table %s%s", c.Name.Name, t.Path, catalog.DidYouMean(c.Name.Name, t.ColumnNames()))
			}
			if c.Constraint != nil {
				if len(ct.Constraints) > 0 && add {
					return fmt.Errorf("table %s has a primary key already; use MODIFY PRIMARY KEY", t.Path)
				}
				ct.Constraints = nil
			}
			if !add {
				ct.Columns = slices.Delete(ct.Columns, at, at+1)
			} else {
				at = len(ct.Columns)
			}
			if i < len(st.Positions) && st.Positions[i] != nil {
				pos := st.Positions[i]
				if pos.First {
					at = 0
				} else {
					j := col(pos.After.Name)
					if j < 0 {
						return fmt.Errorf("AFTER: column '%s' not found in table %s", pos.After.Name, t.Path)
					}
					at = j + 1
				}
			}
			ct.Columns = slices.Insert(ct.Columns, at, c)
		}
		if len(st.Schema.Watermarks) > 0 {
			if add && len(ct.Watermarks) > 0 {
				return fmt.Errorf("table %s has a watermark already; use MODIFY WATERMARK", t.Path)
			}
			if !add && len(ct.Watermarks) == 0 {
				return fmt.Errorf("table %s has no watermark to modify; use ADD WATERMARK", t.Path)
			}
			ct.Watermarks = st.Schema.Watermarks
		}
		if len(st.Schema.Constraints) > 0 {
			hasPK := len(ct.Constraints) > 0 || slices.ContainsFunc(ct.Columns, func(c *ast.ColumnDef) bool { return c.Constraint != nil })
			if add && hasPK {
				return fmt.Errorf("table %s has a primary key already; use MODIFY PRIMARY KEY", t.Path)
			}
			if !add && !hasPK {
				return fmt.Errorf("table %s has no primary key to modify; use ADD PRIMARY KEY", t.Path)
			}
			ct.Constraints = st.Schema.Constraints
		}
	case ast.AlterDropColumns:
		for _, id := range st.Columns {
			at := col(id.Name)
			if at < 0 {
				return fmt.Errorf("column '%s' not found in table %s%s", id.Name, t.Path, catalog.DidYouMean(id.Name, t.ColumnNames()))
			}
			if what := columnUse(ct, id.Name); what != "" {
				return fmt.Errorf("column '%s' of table %s is used by %s: change that first", id.Name, t.Path, what)
			}
			ct.Columns = slices.Delete(ct.Columns, at, at+1)
		}
	case ast.AlterDropPK, ast.AlterDropCons:
		if len(ct.Constraints) == 0 {
			return fmt.Errorf("table %s has no primary key", t.Path)
		}
		if st.Op == ast.AlterDropCons {
			name := st.Columns[0].Name
			c := ct.Constraints[0]
			if c.Name == nil || c.Name.Name != name {
				return fmt.Errorf("table %s has no constraint named '%s' (its primary key is not named so; use DROP PRIMARY KEY)", t.Path, name)
			}
		}
		ct.Constraints = nil
	case ast.AlterDropWM:
		if len(ct.Watermarks) == 0 {
			return fmt.Errorf("table %s has no watermark", t.Path)
		}
		ct.Watermarks = nil
	case ast.AlterRenameColumn:
		from, to := st.Columns[0].Name, st.To.Name
		at := col(from)
		if at < 0 {
			return fmt.Errorf("column '%s' not found in table %s%s", from, t.Path, catalog.DidYouMean(from, t.ColumnNames()))
		}
		if col(to) >= 0 {
			return fmt.Errorf("column '%s' exists in table %s already", to, t.Path)
		}
		if what := exprUse(ct, from); what != "" {
			return fmt.Errorf("column '%s' of table %s is used by %s: change that first", from, t.Path, what)
		}
		ct.Columns[at].Name = &ast.Ident{Name: to}
		rename := func(ids []*ast.Ident) {
			for _, id := range ids {
				if id.Name == from {
					id.Name = to
				}
			}
		}
		for _, c := range ct.Constraints {
			rename(c.Columns)
		}
		rename(ct.PartitionedBy)
		for _, w := range ct.Watermarks {
			rename(w.Column[:1])
		}
	default:
		return fmt.Errorf("ALTER TABLE %s is not supported", st.Op)
	}
	return nil
}

// columnUse names what in a table definition refers to column name: the
// primary key, the partitioning, the watermark or a computed column.
func columnUse(ct *ast.CreateTable, name string) string {
	for _, c := range ct.Constraints {
		if slices.ContainsFunc(c.Columns, func(id *ast.Ident) bool { return id.Name == name }) {
			return "the primary key"
		}
	}
	if slices.ContainsFunc(ct.PartitionedBy, func(id *ast.Ident) bool { return id.Name == name }) {
		return "the partitioning (PARTITIONED BY)"
	}
	for _, w := range ct.Watermarks {
		if w.Column[0].Name == name {
			return "the watermark"
		}
	}
	return exprUse(ct, name)
}

// exprUse names the computed column or watermark whose expression refers
// to column name.
func exprUse(ct *ast.CreateTable, name string) string {
	refers := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && strings.EqualFold(id.Name, name) {
				found = true
			}
			return !found
		})
		return found
	}
	for _, c := range ct.Columns {
		if c.Kind == ast.ComputedColumn && refers(c.Expr) {
			return "computed column '" + c.Name.Name + "'"
		}
	}
	for _, w := range ct.Watermarks {
		if refers(w.Expr) {
			return "the watermark expression"
		}
	}
	return ""
}

// alterView renames a view or replaces its query.
func (s *Session) alterView(st *ast.AlterView) (*Result, error) {
	p, err := s.catalog.Resolve(st.Name)
	if err != nil {
		return nil, err
	}
	v := s.catalog.LookupView(p)
	if v == nil {
		if _, _, err := s.catalog.Lookup(st.Name); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s is a table: use ALTER TABLE", p)
	}
	next := *v
	if st.NewName != nil {
		if next.Path, err = s.catalog.Resolve(st.NewName); err != nil {
			return nil, err
		}
	} else {
		planned, err := s.planner().PlanQuery(st.Query)
		if err != nil {
			return nil, err
		}
		if len(v.Columns) > 0 && len(v.Columns) != len(planned.Logical[0].Columns) {
			return nil, fmt.Errorf("view %s names %d columns, the new query has %d", p, len(v.Columns), len(planned.Logical[0].Columns))
		}
		next.Query, next.Scope = st.Query, s.catalog.Current()
	}
	create := &ast.CreateView{Temporary: next.Temporary, Name: &ast.ObjectName{Parts: []*ast.Ident{{Name: next.Path.Object}}}, Query: next.Query}
	for _, c := range next.Columns {
		create.Columns = append(create.Columns, &ast.Ident{Name: c})
	}
	next.DDL = ast.Format(create)
	return okResult, s.catalog.ReplaceView(p, &next)
}

// alterFunction gives a function a new class.
func (s *Session) alterFunction(st *ast.AlterFunction) (*Result, error) {
	p, err := s.catalog.Resolve(st.Name)
	if err != nil {
		return nil, err
	}
	if s.catalog.Function(st.Name) == nil {
		if st.IfExists {
			return okResult, nil
		}
		return nil, fmt.Errorf("function %s not found", p)
	}
	f, err := classFunction(p.Object, st.Class.Value, st.Language)
	if err != nil {
		return nil, fmt.Errorf("ALTER FUNCTION %s: %w", p.Object, err)
	}
	f.Path = p
	return okResult, s.catalog.ReplaceFunction(f)
}
