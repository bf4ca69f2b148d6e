package exec

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// Session windows, for both spellings: the legacy GROUP BY k, SESSION(ts,
// gap) (a SessionWindowAggregate node) and the window aggregation over
// the SESSION window table function (a WindowAggregate node over it). Both
// run sessionWindowFunc, keyed by the group keys other than the window:
// a row opens the window [ts, ts + gap), windows of a key that overlap or
// touch merge (Flink's TimeWindow.intersects), and a session is emitted
// when the watermark (or, on processing time, the clock) passes its end.
//
// A key's state is its open sessions, each with its bounds and the calls'
// accumulators: a row accumulates into its session in place, without
// boxing or encoding it, and merging sessions merges accumulators. Calls
// whose accumulators do not merge (DISTINCT, Go aggregates, and any this
// file does not know) keep the session's rows, encoded, and aggregate
// them when it fires.

// buildSessionWindow builds the session window operators and reports
// whether n was one: a SessionWindowAggregate, a WindowAggregate over the
// SESSION window table function, or that function alone, which is an
// error as in Flink (only a window aggregation forms its windows).
func (b *builder) buildSessionWindow(n *plan.Node, outTypes []types.Type) (*datastream.DataStream[*vector.Chunk], bool, error) {
	switch n.Op {
	case plan.OpWindowTVF:
		if n.Window.Kind != plan.Session {
			return nil, false, nil
		}
		return nil, true, errSessionTVFAlone
	case plan.OpSessionAggregate:
		s, err := b.buildGroupSession(n, outTypes)
		return s, true, err
	case plan.OpWindowAggregate:
		shape, err := planSessionTVF(n)
		if shape == nil && err == nil {
			return nil, false, nil
		}
		if err != nil {
			return nil, true, err
		}
		s, err := b.buildSessionTVF(n, shape, outTypes)
		return s, true, err
	}
	return nil, false, nil
}

// errSessionTVFAlone refuses SESSION anywhere but under a window
// aggregation, as Flink.
var errSessionTVFAlone = fmt.Errorf("the SESSION window table function can only feed a window aggregation (GROUP BY window_start, window_end and its partition keys); " +
	"it cannot be selected from directly or feed a window Top-N, deduplication or join")

// CheckPlan refuses the plans the builder would: a SESSION window table
// function that feeds anything but a window aggregation, or one it
// cannot run. EXPLAIN and COMPILE PLAN call it, so such a plan fails when
// planned rather than when its job is built.
func CheckPlan(p *plan.Plan) error {
	parents := map[*plan.Node][]*plan.Node{}
	seen := map[*plan.Node]bool{}
	var nodes []*plan.Node
	var walk func(n *plan.Node)
	walk = func(n *plan.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		nodes = append(nodes, n)
		for _, in := range n.Inputs {
			parents[in] = append(parents[in], n)
			walk(in)
		}
	}
	for _, s := range p.Sinks {
		walk(s)
	}
	for _, n := range nodes {
		if n.Op == plan.OpWindowAggregate {
			if _, err := planSessionTVF(n); err != nil {
				return err
			}
		}
		if isSessionTVF(n) && !feedsSessionAggregates(n, parents) {
			return errSessionTVFAlone
		}
	}
	return nil
}

// feedsSessionAggregates reports whether every consumer of the SESSION
// function tvf is a window aggregation over it, through an exchange and
// at most one projection.
func feedsSessionAggregates(tvf *plan.Node, parents map[*plan.Node][]*plan.Node) bool {
	exchanges := parents[tvf]
	if len(exchanges) == 1 && exchanges[0].Op == plan.OpCalc {
		exchanges = parents[exchanges[0]]
	}
	if len(exchanges) == 0 {
		return false
	}
	for _, ex := range exchanges {
		if ex.Op != plan.OpExchange || len(parents[ex]) == 0 {
			return false
		}
		for _, agg := range parents[ex] {
			if agg.Op != plan.OpWindowAggregate {
				return false
			}
			if s, err := planSessionTVF(agg); err != nil || s == nil || s.tvf != tvf {
				return false
			}
		}
	}
	return true
}

