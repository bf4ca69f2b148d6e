package types

// CommonType returns the least restrictive type all of ts can be converted to
// implicitly (Flink's LogicalTypeMerging.findCommonType, itself after
// Calcite's leastRestrictive): INT, BIGINT → BIGINT; INT, DECIMAL(5, 2) →
// DECIMAL(12, 2); DECIMAL, DOUBLE → DOUBLE; CHAR(3), VARCHAR(5) → VARCHAR(5);
// TIMESTAMP(0), TIMESTAMP_LTZ(3) → TIMESTAMP_LTZ(3). The result is nullable if
// any input is. ok is false when no common type exists, and for NULL alone
// (NULL is reserved for untyped literals).
func CommonType(ts ...Type) (Type, bool) {
	if len(ts) == 0 {
		return Type{}, false
	}
	nullable := false
	for _, t := range ts {
		if !t.NotNull {
			nullable = true
		}
	}
	var res *Type
	for i := range ts {
		t := ts[i].Nullable()
		t.TimeAttr = NoTimeAttr
		if t.Kind == KindNull {
			continue
		}
		if res == nil {
			res = &t
			continue
		}
		m, ok := merge2(*res, t)
		if !ok {
			return Type{}, false
		}
		res = &m
	}
	if res == nil {
		return Type{}, false
	}
	return res.WithNullable(nullable), true
}

func merge2(a, b Type) (Type, bool) {
	// DATETIME with INTERVAL or exact numeric keeps the datetime (date
	// arithmetic patterns).
	if a.IsDatetime() && b.IsInterval() || (a.IsTimestamp() || a.Kind == KindDate) && b.IsExact() {
		return a, true
	}
	if a.IsInterval() && b.IsDatetime() || a.IsExact() && (b.IsTimestamp() || b.Kind == KindDate) {
		return b, true
	}
	switch {
	case a.IsCharacter() && b.IsCharacter(), a.IsBinaryString() && b.IsBinaryString():
		n := max(a.Precision, b.Precision)
		switch {
		case a.Kind == KindVarChar || a.Kind == KindVarBinary:
			return Type{Kind: a.Kind, Precision: n}, true
		case a.Kind == b.Kind && a.Precision == b.Precision:
			return a, true
		case a.Kind == KindChar:
			return VarChar(n), true
		default:
			return VarBinary(n), true
		}
	case a.IsExact() && b.IsExact():
		return commonExact(a, b), true
	case a.IsNumeric() && b.IsNumeric():
		// at least one approximate: DECIMAL forces DOUBLE, otherwise the wider
		// approximate type wins.
		if a.Kind == KindDecimal || b.Kind == KindDecimal || a.Kind == KindDouble || b.Kind == KindDouble {
			return Double(), true
		}
		return Float(), true
	case a.Kind == KindDate && b.Kind == KindDate, a.Kind == KindBoolean && b.Kind == KindBoolean:
		return a, true
	case a.Kind == KindTime && b.Kind == KindTime:
		return Time(max(a.Precision, b.Precision)), true
	case a.IsTimestamp() && b.IsTimestamp():
		k := KindTimestamp
		if a.Kind == KindTimestampLTZ || b.Kind == KindTimestampLTZ {
			k = KindTimestampLTZ
		}
		return Type{Kind: k, Precision: max(a.Precision, b.Precision)}, true
	case a.Kind == KindIntervalYearMonth && b.Kind == KindIntervalYearMonth:
		return Type{Kind: a.Kind, Precision: max(a.Precision, b.Precision)}, true
	case a.Kind == KindIntervalDayTime && b.Kind == KindIntervalDayTime:
		return Type{Kind: a.Kind, Precision: max(a.Precision, b.Precision), Scale: max(a.Scale, b.Scale)}, true
	case a.Kind == b.Kind && (a.Kind == KindArray || a.Kind == KindMultiset):
		e, ok := CommonType(*a.Elem, *b.Elem)
		if !ok {
			return Type{}, false
		}
		return Type{Kind: a.Kind, Elem: &e}, true
	case a.Kind == KindMap && b.Kind == KindMap:
		k, ok1 := CommonType(*a.Elem, *b.Elem)
		v, ok2 := CommonType(*a.Value, *b.Value)
		if !ok1 || !ok2 {
			return Type{}, false
		}
		return Map(k, v), true
	case a.Kind == KindRow && b.Kind == KindRow:
		if len(a.Fields) != len(b.Fields) {
			return Type{}, false
		}
		fs := make([]Field, len(a.Fields))
		for i := range fs {
			ft, ok := CommonType(a.Fields[i].Type, b.Fields[i].Type)
			if !ok {
				return Type{}, false
			}
			fs[i] = Field{Name: a.Fields[i].Name, Type: ft}
		}
		return Row(fs...), true
	}
	return Type{}, false
}

