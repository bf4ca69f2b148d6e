package exec

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// lookupJoinFunc is a lookup join (plan.LookupJoin): each subtask reads the
// table into memory when it opens, indexed by the lookup columns, and again
// once the cache TTL passed; the left's rows probe it where they are, with
// no exchange and no state (the table is read again after a restore).
type lookupJoinFunc struct {
	spec     *plan.JoinSpec
	table    *plan.Node // the right input: Calcs over a scan
	leftT    []types.Type
	rightT   []types.Type
	outTypes []types.Type
	fctx     functions.Context

	leftKeys  []evaluator
	rightKeys []int
	cond      evaluator // nil: the lookup keys decide alone
	rows      *vector.Chunk
	index     map[string][]int32
	loadedAt  int64
	key       strings.Builder
	keyVals   []*vector.Vector
}

func (f *lookupJoinFunc) Open(rc *datastream.RuntimeContext) error {
	lk, rk := plan.LookupKeys(f.spec, f.leftT, len(f.leftT))
	for _, x := range lk {
		ev, err := compile(x)
		if err != nil {
			return err
		}
		f.leftKeys = append(f.leftKeys, ev)
	}
	f.rightKeys = rk
	if f.spec.Condition != nil {
		ev, err := compile(f.spec.Condition)
		if err != nil {
			return err
		}
		f.cond = ev
	}
	f.keyVals = make([]*vector.Vector, len(f.leftKeys))
	return nil
}

// load reads the table and indexes its rows by the lookup columns; rows
// with a NULL lookup column never match and are left out.
func (f *lookupJoinFunc) load(now int64) error {
	chunks, err := loadBounded(f.table, f.fctx)
	if err != nil {
		return fmt.Errorf("lookup join: reading %s: %w", lookupTableName(f.table), err)
	}
	total := 0
	for _, c := range chunks {
		total += c.Live()
	}
	rows := vector.NewChunk(f.rightT, total)
	for _, c := range chunks {
		c.ForEachLive(func(i int) { rows.AppendRowFrom(c, i) })
	}
	index := make(map[string][]int32, total)
	for i := range rows.Len() {
		k, ok := f.rowKey(rows.Cols, f.rightKeys, i)
		if ok {
			index[k] = append(index[k], int32(i))
		}
	}
	f.rows, f.index, f.loadedAt = rows, index, now
	return nil
}

// rowKey is the lookup key of row i of cols at positions at (a constant
// vector has one row for all); false when a key value is NULL.
func (f *lookupJoinFunc) rowKey(cols []*vector.Vector, at []int, i int) (string, bool) {
	f.key.Reset()
	for n, j := range at {
		row := i
		if cols[j].IsConst() {
			row = 0
		}
		v := cols[j].Get(row)
		if v == nil {
			return "", false
		}
		if n > 0 {
			f.key.WriteByte(0)
		}
		f.key.WriteString(valueKey(v))
	}
	return f.key.String(), true
}

func (f *lookupJoinFunc) ProcessElement(c *vector.Chunk, ctx *datastream.ProcessContext, out datastream.Collector[*vector.Chunk]) error {
	now := ctx.CurrentProcessingTime()
	if f.rows == nil || now-f.loadedAt >= f.spec.Lookup.CacheTTLMillis {
		if err := f.load(now); err != nil {
			return err
		}
	}
	for i, ev := range f.leftKeys {
		v, err := ev.eval(&f.fctx, c, false)
		if err != nil {
			return err
		}
		if err := v.Err(c.Sel); err != nil {
			return err
		}
		f.keyVals[i] = v
	}
	nl := len(f.leftT)
	pos := make([]int, len(f.keyVals))
	for i := range pos {
		pos[i] = i
	}
	// The candidates: each left row with each table row of its key.
	cand := vector.NewChunk(f.outTypes, c.Live())
	var leftRow []int32 // the left row of each candidate
	c.ForEachLive(func(i int) {
		k, ok := f.rowKey(f.keyVals, pos, i)
		if !ok {
			return
		}
		for _, r := range f.index[k] {
			for j := range nl {
				cand.Cols[j].AppendFrom(c.Cols[j], i)
			}
			for j := range f.rightT {
				cand.Cols[nl+j].AppendFrom(f.rows.Cols[j], int(r))
			}
			cand.AppendKind(vector.Insert)
			leftRow = append(leftRow, int32(i))
		}
	})
	matched := make([]bool, c.Len())
	res := vector.NewChunk(f.outTypes, cand.Len())
	if cand.Len() > 0 {
		var ok *vector.Vector
		if f.cond != nil {
			v, err := f.cond.eval(&f.fctx, cand, false)
			if err != nil {
				return err
			}
			if err := v.Err(nil); err != nil {
				return err
			}
			ok = v
		}
		for i := range cand.Len() {
			if ok != nil && !boolAt(ok, i) {
				continue
			}
			res.AppendRowFrom(cand, i)
			matched[leftRow[i]] = true
		}
	}
	if f.spec.Kind == plan.LeftJoin {
		c.ForEachLive(func(i int) {
			if matched[i] {
				return
			}
			for j := range nl {
				res.Cols[j].AppendFrom(c.Cols[j], i)
			}
			for j := range f.rightT {
				res.Cols[nl+j].AppendNull()
			}
			res.AppendKind(vector.Insert)
		})
	}
	if res.Len() > 0 {
		out.Collect(res)
	}
	return nil
}

