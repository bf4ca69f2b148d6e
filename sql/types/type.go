package types

import (
	"strconv"
	"strings"
)

// Kind is the root of a logical type (Flink's LogicalTypeRoot).
type Kind uint8

// The kinds, in Flink's order of precedence where that matters (integer kinds
// are ordered by width).
const (
	KindNull Kind = iota
	KindBoolean
	KindTinyInt
	KindSmallInt
	KindInt
	KindBigInt
	KindFloat
	KindDouble
	KindDecimal
	KindChar
	KindVarChar
	KindBinary
	KindVarBinary
	KindDate
	KindTime
	KindTimestamp
	KindTimestampLTZ
	KindIntervalYearMonth
	KindIntervalDayTime
	KindArray
	KindMultiset
	KindMap
	KindRow
	numKinds
)

var kindNames = [numKinds]string{
	KindNull: "NULL", KindBoolean: "BOOLEAN", KindTinyInt: "TINYINT", KindSmallInt: "SMALLINT",
	KindInt: "INT", KindBigInt: "BIGINT", KindFloat: "FLOAT", KindDouble: "DOUBLE",
	KindDecimal: "DECIMAL", KindChar: "CHAR", KindVarChar: "VARCHAR", KindBinary: "BINARY",
	KindVarBinary: "VARBINARY", KindDate: "DATE", KindTime: "TIME", KindTimestamp: "TIMESTAMP",
	KindTimestampLTZ: "TIMESTAMP_LTZ", KindIntervalYearMonth: "INTERVAL YEAR TO MONTH",
	KindIntervalDayTime: "INTERVAL DAY TO SECOND", KindArray: "ARRAY", KindMultiset: "MULTISET",
	KindMap: "MAP", KindRow: "ROW",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Limits and defaults of Flink's types.
const (
	MaxDecimalPrecision   = 38
	DefaultDecimal        = 10 // DECIMAL means DECIMAL(10, 0)
	MaxLength             = 1<<31 - 1
	MaxTimePrecision      = 9
	DefaultTimestampPrec  = 6 // TIMESTAMP means TIMESTAMP(6)
	DefaultTimePrecision  = 0 // TIME means TIME(0)
	DefaultYearPrecision  = 2
	DefaultDayPrecision   = 2
	DefaultFractionalPrec = 6
)

// TimeAttr marks a TIMESTAMP column as a time attribute. Types never derive it;
// the planner sets and clears it.
type TimeAttr uint8

// Time attribute kinds.
const (
	NoTimeAttr TimeAttr = iota
	RowTime
	ProcTime
)

// Field is a named field of a ROW type.
type Field struct {
	Name string
	Type Type
}

// Type is a logical type with its nullability. The zero value is the nullable
// NULL type. Types are values: copy them freely, compare them with Equal.
type Type struct {
	Kind Kind
	// NotNull is true for `… NOT NULL`; Flink types are nullable by default.
	NotNull bool
	// Precision is the length of CHAR/VARCHAR/BINARY/VARBINARY, the precision
	// of DECIMAL, the fractional-second precision of TIME/TIMESTAMP/
	// TIMESTAMP_LTZ, the year precision of INTERVAL YEAR TO MONTH and the day
	// precision of INTERVAL DAY TO SECOND.
	Precision int
	// Scale is the scale of DECIMAL and the fractional precision of INTERVAL
	// DAY TO SECOND.
	Scale int
	// Elem is the element type of ARRAY and MULTISET and the key type of MAP.
	Elem *Type
	// Value is the value type of MAP.
	Value *Type
	// Fields are the fields of ROW.
	Fields []Field
	// TimeAttr marks rowtime/proctime attributes (printed as *ROWTIME*).
	TimeAttr TimeAttr
}

// Constructors. All return nullable types; chain NotNullable() for NOT NULL.

func Null() Type              { return Type{Kind: KindNull} }
func Boolean() Type           { return Type{Kind: KindBoolean} }
func TinyInt() Type           { return Type{Kind: KindTinyInt} }
func SmallInt() Type          { return Type{Kind: KindSmallInt} }
func Int() Type               { return Type{Kind: KindInt} }
func BigInt() Type            { return Type{Kind: KindBigInt} }
func Float() Type             { return Type{Kind: KindFloat} }
func Double() Type            { return Type{Kind: KindDouble} }
func Decimal(p, s int) Type   { return Type{Kind: KindDecimal, Precision: p, Scale: s} }
func Char(n int) Type         { return Type{Kind: KindChar, Precision: n} }
func VarChar(n int) Type      { return Type{Kind: KindVarChar, Precision: n} }
func String() Type            { return Type{Kind: KindVarChar, Precision: MaxLength} }
func Binary(n int) Type       { return Type{Kind: KindBinary, Precision: n} }
func VarBinary(n int) Type    { return Type{Kind: KindVarBinary, Precision: n} }
func Bytes() Type             { return Type{Kind: KindVarBinary, Precision: MaxLength} }
func Date() Type              { return Type{Kind: KindDate} }
func Time(p int) Type         { return Type{Kind: KindTime, Precision: p} }
func Timestamp(p int) Type    { return Type{Kind: KindTimestamp, Precision: p} }
func TimestampLTZ(p int) Type { return Type{Kind: KindTimestampLTZ, Precision: p} }

// IntervalYearMonth is INTERVAL YEAR(2) TO MONTH.
func IntervalYearMonth() Type {
	return Type{Kind: KindIntervalYearMonth, Precision: DefaultYearPrecision}
}

// IntervalDayTime is INTERVAL DAY(2) TO SECOND(3), the type of Flink's
// day-time interval literals.
func IntervalDayTime() Type {
	return Type{Kind: KindIntervalDayTime, Precision: DefaultDayPrecision, Scale: 3}
}

func Array(elem Type) Type    { return Type{Kind: KindArray, Elem: &elem} }
func Multiset(elem Type) Type { return Type{Kind: KindMultiset, Elem: &elem} }
func Map(key, value Type) Type {
	return Type{Kind: KindMap, Elem: &key, Value: &value}
}
func Row(fields ...Field) Type { return Type{Kind: KindRow, Fields: fields} }

// NotNullable returns t as NOT NULL.
func (t Type) NotNullable() Type { t.NotNull = true; return t }

// Nullable returns t as nullable.
func (t Type) Nullable() Type { t.NotNull = false; return t }

// WithNullable returns t with the given nullability.
func (t Type) WithNullable(nullable bool) Type { t.NotNull = !nullable; return t }

// IsNullable reports whether values of t may be NULL.
func (t Type) IsNullable() bool { return !t.NotNull }

// Equal reports whether t and u are the same type, nullability and time
// attribute included.
func (t Type) Equal(u Type) bool {
	return t.NotNull == u.NotNull && t.TimeAttr == u.TimeAttr && t.EqualIgnoringNullability(u)
}

// EqualIgnoringNullability compares t and u without their top-level
// nullability and time attribute (nested nullability still counts).
func (t Type) EqualIgnoringNullability(u Type) bool {
	if t.Kind != u.Kind || t.Precision != u.Precision || t.Scale != u.Scale {
		return false
	}
	if (t.Elem == nil) != (u.Elem == nil) || (t.Value == nil) != (u.Value == nil) ||
		len(t.Fields) != len(u.Fields) {
		return false
	}
	if t.Elem != nil && !t.Elem.Equal(*u.Elem) {
		return false
	}
	if t.Value != nil && !t.Value.Equal(*u.Value) {
		return false
	}
	for i := range t.Fields {
		if t.Fields[i].Name != u.Fields[i].Name || !t.Fields[i].Type.Equal(u.Fields[i].Type) {
			return false
		}
	}
	return true
}

// Family predicates.

func (t Type) IsIntegral() bool { return t.Kind >= KindTinyInt && t.Kind <= KindBigInt }
func (t Type) IsApprox() bool   { return t.Kind == KindFloat || t.Kind == KindDouble }

// IsExact reports an exact numeric type: integers and DECIMAL.
func (t Type) IsExact() bool   { return t.IsIntegral() || t.Kind == KindDecimal }
func (t Type) IsNumeric() bool { return t.Kind >= KindTinyInt && t.Kind <= KindDecimal }
func (t Type) IsCharacter() bool {
	return t.Kind == KindChar || t.Kind == KindVarChar
}
func (t Type) IsBinaryString() bool {
	return t.Kind == KindBinary || t.Kind == KindVarBinary
}
func (t Type) IsTimestamp() bool {
	return t.Kind == KindTimestamp || t.Kind == KindTimestampLTZ
}

// IsDatetime reports DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ.
func (t Type) IsDatetime() bool { return t.Kind >= KindDate && t.Kind <= KindTimestampLTZ }
func (t Type) IsInterval() bool {
	return t.Kind == KindIntervalYearMonth || t.Kind == KindIntervalDayTime
}
func (t Type) IsConstructed() bool { return t.Kind >= KindArray }

// IntegralPrecision is the number of decimal digits an integer kind holds
// (Flink's getPrecision: TINYINT 3, SMALLINT 5, INT 10, BIGINT 19).
func (t Type) IntegralPrecision() int {
	switch t.Kind {
	case KindTinyInt:
		return 3
	case KindSmallInt:
		return 5
	case KindInt:
		return 10
	case KindBigInt:
		return 19
	}
	return 0
}

// AsDecimal returns the DECIMAL type an exact numeric type converts to
// without loss (INT → DECIMAL(10, 0)); ok is false for other types.
func (t Type) AsDecimal() (Type, bool) {
	switch {
	case t.Kind == KindDecimal:
		return t, true
	case t.IsIntegral():
		d := Decimal(t.IntegralPrecision(), 0)
		d.NotNull = t.NotNull
		return d, true
	}
	return Type{}, false
}

// String prints t in Flink's spelling, e.g. `DECIMAL(10, 2) NOT NULL`,
// `ARRAY<INT NOT NULL>`, `ROW<`a` INT, `b` STRING>`, `TIMESTAMP(3) *ROWTIME*`.
func (t Type) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t Type) write(b *strings.Builder) {
	itoa := strconv.Itoa
	switch t.Kind {
	case KindDecimal:
		b.WriteString("DECIMAL(" + itoa(t.Precision) + ", " + itoa(t.Scale) + ")")
	case KindChar, KindBinary:
		b.WriteString(t.Kind.String() + "(" + itoa(t.Precision) + ")")
	case KindVarChar:
		if t.Precision == MaxLength {
			b.WriteString("STRING")
		} else {
			b.WriteString("VARCHAR(" + itoa(t.Precision) + ")")
		}
	case KindVarBinary:
		if t.Precision == MaxLength {
			b.WriteString("BYTES")
		} else {
			b.WriteString("VARBINARY(" + itoa(t.Precision) + ")")
		}
	case KindTime, KindTimestamp, KindTimestampLTZ:
		b.WriteString(t.Kind.String() + "(" + itoa(t.Precision) + ")")
	case KindIntervalYearMonth:
		b.WriteString("INTERVAL YEAR(" + itoa(t.Precision) + ") TO MONTH")
	case KindIntervalDayTime:
		b.WriteString("INTERVAL DAY(" + itoa(t.Precision) + ") TO SECOND(" + itoa(t.Scale) + ")")
	case KindArray, KindMultiset:
		b.WriteString(t.Kind.String() + "<")
		t.Elem.write(b)
		b.WriteString(">")
	case KindMap:
		b.WriteString("MAP<")
		t.Elem.write(b)
		b.WriteString(", ")
		t.Value.write(b)
		b.WriteString(">")
	case KindRow:
		b.WriteString("ROW<")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("`" + strings.ReplaceAll(f.Name, "`", "``") + "` ")
			f.Type.write(b)
		}
		b.WriteString(">")
	default:
		b.WriteString(t.Kind.String())
	}
	if t.NotNull {
		b.WriteString(" NOT NULL")
	}
	switch t.TimeAttr {
	case RowTime:
		b.WriteString(" *ROWTIME*")
	case ProcTime:
		b.WriteString(" *PROCTIME*")
	}
}