// commonExact is Flink's createCommonExactNumericType.
func commonExact(a, b Type) Type {
	if a.EqualIgnoringNullability(b) {
		return a
	}
	if a.Kind != KindDecimal && b.Kind != KindDecimal {
		if b.Kind > a.Kind {
			return b
		}
		return a
	}
	da, _ := a.AsDecimal()
	db, _ := b.AsDecimal()
	d := min(max(da.Precision-da.Scale, db.Precision-db.Scale), MaxDecimalPrecision)
	s := min(max(da.Scale, db.Scale), MaxDecimalPrecision-d)
	return Decimal(d+s, s)
}

// adjustDecimal caps a derived precision at 38 by giving up scale but keeping
// at least min(scale, 6) fractional digits (Flink's adjustPrecisionScale,
// which follows Hive/Spark rather than SQL Server).
func adjustDecimal(p, s int) Type {
	if p <= MaxDecimalPrecision {
		return Decimal(p, s)
	}
	intDigits := p - s
	minScale := min(s, 6)
	return Decimal(MaxDecimalPrecision, max(MaxDecimalPrecision-intDigits, minScale))
}

// Decimal result types of arithmetic (Flink's LogicalTypeMerging):
//
//	e1 + e2   p = max(s1, s2) + max(p1-s1, p2-s2) + 1   s = max(s1, s2)
//	e1 * e2   p = p1 + p2 + 1                           s = s1 + s2
//	e1 / e2   p = p1 - s1 + s2 + max(6, s1 + p2 + 1)    s = max(6, s1 + p2 + 1)
//	e1 % e2   p = min(p1-s1, p2-s2) + max(s1, s2)       s = max(s1, s2)
//
// followed by adjustDecimal when p exceeds 38.

func DecimalPlusType(p1, s1, p2, s2 int) Type {
	s := max(s1, s2)
	return adjustDecimal(max(p1-s1, p2-s2)+s+1, s)
}

func DecimalTimesType(p1, s1, p2, s2 int) Type {
	return adjustDecimal(p1+p2+1, s1+s2)
}

func DecimalDivideType(p1, s1, p2, s2 int) Type {
	s := max(6, s1+p2+1)
	return adjustDecimal(p1-s1+s2+s, s)
}

func DecimalModType(p1, s1, p2, s2 int) Type {
	s := max(s1, s2)
	return adjustDecimal(min(p1-s1, p2-s2)+s, s)
}

// DecimalRound is the type of ROUND(DECIMAL(p, s), r).
func DecimalRoundType(p, s, r int) Type {
	switch {
	case r >= s:
		return Decimal(p, s)
	case r < 0:
		return Decimal(min(MaxDecimalPrecision, 1+p-s), 0)
	}
	return Decimal(min(MaxDecimalPrecision, 1+p-s+r), r)
}

// ArithOp names a binary arithmetic operator.
type ArithOp uint8

// Arithmetic operators.
const (
	OpPlus ArithOp = iota
	OpMinus
	OpTimes
	OpDivide
	OpMod
)

func (o ArithOp) String() string {
	return [...]string{"+", "-", "*", "/", "%"}[o]
}

// ArithType returns the result type of a op b for numeric operands, as Flink:
// integers combine to the wider integer (INT / INT is INT: integer division);
// any DECIMAL with an exact operand uses the DECIMAL derivation above with
// integers as DECIMAL(3|5|10|19, 0); DECIMAL with FLOAT/DOUBLE, or any DOUBLE,
// is DOUBLE; FLOAT with an exact type is FLOAT. MOD of integers has the type
// of the second operand, as Calcite's MOD. The result is nullable if either
// operand is. ok is false for non-numeric operands (datetime/interval
// arithmetic is resolved by the function registry).
func ArithType(op ArithOp, a, b Type) (Type, bool) {
	if !a.IsNumeric() || !b.IsNumeric() {
		return Type{}, false
	}
	nullable := a.IsNullable() || b.IsNullable()
	var r Type
	switch {
	case a.Kind == KindDecimal && b.IsExact() || b.Kind == KindDecimal && a.IsExact():
		da, _ := a.AsDecimal()
		db, _ := b.AsDecimal()
		switch op {
		case OpPlus, OpMinus:
			r = DecimalPlusType(da.Precision, da.Scale, db.Precision, db.Scale)
		case OpTimes:
			r = DecimalTimesType(da.Precision, da.Scale, db.Precision, db.Scale)
		case OpDivide:
			r = DecimalDivideType(da.Precision, da.Scale, db.Precision, db.Scale)
		default:
			r = DecimalModType(da.Precision, da.Scale, db.Precision, db.Scale)
		}
	case a.IsIntegral() && b.IsIntegral():
		if op == OpMod {
			r = b
		} else {
			r = commonExact(a, b)
		}
	default:
		c, _ := merge2(a.Nullable(), b.Nullable())
		r = c
	}
	r.TimeAttr = NoTimeAttr
	return r.WithNullable(nullable), true
}
