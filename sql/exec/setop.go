package exec

import (
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// setOpCounts is how many times a row is on each side.
type setOpCounts struct {
	L, R int64
}

// setOpFunc runs INTERSECT / EXCEPT [ALL], keyed by the whole row: it
// counts the row on both sides and, when the number of copies the result
// holds changes, emits the difference (+I or -D copies).
type setOpFunc struct {
	spec   *plan.SetOpSpec
	ttl    state.TTL // table.exec.state.ttl
	counts state.ValueState[setOpCounts]
	out    *rowBuilder
	types  []types.Type
}

func (f *setOpFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[setOpCounts]("counts").WithTTL(f.ttl))
	f.counts, f.out = v, newRowBuilder(f.types)
	return err
}

// copies is how many copies of a row the result holds.
func (f *setOpFunc) copies(c setOpCounts) int64 {
	var n int64
	switch f.spec.Op {
	case "INTERSECT":
		n = min(c.L, c.R)
	default:
		n = max(c.L-c.R, 0)
	}
	if !f.spec.All {
		n = min(n, 1)
		if f.spec.Op == "EXCEPT" && c.R > 0 {
			n = 0
		}
	}
	return n
}

func (f *setOpFunc) ProcessElement1(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, true, out)
}

func (f *setOpFunc) ProcessElement2(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	return f.process(r, false, out)
}

func (f *setOpFunc) process(r *keyedRow, left bool, out datastream.Collector[*vector.Chunk]) error {
	c, _ := f.counts.Value()
	before := f.copies(c)
	d := int64(1)
	if isRetract(r.kind) {
		d = -1
	}
	if left {
		c.L = max(c.L+d, 0)
	} else {
		c.R = max(c.R+d, 0)
	}
	if c.L == 0 && c.R == 0 {
		f.counts.Clear()
	} else {
		f.counts.Update(c)
	}
	after := f.copies(c)
	kind := vector.Insert
	if after < before {
		kind = vector.Delete
	}
	for range max(after-before, before-after) {
		if err := f.out.add(kind, r.vals); err != nil {
			return err
		}
	}
	if ch := f.out.take(); ch != nil {
		out.Collect(ch)
	}
	return nil
}
