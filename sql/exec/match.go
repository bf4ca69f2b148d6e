package exec

import (
	"fmt"
	"math"
	"slices"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// matchFunc runs MATCH_RECOGNIZE on one partition key, as Flink's CEP
// operator does. On rowtime, rows wait in keyed state until the watermark
// passes them (rows at or behind the watermark when they arrive are late
// and dropped), then go through the NFA in time order, rows of one time
// by the other ORDER BY keys, in arrival order otherwise; on proctime
// each row goes through as it arrives. Every row is numbered; the rows
// the runs (partial and completed matches) still cover are kept by
// number. All of it is keyed state, so a restored job goes on exactly
// where the checkpoint was. A completed match emits the partition columns
// and the measures.
type matchFunc struct {
	spec     *plan.MatchSpec
	inTypes  []types.Type
	outTypes []types.Type
	fctx     functions.Context

	st      state.ValueState[matchState]
	rows    state.MapState[int64, string]   // the rows the runs cover, by number
	pending state.MapState[int64, []string] // rowtime: rows waiting for the watermark, by time
	codec   *rowCodec
	out     *rowBuilder
	nfa     *matchNFA
	defines []*matchExpr // by pattern element; nil: any row
	measure []*matchExpr
	timeCol int
}

// matchState is a key's NFA: the runs, and the numbering of its rows.
type matchState struct {
	Seq int64 // the number of the next row
	// Kept is the first row number still in the rows map.
	Kept      int64
	Partials  []matchRun // by first row
	Completed []matchRun // waiting for earlier partial matches, by first row
}

func (f *matchFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	if f.st, err = datastream.GetValueState(rc, state.Value[matchState]("match")); err != nil {
		return err
	}
	if f.rows, err = datastream.GetMapState(rc, state.Map[int64, string]("match-rows")); err != nil {
		return err
	}
	if f.pending, err = datastream.GetMapState(rc, state.Map[int64, []string]("match-pending")); err != nil {
		return err
	}
	if err := checkMatchSpec(f.spec, len(f.inTypes)); err != nil {
		return fmt.Errorf("MATCH_RECOGNIZE: %w", err)
	}
	if f.nfa, err = newMatchNFA(f.spec); err != nil {
		return fmt.Errorf("MATCH_RECOGNIZE: %w", err)
	}
	f.codec, f.out = newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	f.timeCol = f.spec.Order[0].Col
	f.defines = make([]*matchExpr, len(f.spec.Pattern))
	for i, e := range f.spec.Pattern {
		if e.Var < len(f.spec.Defines) && f.spec.Defines[e.Var] != nil {
			if f.defines[i], err = newMatchExpr(f.spec.Defines[e.Var], f.inTypes, &f.fctx); err != nil {
				return fmt.Errorf("MATCH_RECOGNIZE: DEFINE %s: %w", f.spec.Vars[e.Var], err)
			}
		}
	}
	for _, m := range f.spec.Measures {
		x, err := newMatchExpr(&m.MatchExpr, f.inTypes, &f.fctx)
		if err != nil {
			return fmt.Errorf("MATCH_RECOGNIZE: measure %s: %w", m.Name, err)
		}
		f.measure = append(f.measure, x)
	}
	return nil
}

func (f *matchFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the input is insert-only
	}
	timers := ctx.TimerService()
	if f.spec.ProcTime {
		now := timers.CurrentProcessingTime()
		c := f.call(now)
		err := c.run(func() error {
			if err := f.nfa.expire(&c.st, now, c.emitAt(now)); err != nil {
				return err
			}
			return c.process(r.vals, now)
		})
		return f.finish(c, err, out)
	}
	ts, ok := r.vals[f.timeCol].(types.TimestampValue)
	if !ok || ts.Millis <= timers.CurrentWatermark() {
		return nil // late (or without a time): dropped, as Flink does
	}
	rows, _ := f.pending.Get(ts.Millis)
	if len(rows) == 0 {
		timers.RegisterEventTimeTimer(ts.Millis)
	}
	f.pending.Put(ts.Millis, append(slices.Clip(rows), f.codec.encode(r.vals)))
	return nil
}

