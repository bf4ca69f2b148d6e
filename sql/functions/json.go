package functions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// JSON functions over JSON text in strings. Paths are the SQL/JSON subset
// `[lax|strict] $.a.b[0]['c d']` in lax mode (a missing member is "empty",
// not an error).
//
// JSON_VALUE(json, path [, onEmpty, onEmptyDefault, onError, onErrorDefault])
// takes the ON EMPTY / ON ERROR clauses as string arguments: the behaviour
// 'NULL' (default), 'ERROR' or 'DEFAULT' followed by the default value (a
// string; NULL when unused). RETURNING t is the planner's
// TRY_CAST(JSON_VALUE(…) AS t), which is what NULL ON ERROR means.
// JSON_OBJECT/JSON_ARRAY quote string arguments: nesting a JSON_OBJECT result
// inside another inserts it as a string, unlike Flink.

type jsonStep struct {
	key   string
	index int // -1 for a member step
}

func parseJSONPath(p string) ([]jsonStep, error) {
	s := strings.TrimSpace(p)
	if rest, ok := strings.CutPrefix(s, "lax "); ok {
		s = strings.TrimSpace(rest)
	} else if rest, ok := strings.CutPrefix(s, "strict "); ok {
		s = strings.TrimSpace(rest)
	}
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("JSON path %q must start with $", p)
	}
	s = s[1:]
	var steps []jsonStep
	for s != "" {
		switch s[0] {
		case '.':
			s = s[1:]
			j := strings.IndexAny(s, ".[")
			if j < 0 {
				j = len(s)
			}
			if j == 0 {
				return nil, fmt.Errorf("JSON path %q: empty member name", p)
			}
			steps = append(steps, jsonStep{key: s[:j], index: -1})
			s = s[j:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("JSON path %q: missing ]", p)
			}
			inner := strings.TrimSpace(s[1:end])
			s = s[end+1:]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, jsonStep{key: inner[1 : len(inner)-1], index: -1})
				continue
			}
			n, err := strconv.Atoi(inner)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("JSON path %q: bad subscript %q", p, inner)
			}
			steps = append(steps, jsonStep{index: n})
		default:
			return nil, fmt.Errorf("JSON path %q: unexpected %q", p, s[0])
		}
	}
	return steps, nil
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

var errJSONEmpty = errors.New("no value at the JSON path")

// jsonAt walks the path; errJSONEmpty when a step is missing.
func jsonAt(doc any, steps []jsonStep) (any, error) {
	cur := doc
	for _, st := range steps {
		if st.index < 0 {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, errJSONEmpty
			}
			if cur, ok = m[st.key]; !ok {
				return nil, errJSONEmpty
			}
			continue
		}
		a, ok := cur.([]any)
		if !ok || st.index >= len(a) {
			return nil, errJSONEmpty
		}
		cur = a[st.index]
	}
	return cur, nil
}

type pathCache struct {
	last  string
	steps []jsonStep
	err   error
	init  bool
}

func (c *pathCache) get(p string) ([]jsonStep, error) {
	if !c.init || p != c.last {
		c.init, c.last = true, strings.Clone(p)
		c.steps, c.err = parseJSONPath(p)
	}
	return c.steps, c.err
}

