package ast

// Expr is a scalar expression.
type Expr interface {
	Node
	exprNode()
}

// NumberKind tells the three kinds of numeric literal apart.
type NumberKind int

const (
	IntegerNumber NumberKind = iota // 42
	DecimalNumber                   // 4.2, kept as text so no precision is lost
	ApproxNumber                    // 4.2E1, a DOUBLE
)

// NumberLit is an unsigned numeric literal; a sign is a UnaryExpr.
type NumberLit struct {
	Loc
	Kind NumberKind
	Text string // as written, e.g. "0.908" or "1e3"
}

// StringLit is a character string literal. Adjacent literals ('a' 'b') are
// merged into one; Value has quote escaping removed.
type StringLit struct {
	Loc
	Value string
}

// BinaryLit is a binary string literal X'0fA1'.
type BinaryLit struct {
	Loc
	Hex string // hex digits as written, upper-cased
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Loc
	Value bool
}

// NullLit is NULL.
type NullLit struct{ Loc }

// UnknownLit is UNKNOWN, the boolean null.
type UnknownLit struct{ Loc }

// DateTimeKind names the type of a typed date/time literal.
type DateTimeKind string

const (
	DateLit         DateTimeKind = "DATE"
	TimeLit         DateTimeKind = "TIME"
	TimestampLit    DateTimeKind = "TIMESTAMP"
	TimestampLTZLit DateTimeKind = "TIMESTAMP WITH LOCAL TIME ZONE"
)

// DateTimeLit is a typed literal such as DATE '2020-01-01'.
type DateTimeLit struct {
	Loc
	Kind  DateTimeKind
	Value string
}

// TimeUnit is a datetime field such as YEAR or SECOND, upper case.
type TimeUnit string

// IntervalQualifier is the unit part of an interval literal or type:
// SECOND, DAY(3), MINUTE TO SECOND, DAY TO SECOND(3). Precisions are
// NoPrecision when absent.
type IntervalQualifier struct {
	Loc
	From          TimeUnit
	FromPrecision int
	To            TimeUnit // empty for a single-field qualifier
	// FracPrecision is the fractional second precision of a trailing
	// SECOND field: SECOND(2, 3) or DAY TO SECOND(3).
	FracPrecision int
}

// NoPrecision marks an omitted precision or scale.
const NoPrecision = -1

// IntervalLit is INTERVAL [-]'value' qualifier.
type IntervalLit struct {
	Loc
	Negative  bool
	Value     string
	Qualifier *IntervalQualifier
}

// ColumnRef is an identifier chain in an expression: a column, a qualified
// column t.col, or a nested field t.col.field. Which is which is decided by
// the binder.
type ColumnRef struct {
	Loc
	Parts []*Ident
}

// Star is * or t.* in a select list, or the * of COUNT(*).
type Star struct {
	Loc
	Qualifier []*Ident // empty for a bare *
}

// UnaryOp is a prefix operator.
type UnaryOp string

const (
	OpNeg UnaryOp = "-"
	OpPos UnaryOp = "+"
	OpNot UnaryOp = "NOT"
)

// UnaryExpr is a prefix operator applied to an operand.
type UnaryExpr struct {
	Loc
	Op UnaryOp
	X  Expr
}

// BinaryOp is an infix operator.
type BinaryOp string

const (
	OpOr                BinaryOp = "OR"
	OpAnd               BinaryOp = "AND"
	OpEq                BinaryOp = "="
	OpNe                BinaryOp = "<>" // also written !=
	OpLt                BinaryOp = "<"
	OpLe                BinaryOp = "<="
	OpGt                BinaryOp = ">"
	OpGe                BinaryOp = ">="
	OpIsDistinctFrom    BinaryOp = "IS DISTINCT FROM"
	OpIsNotDistinctFrom BinaryOp = "IS NOT DISTINCT FROM"
	OpAdd               BinaryOp = "+"
	OpSub               BinaryOp = "-"
	OpMul               BinaryOp = "*"
	OpDiv               BinaryOp = "/"
	OpMod               BinaryOp = "%"
	OpConcat            BinaryOp = "||"
)

// BinaryExpr is L Op R.
type BinaryExpr struct {
	Loc
	Op   BinaryOp
	L, R Expr
}

// IsTest is what an IS predicate tests for.
type IsTest string

const (
	IsNull    IsTest = "NULL"
	IsTrue    IsTest = "TRUE"
	IsFalse   IsTest = "FALSE"
	IsUnknown IsTest = "UNKNOWN"
)