// buildGroupSession builds GROUP BY k, SESSION(ts, gap): the rows come
// keyed by the group keys, the aggregation's first columns.
func (b *builder) buildGroupSession(n *plan.Node, outTypes []types.Type) (*datastream.DataStream[*vector.Chunk], error) {
	k, err := b.keyedTyped(n.Inputs[0])
	if err != nil {
		return nil, err
	}
	spec := n.Agg
	if spec.ProcTime && b.opts.Batch {
		return nil, fmt.Errorf("processing-time windows cannot run in batch mode")
	}
	inTypes := plainTypes(n.Inputs[0].Types())
	f := &sessionWindowFunc{calls: spec.Calls, timeCol: spec.TimeCol, gap: spec.Gap, procTime: spec.ProcTime, inTypes: inTypes, outTypes: outTypes}
	for i, c := range spec.Keys {
		f.keyTypes = append(f.keyTypes, inTypes[c])
		f.outKey = append(f.outKey, i)
	}
	f.outKey = append(f.outKey, sessionStart, sessionEnd, sessionTime)
	return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)), nil
}

// Output columns of a session that are its bounds, in sessionWindowFunc's
// outKey.
const (
	sessionStart = -1 - iota
	sessionEnd
	sessionTime
)

// sessionTVF is a window aggregation over the SESSION window table
// function: exchange, at most one projection, the function.
type sessionTVF struct {
	tvf  *plan.Node
	calc *plan.Node // nil: none
	// keys are the exchange's input columns the sessions are keyed by:
	// the group keys other than the window.
	keys []int
	// outKey maps the aggregation's key columns: >= 0 a position in keys,
	// or sessionStart, sessionEnd, sessionTime.
	outKey []int
}

// planSessionTVF recognizes a window aggregation over the SESSION window
// table function (nil, nil for others) and checks what Flink requires of
// it: the window columns only grouped by (not computed with, filtered or
// aggregated before the aggregation, where they are each row's own
// window rather than its session), and with PARTITION BY, the other
// group keys exactly the partition keys.
func planSessionTVF(n *plan.Node) (*sessionTVF, error) {
	ex := n.Inputs[0]
	if ex.Op != plan.OpExchange || len(ex.Inputs) != 1 {
		return nil, nil
	}
	s := &sessionTVF{tvf: ex.Inputs[0]}
	if s.tvf.Op == plan.OpCalc {
		s.calc, s.tvf = s.tvf, s.tvf.Inputs[0]
	}
	if !isSessionTVF(s.tvf) {
		return nil, nil
	}
	nIn := len(s.tvf.Inputs[0].Columns)
	// source maps a column of the exchange's input to the function's
	// output column it passes through, or -1 for a computed one.
	source := func(i int) int {
		if s.calc == nil {
			return i
		}
		if e := s.calc.Calc.Projects[i]; e.Kind == plan.ColRef {
			return e.Index
		}
		return -1
	}
	misuse := fmt.Errorf("window_start, window_end and window_time of SESSION can only be grouped by: its windows exist once the aggregation merges them")
	if s.calc != nil {
		for _, e := range s.calc.Calc.Projects {
			if e.Kind != plan.ColRef && refsWindow(e, nIn) {
				return nil, misuse
			}
		}
		if f := s.calc.Calc.Filter; f != nil && refsWindow(f, nIn) {
			return nil, misuse
		}
	}
	for _, c := range n.Agg.Calls {
		cols := append([]int(nil), c.Args...)
		if c.Filter >= 0 {
			cols = append(cols, c.Filter)
		}
		for _, a := range cols {
			if source(a) >= nIn {
				return nil, misuse
			}
		}
	}
	if source(n.Agg.WindowStart) != nIn || source(n.Agg.WindowEnd) != nIn+1 {
		return nil, fmt.Errorf("window aggregation over SESSION: window_start and window_end are not the function's")
	}
	var names []string
	exact := true
	for _, k := range n.Agg.Keys {
		src := source(k)
		if src >= nIn {
			s.outKey = append(s.outKey, []int{sessionStart, sessionEnd, sessionTime}[src-nIn])
			continue
		}
		s.outKey = append(s.outKey, len(s.keys))
		s.keys = append(s.keys, k)
		if src < 0 {
			exact = false
			continue
		}
		names = append(names, s.tvf.Columns[src].Name)
	}
	if p := s.tvf.Window.PartitionBy; len(p) > 0 && (!exact || !sameNameSet(p, names)) {
		return nil, fmt.Errorf("the window aggregation over SESSION(TABLE … PARTITION BY %s, …) must group by window_start, window_end and exactly its partition keys; it groups by %s besides the window",
			joinNames(p), joinNames(exchangeNames(ex, s.keys)))
	}
	return s, nil
}

