package ast

// Stmt is a top-level statement.
type Stmt interface {
	Node
	stmtNode()
}

func (*Query) stmtNode() {}

// Insert is INSERT INTO|OVERWRITE table [/*+ hints */] [PARTITION (...)]
// [(cols)] query.
type Insert struct {
	Loc
	Overwrite bool
	Table     *ObjectName
	Hints     []*Hint
	Partition []*PartitionValue
	Columns   []*Ident
	Query     *Query
}

// PartitionValue is col = literal in a static PARTITION clause.
type PartitionValue struct {
	Loc
	Column *Ident
	Value  Expr
}

// StatementSetForm records how a statement set was written.
type StatementSetForm int

const (
	// ExecuteStatementSet is EXECUTE STATEMENT SET BEGIN ...; END.
	ExecuteStatementSet StatementSetForm = iota
	// BareStatementSet is STATEMENT SET BEGIN ...; END, used after EXPLAIN.
	BareStatementSet
	// ClientStatementSet is the SQL client's BEGIN STATEMENT SET; ...; END.
	ClientStatementSet
)

// StatementSet groups INSERT statements into one job.
type StatementSet struct {
	Loc
	Form    StatementSetForm
	Inserts []*Insert
}

// ShowKind is what a SHOW statement lists.
type ShowKind string

const (
	ShowTables          ShowKind = "TABLES"
	ShowViews           ShowKind = "VIEWS"
	ShowFunctions       ShowKind = "FUNCTIONS"
	ShowUserFunctions   ShowKind = "USER FUNCTIONS"
	ShowCatalogs        ShowKind = "CATALOGS"
	ShowDatabases       ShowKind = "DATABASES"
	ShowCurrentCatalog  ShowKind = "CURRENT CATALOG"
	ShowCurrentDatabase ShowKind = "CURRENT DATABASE"
	ShowColumns         ShowKind = "COLUMNS"
	ShowModules         ShowKind = "MODULES"
	ShowFullModules     ShowKind = "FULL MODULES"
	ShowJars            ShowKind = "JARS"
	ShowJobs            ShowKind = "JOBS"
)

// Show is SHOW kind [FROM|IN name] [[NOT] LIKE 'pattern'].
type Show struct {
	Loc
	Kind    ShowKind
	From    *ObjectName // nil when absent
	NotLike bool
	Like    *StringLit // nil when absent
}

// ShowCreate is SHOW CREATE TABLE|VIEW name.
type ShowCreate struct {
	Loc
	Kind ObjectKind
	Name *ObjectName
}

// Describe is DESCRIBE|DESC [EXTENDED] name.
type Describe struct {
	Loc
	Extended bool
	Name     *ObjectName
}

// Use is USE [CATALOG] name.
type Use struct {
	Loc
	Catalog bool
	Name    *ObjectName
}

// UseModules is USE MODULES a, b.
type UseModules struct {
	Loc
	Modules []*Ident
}

// Set is SET 'key' = 'value', or SET alone (Property nil) to list options.
type Set struct {
	Loc
	Property *Property
}

// Reset is RESET 'key', or RESET alone (Key nil) to reset all options.
type Reset struct {
	Loc
	Key *StringLit
}

// Explain is EXPLAIN [detail, ...| PLAN FOR] statement. Details are upper
// case: ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN, PLAN_ADVICE.
type Explain struct {
	Loc
	PlanFor bool
	Details []string
	Stmt    Stmt
}

func (*Insert) stmtNode()       {}
func (*StatementSet) stmtNode() {}
func (*Show) stmtNode()         {}
func (*ShowCreate) stmtNode()   {}
func (*Describe) stmtNode()     {}
func (*Use) stmtNode()          {}
func (*UseModules) stmtNode()   {}
func (*Set) stmtNode()          {}
func (*Reset) stmtNode()        {}
func (*Explain) stmtNode()      {}
