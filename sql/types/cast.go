package types

// CastKind says whether and how a value of one type converts to another.
type CastKind uint8

const (
	// CastNone: the cast is rejected at validation.
	CastNone CastKind = iota
	// CastExplicit: allowed with CAST/TRY_CAST only.
	CastExplicit
	// CastImplicit: the planner may insert it on its own (type widening).
	CastImplicit
)

func (k CastKind) String() string {
	return [...]string{"none", "explicit", "implicit"}[k]
}

// CastSupport reports whether from can be cast to to, following the casting
// matrix of Flink's types page (LogicalTypeCasts):
//
//   - implicit: NULL to anything; an integer to a wider numeric; any numeric to
//     FLOAT/DOUBLE/DECIMAL; CHAR ↔ VARCHAR, BINARY ↔ VARBINARY; DATE/TIME/
//     TIMESTAMP to a TIMESTAMP of higher or equal precision; interval to the
//     same interval kind; constructed types element-wise.
//   - explicit: numeric ↔ numeric narrowing, numeric/BOOLEAN ↔ BOOLEAN,
//     anything to CHAR/VARCHAR, CHAR/VARCHAR to anything scalar, CHAR/VARCHAR
//     ↔ BINARY/VARBINARY, TIMESTAMP ↔ DATE/TIME, TIMESTAMP ↔ TIMESTAMP_LTZ,
//     exact numeric ↔ TIMESTAMP_LTZ (epoch seconds), exact numeric ↔ interval.
//   - none: e.g. TIMESTAMP ↔ numeric (Flink: use UNIX_TIMESTAMP / TO_TIMESTAMP),
//     DATE ↔ TIME, BOOLEAN ↔ datetime, ROW ↔ ARRAY.
//
// Whether a permitted cast can fail on some values (so that only TRY_CAST is
// total) is CastMayFail.
func CastSupport(from, to Type) CastKind {
	f, t := from.Kind, to.Kind
	if from.EqualIgnoringNullability(to) || f == KindNull {
		return CastImplicit
	}
	switch {
	case t == KindNull:
		return CastNone
	case from.IsNumeric() && to.IsNumeric():
		if implicitNumeric(from, to) {
			return CastImplicit
		}
		return CastExplicit
	case from.IsCharacter() && to.IsCharacter(), from.IsBinaryString() && to.IsBinaryString():
		return CastImplicit
	case to.IsCharacter():
		// Every type has a string form.
		return CastExplicit
	case from.IsCharacter():
		if to.IsConstructed() {
			return CastNone
		}
		return CastExplicit
	case f == KindBoolean && to.IsNumeric(), from.IsNumeric() && t == KindBoolean:
		return CastExplicit
	case from.IsDatetime() && to.IsTimestamp():
		if f == KindTime {
			return CastExplicit
		}
		if f == KindDate || from.IsTimestamp() && to.Precision >= from.Precision && f == t {
			return CastImplicit
		}
		return CastExplicit
	case from.IsTimestamp() && (t == KindDate || t == KindTime):
		return CastExplicit
	case from.IsExact() && t == KindTimestampLTZ, f == KindTimestampLTZ && to.IsExact():
		return CastExplicit
	case from.IsInterval() && f == t:
		return CastImplicit
	case from.IsInterval() && to.IsExact(), from.IsExact() && to.IsInterval():
		return CastExplicit
	case f == t && (f == KindArray || f == KindMultiset):
		return CastSupport(*from.Elem, *to.Elem)
	case f == KindMap && t == KindMap:
		return min(CastSupport(*from.Elem, *to.Elem), CastSupport(*from.Value, *to.Value))
	case f == KindRow && t == KindRow:
		if len(from.Fields) != len(to.Fields) {
			return CastNone
		}
		k := CastImplicit
		for i := range from.Fields {
			k = min(k, CastSupport(from.Fields[i].Type, to.Fields[i].Type))
		}
		return k
	}
	return CastNone
}

func implicitNumeric(from, to Type) bool {
	switch {
	case to.IsApprox():
		return to.Kind == KindDouble || from.Kind != KindDouble
	case to.Kind == KindDecimal:
		return true
	case from.IsIntegral() && to.IsIntegral():
		return to.Kind >= from.Kind
	}
	return false
}

// CastMayFail reports whether a permitted cast from → to fails for some
// input values: parsing strings. Such a CAST raises an error at runtime (Flink
// ≥ 1.15 without legacy cast behaviour); TRY_CAST yields NULL instead.
// Numeric narrowing into integer types wraps as Java does, and a value that
// does not fit a DECIMAL becomes NULL (Flink's DecimalData.fromBigDecimal);
// neither fails (see CastMayOverflow).
func CastMayFail(from, to Type) bool {
	switch {
	case from.IsCharacter():
		return !to.IsCharacter() && !to.IsBinaryString()
	case from.Kind == to.Kind && (from.Kind == KindArray || from.Kind == KindMultiset):
		return CastMayFail(*from.Elem, *to.Elem)
	case from.Kind == KindMap && to.Kind == KindMap:
		return CastMayFail(*from.Elem, *to.Elem) || CastMayFail(*from.Value, *to.Value)
	case from.Kind == KindRow && to.Kind == KindRow && len(from.Fields) == len(to.Fields):
		for i := range from.Fields {
			if CastMayFail(from.Fields[i].Type, to.Fields[i].Type) {
				return true
			}
		}
	}
	return false
}

// CastMayOverflow reports whether a cast may turn a non-null value into NULL
// because it does not fit the target DECIMAL; the cast's result type must then
// be nullable.
func CastMayOverflow(from, to Type) bool {
	if to.Kind != KindDecimal {
		return false
	}
	if d, ok := from.AsDecimal(); ok {
		return d.Precision-d.Scale > to.Precision-to.Scale
	}
	return from.IsApprox()
}