// exchangeNames names columns of the exchange's input.
func exchangeNames(ex *plan.Node, cols []int) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = ex.Columns[c].Name
	}
	return names
}

func joinNames(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}

// sameNameSet reports whether a and b hold the same names, ignoring order
// and repetition.
func sameNameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// isSessionTVF reports a SESSION window table function.
func isSessionTVF(n *plan.Node) bool {
	return n.Op == plan.OpWindowTVF && n.Window != nil && n.Window.Kind == plan.Session
}

// buildSessionTVF builds a window aggregation over SESSION: each row gets
// its own window [ts, ts + gap) as the function's columns (so the
// projection runs unchanged), and the exchange keys by the group keys
// other than the window; the operator merges the rows' windows.
func (b *builder) buildSessionTVF(n *plan.Node, s *sessionTVF, outTypes []types.Type) (*datastream.DataStream[*vector.Chunk], error) {
	w := s.tvf.Window
	if w.ProcTime && b.opts.Batch {
		return nil, fmt.Errorf("processing-time windows cannot run in batch mode")
	}
	in, err := b.chunks(s.tvf.Inputs[0])
	if err != nil {
		return nil, err
	}
	rows := datastream.Process(in, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](&sessionAssignFunc{timeCol: w.TimeCol, gap: w.Gap, out: plainTypes(s.tvf.Types())})).Name(name(s.tvf))
	if s.calc != nil {
		rows = datastream.Process(rows, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](&calcFunc{spec: s.calc.Calc, out: plainTypes(s.calc.Types()), nIn: len(s.tvf.Columns), fctx: b.fctx})).Name(name(s.calc))
	}
	ex := n.Inputs[0]
	keyed := datastream.Process(rows, datastream.ProcessFunction[*vector.Chunk, *keyedRow](&chunkRowsFunc{keys: s.keys})).Name(name(ex))
	k := datastream.KeyBy(keyed, func(r *keyedRow) string { return r.key })
	inTypes := plainTypes(ex.Types())
	f := &sessionWindowFunc{calls: n.Agg.Calls, timeCol: n.Agg.WindowStart, gap: w.Gap, procTime: w.ProcTime,
		inTypes: inTypes, outKey: s.outKey, outTypes: outTypes}
	for _, c := range s.keys {
		f.keyTypes = append(f.keyTypes, inTypes[c])
	}
	return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)), nil
}

// sessionAssignFunc appends to each row the window it opens, [ts, ts +
// gap), as window_start, window_end and window_time: what the SESSION
// function gives a row before merging. Rows without a time are dropped,
// as Flink's windowing drops them.
type sessionAssignFunc struct {
	timeCol int
	gap     int64
	out     []types.Type
}

func (f *sessionAssignFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*vector.Chunk]) error {
	n := c.Live()
	if n == 0 {
		return nil
	}
	res := vector.NewChunk(f.out, n)
	nIn := len(c.Cols)
	tcol := c.Cols[f.timeCol]
	c.ForEachLive(func(i int) {
		if tcol.IsNull(i) {
			return
		}
		ts := tcol.TimestampAt(i).Millis
		for j := range nIn {
			res.Cols[j].AppendFrom(c.Cols[j], i)
		}
		res.Cols[nIn].AppendTimestamp(types.TimestampValue{Millis: ts})
		res.Cols[nIn+1].AppendTimestamp(types.TimestampValue{Millis: ts + f.gap})
		res.Cols[nIn+2].AppendTimestamp(types.TimestampValue{Millis: ts + f.gap - 1})
		res.AppendKind(vector.Insert) // the binder admits insert-only input only
	})
	if res.Len() > 0 {
		out.Collect(res)
	}
	return nil
}

