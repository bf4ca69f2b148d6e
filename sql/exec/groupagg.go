package exec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// mapCounts adapts a map state to countStore.
type mapCounts struct{ m state.MapState[string, int64] }

func (c mapCounts) Get(k string) (int64, bool) { return c.m.Get(k) }
func (c mapCounts) Put(k string, v int64)      { c.m.Put(k, v) }
func (c mapCounts) Remove(k string)            { c.m.Remove(k) }
func (c mapCounts) Each(prefix string, fn func(string, int64)) {
	for k, v := range c.m.All() {
		if strings.HasPrefix(k, prefix) {
			fn(k, v)
		}
	}
}

// memCounts is a countStore in memory (session windows recompute).
type memCounts map[string]int64

func (c memCounts) Get(k string) (int64, bool) { v, ok := c[k]; return v, ok }
func (c memCounts) Put(k string, v int64)      { c[k] = v }
func (c memCounts) Remove(k string)            { delete(c, k) }
func (c memCounts) Each(prefix string, fn func(string, int64)) {
	for k, v := range c {
		if strings.HasPrefix(k, prefix) {
			fn(k, v)
		}
	}
}

// aggState opens the state of an aggregation.
type aggState struct {
	acc    state.ValueState[groupAcc]
	counts state.MapState[string, int64]
}

func openAggState(rc *datastream.RuntimeContext) (aggState, error) {
	acc, err := datastream.GetValueState(rc, state.Value[groupAcc]("acc"))
	if err != nil {
		return aggState{}, err
	}
	counts, err := datastream.GetMapState(rc, state.Map[string, int64]("counts"))
	if err != nil {
		return aggState{}, err
	}
	return aggState{acc: acc, counts: counts}, nil
}

// groupAggFunc is a group aggregation with retraction, as Flink's
// GroupAggFunction: per key the row count and accumulators; a new result
// is emitted as +I the first time, then -U old, +U new when it changed,
// and -D when the group's last row is retracted.
type groupAggFunc struct {
	spec     *plan.AggSpec
	retract  bool
	outTypes []types.Type

	st  aggState
	agg *aggregator
	out *rowBuilder
}

func (f *groupAggFunc) Open(rc *datastream.RuntimeContext) error {
	st, err := openAggState(rc)
	if err != nil {
		return err
	}
	f.st = st
	f.agg = &aggregator{calls: f.spec.Calls, retract: f.retract, counts: mapCounts{st.counts}}
	f.out = newRowBuilder(f.outTypes)
	return nil
}

func isRetract(k vector.RowKind) bool { return !k.IsAdditive() }