// IsExpr is X IS [NOT] NULL|TRUE|FALSE|UNKNOWN.
type IsExpr struct {
	Loc
	X    Expr
	Not  bool
	Test IsTest
}

// BetweenExpr is X [NOT] BETWEEN [ASYMMETRIC|SYMMETRIC] Low AND High.
type BetweenExpr struct {
	Loc
	X         Expr
	Not       bool
	Symmetric Symmetry
	Low, High Expr
}

// Symmetry is the optional BETWEEN modifier.
type Symmetry int

const (
	SymmetryDefault Symmetry = iota
	Asymmetric
	Symmetric
)

// InExpr is X [NOT] IN (list) or X [NOT] IN (subquery); exactly one of
// List and Query is set.
type InExpr struct {
	Loc
	X     Expr
	Not   bool
	List  []Expr
	Query *Query
}

// LikeKind distinguishes LIKE from SIMILAR TO.
type LikeKind string

const (
	Like      LikeKind = "LIKE"
	SimilarTo LikeKind = "SIMILAR TO"
)

// LikeExpr is X [NOT] LIKE|SIMILAR TO Pattern [ESCAPE Escape].
type LikeExpr struct {
	Loc
	X       Expr
	Not     bool
	Kind    LikeKind
	Pattern Expr
	Escape  Expr // nil when absent
}

// Quantifier is ANY/SOME/ALL of a quantified comparison.
type Quantifier string

const (
	QuantAny  Quantifier = "ANY"
	QuantSome Quantifier = "SOME"
	QuantAll  Quantifier = "ALL"
)

// QuantifiedExpr is X op ANY|SOME|ALL (subquery).
type QuantifiedExpr struct {
	Loc
	X          Expr
	Op         BinaryOp // a comparison operator
	Quantifier Quantifier
	Query      *Query
}

// ExistsExpr is EXISTS (subquery).
type ExistsExpr struct {
	Loc
	Query *Query
}

// SubqueryExpr is a scalar subquery (SELECT ...) used as a value.
type SubqueryExpr struct {
	Loc
	Query *Query
}

// CaseExpr is CASE [Operand] WHEN ... THEN ... [ELSE ...] END. Operand is
// nil for a searched CASE.
type CaseExpr struct {
	Loc
	Operand Expr
	Whens   []*When
	Else    Expr // nil when absent
}

// When is one WHEN cond THEN result arm of a CASE.
type When struct {
	Loc
	Cond   Expr
	Result Expr
}

// CastExpr is CAST(X AS Type) or TRY_CAST(X AS Type).
type CastExpr struct {
	Loc
	Try  bool
	X    Expr
	Type Type
}

// SetQuantifier is DISTINCT or ALL in a SELECT or an aggregate call.
type SetQuantifier int

const (
	QuantNone SetQuantifier = iota
	QuantDistinct
	QuantAllRows
)

// NullTreatment is RESPECT NULLS or IGNORE NULLS after the arguments of
// an aggregate call (ARRAY_AGG).
type NullTreatment string

const (
	RespectNulls NullTreatment = "RESPECT NULLS"
	IgnoreNulls  NullTreatment = "IGNORE NULLS"
)

// FuncCall is a function call, including aggregates and window functions.
// COUNT(*) has a single *Star argument. NoParens marks the niladic
// functions written without parentheses (CURRENT_TIMESTAMP).
type FuncCall struct {
	Loc
	Name     *ObjectName
	Quant    SetQuantifier // COUNT(DISTINCT x)
	Args     []Expr
	Nulls    NullTreatment // RESPECT/IGNORE NULLS after the arguments, "" when absent
	NoParens bool
	Filter   Expr        // FILTER (WHERE ...), nil when absent
	Over     *WindowSpec // OVER (...) or OVER name, nil when absent
}

// NamedArg is name => value in a function or table function call.
type NamedArg struct {
	Loc
	Name  *Ident
	Value Expr
}

// TableArg is a TABLE t [PARTITION BY ...] [ORDER BY ...] argument of a
// table-valued function such as TUMBLE or SESSION.
type TableArg struct {
	Loc
	Table       *ObjectName
	PartitionBy []Expr
	OrderBy     []*OrderItem
}

// DescriptorExpr is DESCRIPTOR(col, ...), naming columns of a table
// argument (the time attribute of a window TVF).
type DescriptorExpr struct {
	Loc
	Columns []*Ident
}

