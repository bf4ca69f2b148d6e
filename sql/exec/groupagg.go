package exec

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

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

// memCounts is a countStore in memory, for aggregations recomputed from
// rows (session windows whose calls do not merge, OVER windows).
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

func openAggState(rc *datastream.RuntimeContext, ttl state.TTL) (aggState, error) {
	acc, err := datastream.GetValueState(rc, state.Value[groupAcc]("acc").WithTTL(ttl))
	if err != nil {
		return aggState{}, err
	}
	counts, err := datastream.GetMapState(rc, state.Map[string, int64]("counts").WithTTL(ttl))
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
	ttl      state.TTL // table.exec.state.ttl

	st   aggState
	agg  *aggregator
	out  *rowBuilder
	keys []any
	res  *vector.Chunk // results of the typed path
}

func (f *groupAggFunc) Open(rc *datastream.RuntimeContext) error {
	st, err := openAggState(rc, f.ttl)
	if err != nil {
		return err
	}
	f.st = st
	f.agg = &aggregator{calls: f.spec.Calls, retract: f.retract, counts: mapCounts{st.counts}}
	f.out = newRowBuilder(f.outTypes)
	f.res = vector.NewChunk(f.outTypes[len(f.spec.Keys):], 2)
	return nil
}

func isRetract(k vector.RowKind) bool { return !k.IsAdditive() }

