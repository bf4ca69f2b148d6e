package exec

import (
	"math"
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
	// rows are a sorted OVER aggregation's (over_rank.go): encoded row →
	// multiplicity.
	rows state.MapState[string, int64]
}

func (f *overAggFunc) Open(rc *datastream.RuntimeContext) error {
	f.codec, f.out = newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	if f.sorted() {
		m, err := datastream.GetMapState(rc, state.Map[string, int64]("rows"))
		f.rows = m
		return err
	}
	v, err := datastream.GetValueState(rc, state.Value[overState]("over"))
	f.st = v
	return err
}

func (f *overAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if f.sorted() {
		return f.keepSorted(r, ctx)
	}
	if isRetract(r.kind) {
		return nil // the input is insert-only
	}
	if f.spec.ProcTime {
		// Processing time: the row goes out now, after the rows before it.
		now := ctx.TimerService().CurrentProcessingTime()
		st, _ := f.st.Value()
		st.Pending = append(slices.Clone(st.Pending), overRow{TS: now, Row: f.codec.encode(r.vals)})
		f.st.Update(st)
		return f.fire(now, out)
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

func (f *overAggFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	if f.sorted() {
		return f.fireSorted(out)
	}
	if ctx.TimerService().CurrentWatermark() == math.MaxInt64 {
		// The end of the input (batch mode): every pending row is ready,
		// so a row's following rows are there for LEAD.
		ts = math.MaxInt64
	}
	return f.fire(ts, out)
}

// fire emits the pending rows of times up to ts, in time order.
func (f *overAggFunc) fire(ts int64, out datastream.Collector[*vector.Chunk]) error {
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
	// emit outputs row r with the aggregates over its frame; before are
	// the partition's rows before r (for LAG), the last ones last, and
	// after the ready rows after it (for LEAD, in batch mode: all are).
	emit := func(r overRow, frame, before, after []overRow) error {
		rows := make([][]any, 0, len(frame))
		for _, fr := range frame {
			v, err := decode(fr.Row)
			if err != nil {
				return err
			}
			rows = append(rows, v)
		}
		vals, err := decode(r.Row)
		if err != nil {
			return err
		}
		res, err := overResults(f.spec.Calls, rows, vals, func(n int) ([]any, bool, error) {
			if n > len(before) {
				return nil, false, nil
			}
			v, err := decode(before[len(before)-n].Row)
			return v, err == nil, err
		}, func(n int) ([]any, bool, error) {
			if n > len(after) {
				return nil, false, nil
			}
			v, err := decode(after[n-1].Row)
			return v, err == nil, err
		})
		if err != nil {
			return err
		}
		return f.out.add(vector.Insert, concat(vals, res))
	}
	lag := lagDepth(f.spec.Calls)
	for i := 0; i < len(ready); {
		if f.spec.Rows {
			r := ready[i]
			start := 0
			if f.spec.Preceding >= 0 {
				start = max(0, len(hist)-int(f.spec.Preceding))
			}
			if err := emit(r, append(slices.Clone(hist[start:]), r), hist, ready[i+1:]); err != nil {
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
		for k, r := range peers {
			if err := emit(r, frame, append(slices.Clone(hist), peers[:k]...), ready[i+k+1:]); err != nil {
				return err
			}
		}
		hist = append(hist, peers...)
		i = j
	}
	// Keep what later frames can reach.
	if f.spec.Preceding >= 0 {
		if f.spec.Rows {
			if n := max(int(f.spec.Preceding), lag); len(hist) > n {
				hist = hist[len(hist)-n:]
			}
		} else {
			keep := hist[:0:0]
			for i, h := range hist {
				if h.TS > ts-f.spec.Preceding || i >= len(hist)-lag {
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

// lagDepth is how many rows before the current one the LAG calls read.
// (LEAD reads the rows ready with it: it runs in batch mode only.)
func lagDepth(calls []plan.AggCall) int {
	n := 0
	for _, c := range calls {
		if c.Func == "LAG" {
			n = max(n, int(c.Offset))
		}
	}
	return n
}

// overResults evaluates an OVER aggregation's calls for the current row
// cur: the aggregates over the frame's rows, LAG from the row Offset rows
// before (read by before; its default when there is none), LEAD from the
// row Offset rows after (read by after).
func overResults(calls []plan.AggCall, frame [][]any, cur []any, before, after func(n int) ([]any, bool, error)) ([]any, error) {
	var aggCalls []plan.AggCall
	var at []int
	for i, c := range calls {
		if c.Func != "LAG" && c.Func != "LEAD" {
			aggCalls, at = append(aggCalls, c), append(at, i)
		}
	}
	res := make([]any, len(calls))
	if len(aggCalls) > 0 {
		vals, err := frameAggregates(aggCalls, frame)
		if err != nil {
			return nil, err
		}
		for k, i := range at {
			res[i] = vals[k]
		}
	}
	for i, c := range calls {
		if c.Func != "LAG" && c.Func != "LEAD" {
			continue
		}
		row, ok := cur, true
		if c.Offset > 0 {
			read := before
			if c.Func == "LEAD" {
				read = after
			}
			var err error
			if row, ok, err = read(int(c.Offset)); err != nil {
				return nil, err
			}
		}
		switch {
		case ok:
			res[i] = row[c.Args[0]]
		case len(c.Args) > 1:
			res[i] = cur[c.Args[1]]
		}
	}
	return res, nil
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
