package exec

import (
	"fmt"
	"unsafe"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// buildWindowDedup builds a window deduplication (a Rank planned as
// WindowDeduplicate): rows keyed by the partition, window bounds
// included, read typed.
func (b *builder) buildWindowDedup(n *plan.Node, outTypes []types.Type) (*datastream.DataStream[*vector.Chunk], error) {
	k, err := b.keyedTyped(n.Inputs[0])
	if err != nil {
		return nil, err
	}
	f := &windowDedupFunc{spec: n.Rank, inTypes: plainTypes(n.Inputs[0].Types()), outTypes: outTypes}
	s := datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f))
	if len(n.Rank.Partition) == 0 {
		s = s.SetParallelism(1)
	}
	return s, nil
}

// windowDedupFunc is Flink's window deduplication: per window and key
// (the partition) it keeps one row, the first by the rowtime column
// (ascending) or the last (descending), and emits it with row number 1
// when the watermark passes the window's end; late rows are dropped.
// Unlike the window Top-N it never holds more than that row: a row
// either replaces it or is dropped on arrival.
//
// Rows of equal time are ordered as the window Top-N orders ties (by all
// their columns, then their encoding), so the row kept does not depend on
// the order rows of different subtasks arrive in.
type windowDedupFunc struct {
	spec     *plan.RankSpec
	inTypes  []types.Type
	outTypes []types.Type

	kept  state.ValueState[dedupRow]
	codec *rowCodec
	row   *vector.Chunk // a kept row, decoded to emit it
	batch fireBatch
}

// dedupRow is the row a window and key keep: encoded, with its time
// (Null: the time is NULL).
type dedupRow struct {
	Row  []byte
	Time int64
	Null bool
}

func (f *windowDedupFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[dedupRow]("kept"))
	if err != nil {
		return err
	}
	f.kept, f.codec = v, newRowCodec(f.inTypes)
	f.row = vector.NewChunk(f.inTypes, 1)
	f.batch = fireBatch{types: f.outTypes}
	return nil
}

func (f *windowDedupFunc) ProcessElement(r *keyedRow, ctx *datastream.KeyedContext[string], _ datastream.Collector[*vector.Chunk]) error {
	if isRetract(r.kind) {
		return fmt.Errorf("window deduplication: the input must be insert-only, got a %s row", r.kind)
	}
	ev := r.src.Cols[f.spec.WindowEnd]
	if ev.IsNull(r.at) {
		return fmt.Errorf("window deduplication: window_end is NULL")
	}
	end := ev.TimestampAt(r.at).Millis
	timers := ctx.TimerService()
	if end-1 <= timers.CurrentWatermark() {
		return nil // late: its window fired
	}
	tv := r.src.Cols[f.spec.TimeCol]
	null := tv.IsNull(r.at)
	var t int64
	if !null {
		t = tv.TimestampAt(r.at).Millis
	}
	cur, exists := f.kept.Value()
	if exists {
		better, err := f.precedes(r, t, null, &cur)
		if err != nil || !better {
			return err
		}
	} else {
		timers.RegisterEventTimeTimer(end - 1)
	}
	// The kept row's buffer is reused: the state hands out its own copy
	// when a snapshot still reads the old one.
	cur.Row = vector.AppendRow(cur.Row[:0], r.src, r.at)
	cur.Time, cur.Null = t, null
	f.kept.Update(cur)
	return nil
}

// precedes reports whether row r (of time t, or NULL) comes before the
// kept row cur in the window's order: ascending keeps the first row, with
// NULL first; descending the last, with NULL last (Flink's defaults, as
// the window Top-N orders them).
func (f *windowDedupFunc) precedes(r *keyedRow, t int64, null bool, cur *dedupRow) (bool, error) {
	desc := f.spec.Order[0].Desc
	switch {
	case null != cur.Null:
		// NULLs first ascending, last descending: a NULL precedes when
		// ascending.
		return null != desc, nil
	case !null && t != cur.Time:
		return t < cur.Time != desc, nil
	}
	// A tie: order as the window Top-N does, by all columns, then the
	// encoding.
	vals, err := f.codec.decode(unsafe.String(unsafe.SliceData(cur.Row), len(cur.Row)))
	if err != nil {
		return false, err
	}
	kept := rankedRow{enc: string(cur.Row), vals: vals}
	f.row.Reset()
	f.row.AppendRowFrom(r.src, r.at)
	enc := string(vector.AppendRow(nil, r.src, r.at))
	return compareKeys(f.spec.Order, rankedRow{enc: enc, vals: f.row.Row(0)}, kept) < 0, nil
}

func (f *windowDedupFunc) OnTimer(ts int64, ctx *datastream.TimerContext[string], out datastream.Collector[*vector.Chunk]) error {
	err := f.fire()
	f.batch.done(ts, ctx.TimerService(), out)
	return err
}

// fire appends the current key's kept row, numbered 1, to the batch (none
// for a flush timer of the batch: the window already fired).
func (f *windowDedupFunc) fire() error {
	cur, ok := f.kept.Value()
	if !ok {
		return nil
	}
	f.kept.Clear()
	f.row.Reset()
	if _, err := vector.DecodeRow(cur.Row, f.row); err != nil {
		return fmt.Errorf("window deduplication: %w", err)
	}
	c := f.batch.rows()
	n := len(f.inTypes)
	for j := range n {
		c.Cols[j].AppendFrom(f.row.Cols[j], 0)
	}
	c.Cols[n].AppendInt64(1)
	c.AppendKind(vector.Insert)
	return nil
}