func (f *groupAggFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	g, exists := f.st.acc.Value()
	if r.count() == 0 {
		return f.ensureGroup(g, exists, out)
	}
	if r.src != nil {
		return f.processTyped(r, g, exists, out)
	}
	retract := isRetract(r.kind)
	if !exists {
		if retract {
			return nil // nothing to retract from (state expired or never existed)
		}
		g = newGroupAcc(len(f.spec.Calls))
	}
	// g.Accs is changed in place: the heap backend hands out a copy of an
	// entry a snapshot may still read, so no clone is needed here.
	keys := f.keys[:0]
	for j := range f.spec.Keys {
		keys = append(keys, r.value(j))
	}
	f.keys = keys
	var prev []any
	var err error
	if exists {
		if prev, err = f.agg.results(&g, ""); err != nil {
			return err
		}
	}
	if err := f.agg.addRow(&g, r, retract, ""); err != nil {
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

// ensureGroup handles the element of no rows that batch mode sends a
// global aggregation: over no rows at all SQL gives one row of the
// aggregates' values for no input (COUNT(*) 0, SUM NULL), so the group
// starts without rows and emits them; rows arriving later update it.
func (f *groupAggFunc) ensureGroup(g groupAcc, exists bool, out datastream.Collector[*vector.Chunk]) error {
	if exists {
		return nil
	}
	g = newGroupAcc(len(f.spec.Calls))
	res, err := f.agg.results(&g, "")
	if err != nil {
		return err
	}
	if err := f.out.add(vector.Insert, res); err != nil {
		return err
	}
	f.st.acc.Update(g)
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// processTyped is ProcessElement for rows that point into their chunk (a
// run of one key's rows of a chunk, or one row): keys are copied from the
// input lanes and results written into lanes, so nothing is boxed for the
// common calls. The run is folded into the group before its change goes
// out, as Flink's mini-batch aggregation does: -U old, +U new once per run
// (+I for a new group, -D for one whose last row was retracted). f.res
// holds the results before (row 0, when the group existed) and after.
func (f *groupAggFunc) processTyped(r *keyedRow, g groupAcc, exists bool, out datastream.Collector[*vector.Chunk]) error {
	f.res.Reset()
	if exists {
		if err := f.agg.appendResults(f.res.Cols, &g, ""); err != nil {
			return err
		}
		f.res.SetLen(1)
	}
	alive := exists
	for k := range r.count() {
		i := r.index(k)
		retract := isRetract(r.src.Kind(i))
		if !alive {
			if retract {
				continue // nothing to retract from (state expired or never existed)
			}
			g, alive = newGroupAcc(len(f.spec.Calls)), true
		}
		if err := f.agg.addAt(&g, r.src, i, retract, ""); err != nil {
			return err
		}
		if g.Rows <= 0 {
			// The group is gone; a later row of the run starts it anew.
			f.st.counts.Clear()
			alive = false
		}
	}
	at := r.index(0)
	c := vector.NewChunk(f.outTypes, 2)
	if !alive {
		if exists {
			f.emit(c, vector.Delete, r.src, at, 0)
		}
		f.st.acc.Clear()
		f.st.counts.Clear()
	} else {
		if err := f.agg.appendResults(f.res.Cols, &g, ""); err != nil {
			return err
		}
		cur := f.res.Len()
		f.res.SetLen(cur + 1)
		switch {
		case !exists:
			f.emit(c, vector.Insert, r.src, at, cur)
		case !sameRow(f.res, 0, cur):
			f.emit(c, vector.UpdateBefore, r.src, at, 0)
			f.emit(c, vector.UpdateAfter, r.src, at, cur)
		}
		f.st.acc.Update(g)
	}
	if c.Len() > 0 {
		out.Collect(c)
	}
	return nil
}

// emit appends to c a row of the keys of row at of src and results row res
// of f.res.
func (f *groupAggFunc) emit(c *vector.Chunk, kind vector.RowKind, src *vector.Chunk, at, res int) {
	nk := len(f.spec.Keys)
	for j := range nk {
		sv, dst := src.Cols[j], c.Cols[j]
		if sv.Lane() == dst.Lane() {
			dst.AppendFrom(sv, at)
		} else if err := dst.Append(sv.Get(at)); err != nil {
			dst.AppendNull() // the plan's key types disagree: a bug, kept rectangular
		}
	}
	for j, v := range f.res.Cols {
		c.Cols[nk+j].AppendFrom(v, res)
	}
	c.AppendKind(kind)
}

// sameRow reports whether rows i and j of c hold equal values (NULLs
// equal), as valuesEqual does for Go values.
func sameRow(c *vector.Chunk, i, j int) bool {
	for _, v := range c.Cols {
		ni, nj := v.IsNull(i), v.IsNull(j)
		if ni || nj {
			if ni != nj {
				return false
			}
			continue
		}
		switch v.Lane() {
		case vector.LaneBool:
			if v.BoolAt(i) != v.BoolAt(j) {
				return false
			}
		case vector.LaneInt64:
			if v.Int64At(i) != v.Int64At(j) {
				return false
			}
		case vector.LaneFloat64:
			a, b := v.Float64At(i), v.Float64At(j)
			if math.Float64bits(a) != math.Float64bits(b) && !(math.IsNaN(a) && math.IsNaN(b)) {
				return false
			}
		default:
			if valueKey(v.Get(i)) != valueKey(v.Get(j)) {
				return false
			}
		}
	}
	return true
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

	st    aggState
	agg   *aggregator
	keys  *rowCodec
	kbuf  *vector.Chunk // the decoded key of a firing window
	batch fireBatch
}

func (f *windowAggFunc) Open(rc *datastream.RuntimeContext) error {
	st, err := openAggState(rc, state.TTL{})
	if err != nil {
		return err
	}
	f.st, f.keys = st, newRowCodec(f.keyTypes)
	f.agg = &aggregator{calls: f.spec.Calls, counts: mapCounts{st.counts}}
	f.kbuf = vector.NewChunk(f.keyTypes, 1)
	f.batch = fireBatch{types: f.outTypes}
	return nil
}

func (f *windowAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	var end types.TimestampValue
	if r.src != nil && !r.src.Cols[f.spec.WindowEnd].IsNull(r.at) && vector.LaneOf(r.src.Cols[f.spec.WindowEnd].Type()) == vector.LaneTimestamp {
		end = r.src.Cols[f.spec.WindowEnd].TimestampAt(r.at)
	} else {
		var ok bool
		if end, ok = r.value(f.spec.WindowEnd).(types.TimestampValue); !ok {
			return fmt.Errorf("window aggregation: window_end is %T", r.value(f.spec.WindowEnd))
		}
	}
	timers := ctx.TimerService()
	if end.Millis-1 <= timers.CurrentWatermark() {
		return nil // late
	}
	g, exists := f.st.acc.Value()
	if !exists {
		g = newGroupAcc(len(f.spec.Calls))
		timers.RegisterEventTimeTimer(end.Millis - 1)
	}
	if err := f.agg.addRow(&g, r, false, ""); err != nil {
		return err
	}
	f.st.acc.Update(g)
	return nil
}

func (f *windowAggFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	err := f.fire(ctx)
	f.batch.done(ts, ctx.TimerService(), out)
	return err
}

// fire appends the result of the current key's window to the batch (none
// for a flush timer of the batch: the window already fired).
func (f *windowAggFunc) fire(ctx *datastream.TimerContext[string]) error {
	g, ok := f.st.acc.Value()
	if !ok {
		return nil
	}
	// The result row is written straight into the output lanes: the key
	// columns copied from its decoded encoding, then the calls' values.
	f.kbuf.Reset()
	key := ctx.CurrentKey()
	if _, err := vector.DecodeRow(unsafe.Slice(unsafe.StringData(key), len(key)), f.kbuf); err != nil {
		return fmt.Errorf("decoding window key: %w", err)
	}
	c := f.batch.rows()
	nk := len(f.keyTypes)
	for j := range nk {
		c.Cols[j].AppendFrom(f.kbuf.Cols[j], 0)
	}
	if err := f.agg.appendResults(c.Cols[nk:], &g, ""); err != nil {
		return err
	}
	c.AppendKind(vector.Insert)
	f.st.acc.Clear()
	f.st.counts.Clear()
	return nil
}
