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

// overUpdatingFunc is an OVER aggregation over an updating input
// (plan.OverSpec.Updating): a partition's current rows are kept sorted by
// the ORDER BY (ties by the rows' encodings, so the order does not depend
// on arrival); an added or retracted row changes the frames of the rows
// after it (the next Preceding ones, or all of them for an unbounded
// frame), whose outputs are retracted and emitted again when they change.
type overUpdatingFunc struct {
	spec     *plan.OverSpec
	inTypes  []types.Type
	outTypes []types.Type
	ttl      state.TTL // table.exec.state.ttl

	st    state.ValueState[[]string] // the partition's rows, encoded, in order
	codec *rowCodec
	out   *rowBuilder
	// decoded caches the rows decoded during one element.
	decoded map[string][]any
}

func (f *overUpdatingFunc) Open(rc *datastream.RuntimeContext) error {
	v, err := datastream.GetValueState(rc, state.Value[[]string]("over-rows").WithTTL(f.ttl))
	f.st, f.codec, f.out = v, newRowCodec(f.inTypes), newRowBuilder(f.outTypes)
	return err
}

func (f *overUpdatingFunc) decode(s string) ([]any, error) {
	if v, ok := f.decoded[s]; ok {
		return v, nil
	}
	v, err := f.codec.decode(s)
	if err == nil {
		f.decoded[s] = v
	}
	return v, err
}

// compare orders two encoded rows by the ORDER BY, then by encoding.
func (f *overUpdatingFunc) compare(a, b string) int {
	va, err1 := f.decode(a)
	vb, err2 := f.decode(b)
	if err1 != nil || err2 != nil {
		return strings.Compare(a, b)
	}
	for _, k := range f.spec.Order {
		if c := compareNullable(va[k.Col], vb[k.Col], k.NullsFirst); c != 0 {
			if k.Desc && va[k.Col] != nil && vb[k.Col] != nil {
				return -c
			}
			return c
		}
	}
	return strings.Compare(a, b)
}

// peers reports whether two rows have equal ORDER BY values: a RANGE
// frame's peers.
func (f *overUpdatingFunc) peers(a, b string) bool {
	va, _ := f.decode(a)
	vb, _ := f.decode(b)
	for _, k := range f.spec.Order {
		if compareNullable(va[k.Col], vb[k.Col], k.NullsFirst) != 0 {
			return false
		}
	}
	return true
}

// frame returns the bounds [lo, hi) of row i's frame in rows.
func (f *overUpdatingFunc) frame(rows []string, i int) (int, int) {
	lo, hi := 0, i+1
	if f.spec.Rows {
		if f.spec.Preceding >= 0 {
			lo = max(0, i-int(f.spec.Preceding))
		}
		return lo, hi
	}
	// RANGE UNBOUNDED PRECEDING: up to the last peer.
	for hi < len(rows) && f.peers(rows[hi], rows[i]) {
		hi++
	}
	return lo, hi
}

// outputs computes the output rows of rows[from:to].
func (f *overUpdatingFunc) outputs(rows []string, from, to int) ([][]any, error) {
	var res [][]any
	for i := from; i < to; i++ {
		lo, hi := f.frame(rows, i)
		frame := make([][]any, 0, hi-lo)
		for _, r := range rows[lo:hi] {
			v, err := f.decode(r)
			if err != nil {
				return nil, err
			}
			frame = append(frame, v)
		}
		aggs, err := frameAggregates(f.spec.Calls, frame)
		if err != nil {
			return nil, err
		}
		v, err := f.decode(rows[i])
		if err != nil {
			return nil, err
		}
		res = append(res, concat(v, aggs))
	}
	return res, nil
}

func (f *overUpdatingFunc) ProcessElement(r *keyedRow, _ *datastream.KeyedContext[string], out datastream.Collector[*vector.Chunk]) error {
	if f.decoded == nil {
		f.decoded = map[string][]any{}
	}
	clear(f.decoded)
	enc := f.codec.encode(r.vals)
	f.decoded[enc] = r.vals
	old, _ := f.st.Value()
	p, found := slices.BinarySearchFunc(old, enc, f.compare)
	insert := r.kind.IsAdditive()
	var rows []string
	if insert {
		rows = slices.Insert(slices.Clone(old), p, enc)
	} else {
		if !found {
			return nil // a retraction of a row never added
		}
		rows = slices.Delete(slices.Clone(old), p, p+1)
		removed, err := f.outputs(old, p, p+1)
		if err != nil {
			return err
		}
		if err := f.out.add(vector.Delete, removed[0]); err != nil {
			return err
		}
	}
	// The rows whose frames the change reaches, in the new list: from p
	// (or the first of its peers for a RANGE frame) to Preceding rows
	// past it, or to the end for an unbounded frame.
	from, to := p, len(rows)
	if f.spec.Rows && f.spec.Preceding >= 0 {
		to = min(len(rows), p+int(f.spec.Preceding)+1)
	}
	if !f.spec.Rows {
		for from > 0 && f.peers(rows[from-1], enc) {
			from--
		}
	}
	for j := from; j < to; j++ {
		now, err := f.outputs(rows, j, j+1)
		if err != nil {
			return err
		}
		if insert && j == p {
			if err := f.out.add(vector.Insert, now[0]); err != nil {
				return err
			}
			continue
		}
		// The same row's position in the old list.
		oj := j
		if insert && j > p {
			oj = j - 1
		} else if !insert && j >= p {
			oj = j + 1
		}
		was, err := f.outputs(old, oj, oj+1)
		if err != nil {
			return err
		}
		if slices.EqualFunc(was[0], now[0], func(a, b any) bool { return plan.ValueString(a) == plan.ValueString(b) }) {
			continue
		}
		if err := f.out.add(vector.UpdateBefore, was[0]); err != nil {
			return err
		}
		if err := f.out.add(vector.UpdateAfter, now[0]); err != nil {
			return err
		}
	}
	if len(rows) == 0 {
		f.st.Clear()
	} else {
		f.st.Update(rows)
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}
