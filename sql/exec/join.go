package exec

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// joinEntry is one row of one side of a regular join, in package
// vector's row format (one entry per copy: a row that came twice is two
// entries). Matches counts, for a side whose unmatched rows are emitted
// (the left of LEFT/FULL/semi/anti joins, the right of RIGHT/FULL), the
// rows of the other side it matches.
type joinEntry struct {
	Row     string
	Matches int64
}

// joinFunc is a regular join keyed by the join keys: each side's rows are
// kept in keyed list state, in arrival order; a row joins with the other
// side's rows of its key that pass the residual condition, evaluated over
// all candidates as one chunk. Additions emit +I, removals -D, so
// updating inputs join correctly.
//
// Its inputs come in runs of rows of one key (chunkGroupsFunc): a run
// reads the other side's rows once when nothing it does changes them,
// appends its rows to state in one call, and emits its rows together.
// Rows stay typed throughout: encoded straight from the input chunk's
// lanes, decoded straight into the lanes of the candidates' chunk, which
// in an inner join is the output itself. An entry is one copy of a row,
// so an insert-only side (the common case) never reads its own state.
//
// Outer joins follow Flink's changelog: a preserved row without a match
// goes out padded with NULLs (+I[l, NULL]); when its first match arrives
// that row is retracted (-D[l, NULL]) before the joined row, and when its
// last match goes the padded row comes back. Semi and anti joins emit the
// left row itself when it gains its first (loses its last) match.
type joinFunc struct {
	joinBase
	// leftTTL, rightTTL: table.exec.state.ttl or the STATE_TTL hint
	leftTTL, rightTTL state.TTL
	left, right       state.ListState[joinEntry]
	adds              []joinEntry // this run's rows, added to state at its end
	updated           []joinEntry // scratch: the other side with new match counts
}

func (f *joinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	if f.left, err = datastream.GetListState(rc, state.List[joinEntry]("left").WithTTL(f.leftTTL)); err != nil {
		return err
	}
	if f.right, err = datastream.GetListState(rc, state.List[joinEntry]("right").WithTTL(f.rightTTL)); err != nil {
		return err
	}
	return f.openBase()
}

// joinBase is what every two-input join operator holds: the plan's join,
// the row types of both sides and the output, the residual condition over
// a joined row, the codecs and builder of rows, and the scratch of typed
// joining (pairs, the chunk of candidate joined rows).
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

	pairs   *vector.Chunk // left ++ right candidates (condTypes, or outTypes when they are the output)
	half    vector.Chunk  // view of some of pairs' columns, to decode into
	encView vector.Chunk  // view of an input chunk's columns, as inserts
	buf     []byte
	pass    []bool
	matched []int
	batch   *vector.Chunk   // output rows (outTypes) not yet collected
	ready   []*vector.Chunk // output chunks to collect before batch
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

// encodeAt returns physical row i of c in the row format as an insert
// (state keeps rows, not changes), read from the lanes.
func (j *joinBase) encodeAt(c *vector.Chunk, i int) string {
	j.encView.Cols, j.encView.Kinds, j.encView.Sel = c.Cols, nil, nil
	j.encView.SetLen(c.Len())
	j.buf = vector.AppendRow(j.buf[:0], &j.encView, i)
	return string(j.buf)
}

// halves returns the left and right columns of a chunk of joined rows.
func (j *joinBase) halves(c *vector.Chunk) (left, right []*vector.Vector) {
	nl := len(j.leftTypes)
	return c.Cols[:nl], c.Cols[nl:]
}

// resetPairs empties the chunk of candidate pairs.
func (j *joinBase) resetPairs() {
	if j.pairs == nil {
		j.pairs = vector.NewChunk(j.condTypes, 16)
		return
	}
	j.pairs.Reset()
}

