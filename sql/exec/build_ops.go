package exec

import (
	"fmt"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// buildOps builds the operators of the later SQL features: the joins
// (regular, interval, window), Rank, OVER aggregation, INTERSECT/EXCEPT,
// UNNEST, ORDER BY and MATCH_RECOGNIZE.
func (b *builder) buildOps(n *plan.Node, outTypes []types.Type) (*datastream.DataStream[*vector.Chunk], error) {
	switch n.Op {
	case plan.OpJoin:
		if n.Join.Lookup != nil {
			return b.lookupJoin(n, outTypes)
		}
		l, err := b.joinInput(n, n.Inputs[0])
		if err != nil {
			return nil, err
		}
		r, err := b.joinInput(n, n.Inputs[1])
		if err != nil {
			return nil, err
		}
		lt, rt := plainTypes(n.Inputs[0].Types()), plainTypes(n.Inputs[1].Types())
		base := newJoinBase(n.Join, lt, rt, outTypes, b.fctx)
		type fn = datastream.KeyedCoProcessFunction[string, *keyedRow, *keyedRow, *vector.Chunk]
		var f fn
		switch {
		case n.Join.Interval != nil:
			f = &intervalJoinFunc{joinBase: base}
		case n.Join.Temporal != nil:
			f = &temporalJoinFunc{joinBase: base}
		case n.Join.Window != nil:
			f = &windowJoinFunc{joinBase: base}
		default:
			f = &joinFunc{joinBase: base, leftTTL: b.hintTTL(n.Join.LeftTTL), rightTTL: b.hintTTL(n.Join.RightTTL)}
		}
		s := datastream.KeyedCoProcess(datastream.ConnectKeyed(l, r), f)
		if len(n.Join.LeftKeys) == 0 {
			s = s.SetParallelism(1)
		}
		return s, nil
	case plan.OpSetOp:
		l, err := b.keyed(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		r, err := b.keyed(n.Inputs[1])
		if err != nil {
			return nil, err
		}
		f := &setOpFunc{spec: n.SetOp, types: outTypes, ttl: b.ttl()}
		return datastream.KeyedCoProcess(datastream.ConnectKeyed(l, r),
			datastream.KeyedCoProcessFunction[string, *keyedRow, *keyedRow, *vector.Chunk](f)), nil
	case plan.OpRank:
		if n.Rank.Strategy == plan.WindowDeduplicate {
			return b.buildWindowDedup(n, outTypes) // windowdedup.go
		}
		k, err := b.keyed(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		in := plainTypes(n.Inputs[0].Types())
		var f datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk]
		switch n.Rank.Strategy {
		case plan.DedupFirst:
			f = &dedupFunc{spec: n.Rank, inTypes: in, outTypes: outTypes, ttl: b.ttl()}
		case plan.WindowTopN:
			f = &windowRankFunc{spec: n.Rank, inTypes: in, outTypes: outTypes}
		default:
			if n.Inputs[0].Changelog.IsInsertOnly() && n.Rank.Func == "ROW_NUMBER" && n.Rank.Limit >= 1 && n.Rank.Limit <= maxAppendTopN {
				f = &appendTopNFunc{spec: n.Rank, inTypes: in, outTypes: outTypes, ttl: b.ttl()}
				break
			}
			f = &rankFunc{spec: n.Rank, inTypes: in, outTypes: outTypes, prune: n.Inputs[0].Changelog.IsInsertOnly(), ttl: b.ttl()}
		}
		s := datastream.KeyedProcess(k, f)
		if len(n.Rank.Partition) == 0 {
			s = s.SetParallelism(1)
		}
		return s, nil
	case plan.OpOverAggregate:
		k, err := b.keyed(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		var f datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk] = &overAggFunc{spec: n.Over, inTypes: plainTypes(n.Inputs[0].Types()), outTypes: outTypes}
		if n.Over.Updating {
			f = &overUpdatingFunc{spec: n.Over, inTypes: plainTypes(n.Inputs[0].Types()), outTypes: outTypes, ttl: b.ttl()}
		}
		s := datastream.KeyedProcess(k, f)
		if len(n.Over.Partition) == 0 {
			s = s.SetParallelism(1)
		}
		return s, nil
	case plan.OpMatch:
		k, err := b.keyed(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		f := &matchFunc{spec: n.Match, inTypes: plainTypes(n.Inputs[0].Types()), outTypes: outTypes, fctx: b.fctx}
		s := datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f))
		if len(n.Match.Partition) == 0 {
			s = s.SetParallelism(1)
		}
		return s, nil
	case plan.OpSort:
		k, err := b.keyed(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		timeCol := -1
		if o := n.Sort.Order; len(o) > 0 && n.Columns[o[0].Col].Type.TimeAttr == types.RowTime && !b.opts.Batch {
			timeCol = o[0].Col
		}
		f := &sortFunc{spec: n.Sort, timeCol: timeCol, types: outTypes}
		return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)).SetParallelism(1), nil
	case plan.OpWindowAggregate:
		if b.opts.Batch {
			return nil, fmt.Errorf("processing-time windows cannot run in batch mode")
		}
		k, err := b.keyedGroups(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		f := &procWindowAggFunc{spec: n.Agg, keyTypes: outTypes[:len(n.Agg.Keys)], outTypes: outTypes}
		return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)), nil
	case plan.OpCorrelate:
		in, err := b.chunks(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		f := &unnestFunc{spec: n.Unnest, inTypes: plainTypes(n.Inputs[0].Types()), outTypes: outTypes, fctx: b.fctx}
		return datastream.Process(in, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](f)), nil
	}
	return nil, fmt.Errorf("cannot run %s", n.Op)
}

// ownsOp reports the nodes buildOps builds.
func ownsOp(n *plan.Node) bool {
	switch n.Op {
	case plan.OpJoin, plan.OpSetOp, plan.OpRank, plan.OpOverAggregate, plan.OpSort, plan.OpCorrelate, plan.OpMatch:
		return true
	case plan.OpWindowAggregate:
		return n.Agg.ProcTime
	}
	return false
}
