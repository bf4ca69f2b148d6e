package exec

import (
	"github.com/eddy-streams/eddy/datastream"
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
