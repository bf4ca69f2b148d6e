package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/eddy-streams/eddy/sql/types"
)

// The binary encoding of rows and chunks; docs/format/sql-row.md is the
// specification. It is not self-describing: both sides know the column
// types (from the plan). Fixed-width values are big-endian.

// ErrShort is returned when the input ends inside a row or chunk.
var ErrShort = errors.New("vector: input ends inside a value")

const chunkVersion = 1

// AppendRow appends physical row i of c: its kind, a null bitmap, and its
// non-null values.
func AppendRow(dst []byte, c *Chunk, i int) []byte {
	dst = append(dst, byte(c.Kind(i)))
	nb := len(dst)
	dst = append(dst, make([]byte, (len(c.Cols)+7)/8)...)
	for j, v := range c.Cols {
		if v.IsNull(i) {
			dst[nb+j/8] |= 1 << (j % 8)
			continue
		}
		dst = appendLaneValue(dst, v, i)
	}
	return dst
}

// DecodeRow decodes one row from src, appends it to c (whose columns give
// the types) and returns the bytes used.
func DecodeRow(src []byte, c *Chunk) (int, error) {
	d := decoder{src: src}
	kind := RowKind(d.byte())
	if kind > Delete {
		return 0, fmt.Errorf("decoding row: bad row kind %d", kind)
	}
	nulls := d.bytes((len(c.Cols) + 7) / 8)
	for j, v := range c.Cols {
		if d.err != nil {
			break
		}
		if nulls != nil && nulls[j/8]&(1<<(j%8)) != 0 {
			v.AppendNull()
			continue
		}
		d.laneValue(v)
	}
	if d.err != nil {
		for _, v := range c.Cols {
			v.truncate(c.n)
		}
		return 0, fmt.Errorf("decoding row: %w", d.err)
	}
	c.appendKind(kind)
	return d.pos, nil
}

// AppendChunk appends the live rows of c in columnar form.
func AppendChunk(dst []byte, c *Chunk) []byte {
	n := c.Live()
	rows := func(fn func(i int)) { c.ForEachLive(fn) }
	dst = append(dst, chunkVersion)
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = binary.AppendUvarint(dst, uint64(len(c.Cols)))
	if c.Kinds == nil {
		dst = append(dst, 0)
	} else {
		dst = append(dst, 1)
		rows(func(i int) { dst = append(dst, byte(c.Kinds[i])) })
	}
	for _, v := range c.Cols {
		hasNulls := v.HasNulls()
		if !hasNulls {
			dst = append(dst, 0)
		} else {
			dst = append(dst, 1)
			nb := len(dst)
			dst = append(dst, make([]byte, (n+7)/8)...)
			k := 0
			rows(func(i int) {
				if v.IsNull(i) {
					dst[nb+k/8] |= 1 << (k % 8)
				}
				k++
			})
		}
		rows(func(i int) {
			if !hasNulls || !v.IsNull(i) {
				dst = appendLaneValue(dst, v, i)
			}
		})
	}
	return dst
}

// DecodeChunk decodes a chunk whose columns have types ts and returns it with
// the bytes used.
func DecodeChunk(src []byte, ts []types.Type) (*Chunk, int, error) {
	d := decoder{src: src}
	if v := d.byte(); d.err == nil && v != chunkVersion {
		return nil, 0, fmt.Errorf("decoding chunk: unknown version %d", v)
	}
	n64 := d.uvarint()
	cols := d.uvarint()
	if d.err != nil {
		return nil, 0, fmt.Errorf("decoding chunk: %w", d.err)
	}
	if cols != uint64(len(ts)) {
		return nil, 0, fmt.Errorf("decoding chunk: %d columns, want %d", cols, len(ts))
	}
	n := int(min(n64, uint64(len(src))+1))
	if n64 > uint64(len(src)) {
		// every row takes at least one bit; refuse absurd counts before allocating
		return nil, 0, fmt.Errorf("decoding chunk: %d rows in %d bytes", n64, len(src))
	}
	c := NewChunk(ts, n)
	if d.byte() == 1 {
		ks := d.bytes(n)
		c.Kinds = make([]RowKind, n)
		for i, k := range ks {
			if k > byte(Delete) {
				return nil, 0, fmt.Errorf("decoding chunk: bad row kind %d", k)
			}
			c.Kinds[i] = RowKind(k)
		}
	}
	for _, v := range c.Cols {
		var nulls []byte
		if d.byte() == 1 {
			nulls = d.bytes((n + 7) / 8)
		}
		for i := 0; i < n && d.err == nil; i++ {
			if nulls != nil && nulls[i/8]&(1<<(i%8)) != 0 {
				v.AppendNull()
				continue
			}
			d.laneValue(v)
		}
	}
	if d.err != nil {
		return nil, 0, fmt.Errorf("decoding chunk: %w", d.err)
	}
	c.n = n
	return c, d.pos, nil
}

