package vector

import (
	"fmt"

	"github.com/eddy-streams/eddy/sql/types"
)

// DefaultChunkSize is the row count operators aim for when they build chunks.
const DefaultChunkSize = 1024

// Chunk is a batch of rows in columns: the unit SQL edges carry. Kinds holds
// a RowKind per physical row (nil: all +I, the insert-only fast path). Sel,
// when not nil, lists the live physical rows in ascending order: a filter
// narrows Sel instead of copying every column, and Compact materializes it.
// Expressions are evaluated over all physical rows (dead rows cost a little
// work, never an error: see RowErrors).
type Chunk struct {
	Cols  []*Vector
	Kinds []RowKind
	Sel   []int32
	n     int
}

// NewChunk returns an empty chunk with one vector per type.
//
// The vectors and their lanes come from a few slabs shared by the columns
// (each lane capped at its share, so appends past capacity reallocate that
// lane alone): keyed operators build many small chunks, and a chunk of k
// columns costs a handful of allocations instead of 2k+2.
func NewChunk(ts []types.Type, capacity int) *Chunk {
	c, vs := newChunkShell(len(ts))
	var nBool, nInt, nFloat, nDec, nBytes, nAny int
	for i, t := range ts {
		vs[i] = Vector{typ: t, lane: LaneOf(t)}
		switch vs[i].lane {
		case LaneBool:
			nBool++
		case LaneInt64, LaneTimestamp:
			nInt++
		case LaneFloat64:
			nFloat++
		case LaneDecimal:
			nDec++
		case LaneBytes:
			nBytes++
		case LaneAny:
			nAny++
		}
	}
	bools := make([]bool, nBool*capacity)
	ints := make([]int64, nInt*capacity)
	floats := make([]float64, nFloat*capacity)
	decs := make([]types.Int128, nDec*capacity)
	offs := make([]int32, nBytes*(capacity+1))
	data := make([]byte, nBytes*capacity*8)
	anys := make([]any, nAny*capacity)
	for i := range vs {
		v := &vs[i]
		switch v.lane {
		case LaneBool:
			v.Bool, bools = bools[:0:capacity], bools[capacity:]
		case LaneInt64, LaneTimestamp:
			v.Int64, ints = ints[:0:capacity], ints[capacity:]
		case LaneFloat64:
			v.Float64, floats = floats[:0:capacity], floats[capacity:]
		case LaneDecimal:
			v.Dec, decs = decs[:0:capacity], decs[capacity:]
		case LaneBytes:
			v.Offsets, offs = offs[:1:capacity+1], offs[capacity+1:]
			v.Data, data = data[:0:capacity*8], data[capacity*8:]
		case LaneAny:
			v.Any, anys = anys[:0:capacity], anys[capacity:]
		}
		c.Cols[i] = v
	}
	return c
}

// FromVectors wraps vectors of equal length n as a chunk of +I rows.
func FromVectors(n int, cols ...*Vector) (*Chunk, error) {
	for i, v := range cols {
		if v.Len() != n && !v.IsConst() {
			return nil, fmt.Errorf("column %d has %d rows, want %d", i, v.Len(), n)
		}
	}
	return &Chunk{Cols: cols, n: n}, nil
}

// Chunks of few columns are one allocation with their vectors.
type chunk4 struct {
	c    Chunk
	cols [4]*Vector
	vs   [4]Vector
}

type chunk8 struct {
	c    Chunk
	cols [8]*Vector
	vs   [8]Vector
}

// newChunkShell returns an empty chunk of n columns, whose Cols are to be
// pointed at the returned vectors.
func newChunkShell(n int) (*Chunk, []Vector) {
	switch {
	case n <= 4:
		s := &chunk4{}
		s.c.Cols = s.cols[:n:n]
		return &s.c, s.vs[:n:n]
	case n <= 8:
		s := &chunk8{}
		s.c.Cols = s.cols[:n:n]
		return &s.c, s.vs[:n:n]
	}
	return &Chunk{Cols: make([]*Vector, n)}, make([]Vector, n)
}

// Len returns the number of physical rows.
func (c *Chunk) Len() int { return c.n }

// SetLen sets the physical row count after columns were filled directly.
func (c *Chunk) SetLen(n int) { c.n = n }

// Live returns the number of live rows.
func (c *Chunk) Live() int {
	if c.Sel != nil {
		return len(c.Sel)
	}
	return c.n
}

// Types returns the column types.
func (c *Chunk) Types() []types.Type {
	ts := make([]types.Type, len(c.Cols))
	for i, v := range c.Cols {
		ts[i] = v.Type()
	}
	return ts
}

// Kind returns the kind of physical row i.
func (c *Chunk) Kind(i int) RowKind {
	if c.Kinds == nil {
		return Insert
	}
	return c.Kinds[i]
}

