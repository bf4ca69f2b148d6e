package exec

import (
	"slices"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// intervalRec is a buffered row of an interval join: its multiplicity
// and the watermark after which no row of the other side can match it.
type intervalRec struct {
	Count  int64
	Expire int64
	// Matched records, for the preserved side of an outer join, that the
	// row joined at least once.
	Matched bool
}

// intervalJoinFunc is an inner interval join of two insert-only inputs
// keyed by the join keys: each row joins with the other side's buffered
// rows that pass the condition (which holds the time bounds) and is
// buffered until the watermark passes the last time a row of the other
// side could match it: for a left row at t, t - Lower; for a right row,
// t + Upper. An outer join emits a preserved row padded with NULLs when
// it expires without having matched. The output is insert-only.
type intervalJoinFunc struct {
	joinBase
	left, right state.MapState[string, intervalRec]
}

func (f *intervalJoinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	f.left, f.right, err = sideStates[intervalRec](rc)
	if err != nil {
		return err
	}
	return f.openBase()
}

func (f *intervalJoinFunc) ProcessElement1(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, true, ctx, out)
}

func (f *intervalJoinFunc) ProcessElement2(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, false, ctx, out)
}

func (f *intervalJoinFunc) process(r *keyedRow, isLeft bool, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the inputs are insert-only
	}
	iv := f.spec.Interval
	mine, other, myCodec, otherCodec, timeCol := f.left, f.right, f.lc, f.rc, iv.LeftTime
	if !isLeft {
		mine, other, myCodec, otherCodec, timeCol = f.right, f.left, f.rc, f.lc, iv.RightTime
	}
	ts, ok := r.vals[timeCol].(types.TimestampValue)
	if !ok {
		// A NULL time matches nothing.
		if f.preserves(isLeft) {
			if err := f.out.add(vector.Insert, f.pad(r.vals, isLeft)); err != nil {
				return err
			}
			if c := f.out.take(); c != nil {
				out.Collect(c)
			}
		}
		return nil
	}
	var cands [][]any
	var keys []string
	var recs []intervalRec
	for _, k := range sortedKeys(other) {
		rec, _ := other.Get(k)
		ov, err := otherCodec.decode(k)
		if err != nil {
			return err
		}
		if isLeft {
			cands = append(cands, concat(r.vals, ov))
		} else {
			cands = append(cands, concat(ov, r.vals))
		}
		keys, recs = append(keys, k), append(recs, rec)
	}
	pass, err := passing(f.cond, f.condTypes, cands)
	if err != nil {
		return err
	}
	matched := false
	for i, row := range cands {
		if !pass[i] {
			continue
		}
		matched = true
		for range recs[i].Count {
			if err := f.out.add(vector.Insert, row); err != nil {
				return err
			}
		}
		if f.preserves(!isLeft) && !recs[i].Matched {
			recs[i].Matched = true
			other.Put(keys[i], recs[i])
		}
	}
	expire := ts.Millis - iv.Lower
	if !isLeft {
		expire = ts.Millis + iv.Upper
	}
	timers := ctx.TimerService()
	if expire > timers.CurrentWatermark() {
		enc := myCodec.encode(r.vals)
		rec, _ := mine.Get(enc)
		rec.Count++
		rec.Expire = expire
		rec.Matched = rec.Matched || matched
		mine.Put(enc, rec)
		timers.RegisterEventTimeTimer(expire)
	} else if !matched && f.preserves(isLeft) {
		if err := f.out.add(vector.Insert, f.pad(r.vals, isLeft)); err != nil {
			return err
		}
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// preserves reports whether the join emits the unmatched rows of a side.
func (f *intervalJoinFunc) preserves(left bool) bool {
	switch f.spec.Kind {
	case plan.LeftJoin:
		return left
	case plan.RightJoin:
		return !left
	case plan.FullJoin:
		return true
	}
	return false
}

func (f *intervalJoinFunc) pad(vals []any, isLeft bool) []any {
	if isLeft {
		return concat(vals, make([]any, len(f.rightTypes)))
	}
	return concat(make([]any, len(f.leftTypes)), vals)
}

// OnTimer drops the rows no future row can match, emitting the unmatched
// ones of a preserved side padded with NULLs.
func (f *intervalJoinFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	for i, side := range []state.MapState[string, intervalRec]{f.left, f.right} {
		isLeft := i == 0
		codec := f.lc
		if !isLeft {
			codec = f.rc
		}
		var gone []string
		for _, k := range sortedKeys(side) {
			rec, _ := side.Get(k)
			if rec.Expire > ts {
				continue
			}
			gone = append(gone, k)
			if rec.Matched || !f.preserves(isLeft) {
				continue
			}
			vals, err := codec.decode(k)
			if err != nil {
				return err
			}
			for range rec.Count {
				if err := f.out.add(vector.Insert, f.pad(vals, isLeft)); err != nil {
					return err
				}
			}
		}
		for _, k := range gone {
			side.Remove(k)
		}
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// sortedKeys lists a map state's keys in order: state iterates in no
// fixed order, and sorted the output is the same in every run.
func sortedKeys[V any](m state.MapState[string, V]) []string {
	var keys []string
	for k := range m.All() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