func appendLaneValue(dst []byte, v *Vector, i int) []byte {
	t := v.Type()
	switch t.Kind {
	case types.KindBoolean:
		if v.BoolAt(i) {
			return append(dst, 1)
		}
		return append(dst, 0)
	case types.KindTinyInt:
		return append(dst, byte(v.Int64At(i)))
	case types.KindSmallInt:
		return binary.BigEndian.AppendUint16(dst, uint16(v.Int64At(i)))
	case types.KindInt, types.KindDate, types.KindTime, types.KindIntervalYearMonth:
		return binary.BigEndian.AppendUint32(dst, uint32(v.Int64At(i)))
	case types.KindBigInt, types.KindIntervalDayTime:
		return binary.BigEndian.AppendUint64(dst, uint64(v.Int64At(i)))
	case types.KindFloat:
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(v.Float64At(i))))
	case types.KindDouble:
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.Float64At(i)))
	case types.KindDecimal:
		return appendDecimal(dst, t, v.Dec[v.row(i)])
	case types.KindTimestamp, types.KindTimestampLTZ:
		return appendTimestamp(dst, t, v.TimestampAt(i))
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
		b := v.BytesAt(i)
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		return append(dst, b...)
	case types.KindNull:
		return dst
	}
	return AppendValue(dst, t, v.AnyAt(i))
}

func appendDecimal(dst []byte, t types.Type, u types.Int128) []byte {
	if t.Precision <= 18 {
		return binary.BigEndian.AppendUint64(dst, u.Lo)
	}
	dst = binary.BigEndian.AppendUint64(dst, uint64(u.Hi))
	return binary.BigEndian.AppendUint64(dst, u.Lo)
}

func appendTimestamp(dst []byte, t types.Type, ts types.TimestampValue) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(ts.Millis))
	if t.Precision > 3 {
		dst = binary.BigEndian.AppendUint32(dst, uint32(ts.Nanos))
	}
	return dst
}

// AppendValue appends a non-null Go value of type t (the representation of
// package types) in the row format. Nested types use it for their elements.
func AppendValue(dst []byte, t types.Type, x any) []byte {
	v := New(t, 1)
	switch t.Kind {
	case types.KindArray, types.KindMultiset:
		elems, _ := x.([]any)
		dst = binary.AppendUvarint(dst, uint64(len(elems)))
		return appendValues(dst, func(int) types.Type { return *t.Elem }, elems)
	case types.KindMap:
		m, _ := x.(types.MapValue)
		n := min(len(m.Keys), len(m.Values))
		dst = binary.AppendUvarint(dst, uint64(n))
		dst = appendValues(dst, func(int) types.Type { return *t.Elem }, m.Keys[:n])
		return appendValues(dst, func(int) types.Type { return *t.Value }, m.Values[:n])
	case types.KindRow:
		fs, _ := x.([]any)
		vals := make([]any, len(t.Fields))
		copy(vals, fs)
		return appendValues(dst, func(i int) types.Type { return t.Fields[i].Type }, vals)
	}
	if err := v.Append(x); err != nil || v.IsNull(0) {
		// a value of the wrong Go type encodes as the type's zero value
		v.Reset()
		v.Resize(1)
		if v.lane == LaneBytes {
			v.AppendString("")
		}
	}
	return appendLaneValue(dst, v, 0)
}

// appendValues writes a null bitmap then the non-null values.
func appendValues(dst []byte, typeOf func(int) types.Type, vals []any) []byte {
	nb := len(dst)
	dst = append(dst, make([]byte, (len(vals)+7)/8)...)
	for i, x := range vals {
		if x == nil {
			dst[nb+i/8] |= 1 << (i % 8)
			continue
		}
		dst = AppendValue(dst, typeOf(i), x)
	}
	return dst
}

type decoder struct {
	src []byte
	pos int
	err error
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.src)-d.pos < n {
		d.err = ErrShort
		return nil
	}
	b := d.src[d.pos : d.pos+n]
	d.pos += n
	return b
}

func (d *decoder) byte() byte {
	b := d.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) u16() uint16 {
	if b := d.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, k := binary.Uvarint(d.src[d.pos:])
	if k <= 0 {
		d.err = ErrShort
		return 0
	}
	d.pos += k
	return x
}

// laneValue decodes one non-null value and appends it to v.
func (d *decoder) laneValue(v *Vector) {
	t := v.Type()
	switch t.Kind {
	case types.KindBoolean:
		b := d.byte()
		if b > 1 {
			d.err = fmt.Errorf("bad BOOLEAN byte %d", b)
		}
		v.AppendBool(b == 1)
	case types.KindTinyInt:
		v.AppendInt64(int64(int8(d.byte())))
	case types.KindSmallInt:
		v.AppendInt64(int64(int16(d.u16())))
	case types.KindInt, types.KindDate, types.KindTime, types.KindIntervalYearMonth:
		v.AppendInt64(int64(int32(d.u32())))
	case types.KindBigInt, types.KindIntervalDayTime:
		v.AppendInt64(int64(d.u64()))
	case types.KindFloat:
		v.AppendFloat64(float64(math.Float32frombits(d.u32())))
	case types.KindDouble:
		v.AppendFloat64(math.Float64frombits(d.u64()))
	case types.KindDecimal:
		if t.Precision <= 18 {
			v.AppendDecimal(types.Int128From(int64(d.u64())))
		} else {
			hi := int64(d.u64())
			v.AppendDecimal(types.Int128{Hi: hi, Lo: d.u64()})
		}
	case types.KindTimestamp, types.KindTimestampLTZ:
		ts := types.TimestampValue{Millis: int64(d.u64())}
		if t.Precision > 3 {
			ts.Nanos = int32(d.u32())
		}
		v.AppendTimestamp(ts)
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
		n := d.uvarint()
		if n > uint64(len(d.src)) {
			d.err = ErrShort
			v.AppendNull()
			return
		}
		v.AppendBytes(d.bytes(int(n)))
	case types.KindNull:
		v.AppendNull()
	default:
		v.AppendAny(d.value(t, 0))
	}
}