// boolAt reads a condition's value: NULL is not true.
func boolAt(v *vector.Vector, i int) bool {
	if v.IsConst() {
		i = 0
	}
	b, _ := v.Get(i).(bool)
	return b
}

// lookupTableName names the table below a lookup join's right input.
func lookupTableName(n *plan.Node) string {
	for n.Op == plan.OpCalc && len(n.Inputs) == 1 {
		n = n.Inputs[0]
	}
	if n.Scan != nil {
		return n.Scan.Table
	}
	return string(n.Op)
}

// loadBounded reads a bounded table's plan (Calcs over a filesystem scan)
// to the end, in the calling goroutine.
func loadBounded(n *plan.Node, fctx functions.Context) ([]*vector.Chunk, error) {
	switch n.Op {
	case plan.OpScan:
		if n.Scan.Connector != "filesystem" {
			return nil, fmt.Errorf("connector '%s' cannot look rows up", n.Scan.Connector)
		}
		raw, err := newFileSource(n.Scan)
		if err != nil {
			return nil, err
		}
		src := &scanSource{inner: raw, spec: n.Scan, loc: fctx}
		r, err := src.CreateReader(loadContext{})
		if err != nil {
			return nil, err
		}
		defer r.Close()
		var splits []connector.Split
		for _, p := range raw.(*fileSource).files {
			splits = append(splits, &fileSplit{path: p})
		}
		r.AddSplits(splits)
		r.NotifyNoMoreSplits()
		out := &chunkCollector{}
		for {
			st, err := r.Poll(out)
			if err != nil {
				return nil, err
			}
			if st == connector.EndOfInput {
				return out.chunks, nil
			}
		}
	case plan.OpCalc:
		in, err := loadBounded(n.Inputs[0], fctx)
		if err != nil {
			return nil, err
		}
		p, err := newProjector(&fctx, n.Calc.Projects, n.Calc.Filter, plainTypes(n.Types()), len(n.Inputs[0].Columns))
		if err != nil {
			return nil, err
		}
		var out []*vector.Chunk
		for _, c := range in {
			res, err := p.apply(c)
			if err != nil {
				return nil, err
			}
			if res != nil {
				out = append(out, res)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("a lookup join reads a table, not the result of %s", n.Op)
}

// loadContext is the reader context of a table read by loadBounded.
type loadContext struct{}

func (loadContext) Subtask() int     { return 0 }
func (loadContext) Parallelism() int { return 1 }
func (loadContext) RequestSplit()    {}
func (loadContext) NowMillis() int64 { return 0 }

// chunkCollector keeps what a reader emits.
type chunkCollector struct{ chunks []*vector.Chunk }

func (o *chunkCollector) Collect(c *vector.Chunk) { o.chunks = append(o.chunks, c) }
func (o *chunkCollector) CollectWithTimestamp(c *vector.Chunk, _ int64) {
	o.chunks = append(o.chunks, c)
}
func (o *chunkCollector) ForSplit(string) connector.SplitOutput[*vector.Chunk] { return o }
func (o *chunkCollector) ReleaseSplit(string)                                  {}

// lookupJoin builds a lookup join: the left stream, chained, probing the
// table.
func (b *builder) lookupJoin(n *plan.Node, outTypes []types.Type) (*datastream.DataStream[*vector.Chunk], error) {
	l, err := b.chunks(n.Inputs[0])
	if err != nil {
		return nil, err
	}
	f := &lookupJoinFunc{spec: n.Join, table: n.Inputs[1], leftT: plainTypes(n.Inputs[0].Types()),
		rightT: plainTypes(n.Inputs[1].Types()), outTypes: outTypes, fctx: b.fctx}
	return datastream.Process(l, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](f)), nil
}
