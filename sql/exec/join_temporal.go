package exec

import (
	"slices"
	"strings"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// version is a row of the versioned table valid from TS on; Deleted
// marks a deletion of the key.
type version struct {
	TS      int64
	Row     string
	Deleted bool
}

// temporalJoinFunc is a temporal join keyed by the join keys (which hold
// the versioned table's primary key). The right side's versions are kept
// in time order. On event time, left rows wait until the watermark passes
// their time, then each joins the version valid at its time (the latest
// with a time not after it); versions older than the one valid at the
// watermark are dropped. On processing time a left row joins the latest
// version at once. A left row without a version (or failing the
// condition) goes out padded with NULLs in a LEFT join. Insert-only.
type temporalJoinFunc struct {
	joinBase
	versions state.ValueState[[]version]
	pending  state.ValueState[[]overRow]
}

func (f *temporalJoinFunc) Open(rc *datastream.RuntimeContext) error {
	var err error
	if f.versions, err = datastream.GetValueState(rc, state.Value[[]version]("versions")); err != nil {
		return err
	}
	if f.pending, err = datastream.GetValueState(rc, state.Value[[]overRow]("pending")); err != nil {
		return err
	}
	return f.openBase()
}

// ProcessElement1 takes a left row.
func (f *temporalJoinFunc) ProcessElement1(r *keyedRow, ctx *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return nil // the left input is insert-only
	}
	t := f.spec.Temporal
	if t.ProcTime {
		vs, _ := f.versions.Value()
		if err := f.join(r.vals, latest(vs, 1<<62)); err != nil {
			return err
		}
		if c := f.out.take(); c != nil {
			out.Collect(c)
		}
		return nil
	}
	ts, ok := r.vals[t.LeftTime].(types.TimestampValue)
	if !ok {
		return nil
	}
	timers := ctx.TimerService()
	if ts.Millis <= timers.CurrentWatermark() {
		return nil // late
	}
	p, _ := f.pending.Value()
	f.pending.Update(append(slices.Clone(p), overRow{TS: ts.Millis, Row: f.lc.encode(r.vals)}))
	timers.RegisterEventTimeTimer(ts.Millis)
	return nil
}

// ProcessElement2 takes a version of the right.
func (f *temporalJoinFunc) ProcessElement2(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	t := f.spec.Temporal
	v := version{TS: ctx.TimerService().CurrentProcessingTime(), Row: f.rc.encode(r.vals), Deleted: r.kind == vector.Delete}
	if r.kind == vector.UpdateBefore {
		return nil // the +U that follows is the new version
	}
	if !t.ProcTime {
		ts, ok := r.vals[t.RightTime].(types.TimestampValue)
		if !ok {
			return nil
		}
		v.TS = ts.Millis
	}
	if !t.ProcTime && v.TS > ctx.TimerService().CurrentWatermark() {
		// To drop the versions this one outdates.
		ctx.TimerService().RegisterEventTimeTimer(v.TS)
	}
	vs, _ := f.versions.Value()
	vs = append(slices.Clone(vs), v)
	// Versions of equal time order by their rows, so the result does not
	// depend on the order they arrived in.
	slices.SortStableFunc(vs, func(a, b version) int {
		if c := cmp3(a.TS, b.TS); c != 0 {
			return c
		}
		return strings.Compare(a.Row, b.Row)
	})
	if t.ProcTime {
		vs = vs[len(vs)-1:]
	}
	f.versions.Update(vs)
	return nil
}

// latest returns the version valid at ts (nil: none).
func latest(vs []version, ts int64) *version {
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].TS <= ts {
			return &vs[i]
		}
	}
	return nil
}

// join emits a left row joined with version v.
func (f *temporalJoinFunc) join(left []any, v *version) error {
	if v != nil && !v.Deleted {
		right, err := f.rc.decode(v.Row)
		if err != nil {
			return err
		}
		row := concat(left, right)
		ok, err := passing(f.cond, f.condTypes, [][]any{row})
		if err != nil {
			return err
		}
		if ok[0] {
			return f.out.add(vector.Insert, row)
		}
	}
	if f.spec.Kind == plan.LeftJoin {
		return f.out.add(vector.Insert, concat(left, make([]any, len(f.rightTypes))))
	}
	return nil
}

func (f *temporalJoinFunc) OnTimer(ts int64, _ *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	p, _ := f.pending.Value()
	vs, _ := f.versions.Value()
	var ready, waiting []overRow
	for _, r := range p {
		if r.TS <= ts {
			ready = append(ready, r)
		} else {
			waiting = append(waiting, r)
		}
	}
	slices.SortStableFunc(ready, func(a, b overRow) int { return cmp3(a.TS, b.TS) })
	for _, r := range ready {
		left, err := f.lc.decode(r.Row)
		if err != nil {
			return err
		}
		if err := f.join(left, latest(vs, r.TS)); err != nil {
			return err
		}
	}
	if len(waiting) == 0 {
		f.pending.Clear()
	} else {
		f.pending.Update(waiting)
	}
	// Versions before the one valid at the watermark serve no later row.
	for i := len(vs) - 1; i > 0; i-- {
		if vs[i].TS <= ts {
			f.versions.Update(slices.Clone(vs[i:]))
			break
		}
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
