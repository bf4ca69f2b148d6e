package exec

import (
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// joinRec is a row of one side of a regular join: how many times it is
// in the input, and (for a side whose unmatched rows are emitted: the
// left of LEFT/FULL/semi/anti joins, the right of RIGHT/FULL) how many
// rows of the other side it matches, counted with multiplicity.
type joinRec struct {
	Count   int64
	Matches int64
}

// joinFunc is a regular join keyed by the join keys: each side's rows are
// kept in keyed state (encoded row → joinRec); a row joins with the other
// side's rows of its key that pass the residual condition, evaluated over
// all candidates as one chunk. Additions emit +I, removals -D, so
// updating inputs join correctly.
//
// Outer joins follow Flink's changelog: a preserved row without a match
// goes out padded with NULLs (+I[l, NULL]); when its first match arrives
// that row is retracted (-D[l, NULL]) before the joined row, and when its
// last match goes the padded row comes back. Semi and anti joins emit the
// left row itself when it gains its first (loses its last) match.
type joinFunc struct {
	joinBase
	left, right state.MapState[string, joinRec]
}

func (f *joinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	f.left, f.right, err = sideStates[joinRec](rc)
	if err != nil {
		return err
	}
	return f.openBase()
}

// joinBase is what every two-input join operator holds: the plan's join,
// the row types of both sides and the output, the residual condition over
// a joined row, and the codecs and builder of rows.
type joinBase struct {
	spec       *plan.JoinSpec
	leftTypes  []types.Type
	rightTypes []types.Type
	outTypes   []types.Type
	fctx       functions.Context

	cond      *projector
	condTypes []types.Type
	out       *rowBuilder
	lc, rc    *rowCodec
}

func newJoinBase(spec *plan.JoinSpec, leftTypes, rightTypes, outTypes []types.Type, fctx functions.Context) joinBase {
	return joinBase{spec: spec, leftTypes: leftTypes, rightTypes: rightTypes, outTypes: outTypes, fctx: fctx}
}

// openBase makes the codecs, the condition and the output builder.
func (j *joinBase) openBase() error {
	j.lc, j.rc = newRowCodec(j.leftTypes), newRowCodec(j.rightTypes)
	j.condTypes = nullableTypes(concatTypes(j.leftTypes, j.rightTypes))
	var err error
	if j.cond, err = newCondition(j.fctx, j.spec.Condition, j.condTypes); err != nil {
		return err
	}
	j.out = newRowBuilder(j.outTypes)
	return nil
}

// sideStates returns the map states of a join's left and right rows.
func sideStates[R any](rc *datastream.RuntimeContext) (left, right state.MapState[string, R], err error) {
	if left, err = datastream.GetMapState(rc, state.Map[string, R]("left")); err != nil {
		return nil, nil, err
	}
	if right, err = datastream.GetMapState(rc, state.Map[string, R]("right")); err != nil {
		return nil, nil, err
	}
	return left, right, nil
}

func concatTypes(a, b []types.Type) []types.Type {
	return append(append([]types.Type(nil), a...), b...)
}

func nullableTypes(ts []types.Type) []types.Type {
	out := make([]types.Type, len(ts))
	for i, t := range ts {
		out[i] = t.Nullable()
	}
	return out
}

// newCondition compiles a join condition over left ++ right columns as a
// projection to one BOOLEAN column, so that the caller learns which
// candidates pass (nil condition: nil, every candidate passes).
func newCondition(fctx functions.Context, cond *plan.Expr, ts []types.Type) (*projector, error) {
	if cond == nil {
		return nil, nil
	}
	ctx := fctx
	return newProjector(&ctx, []*plan.Expr{cond}, nil, []types.Type{types.Boolean()}, len(ts))
}

// passing evaluates cond over candidate rows: which pass.
func passing(cond *projector, ts []types.Type, rows [][]any) ([]bool, error) {
	ok := make([]bool, len(rows))
	if cond == nil {
		for i := range ok {
			ok[i] = true
		}
		return ok, nil
	}
	if len(rows) == 0 {
		return ok, nil
	}
	c := vector.NewChunk(ts, len(rows))
	for _, r := range rows {
		if err := c.AppendRow(vector.Insert, r...); err != nil {
			return nil, err
		}
	}
	res, err := cond.apply(c)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return ok, nil
	}
	col := res.Cols[0]
	for i := range rows {
		if b, isBool := col.Get(i).(bool); isBool && b {
			ok[i] = true
		}
	}
	return ok, nil
}

