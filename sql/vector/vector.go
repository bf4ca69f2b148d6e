package vector

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/eddy-streams/eddy/sql/types"
)

// Lane names the typed slice a Vector keeps its values in.
type Lane uint8

const (
	LaneNull      Lane = iota // NULL type: no storage, every row is NULL
	LaneBool                  // Bool
	LaneInt64                 // Int64: integers, DATE, TIME, intervals
	LaneFloat64               // Float64: FLOAT (rounded to float32) and DOUBLE
	LaneDecimal               // Dec: unscaled DECIMAL values
	LaneTimestamp             // Int64 millis + Nanos
	LaneBytes                 // Data + Offsets: CHAR/VARCHAR/BINARY/VARBINARY
	LaneAny                   // Any: ARRAY, MULTISET, MAP, ROW as Go values
)

// LaneOf returns the lane of a type.
func LaneOf(t types.Type) Lane {
	switch t.Kind {
	case types.KindNull:
		return LaneNull
	case types.KindBoolean:
		return LaneBool
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
		types.KindDate, types.KindTime, types.KindIntervalYearMonth, types.KindIntervalDayTime:
		return LaneInt64
	case types.KindFloat, types.KindDouble:
		return LaneFloat64
	case types.KindDecimal:
		return LaneDecimal
	case types.KindTimestamp, types.KindTimestampLTZ:
		return LaneTimestamp
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
		return LaneBytes
	}
	return LaneAny
}

// Vector is one column of a chunk. Only the lane of its type is used. Fields
// are exported for kernels; keep them consistent through the methods when in
// doubt: fixed-width lanes hold exactly Len() values, the bytes lane holds
// Len()+1 offsets.
type Vector struct {
	typ  types.Type
	lane Lane
	n    int
	// constant marks a vector of one value standing for every row (a
	// literal); see NewConst and Broadcast.
	constant bool

	Nulls   Bitmap
	Bool    []bool
	Int64   []int64
	Float64 []float64
	Dec     []types.Int128
	// Nanos is the nanosecond within the millisecond of timestamps; nil when
	// every value is a whole millisecond.
	Nanos []int32
	// Value i of a bytes lane is Data[Offsets[i]:Offsets[i+1]].
	Data    []byte
	Offsets []int32
	Any     []any

	errs *RowErrors
}

// New returns an empty vector of type t with room for capacity rows.
func New(t types.Type, capacity int) *Vector {
	v := &Vector{typ: t, lane: LaneOf(t)}
	switch v.lane {
	case LaneBool:
		v.Bool = make([]bool, 0, capacity)
	case LaneInt64, LaneTimestamp:
		v.Int64 = make([]int64, 0, capacity)
	case LaneFloat64:
		v.Float64 = make([]float64, 0, capacity)
	case LaneDecimal:
		v.Dec = make([]types.Int128, 0, capacity)
	case LaneBytes:
		v.Offsets = make([]int32, 1, capacity+1)
		v.Data = make([]byte, 0, capacity*8)
	case LaneAny:
		v.Any = make([]any, 0, capacity)
	}
	return v
}

// NewConst returns a constant vector: one value (nil for NULL) that stands
// for every row of any chunk it is evaluated with.
func NewConst(t types.Type, val any) (*Vector, error) {
	v := New(t, 1)
	if err := v.Append(val); err != nil {
		return nil, fmt.Errorf("constant of type %s: %w", t, err)
	}
	v.constant = true
	return v, nil
}

// Type returns the logical type.
func (v *Vector) Type() types.Type { return v.typ }

// Lane returns the lane in use.
func (v *Vector) Lane() Lane { return v.lane }

// Len returns the number of rows (1 for a constant).
func (v *Vector) Len() int { return v.n }

// IsConst reports a constant vector.
func (v *Vector) IsConst() bool { return v.constant }

// IsNull reports whether row i is NULL.
func (v *Vector) IsNull(i int) bool {
	if v.constant {
		i = 0
	}
	return v.lane == LaneNull || v.Nulls.Get(i)
}

// HasNulls reports whether any row is NULL.
func (v *Vector) HasNulls() bool { return v.lane == LaneNull || v.Nulls.Any() }

// SetNull marks row i NULL (its lane value is left as is; kernels write zero).
func (v *Vector) SetNull(i int) { v.Nulls.set(i) }

// ClearNull marks row i not NULL.
func (v *Vector) ClearNull(i int) { v.Nulls.clear(i) }

// Reset empties v for reuse, keeping its buffers. Strings previously returned
// by StringAt alias the buffer and must not be used after a Reset.
func (v *Vector) Reset() {
	v.n = 0
	v.constant = false
	v.Nulls = v.Nulls[:0]
	v.Bool = v.Bool[:0]
	v.Int64 = v.Int64[:0]
	v.Float64 = v.Float64[:0]
	v.Dec = v.Dec[:0]
	v.Nanos = nil
	v.Data = v.Data[:0]
	if v.lane == LaneBytes {
		v.Offsets = append(v.Offsets[:0], 0)
	}
	clear(v.Any)
	v.Any = v.Any[:0]
	v.errs = nil
}

