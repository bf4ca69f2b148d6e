package functions

import (
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Boolean logic with SQL's three-valued truth tables, and the conditional
// functions CASE, COALESCE, IF, NULLIF, GREATEST, LEAST. Conditional
// functions propagate a row error of an argument only where that argument
// decides the row (AND: the right side only matters where the left is not
// FALSE), matching Flink's short-circuiting generated code.

func init() {
	register([]string{"AND"}, []string{"BOOLEAN AND BOOLEAN [AND ...]"}, func(a []types.Type) *Resolved {
		return resolveAndOr(a, true)
	})
	register([]string{"OR"}, []string{"BOOLEAN OR BOOLEAN [OR ...]"}, func(a []types.Type) *Resolved {
		return resolveAndOr(a, false)
	})
	register([]string{"NOT"}, []string{"NOT BOOLEAN"}, func(a []types.Type) *Resolved {
		if !allOf(a, 1, 1, isBool) {
			return nil
		}
		return strictFn([]types.Type{types.Boolean()}, a, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i, b := range v[0].Bool[:n] {
				out.Bool[i] = !b
			}
			mergeNulls(out, n, v...)
			return nil
		})
	})
	for name, test := range map[string]func(b, null bool) bool{
		"IS TRUE":      func(b, null bool) bool { return !null && b },
		"IS FALSE":     func(b, null bool) bool { return !null && !b },
		"IS NOT TRUE":  func(b, null bool) bool { return null || !b },
		"IS NOT FALSE": func(b, null bool) bool { return null || b },
		"IS UNKNOWN":   func(b, null bool) bool { return null },
	} {
		test := test
		register([]string{name}, []string{"BOOLEAN " + name}, func(a []types.Type) *Resolved {
			if !allOf(a, 1, 1, isBool) {
				return nil
			}
			r := strictFn([]types.Type{types.Boolean()}, a, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
				out.Resize(n)
				for i := 0; i < n; i++ {
					null := v[0].IsNull(i)
					out.Bool[i] = test(!null && v[0].Bool[i], null)
				}
				return nil
			})
			r.Result = types.Boolean().NotNullable()
			return r
		})
	}
	register([]string{"CASE"}, []string{"CASE WHEN BOOLEAN THEN T [WHEN BOOLEAN THEN T ...] [ELSE T] END (arguments: cond, value, ..., [else])"}, resolveCase)
	register([]string{"IF"}, []string{"IF(BOOLEAN, T, T)"}, func(a []types.Type) *Resolved {
		if len(a) != 3 {
			return nil
		}
		return resolveCase(a)
	})
	register([]string{"COALESCE"}, []string{"COALESCE(T, ...)"}, resolveCoalesce)
	register([]string{"IFNULL"}, []string{"IFNULL(T, T)"}, func(a []types.Type) *Resolved {
		if len(a) != 2 {
			return nil
		}
		return resolveCoalesce(a)
	})
	register([]string{"NULLIF"}, []string{"NULLIF(T, T)"}, resolveNullIf)
	register([]string{"GREATEST"}, []string{"GREATEST(T, ...)"}, func(a []types.Type) *Resolved {
		return resolveGreatest(a, opGt)
	})
	register([]string{"LEAST"}, []string{"LEAST(T, ...)"}, func(a []types.Type) *Resolved {
		return resolveGreatest(a, opLt)
	})
}

func resolveAndOr(args []types.Type, and bool) *Resolved {
	if !allOf(args, 2, 1<<16, isBool) {
		return nil
	}
	params := make([]types.Type, len(args))
	for i := range params {
		params[i] = types.Boolean().WithNullable(args[i].IsNullable())
	}
	r := &Resolved{Args: params, Result: types.Boolean().WithNullable(anyNullable(args)), Deterministic: true}
	r.kernel = func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		o := out.Bool[:n]
		copy(o, v[0].Bool[:n])
		out.SetNulls(append(vector.Bitmap(nil), v[0].Nulls...))
		out.PropagateErrors(v[0])
		for _, b := range v[1:] {
			// where the result is already decided (FALSE for AND, TRUE for OR)
			// b is never evaluated in Flink: its errors do not count there
			decided := func(i int) bool { return !out.IsNull(i) && o[i] != and }
			out.PropagateErrorsWhere(b, func(i int) bool { return !decided(i) })
			if !out.HasNulls() && !b.HasNulls() {
				if and {
					for i := range o {
						o[i] = o[i] && b.Bool[i]
					}
				} else {
					for i := range o {
						o[i] = o[i] || b.Bool[i]
					}
				}
				continue
			}
			for i := range o {
				an, bn := out.IsNull(i), b.IsNull(i)
				var val, null bool
				if and {
					val, null = and3(o[i], an, b.Bool[i], bn)
				} else {
					val, null = or3(o[i], an, b.Bool[i], bn)
				}
				if out.ErrorAt(i) != nil {
					continue
				}
				o[i] = val
				if null {
					out.SetNull(i)
				} else {
					out.ClearNull(i)
				}
			}
		}
		return nil
	}
	return r
}

