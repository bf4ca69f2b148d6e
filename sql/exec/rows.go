package exec

import (
	"fmt"
	"unsafe"

	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// keyedRow is a row on its way through a hash exchange: its kind, its
// values (package types' representation) and the encoding of its key
// columns, which the runtime hashes.
//
// Rows of chunkRowsFunc leave vals nil and point into their chunk instead
// (src, at): the aggregations read the lanes typed, without boxing a row.
// Elements of chunkGroupsFunc stand for every row of their chunk with the
// key (rows, physical indexes in chunk order): the runtime sets the key
// context and the operator looks its state up once for the run instead of
// once per row.
type keyedRow struct {
	key  string
	kind vector.RowKind
	vals []any
	src  *vector.Chunk
	at   int
	rows []int32
}

// count is the number of rows the element stands for.
func (r *keyedRow) count() int {
	if r.rows != nil {
		return len(r.rows)
	}
	return 1
}

// index returns the physical index in src of the element's k-th row.
func (r *keyedRow) index(k int) int {
	if r.rows != nil {
		return int(r.rows[k])
	}
	return r.at
}

// value returns column j as a Go value (nil for NULL).
func (r *keyedRow) value(j int) any {
	if r.vals != nil {
		return r.vals[j]
	}
	return r.src.Cols[j].Get(r.at)
}

// rowCodec encodes rows of the given types in package vector's row
// format (canonical: equal rows give equal bytes in every process), for
// keys and keyed state. It keeps a scratch chunk: one per operator
// instance, never shared between goroutines.
type rowCodec struct {
	types   []types.Type
	scratch *vector.Chunk
	buf     []byte
}

func newRowCodec(ts []types.Type) *rowCodec { return &rowCodec{types: ts} }

func (c *rowCodec) chunk() *vector.Chunk {
	if c.scratch == nil {
		c.scratch = vector.NewChunk(c.types, 1)
	} else {
		c.scratch.Reset()
	}
	return c.scratch
}

func (c *rowCodec) encode(vals []any) string {
	if b, ok := vector.AppendRowValues(c.buf[:0], c.types, vector.Insert, vals); ok {
		c.buf = b
		return string(b)
	}
	ch := c.chunk()
	if err := ch.AppendRow(vector.Insert, vals...); err != nil {
		// The values come from vectors of these types; a mismatch is a bug
		// in the plan, and the fallback keeps rows distinct.
		return fmt.Sprint(vals...)
	}
	c.buf = vector.AppendRow(c.buf[:0], ch, 0)
	return string(c.buf)
}

func (c *rowCodec) decode(s string) ([]any, error) {
	ch := c.chunk()
	// DecodeRow only reads its input (values are copied into ch): no copy
	// of the state's string is needed.
	if _, err := vector.DecodeRow(unsafe.Slice(unsafe.StringData(s), len(s)), ch); err != nil {
		return nil, fmt.Errorf("decoding row: %w", err)
	}
	return ch.Row(0), nil
}

// rowBuilder collects output rows into chunks.
type rowBuilder struct {
	types []types.Type
	chunk *vector.Chunk
}

func newRowBuilder(ts []types.Type) *rowBuilder { return &rowBuilder{types: ts} }

func (b *rowBuilder) add(kind vector.RowKind, vals []any) error {
	if b.chunk == nil {
		b.chunk = vector.NewChunk(b.types, 4)
	}
	return b.chunk.AppendRow(kind, vals...)
}

// take returns the chunk built so far (nil when empty) and starts anew.
func (b *rowBuilder) take() *vector.Chunk {
	c := b.chunk
	b.chunk = nil
	if c == nil || c.Len() == 0 {
		return nil
	}
	return c
}

// valueKey is the map key of a value (for DISTINCT and MIN/MAX counts).
func valueKey(x any) string { return plan.ValueString(x) }

// compareValues orders two non-null values of the same type.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case int8:
		return cmp3(int64(x), int64(b.(int8)))
	case int16:
		return cmp3(int64(x), int64(b.(int16)))
	case int32:
		return cmp3(int64(x), int64(b.(int32)))
	case int64:
		return cmp3(x, b.(int64))
	case float32:
		return cmpFloat(float64(x), float64(b.(float32)))
	case float64:
		return cmpFloat(x, b.(float64))
	case types.DecimalValue:
		return x.Cmp(b.(types.DecimalValue))
	case string:
		y := b.(string)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case []byte:
		return cmpBytes(x, b.([]byte))
	case types.DateValue:
		return cmp3(int64(x), int64(b.(types.DateValue)))
	case types.TimeValue:
		return cmp3(int64(x), int64(b.(types.TimeValue)))
	case types.TimestampValue:
		return x.Compare(b.(types.TimestampValue))
	case types.IntervalMonths:
		return cmp3(int64(x), int64(b.(types.IntervalMonths)))
	case types.IntervalMillis:
		return cmp3(int64(x), int64(b.(types.IntervalMillis)))
	}
	return 0
}

func cmp3(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBytes(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return cmp3(int64(a[i]), int64(b[i]))
		}
	}
	return cmp3(int64(len(a)), int64(len(b)))
}

// valuesEqual compares rows of values (nil is NULL).
func valuesEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) {
			return false
		}
		if a[i] != nil && valueKey(a[i]) != valueKey(b[i]) {
			return false
		}
	}
	return true
}
