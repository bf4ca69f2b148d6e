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

// windowJoinFunc is a window join: both sides' rows are buffered per
// window (state keys prefixed by the window's end) and joined once the
// watermark passes the window's end, inner or outer; the output is final
// and insert-only, and the window's state is dropped. Rows of a window
// that already closed are late and dropped, as Flink does.
type windowJoinFunc struct {
	joinBase
	left, right state.MapState[string, int64]
}

func (f *windowJoinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	f.left, f.right, err = sideStates[int64](rc)
	if err != nil {
		return err
	}
	return f.openBase()
}

// windowPrefix orders state keys by window end.
func windowPrefix(end int64) string { return fmt.Sprintf("%020d|", end) }

func (f *windowJoinFunc) ProcessElement1(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	return f.buffer(r, f.left, f.lc, f.spec.Window.LeftEnd, ctx)
}

func (f *windowJoinFunc) ProcessElement2(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	return f.buffer(r, f.right, f.rc, f.spec.Window.RightEnd, ctx)
}

func (f *windowJoinFunc) buffer(r *keyedRow, side state.MapState[string, int64], codec *rowCodec, endCol int, ctx *datastream.KeyedContext[string]) error {
	if isRetract(r.kind) {
		return nil // the inputs are insert-only
	}
	end, ok := r.vals[endCol].(types.TimestampValue)
	if !ok {
		return fmt.Errorf("window join: window_end is %T", r.vals[endCol])
	}
	timers := ctx.TimerService()
	if end.Millis-1 <= timers.CurrentWatermark() {
		return nil // late
	}
	k := windowPrefix(end.Millis) + codec.encode(r.vals)
	n, _ := side.Get(k)
	side.Put(k, n+1)
	timers.RegisterEventTimeTimer(end.Millis - 1)
	return nil
}

// take removes and returns the rows of the window ending at end+1.
func takeWindow(side state.MapState[string, int64], codec *rowCodec, end int64) ([][]any, []int64, error) {
	prefix := windowPrefix(end + 1)
	var keys []string
	var rows [][]any
	var counts []int64
	for k, n := range side.All() {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		vals, err := codec.decode(k[len(prefix):])
		if err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		rows = append(rows, vals)
		counts = append(counts, n)
	}
	for _, k := range keys {
		side.Remove(k)
	}
	// State iterates in no fixed order; sorted, the output is the same in
	// every run.
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	sr, sc := make([][]any, len(idx)), make([]int64, len(idx))
	for i, j := range idx {
		sr[i], sc[i] = rows[j], counts[j]
	}
	return sr, sc, nil
}

func (f *windowJoinFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	ls, lcounts, err := takeWindow(f.left, f.lc, ts)
	if err != nil {
		return err
	}
	rs, rcounts, err := takeWindow(f.right, f.rc, ts)
	if err != nil {
		return err
	}
	kind := f.spec.Kind
	rightMatched := make([]bool, len(rs))
	for i, l := range ls {
		cands := make([][]any, len(rs))
		for j, r := range rs {
			cands[j] = concat(l, r)
		}
		pass, err := passing(f.cond, f.condTypes, cands)
		if err != nil {
			return err
		}
		matched := false
		for j := range rs {
			if !pass[j] {
				continue
			}
			matched, rightMatched[j] = true, true
			if kind == plan.SemiJoin || kind == plan.AntiJoin {
				continue
			}
			for range lcounts[i] * rcounts[j] {
				if err := f.out.add(vector.Insert, cands[j]); err != nil {
					return err
				}
			}
		}
		var emit []any
		switch {
		case kind == plan.SemiJoin && matched, kind == plan.AntiJoin && !matched:
			emit = l
		case !matched && (kind == plan.LeftJoin || kind == plan.FullJoin):
			emit = concat(l, make([]any, len(f.rightTypes)))
		}
		if emit != nil {
			for range lcounts[i] {
				if err := f.out.add(vector.Insert, emit); err != nil {
					return err
				}
			}
		}
	}
	if kind == plan.RightJoin || kind == plan.FullJoin {
		for j, r := range rs {
			if rightMatched[j] {
				continue
			}
			for range rcounts[j] {
				if err := f.out.add(vector.Insert, concat(make([]any, len(f.leftTypes)), r)); err != nil {
					return err
				}
			}
		}
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
