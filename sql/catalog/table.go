package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/types"
)

// ColumnKind is how a column gets its value.
type ColumnKind int

const (
	Physical ColumnKind = iota // read from (and written to) the connector
	Computed                   // name AS expr, computed on read
	Metadata                   // name type METADATA [FROM 'key'] [VIRTUAL]
)

func (k ColumnKind) String() string {
	switch k {
	case Computed:
		return "computed"
	case Metadata:
		return "metadata"
	}
	return "physical"
}

// Column is one column of a table.
type Column struct {
	Name string
	Kind ColumnKind
	// Type is the column's type; for a computed column it is derived by the
	// planner when the table is created.
	Type types.Type
	// Expr is the expression of a computed column.
	Expr ast.Expr
	// MetadataKey is the metadata key (the column name when FROM is absent).
	MetadataKey string
	// Virtual metadata columns are read-only.
	Virtual bool
	Comment string
}

// Watermark is WATERMARK FOR column AS expr.
type Watermark struct {
	Column string
	Expr   ast.Expr
}

// Table is a table created by CREATE TABLE.
type Table struct {
	Path       Path
	Columns    []Column
	Watermark  *Watermark // nil without WATERMARK
	PrimaryKey []string
	// PartitionKeys are the PARTITIONED BY columns, physical columns
	// whose values name the folders rows are stored in.
	PartitionKeys []string
	Options       map[string]string
	Comment       string
	Temporary     bool
	// DDL is the statement that created the table, for SHOW CREATE TABLE.
	DDL string
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// ColumnNames lists the column names in order.
func (t *Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// PhysicalColumns returns the physical columns in order: what a
// connector reads and writes.
func (t *Table) PhysicalColumns() []Column {
	var cs []Column
	for _, c := range t.Columns {
		if c.Kind == Physical {
			cs = append(cs, c)
		}
	}
	return cs
}

// Connector returns the table's 'connector' option.
func (t *Table) Connector() string { return t.Options["connector"] }

// OptionKeys returns the option keys, sorted.
func (t *Table) OptionKeys() []string {
	keys := make([]string, 0, len(t.Options))
	for k := range t.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TypeOf converts a type as written in DDL or CAST to a logical type.
func TypeOf(t ast.Type) (types.Type, error) {
	switch t.(type) {
	case *ast.RawType:
		return types.Type{}, fmt.Errorf("RAW types are not supported")
	case nil:
		return types.Type{}, fmt.Errorf("missing type")
	}
	defaultVarLength(t)
	text := ast.Format(t)
	typ, err := types.Parse(text)
	if err != nil {
		return types.Type{}, fmt.Errorf("type %s: %w", text, err)
	}
	return typ, nil
}

// defaultVarLength gives VARCHAR and VARBINARY written without a length
// the maximum one, as Flink's SQL DDL does (VARCHAR is STRING there).
func defaultVarLength(t ast.Type) {
	switch t := t.(type) {
	case *ast.BasicType:
		if (t.Name == ast.TypeVarChar || t.Name == ast.TypeVarBinary) && t.Precision == ast.NoPrecision {
			t.Precision = types.MaxLength
		}
	case *ast.ArrayType:
		defaultVarLength(t.Elem)
	case *ast.MultisetType:
		defaultVarLength(t.Elem)
	case *ast.MapType:
		defaultVarLength(t.Key)
		defaultVarLength(t.Value)
	case *ast.RowType:
		for _, f := range t.Fields {
			defaultVarLength(f.Type)
		}
	}
}

// NewTable builds a table from CREATE TABLE in the catalog's current
// database. Computed columns get their types from the planner later; the
// other parts are checked here: duplicate columns, the watermark and
// primary key columns exist, a primary key column is NOT NULL (made so, as
// Flink does).
func (c *Catalog) NewTable(ct *ast.CreateTable) (*Table, error) {
	path, err := c.Resolve(ct.Name)
	if err != nil {
		return nil, err
	}
	var lk *like
	if ct.Like != nil {
		if lk, err = c.resolveLike(ct.Like); err != nil {
			return nil, err
		}
	}
	t := &Table{Path: path, Options: map[string]string{}, Temporary: ct.Temporary, DDL: ast.Format(ct)}
	if lk != nil {
		t.Columns = lk.columns()
	}
	if ct.Comment != nil {
		t.Comment = ct.Comment.Value
	}
	seen := map[string]bool{}
	var pk []string
	for _, cd := range ct.Columns {
		name := cd.Name.Name
		if seen[name] {
			return nil, posErrorf(cd.Start(), "duplicate column '%s' in table %s", name, path)
		}
		seen[name] = true
		col := Column{Name: name}
		if cd.Comment != nil {
			col.Comment = cd.Comment.Value
		}
		switch cd.Kind {
		case ast.ComputedColumn:
			col.Kind, col.Expr = Computed, cd.Expr
		case ast.MetadataColumn:
			col.Kind, col.Virtual, col.MetadataKey = Metadata, cd.Virtual, name
			if cd.MetadataKey != nil {
				col.MetadataKey = cd.MetadataKey.Value
			}
		}
		if cd.Kind != ast.ComputedColumn {
			typ, err := TypeOf(cd.Type)
			if err != nil {
				return nil, posErrorf(cd.Start(), "column '%s': %v", name, err)
			}
			col.Type = typ
		}
		if cd.Constraint != nil {
			pk = append(pk, name)
		}
		if lk != nil {
			if t.Columns, err = lk.addColumn(t.Columns, col, cd.Start(), path); err != nil {
				return nil, err
			}
			continue
		}
		t.Columns = append(t.Columns, col)
	}
	for _, con := range ct.Constraints {
		if len(pk) > 0 {
			return nil, posErrorf(con.Start(), "table %s has more than one primary key", path)
		}
		for _, id := range con.Columns {
			pk = append(pk, id.Name)
		}
	}
	for _, k := range pk {
		col := t.Column(k)
		if col == nil {
			return nil, fmt.Errorf("primary key column '%s' not found in table %s%s", k, path, DidYouMean(k, t.ColumnNames()))
		}
		if col.Kind != Physical {
			return nil, fmt.Errorf("primary key column '%s' of table %s must be a physical column", k, path)
		}
		col.Type = col.Type.NotNullable()
	}
	t.PrimaryKey = pk
	for _, id := range ct.PartitionedBy {
		col := t.Column(id.Name)
		if col == nil {
			return nil, posErrorf(id.Start(), "partition column '%s' not found in table %s%s", id.Name, path, DidYouMean(id.Name, t.ColumnNames()))
		}
		if col.Kind != Physical {
			return nil, posErrorf(id.Start(), "partition column '%s' of table %s must be a physical column", id.Name, path)
		}
		if slices.Contains(t.PartitionKeys, id.Name) {
			return nil, posErrorf(id.Start(), "partition column '%s' listed twice in table %s", id.Name, path)
		}
		t.PartitionKeys = append(t.PartitionKeys, id.Name)
	}
	if len(ct.Watermarks) > 1 {
		return nil, posErrorf(ct.Watermarks[1].Start(), "table %s has more than one WATERMARK", path)
	}
	if len(ct.Watermarks) == 1 {
		w := ct.Watermarks[0]
		if len(w.Column) != 1 {
			return nil, posErrorf(w.Start(), "WATERMARK on a nested field is not supported")
		}
		name := w.Column[0].Name
		col := t.Column(name)
		if col == nil {
			return nil, posErrorf(w.Start(), "watermark column '%s' not found in table %s%s", name, path, DidYouMean(name, t.ColumnNames()))
		}
		t.Watermark = &Watermark{Column: name, Expr: w.Expr}
	}
	for _, p := range ct.Options {
		if _, dup := t.Options[p.Key]; dup {
			return nil, posErrorf(p.Start(), "option '%s' given twice for table %s", p.Key, path)
		}
		t.Options[p.Key] = p.Value
	}
	if lk != nil {
		if err := lk.merge(t, len(ct.Watermarks) > 0); err != nil {
			return nil, posErrorf(ct.Like.Start(), "%v", err)
		}
		t.DDL = t.FormatDDL()
	}
	return t, nil
}

// View is a view created by CREATE VIEW.
type View struct {
	Path Path
	// Scope is the catalog and database current when the view was
	// created: its query's names resolve there, wherever it is used (as
	// Flink expands a view's names at creation).
	Scope     Path
	Query     *ast.Query
	Columns   []string // explicit column names, or nil
	Comment   string
	Temporary bool
	DDL       string
}

// Function is a function created by CREATE FUNCTION or registered through
// the Go API. Eddy cannot run JVM classes, so CREATE FUNCTION functions are
// recorded for SHOW FUNCTIONS and refused when called; Go functions carry
// their implementation in Scalar or Aggregate.
type Function struct {
	Path     Path
	Class    string
	Language string
	// Scalar is a Go scalar function.
	Scalar *functions.UDF
	// Aggregate is a Go aggregate function.
	Aggregate *functions.AggregateUDF
	// Table is a Go table function: a call returns an ARRAY of ROWs, one
	// per output row.
	Table *functions.UDF
}

// posError is an error at a position of the SQL text.
type posError struct {
	Pos ast.Pos
	Msg string
}

func (e *posError) Error() string { return e.Msg }

// Position is where in the SQL text the error is; the session prints it.
func (e *posError) Position() ast.Pos { return e.Pos }

func posErrorf(p ast.Pos, format string, args ...any) error {
	return &posError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// quoteList renders names for messages: 'a', 'b'.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}
