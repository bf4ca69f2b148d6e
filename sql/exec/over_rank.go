package exec

import (
	"slices"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// The sorted OVER aggregation of batch mode (plan: sortedOver): a
// partition's rows are kept (encoded row → multiplicity, so an updating
// input leaves its final rows), and at the end of the input they are
// sorted by the window's ORDER BY and go out, each with
//
//   - the ranking functions, which ignore the frame: ROW_NUMBER numbers
//     the rows; peers (rows equal on the ORDER BY keys) share RANK (1 +
//     the rows before them), DENSE_RANK (1 + the distinct keys before
//     them), PERCENT_RANK ((RANK - 1) / (rows - 1), 0 for one row) and
//     CUME_DIST (the rows up to the last peer / rows); NTILE(n) deals the
//     rows into n buckets of sizes differing by one, the larger first;
//   - LAG/LEAD, from the row Offset rows before or after in that order;
//   - the aggregates over the row's frame: ROWS n (or UNBOUNDED)
//     PRECEDING, RANGE UNBOUNDED PRECEDING (the default: the rows up to
//     the last peer), RANGE CURRENT ROW (the peers), or a RANGE interval
//     over one TIMESTAMP key.
//
// Ties beyond the keys are ordered by the rows' values, so every run
// numbers them alike.

// sorted reports the sorted OVER aggregation of batch mode.
func (f *overAggFunc) sorted() bool { return !f.spec.Updating && len(f.spec.Order) > 0 }

// keepSorted counts a row in (or, retracted, out of) its partition.
func (f *overAggFunc) keepSorted(r *keyedRow, ctx *datastream.KeyedContext[string]) error {
	enc := f.codec.encode(r.vals)
	n, _ := f.rows.Get(enc)
	if isRetract(r.kind) {
		n--
	} else {
		n++
	}
	if n <= 0 {
		f.rows.Remove(enc)
	} else {
		f.rows.Put(enc, n)
	}
	ctx.TimerService().RegisterEventTimeTimer(endOfInput)
	return nil
}

// fireSorted emits the partition's rows in order with the calls' values.
func (f *overAggFunc) fireSorted(out datastream.Collector[*vector.Chunk]) error {
	var rows []rankedRow
	for k, n := range f.rows.All() {
		vals, err := f.codec.decode(k)
		if err != nil {
			return err
		}
		for range n {
			rows = append(rows, rankedRow{enc: k, vals: vals, count: 1})
		}
	}
	f.rows.Clear()
	slices.SortFunc(rows, func(a, b rankedRow) int { return compareKeys(f.spec.Order, a, b) })
	res, err := sortedOverResults(f.spec, rows)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if err := f.out.add(vector.Insert, concat(r.vals, res[i])); err != nil {
			return err
		}
		if (i+1)%1024 == 0 {
			if c := f.out.take(); c != nil {
				out.Collect(c)
			}
		}
	}
	if c := f.out.take(); c != nil {
		out.Collect(c)
	}
	return nil
}

// isRankCall reports a ranking function's call.
func isRankCall(c plan.AggCall) bool {
	if c.UDAF != nil {
		return false
	}
	switch c.Func {
	case "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE":
		return true
	}
	return false
}

