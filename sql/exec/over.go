package exec

import (
	"slices"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// overRow is a buffered row of an OVER aggregation with its rowtime.
type overRow struct {
	TS  int64
	Row string
}

// overState is a partition's rows: those waiting for the watermark, and
// the processed ones later rows' frames may still include, in time order.
type overState struct {
	Pending []overRow
	History []overRow
}

// overAggFunc is an OVER aggregation ordered by rowtime: rows wait until
// the watermark passes them, then go out in time order, each with the
// aggregates over its frame (the Preceding rows before it, or the rows
// within Preceding milliseconds; rows of equal time are peers of a RANGE
// frame). Processed rows are kept only while a later frame can reach
// them. Late rows are dropped, as Flink does. Insert-only.
type overAggFunc struct {
	spec     *plan.OverSpec
	inTypes  []types.Type
	outTypes []types.Type

	st    state.ValueState[overState]
	codec *rowCodec
	out   *rowBuilder
}

func (f *overAggFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[overState]("over"))
	f.st, f.codec, f.out = v, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

func (f *overAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the input is insert-only
	}
	ts, ok := r.vals[f.spec.TimeCol].(types.TimestampValue)
	if !ok {
		return nil
	}
	timers := ctx.TimerService()
	if ts.Millis <= timers.CurrentWatermark() {
		return nil // late
	}
	st, _ := f.st.Value()
	st.Pending = append(slices.Clone(st.Pending), overRow{TS: ts.Millis, Row: f.codec.encode(r.vals)})
	f.st.Update(st)
	timers.RegisterEventTimeTimer(ts.Millis)
	return nil
}

func (f *overAggFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	st, ok := f.st.Value()
	if !ok {
		return nil
	}
	var ready, waiting []overRow
	for _, r := range st.Pending {
		if r.TS <= ts {
			ready = append(ready, r)
		} else {
			waiting = append(waiting, r)
		}
	}
	if len(ready) == 0 {
		return nil
	}
	slices.SortStableFunc(ready, func(a, b overRow) int { return cmp3(a.TS, b.TS) })
	hist := slices.Clone(st.History)
	decoded := map[string][]any{}
	decode := func(s string) ([]any, error) {
		if v, ok := decoded[s]; ok {
			return v, nil
		}
		v, err := f.codec.decode(s)
		if err == nil {
			decoded[s] = v
		}
		return v, err
	}
	emit := func(r overRow, frame []overRow) error {
		rows := make([][]any, 0, len(frame))
		for _, fr := range frame {
			v, err := decode(fr.Row)
			if err != nil {
				return err
			}
			rows = append(rows, v)
		}
		res, err := frameAggregates(f.spec.Calls, rows)
		if err != nil {
			return err
		}
		vals, err := decode(r.Row)
		if err != nil {
			return err
		}
		return f.out.add(vector.Insert, concat(vals, res))
	}
	for i := 0; i < len(ready); {
		if f.spec.Rows {
			r := ready[i]
			start := 0
			if f.spec.Preceding >= 0 {
				start = max(0, len(hist)-int(f.spec.Preceding))
			}
			if err := emit(r, append(slices.Clone(hist[start:]), r)); err != nil {
				return err
			}
			hist = append(hist, r)
			i++
			continue
		}
		// RANGE: rows of equal time are peers, in each other's frames.
		j := i
		for j < len(ready) && ready[j].TS == ready[i].TS {
			j++
		}
		peers := ready[i:j]
		var frame []overRow
		for _, h := range hist {
			if f.spec.Preceding < 0 || h.TS >= peers[0].TS-f.spec.Preceding {
				frame = append(frame, h)
			}
		}
		frame = append(frame, peers...)
		for _, r := range peers {
			if err := emit(r, frame); err != nil {
				return err
			}
		}
		hist = append(hist, peers...)
		i = j
	}
	// Keep what later frames can reach.
	if f.spec.Preceding >= 0 {
		if f.spec.Rows {
			if n := int(f.spec.Preceding); len(hist) > n {
				hist = hist[len(hist)-n:]
			}
		} else {
			keep := hist[:0:0]
			for _, h := range hist {
				if h.TS > ts-f.spec.Preceding {
					keep = append(keep, h)
				}
			}
			hist = keep
		}
	}
	f.st.Update(overState{Pending: waiting, History: hist})
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// frameAggregates evaluates aggregate calls over the rows of a frame.
func frameAggregates(calls []plan.AggCall, rows [][]any) ([]any, error) {
	agg := &aggregator{calls: calls, counts: memCounts{}}
	g := newGroupAcc(len(calls))
	for _, r := range rows {
		if err := agg.add(&g, r, false, ""); err != nil {
			return nil, err
		}
	}
	return agg.results(&g, "")
}