func (f *joinFunc) ProcessElement1(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, true, out)
}

func (f *joinFunc) ProcessElement2(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, false, out)
}

// preserves reports whether the join emits the unmatched rows of a side
// (or, for semi/anti joins, tracks the left's matches).
func (f *joinFunc) preserves(left bool) bool {
	switch f.spec.Kind {
	case plan.LeftJoin, plan.SemiJoin, plan.AntiJoin:
		return left
	case plan.RightJoin:
		return !left
	case plan.FullJoin:
		return true
	}
	return false
}

// match is a row of the other side that joins with the current row.
type match struct {
	key  string
	vals []any
	rec  joinRec
}

// matches returns the other side's rows of the key that join with vals.
func (f *joinFunc) matches(vals []any, isLeft bool) ([]match, error) {
	other, codec := f.right, f.rc
	if !isLeft {
		other, codec = f.left, f.lc
	}
	var ms []match
	for k, rec := range other.All() {
		ms = append(ms, match{key: k, rec: rec})
	}
	// State iterates in no fixed order; sorted, the output is the same
	// in every run.
	slices.SortFunc(ms, func(a, b match) int { return strings.Compare(a.key, b.key) })
	rows := make([][]any, len(ms))
	for i := range ms {
		ov, err := codec.decode(ms[i].key)
		if err != nil {
			return nil, err
		}
		ms[i].vals = ov
		if isLeft {
			rows[i] = concat(vals, ov)
		} else {
			rows[i] = concat(ov, vals)
		}
	}
	ok, err := passing(f.cond, f.condTypes, rows)
	if err != nil {
		return nil, err
	}
	kept := ms[:0]
	for i, m := range ms {
		if ok[i] {
			kept = append(kept, m)
		}
	}
	return kept, nil
}

func (f *joinFunc) pad(vals []any, isLeft bool) []any {
	if isLeft {
		return concat(vals, make([]any, len(f.rightTypes)))
	}
	return concat(make([]any, len(f.leftTypes)), vals)
}

func (f *joinFunc) joined(vals, other []any, isLeft bool) []any {
	if isLeft {
		return concat(vals, other)
	}
	return concat(other, vals)
}

// emit adds n copies of a row.
func (f *joinFunc) emit(kind vector.RowKind, vals []any, n int64) error {
	for range n {
		if err := f.out.add(kind, vals); err != nil {
			return err
		}
	}
	return nil
}