func init() {
	str := types.String()
	register([]string{"JSON_VALUE"}, []string{"JSON_VALUE(STRING, STRING[, onEmpty STRING, default STRING, onError STRING, default STRING])"}, func(args []types.Type) *Resolved {
		if len(args) != 2 && len(args) != 6 || !allOf(args, 2, 6, isString) {
			return nil
		}
		var pc pathCache
		r := strictFn(strParams(args), args, str, true, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Reset()
			for i := 0; i < n; i++ {
				if v[0].IsNull(i) || v[1].IsNull(i) {
					out.AppendNull()
					continue
				}
				val, err := jsonValue(v, i, &pc)
				behaviour, def := "NULL", 2 // NULL ON EMPTY, NULL ON ERROR by default
				if err != nil && !errors.Is(err, errJSONEmpty) {
					def = 4
				}
				if err == nil {
					out.AppendString(val)
					continue
				}
				if len(v) == 6 && !v[def].IsNull(i) {
					behaviour = strings.ToUpper(rowString(v[def], i))
				}
				switch behaviour {
				case "ERROR":
					out.AppendNull()
					out.SetError(i, fmt.Errorf("JSON_VALUE: %w", err))
				case "DEFAULT":
					if v[def+1].IsNull(i) {
						out.AppendNull()
					} else {
						out.AppendBytes(v[def+1].BytesAt(i))
					}
				default:
					out.AppendNull()
				}
			}
			return nil
		})
		r.strict = false
		return r
	})
	register([]string{"JSON_QUERY"}, []string{"JSON_QUERY(STRING, STRING)"}, func(args []types.Type) *Resolved {
		if !allOf(args, 2, 2, isString) {
			return nil
		}
		var pc pathCache
		return strictFn(strParams(args), args, str, true, strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			steps, err := pc.get(rowString(v[1], i))
			if err != nil {
				return dst, false
			}
			doc, err := decodeJSON(v[0].BytesAt(i))
			if err != nil {
				return dst, false
			}
			x, err := jsonAt(doc, steps)
			if err != nil {
				return dst, false
			}
			switch x.(type) {
			case map[string]any, []any:
				b, err := json.Marshal(x)
				return append(dst, b...), err == nil
			}
			return dst, false // a scalar without a wrapper is NULL
		}))
	})
	register([]string{"JSON_EXISTS"}, []string{"JSON_EXISTS(STRING, STRING)"}, func(args []types.Type) *Resolved {
		if !allOf(args, 2, 2, isString) {
			return nil
		}
		var pc pathCache
		return strictFn(strParams(args), args, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			mergeNulls(out, n, v...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				steps, err := pc.get(rowString(v[1], i))
				if err != nil {
					continue // FALSE ON ERROR
				}
				doc, err := decodeJSON(v[0].BytesAt(i))
				if err != nil {
					continue
				}
				_, err = jsonAt(doc, steps)
				out.Bool[i] = err == nil
			}
			return nil
		})
	})
	register([]string{"IS JSON"}, []string{"STRING IS JSON [VALUE|SCALAR|ARRAY|OBJECT]"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 2, isString) {
			return nil
		}
		r := strictFn(strParams(args), args, types.Boolean().NotNullable(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i := 0; i < n; i++ {
				if v[0].IsNull(i) {
					continue // NULL IS JSON is FALSE
				}
				doc, err := decodeJSON(v[0].BytesAt(i))
				if err != nil {
					continue
				}
				kind := "VALUE"
				if len(v) == 2 && !v[1].IsNull(i) {
					kind = strings.ToUpper(rowString(v[1], i))
				}
				switch doc.(type) {
				case map[string]any:
					out.Bool[i] = kind == "VALUE" || kind == "OBJECT"
				case []any:
					out.Bool[i] = kind == "VALUE" || kind == "ARRAY"
				default:
					out.Bool[i] = kind == "VALUE" || kind == "SCALAR"
				}
			}
			return nil
		})
		r.Result = types.Boolean().NotNullable()
		return r
	})
	register([]string{"JSON_STRING"}, []string{"JSON_STRING(T)"}, func(args []types.Type) *Resolved {
		if len(args) != 1 {
			return nil
		}
		t := args[0]
		return strictFn(args, args, str, false, strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return appendJSON(dst, t, v[0].Get(i)), true
		}))
	})
	register([]string{"JSON_OBJECT"}, []string{"JSON_OBJECT(STRING, T, ...)"}, func(args []types.Type) *Resolved {
		if len(args)%2 != 0 {
			return nil
		}
		for k := 0; k < len(args); k += 2 {
			if !args[k].IsCharacter() {
				return nil
			}
		}
		return &Resolved{Args: args, Result: str.NotNullable(), Deterministic: true, strict: true,
			kernel: func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
				out.Reset()
				for i := 0; i < n; i++ {
					out.Data = append(out.Data, '{')
					first := true
					for k := 0; k+1 < len(v); k += 2 {
						if v[k].IsNull(i) {
							continue
						}
						if !first {
							out.Data = append(out.Data, ',')
						}
						first = false
						out.Data = appendJSONString(out.Data, rowString(v[k], i))
						out.Data = append(out.Data, ':')
						out.Data = appendJSON(out.Data, v[k+1].Type(), v[k+1].Get(i)) // NULL ON NULL
					}
					out.Data = append(out.Data, '}')
					out.FinishBytes()
				}
				return nil
			}}
	})
	register([]string{"JSON_ARRAY"}, []string{"JSON_ARRAY(T, ...)"}, func(args []types.Type) *Resolved {
		return &Resolved{Args: args, Result: str.NotNullable(), Deterministic: true, strict: true,
			kernel: func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
				out.Reset()
				for i := 0; i < n; i++ {
					out.Data = append(out.Data, '[')
					first := true
					for _, a := range v {
						if a.IsNull(i) {
							continue // ABSENT ON NULL
						}
						if !first {
							out.Data = append(out.Data, ',')
						}
						first = false
						out.Data = appendJSON(out.Data, a.Type(), a.Get(i))
					}
					out.Data = append(out.Data, ']')
					out.FinishBytes()
				}
				return nil
			}}
	})
}