const maxNesting = 64

// value decodes a nested value as a Go value.
func (d *decoder) value(t types.Type, depth int) any {
	if d.err != nil {
		return nil
	}
	if depth > maxNesting {
		d.err = errors.New("nesting too deep")
		return nil
	}
	switch t.Kind {
	case types.KindArray, types.KindMultiset:
		n := d.count()
		return d.values(n, func(int) types.Type { return *t.Elem }, depth)
	case types.KindMap:
		n := d.count()
		keys := d.values(n, func(int) types.Type { return *t.Elem }, depth)
		vals := d.values(n, func(int) types.Type { return *t.Value }, depth)
		return types.MapValue{Keys: keys, Values: vals}
	case types.KindRow:
		return d.values(len(t.Fields), func(i int) types.Type { return t.Fields[i].Type }, depth)
	}
	v := New(t, 1)
	d.laneValue(v)
	if d.err != nil {
		return nil
	}
	return v.Get(0)
}

func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.src)-d.pos)*8 {
		// each element takes at least its null bit
		d.err = ErrShort
		return 0
	}
	return int(n)
}

func (d *decoder) values(n int, typeOf func(int) types.Type, depth int) []any {
	nulls := d.bytes((n + 7) / 8)
	if d.err != nil {
		return nil
	}
	out := make([]any, n)
	for i := range out {
		if nulls[i/8]&(1<<(i%8)) != 0 {
			continue
		}
		out[i] = d.value(typeOf(i), depth+1)
		if d.err != nil {
			return nil
		}
	}
	return out
}

// AppendRowValues appends a row of Go values of types ts (what
// Vector.Append takes) in the format of AppendRow, without building a
// chunk: the boxed rows of joins and materializations encode without a
// scratch vector per value. It returns dst unchanged and false when a
// value does not fit its type or the type takes the slow path (DECIMAL,
// nested types); the caller then goes through a chunk.
func AppendRowValues(dst []byte, ts []types.Type, kind RowKind, vals []any) ([]byte, bool) {
	if len(vals) != len(ts) {
		return dst, false
	}
	start := len(dst)
	dst = append(dst, byte(kind))
	nb := len(dst)
	for range (len(ts) + 7) / 8 {
		dst = append(dst, 0)
	}
	for j, x := range vals {
		if x == nil {
			dst[nb+j/8] |= 1 << (j % 8)
			continue
		}
		t := ts[j]
		ok := true
		switch t.Kind {
		case types.KindBoolean:
			var b bool
			if b, ok = x.(bool); ok {
				if b {
					dst = append(dst, 1)
				} else {
					dst = append(dst, 0)
				}
			}
		case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
			types.KindDate, types.KindTime, types.KindIntervalYearMonth, types.KindIntervalDayTime:
			var n int64
			if n, ok = asInt64(x); ok {
				switch t.Kind {
				case types.KindTinyInt:
					dst = append(dst, byte(n))
				case types.KindSmallInt:
					dst = binary.BigEndian.AppendUint16(dst, uint16(n))
				case types.KindBigInt, types.KindIntervalDayTime:
					dst = binary.BigEndian.AppendUint64(dst, uint64(n))
				default:
					dst = binary.BigEndian.AppendUint32(dst, uint32(n))
				}
			}
		case types.KindFloat, types.KindDouble:
			var f float64
			switch y := x.(type) {
			case float64:
				f = y
			case float32:
				f = float64(y)
			default:
				ok = false
			}
			if ok {
				if t.Kind == types.KindFloat {
					dst = binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(f)))
				} else {
					dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(f))
				}
			}
		case types.KindTimestamp, types.KindTimestampLTZ:
			var tv types.TimestampValue
			if tv, ok = x.(types.TimestampValue); ok {
				dst = appendTimestamp(dst, t, tv)
			}
		case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
			switch s := x.(type) {
			case string:
				dst = binary.AppendUvarint(dst, uint64(len(s)))
				dst = append(dst, s...)
			case []byte:
				dst = binary.AppendUvarint(dst, uint64(len(s)))
				dst = append(dst, s...)
			default:
				ok = false
			}
		default:
			ok = false
		}
		if !ok {
			return dst[:start], false
		}
	}
	return dst, true
}