// decodeInto appends the encoded row to the columns cols of chunk c,
// which has n rows before: the caller ends the row.
func (j *joinBase) decodeInto(cols []*vector.Vector, n int, enc string) error {
	j.half.Cols, j.half.Kinds = cols, nil
	j.half.SetLen(n)
	if _, err := vector.DecodeRow(unsafe.Slice(unsafe.StringData(enc), len(enc)), &j.half); err != nil {
		return fmt.Errorf("join state: %w", err)
	}
	return nil
}

// addPair appends a candidate of kind kind: row i of src, of side isLeft,
// joined with the other side's encoded row.
func (j *joinBase) addPair(src *vector.Chunk, i int, isLeft bool, other string, kind vector.RowKind) error {
	n := j.pairs.Len()
	mine, theirs := j.halves(j.pairs)
	if !isLeft {
		mine, theirs = theirs, mine
	}
	for k, v := range mine {
		v.AppendFrom(src.Cols[k], i)
	}
	if err := j.decodeInto(theirs, n, other); err != nil {
		return err
	}
	j.pairs.AppendKind(kind)
	return nil
}

// evalPairs evaluates the condition over the pairs into j.pass.
func (j *joinBase) evalPairs() error {
	n := j.pairs.Len()
	j.pass = j.pass[:0]
	if j.cond == nil || n == 0 {
		for range n {
			j.pass = append(j.pass, true)
		}
		return nil
	}
	mask, err := j.cond.projects[0].eval(j.cond.ctx, j.pairs, false)
	if err != nil {
		return err
	}
	if err := mask.Err(nil); err != nil {
		return err
	}
	if mask.Lane() != vector.LaneBool {
		// A condition typed NULL passes nothing.
		for range n {
			j.pass = append(j.pass, false)
		}
		return nil
	}
	for p := range n {
		j.pass = append(j.pass, !mask.IsNull(p) && mask.BoolAt(p))
	}
	return nil
}

// emit appends an output row: the left half from row li of lcols (NULLs
// when lcols is nil), the right half likewise; the output of a semi or
// anti join has the left half only.
func (j *joinBase) emit(kind vector.RowKind, lcols []*vector.Vector, li int, rcols []*vector.Vector, ri int) {
	j.reserve(16)
	nl := len(j.leftTypes)
	for k, v := range j.batch.Cols {
		switch {
		case k < nl && lcols != nil:
			v.AppendFrom(lcols[k], li)
		case k >= nl && rcols != nil:
			v.AppendFrom(rcols[k-nl], ri)
		default:
			v.AppendNull()
		}
	}
	j.batch.AppendKind(kind)
}

// reserve makes the output chunk, when there is none yet, with room for
// n rows: most runs emit a row or two, and a chunk sized for them costs a
// fraction of a default one.
func (j *joinBase) reserve(n int) {
	if j.batch == nil {
		j.batch = vector.NewChunk(j.outTypes, max(n, 1))
	}
}

// emitSide appends the row of one side alone: padded with NULLs, or for
// a semi or anti join (whose output is the left) as it is.
func (j *joinBase) emitSide(kind vector.RowKind, cols []*vector.Vector, i int, isLeft bool) {
	if isLeft {
		j.emit(kind, cols, i, nil, 0)
	} else {
		j.emit(kind, nil, 0, cols, i)
	}
}

