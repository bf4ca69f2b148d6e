package exec

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// Slice-based HOP aggregation, as Flink's slicing window aggregation: a
// hopping window of size S and slide L (S a multiple of L) is the union of
// S/L slices of length L. Each row is assigned to its one slice (instead of
// being copied once per window by the window table function), accumulated
// into the slice's accumulator, and a window's result is merged from its
// slices when the watermark passes its end. Only calls whose merge gives
// exactly the result of accumulating the rows one by one qualify (COUNT,
// SUM/AVG of integers, MIN/MAX of BIGINT); others keep the per-window path.

// disableSlicing turns slicing off (tests compare both paths).
var disableSlicing = false

// slicedHop is a window aggregation that runs on slices.
type slicedHop struct {
	tvf  *plan.Node // the HOP window table function
	calc *plan.Node // the projection between it and the exchange, or nil
	// keys are the exchange's key columns without the window bounds.
	keys []int
	// outKey maps the output key columns: >= 0 a position in keys, -1
	// window_start, -2 window_end, -3 window_time.
	outKey []int
}

// planSlicedHop reports whether window aggregation n reads a HOP window
// table function through an exchange and at most a projection that passes
// the window bounds through, with calls that merge exactly.
func planSlicedHop(n *plan.Node) (*slicedHop, bool) {
	if disableSlicing {
		return nil, false
	}
	ex := n.Inputs[0]
	if ex.Op != plan.OpExchange || len(ex.Inputs) != 1 {
		return nil, false
	}
	s := &slicedHop{tvf: ex.Inputs[0]}
	if s.tvf.Op == plan.OpCalc {
		s.calc, s.tvf = s.tvf, s.tvf.Inputs[0]
	}
	w := s.tvf.Window
	if s.tvf.Op != plan.OpWindowTVF || w == nil || w.Kind != plan.Hop || w.Step <= 0 || w.Size%w.Step != 0 {
		return nil, false
	}
	nIn := len(s.tvf.Inputs[0].Columns)
	// source maps a column of the exchange's input to the TVF's output.
	source := func(i int) (int, bool) {
		if s.calc == nil {
			return i, true
		}
		if i < 0 || i >= len(s.calc.Calc.Projects) {
			return 0, false
		}
		e := s.calc.Calc.Projects[i]
		if e.Kind != plan.ColRef {
			return -1, true
		}
		return e.Index, true
	}
	if s.calc != nil {
		// The window bounds may only be passed through: slices stand in
		// for windows there.
		for _, e := range s.calc.Calc.Projects {
			if e.Kind != plan.ColRef && refsWindow(e, nIn) {
				return nil, false
			}
		}
		if f := s.calc.Calc.Filter; f != nil && refsWindow(f, nIn) {
			return nil, false
		}
	}
	if src, ok := source(n.Agg.WindowStart); !ok || src != nIn {
		return nil, false
	}
	if src, ok := source(n.Agg.WindowEnd); !ok || src != nIn+1 {
		return nil, false
	}
	inTypes := n.Inputs[0].Types()
	for _, c := range n.Agg.Calls {
		if c.Distinct {
			return nil, false
		}
		switch c.Func {
		case "COUNT":
		case "SUM", "SUM0", "AVG":
			if len(c.Args) != 1 || !inTypes[c.Args[0]].IsIntegral() || !c.Type.IsIntegral() {
				return nil, false
			}
		case "MIN", "MAX":
			if len(c.Args) != 1 || inTypes[c.Args[0]].Kind != types.KindBigInt || c.Type.Kind != types.KindBigInt {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	isWindow := func(i int) int {
		src, ok := source(i)
		if !ok || src < nIn {
			return 0
		}
		return -(src - nIn + 1)
	}
	for _, k := range ex.Exchange.Keys {
		if isWindow(k) == 0 {
			s.keys = append(s.keys, k)
		}
	}
	for _, k := range n.Agg.Keys {
		if wk := isWindow(k); wk != 0 {
			s.outKey = append(s.outKey, wk)
			continue
		}
		pos := slices.Index(s.keys, k)
		if pos < 0 {
			return nil, false
		}
		s.outKey = append(s.outKey, pos)
	}
	return s, true
}

func refsWindow(e *plan.Expr, nIn int) bool {
	for c := range e.Cols(nil) {
		if c >= nIn {
			return true
		}
	}
	return false
}

// buildSlicedHop builds the sliced form of window aggregation n: the
// table function assigns rows to slices (a TUMBLE of the slide), the
// projection runs unchanged, and the exchange keys by the non-window keys.
func (b *builder) buildSlicedHop(n *plan.Node, s *slicedHop) (*datastream.DataStream[*vector.Chunk], error) {
	in, err := b.chunks(s.tvf.Inputs[0])
	if err != nil {
		return nil, err
	}
	w := *s.tvf.Window
	spec := &plan.WindowSpec{Kind: plan.Tumble, TimeCol: w.TimeCol, Size: w.Step, Offset: w.Offset}
	sl := datastream.Process(in, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](&windowFunc{spec: spec, out: plainTypes(s.tvf.Types())})).Name(name(s.tvf) + " slices")
	if s.calc != nil {
		sl = datastream.Process(sl, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](&calcFunc{spec: s.calc.Calc, out: plainTypes(s.calc.Types()), nIn: len(s.tvf.Columns), fctx: b.fctx})).Name(name(s.calc))
	}
	ex := n.Inputs[0]
	rows := datastream.Process(sl, datastream.ProcessFunction[*vector.Chunk, *keyedRow](&chunkRowsFunc{keys: s.keys})).Name(name(ex))
	k := datastream.KeyBy(rows, func(r *keyedRow) string { return r.key })
	inTypes := plainTypes(ex.Types())
	keyTypes := make([]types.Type, len(s.keys))
	for i, c := range s.keys {
		keyTypes[i] = inTypes[c]
	}
	f := &sliceAggFunc{spec: n.Agg, size: w.Size, step: w.Step, offset: w.Offset, keyTypes: keyTypes, outKey: s.outKey, outTypes: plainTypes(n.Types())}
	return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)), nil
}

