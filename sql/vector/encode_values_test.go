package vector

import (
	"bytes"
	"testing"

	"github.com/eddy-streams/eddy/sql/types"
)

// AppendRowValues must give the bytes of AppendRow over a chunk the same
// values were appended to.
func TestAppendRowValuesMatchesAppendRow(t *testing.T) {
	ts := []types.Type{
		{Kind: types.KindBoolean}, {Kind: types.KindTinyInt}, {Kind: types.KindSmallInt},
		{Kind: types.KindInt}, {Kind: types.KindBigInt}, {Kind: types.KindFloat},
		{Kind: types.KindDouble}, {Kind: types.KindTimestamp, Precision: 3},
		{Kind: types.KindTimestamp, Precision: 6}, {Kind: types.KindVarChar},
		{Kind: types.KindVarBinary}, {Kind: types.KindDate},
	}
	rows := [][]any{
		{true, int8(-3), int16(300), int32(-70000), int64(1) << 40, float32(1.5), 2.25,
			types.TimestampValue{Millis: 1_700_000_000_123}, types.TimestampValue{Millis: -5, Nanos: 999},
			"héllo", []byte{0, 1, 2}, types.DateValue(19000)},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
		{false, int8(0), nil, int32(1), int64(-1), float32(0), nil, nil, types.TimestampValue{Millis: 7}, "", []byte{}, nil},
	}
	for i, row := range rows {
		c := NewChunk(ts, 1)
		if err := c.AppendRow(Insert, row...); err != nil {
			t.Fatal(err)
		}
		want := AppendRow(nil, c, 0)
		got, ok := AppendRowValues([]byte("x"), ts, Insert, row)
		if !ok {
			t.Fatalf("row %d: not encoded", i)
		}
		if !bytes.Equal(got[1:], want) {
			t.Errorf("row %d:\n got %x\nwant %x", i, got[1:], want)
		}
	}
	if got, ok := AppendRowValues([]byte("x"), ts[:1], Insert, []any{"not a bool"}); ok || string(got) != "x" {
		t.Errorf("a value of the wrong type: got %q, %v", got, ok)
	}
}

// Gather's typed loops must equal appending the rows one by one.
func TestGatherMatchesAppendFrom(t *testing.T) {
	ts := []types.Type{{Kind: types.KindBigInt}, {Kind: types.KindVarChar}, {Kind: types.KindTimestamp, Precision: 3}, {Kind: types.KindDouble}, {Kind: types.KindBoolean}}
	c := NewChunk(ts, 4)
	for i := range 10 {
		var s any = string(rune('a'+i)) + "xyz"[:i%4]
		if i == 7 {
			s = nil
		}
		if err := c.AppendRow(Insert, int64(i), s, types.TimestampValue{Millis: int64(i)}, float64(i)/3, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	sel := []int32{0, 2, 3, 7, 9}
	for j, v := range c.Cols {
		got := v.Gather(sel)
		want := New(v.Type(), 0)
		for _, i := range sel {
			want.AppendFrom(v, int(i))
		}
		if got.Len() != want.Len() {
			t.Fatalf("column %d: %d rows, want %d", j, got.Len(), want.Len())
		}
		for i := range got.Len() {
			if g, w := got.Get(i), want.Get(i); !bytes.Equal([]byte(got.String()), []byte(want.String())) || (g == nil) != (w == nil) || g != nil && !equalAny(g, w) {
				t.Errorf("column %d row %d: %v, want %v", j, i, g, w)
			}
		}
	}
}

func equalAny(a, b any) bool {
	if x, ok := a.([]byte); ok {
		return bytes.Equal(x, b.([]byte))
	}
	return a == b
}