// Resize resets v to n rows of zero values, none NULL, for kernels that
// write fixed-width lanes by index. For the bytes lane it is Reset: append
// the n values instead.
func (v *Vector) Resize(n int) {
	v.Reset()
	switch v.lane {
	case LaneBool:
		v.Bool = grow(v.Bool, n)
	case LaneInt64, LaneTimestamp:
		v.Int64 = grow(v.Int64, n)
	case LaneFloat64:
		v.Float64 = grow(v.Float64, n)
	case LaneDecimal:
		v.Dec = grow(v.Dec, n)
	case LaneAny:
		v.Any = grow(v.Any, n)
	case LaneBytes:
		return
	}
	v.n = n
}

// grow returns s with length n and zeroed contents, reusing its capacity.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// EnsureNanos allocates the Nanos lane (zeroed) for a timestamp vector.
func (v *Vector) EnsureNanos() {
	if v.Nanos == nil {
		v.Nanos = make([]int32, len(v.Int64), cap(v.Int64))
	}
}

// SetNulls replaces the null bitmap (kernels computing it word-wise).
func (v *Vector) SetNulls(b Bitmap) { v.Nulls = b }

// --- appends: each adds one row ---

// AppendNull appends a NULL row.
func (v *Vector) AppendNull() {
	switch v.lane {
	case LaneBool:
		v.Bool = append(v.Bool, false)
	case LaneInt64, LaneTimestamp:
		v.Int64 = append(v.Int64, 0)
		if v.Nanos != nil {
			v.Nanos = append(v.Nanos, 0)
		}
	case LaneFloat64:
		v.Float64 = append(v.Float64, 0)
	case LaneDecimal:
		v.Dec = append(v.Dec, types.Int128{})
	case LaneBytes:
		v.Offsets = append(v.Offsets, int32(len(v.Data)))
	case LaneAny:
		v.Any = append(v.Any, nil)
	}
	v.Nulls.set(v.n)
	v.n++
}

func (v *Vector) AppendBool(b bool) { v.Bool = append(v.Bool, b); v.n++ }

// AppendInt64 appends to the Int64 lane (integers, DATE days, TIME millis,
// interval months or millis).
func (v *Vector) AppendInt64(x int64) { v.Int64 = append(v.Int64, x); v.n++ }

func (v *Vector) AppendFloat64(f float64) {
	if v.typ.Kind == types.KindFloat {
		f = float64(float32(f))
	}
	v.Float64 = append(v.Float64, f)
	v.n++
}

// AppendDecimal appends an unscaled value already at the vector's scale.
func (v *Vector) AppendDecimal(u types.Int128) { v.Dec = append(v.Dec, u); v.n++ }

func (v *Vector) AppendTimestamp(ts types.TimestampValue) {
	v.Int64 = append(v.Int64, ts.Millis)
	if ts.Nanos != 0 && v.Nanos == nil {
		v.Nanos = make([]int32, len(v.Int64)-1, cap(v.Int64))
	}
	if v.Nanos != nil {
		v.Nanos = append(v.Nanos, ts.Nanos)
	}
	v.n++
}

func (v *Vector) AppendBytes(b []byte) {
	v.Data = append(v.Data, b...)
	v.Offsets = append(v.Offsets, int32(len(v.Data)))
	v.n++
}

func (v *Vector) AppendString(s string) {
	v.Data = append(v.Data, s...)
	v.Offsets = append(v.Offsets, int32(len(v.Data)))
	v.n++
}

// FinishBytes ends a value a kernel wrote straight into Data since the
// previous value.
func (v *Vector) FinishBytes() {
	v.Offsets = append(v.Offsets, int32(len(v.Data)))
	v.n++
}

func (v *Vector) AppendAny(x any) { v.Any = append(v.Any, x); v.n++ }

// --- typed getters (row i; constants read row 0) ---

func (v *Vector) row(i int) int {
	if v.constant {
		return 0
	}
	return i
}

// BytesAt returns a view of value i of a bytes lane.
func (v *Vector) BytesAt(i int) []byte {
	i = v.row(i)
	return v.Data[v.Offsets[i]:v.Offsets[i+1]:v.Offsets[i+1]]
}