// TimeUnitExpr is a bare datetime unit used as a function argument, as in
// TIMESTAMPADD(DAY, 1, ts) or TIMESTAMPDIFF(SECOND, a, b).
type TimeUnitExpr struct {
	Loc
	Unit TimeUnit
}

// ExtractExpr is EXTRACT(Unit FROM X).
type ExtractExpr struct {
	Loc
	Unit TimeUnit
	X    Expr
}

// FloorCeilExpr is FLOOR(X TO Unit) or CEIL(X TO Unit). Plain FLOOR(x) is
// an ordinary FuncCall.
type FloorCeilExpr struct {
	Loc
	Ceil bool
	X    Expr
	Unit TimeUnit
}

// PositionExpr is POSITION(Sub IN X [FROM From]).
type PositionExpr struct {
	Loc
	Sub  Expr
	X    Expr
	From Expr // nil when absent
}

// TrimSide is the BOTH/LEADING/TRAILING of TRIM.
type TrimSide string

const (
	TrimBoth     TrimSide = "BOTH"
	TrimLeading  TrimSide = "LEADING"
	TrimTrailing TrimSide = "TRAILING"
)

// TrimExpr is TRIM([Side] [Chars] FROM X). The plain form TRIM(x) has an
// empty Side and nil Chars.
type TrimExpr struct {
	Loc
	Side  TrimSide // empty when not written
	Chars Expr     // nil when not written
	X     Expr
}

// SubstringExpr is SUBSTRING(X FROM From [FOR For]); the comma form
// SUBSTRING(x, a, b) parses to the same node.
type SubstringExpr struct {
	Loc
	X    Expr
	From Expr
	For  Expr // nil when absent
}

// OverlayExpr is OVERLAY(X PLACING With FROM From [FOR For]).
type OverlayExpr struct {
	Loc
	X    Expr
	With Expr
	From Expr
	For  Expr // nil when absent
}

// RowExpr is a row constructor ROW(a, b) or (a, b). Explicit records
// whether the ROW keyword was written; ROW(a) differs from (a).
type RowExpr struct {
	Loc
	Explicit bool
	Fields   []Expr
}

// ArrayExpr is ARRAY[e, ...].
type ArrayExpr struct {
	Loc
	Elems []Expr
}

// MapExpr is MAP[k1, v1, k2, v2, ...]; Elems alternates keys and values.
type MapExpr struct {
	Loc
	Elems []Expr
}

// IndexExpr is X[Index]: array element or map value access.
type IndexExpr struct {
	Loc
	X     Expr
	Index Expr
}

// FieldAccess is X.Field where X is not a plain identifier chain, as in
// (expr).field, f(x).field or arr[1].field. Identifier chains a.b.c are a
// ColumnRef.
type FieldAccess struct {
	Loc
	X     Expr
	Field *Ident
}

func (*NumberLit) exprNode()      {}
func (*StringLit) exprNode()      {}
func (*BinaryLit) exprNode()      {}
func (*BoolLit) exprNode()        {}
func (*NullLit) exprNode()        {}
func (*UnknownLit) exprNode()     {}
func (*DateTimeLit) exprNode()    {}
func (*IntervalLit) exprNode()    {}
func (*ColumnRef) exprNode()      {}
func (*Star) exprNode()           {}
func (*UnaryExpr) exprNode()      {}
func (*BinaryExpr) exprNode()     {}
func (*IsExpr) exprNode()         {}
func (*BetweenExpr) exprNode()    {}
func (*InExpr) exprNode()         {}
func (*LikeExpr) exprNode()       {}
func (*QuantifiedExpr) exprNode() {}
func (*ExistsExpr) exprNode()     {}
func (*SubqueryExpr) exprNode()   {}
func (*CaseExpr) exprNode()       {}
func (*CastExpr) exprNode()       {}
func (*FuncCall) exprNode()       {}
func (*NamedArg) exprNode()       {}
func (*TableArg) exprNode()       {}
func (*DescriptorExpr) exprNode() {}
func (*TimeUnitExpr) exprNode()   {}
func (*ExtractExpr) exprNode()    {}
func (*FloorCeilExpr) exprNode()  {}
func (*PositionExpr) exprNode()   {}
func (*TrimExpr) exprNode()       {}
func (*SubstringExpr) exprNode()  {}
func (*OverlayExpr) exprNode()    {}
func (*RowExpr) exprNode()        {}
func (*ArrayExpr) exprNode()      {}
func (*MapExpr) exprNode()        {}
func (*IndexExpr) exprNode()      {}
func (*FieldAccess) exprNode()    {}
