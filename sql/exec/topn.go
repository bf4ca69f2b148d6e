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

// rankedRow is a decoded row of a partition with its multiplicity.
type rankedRow struct {
	enc   string
	vals  []any
	count int64
	rank  int64
}

// compareKeys orders two rows by the sort keys, then, so that ties rank
// the same in every run, by all their columns and their encoding.
func compareKeys(keys []plan.SortKey, a, b rankedRow) int {
	for _, k := range keys {
		if c := compareNullable(a.vals[k.Col], b.vals[k.Col], k.NullsFirst); c != 0 {
			if k.Desc && (a.vals[k.Col] != nil && b.vals[k.Col] != nil) {
				return -c
			}
			return c
		}
	}
	for i := range a.vals {
		if c := compareNullable(a.vals[i], b.vals[i], true); c != 0 {
			return c
		}
	}
	return strings.Compare(a.enc, b.enc)
}

// compareNullable orders values with NULL first or last.
func compareNullable(a, b any, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if nullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if nullsFirst {
			return 1
		}
		return -1
	}
	return compareValues(a, b)
}

// rankFunc is an updating Top-N: a partition's rows are kept in keyed
// state (encoded row → multiplicity); on every change it ranks them and
// emits the difference of the first Limit rows with their row numbers:
// -D for rows (or row numbers) that left, +I for those that came. With an
// insert-only input a row that falls out of the first Limit can never
// come back, so only those rows are kept.
type rankFunc struct {
	spec     *plan.RankSpec
	inTypes  []types.Type
	outTypes []types.Type
	prune    bool
	ttl      state.TTL // table.exec.state.ttl

	rows  state.MapState[string, int64]
	codec *rowCodec
	out   *rowBuilder
}