// sessionSet is the state of a key: its open sessions, pairwise apart
// (neither overlapping nor touching), in time order.
type sessionSet struct {
	Sessions []openSession
}

// openSession is a session window [Start, End) with the time of its
// pending timer (<= End - 1: a row that extends the session leaves the
// timer where it is, and a timer that fires early moves to the end) and
// its contents: the calls' accumulators, or with calls that do not
// merge, its rows encoded.
type openSession struct {
	Start, End, Timer int64
	Acc               groupAcc
	Rows              []string
}

// sessionWindowFunc is the session window aggregation. Keyed rows carry
// the session's time at timeCol; the output is a row per session: outKey
// (the key's columns and the session's bounds) then the calls.
type sessionWindowFunc struct {
	calls    []plan.AggCall
	timeCol  int
	gap      int64
	procTime bool
	inTypes  []types.Type
	keyTypes []types.Type
	outKey   []int
	outTypes []types.Type

	st        state.ValueState[sessionSet]
	agg       *aggregator
	mergeable bool
	rows      *rowCodec
	buf       []byte
	kbuf      *vector.Chunk
	batch     fireBatch
}

func (f *sessionWindowFunc) Open(rc *datastream.RuntimeContext) error {
	st, err := datastream.GetValueState(rc, state.Value[sessionSet]("sessions"))
	if err != nil {
		return err
	}
	f.st = st
	f.agg = &aggregator{calls: f.calls}
	f.mergeable = callsMerge(f.calls)
	f.rows = newRowCodec(f.inTypes)
	f.kbuf = vector.NewChunk(f.keyTypes, 1)
	f.batch = fireBatch{types: f.outTypes}
	return nil
}

func (f *sessionWindowFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	tcol := r.src.Cols[f.timeCol]
	if tcol.IsNull(r.at) {
		return nil // no time: dropped, as Flink's windowing does
	}
	if isRetract(r.kind) {
		return fmt.Errorf("session window aggregation: the input must be insert-only, got a %s row", r.kind)
	}
	timers := ctx.TimerService()
	start := tcol.TimestampAt(r.at).Millis
	if f.procTime {
		// As Flink's window operator, on the operator's clock rather than
		// the time the row's PROCTIME() was read: monotonic, so a row
		// never lands in a session that already fired.
		start = timers.CurrentProcessingTime()
	}
	end := start + f.gap
	set, _ := f.st.Value()
	ss := set.Sessions
	// The row's window merges with every session it overlaps or touches.
	// Sessions are apart and sorted, so those are a run [lo, hi): lo is
	// the first session ending at or after the row's start.
	lo, n := 0, len(ss)
	for lo < n {
		mid := int(uint(lo+n) >> 1)
		if ss[mid].End < start {
			lo = mid + 1
		} else {
			n = mid
		}
	}
	hi := lo
	for hi < len(ss) && ss[hi].Start <= end {
		hi++
	}
	if lo == hi {
		// A window of its own: late when the watermark passed its end, as
		// Flink's merging window assigner drops a merged window that is
		// late (an open session never is).
		if !f.procTime && end-1 <= timers.CurrentWatermark() {
			return nil
		}
		w := openSession{Start: start, End: end, Timer: end - 1}
		if f.mergeable {
			w.Acc = newGroupAcc(len(f.calls))
		}
		ss = slices.Insert(ss, lo, w)
		if f.procTime {
			timers.RegisterProcessingTimeTimer(end - 1)
		} else {
			timers.RegisterEventTimeTimer(end - 1)
		}
	} else {
		// The merged session keeps the earliest pending timer of those it
		// replaces; the others fire to no effect.
		h := &ss[lo]
		h.Start, h.End = min(h.Start, start), max(ss[hi-1].End, end)
		for j := lo + 1; j < hi; j++ {
			h.Timer = min(h.Timer, ss[j].Timer)
			if err := f.merge(h, &ss[j]); err != nil {
				return err
			}
		}
		ss = slices.Delete(ss, lo+1, hi)
	}
	set.Sessions = ss
	hit := lo
	s := &set.Sessions[hit]
	if f.mergeable {
		if err := f.agg.addAt(&s.Acc, r.src, r.at, false, ""); err != nil {
			return err
		}
	} else {
		f.buf = vector.AppendRow(f.buf[:0], r.src, r.at)
		s.Rows = append(s.Rows, string(f.buf))
	}
	f.st.Update(set)
	return nil
}

