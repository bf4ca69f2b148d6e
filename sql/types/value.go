package types

import (
	"strconv"
)

// MapValue is a MAP (or, with int32 counts as values, nothing else: a
// MULTISET is a []any listing each occurrence). Keys and Values are parallel;
// order is insertion order and is not significant for equality.
type MapValue struct {
	Keys   []any
	Values []any
}

// AppendValue appends the string form of v (of type t) as Flink's CAST(… AS
// STRING) prints it: TRUE/FALSE, plain decimals, yyyy-MM-dd HH:mm:ss.SSS,
// [1, 2] for arrays, {k=v} for maps, (a, b) for rows, NULL for nested nulls.
func AppendValue(dst []byte, t Type, v any) []byte {
	if v == nil {
		return append(dst, "NULL"...)
	}
	switch t.Kind {
	case KindBoolean:
		if b, _ := v.(bool); b {
			return append(dst, "TRUE"...)
		}
		return append(dst, "FALSE"...)
	case KindTinyInt, KindSmallInt, KindInt, KindBigInt:
		return strconv.AppendInt(dst, toInt64(v), 10)
	case KindFloat:
		f, _ := v.(float32)
		return AppendJavaFloat(dst, float64(f), 32)
	case KindDouble:
		f, _ := v.(float64)
		return AppendJavaFloat(dst, f, 64)
	case KindDecimal:
		d, _ := v.(DecimalValue)
		return d.Append(dst)
	case KindChar, KindVarChar:
		s, _ := v.(string)
		return append(dst, s...)
	case KindBinary, KindVarBinary:
		b, _ := v.([]byte)
		return append(dst, b...)
	case KindDate:
		d, _ := v.(DateValue)
		return AppendDate(dst, d)
	case KindTime:
		tv, _ := v.(TimeValue)
		return AppendTime(dst, tv, t.Precision)
	case KindTimestamp, KindTimestampLTZ:
		ts, _ := v.(TimestampValue)
		return AppendTimestamp(dst, ts, t.Precision)
	case KindIntervalYearMonth:
		m, _ := v.(IntervalMonths)
		return AppendIntervalMonths(dst, m)
	case KindIntervalDayTime:
		ms, _ := v.(IntervalMillis)
		return AppendIntervalMillis(dst, ms)
	case KindArray, KindMultiset:
		elems, _ := v.([]any)
		dst = append(dst, '[')
		for i, e := range elems {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendValue(dst, *t.Elem, e)
		}
		return append(dst, ']')
	case KindMap:
		m, _ := v.(MapValue)
		dst = append(dst, '{')
		for i := range m.Keys {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendValue(dst, *t.Elem, m.Keys[i])
			dst = append(dst, '=')
			if i < len(m.Values) {
				dst = AppendValue(dst, *t.Value, m.Values[i])
			}
		}
		return append(dst, '}')
	case KindRow:
		fs, _ := v.([]any)
		dst = append(dst, '(')
		for i, f := range fs {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			if i < len(t.Fields) {
				dst = AppendValue(dst, t.Fields[i].Type, f)
			}
		}
		return append(dst, ')')
	}
	return dst
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	}
	return 0
}

// AppendJavaFloat appends f as Java's Double.toString (bits 64) or
// Float.toString (bits 32): the shortest digits that round-trip, plain
// notation with at least one fractional digit for 1e-3 ≤ |f| < 1e7, else
// computerized scientific notation ("1.0E10", "1.5E-5"); NaN, Infinity.
func AppendJavaFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case f != f:
		return append(dst, "NaN"...)
	case f > 1.7976931348623157e308 || bits == 32 && f > 3.4028234663852886e38:
		return append(dst, "Infinity"...)
	case f < -1.7976931348623157e308 || bits == 32 && f < -3.4028234663852886e38:
		return append(dst, "-Infinity"...)
	case f == 0:
		if 1/f < 0 {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	abs := f
	if abs < 0 {
		abs = -abs
	}
	if abs >= 1e-3 && abs < 1e7 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, bits)
		for _, c := range dst[start:] {
			if c == '.' {
				return dst
			}
		}
		return append(dst, ".0"...)
	}
	// mantissa digits and exponent from the shortest 'e' form
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bits)
	// e is like -1.2345e+07 or 1e-05
	mant, exp := e, []byte(nil)
	for i, c := range e {
		if c == 'e' {
			mant, exp = e[:i], e[i+1:]
			break
		}
	}
	dst = append(dst, mant...)
	hasDot := false
	for _, c := range mant {
		if c == '.' {
			hasDot = true
		}
	}
	if !hasDot {
		dst = append(dst, ".0"...)
	}
	dst = append(dst, 'E')
	if len(exp) > 0 && exp[0] == '-' {
		dst = append(dst, '-')
	}
	exp = exp[1:]
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	return append(dst, exp...)
}
