package vector

import (
	"reflect"
	"testing"

	"github.com/eddy-streams/eddy/sql/types"
)

func allTypes() []types.Type {
	return []types.Type{
		types.Boolean(), types.TinyInt(), types.SmallInt(), types.Int(), types.BigInt(),
		types.Float(), types.Double(), types.Decimal(10, 2), types.Decimal(30, 5),
		types.Char(3), types.String(), types.Bytes(), types.Date(), types.Time(0),
		types.Timestamp(3), types.Timestamp(9), types.TimestampLTZ(3),
		types.IntervalYearMonth(), types.IntervalDayTime(),
		types.Array(types.Int()), types.Map(types.String(), types.BigInt()),
		types.Row(types.Field{Name: "a", Type: types.Int()}, types.Field{Name: "b", Type: types.Array(types.String())}),
		types.Multiset(types.String()), types.Null(),
	}
}

func sampleRow(k int) []any {
	dec := func(s string) types.DecimalValue {
		d, err := types.ParseDecimal(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	return []any{
		k%2 == 0, int8(-k), int16(300 * k), int32(-70000 * k), int64(1) << 40 * int64(k),
		float32(1.5) * float32(k), 2.25 * float64(k), dec("-12.34").Neg(), dec("123456789012345678901234.5"),
		"ab ", "héllo", []byte{0, 1, 2}, types.DateValue(-3 + k), types.TimeValue(3_600_000),
		types.TimestampValue{Millis: 1_600_000_000_123}, types.TimestampValue{Millis: -5, Nanos: 999_999},
		types.TimestampValue{Millis: 42}, types.IntervalMonths(-14), types.IntervalMillis(86_400_001),
		[]any{int32(1), nil, int32(3)}, types.MapValue{Keys: []any{"x"}, Values: []any{int64(7)}},
		[]any{int32(5), []any{"p", nil}}, []any{"a", "a"}, nil,
	}
}

func TestChunkRoundTrip(t *testing.T) {
	ts := allTypes()
	c := NewChunk(ts, 4)
	for k := 0; k < 3; k++ {
		if err := c.AppendRow(RowKind(k), sampleRow(k)...); err != nil {
			t.Fatal(err)
		}
	}
	nulls := make([]any, len(ts))
	if err := c.AppendRow(Delete, nulls...); err != nil {
		t.Fatal(err)
	}
	buf := AppendChunk(nil, c)
	back, n, err := DecodeChunk(buf, ts)
	if err != nil || n != len(buf) {
		t.Fatalf("DecodeChunk: %v (%d of %d bytes)", err, n, len(buf))
	}
	for i := 0; i < c.Len(); i++ {
		if !reflect.DeepEqual(c.Row(i), back.Row(i)) || c.Kind(i) != back.Kind(i) {
			t.Errorf("row %d: %v %v, decoded %v %v", i, c.Kind(i), c.Row(i), back.Kind(i), back.Row(i))
		}
		rb := AppendRow(nil, c, i)
		one := NewChunk(ts, 1)
		m, err := DecodeRow(rb, one)
		if err != nil || m != len(rb) {
			t.Fatalf("DecodeRow %d: %v", i, err)
		}
		if !reflect.DeepEqual(c.Row(i), one.Row(0)) || one.Kind(0) != c.Kind(i) {
			t.Errorf("row %d via row encoding: %v", i, one.Row(0))
		}
	}
	// every truncation fails cleanly
	for cut := 0; cut < len(buf); cut++ {
		if _, _, err := DecodeChunk(buf[:cut], ts); err == nil {
			t.Fatalf("DecodeChunk of %d/%d bytes succeeded", cut, len(buf))
		}
	}
}

func TestFilterCompact(t *testing.T) {
	c := NewChunk([]types.Type{types.BigInt(), types.String()}, 8)
	for i := 0; i < 6; i++ {
		_ = c.AppendRow(Insert, int64(i), string(rune('a'+i)))
	}
	mask := New(types.Boolean(), 6)
	for i := 0; i < 6; i++ {
		if i == 4 {
			mask.AppendNull()
		} else {
			mask.AppendBool(i%2 == 0)
		}
	}
	if err := c.Filter(mask); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Sel, []int32{0, 2}) {
		t.Fatalf("Sel = %v", c.Sel)
	}
	c.Compact()
	if c.Len() != 2 || c.Row(1)[1] != "c" {
		t.Fatalf("after compact: %d rows, %v", c.Len(), c.Row(1))
	}
}

func TestRowErrors(t *testing.T) {
	v := New(types.Int(), 4)
	v.Resize(4)
	v.SetError(2, types.ErrDivideByZero)
	if v.Err([]int32{0, 1, 3}) != nil {
		t.Errorf("error of a dead row raised")
	}
	if v.Err(nil) == nil || !v.IsNull(2) {
		t.Errorf("error of a live row not raised")
	}
}

func TestRowKind(t *testing.T) {
	for _, k := range []RowKind{Insert, UpdateBefore, UpdateAfter, Delete} {
		back, err := ParseRowKind(k.String())
		if err != nil || back != k {
			t.Errorf("%v round trip: %v %v", k, back, err)
		}
	}
}

// FuzzDecode: decoding arbitrary bytes never panics.
func FuzzDecode(f *testing.F) {
	ts := allTypes()
	c := NewChunk(ts, 2)
	_ = c.AppendRow(UpdateAfter, sampleRow(1)...)
	f.Add(AppendChunk(nil, c))
	f.Add(AppendRow(nil, c, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = DecodeChunk(b, ts)
		_, _ = DecodeRow(b, NewChunk(ts, 1))
	})
}
