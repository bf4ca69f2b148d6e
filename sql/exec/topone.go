package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// topOneFunc is ROW_NUMBER() … = 1 over an insert-only input (Flink's
// append-only Top-N with N = 1, as Nexmark's q9 ranks bids per auction): a
// partition keeps its best row alone, never the rows behind it, since on
// insert-only input a row that is not the best can never become it. A
// better row replaces the best: -D old, +I new, as rankFunc emits. Ties
// are ordered as rankFunc orders them (by all columns, then encoding), so
// streaming and batch pick the same row.
type topOneFunc struct {
	spec     *plan.RankSpec
	inTypes  []types.Type
	outTypes []types.Type
	ttl      state.TTL // table.exec.state.ttl

	best  state.ValueState[string] // the encoded best row
	codec *rowCodec
	out   *rowBuilder
}

func (f *topOneFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[string]("best").WithTTL(f.ttl))
	f.best, f.codec, f.out = v, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

func (f *topOneFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the input is insert-only
	}
	row := rankedRow{enc: f.codec.encode(r.vals), vals: r.vals, rank: 1}
	if enc, ok := f.best.Value(); ok {
		vals, err := f.codec.decode(enc)
		if err != nil {
			return err
		}
		cur := rankedRow{enc: enc, vals: vals, rank: 1}
		if compareKeys(f.spec.Order, row, cur) >= 0 {
			return nil // not better than the best
		}
		if err := f.out.add(vector.Delete, append(cur.vals, int64(1))); err != nil {
			return err
		}
	}
	if err := f.out.add(vector.Insert, append(append([]any(nil), row.vals...), int64(1))); err != nil {
		return err
	}
	f.best.Update(row.enc)
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