// StringAt returns value i of a bytes lane as a string sharing the buffer:
// valid until v is Reset.
func (v *Vector) StringAt(i int) string {
	b := v.BytesAt(i)
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (v *Vector) TimestampAt(i int) types.TimestampValue {
	i = v.row(i)
	ts := types.TimestampValue{Millis: v.Int64[i]}
	if v.Nanos != nil {
		ts.Nanos = v.Nanos[i]
	}
	return ts
}

// DecimalAt returns value i with the vector's scale.
func (v *Vector) DecimalAt(i int) types.DecimalValue {
	return types.DecimalValue{Unscaled: v.Dec[v.row(i)], Scale: v.typ.Scale}
}

func (v *Vector) Int64At(i int) int64     { return v.Int64[v.row(i)] }
func (v *Vector) Float64At(i int) float64 { return v.Float64[v.row(i)] }
func (v *Vector) BoolAt(i int) bool       { return v.Bool[v.row(i)] }
func (v *Vector) AnyAt(i int) any         { return v.Any[v.row(i)] }

// --- slow path: Go values ---

// Get returns row i as a Go value of the type's representation (package
// types documents it), nil for NULL. Strings and bytes are copied.
func (v *Vector) Get(i int) any {
	if v.IsNull(i) {
		return nil
	}
	switch v.typ.Kind {
	case types.KindBoolean:
		return v.BoolAt(i)
	case types.KindTinyInt:
		return int8(v.Int64At(i))
	case types.KindSmallInt:
		return int16(v.Int64At(i))
	case types.KindInt:
		return int32(v.Int64At(i))
	case types.KindBigInt:
		return v.Int64At(i)
	case types.KindFloat:
		return float32(v.Float64At(i))
	case types.KindDouble:
		return v.Float64At(i)
	case types.KindDecimal:
		return v.DecimalAt(i)
	case types.KindChar, types.KindVarChar:
		return string(v.BytesAt(i))
	case types.KindBinary, types.KindVarBinary:
		return append([]byte{}, v.BytesAt(i)...)
	case types.KindDate:
		return types.DateValue(v.Int64At(i))
	case types.KindTime:
		return types.TimeValue(v.Int64At(i))
	case types.KindTimestamp, types.KindTimestampLTZ:
		return v.TimestampAt(i)
	case types.KindIntervalYearMonth:
		return types.IntervalMonths(v.Int64At(i))
	case types.KindIntervalDayTime:
		return types.IntervalMillis(v.Int64At(i))
	}
	return v.AnyAt(i)
}

// Append appends a Go value (nil for NULL). Integer kinds accept any Go
// integer type, FLOAT/DOUBLE any float, DECIMAL a types.DecimalValue (rescaled
// HALF_UP to the column's scale; an error if it does not fit), strings a
// string or []byte.
func (v *Vector) Append(x any) error {
	if x == nil {
		v.AppendNull()
		return nil
	}
	bad := func() error {
		return fmt.Errorf("cannot store %T (%v) in a %s vector", x, x, v.typ)
	}
	switch v.lane {
	case LaneNull:
		return bad()
	case LaneBool:
		b, ok := x.(bool)
		if !ok {
			return bad()
		}
		v.AppendBool(b)
	case LaneInt64:
		n, ok := asInt64(x)
		if !ok {
			return bad()
		}
		v.AppendInt64(n)
	case LaneFloat64:
		switch f := x.(type) {
		case float64:
			v.AppendFloat64(f)
		case float32:
			v.AppendFloat64(float64(f))
		default:
			return bad()
		}
	case LaneDecimal:
		d, ok := x.(types.DecimalValue)
		if !ok {
			return bad()
		}
		r, ok := d.ToType(v.typ.Precision, v.typ.Scale)
		if !ok {
			return fmt.Errorf("%s does not fit %s", d, v.typ)
		}
		v.AppendDecimal(r.Unscaled)
	case LaneTimestamp:
		ts, ok := x.(types.TimestampValue)
		if !ok {
			return bad()
		}
		v.AppendTimestamp(ts)
	case LaneBytes:
		switch s := x.(type) {
		case string:
			v.AppendString(s)
		case []byte:
			v.AppendBytes(s)
		default:
			return bad()
		}
	case LaneAny:
		v.AppendAny(x)
	}
	return nil
}

func asInt64(x any) (int64, bool) {
	switch n := x.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case types.DateValue:
		return int64(n), true
	case types.TimeValue:
		return int64(n), true
	case types.IntervalMonths:
		return int64(n), true
	case types.IntervalMillis:
		return int64(n), true
	}
	return 0, false
}

// AppendFrom appends row i of src (same lane) to v, without boxing.
func (v *Vector) AppendFrom(src *Vector, i int) {
	if src.IsNull(i) {
		v.AppendNull()
		return
	}
	switch v.lane {
	case LaneBool:
		v.AppendBool(src.BoolAt(i))
	case LaneInt64:
		v.AppendInt64(src.Int64At(i))
	case LaneFloat64:
		v.AppendFloat64(src.Float64At(i))
	case LaneDecimal:
		v.AppendDecimal(src.Dec[src.row(i)])
	case LaneTimestamp:
		v.AppendTimestamp(src.TimestampAt(i))
	case LaneBytes:
		v.AppendBytes(src.BytesAt(i))
	case LaneAny:
		v.AppendAny(src.AnyAt(i))
	default:
		v.AppendNull()
	}
}