// Reset empties the chunk, keeping buffers.
func (c *Chunk) Reset() {
	for _, v := range c.Cols {
		v.Reset()
	}
	c.Kinds = c.Kinds[:0]
	if len(c.Kinds) == 0 {
		c.Kinds = nil
	}
	c.Sel = nil
	c.n = 0
}

// AppendRow appends a row of Go values (see Vector.Append).
func (c *Chunk) AppendRow(kind RowKind, vals ...any) error {
	if len(vals) != len(c.Cols) {
		return fmt.Errorf("row has %d values, chunk has %d columns", len(vals), len(c.Cols))
	}
	for i, x := range vals {
		if err := c.Cols[i].Append(x); err != nil {
			// undo the partial row so the chunk stays rectangular
			for j := 0; j < i; j++ {
				c.Cols[j].truncate(c.n)
			}
			return fmt.Errorf("column %d: %w", i, err)
		}
	}
	c.appendKind(kind)
	return nil
}

// AppendKind ends a row whose values were appended to every column
// directly, with its kind.
func (c *Chunk) AppendKind(kind RowKind) { c.appendKind(kind) }

func (c *Chunk) appendKind(kind RowKind) {
	if kind != Insert && c.Kinds == nil {
		c.Kinds = make([]RowKind, c.n, max(c.n+1, 8))
	}
	if c.Kinds != nil {
		c.Kinds = append(c.Kinds, kind)
	}
	c.n++
}

// AppendRowFrom appends physical row i of src (same column types).
func (c *Chunk) AppendRowFrom(src *Chunk, i int) {
	for j, v := range c.Cols {
		v.AppendFrom(src.Cols[j], i)
	}
	c.appendKind(src.Kind(i))
}

// Row returns physical row i as Go values.
func (c *Chunk) Row(i int) []any {
	row := make([]any, len(c.Cols))
	for j, v := range c.Cols {
		row[j] = v.Get(i)
	}
	return row
}

// Filter narrows the live rows to those where mask (a BOOLEAN vector over
// the physical rows) is TRUE; FALSE and NULL drop the row, as WHERE does.
func (c *Chunk) Filter(mask *Vector) error {
	if mask.Type().Kind != types.KindBoolean && mask.Type().Kind != types.KindNull {
		return fmt.Errorf("filter on a %s vector", mask.Type())
	}
	if mask.IsConst() {
		if mask.IsNull(0) || !mask.Bool[0] {
			c.Sel = []int32{}
		}
		return nil
	}
	keep := func(i int) bool { return mask.Bool[i] && !mask.Nulls.Get(i) }
	if c.Sel != nil {
		out := c.Sel[:0]
		for _, i := range c.Sel {
			if keep(int(i)) {
				out = append(out, i)
			}
		}
		c.Sel = out
		return nil
	}
	sel := make([]int32, 0, c.n)
	for i := 0; i < c.n; i++ {
		if keep(i) {
			sel = append(sel, int32(i))
		}
	}
	c.Sel = sel
	return nil
}

// Compact materializes the selection: afterwards Sel is nil and every row is
// live. Worth it before an exchange or when few rows are live.
func (c *Chunk) Compact() {
	if c.Sel == nil {
		return
	}
	for j, v := range c.Cols {
		c.Cols[j] = v.Gather(c.Sel)
	}
	if c.Kinds != nil {
		ks := make([]RowKind, len(c.Sel))
		for j, i := range c.Sel {
			ks[j] = c.Kinds[i]
		}
		c.Kinds = ks
	}
	c.n = len(c.Sel)
	c.Sel = nil
}

// ForEachLive calls fn with every live physical row index.
func (c *Chunk) ForEachLive(fn func(i int)) {
	if c.Sel != nil {
		for _, i := range c.Sel {
			fn(int(i))
		}
		return
	}
	for i := 0; i < c.n; i++ {
		fn(i)
	}
}

// truncate cuts v back to n rows (undoing a partial append).
func (v *Vector) truncate(n int) {
	if v.n <= n {
		return
	}
	switch v.lane {
	case LaneBool:
		v.Bool = v.Bool[:n]
	case LaneInt64, LaneTimestamp:
		v.Int64 = v.Int64[:n]
		if v.Nanos != nil {
			v.Nanos = v.Nanos[:n]
		}
	case LaneFloat64:
		v.Float64 = v.Float64[:n]
	case LaneDecimal:
		v.Dec = v.Dec[:n]
	case LaneBytes:
		v.Offsets = v.Offsets[:n+1]
		v.Data = v.Data[:v.Offsets[n]]
	case LaneAny:
		v.Any = v.Any[:n]
	}
	for i := n; i < v.n; i++ {
		v.Nulls.clear(i)
	}
	v.n = n
}
