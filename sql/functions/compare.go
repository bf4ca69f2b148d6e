package functions

import (
	"bytes"
	"reflect"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Comparisons: = <> < <= > >= over any two types with a common type (both
// sides are converted to it), NULL when either side is NULL; IS [NOT]
// DISTINCT FROM (NULL-safe, never NULL); IS [NOT] NULL; BETWEEN; IN.
// Constructed types (ARRAY, MAP, ROW, MULTISET) support = and <> only.
// Floating point compares as Java primitives (NaN equals nothing). Strings
// compare by UTF-8 bytes, i.e. by code point, as Flink's BinaryStringData.

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

func (op cmpOp) test(c int) bool {
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

func init() {
	for _, o := range []struct {
		names []string
		op    cmpOp
	}{
		{[]string{"=", "EQUALS"}, opEq},
		{[]string{"<>", "!=", "NOT_EQUALS"}, opNe},
		{[]string{"<", "LESS_THAN"}, opLt},
		{[]string{"<=", "LESS_THAN_OR_EQUAL"}, opLe},
		{[]string{">", "GREATER_THAN"}, opGt},
		{[]string{">=", "GREATER_THAN_OR_EQUAL"}, opGe},
	} {
		op := o.op
		register(o.names, []string{"T " + o.names[0] + " T (T comparable)"}, func(a []types.Type) *Resolved {
			return resolveCompare(op, a)
		})
	}
	register([]string{"IS DISTINCT FROM"}, []string{"T IS DISTINCT FROM T"}, func(a []types.Type) *Resolved {
		return resolveDistinct(a, true)
	})
	register([]string{"IS NOT DISTINCT FROM"}, []string{"T IS NOT DISTINCT FROM T"}, func(a []types.Type) *Resolved {
		return resolveDistinct(a, false)
	})
	register([]string{"IS NULL"}, []string{"T IS NULL"}, func(a []types.Type) *Resolved {
		return resolveIsNull(a, true)
	})
	register([]string{"IS NOT NULL"}, []string{"T IS NOT NULL"}, func(a []types.Type) *Resolved {
		return resolveIsNull(a, false)
	})
	register([]string{"BETWEEN"}, []string{"T BETWEEN T AND T"}, func(a []types.Type) *Resolved {
		return resolveBetween(a, false)
	})
	register([]string{"NOT BETWEEN"}, []string{"T NOT BETWEEN T AND T"}, func(a []types.Type) *Resolved {
		return resolveBetween(a, true)
	})
	register([]string{"IN"}, []string{"T IN (T, ...)"}, func(a []types.Type) *Resolved {
		return resolveIn(a, false)
	})
	register([]string{"NOT IN"}, []string{"T NOT IN (T, ...)"}, func(a []types.Type) *Resolved {
		return resolveIn(a, true)
	})
}

// comparable returns the common type two operands are compared in.
func comparableType(ts ...types.Type) (types.Type, bool) {
	c, ok := types.CommonType(ts...)
	if !ok {
		allNull := true
		for _, t := range ts {
			allNull = allNull && t.Kind == types.KindNull
		}
		if allNull {
			return types.Boolean(), true
		}
		return c, false
	}
	return c, true
}

func resolveCompare(op cmpOp, args []types.Type) *Resolved {
	if len(args) != 2 {
		return nil
	}
	c, ok := comparableType(args...)
	if !ok || c.IsConstructed() && op != opEq && op != opNe {
		return nil
	}
	params := []types.Type{c.WithNullable(args[0].IsNullable()), c.WithNullable(args[1].IsNullable())}
	return strictFn(params, args, types.Boolean(), false, compareKernel(op, c))
}

func compareKernel(op cmpOp, t types.Type) Kernel {
	return func(_ *Context, args []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		compareInto(op, t, args[0], args[1], n, out.Bool[:n])
		mergeNulls(out, n, args...)
		return nil
	}
}

// compareInto writes a op b for n rows into o, ignoring nulls.
func compareInto(op cmpOp, t types.Type, a, b *vector.Vector, n int, o []bool) {
	switch vector.LaneOf(t) {
	case vector.LaneInt64:
		cmpOrdered(op, a.Int64[:n], b.Int64[:n], o)
	case vector.LaneFloat64:
		cmpOrdered(op, a.Float64[:n], b.Float64[:n], o)
	case vector.LaneBytes:
		if op == opEq || op == opNe {
			want := op == opEq
			for i := range o {
				o[i] = bytes.Equal(a.BytesAt(i), b.BytesAt(i)) == want
			}
			return
		}
		for i := range o {
			o[i] = op.test(bytes.Compare(a.BytesAt(i), b.BytesAt(i)))
		}
	default:
		for i := range o {
			if a.IsNull(i) || b.IsNull(i) {
				continue
			}
			o[i] = op.test(compareRow(t, a, b, i))
		}
	}
}

// cmpOrdered is the tight loop of comparisons on int64 and float64 lanes.
func cmpOrdered[T int64 | float64](op cmpOp, a, b []T, o []bool) {
	a, b = a[:len(o)], b[:len(o)]
	switch op {
	case opEq:
		for i := range o {
			o[i] = a[i] == b[i]
		}
	case opNe:
		for i := range o {
			o[i] = a[i] != b[i]
		}
	case opLt:
		for i := range o {
			o[i] = a[i] < b[i]
		}
	case opLe:
		for i := range o {
			o[i] = a[i] <= b[i]
		}
	case opGt:
		for i := range o {
			o[i] = a[i] > b[i]
		}
	case opGe:
		for i := range o {
			o[i] = a[i] >= b[i]
		}
	}
}

// compareRow orders row i of two non-null vectors of type t. Floating point
// NaN is reported as unequal to everything (ordering tests then fail too).
func compareRow(t types.Type, a, b *vector.Vector, i int) int {
	switch vector.LaneOf(t) {
	case vector.LaneBool:
		x, y := a.BoolAt(i), b.BoolAt(i)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case vector.LaneInt64:
		x, y := a.Int64At(i), b.Int64At(i)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case vector.LaneFloat64:
		x, y := a.Float64At(i), b.Float64At(i)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		case x == y:
			return 0
		}
		return 2 // NaN: unequal, not less, "greater" only as a sentinel
	case vector.LaneDecimal:
		return a.DecimalAt(i).Cmp(b.DecimalAt(i))
	case vector.LaneTimestamp:
		return a.TimestampAt(i).Compare(b.TimestampAt(i))
	case vector.LaneBytes:
		return bytes.Compare(a.BytesAt(i), b.BytesAt(i))
	case vector.LaneAny:
		if reflect.DeepEqual(a.AnyAt(i), b.AnyAt(i)) {
			return 0
		}
		return 1
	}
	return 0
}

func resolveDistinct(args []types.Type, distinct bool) *Resolved {
	if len(args) != 2 {
		return nil
	}
	c, ok := comparableType(args...)
	if !ok {
		return nil
	}
	params := []types.Type{c.WithNullable(args[0].IsNullable()), c.WithNullable(args[1].IsNullable())}
	r := strictFn(params, args, types.Boolean().NotNullable(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		compareInto(opEq, c, v[0], v[1], n, out.Bool[:n])
		for i := 0; i < n; i++ {
			na, nb := v[0].IsNull(i), v[1].IsNull(i)
			if na || nb {
				out.Bool[i] = na == nb
			}
			if distinct {
				out.Bool[i] = !out.Bool[i]
			}
		}
		return nil
	})
	r.Result = types.Boolean().NotNullable()
	return r
}

func resolveIsNull(args []types.Type, isNull bool) *Resolved {
	if len(args) != 1 {
		return nil
	}
	return &Resolved{
		Args: args, Result: types.Boolean().NotNullable(), Deterministic: true,
		kernel: func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			for i := 0; i < n; i++ {
				out.Bool[i] = v[0].IsNull(i) == isNull
			}
			return nil
		},
		// an erroneous argument row is NULL but must still fail its row
		strict: true,
	}
}

func resolveBetween(args []types.Type, not bool) *Resolved {
	if len(args) != 3 {
		return nil
	}
	c, ok := comparableType(args...)
	if !ok || c.IsConstructed() {
		return nil
	}
	params := make([]types.Type, 3)
	for i := range params {
		params[i] = c.WithNullable(args[i].IsNullable())
	}
	return strictFn(params, args, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		lo := make([]bool, n)
		hi := make([]bool, n)
		compareInto(opGe, c, v[0], v[1], n, lo)
		compareInto(opLe, c, v[0], v[2], n, hi)
		out.Resize(n)
		for i := 0; i < n; i++ {
			// three-valued: x >= lo AND x <= hi
			loNull := v[0].IsNull(i) || v[1].IsNull(i)
			hiNull := v[0].IsNull(i) || v[2].IsNull(i)
			res, null := and3(lo[i], loNull, hi[i], hiNull)
			if null {
				out.SetNull(i)
				continue
			}
			out.Bool[i] = res != not
		}
		return nil
	})
}

