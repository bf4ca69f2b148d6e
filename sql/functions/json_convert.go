package functions

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Conversion of a JSON scalar to the RETURNING type of JSON_VALUE (and the
// elements of JSON_QUERY … RETURNING ARRAY<…>), as Flink's
// SqlJsonUtils.convertToType:
//
//   - to VARCHAR/STRING: the text of the scalar (true, 42, 1.50, 1E+3);
//   - to BOOLEAN: a JSON boolean, or a string true/t/yes/1 or false/f/no/0
//     (any case, trimmed); a number is an error;
//   - to TINYINT…BIGINT: a number or a numeric string (Java BigDecimal
//     syntax), truncated toward zero; out of range is an error;
//   - to FLOAT/DOUBLE: a number or numeric string; overflow to infinity is
//     an error;
//   - to DECIMAL(p, s): rounded HALF_UP to s digits; more than p digits is
//     an error;
//   - to DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ (an Eddy extension: Flink
//     rejects these types in RETURNING): a string read as CAST reads it.
//
// A failed conversion is an error of the function, handled by ON ERROR.

// jsonScalar is a JSON scalar, or a DEFAULT value, to convert.
type jsonScalar struct {
	kind jsonKind // jsonString, jsonNumber or jsonBool
	text string
	bool bool
}

func (s jsonScalar) String() string {
	switch s.kind {
	case jsonString:
		return string(appendJSONQuoted(nil, s.text))
	case jsonBool:
		return strconv.FormatBool(s.bool)
	}
	return s.text
}

// jsonReturningOK reports whether JSON_VALUE can return type t.
func jsonReturningOK(t types.Type) bool {
	switch t.Kind {
	case types.KindVarChar, types.KindBoolean, types.KindTinyInt, types.KindSmallInt, types.KindInt,
		types.KindBigInt, types.KindFloat, types.KindDouble, types.KindDecimal,
		types.KindDate, types.KindTime, types.KindTimestamp, types.KindTimestampLTZ:
		return true
	}
	return false
}

// scalarOfNode returns the scalar node i of d.
func scalarOfNode(d *jsonDoc, i int32) jsonScalar {
	n := &d.nodes[i]
	return jsonScalar{kind: n.kind, text: n.text, bool: n.bool}
}

// scalarOfValue returns row i of a DEFAULT argument as a scalar: character
// strings as strings, booleans as booleans, numbers by their text, other
// values by their SQL text.
func scalarOfValue(v *vector.Vector, i int) jsonScalar {
	t := v.Type()
	switch {
	case t.IsCharacter():
		return jsonScalar{kind: jsonString, text: v.StringAt(i)}
	case t.Kind == types.KindBoolean:
		return jsonScalar{kind: jsonBool, bool: v.BoolAt(i)}
	case t.IsNumeric():
		return jsonScalar{kind: jsonNumber, text: string(types.AppendValue(nil, t, v.Get(i)))}
	}
	return jsonScalar{kind: jsonString, text: string(types.AppendValue(nil, t, v.Get(i)))}
}

// appendConverted converts s to the type of out and appends it. On failure
// it appends nothing and returns the reason.
func appendConverted(ctx *Context, out *vector.Vector, s jsonScalar) error {
	t := out.Type()
	switch t.Kind {
	case types.KindVarChar, types.KindChar:
		switch s.kind {
		case jsonBool:
			out.AppendString(strconv.FormatBool(s.bool))
		default:
			out.AppendString(s.text)
		}
		return nil
	case types.KindBoolean:
		switch s.kind {
		case jsonBool:
			out.AppendBool(s.bool)
			return nil
		case jsonString:
			switch strings.ToLower(strings.TrimSpace(s.text)) {
			case "true", "t", "yes", "1":
				out.AppendBool(true)
				return nil
			case "false", "f", "no", "0":
				out.AppendBool(false)
				return nil
			}
		}
		return convertError(s, t, "")
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt:
		if s.kind == jsonBool || !isJavaDecimal(s.text) {
			return convertError(s, t, "")
		}
		n, ok := truncToInt64(s.text)
		if !ok || !intFits(t.Kind, n) {
			return convertError(s, t, "out of range")
		}
		out.AppendInt64(n)
		return nil
	case types.KindFloat, types.KindDouble:
		if s.kind == jsonBool || !isJavaDecimal(s.text) {
			return convertError(s, t, "")
		}
		bits := 64
		if t.Kind == types.KindFloat {
			bits = 32
		}
		f, _ := strconv.ParseFloat(s.text, bits)
		if math.IsInf(f, 0) {
			return convertError(s, t, "out of range")
		}
		out.AppendFloat64(f)
		return nil
	case types.KindDecimal:
		if s.kind == jsonBool || !isJavaDecimal(s.text) {
			return convertError(s, t, "")
		}
		d, err := types.ParseDecimal(s.text)
		if err != nil {
			return convertError(s, t, "out of range")
		}
		d, ok := d.ToType(t.Precision, t.Scale)
		if !ok {
			return convertError(s, t, "out of range")
		}
		out.AppendDecimal(d.Unscaled)
		return nil
	case types.KindDate, types.KindTime, types.KindTimestamp, types.KindTimestampLTZ:
		if s.kind != jsonString {
			return convertError(s, t, "")
		}
		var x any
		var err error
		switch t.Kind {
		case types.KindDate:
			x, err = types.ParseDate(s.text)
		case types.KindTime:
			x, err = types.ParseTime(s.text)
		default:
			var ts types.TimestampValue
			ts, err = types.ParseTimestamp(s.text)
			ts = types.TruncateTimestamp(ts, t.Precision)
			if t.Kind == types.KindTimestampLTZ {
				ts = ts.ToInstant(ctx.loc())
			}
			x = ts
		}
		if err != nil {
			return convertError(s, t, "")
		}
		return out.Append(x)
	}
	return convertError(s, t, "unsupported type")
}

func convertError(s jsonScalar, t types.Type, why string) error {
	t = t.Nullable()
	if why != "" {
		return fmt.Errorf("cannot convert %s to %s: %s", shortText(s.String()), t, why)
	}
	return fmt.Errorf("cannot convert %s to %s", shortText(s.String()), t)
}

func shortText(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// isJavaDecimal reports whether s is a number in the syntax of Java's
// new BigDecimal(String): [+|-]digits[.digits][(e|E)[+|-]digits], with no
// blanks.
func isJavaDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// truncToInt64 reads a valid decimal and truncates it toward zero; ok is
// false when the result does not fit 64 bits.
func truncToInt64(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	d, err := types.ParseDecimal(s)
	if err != nil {
		return 0, false
	}
	u := d.Unscaled.DivPow10Trunc(d.Scale)
	if !u.IsInt64() {
		return 0, false
	}
	return u.Int64(), true
}

func intFits(k types.Kind, n int64) bool {
	switch k {
	case types.KindTinyInt:
		return n >= math.MinInt8 && n <= math.MaxInt8
	case types.KindSmallInt:
		return n >= math.MinInt16 && n <= math.MaxInt16
	case types.KindInt:
		return n >= math.MinInt32 && n <= math.MaxInt32
	}
	return true
}