func (f *matchFunc) OnTimer(_ int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	timers := ctx.TimerService()
	wm := timers.CurrentWatermark()
	var times []int64
	for t := range f.pending.All() {
		if t <= wm {
			times = append(times, t)
		}
	}
	if len(times) == 0 && f.spec.Within == 0 {
		return nil // an earlier timer of this watermark did the work
	}
	slices.Sort(times)
	c := f.call(timers.CurrentProcessingTime())
	err := c.run(func() error {
		for _, t := range times {
			encoded, _ := f.pending.Get(t)
			f.pending.Remove(t)
			rows, err := f.sortRows(encoded)
			if err != nil {
				return err
			}
			if err := f.nfa.expire(&c.st, t, c.emitAt(t)); err != nil {
				return err
			}
			for _, row := range rows {
				if err := c.process(row, t); err != nil {
					return err
				}
			}
		}
		return f.nfa.expire(&c.st, wm, c.emitAt(wm))
	})
	if err == nil && f.spec.Within > 0 && len(c.st.Partials) > 0 {
		// Wake up when the oldest partial match expires: it may hold
		// completed ones back, and its rows go.
		first := c.st.Partials[0].StartTS
		for _, r := range c.st.Partials {
			first = min(first, r.StartTS)
		}
		if first < math.MaxInt64-f.spec.Within && first+f.spec.Within+1 > wm {
			timers.RegisterEventTimeTimer(first + f.spec.Within + 1)
		}
	}
	return f.finish(c, err, out)
}

// checkMatchSpec checks the indexes of a spec (which may come from a plan
// file) against the input's n columns.
func checkMatchSpec(m *plan.MatchSpec, n int) error {
	if len(m.Order) == 0 {
		return fmt.Errorf("no ORDER BY")
	}
	for _, k := range m.Order {
		if k.Col < 0 || k.Col >= n {
			return fmt.Errorf("ORDER BY column %d of %d", k.Col, n)
		}
	}
	for _, p := range m.Partition {
		if p < 0 || p >= n {
			return fmt.Errorf("PARTITION BY column %d of %d", p, n)
		}
	}
	if len(m.Defines) > len(m.Vars) {
		return fmt.Errorf("%d DEFINEs for %d variables", len(m.Defines), len(m.Vars))
	}
	var err error
	m.EachAccess(func(a *plan.MatchAccess) {
		if a.Var < -1 || a.Var >= len(m.Vars) {
			err = fmt.Errorf("pattern variable %d of %d", a.Var, len(m.Vars))
		}
	})
	return err
}

// sortRows decodes rows of one time and orders them by the ORDER BY keys
// after the time (stable: arrival order among equals).
func (f *matchFunc) sortRows(encoded []string) ([][]any, error) {
	rows := make([][]any, len(encoded))
	for i, e := range encoded {
		v, err := f.codec.decode(e)
		if err != nil {
			return nil, err
		}
		rows[i] = v
	}
	keys := f.spec.Order[1:]
	if len(keys) > 0 {
		slices.SortStableFunc(rows, func(a, b []any) int {
			for _, k := range keys {
				if c := compareNullable(a[k.Col], b[k.Col], k.NullsFirst); c != 0 {
					if k.Desc && a[k.Col] != nil && b[k.Col] != nil {
						return -c
					}
					return c
				}
			}
			return 0
		})
	}
	return rows, nil
}

// finish saves the key's state and sends the output of a call.
func (f *matchFunc) finish(c *matchCall, err error, out datastream.Collector[*vector.Chunk]) error {
	if err != nil {
		return fmt.Errorf("MATCH_RECOGNIZE: %w", err)
	}
	c.save()
	if ch := f.out.take(); ch != nil {
		out.Collect(ch)
	}
	return nil
}

// matchCall is the work on one key within one call: its state loaded,
// and the rows read decoded.
type matchCall struct {
	f     *matchFunc
	st    matchState
	cache map[int64][]any
	cur   int64 // the number of the row being processed
	now   int64 // processing time, for MATCH_PROCTIME
}

func (f *matchFunc) call(now int64) *matchCall {
	st, _ := f.st.Value()
	return &matchCall{f: f, st: st, cache: map[int64][]any{}, cur: -1, now: now}
}

// run calls fn, turning a panic of a kernel into an error: no input may
// crash the job.
func (c *matchCall) run(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return fn()
}

// read returns row seq of the key.
func (c *matchCall) read(seq int64) ([]any, error) {
	if v, ok := c.cache[seq]; ok {
		return v, nil
	}
	enc, ok := c.f.rows.Get(seq)
	if !ok {
		return nil, fmt.Errorf("row %d of the partition is not in state", seq)
	}
	v, err := c.f.codec.decode(enc)
	if err != nil {
		return nil, err
	}
	c.cache[seq] = v
	return v, nil
}

