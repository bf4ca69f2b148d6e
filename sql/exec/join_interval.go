package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// intervalEntry is a buffered row of an interval join (one entry per
// copy): the row in package vector's row format and the watermark after
// which no row of the other side can match it.
type intervalEntry struct {
	Row    string
	Expire int64
	// Matched records, for the preserved side of an outer join, that the
	// row joined at least once.
	Matched bool
}

// intervalJoinFunc is an interval join of two insert-only inputs keyed by
// the join keys: each row joins with the other side's buffered rows that
// pass the condition (which holds the time bounds) and is buffered, in
// keyed list state, until the watermark passes the last time a row of the
// other side could match it: for a left row at t, t - Lower; for a right
// row, t + Upper. An outer join emits a preserved row padded with NULLs
// when it expires without having matched. The output is insert-only.
//
// Like the regular join it takes runs of rows of one key and keeps rows
// typed: the candidates of a run are evaluated as one chunk.
type intervalJoinFunc struct {
	joinBase
	left, right state.ListState[intervalEntry]
	adds        []intervalEntry
	updated     []intervalEntry
	keep        []intervalEntry
}

func (f *intervalJoinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	if f.left, err = datastream.GetListState(rc, state.List[intervalEntry]("left")); err != nil {
		return err
	}
	if f.right, err = datastream.GetListState(rc, state.List[intervalEntry]("right")); err != nil {
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

// process joins a run of rows of one key from side isLeft.
func (f *intervalJoinFunc) process(r *keyedRow, isLeft bool, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	iv := f.spec.Interval
	mine, other, timeCol := f.left, f.right, iv.LeftTime
	if !isLeft {
		mine, other, timeCol = f.right, f.left, iv.RightTime
	}
	times := r.src.Cols[timeCol]
	timers := ctx.TimerService()
	others := other.Get()
	// The other side's rows that gain their first match (preserved side).
	f.updated = f.updated[:0]
	otherMatched := false
	if f.preserves(!isLeft) {
		f.updated = append(f.updated, others...)
	}
	f.adds = f.adds[:0]
	n, no := r.count(), len(others)
	for first := 0; first < n; {
		last := first + 1
		for last < n && (last-first+1)*no <= maxPairs {
			last++
		}
		f.resetPairs()
		for k := first; k < last; k++ {
			for _, e := range others {
				if err := f.addPair(r.src, r.index(k), isLeft, e.Row, vector.Insert); err != nil {
					return err
				}
			}
		}
		if err := f.evalPairs(); err != nil {
			return err
		}
		lh, rh := f.halves(f.pairs)
		f.reserve(countTrue(f.pass) + last - first)
		for k := first; k < last; k++ {
			i := r.index(k)
			if isRetract(r.src.Kind(i)) {
				continue // the inputs are insert-only
			}
			if times.IsNull(i) {
				// A NULL time matches nothing.
				if f.preserves(isLeft) {
					f.emitSide(vector.Insert, r.src.Cols, i, isLeft)
				}
				continue
			}
			matched := false
			for q := range no {
				p := (k-first)*no + q
				if !f.pass[p] {
					continue
				}
				matched = true
				f.emit(vector.Insert, lh, p, rh, p)
				if f.preserves(!isLeft) && !f.updated[q].Matched {
					f.updated[q].Matched, otherMatched = true, true
				}
			}
			ts := times.TimestampAt(i).Millis
			expire := ts - iv.Lower
			if !isLeft {
				expire = ts + iv.Upper
			}
			if expire > timers.CurrentWatermark() {
				f.adds = append(f.adds, intervalEntry{Row: f.encodeAt(r.src, i), Expire: expire, Matched: matched})
				timers.RegisterEventTimeTimer(expire)
			} else if !matched && f.preserves(isLeft) {
				f.emitSide(vector.Insert, r.src.Cols, i, isLeft)
			}
		}
		first = last
	}
	if otherMatched {
		other.Update(f.updated)
	}
	clear(f.updated)
	if len(f.adds) > 0 {
		mine.AddAll(f.adds)
	}
	clear(f.adds)
	f.flush(out)
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

// OnTimer drops the rows no future row can match, emitting the unmatched
// ones of a preserved side padded with NULLs.
func (f *intervalJoinFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	for _, isLeft := range []bool{true, false} {
		side := f.left
		if !isLeft {
			side = f.right
		}
		all := side.Get()
		f.keep = f.keep[:0]
		for _, e := range all {
			if e.Expire > ts {
				f.keep = append(f.keep, e)
				continue
			}
			if e.Matched || !f.preserves(isLeft) {
				continue
			}
			if err := f.emitEncoded(e.Row, isLeft); err != nil {
				return err
			}
		}
		switch {
		case len(f.keep) == 0:
			if len(all) > 0 {
				side.Clear()
			}
		case len(f.keep) < len(all):
			side.Update(f.keep)
		}
		clear(f.keep)
	}
	f.flush(out)
	return nil
}

// emitEncoded emits a row of side isLeft, kept encoded, padded with NULLs.
func (j *joinBase) emitEncoded(row string, isLeft bool) error {
	j.reserve(16)
	mine, theirs := j.halves(j.batch)
	if !isLeft {
		mine, theirs = theirs, mine
	}
	if err := j.decodeInto(mine, j.batch.Len(), row); err != nil {
		return err
	}
	for _, v := range theirs {
		v.AppendNull()
	}
	j.batch.AppendKind(vector.Insert)
	return nil
}