func (f *joinFunc) process(r *keyedRow, isLeft bool, out datastream.Collector[*vector.Chunk]) error {
	mine, other, myCodec := f.left, f.right, f.lc
	if !isLeft {
		mine, other, myCodec = f.right, f.left, f.rc
	}
	enc := myCodec.encode(r.vals)
	rec, _ := mine.Get(enc)
	retract := isRetract(r.kind)
	if retract && rec.Count <= 0 {
		return nil
	}
	ms, err := f.matches(r.vals, isLeft)
	if err != nil {
		return err
	}
	var total int64
	for _, m := range ms {
		total += m.rec.Count
	}
	semi := f.spec.Kind == plan.SemiJoin || f.spec.Kind == plan.AntiJoin
	anti := f.spec.Kind == plan.AntiJoin
	// The other side's preserved rows gain or lose this row as a match.
	if f.preserves(!isLeft) {
		for i := range ms {
			m := &ms[i]
			before := m.rec.Matches
			if retract {
				m.rec.Matches--
			} else {
				m.rec.Matches++
			}
			other.Put(m.key, m.rec)
			switch {
			case before == 0 && !retract: // first match
				switch {
				case anti:
					err = f.emit(vector.Delete, m.vals, m.rec.Count)
				case semi:
					err = f.emit(vector.Insert, m.vals, m.rec.Count)
				default:
					err = f.emit(vector.Delete, f.pad(m.vals, !isLeft), m.rec.Count)
				}
			case m.rec.Matches == 0 && retract: // last match gone
				switch {
				case anti:
					err = f.emit(vector.Insert, m.vals, m.rec.Count)
				case semi:
					err = f.emit(vector.Delete, m.vals, m.rec.Count)
				}
			}
			if err != nil {
				return err
			}
		}
	}
	kind := vector.Insert
	if retract {
		kind = vector.Delete
	}
	// This row's own output.
	switch {
	case semi && !isLeft:
	case semi:
		if (total > 0) != anti {
			err = f.emit(kind, r.vals, 1)
		}
	default:
		for _, m := range ms {
			if err = f.emit(kind, f.joined(r.vals, m.vals, isLeft), m.rec.Count); err != nil {
				return err
			}
		}
		if total == 0 && f.preserves(isLeft) {
			err = f.emit(kind, f.pad(r.vals, isLeft), 1)
		}
	}
	if err != nil {
		return err
	}
	// Padded rows of the other side come back after this row's retraction.
	if retract && f.preserves(!isLeft) && !semi {
		for _, m := range ms {
			if m.rec.Matches == 0 {
				if err := f.emit(vector.Insert, f.pad(m.vals, !isLeft), m.rec.Count); err != nil {
					return err
				}
			}
		}
	}
	if retract {
		rec.Count--
	} else {
		rec.Count++
	}
	if f.preserves(isLeft) {
		rec.Matches = total
	}
	if rec.Count <= 0 {
		mine.Remove(enc)
	} else {
		mine.Put(enc, rec)
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// limitFunc keeps rows offset … offset+fetch-1 of its input (one key).
type limitFunc struct {
	spec  *plan.LimitSpec
	types []types.Type
	count state.ValueState[int64]
	out   *rowBuilder
}

func (f *limitFunc) Open(rc *datastream.RuntimeContext) error {
	c, err := datastream.GetValueState(rc, state.Value[int64]("count"))
	f.count = c
	f.out = newRowBuilder(f.types)
	return err
}

func (f *limitFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	n, _ := f.count.Value()
	if n >= f.spec.Offset && (f.spec.Fetch < 0 || n < f.spec.Offset+f.spec.Fetch) {
		if err := f.out.add(r.kind, r.vals); err != nil {
			return err
		}
	}
	f.count.Update(n + 1)
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// materializeFunc applies a changelog and emits the final rows as +I at
// the end of the input: batch mode's result for sinks that take inserts
// only.
type materializeFunc struct {
	types []types.Type
	rows  state.MapState[string, int64]
	out   *rowBuilder
	codec *rowCodec
}

// endOfInput is the timer that fires with the final watermark.
const endOfInput = int64(1<<63 - 2)

func (f *materializeFunc) Open(rc *datastream.RuntimeContext) error {
	m, err := datastream.GetMapState(rc, state.Map[string, int64]("rows"))
	f.rows, f.codec = m, newRowCodec(f.types)
	f.out = newRowBuilder(f.types)
	return err
}

func (f *materializeFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	enc := f.codec.encode(r.vals)
	n, _ := f.rows.Get(enc)
	if r.kind.IsAdditive() {
		n++
	} else {
		n--
	}
	if n <= 0 {
		f.rows.Remove(enc)
	} else {
		f.rows.Put(enc, n)
	}
	ctx.TimerService().RegisterEventTimeTimer(endOfInput)
	return nil
}

func (f *materializeFunc) OnTimer(_ int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	for k, n := range f.rows.All() {
		vals, err := f.codec.decode(k)
		if err != nil {
			return err
		}
		for range n {
			if err := f.out.add(vector.Insert, vals); err != nil {
				return err
			}
		}
	}
	f.rows.Clear()
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// toRowsFunc splits chunks into keyed rows for a hash exchange.
type toRowsFunc struct {
	keys []int
	buf  []byte
	view vector.Chunk
}

func (f *toRowsFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*keyedRow]) error {
	if c.Len() == 0 {
		return nil
	}
	f.view.Cols = f.view.Cols[:0]
	for _, k := range f.keys {
		f.view.Cols = append(f.view.Cols, c.Cols[k])
	}
	f.view.SetLen(c.Len())
	for i := range c.Len() {
		f.buf = vector.AppendRow(f.buf[:0], &f.view, i)
		out.Collect(&keyedRow{key: string(f.buf), kind: c.Kind(i), vals: c.Row(i)})
	}
	return nil
}
