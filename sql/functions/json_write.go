package functions

import (
	"cmp"
	"encoding/base64"
	"math"
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
)

// JSON output as Flink writes it with Jackson: compact, object members
// sorted by name (Flink's mapper sets ORDER_MAP_ENTRIES_BY_KEYS), strings
// escaped only where JSON requires it (", \ and control characters, the
// latter as \b \t \n \f \r or \u00XX with upper-case hex), numbers as Java
// prints them.

// appendJSONQuoted appends s as a JSON string literal.
func appendJSONQuoted(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendJSONNode serializes node i of d.
func appendJSONNode(dst []byte, d *jsonDoc, i int32) []byte {
	n := &d.nodes[i]
	switch n.kind {
	case jsonNull:
		return append(dst, "null"...)
	case jsonBool:
		if n.bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case jsonNumber:
		return append(dst, n.text...)
	case jsonString:
		return appendJSONQuoted(dst, n.text)
	case jsonArray:
		return appendJSONList(dst, d, d.children(i))
	}
	members := slices.Clone(d.children(i))
	slices.SortStableFunc(members, func(a, b int32) int { return cmp.Compare(d.nodes[a].key, d.nodes[b].key) })
	dst = append(dst, '{')
	for k, m := range members {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONQuoted(dst, d.nodes[m].key)
		dst = append(dst, ':')
		dst = appendJSONNode(dst, d, m)
	}
	return append(dst, '}')
}

// appendJSONList serializes nodes as a JSON array.
func appendJSONList(dst []byte, d *jsonDoc, nodes []int32) []byte {
	dst = append(dst, '[')
	for k, c := range nodes {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONNode(dst, d, c)
	}
	return append(dst, ']')
}

// jsonSerializable reports whether values of type t can be written as
// JSON, as Flink's JSON_STRING, JSON_OBJECT and JSON_ARRAY require: map
// keys and multiset elements must be character strings (they become
// member names).
func jsonSerializable(t types.Type) bool {
	switch t.Kind {
	case types.KindArray:
		return jsonSerializable(*t.Elem)
	case types.KindMultiset:
		return t.Elem.IsCharacter()
	case types.KindMap:
		return t.Elem.IsCharacter() && jsonSerializable(*t.Value)
	case types.KindRow:
		for _, f := range t.Fields {
			if !jsonSerializable(f.Type) {
				return false
			}
		}
	}
	return true
}

// jsonMember is a member name and the bounds of its serialized value in a
// scratch buffer, for writing members sorted by name.
type jsonMember struct {
	key        string
	start, end int
}

// sortedMembers sorts members by name and keeps the last of equal names
// (Jackson's ObjectNode.set replaces).
func sortedMembers(ms []jsonMember) []jsonMember {
	slices.SortStableFunc(ms, func(a, b jsonMember) int { return cmp.Compare(a.key, b.key) })
	out := ms[:0]
	for _, m := range ms {
		if len(out) > 0 && out[len(out)-1].key == m.key {
			out[len(out)-1] = m
			continue
		}
		out = append(out, m)
	}
	return out
}

// appendMembers writes {"k":v,…} from members whose values are in buf.
func appendMembers(dst []byte, ms []jsonMember, buf []byte) []byte {
	dst = append(dst, '{')
	for k, m := range sortedMembers(ms) {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONQuoted(dst, m.key)
		dst = append(dst, ':')
		dst = append(dst, buf[m.start:m.end]...)
	}
	return append(dst, '}')
}

// appendJSON serializes a value of type t (NULL as null) as Flink's JSON
// functions do: numbers as Java prints them, TIMESTAMP in ISO-8601 with a
// T (TIMESTAMP_LTZ in UTC with a Z), BINARY in Base64, ROW and MAP as
// objects with sorted members, MULTISET as an object of element counts.
// Types Flink cannot serialize (DATE, TIME, INTERVAL) are written as
// strings of their SQL text.
func appendJSON(dst []byte, t types.Type, x any) []byte {
	if x == nil {
		return append(dst, "null"...)
	}
	switch t.Kind {
	case types.KindBoolean:
		if b, _ := x.(bool); b {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt:
		return types.AppendValue(dst, t, x)
	case types.KindFloat, types.KindDouble:
		f := toFloat(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			// Jackson quotes non-numeric numbers (QUOTE_NON_NUMERIC_NUMBERS).
			return appendJSONQuoted(dst, string(types.AppendValue(nil, t, x)))
		}
		return types.AppendValue(dst, t, x)
	case types.KindDecimal:
		d, _ := x.(types.DecimalValue)
		return append(dst, javaDecimalText(d.String())...)
	case types.KindChar, types.KindVarChar:
		s, _ := x.(string)
		return appendJSONQuoted(dst, s)
	case types.KindBinary, types.KindVarBinary:
		b, _ := x.([]byte)
		return appendJSONQuoted(dst, base64.StdEncoding.EncodeToString(b))
	case types.KindTimestamp, types.KindTimestampLTZ:
		ts, _ := x.(types.TimestampValue)
		s := isoLocalDateTime(ts)
		if t.Kind == types.KindTimestampLTZ {
			s += "Z"
		}
		return appendJSONQuoted(dst, s)
	case types.KindArray:
		elems, _ := x.([]any)
		dst = append(dst, '[')
		for k, e := range elems {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, *t.Elem, e)
		}
		return append(dst, ']')
	case types.KindMultiset:
		elems, _ := x.([]any)
		counts := map[string]int{}
		var ms []jsonMember
		var buf []byte
		for _, e := range elems {
			if e == nil {
				continue
			}
			counts[string(types.AppendValue(nil, *t.Elem, e))]++
		}
		for k, n := range counts {
			start := len(buf)
			buf = types.AppendValue(buf, types.Int(), int32(n))
			ms = append(ms, jsonMember{key: k, start: start, end: len(buf)})
		}
		return appendMembers(dst, ms, buf)
	case types.KindMap:
		m, _ := x.(types.MapValue)
		var ms []jsonMember
		var buf []byte
		for k := range m.Keys {
			start := len(buf)
			if k < len(m.Values) {
				buf = appendJSON(buf, *t.Value, m.Values[k])
			} else {
				buf = append(buf, "null"...)
			}
			key, _ := m.Keys[k].(string)
			ms = append(ms, jsonMember{key: key, start: start, end: len(buf)})
		}
		return appendMembers(dst, ms, buf)
	case types.KindRow:
		fs, _ := x.([]any)
		var ms []jsonMember
		var buf []byte
		for k, f := range t.Fields {
			start := len(buf)
			if k < len(fs) {
				buf = appendJSON(buf, f.Type, fs[k])
			} else {
				buf = append(buf, "null"...)
			}
			ms = append(ms, jsonMember{key: f.Name, start: start, end: len(buf)})
		}
		return appendMembers(dst, ms, buf)
	}
	return appendJSONQuoted(dst, string(types.AppendValue(nil, t, x)))
}

func toFloat(x any) float64 {
	switch f := x.(type) {
	case float64:
		return f
	case float32:
		return float64(f)
	}
	return 0
}

// isoLocalDateTime renders ts as Java's ISO_LOCAL_DATE_TIME: seconds always,
// the fraction only when not zero and without trailing zeros.
func isoLocalDateTime(ts types.TimestampValue) string {
	s := string(types.AppendTimestamp(nil, ts, 9))
	s = strings.Replace(s, " ", "T", 1)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}
