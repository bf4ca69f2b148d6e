package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// appendTopNFunc is ROW_NUMBER() … <= N over an insert-only input (Flink's
// append-only Top-N; Nexmark's q9 keeps each auction's best bid, q19 its
// ten best): a partition keeps its N best rows alone, never the rows
// behind them, since on insert-only input a row out of the top N can never
// come back into it. A row that enters at position p pushes the rows from
// p on down a rank (the last may leave): each goes out again with its new
// row number, -D old, +I new, as rankFunc emits. Ties are ordered as
// rankFunc orders them (by all columns, then encoding), so streaming and
// batch keep the same rows.
// maxAppendTopN bounds the N of appendTopNFunc, which decodes its N rows
// per input row; larger Top-Ns keep counts in a map (rankFunc).
const maxAppendTopN = 100

type appendTopNFunc struct {
	spec     *plan.RankSpec
	inTypes  []types.Type
	outTypes []types.Type
	ttl      state.TTL // table.exec.state.ttl

	top   state.ValueState[[]string] // the best rows, encoded, best first
	codec *rowCodec
	out   *rowBuilder
	rows  []rankedRow // scratch: the top rows decoded
}

func (f *appendTopNFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[[]string]("top").WithTTL(f.ttl))
	f.top, f.codec, f.out = v, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

func (f *appendTopNFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the input is insert-only
	}
	n := int(f.spec.Limit)
	// The row is encoded only if it is kept: compareKeys reads the
	// encodings only for rows equal in every column, whose encodings are
	// equal too.
	row := rankedRow{vals: r.vals}
	top, _ := f.top.Value()
	if len(top) == n {
		// Full: most rows are not better than the last kept one.
		vals, err := f.codec.decode(top[n-1])
		if err != nil {
			return err
		}
		if compareKeys(f.spec.Order, row, rankedRow{vals: vals}) >= 0 {
			return nil
		}
	}
	row.enc = f.codec.encode(r.vals)
	// Where the row goes: after every row not worse than it.
	f.rows = f.rows[:0]
	pos := len(top)
	for i, enc := range top {
		vals, err := f.codec.decode(enc)
		if err != nil {
			return err
		}
		cur := rankedRow{enc: enc, vals: vals}
		f.rows = append(f.rows, cur)
		if compareKeys(f.spec.Order, row, cur) < 0 {
			pos = i
			// The rows after it shift; decode them too.
			for _, enc := range top[i+1:] {
				vals, err := f.codec.decode(enc)
				if err != nil {
					return err
				}
				f.rows = append(f.rows, rankedRow{enc: enc, vals: vals})
			}
			break
		}
	}
	if pos >= n {
		return nil // not among the best
	}
	// The rows from pos on leave their ranks; the row and the ones pushed
	// down (within N) take theirs.
	for i := pos; i < len(f.rows); i++ {
		if err := f.out.add(vector.Delete, append(f.rows[i].vals, int64(i+1))); err != nil {
			return err
		}
	}
	next := make([]string, 0, min(len(top)+1, n))
	next = append(next, top[:pos]...)
	next = append(next, row.enc)
	if err := f.out.add(vector.Insert, append(append([]any(nil), row.vals...), int64(pos+1))); err != nil {
		return err
	}
	for i := pos; i < len(f.rows) && len(next) < n; i++ {
		next = append(next, f.rows[i].enc)
		if err := f.out.add(vector.Insert, append(f.rows[i].vals, int64(len(next)))); err != nil {
			return err
		}
	}
	f.top.Update(next)
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