// sliceAccs are the open slices of a key, by slice end.
type sliceAccs struct {
	Slices []sliceAcc
}

type sliceAcc struct {
	End int64
	Acc groupAcc
}

// sliceAggFunc aggregates rows into the slices of their key and fires a
// window per timer: a timer at end-1 of the first window of each new
// slice, and after each firing one for the next window while slices of
// the fired window remain.
type sliceAggFunc struct {
	spec               *plan.AggSpec
	size, step, offset int64
	keyTypes           []types.Type
	outKey             []int
	outTypes           []types.Type

	st    state.ValueState[sliceAccs]
	agg   *aggregator
	kbuf  *vector.Chunk
	win   groupAcc
	batch fireBatch
}

func (f *sliceAggFunc) Open(rc *datastream.RuntimeContext) error {
	st, err := datastream.GetValueState(rc, state.Value[sliceAccs]("slices"))
	if err != nil {
		return err
	}
	f.st = st
	f.agg = &aggregator{calls: f.spec.Calls}
	f.kbuf = vector.NewChunk(f.keyTypes, 1)
	f.win = newGroupAcc(len(f.spec.Calls))
	f.batch = fireBatch{types: f.outTypes}
	return nil
}

func (f *sliceAggFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	col := r.src.Cols[f.spec.WindowEnd]
	if col.IsNull(r.at) {
		return fmt.Errorf("window aggregation: window_end is NULL")
	}
	end := col.TimestampAt(r.at).Millis // the slice's end
	timers := ctx.TimerService()
	wm := timers.CurrentWatermark()
	if end+f.size-f.step-1 <= wm {
		return nil // late for every window of the slice
	}
	st, _ := f.st.Value()
	i := len(st.Slices) - 1
	for i >= 0 && st.Slices[i].End != end {
		i--
	}
	if i < 0 {
		st.Slices = append(st.Slices, sliceAcc{End: end, Acc: newGroupAcc(len(f.spec.Calls))})
		i = len(st.Slices) - 1
		// The first window of the slice that has not fired yet.
		first := end
		if first-1 <= wm {
			first += ((wm-first+1)/f.step + 1) * f.step
		}
		timers.RegisterEventTimeTimer(first - 1)
	}
	if err := f.agg.addAt(&st.Slices[i].Acc, r.src, r.at, false, ""); err != nil {
		return err
	}
	f.st.Update(st)
	return nil
}

func (f *sliceAggFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	err := f.fire(ts, ctx)
	f.batch.done(ts, ctx.TimerService(), out)
	return err
}

// fire appends the result of the current key's window ending at ts+1 to
// the batch, if it has rows, and drops the slices no later window needs.
func (f *sliceAggFunc) fire(ts int64, ctx *datastream.TimerContext[string]) error {
	if windowStart(ts+1, f.offset, f.step) != ts+1 {
		return nil // a flush timer of the batch off the windows' grid
	}
	st, ok := f.st.Value()
	if !ok {
		return nil
	}
	end := ts + 1
	start := end - f.size
	g := &f.win
	g.Rows = 0
	clear(g.Accs)
	fired, pending := false, false
	kept := st.Slices[:0]
	for _, s := range st.Slices {
		if s.End > start && s.End <= end {
			fired = true
			f.merge(g, &s.Acc)
		}
		if s.End > start+f.step {
			kept = append(kept, s)
			pending = pending || s.End <= end
		}
	}
	clear(st.Slices[len(kept):])
	st.Slices = kept
	if len(kept) == 0 {
		f.st.Clear()
	} else {
		f.st.Update(st)
	}
	if pending {
		ctx.TimerService().RegisterEventTimeTimer(ts + f.step)
	}
	if !fired {
		return nil
	}
	f.kbuf.Reset()
	key := ctx.CurrentKey()
	if _, err := vector.DecodeRow(unsafe.Slice(unsafe.StringData(key), len(key)), f.kbuf); err != nil {
		return fmt.Errorf("decoding window key: %w", err)
	}
	c := f.batch.rows()
	for j, k := range f.outKey {
		switch k {
		case -1:
			c.Cols[j].AppendTimestamp(types.TimestampValue{Millis: start})
		case -2:
			c.Cols[j].AppendTimestamp(types.TimestampValue{Millis: end})
		case -3:
			c.Cols[j].AppendTimestamp(types.TimestampValue{Millis: end - 1})
		default:
			c.Cols[j].AppendFrom(f.kbuf.Cols[k], 0)
		}
	}
	if err := f.agg.appendResults(c.Cols[len(f.outKey):], g, ""); err != nil {
		return err
	}
	c.AppendKind(vector.Insert)
	return nil
}

// merge adds slice accumulator s into window accumulator g (the calls
// planSlicedHop admits).
func (f *sliceAggFunc) merge(g, s *groupAcc) {
	g.Rows += s.Rows
	for i, c := range f.spec.Calls {
		a, b := &g.Accs[i], &s.Accs[i]
		switch c.Func {
		case "COUNT", "SUM", "SUM0", "AVG":
			a.N += b.N
			a.I += b.I
		case "MIN", "MAX":
			if b.Set && (!a.Set || c.Func == "MIN" && b.I < a.I || c.Func == "MAX" && b.I > a.I) {
				a.I, a.Set = b.I, true
			}
		}
	}
}