// and3 is three-valued AND of (a, aNull) and (b, bNull).
func and3(a, aNull, b, bNull bool) (val, null bool) {
	switch {
	case !aNull && !a, !bNull && !b:
		return false, false
	case aNull || bNull:
		return false, true
	}
	return true, false
}

// or3 is three-valued OR.
func or3(a, aNull, b, bNull bool) (val, null bool) {
	switch {
	case !aNull && a, !bNull && b:
		return true, false
	case aNull || bNull:
		return false, true
	}
	return false, false
}

func resolveIn(args []types.Type, not bool) *Resolved {
	if len(args) < 2 {
		return nil
	}
	c, ok := comparableType(args...)
	if !ok {
		return nil
	}
	params := make([]types.Type, len(args))
	for i := range params {
		params[i] = c.WithNullable(args[i].IsNullable())
	}
	return strictFn(params, args, types.Boolean(), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		eq := make([]bool, n)
		nulls := make([]bool, n) // some compared item was NULL
		for _, item := range v[1:] {
			compareInto(opEq, c, v[0], item, n, eq)
			for i := 0; i < n; i++ {
				if item.IsNull(i) {
					nulls[i] = true
				} else if eq[i] {
					out.Bool[i] = true
				}
			}
		}
		for i := 0; i < n; i++ {
			// x IN (…) is TRUE on a match, else NULL if x or an item is NULL
			if v[0].IsNull(i) || !out.Bool[i] && nulls[i] {
				out.SetNull(i)
				continue
			}
			if not {
				out.Bool[i] = !out.Bool[i]
			}
		}
		return nil
	})
}
