package ast

// CreateTable is CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (...)
// [COMMENT ...] [PARTITIONED BY (...)] [DISTRIBUTED ...] [WITH (...)]
// [LIKE source (...) | AS query]. Table elements are kept by kind; the
// printer emits columns, then watermarks, then table constraints.
type CreateTable struct {
	Loc
	Temporary     bool
	IfNotExists   bool
	Name          *ObjectName
	Columns       []*ColumnDef
	Watermarks    []*Watermark
	Constraints   []*Constraint // table-level PRIMARY KEY (...)
	Comment       *StringLit
	PartitionedBy []*Ident
	Distribution  *Distribution
	Options       []*Property // WITH (...)
	Like          *LikeClause
	AsQuery       *Query // CREATE TABLE ... AS SELECT
}

// ColumnKind is the kind of a column in CREATE TABLE.
type ColumnKind int

const (
	PhysicalColumn ColumnKind = iota // name type
	ComputedColumn                   // name AS expr
	MetadataColumn                   // name type METADATA [FROM 'key'] [VIRTUAL]
)

// ColumnDef is one column of CREATE TABLE.
type ColumnDef struct {
	Loc
	Name        *Ident
	Kind        ColumnKind
	Type        Type       // physical and metadata columns
	Expr        Expr       // computed columns
	MetadataKey *StringLit // METADATA FROM 'key', nil when absent
	Virtual     bool       // METADATA ... VIRTUAL
	Constraint  *Constraint
	Comment     *StringLit
}

// Enforcement is the [NOT] ENFORCED of a constraint.
type Enforcement int

const (
	EnforcementDefault Enforcement = iota
	Enforced
	NotEnforced
)

// Constraint is [CONSTRAINT name] PRIMARY KEY [(cols)] [NOT] ENFORCED.
// Columns is empty for a column-level constraint.
type Constraint struct {
	Loc
	Name        *Ident
	Columns     []*Ident
	Enforcement Enforcement
}

// Watermark is WATERMARK FOR rowtime AS expr.
type Watermark struct {
	Loc
	Column []*Ident // the rowtime column, possibly a nested field
	Expr   Expr
}

// Distribution is DISTRIBUTED BY [HASH|RANGE] (cols) [INTO n BUCKETS] or
// DISTRIBUTED INTO n BUCKETS.
type Distribution struct {
	Loc
	Kind    string // "", "HASH" or "RANGE"
	Columns []*Ident
	Buckets *NumberLit // nil when absent
}

// LikeClause is LIKE source [(option, ...)].
type LikeClause struct {
	Loc
	Source  *ObjectName
	Options []*LikeOption
}

// LikeOption is INCLUDING|EXCLUDING|OVERWRITING ALL|CONSTRAINTS|... .
type LikeOption struct {
	Loc
	Strategy string // INCLUDING, EXCLUDING or OVERWRITING
	Feature  string // ALL, CONSTRAINTS, PARTITIONS, DISTRIBUTION, GENERATED, OPTIONS, WATERMARKS, METADATA
}

// CreateView is CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)]
// [COMMENT ...] AS query.
type CreateView struct {
	Loc
	Temporary   bool
	IfNotExists bool
	Name        *ObjectName
	Columns     []*Ident
	Comment     *StringLit
	Query       *Query
}

// CreateFunction is CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS]
// name AS 'class' [LANGUAGE JAVA|SCALA|PYTHON] [USING JAR '...', ...].
type CreateFunction struct {
	Loc
	Temporary   bool
	System      bool
	IfNotExists bool
	Name        *ObjectName
	Class       *StringLit
	Language    string // upper case, empty when absent
	Jars        []*StringLit
}

// CreateDatabase is CREATE DATABASE [IF NOT EXISTS] name [COMMENT ...]
// [WITH (...)].
type CreateDatabase struct {
	Loc
	IfNotExists bool
	Name        *ObjectName
	Comment     *StringLit
	Options     []*Property
}

// CreateCatalog is CREATE CATALOG [IF NOT EXISTS] name [COMMENT ...]
// WITH (...).
type CreateCatalog struct {
	Loc
	IfNotExists bool
	Name        *Ident
	Comment     *StringLit
	Options     []*Property
}

// ObjectKind names what a DROP, SHOW CREATE or DESCRIBE targets.
type ObjectKind string

const (
	KindTable    ObjectKind = "TABLE"
	KindView     ObjectKind = "VIEW"
	KindFunction ObjectKind = "FUNCTION"
	KindDatabase ObjectKind = "DATABASE"
	KindCatalog  ObjectKind = "CATALOG"
)

// Drop is DROP [TEMPORARY [SYSTEM]] TABLE|VIEW|FUNCTION|DATABASE|CATALOG
// [IF EXISTS] name [RESTRICT|CASCADE].
type Drop struct {
	Loc
	Kind      ObjectKind
	Temporary bool
	System    bool
	IfExists  bool
	Name      *ObjectName
	Cascade   bool // DATABASE ... CASCADE
}

func (*CreateTable) stmtNode()    {}
func (*CreateView) stmtNode()     {}
func (*CreateFunction) stmtNode() {}
func (*CreateDatabase) stmtNode() {}
func (*CreateCatalog) stmtNode()  {}
func (*Drop) stmtNode()           {}