// merge moves session s, a later one, into session h. Kept rows stay in
// the sessions' order, for calls whose result depends on it.
func (f *sessionWindowFunc) merge(h, s *openSession) error {
	if !f.mergeable {
		h.Rows = append(h.Rows, s.Rows...)
		return nil
	}
	return mergeGroupAcc(f.calls, &h.Acc, &s.Acc)
}

func (f *sessionWindowFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	timers := ctx.TimerService()
	if f.procTime {
		// Processing time has no watermark to batch the firings of one
		// advance by: each timer's sessions go out at once.
		err := f.fire(ts, ctx)
		if c := f.batch.chunk; c != nil && c.Len() > 0 {
			out.Collect(c)
		}
		f.batch.chunk = nil
		return err
	}
	// Sessions go out at their own timers, in time order across keys as
	// Flink's window operator emits them, not all at a key's first.
	err := f.fire(ts, ctx)
	f.batch.done(ts, timers, out)
	return err
}

// fire appends to the batch the current key's sessions that end by ts +
// 1, and moves the timers at or before ts of the others to their ends.
func (f *sessionWindowFunc) fire(ts int64, ctx *datastream.TimerContext[string]) error {
	set, ok := f.st.Value()
	if !ok {
		return nil
	}
	timers := ctx.TimerService()
	kept := set.Sessions[:0]
	keyDecoded := false
	var err error
	for _, s := range set.Sessions {
		if s.End-1 > ts {
			if s.Timer <= ts {
				s.Timer = s.End - 1
				if f.procTime {
					timers.RegisterProcessingTimeTimer(s.Timer)
				} else {
					timers.RegisterEventTimeTimer(s.Timer)
				}
			}
			kept = append(kept, s)
			continue
		}
		if err != nil {
			continue
		}
		if !keyDecoded {
			f.kbuf.Reset()
			key := ctx.CurrentKey()
			if _, err = vector.DecodeRow(unsafe.Slice(unsafe.StringData(key), len(key)), f.kbuf); err != nil {
				err = fmt.Errorf("decoding session window key: %w", err)
				continue
			}
			keyDecoded = true
		}
		err = f.emit(f.batch.rows(), &s)
	}
	clear(set.Sessions[len(kept):])
	set.Sessions = kept
	if len(kept) == 0 {
		f.st.Clear()
	} else {
		f.st.Update(set)
	}
	return err
}

// emit appends session s's row to c: key columns from f.kbuf, bounds,
// then the calls' values.
func (f *sessionWindowFunc) emit(c *vector.Chunk, s *openSession) error {
	for j, k := range f.outKey {
		switch k {
		case sessionStart:
			c.Cols[j].AppendTimestamp(types.TimestampValue{Millis: s.Start})
		case sessionEnd:
			c.Cols[j].AppendTimestamp(types.TimestampValue{Millis: s.End})
		case sessionTime:
			c.Cols[j].AppendTimestamp(types.TimestampValue{Millis: s.End - 1})
		default:
			c.Cols[j].AppendFrom(f.kbuf.Cols[k], 0)
		}
	}
	g := &s.Acc
	agg := f.agg
	if !f.mergeable {
		// Aggregate the session's rows, in their order of arrival.
		agg = &aggregator{calls: f.calls, counts: memCounts{}}
		acc := newGroupAcc(len(f.calls))
		g = &acc
		for _, enc := range s.Rows {
			vals, err := f.rows.decode(enc)
			if err != nil {
				return err
			}
			if err := agg.add(g, vals, false, ""); err != nil {
				return err
			}
		}
	}
	if err := agg.appendResults(c.Cols[len(f.outKey):], g, ""); err != nil {
		return err // fails the job: the chunk is not emitted whole
	}
	c.AppendKind(vector.Insert)
	return nil
}