// Broadcast returns a constant vector expanded to n rows (a non-constant
// vector is returned as is). Kernels call it so that their loops only see
// full vectors.
func (v *Vector) Broadcast(n int) *Vector {
	if !v.constant {
		return v
	}
	out := New(v.typ, n)
	out.BroadcastFrom(v, n)
	return out
}

// BroadcastFrom fills v (same type) with n copies of constant c's value,
// reusing v's buffers.
func (v *Vector) BroadcastFrom(c *Vector, n int) {
	v.Reset()
	if c.IsNull(0) {
		v.Resize(n)
		if v.lane == LaneBytes {
			v.Offsets = grow(v.Offsets, n+1)
			v.n = n
		}
		v.Nulls = fill(v.Nulls, Words(n), ^uint64(0))
		return
	}
	switch v.lane {
	case LaneBool:
		v.Bool = fill(v.Bool, n, c.Bool[0])
	case LaneInt64:
		v.Int64 = fill(v.Int64, n, c.Int64[0])
	case LaneTimestamp:
		v.Int64 = fill(v.Int64, n, c.Int64[0])
		if c.Nanos != nil && c.Nanos[0] != 0 {
			v.Nanos = fill(v.Nanos, n, c.Nanos[0])
		}
	case LaneFloat64:
		v.Float64 = fill(v.Float64, n, c.Float64[0])
	case LaneDecimal:
		v.Dec = fill(v.Dec, n, c.Dec[0])
	case LaneAny:
		v.Any = fill(v.Any, n, c.Any[0])
	case LaneBytes:
		b := c.BytesAt(0)
		for range n {
			v.Data = append(v.Data, b...)
			v.Offsets = append(v.Offsets, int32(len(v.Data)))
		}
	}
	v.n = n
}

func fill[T any](s []T, n int, x T) []T {
	s = grow(s, n)
	for i := range s {
		s[i] = x
	}
	return s
}

// Gather returns a new vector holding the rows sel of v, in order.
func (v *Vector) Gather(sel []int32) *Vector {
	out := New(v.typ, len(sel))
	if v.constant || v.Nanos != nil || !out.gatherLane(v, sel) {
		for _, i := range sel {
			out.AppendFrom(v, int(i))
		}
	}
	if v.errs != nil {
		for _, e := range v.errs.items {
			for j, i := range sel {
				if i == e.row {
					out.SetError(j, e.err)
				}
			}
		}
	}
	return out
}

// gatherLane appends rows sel of src, a full vector without nanos, one
// typed loop per lane (filters gather every column they keep); NULL rows
// get the zero value, as AppendNull gives them.
func (v *Vector) gatherLane(src *Vector, sel []int32) bool {
	nulls := src.Nulls.Any()
	isNull := func(i int32) bool { return nulls && src.Nulls.Get(int(i)) }
	n0 := v.n
	switch v.lane {
	case LaneBool:
		for _, i := range sel {
			v.Bool = append(v.Bool, !isNull(i) && src.Bool[i])
		}
	case LaneInt64, LaneTimestamp:
		for _, i := range sel {
			x := src.Int64[i]
			if isNull(i) {
				x = 0
			}
			v.Int64 = append(v.Int64, x)
		}
	case LaneFloat64:
		for _, i := range sel {
			x := src.Float64[i]
			if isNull(i) {
				x = 0
			}
			v.Float64 = append(v.Float64, x)
		}
	case LaneDecimal:
		for _, i := range sel {
			x := src.Dec[i]
			if isNull(i) {
				x = types.Int128{}
			}
			v.Dec = append(v.Dec, x)
		}
	case LaneBytes:
		size := 0
		for _, i := range sel {
			size += int(src.Offsets[i+1] - src.Offsets[i])
		}
		v.Data = slices.Grow(v.Data, size)
		for _, i := range sel {
			if !isNull(i) {
				v.Data = append(v.Data, src.Data[src.Offsets[i]:src.Offsets[i+1]]...)
			}
			v.Offsets = append(v.Offsets, int32(len(v.Data)))
		}
	case LaneAny:
		for _, i := range sel {
			var x any
			if !isNull(i) {
				x = src.Any[i]
			}
			v.Any = append(v.Any, x)
		}
	default:
		return false
	}
	if nulls {
		for j, i := range sel {
			if src.Nulls.Get(int(i)) {
				v.Nulls.set(n0 + j)
			}
		}
	}
	v.n += len(sel)
	return true
}

func (v *Vector) String() string {
	return fmt.Sprintf("Vector(%s, %d rows)", v.typ, v.n)
}
