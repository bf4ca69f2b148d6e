package exec

import (
	"encoding/json"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
)

// FormatValue renders a value as Flink's CAST(x AS STRING) does
// (timestamps as yyyy-MM-dd HH:mm:ss.SSS, decimals with their scale), and
// NULL as null.
func FormatValue(t types.Type, v any) string {
	if v == nil {
		return "NULL"
	}
	switch t.Kind {
	case types.KindRow:
		row, _ := v.([]any)
		parts := make([]string, len(row))
		for i, x := range row {
			ft := types.Null()
			if i < len(t.Fields) {
				ft = t.Fields[i].Type
			}
			parts[i] = FormatValue(ft, x)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case types.KindBinary, types.KindVarBinary:
		b, _ := v.([]byte)
		return "x'" + strings.ToLower(strings.ToUpper(hexString(b))) + "'"
	}
	return string(types.AppendValue(nil, t, v))
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// FormatRow renders a row as Flink's print connector does: +I[a, b].
func FormatRow(kind string, ts []types.Type, vals []any) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(FormatValue(ts[i], v))
	}
	b.WriteByte(']')
	return b.String()
}

// jsonValue is the JSON form of a value: numbers and booleans as such,
// everything else as its string form (Flink's json format with the SQL
// timestamp standard).
func jsonValue(t types.Type, v any) any {
	if v == nil {
		return nil
	}
	switch t.Kind {
	case types.KindBoolean:
		return v
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt, types.KindFloat, types.KindDouble:
		return json.Number(FormatValue(t, v))
	case types.KindDecimal:
		return json.Number(FormatValue(t, v))
	case types.KindRow:
		row, _ := v.([]any)
		m := map[string]any{}
		for i, f := range t.Fields {
			if i < len(row) {
				m[f.Name] = jsonValue(f.Type, row[i])
			}
		}
		return m
	case types.KindArray, types.KindMultiset:
		xs, _ := v.([]any)
		out := make([]any, len(xs))
		for i, x := range xs {
			out[i] = jsonValue(*t.Elem, x)
		}
		return out
	}
	return FormatValue(t, v)
}

func quoteCSV(s string, delim byte) string {
	if s == "" || !strings.ContainsAny(s, "\"\r\n"+string(delim)) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