// process feeds one row at time ts to the NFA.
func (c *matchCall) process(vals []any, ts int64) error {
	f := c.f
	seq := c.st.Seq
	c.st.Seq++
	c.cur = seq
	c.cache[seq] = vals
	f.rows.Put(seq, f.codec.encode(vals))
	var next, done []matchRun
	runs := append(slices.Clip(c.st.Partials), matchRun{Start: -1})
	for i := range runs {
		var r *matchRun
		if runs[i].Start >= 0 {
			r = &runs[i]
		}
		n, d, err := f.nfa.step(r, seq, ts, func(e int) (bool, error) { return c.cond(e, r) })
		if err != nil {
			return err
		}
		next, done = append(next, n...), append(done, d...)
	}
	sortRuns(next)
	c.st.Partials = next
	if len(done) > 0 {
		c.st.Completed = append(slices.Clip(c.st.Completed), done...)
		sortRuns(c.st.Completed)
	}
	return f.nfa.release(&c.st, c.emitAt(ts))
}

// cond evaluates element e's DEFINE on the current row, in the context of
// run r (nil: a new run).
func (c *matchCall) cond(e int, r *matchRun) (bool, error) {
	d := c.f.defines[e]
	if d == nil {
		return true, nil
	}
	v, err := d.eval(&defineRows{c: c, run: r, elem: e})
	if err != nil {
		return false, fmt.Errorf("DEFINE %s: %w", c.f.spec.Vars[c.f.spec.Pattern[e].Var], err)
	}
	b, _ := v.(bool)
	return b, nil
}

// emitAt returns the emitter of matches completed or released at time ts
// (MATCH_ROWTIME).
func (c *matchCall) emitAt(ts int64) func(m *matchRun) error {
	return func(m *matchRun) error {
		f := c.f
		first, err := c.read(m.Start)
		if err != nil {
			return err
		}
		row := make([]any, 0, len(f.outTypes))
		for _, p := range f.spec.Partition {
			row = append(row, first[p])
		}
		mr := &measureRows{c: c, run: m, rowtime: ts}
		for i, x := range f.measure {
			v, err := x.eval(mr)
			if err != nil {
				return fmt.Errorf("measure %s: %w", f.spec.Measures[i].Name, err)
			}
			row = append(row, v)
		}
		return f.out.add(vector.Insert, row)
	}
}

// save writes the key's state back, dropping the rows no run covers.
func (c *matchCall) save() {
	f := c.f
	keep := c.st.Seq
	for _, runs := range [][]matchRun{c.st.Partials, c.st.Completed} {
		for _, r := range runs {
			keep = min(keep, r.Start)
		}
	}
	for s := c.st.Kept; s < keep; s++ {
		f.rows.Remove(s)
	}
	c.st.Kept = max(c.st.Kept, keep)
	if len(c.st.Partials) == 0 && len(c.st.Completed) == 0 {
		// No run: no row is kept, and the numbering may start again.
		f.st.Clear()
		return
	}
	f.st.Update(c.st)
}

// defineRows are the rows a DEFINE sees: the run's, then the current row,
// which belongs to the variable being tried (and to every row).
type defineRows struct {
	c    *matchCall
	run  *matchRun // nil: a new run
	elem int
}

func (d *defineRows) rows(v int) (int64, int64) {
	cur := d.c.cur
	if d.run == nil {
		if v < 0 || d.c.f.nfa.varElem[v] == d.elem {
			return cur, cur
		}
		return 0, -1
	}
	if v < 0 {
		return d.run.Start, cur
	}
	e := d.c.f.nfa.varElem[v]
	lo, hi := d.run.elemRows(e)
	if e == d.elem {
		if hi < lo {
			lo = cur
		}
		return lo, cur
	}
	return lo, hi
}

func (d *defineRows) read(seq int64) ([]any, error) { return d.c.read(seq) }
func (d *defineRows) times() (int64, int64)         { return 0, d.c.now }

// measureRows are the rows of a completed match.
type measureRows struct {
	c       *matchCall
	run     *matchRun
	rowtime int64
}

func (m *measureRows) rows(v int) (int64, int64) {
	if v < 0 {
		return m.run.Start, m.run.Start + m.run.rowCount() - 1
	}
	return m.run.elemRows(m.c.f.nfa.varElem[v])
}

func (m *measureRows) read(seq int64) ([]any, error) { return m.c.read(seq) }
func (m *measureRows) times() (int64, int64)         { return m.rowtime, m.c.now }
