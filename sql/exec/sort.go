package exec

import (
	"slices"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// sortFunc is ORDER BY on one subtask. Ordered by a rowtime column first
// (a temporal sort), rows wait until the watermark passes their time and
// then go out sorted by all keys; late rows are dropped. Ordered by
// anything else (batch mode), the input's final rows (retractions take
// rows back) go out at the end of the input.
type sortFunc struct {
	spec    *plan.SortSpec
	timeCol int // -1: sort at the end of the input
	types   []types.Type

	rows  state.ValueState[[]overRow]
	codec *rowCodec
	out   *rowBuilder
}

func (f *sortFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[[]overRow]("rows"))
	f.rows, f.codec, f.out = v, newRowCodec(f.types), newRowBuilder(f.types)
	return err
}

func (f *sortFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	timers := ctx.TimerService()
	at := endOfInput
	if f.timeCol >= 0 {
		ts, ok := r.vals[f.timeCol].(types.TimestampValue)
		if !ok || ts.Millis <= timers.CurrentWatermark() {
			return nil // late, or no time
		}
		at = ts.Millis
	}
	rows, _ := f.rows.Value()
	enc := f.codec.encode(r.vals)
	if isRetract(r.kind) {
		// Batch mode sorts the final rows of an updating input: a
		// retraction takes back a row it added before.
		if i := slices.IndexFunc(rows, func(o overRow) bool { return o.TS == at && o.Row == enc }); i >= 0 {
			f.rows.Update(slices.Delete(slices.Clone(rows), i, i+1))
		}
		return nil
	}
	f.rows.Update(append(slices.Clone(rows), overRow{TS: at, Row: enc}))
	timers.RegisterEventTimeTimer(at)
	return nil
}

func (f *sortFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	rows, _ := f.rows.Value()
	var ready []rankedRow
	var waiting []overRow
	for _, r := range rows {
		if r.TS > ts {
			waiting = append(waiting, r)
			continue
		}
		vals, err := f.codec.decode(r.Row)
		if err != nil {
			return err
		}
		ready = append(ready, rankedRow{enc: r.Row, vals: vals, count: 1})
	}
	slices.SortStableFunc(ready, func(a, b rankedRow) int { return compareKeys(f.spec.Order, a, b) })
	for _, r := range ready {
		if err := f.out.add(vector.Insert, r.vals); err != nil {
			return err
		}
	}
	if len(waiting) == 0 {
		f.rows.Clear()
	} else {
		f.rows.Update(waiting)
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
