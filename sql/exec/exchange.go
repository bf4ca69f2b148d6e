package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/vector"
)

// chunkRowsFunc splits chunks into keyed rows for a hash exchange in front
// of an aggregation. Unlike toRowsFunc it boxes nothing: a row points into
// its chunk (src, at), the rows of a chunk are one allocation, and their
// keys are substrings of one string, so a chunk costs three allocations
// whatever its size.
type chunkRowsFunc struct {
	keys []int
	buf  []byte
	ends []int
	view vector.Chunk
}

func (f *chunkRowsFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*keyedRow]) error {
	n := c.Live()
	if n == 0 {
		return nil
	}
	f.view.Cols = f.view.Cols[:0]
	for _, k := range f.keys {
		f.view.Cols = append(f.view.Cols, c.Cols[k])
	}
	f.view.SetLen(c.Len())
	rows := make([]keyedRow, n)
	f.buf, f.ends = f.buf[:0], f.ends[:0]
	at := func(j int) int {
		if c.Sel != nil {
			return int(c.Sel[j])
		}
		return j
	}
	for j := range n {
		f.buf = vector.AppendRow(f.buf, &f.view, at(j))
		f.ends = append(f.ends, len(f.buf))
	}
	keys := string(f.buf)
	start := 0
	for j := range n {
		i := at(j)
		r := &rows[j]
		r.key, r.kind, r.src, r.at = keys[start:f.ends[j]], c.Kind(i), c, i
		start = f.ends[j]
		out.Collect(r)
	}
	return nil
}

// chunkGroupsFunc splits chunks for a hash exchange in front of an
// operator that takes runs of rows (the regular, interval and window
// joins): one element per distinct key of a chunk, standing for all the
// rows of that key in chunk order. The runtime then routes and sets the
// key context, and the operator reads its state, once per key and chunk
// instead of once per row. Order is kept per key, which is all a keyed operator can rely on
// (rows of different keys may go to different subtasks anyway). A chunk
// costs four allocations whatever its size: the keys, the row indexes, the
// elements and (rarely) the growth of the index map.
type chunkGroupsFunc struct {
	keys  []int
	buf   []byte
	ends  []int
	group []int32 // group of each live row
	sizes []int32 // rows per group
	view  vector.Chunk
	index map[string]int32
}

func (f *chunkGroupsFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*keyedRow]) error {
	n := c.Live()
	if n == 0 {
		return nil
	}
	f.view.Cols = f.view.Cols[:0]
	for _, k := range f.keys {
		f.view.Cols = append(f.view.Cols, c.Cols[k])
	}
	f.view.SetLen(c.Len())
	at := func(j int) int {
		if c.Sel != nil {
			return int(c.Sel[j])
		}
		return j
	}
	f.buf, f.ends = f.buf[:0], f.ends[:0]
	for j := range n {
		f.buf = vector.AppendRow(f.buf, &f.view, at(j))
		f.ends = append(f.ends, len(f.buf))
	}
	keys := string(f.buf)
	if f.index == nil {
		f.index = map[string]int32{}
	}
	clear(f.index)
	f.group, f.sizes = f.group[:0], f.sizes[:0]
	start := 0
	for j := range n {
		k := keys[start:f.ends[j]]
		start = f.ends[j]
		g, ok := f.index[k]
		if !ok {
			g = int32(len(f.sizes))
			f.index[k] = g
			f.sizes = append(f.sizes, 0)
		}
		f.group = append(f.group, g)
		f.sizes[g]++
	}
	// Each group's rows are a slice of one array, filled by appending up
	// to the group's size.
	groups := make([]keyedRow, len(f.sizes))
	rows := make([]int32, n)
	pos := int32(0)
	for g, size := range f.sizes {
		groups[g].rows = rows[pos : pos : pos+size]
		pos += size
	}
	start = 0
	for j := range n {
		g := f.group[j]
		r := &groups[g]
		if len(r.rows) == 0 {
			r.key, r.src, r.at, r.kind = keys[start:f.ends[j]], c, at(j), c.Kind(at(j))
		}
		r.rows = append(r.rows, int32(at(j)))
		start = f.ends[j]
	}
	for g := range groups {
		out.Collect(&groups[g])
	}
	return nil
}

// keyedGroups is keyed for operators that take runs of rows of one key
// (chunkGroupsFunc).
func (b *builder) keyedGroups(ex *plan.Node, extra ...*datastream.DataStream[*keyedRow]) (*datastream.KeyedStream[*keyedRow, string], error) {
	return b.exchange(ex, func(keys []int) datastream.ProcessFunction[*vector.Chunk, *keyedRow] {
		return &chunkGroupsFunc{keys: keys}
	}, extra...)
}
