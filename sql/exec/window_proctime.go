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

// procCounts adapts a map state to the aggregator's count store.
type procCounts struct{ m state.MapState[string, int64] }

func (c procCounts) Get(k string) (int64, bool) { return c.m.Get(k) }
func (c procCounts) Put(k string, v int64)      { c.m.Put(k, v) }
func (c procCounts) Remove(k string)            { c.m.Remove(k) }
func (c procCounts) Each(prefix string, fn func(string, int64)) {
	for k, v := range c.m.All() {
		if strings.HasPrefix(k, prefix) {
			fn(k, v)
		}
	}
}

// procWindowAggFunc is a window aggregation over processing-time windows
// (a window table function on a PROCTIME() attribute): rows accumulate
// per group and window as they arrive (typed, a group's run of rows of a
// chunk at a time), and a processing-time timer emits the window's result
// (+I) when the operator's clock passes its end. As in Flink's streaming
// mode, windows still open when the input ends are
// not emitted: pending processing-time timers do not fire.
type procWindowAggFunc struct {
	spec     *plan.AggSpec
	keyTypes []types.Type
	outTypes []types.Type

	acc    state.ValueState[groupAcc]
	counts state.MapState[string, int64]
	agg    *aggregator
	keys   *rowCodec
	out    *rowBuilder
}

func (f *procWindowAggFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	if f.acc, err = datastream.GetValueState(rc, state.Value[groupAcc]("acc")); err != nil {
		return err
	}
	if f.counts, err = datastream.GetMapState(rc, state.Map[string, int64]("counts")); err != nil {
		return err
	}
	f.agg = &aggregator{calls: f.spec.Calls, counts: procCounts{f.counts}}
	f.keys, f.out = newRowCodec(f.keyTypes), newRowBuilder(f.outTypes)
	return nil
}

func (f *procWindowAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	// A run's rows share the group keys, window_end among them.
	ends := r.src.Cols[f.spec.WindowEnd]
	if at := r.index(0); ends.IsNull(at) {
		return fmt.Errorf("window aggregation: window_end is NULL")
	}
	g, exists := f.acc.Value()
	if !exists {
		g = newGroupAcc(len(f.spec.Calls))
		ctx.TimerService().RegisterProcessingTimeTimer(ends.TimestampAt(r.index(0)).Millis - 1)
	} else {
		g.Accs = slices.Clone(g.Accs)
	}
	for k := range r.count() {
		if err := f.agg.addAt(&g, r.src, r.index(k), false, ""); err != nil {
			return err
		}
	}
	f.acc.Update(g)
	return nil
}

func (f *procWindowAggFunc) OnTimer(_ int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	g, ok := f.acc.Value()
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
	f.acc.Clear()
	f.counts.Clear()
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