// flush collects the output rows built so far.
func (j *joinBase) flush(out datastream.Collector[*vector.Chunk]) {
	for k, c := range j.ready {
		out.Collect(c)
		j.ready[k] = nil
	}
	j.ready = j.ready[:0]
	if j.batch != nil && j.batch.Len() > 0 {
		out.Collect(j.batch)
		j.batch = nil
	}
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

// process joins a run of rows of one key from side isLeft.
func (f *joinFunc) process(r *keyedRow, isLeft bool, out datastream.Collector[*vector.Chunk]) error {
	if f.nullKey(r, isLeft) {
		f.unmatchable(r, isLeft)
		f.flush(out)
		return nil
	}
	mine, other := f.left, f.right
	if !isLeft {
		mine, other = f.right, f.left
	}
	// Unless this side's rows change the other side's match counts, the
	// other side is the same for every row of the run.
	var others []joinEntry
	stable := !f.preserves(!isLeft)
	if stable {
		others = other.Get()
	}
	f.adds = f.adds[:0]
	if stable && !hasRetraction(r) {
		if err := f.addRun(r, isLeft, others); err != nil {
			return err
		}
	} else {
		for k := range r.count() {
			i := r.index(k)
			if !stable {
				others = other.Get()
			}
			if err := f.processRow(r.src, i, isLeft, mine, other, others); err != nil {
				return err
			}
		}
	}
	if len(f.adds) > 0 {
		mine.AddAll(f.adds)
	}
	clear(f.adds)
	f.flush(out)
	return nil
}

// nullKey reports whether the run's join key has a NULL: in SQL, NULL
// equals nothing, so such rows match no row of the other side (the rows of
// a run share their key, NULLs included).
func (f *joinFunc) nullKey(r *keyedRow, isLeft bool) bool {
	keys := f.spec.LeftKeys
	if !isLeft {
		keys = f.spec.RightKeys
	}
	i := r.index(0)
	for _, k := range keys {
		if r.src.Cols[k].IsNull(i) {
			return true
		}
	}
	return false
}

// unmatchable handles rows that can match nothing: a preserved side's go
// out padded with NULLs (an anti join's as they are), added or taken back
// as they come; the others are dropped. They are not kept.
func (f *joinFunc) unmatchable(r *keyedRow, isLeft bool) {
	emits := f.spec.Kind == plan.FullJoin || f.spec.Kind == plan.LeftJoin && isLeft ||
		f.spec.Kind == plan.RightJoin && !isLeft || f.spec.Kind == plan.AntiJoin && isLeft
	if !emits {
		return
	}
	f.reserve(r.count())
	for k := range r.count() {
		i := r.index(k)
		kind := vector.Insert
		if isRetract(r.src.Kind(i)) {
			kind = vector.Delete
		}
		f.emitSide(kind, r.src.Cols, i, isLeft)
	}
}

// hasRetraction reports whether a run holds a retraction.
func hasRetraction(r *keyedRow) bool {
	if r.src.Kinds == nil {
		return false
	}
	for k := range r.count() {
		if isRetract(r.src.Kind(r.index(k))) {
			return true
		}
	}
	return false
}

// addRun joins a run of additions whose joining changes nothing of the
// other side (whose rows others are): the candidates of a block of rows
// are evaluated as one chunk. In an inner join that chunk, built in the
// output's types, is the output: the rows that pass go out without a copy.
func (f *joinFunc) addRun(r *keyedRow, isLeft bool, others []joinEntry) error {
	semi := f.spec.Kind == plan.SemiJoin || f.spec.Kind == plan.AntiJoin
	anti := f.spec.Kind == plan.AntiJoin
	// An inner join's output is left ++ right, the pairs' columns.
	inner := f.spec.Kind == plan.InnerJoin && len(f.outTypes) == len(f.condTypes)
	preserved := f.preserves(isLeft)
	n, no := r.count(), len(others)
	for first := 0; first < n; {
		last := first + 1
		for last < n && (last-first+1)*no <= maxPairs {
			last++
		}
		if inner && no == 0 {
			for k := first; k < last; k++ {
				f.adds = append(f.adds, joinEntry{Row: f.encodeAt(r.src, r.index(k))})
			}
			first = last
			continue
		}
		if inner {
			f.pairs = vector.NewChunk(f.outTypes, (last-first)*no)
		} else {
			f.resetPairs()
		}
		for k := first; k < last; k++ {
			i := r.index(k)
			for _, e := range others {
				if err := f.addPair(r.src, i, isLeft, e.Row, r.src.Kind(i)); err != nil {
					return err
				}
			}
		}
		if err := f.evalPairs(); err != nil {
			return err
		}
		if inner {
			f.takePairs()
			for k := first; k < last; k++ {
				f.adds = append(f.adds, joinEntry{Row: f.encodeAt(r.src, r.index(k))})
			}
			first = last
			continue
		}
		lh, rh := f.halves(f.pairs)
		f.reserve(countTrue(f.pass) + last - first)
		for k := first; k < last; k++ {
			i := r.index(k)
			kind := r.src.Kind(i)
			var total int64
			for q := range no {
				p := (k-first)*no + q
				if !f.pass[p] {
					continue
				}
				total++
				if !semi {
					f.emit(kind, lh, p, rh, p)
				}
			}
			switch {
			case semi && !isLeft:
			case semi:
				if (total > 0) != anti {
					f.emitSide(kind, r.src.Cols, i, true)
				}
			case total == 0 && preserved:
				f.emitSide(kind, r.src.Cols, i, isLeft)
			}
			e := joinEntry{Row: f.encodeAt(r.src, i)}
			if preserved {
				e.Matches = total
			}
			f.adds = append(f.adds, e)
		}
		first = last
	}
	return nil
}

// takePairs hands the pairs that passed on as an output chunk, after the
// rows emitted so far, and leaves the join without a scratch chunk.
func (j *joinBase) takePairs() {
	c := j.pairs
	j.pairs = nil
	if c == nil || c.Len() == 0 {
		return
	}
	passed := countTrue(j.pass)
	if passed == 0 {
		return
	}
	if passed < c.Len() {
		c.Sel = make([]int32, 0, passed)
		for p, ok := range j.pass {
			if ok {
				c.Sel = append(c.Sel, int32(p))
			}
		}
		c.Compact()
	}
	if j.batch != nil && j.batch.Len() > 0 {
		j.ready = append(j.ready, j.batch)
		j.batch = nil
	}
	j.ready = append(j.ready, c)
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// processRow joins row i of src with the other side's rows others.
func (f *joinFunc) processRow(src *vector.Chunk, i int, isLeft bool, mine, other state.ListState[joinEntry], others []joinEntry) error {
	kind := src.Kind(i)
	retract := isRetract(kind)
	enc := f.encodeAt(src, i)
	if retract {
		// The run's additions so far may hold the row.
		if len(f.adds) > 0 {
			mine.AddAll(f.adds)
			clear(f.adds)
			f.adds = f.adds[:0]
		}
		rows := mine.Get()
		at := slices.IndexFunc(rows, func(e joinEntry) bool { return e.Row == enc })
		if at < 0 {
			return nil // nothing to retract (never added, or state expired)
		}
		if len(rows) == 1 {
			mine.Clear()
		} else {
			mine.Update(slices.Delete(slices.Clone(rows), at, at+1))
		}
	}
	f.resetPairs()
	for _, e := range others {
		if err := f.addPair(src, i, isLeft, e.Row, vector.Insert); err != nil {
			return err
		}
	}
	if err := f.evalPairs(); err != nil {
		return err
	}
	f.matched = f.matched[:0]
	for p, ok := range f.pass {
		if ok {
			f.matched = append(f.matched, p)
		}
	}
	total := int64(len(f.matched))
	semi := f.spec.Kind == plan.SemiJoin || f.spec.Kind == plan.AntiJoin
	anti := f.spec.Kind == plan.AntiJoin
	lh, rh := f.halves(f.pairs)
	theirs := rh
	if !isLeft {
		theirs = lh
	}
	// The other side's preserved rows gain or lose this row as a match.
	if f.preserves(!isLeft) && total > 0 {
		f.updated = append(f.updated[:0], others...)
		for _, p := range f.matched {
			m := &f.updated[p]
			before := m.Matches
			if retract {
				m.Matches--
			} else {
				m.Matches++
			}
			switch {
			case before == 0 && !retract: // first match
				switch {
				case anti:
					f.emitSide(vector.Delete, theirs, p, true)
				case semi:
					f.emitSide(vector.Insert, theirs, p, true)
				default:
					f.emitSide(vector.Delete, theirs, p, !isLeft)
				}
			case m.Matches == 0 && retract: // last match gone
				switch {
				case anti:
					f.emitSide(vector.Insert, theirs, p, true)
				case semi:
					f.emitSide(vector.Delete, theirs, p, true)
				}
			}
		}
		other.Update(f.updated)
	}
	// This row's own output.
	switch {
	case semi && !isLeft:
	case semi:
		if (total > 0) != anti {
			f.emitSide(kind, src.Cols, i, true)
		}
	default:
		for _, p := range f.matched {
			f.emit(kind, lh, p, rh, p)
		}
		if total == 0 && f.preserves(isLeft) {
			f.emitSide(kind, src.Cols, i, isLeft)
		}
	}
	// Padded rows of the other side come back after this row's retraction.
	if retract && f.preserves(!isLeft) && !semi && total > 0 {
		for _, p := range f.matched {
			if f.updated[p].Matches == 0 {
				f.emitSide(vector.Insert, theirs, p, !isLeft)
			}
		}
	}
	if !retract {
		e := joinEntry{Row: enc}
		if f.preserves(isLeft) {
			e.Matches = total
		}
		f.adds = append(f.adds, e)
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

// toRowsFunc splits chunks into keyed rows for a hash exchange, the rows'
// values boxed (for the operators that read keyedRow.vals). The values of
// a chunk's rows share one slice, and a string column's values are
// substrings of one copy of its bytes, so a chunk costs a few allocations
// plus one per boxed number instead of a slice and a string per row.
type toRowsFunc struct {
	keys []int
	buf  []byte
	ends []int
	view vector.Chunk
}

func (f *toRowsFunc) ProcessElement(c *vector.Chunk, _ *datastream.ProcessContext, out datastream.Collector[*keyedRow]) error {
	n := c.Live()
	if n == 0 {
		return nil
	}
	at := func(j int) int {
		if c.Sel != nil {
			return int(c.Sel[j])
		}
		return j
	}
	f.view.Cols = f.view.Cols[:0]
	for _, k := range f.keys {
		f.view.Cols = append(f.view.Cols, c.Cols[k])
	}
	f.view.SetLen(c.Len())
	f.buf, f.ends = f.buf[:0], f.ends[:0]
	for j := range n {
		f.buf = vector.AppendRow(f.buf, &f.view, at(j))
		f.ends = append(f.ends, len(f.buf))
	}
	keys := string(f.buf)
	nc := len(c.Cols)
	vals := make([]any, n*nc)
	for k, v := range c.Cols {
		boxColumn(v, n, at, vals[k:], nc)
	}
	rows := make([]keyedRow, n)
	start := 0
	for j := range n {
		r := &rows[j]
		r.key, r.kind, r.vals = keys[start:f.ends[j]], c.Kind(at(j)), vals[j*nc:(j+1)*nc:(j+1)*nc]
		start = f.ends[j]
		out.Collect(r)
	}
	return nil
}

// boxColumn writes the live values of v as Go values (what Vector.Get
// returns) to dst[0], dst[stride], …
func boxColumn(v *vector.Vector, n int, at func(int) int, dst []any, stride int) {
	if t := v.Type().Kind; (t == types.KindChar || t == types.KindVarChar) && !v.IsConst() {
		// One copy of the column's bytes; the values are substrings of it.
		all := string(v.Data)
		for j := range n {
			i := at(j)
			if !v.IsNull(i) {
				dst[j*stride] = all[v.Offsets[i]:v.Offsets[i+1]]
			}
		}
		return
	}
	for j := range n {
		dst[j*stride] = v.Get(at(j))
	}
}

// joinInput builds the exchange in front of one input of join n: runs of
// rows of one key for the regular, interval and window joins, which take
// them, boxed rows for the temporal join.
func (b *builder) joinInput(n, ex *plan.Node) (*datastream.KeyedStream[*keyedRow, string], error) {
	if n.Join.Temporal != nil {
		return b.keyed(ex)
	}
	return b.keyedGroups(ex)
}