// jsonValue extracts the scalar at the path of row i as text.
func jsonValue(v []*vector.Vector, i int, pc *pathCache) (string, error) {
	steps, err := pc.get(rowString(v[1], i))
	if err != nil {
		return "", err
	}
	doc, err := decodeJSON(v[0].BytesAt(i))
	if err != nil {
		return "", fmt.Errorf("invalid JSON: %w", err)
	}
	x, err := jsonAt(doc, steps)
	if err != nil {
		return "", err
	}
	switch s := x.(type) {
	case nil:
		return "", errJSONEmpty
	case string:
		return s, nil
	case json.Number:
		return s.String(), nil
	case bool:
		return strconv.FormatBool(s), nil
	}
	return "", errors.New("the JSON path selects an object or array, not a scalar")
}

func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

// appendJSON serializes a value of type t (NULL as null).
func appendJSON(dst []byte, t types.Type, x any) []byte {
	if x == nil {
		return append(dst, "null"...)
	}
	switch t.Kind {
	case types.KindBoolean:
		b, _ := x.(bool)
		return strconv.AppendBool(dst, b)
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
		types.KindFloat, types.KindDouble, types.KindDecimal:
		return types.AppendValue(dst, t, x)
	case types.KindArray, types.KindMultiset:
		elems, _ := x.([]any)
		dst = append(dst, '[')
		for k, e := range elems {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, *t.Elem, e)
		}
		return append(dst, ']')
	case types.KindMap:
		m, _ := x.(types.MapValue)
		dst = append(dst, '{')
		for k := range m.Keys {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, string(types.AppendValue(nil, *t.Elem, m.Keys[k])))
			dst = append(dst, ':')
			if k < len(m.Values) {
				dst = appendJSON(dst, *t.Value, m.Values[k])
			}
		}
		return append(dst, '}')
	case types.KindRow:
		fs, _ := x.([]any)
		dst = append(dst, '{')
		for k, f := range t.Fields {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, f.Name)
			dst = append(dst, ':')
			if k < len(fs) {
				dst = appendJSON(dst, f.Type, fs[k])
			}
		}
		return append(dst, '}')
	}
	return appendJSONString(dst, string(types.AppendValue(nil, t, x)))
}