func (f *rankFunc) Open(rc *datastream.RuntimeContext) error {
	m, err := datastream.GetMapState(rc, state.Map[string, int64]("rows").WithTTL(f.ttl))
	f.rows, f.codec, f.out = m, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

// top ranks the partition: its rows (one per copy) whose rank is at most
// Limit, with their ranks. ROW_NUMBER numbers the rows; RANK gives rows
// equal on the sort keys the same rank and skips; DENSE_RANK does not
// skip.
func (f *rankFunc) top() ([]rankedRow, error) {
	var all []rankedRow
	for k, n := range f.rows.All() {
		vals, err := f.codec.decode(k)
		if err != nil {
			return nil, err
		}
		all = append(all, rankedRow{enc: k, vals: vals, count: n})
	}
	slices.SortFunc(all, func(a, b rankedRow) int { return compareKeys(f.spec.Order, a, b) })
	var out []rankedRow
	var n, dense, rank int64
	var prev []any
	for _, r := range all {
		for range r.count {
			n++
			switch f.spec.Func {
			case "RANK", "DENSE_RANK":
				if prev == nil || !sameKeys(f.spec.Order, prev, r.vals) {
					dense++
					rank = n
				}
				prev = r.vals
				if f.spec.Func == "DENSE_RANK" {
					rank = dense
				}
			default:
				rank = n
			}
			if f.spec.Limit >= 0 && rank > f.spec.Limit {
				return out, nil
			}
			out = append(out, rankedRow{enc: r.enc, vals: r.vals, count: 1, rank: rank})
		}
	}
	return out, nil
}

// sameKeys reports whether two rows are equal on the sort keys.
func sameKeys(keys []plan.SortKey, a, b []any) bool {
	for _, k := range keys {
		if compareNullable(a[k.Col], b[k.Col], true) != 0 {
			return false
		}
	}
	return true
}

func (f *rankFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	before, err := f.top()
	if err != nil {
		return err
	}
	enc := f.codec.encode(r.vals)
	n, _ := f.rows.Get(enc)
	if isRetract(r.kind) {
		if n <= 0 {
			return nil
		}
		n--
	} else {
		n++
	}
	if n <= 0 {
		f.rows.Remove(enc)
	} else {
		f.rows.Put(enc, n)
	}
	after, err := f.top()
	if err != nil {
		return err
	}
	// Diff the multisets of (rank, row).
	key := func(r rankedRow) string { return fmt.Sprintf("%d|%s", r.rank, r.enc) }
	diff := map[string]int64{}
	for _, r := range after {
		diff[key(r)]++
	}
	for _, r := range before {
		diff[key(r)]--
	}
	for _, r := range before {
		if k := key(r); diff[k] < 0 {
			diff[k]++
			if err := f.out.add(vector.Delete, append(slices.Clone(r.vals), r.rank)); err != nil {
				return err
			}
		}
	}
	for _, r := range after {
		if k := key(r); diff[k] > 0 {
			diff[k]--
			if err := f.out.add(vector.Insert, append(slices.Clone(r.vals), r.rank)); err != nil {
				return err
			}
		}
	}
	if f.prune && f.spec.Limit >= 0 {
		keep := map[string]bool{}
		for _, r := range after {
			keep[r.enc] = true
		}
		var gone []string
		for k := range f.rows.All() {
			if !keep[k] {
				gone = append(gone, k)
			}
		}
		for _, k := range gone {
			f.rows.Remove(k)
		}
		// Copies beyond the limit go too.
		counts := map[string]int64{}
		for _, r := range after {
			counts[r.enc]++
		}
		for k, c := range counts {
			if m, _ := f.rows.Get(k); m > c {
				f.rows.Put(k, c)
			}
		}
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// dedupFunc keeps the first row of each partition by a time attribute:
// on proctime the first row that arrives, emitted at once; on rowtime the
// row with the smallest time, emitted once the watermark passes it (a
// later row with a smaller time would be late). Insert-only. The
// partition remembers that it emitted, so later rows are dropped.
type dedupFunc struct {
	spec     *plan.RankSpec
	inTypes  []types.Type
	outTypes []types.Type
	ttl      state.TTL // table.exec.state.ttl

	first state.ValueState[dedupState]
	codec *rowCodec
	out   *rowBuilder
}

// dedupState is a partition's candidate (rowtime) or emitted row.
type dedupState struct {
	Row     string
	Time    int64
	Emitted bool
}

func (f *dedupFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[dedupState]("first").WithTTL(f.ttl))
	f.first, f.codec, f.out = v, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

func (f *dedupFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the input is insert-only
	}
	st, exists := f.first.Value()
	if st.Emitted {
		return nil
	}
	if f.spec.TimeCol < 0 {
		f.first.Update(dedupState{Emitted: true})
		if err := f.out.add(vector.Insert, append(slices.Clone(r.vals), int64(1))); err != nil {
			return err
		}
		if c := f.out.take(); c != nil {
			out.Collect(c)
		}
		return nil
	}
	ts, ok := r.vals[f.spec.TimeCol].(types.TimestampValue)
	if !ok {
		return nil
	}
	timers := ctx.TimerService()
	if ts.Millis <= timers.CurrentWatermark() {
		return nil // late
	}
	enc := f.codec.encode(r.vals)
	if !exists || ts.Millis < st.Time || ts.Millis == st.Time && enc < st.Row {
		f.first.Update(dedupState{Row: enc, Time: ts.Millis})
		timers.RegisterEventTimeTimer(ts.Millis)
	}
	return nil
}

func (f *dedupFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	st, ok := f.first.Value()
	if !ok || st.Emitted || st.Time > ts {
		return nil
	}
	vals, err := f.codec.decode(st.Row)
	if err != nil {
		return err
	}
	f.first.Update(dedupState{Emitted: true})
	if err := f.out.add(vector.Insert, append(vals, int64(1))); err != nil {
		return err
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// windowRankFunc is a window Top-N: the rows of a partition (which
// includes the window's bounds) are buffered until the watermark passes
// the window's end, then ranked once; the first Limit go out, final and
// insert-only, and the state is dropped. Late rows are dropped.
type windowRankFunc struct {
	spec     *plan.RankSpec
	inTypes  []types.Type
	outTypes []types.Type

	rows  state.MapState[string, int64]
	codec *rowCodec
	out   *rowBuilder
}

func (f *windowRankFunc) Open(rc *datastream.RuntimeContext) error {
	m, err := datastream.GetMapState(rc, state.Map[string, int64]("rows"))
	f.rows, f.codec, f.out = m, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

func (f *windowRankFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil
	}
	end, ok := r.vals[f.spec.WindowEnd].(types.TimestampValue)
	if !ok {
		return fmt.Errorf("window Top-N: window_end is %T", r.vals[f.spec.WindowEnd])
	}
	timers := ctx.TimerService()
	if end.Millis-1 <= timers.CurrentWatermark() {
		return nil // late
	}
	enc := f.codec.encode(r.vals)
	n, _ := f.rows.Get(enc)
	f.rows.Put(enc, n+1)
	timers.RegisterEventTimeTimer(end.Millis - 1)
	return nil
}

func (f *windowRankFunc) OnTimer(_ int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	rf := &rankFunc{spec: f.spec, rows: f.rows, codec: f.codec}
	top, err := rf.top()
	if err != nil {
		return err
	}
	for _, r := range top {
		if err := f.out.add(vector.Insert, append(slices.Clone(r.vals), r.rank)); err != nil {
			return err
		}
	}
	f.rows.Clear()
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