// resolveCase takes (cond, value)* [else]; IF(c, a, b) is CASE WHEN c THEN a
// ELSE b END. A simple CASE x WHEN v THEN … is the planner's rewrite to
// conditions x = v.
func resolveCase(args []types.Type) *Resolved {
	if len(args) < 2 {
		return nil
	}
	hasElse := len(args)%2 == 1
	var vals []types.Type
	for i := 0; i+1 < len(args); i += 2 {
		if !isBool(args[i]) {
			return nil
		}
		vals = append(vals, args[i+1])
	}
	if hasElse {
		vals = append(vals, args[len(args)-1])
	}
	res, ok := types.CommonType(vals...)
	if !ok {
		if allNullTypes(vals) {
			res, ok = types.Null(), true
		} else {
			return nil
		}
	}
	if !hasElse {
		res = res.Nullable()
	}
	params := make([]types.Type, len(args))
	for i := range args {
		if i%2 == 0 && i+1 < len(args) {
			params[i] = types.Boolean().WithNullable(args[i].IsNullable())
		} else {
			params[i] = res.WithNullable(args[i].IsNullable())
		}
	}
	r := &Resolved{Args: params, Result: res, Deterministic: true}
	r.kernel = func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Reset()
		for i := 0; i < n; i++ {
			chosen := -1
			for k := 0; k+1 < len(v); k += 2 {
				c := v[k]
				if err := c.ErrorAt(i); err != nil {
					out.AppendNull()
					out.SetError(i, err)
					chosen = -2
					break
				}
				if !c.IsNull(i) && c.Bool[i] {
					chosen = k + 1
					break
				}
			}
			if chosen == -2 {
				continue
			}
			if chosen < 0 && hasElse {
				chosen = len(v) - 1
			}
			if chosen < 0 {
				out.AppendNull()
				continue
			}
			out.AppendFrom(v[chosen], i)
			if err := v[chosen].ErrorAt(i); err != nil {
				out.SetError(i, err)
			}
		}
		return nil
	}
	return r
}

func allNullTypes(ts []types.Type) bool {
	for _, t := range ts {
		if t.Kind != types.KindNull {
			return false
		}
	}
	return true
}

func resolveCoalesce(args []types.Type) *Resolved {
	if len(args) < 1 {
		return nil
	}
	res, ok := types.CommonType(args...)
	if !ok {
		return nil
	}
	nullable := true
	for _, a := range args {
		if !a.IsNullable() {
			nullable = false
		}
	}
	res = res.WithNullable(nullable)
	params := make([]types.Type, len(args))
	for i := range args {
		params[i] = res.WithNullable(args[i].IsNullable())
	}
	r := &Resolved{Args: params, Result: res, Deterministic: true}
	r.kernel = func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Reset()
		for i := 0; i < n; i++ {
			done := false
			for _, a := range v {
				if err := a.ErrorAt(i); err != nil {
					out.AppendNull()
					out.SetError(i, err)
					done = true
					break
				}
				if !a.IsNull(i) {
					out.AppendFrom(a, i)
					done = true
					break
				}
			}
			if !done {
				out.AppendNull()
			}
		}
		return nil
	}
	return r
}

func resolveNullIf(args []types.Type) *Resolved {
	if len(args) != 2 {
		return nil
	}
	c, ok := comparableType(args...)
	if !ok {
		return nil
	}
	params := []types.Type{c.WithNullable(args[0].IsNullable()), c.WithNullable(args[1].IsNullable())}
	r := strictFn(params, args, c, true, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		eq := make([]bool, n)
		compareInto(opEq, c, v[0], v[1], n, eq)
		out.Reset()
		for i := 0; i < n; i++ {
			if !v[0].IsNull(i) && !v[1].IsNull(i) && eq[i] {
				out.AppendNull()
				continue
			}
			out.AppendFrom(v[0], i)
		}
		return nil
	})
	r.strict = false // the second argument is only compared
	return r
}

// resolveGreatest: NULL if any argument is NULL (Flink's GREATEST/LEAST).
func resolveGreatest(args []types.Type, op cmpOp) *Resolved {
	if len(args) < 1 {
		return nil
	}
	c, ok := comparableType(args...)
	if !ok || c.IsConstructed() {
		return nil
	}
	params := make([]types.Type, len(args))
	for i := range args {
		params[i] = c.WithNullable(args[i].IsNullable())
	}
	return strictFn(params, args, c, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Reset()
		for i := 0; i < n; i++ {
			if anyNull(v, i) {
				out.AppendNull()
				continue
			}
			best := v[0]
			for _, a := range v[1:] {
				if op.test(compareRow(c, a, best, i)) && compareRow(c, a, best, i) != 2 {
					best = a
				}
			}
			out.AppendFrom(best, i)
		}
		return nil
	})
}
