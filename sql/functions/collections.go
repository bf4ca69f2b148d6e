package functions

import (
	"errors"
	"reflect"
	"strconv"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Collection functions and constructors. Nested values are Go values (see
// package types): ARRAY and MULTISET []any, MAP types.MapValue, ROW []any.
// ITEM is the subscript operator: array[i] (1-based, NULL out of range) and
// map[key].

func init() {
	register([]string{"CARDINALITY"}, []string{"CARDINALITY(ARRAY|MAP|MULTISET)"}, func(args []types.Type) *Resolved {
		if len(args) != 1 || !(args[0].Kind == types.KindArray || args[0].Kind == types.KindMap || args[0].Kind == types.KindMultiset) {
			return nil
		}
		return strictFn(args, args, types.Int(), false, intKernel(func(v []*vector.Vector, i int) (int64, bool) {
			switch x := v[0].AnyAt(i).(type) {
			case []any:
				return int64(len(x)), true
			case types.MapValue:
				return int64(len(x.Keys)), true
			}
			return 0, false
		}))
	})
	register([]string{"ELEMENT"}, []string{"ELEMENT(ARRAY)"}, func(args []types.Type) *Resolved {
		if len(args) != 1 || args[0].Kind != types.KindArray && args[0].Kind != types.KindMultiset {
			return nil
		}
		elem := args[0].Elem.Nullable()
		return strictFn(args, args, elem, true, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Reset()
			for i := 0; i < n; i++ {
				a, _ := v[0].AnyAt(i).([]any)
				if v[0].IsNull(i) || len(a) == 0 {
					out.AppendNull()
					continue
				}
				if len(a) > 1 {
					out.AppendNull()
					out.SetError(i, errors.New("ELEMENT of an array with more than one element"))
					continue
				}
				if err := out.Append(a[0]); err != nil {
					return err
				}
			}
			return nil
		})
	})
	register([]string{"ITEM"}, []string{"ITEM(ARRAY, INTEGER)", "ITEM(MAP, KEY)"}, func(args []types.Type) *Resolved {
		if len(args) != 2 {
			return nil
		}
		c := args[0]
		var key types.Type
		switch {
		case c.Kind == types.KindArray && isInteger(args[1]):
			key = types.BigInt()
		case c.Kind == types.KindMap:
			if types.CastSupport(args[1], *c.Elem) != types.CastImplicit {
				return nil
			}
			key = *c.Elem
		default:
			return nil
		}
		var result types.Type
		if c.Kind == types.KindArray {
			result = c.Elem.Nullable()
		} else {
			result = c.Value.Nullable()
		}
		return strictFn([]types.Type{c, key}, args, result, true, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Reset()
			for i := 0; i < n; i++ {
				if anyNull(v, i) {
					out.AppendNull()
					continue
				}
				var x any
				switch coll := v[0].AnyAt(i).(type) {
				case []any:
					if k := v[1].Int64At(i); k >= 1 && k <= int64(len(coll)) {
						x = coll[k-1]
					}
				case types.MapValue:
					want := v[1].Get(i)
					for j, mk := range coll.Keys {
						if reflect.DeepEqual(mk, want) && j < len(coll.Values) {
							x = coll.Values[j]
						}
					}
				}
				if err := out.Append(x); err != nil {
					return err
				}
			}
			return nil
		})
	})
	register([]string{"ARRAY"}, []string{"ARRAY[T, ...]"}, func(args []types.Type) *Resolved {
		if len(args) == 0 {
			return nil
		}
		elem, ok := types.CommonType(args...)
		if !ok {
			return nil
		}
		params := make([]types.Type, len(args))
		for i := range params {
			params[i] = elem.WithNullable(args[i].IsNullable())
		}
		return &Resolved{Args: params, Result: types.Array(elem).NotNullable(), Deterministic: true, strict: true,
			kernel: func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
				out.Resize(n)
				for i := 0; i < n; i++ {
					a := make([]any, len(v))
					for k := range v {
						a[k] = v[k].Get(i)
					}
					out.Any[i] = a
				}
				return nil
			}}
	})
	register([]string{"MAP"}, []string{"MAP[K, V, ...]"}, func(args []types.Type) *Resolved {
		if len(args) == 0 || len(args)%2 != 0 {
			return nil
		}
		var ks, vs []types.Type
		for i := 0; i < len(args); i += 2 {
			ks = append(ks, args[i])
			vs = append(vs, args[i+1])
		}
		kt, ok1 := types.CommonType(ks...)
		vt, ok2 := types.CommonType(vs...)
		if !ok1 || !ok2 {
			return nil
		}
		params := make([]types.Type, len(args))
		for i := range params {
			t := kt
			if i%2 == 1 {
				t = vt
			}
			params[i] = t.WithNullable(args[i].IsNullable())
		}
		return &Resolved{Args: params, Result: types.Map(kt, vt).NotNullable(), Deterministic: true, strict: true,
			kernel: func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
				out.Resize(n)
				for i := 0; i < n; i++ {
					m := types.MapValue{}
					for k := 0; k < len(v); k += 2 {
						key := v[k].Get(i)
						// a repeated key keeps its last value, as Flink's MAP[…]
						dup := false
						for j := range m.Keys {
							if reflect.DeepEqual(m.Keys[j], key) {
								m.Values[j] = v[k+1].Get(i)
								dup = true
							}
						}
						if !dup {
							m.Keys = append(m.Keys, key)
							m.Values = append(m.Values, v[k+1].Get(i))
						}
					}
					out.Any[i] = m
				}
				return nil
			}}
	})
	register([]string{"ROW"}, []string{"ROW(T, ...)"}, func(args []types.Type) *Resolved {
		fields := make([]types.Field, len(args))
		for i, a := range args {
			fields[i] = types.Field{Name: "EXPR$" + strconv.Itoa(i), Type: a}
		}
		return &Resolved{Args: args, Result: types.Row(fields...).NotNullable(), Deterministic: true, strict: true,
			kernel: func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
				out.Resize(n)
				for i := 0; i < n; i++ {
					r := make([]any, len(v))
					for k := range v {
						r[k] = v[k].Get(i)
					}
					out.Any[i] = r
				}
				return nil
			}}
	})
	register([]string{"ARRAY_CONTAINS"}, []string{"ARRAY_CONTAINS(ARRAY<T>, T)"}, func(args []types.Type) *Resolved {
		if len(args) != 2 || args[0].Kind != types.KindArray || types.CastSupport(args[1], *args[0].Elem) != types.CastImplicit {
			return nil
		}
		return strictFn([]types.Type{args[0], *args[0].Elem}, args, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			mergeNulls(out, n, v[0])
			for i := 0; i < n; i++ {
				a, _ := v[0].AnyAt(i).([]any)
				want := v[1].Get(i)
				for _, e := range a {
					if reflect.DeepEqual(e, want) {
						out.Bool[i] = true
					}
				}
			}
			return nil
		})
	})
}