func (f *groupAggFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	g, exists := f.st.acc.Value()
	retract := isRetract(r.kind)
	if !exists {
		if retract {
			return nil // nothing to retract from (state expired or never existed)
		}
		g = newGroupAcc(len(f.spec.Calls))
	} else {
		g.Accs = slices.Clone(g.Accs)
	}
	keys := r.vals[:len(f.spec.Keys)]
	var prev []any
	var err error
	if exists {
		if prev, err = f.agg.results(&g, ""); err != nil {
			return err
		}
	}
	if err := f.agg.add(&g, r.vals, retract, ""); err != nil {
		return err
	}
	if g.Rows <= 0 {
		if exists {
			if err := f.out.add(vector.Delete, concat(keys, prev)); err != nil {
				return err
			}
		}
		f.st.acc.Clear()
		f.st.counts.Clear()
	} else {
		cur, err := f.agg.results(&g, "")
		if err != nil {
			return err
		}
		switch {
		case !exists:
			err = f.out.add(vector.Insert, concat(keys, cur))
		case !valuesEqual(prev, cur):
			if err = f.out.add(vector.UpdateBefore, concat(keys, prev)); err == nil {
				err = f.out.add(vector.UpdateAfter, concat(keys, cur))
			}
		}
		if err != nil {
			return err
		}
		f.st.acc.Update(g)
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

func concat(a, b []any) []any {
	out := make([]any, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// windowAggFunc is a window aggregation: rows arrive keyed by the group
// keys with their window bounds, accumulate, and the result is emitted
// once (+I) by an event-time timer when the watermark passes the window's
// end; late rows (their window already fired) are dropped, as Flink does.
type windowAggFunc struct {
	spec     *plan.AggSpec
	keyTypes []types.Type
	outTypes []types.Type

	st   aggState
	agg  *aggregator
	out  *rowBuilder
	keys *rowCodec
}

func (f *windowAggFunc) Open(rc *datastream.RuntimeContext) error {
	st, err := openAggState(rc)
	if err != nil {
		return err
	}
	f.st, f.keys = st, newRowCodec(f.keyTypes)
	f.agg = &aggregator{calls: f.spec.Calls, counts: mapCounts{st.counts}}
	f.out = newRowBuilder(f.outTypes)
	return nil
}

func (f *windowAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	end, ok := r.vals[f.spec.WindowEnd].(types.TimestampValue)
	if !ok {
		return fmt.Errorf("window aggregation: window_end is %T", r.vals[f.spec.WindowEnd])
	}
	timers := ctx.TimerService()
	if end.Millis-1 <= timers.CurrentWatermark() {
		return nil // late
	}
	g, exists := f.st.acc.Value()
	if !exists {
		g = newGroupAcc(len(f.spec.Calls))
		timers.RegisterEventTimeTimer(end.Millis - 1)
	} else {
		g.Accs = slices.Clone(g.Accs)
	}
	if err := f.agg.add(&g, r.vals, false, ""); err != nil {
		return err
	}
	f.st.acc.Update(g)
	return nil
}

func (f *windowAggFunc) OnTimer(_ int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	g, ok := f.st.acc.Value()
	if !ok {
		return nil
	}
	keys, err := f.keys.decode(ctx.CurrentKey())
	if err != nil {
		return err
	}
	res, err := f.agg.results(&g, "")
	if err != nil {
		return err
	}
	if err := f.out.add(vector.Insert, concat(keys, res)); err != nil {
		return err
	}
	f.st.acc.Clear()
	f.st.counts.Clear()
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// sessionState holds the open session windows of a key with their rows.
type sessionState struct {
	Sessions []sessionWindow
}

type sessionWindow struct {
	Start, End int64 // [Start, End): last row time + gap
	Rows       []string
}

// sessionAggFunc is a session window aggregation (GROUP BY SESSION(ts,
// gap)): a row opens [ts, ts + gap), overlapping sessions merge, and a
// session's result is emitted when the watermark passes its end.
type sessionAggFunc struct {
	spec     *plan.AggSpec
	inTypes  []types.Type
	keyTypes []types.Type
	outTypes []types.Type

	sessions state.ValueState[sessionState]
	out      *rowBuilder
	rows     *rowCodec
	keys     *rowCodec
}

func (f *sessionAggFunc) Open(rc *datastream.RuntimeContext) error {
	f.rows, f.keys = newRowCodec(f.inTypes), newRowCodec(f.keyTypes)
	s, err := datastream.GetValueState(rc, state.Value[sessionState]("sessions"))
	f.sessions = s
	f.out = newRowBuilder(f.outTypes)
	return err
}

func (f *sessionAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	ts, ok := r.vals[f.spec.TimeCol].(types.TimestampValue)
	if !ok {
		return nil // no time: dropped
	}
	timers := ctx.TimerService()
	w := sessionWindow{Start: ts.Millis, End: ts.Millis + f.spec.Gap, Rows: []string{f.rows.encode(r.vals)}}
	st, _ := f.sessions.Value()
	var kept []sessionWindow
	for _, s := range st.Sessions {
		if s.Start <= w.End && w.Start <= s.End {
			w.Start, w.End = min(w.Start, s.Start), max(w.End, s.End)
			w.Rows = append(append([]string(nil), s.Rows...), w.Rows...)
			continue
		}
		kept = append(kept, s)
	}
	if w.End-1 <= timers.CurrentWatermark() {
		return nil // late
	}
	timers.RegisterEventTimeTimer(w.End - 1)
	f.sessions.Update(sessionState{Sessions: append(kept, w)})
	return nil
}

func (f *sessionAggFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	st, ok := f.sessions.Value()
	if !ok {
		return nil
	}
	keys, err := f.keys.decode(ctx.CurrentKey())
	if err != nil {
		return err
	}
	var kept []sessionWindow
	for _, s := range st.Sessions {
		if s.End-1 > ts {
			kept = append(kept, s)
			continue
		}
		agg := &aggregator{calls: f.spec.Calls, counts: memCounts{}}
		g := newGroupAcc(len(f.spec.Calls))
		for _, enc := range s.Rows {
			vals, err := f.rows.decode(enc)
			if err != nil {
				return err
			}
			if err := agg.add(&g, vals, false, ""); err != nil {
				return err
			}
		}
		res, err := agg.results(&g, "")
		if err != nil {
			return err
		}
		bounds := []any{types.TimestampValue{Millis: s.Start}, types.TimestampValue{Millis: s.End}, types.TimestampValue{Millis: s.End - 1}}
		if err := f.out.add(vector.Insert, concat(concat(keys, bounds), res)); err != nil {
			return err
		}
	}
	if len(kept) == 0 {
		f.sessions.Clear()
	} else {
		f.sessions.Update(sessionState{Sessions: kept})
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
