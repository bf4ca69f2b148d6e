package ast

// Type is a data type as written in DDL, CAST and ROW fields. Every type
// may carry NOT NULL.
type Type interface {
	Node
	typeNode()
	// Nullable reports whether NOT NULL was absent.
	Nullable() bool
}

// TypeName is the canonical name of a basic type.
type TypeName string

// Canonical basic type names. Synonyms are normalized by the parser:
// INTEGER is INT, DEC and NUMERIC are DECIMAL, REAL is FLOAT, DOUBLE
// PRECISION is DOUBLE, CHARACTER [VARYING] is CHAR/VARCHAR, and
// TIMESTAMP WITH LOCAL TIME ZONE is TIMESTAMP_LTZ.
const (
	TypeBoolean      TypeName = "BOOLEAN"
	TypeTinyInt      TypeName = "TINYINT"
	TypeSmallInt     TypeName = "SMALLINT"
	TypeInt          TypeName = "INT"
	TypeBigInt       TypeName = "BIGINT"
	TypeFloat        TypeName = "FLOAT"
	TypeDouble       TypeName = "DOUBLE"
	TypeDecimal      TypeName = "DECIMAL"
	TypeChar         TypeName = "CHAR"
	TypeVarChar      TypeName = "VARCHAR"
	TypeString       TypeName = "STRING"
	TypeBinary       TypeName = "BINARY"
	TypeVarBinary    TypeName = "VARBINARY"
	TypeBytes        TypeName = "BYTES"
	TypeDate         TypeName = "DATE"
	TypeTime         TypeName = "TIME"
	TypeTimestamp    TypeName = "TIMESTAMP"
	TypeTimestampLTZ TypeName = "TIMESTAMP_LTZ"
	TypeNull         TypeName = "NULL"
)

// BasicType is a type without type arguments, with optional precision and
// scale (NoPrecision when absent).
type BasicType struct {
	Loc
	Name      TypeName
	Precision int
	Scale     int
	NotNull   bool
}

// IntervalType is INTERVAL YEAR TO MONTH, INTERVAL DAY(2) TO SECOND(3), ...
type IntervalType struct {
	Loc
	Qualifier *IntervalQualifier
	NotNull   bool
}

// ArrayType is ARRAY<t> (also written t ARRAY).
type ArrayType struct {
	Loc
	Elem    Type
	NotNull bool
}

// MultisetType is MULTISET<t> (also written t MULTISET).
type MultisetType struct {
	Loc
	Elem    Type
	NotNull bool
}

// MapType is MAP<k, v>.
type MapType struct {
	Loc
	Key, Value Type
	NotNull    bool
}

// RowType is ROW<name type ['comment'], ...> (also written with parentheses).
type RowType struct {
	Loc
	Fields  []*RowField
	NotNull bool
}

// RowField is one field of a RowType.
type RowField struct {
	Loc
	Name    *Ident
	Type    Type
	Comment *StringLit // nil when absent
}

// RawType is RAW('class', 'serializer snapshot').
type RawType struct {
	Loc
	Class    *StringLit
	Snapshot *StringLit
	NotNull  bool
}

func (*BasicType) typeNode()    {}
func (*IntervalType) typeNode() {}
func (*ArrayType) typeNode()    {}
func (*MultisetType) typeNode() {}
func (*MapType) typeNode()      {}
func (*RowType) typeNode()      {}
func (*RawType) typeNode()      {}

func (t *BasicType) Nullable() bool    { return !t.NotNull }
func (t *IntervalType) Nullable() bool { return !t.NotNull }
func (t *ArrayType) Nullable() bool    { return !t.NotNull }
func (t *MultisetType) Nullable() bool { return !t.NotNull }
func (t *MapType) Nullable() bool      { return !t.NotNull }
func (t *RowType) Nullable() bool      { return !t.NotNull }
func (t *RawType) Nullable() bool      { return !t.NotNull }
