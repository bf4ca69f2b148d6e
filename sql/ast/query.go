package ast

// Query is a complete query expression: an optional WITH clause, a body,
// and the ORDER BY / LIMIT / OFFSET applying to the body's result. A
// parenthesized query with its own ORDER BY or LIMIT appears as a *Query
// in a QueryBody position. A Query is also a statement.
type Query struct {
	Loc
	With    *With
	Body    QueryBody
	OrderBy []*OrderItem
	// Limit is LIMIT n or FETCH FIRST n ROWS ONLY; nil when absent.
	Limit Expr
	// Offset is OFFSET n [ROWS]; nil when absent.
	Offset Expr
}

// With is WITH [RECURSIVE] name AS (query), ...
type With struct {
	Loc
	Recursive bool
	CTEs      []*CTE
}

// CTE is one named common table expression.
type CTE struct {
	Loc
	Name    *Ident
	Columns []*Ident
	Query   *Query
}

// QueryBody is the part of a query that produces rows: *Select, *SetOp,
// *Values, or a parenthesized *Query.
type QueryBody interface {
	Node
	queryBody()
}

// Select is one SELECT block.
type Select struct {
	Loc
	Hints   []*Hint // SELECT /*+ ... */
	Quant   SetQuantifier
	Items   []*SelectItem
	From    TableRef // nil for SELECT without FROM
	Where   Expr
	GroupBy []Expr // may contain *GroupingSet
	Having  Expr
	Windows []*NamedWindow
}

// SelectItem is expr [AS alias] or a *Star.
type SelectItem struct {
	Loc
	Expr  Expr
	Alias *Ident // nil when absent
}

// GroupingKind is the kind of a grouping construct in GROUP BY.
type GroupingKind string

const (
	GroupingSets GroupingKind = "GROUPING SETS"
	Rollup       GroupingKind = "ROLLUP"
	Cube         GroupingKind = "CUBE"
)

// GroupingSet is GROUPING SETS (...), ROLLUP (...) or CUBE (...). Items
// are expressions, *RowExpr for parenthesized lists (an empty one is the
// grand total ()), or nested *GroupingSet.
type GroupingSet struct {
	Loc
	Kind  GroupingKind
	Items []Expr
}

func (*GroupingSet) exprNode() {}

// NamedWindow is name AS (window spec) in a WINDOW clause.
type NamedWindow struct {
	Loc
	Name *Ident
	Spec *WindowSpec
}

// WindowSpec is the window of an OVER clause or WINDOW definition. A bare
// reference (OVER w) has only Ref set.
type WindowSpec struct {
	Loc
	Ref         *Ident // base window name, nil when absent
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *WindowFrame // nil when absent
}

// FrameUnit is ROWS or RANGE.
type FrameUnit string

const (
	FrameRows  FrameUnit = "ROWS"
	FrameRange FrameUnit = "RANGE"
)

// WindowFrame is ROWS|RANGE bound or ROWS|RANGE BETWEEN bound AND bound.
type WindowFrame struct {
	Loc
	Unit  FrameUnit
	Begin *FrameBound
	End   *FrameBound // nil without BETWEEN
}

// BoundKind is the kind of a frame bound.
type BoundKind string

const (
	UnboundedPreceding BoundKind = "UNBOUNDED PRECEDING"
	Preceding          BoundKind = "PRECEDING"
	CurrentRow         BoundKind = "CURRENT ROW"
	Following          BoundKind = "FOLLOWING"
	UnboundedFollowing BoundKind = "UNBOUNDED FOLLOWING"
)

// FrameBound is one end of a window frame; Offset is set for PRECEDING and
// FOLLOWING.
type FrameBound struct {
	Loc
	Kind   BoundKind
	Offset Expr
}

// NullsOrder is NULLS FIRST / NULLS LAST, or unspecified.
type NullsOrder int

const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

// OrderItem is expr [ASC|DESC] [NULLS FIRST|LAST]. ASC is the default and
// is not recorded.
type OrderItem struct {
	Loc
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// SetOpKind is UNION, INTERSECT or EXCEPT (MINUS is EXCEPT).
type SetOpKind string

const (
	Union     SetOpKind = "UNION"
	Intersect SetOpKind = "INTERSECT"
	Except    SetOpKind = "EXCEPT"
)

// SetOp is L op [ALL|DISTINCT] R.
type SetOp struct {
	Loc
	Op   SetOpKind
	All  bool
	L, R QueryBody
}

// Values is VALUES row, row, ...
type Values struct {
	Loc
	Rows []*RowExpr
}

func (*Select) queryBody() {}
func (*SetOp) queryBody()  {}
func (*Values) queryBody() {}
func (*Query) queryBody()  {}

// TableRef is an item of a FROM clause.
type TableRef interface {
	Node
	tableRef()
}

// TableAlias is [AS] name [(col, ...)].
type TableAlias struct {
	Loc
	Name    *Ident
	Columns []*Ident
}

// TableName references a table or view by name:
// name [/*+ hints */] [FOR SYSTEM_TIME AS OF expr] [[AS] alias].
type TableName struct {
	Loc
	Name       *ObjectName
	Hints      []*Hint
	SystemTime Expr // FOR SYSTEM_TIME AS OF, nil when absent
	Alias      *TableAlias
}

// DerivedTable is [LATERAL] (query) [[AS] alias].
type DerivedTable struct {
	Loc
	Lateral bool
	Query   *Query
	Alias   *TableAlias
}

// TableFunc is [LATERAL] TABLE(fn(args)) [[AS] alias]: a table-valued
// function such as a window TVF or a user-defined table function.
type TableFunc struct {
	Loc
	Lateral bool
	Call    *FuncCall
	Alias   *TableAlias
}

// Unnest is UNNEST(expr, ...) [WITH ORDINALITY] [[AS] alias].
type Unnest struct {
	Loc
	Exprs          []Expr
	WithOrdinality bool
	Alias          *TableAlias
}

// JoinKind is the kind of a join.
type JoinKind string

const (
	InnerJoin JoinKind = "INNER JOIN" // JOIN or INNER JOIN
	LeftJoin  JoinKind = "LEFT JOIN"  // LEFT [OUTER] JOIN
	RightJoin JoinKind = "RIGHT JOIN" // RIGHT [OUTER] JOIN
	FullJoin  JoinKind = "FULL JOIN"  // FULL [OUTER] JOIN
	CrossJoin JoinKind = "CROSS JOIN"
	CommaJoin JoinKind = ","
)

// Join is L kind R [ON cond | USING (cols)]. Joins are left-associative;
// a Join in R comes from parentheses.
type Join struct {
	Loc
	Kind    JoinKind
	Natural bool
	L, R    TableRef
	On      Expr
	Using   []*Ident
}

func (*TableName) tableRef()    {}
func (*DerivedTable) tableRef() {}
func (*TableFunc) tableRef()    {}
func (*Unnest) tableRef()       {}
func (*Join) tableRef()         {}