// sortedOverResults evaluates the calls of a sorted OVER aggregation for
// the rows of a partition, in order: one value per call for each row.
func sortedOverResults(spec *plan.OverSpec, rows []rankedRow) ([][]any, error) {
	n := len(rows)
	res := make([][]any, n)
	for i := range res {
		res[i] = make([]any, len(spec.Calls))
	}
	// Peer groups: rows first[i] … last[i] are equal to row i on the keys.
	first, last := make([]int, n), make([]int, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && sameKeys(spec.Order, rows[i].vals, rows[j].vals) {
			j++
		}
		for k := i; k < j; k++ {
			first[k], last[k] = i, j-1
		}
		i = j
	}
	var aggCalls []plan.AggCall
	var aggAt []int
	for ci, c := range spec.Calls {
		switch {
		case isRankCall(c):
			rankValues(c, first, last, res, ci)
		case c.UDAF == nil && (c.Func == "LAG" || c.Func == "LEAD"):
			for i := range rows {
				j := i - int(c.Offset)
				if c.Func == "LEAD" {
					j = i + int(c.Offset)
				}
				switch {
				case j >= 0 && j < n:
					res[i][ci] = rows[j].vals[c.Args[0]]
				case len(c.Args) > 1:
					res[i][ci] = rows[i].vals[c.Args[1]]
				}
			}
		default:
			aggCalls, aggAt = append(aggCalls, c), append(aggAt, ci)
		}
	}
	if len(aggCalls) == 0 {
		return res, nil
	}
	set := func(i int, vals []any) {
		for k, ci := range aggAt {
			res[i][ci] = vals[k]
		}
	}
	frame := func(from, to int, keep func(j int) bool) ([]any, error) {
		var fr [][]any
		for j := from; j <= to; j++ {
			if keep == nil || keep(j) {
				fr = append(fr, rows[j].vals)
			}
		}
		return frameAggregates(aggCalls, fr)
	}
	switch {
	case spec.Preceding < 0:
		// UNBOUNDED PRECEDING: the aggregates grow row by row (ROWS) or
		// peer group by peer group (RANGE).
		agg := &aggregator{calls: aggCalls, counts: memCounts{}}
		g := newGroupAcc(len(aggCalls))
		for i := 0; i < n; {
			end := i
			if !spec.Rows {
				end = last[i]
			}
			for j := i; j <= end; j++ {
				if err := agg.add(&g, rows[j].vals, false, ""); err != nil {
					return nil, err
				}
			}
			vals, err := agg.results(&g, "")
			if err != nil {
				return nil, err
			}
			for j := i; j <= end; j++ {
				set(j, vals)
			}
			i = end + 1
		}
	case spec.Rows:
		for i := range rows {
			vals, err := frame(max(0, i-int(spec.Preceding)), i, nil)
			if err != nil {
				return nil, err
			}
			set(i, vals)
		}
	case spec.Preceding == 0:
		// RANGE CURRENT ROW: the peers.
		for i := 0; i < n; i = last[i] + 1 {
			vals, err := frame(i, last[i], nil)
			if err != nil {
				return nil, err
			}
			for j := i; j <= last[i]; j++ {
				set(j, vals)
			}
		}
	default:
		// RANGE interval PRECEDING over one TIMESTAMP key: the rows up to
		// the last peer whose time is within the interval before the
		// row's (after it, descending); NULL times are peers only.
		key := spec.Order[0]
		millis := func(j int) (int64, bool) {
			ts, ok := rows[j].vals[key.Col].(types.TimestampValue)
			return ts.Millis, ok
		}
		for i := 0; i < n; i = last[i] + 1 {
			t, ok := millis(i)
			keep := func(j int) bool {
				u, uok := millis(j)
				switch {
				case !ok || !uok:
					return !ok && !uok
				case key.Desc:
					return u-t <= spec.Preceding
				}
				return t-u <= spec.Preceding
			}
			vals, err := frame(0, last[i], keep)
			if err != nil {
				return nil, err
			}
			for j := i; j <= last[i]; j++ {
				set(j, vals)
			}
		}
	}
	return res, nil
}

// rankValues sets the value of ranking call c (column ci of res) for the
// rows of a partition, whose peer groups first and last give.
func rankValues(c plan.AggCall, first, last []int, res [][]any, ci int) {
	n := int64(len(res))
	var dense int64
	for i := range res {
		if first[i] == i {
			dense++
		}
		rank := int64(first[i]) + 1
		var v any
		switch c.Func {
		case "ROW_NUMBER":
			v = int64(i) + 1
		case "RANK":
			v = rank
		case "DENSE_RANK":
			v = dense
		case "PERCENT_RANK":
			p := 0.0
			if n > 1 {
				p = float64(rank-1) / float64(n-1)
			}
			v = p
		case "CUME_DIST":
			v = float64(last[i]+1) / float64(n)
		case "NTILE":
			v = ntile(int64(i), n, c.Offset)
		}
		res[i][ci] = v
	}
}

// ntile is the bucket (from 1) of row i (from 0) of n rows dealt into k
// buckets: each holds n/k rows, and the first n%k one more.
func ntile(i, n, k int64) int64 {
	size, extra := n/k, n%k
	big := extra * (size + 1) // the rows of the larger buckets
	if i < big {
		return i/(size+1) + 1
	}
	return (i-big)/size + extra + 1
}
