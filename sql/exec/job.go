package exec

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/connector"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
	"github.com/eddy-streams/eddy/state"
)

// Options configure how a plan becomes a job.
type Options struct {
	// Batch runs bounded inputs without watermarks (the end of the input
	// fires every window) and materializes updating results for sinks
	// that take inserts only.
	Batch bool
	// Location is the session time zone (table.local-time-zone).
	Location *time.Location
	// Print receives the print connector's output (stdout when nil).
	Print io.Writer
	// Collect receives the rows of a query's result, serialized.
	Collect func(kind vector.RowKind, row []any)
	// NexmarkSource, when set, makes the nexmark connector read this
	// source instead of one built from the table options alone.
	NexmarkSource func(cfg gen.Config) connector.Source[gen.Event]
	// StateTTL is table.exec.state.ttl: the state of a key of the
	// operators that keep it without time bounds (regular aggregations
	// and joins, deduplication, Top-N, set operations, OVER over updates)
	// expires this long after its last write; 0 keeps it.
	StateTTL time.Duration
	// MiniBatch is table.exec.mini-batch.enabled: regular aggregations fold
	// the rows of a key that arrive in one chunk before emitting (Flink
	// folds those of a time or size bound; a chunk is Eddy's batch).
	MiniBatch bool
}

// ttl is the state TTL of the operators table.exec.state.ttl applies to.
func (b *builder) ttl() state.TTL { return state.TTLOf(b.opts.StateTTL) }

// hintTTL is an operator's state TTL: a STATE_TTL hint's (milliseconds, or
// plan.NoTTL) when it has one, else table.exec.state.ttl.
func (b *builder) hintTTL(ms int64) state.TTL {
	switch {
	case ms == plan.NoTTL:
		return state.TTLOf(0)
	case ms > 0:
		return state.TTLOf(time.Duration(ms) * time.Millisecond)
	}
	return b.ttl()
}

// Build adds the plan's operators to env; env.Execute runs them.
func Build(env *datastream.Env, p *plan.Plan, opts Options) error {
	b := &builder{env: env, opts: opts, streams: map[*plan.Node]*datastream.DataStream[*vector.Chunk]{}, mu: &sync.Mutex{}}
	b.fctx = functions.Context{Location: opts.Location}
	for _, s := range p.Sinks {
		if err := b.sink(s); err != nil {
			return err
		}
	}
	return nil
}

type builder struct {
	env     *datastream.Env
	opts    Options
	fctx    functions.Context
	streams map[*plan.Node]*datastream.DataStream[*vector.Chunk]
	mu      *sync.Mutex
}

func name(n *plan.Node) string { return fmt.Sprintf("%s[%d]", n.Op, n.ID) }

func plainTypes(ts []types.Type) []types.Type {
	out := make([]types.Type, len(ts))
	for i, t := range ts {
		out[i] = plainType(t)
	}
	return out
}

// chunks builds the stream of node n.
func (b *builder) chunks(n *plan.Node) (*datastream.DataStream[*vector.Chunk], error) {
	if s := b.streams[n]; s != nil {
		return s, nil
	}
	s, err := b.build(n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.Op, err)
	}
	if forwardOp(n) && b.onOneSubtask(n.Inputs) {
		// What one subtask emits must reach the next exchange in order:
		// spread over several subtasks first, a key's changes could pass
		// each other.
		s = s.SetParallelism(1)
	}
	if n.Op != plan.OpUnion {
		s = s.Name(name(n))
	}
	b.streams[n] = s
	return s, nil
}

func (b *builder) build(n *plan.Node) (*datastream.DataStream[*vector.Chunk], error) {
	outTypes := plainTypes(n.Types())
	if s, ok, err := b.buildSessionWindow(n, outTypes); ok { // sessionwin.go
		return s, err
	}
	if ownsOp(n) {
		return b.buildOps(n, outTypes)
	} // build_ops.go
	switch n.Op {
	case plan.OpScan:
		return b.scan(n)
	case plan.OpValues:
		c := vector.NewChunk(outTypes, len(n.Values))
		empty := vector.NewChunk(nil, 1)
		empty.SetLen(1)
		ctx := b.fctx
		for _, row := range n.Values {
			vals := make([]any, len(row))
			for i, x := range row {
				ev, err := compile(x)
				if err != nil {
					return nil, err
				}
				v, err := ev.eval(&ctx, empty, true)
				if err != nil {
					return nil, err
				}
				if err := v.Err(nil); err != nil {
					return nil, err
				}
				vals[i] = v.Get(0)
			}
			if len(vals) == 0 {
				c.SetLen(c.Len() + 1)
				continue
			}
			if err := c.AppendRow(vector.Insert, vals...); err != nil {
				return nil, err
			}
		}
		return datastream.FromSlice(b.env, []*vector.Chunk{c}), nil
	case plan.OpCalc:
		in, err := b.chunks(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		return datastream.Process(in, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](&calcFunc{spec: n.Calc, out: outTypes, nIn: len(n.Inputs[0].Columns), fctx: b.fctx})), nil
	case plan.OpWindowTVF:
		in, err := b.chunks(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		return datastream.Process(in, datastream.ProcessFunction[*vector.Chunk, *vector.Chunk](&windowFunc{spec: n.Window, out: outTypes})), nil
	case plan.OpUnion:
		l, err := b.chunks(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		r, err := b.chunks(n.Inputs[1])
		if err != nil {
			return nil, err
		}
		return l.Union(r), nil
	case plan.OpAggregate:
		// With mini-batch, runs of a key's rows: the aggregation folds a
		// run, then emits; without, a change per row, as Flink.
		keyed := b.keyedTyped
		if b.opts.MiniBatch {
			keyed = b.keyedGroups
		}
		var extra []*datastream.DataStream[*keyedRow]
		if b.opts.Batch && len(n.Agg.Keys) == 0 {
			// A global aggregation gives a row even over no rows: an
			// element of no rows makes its group exist (ensureGroup).
			var none vector.Chunk // the key of no columns, as the exchange encodes it
			none.SetLen(1)
			group := &keyedRow{key: string(vector.AppendRow(nil, &none, 0)), rows: []int32{}}
			extra = append(extra, datastream.FromSlice(b.env, []*keyedRow{group}).Name("Global group"))
		}
		k, err := keyed(n.Inputs[0], extra...)
		if err != nil {
			return nil, err
		}
		f := &groupAggFunc{spec: n.Agg, retract: !n.Inputs[0].Changelog.IsInsertOnly(), outTypes: outTypes, ttl: b.hintTTL(n.Agg.TTL)}
		return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)), nil
	case plan.OpWindowAggregate:
		if s, ok := planSlicedHop(n); ok {
			return b.buildSlicedHop(n, s)
		}
		k, err := b.keyedTyped(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		f := &windowAggFunc{spec: n.Agg, keyTypes: outTypes[:len(n.Agg.Keys)], outTypes: outTypes}
		return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)), nil
	case plan.OpLimit:
		k, err := b.keyed(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		f := &limitFunc{spec: n.Limit, types: outTypes}
		return datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](f)).SetParallelism(1), nil
	case plan.OpExchange:
		return nil, fmt.Errorf("an exchange must feed a keyed operator")
	}
	return nil, fmt.Errorf("cannot run %s", n.Op)
}

// keyed builds a hash exchange: rows keyed by the encoding of the key
// columns.
func (b *builder) keyed(ex *plan.Node) (*datastream.KeyedStream[*keyedRow, string], error) {
	return b.exchange(ex, func(keys []int) datastream.ProcessFunction[*vector.Chunk, *keyedRow] {
		return &toRowsFunc{keys: keys}
	})
}

// keyedTyped is keyed for operators that read rows typed (keyedRow.src):
// nothing is boxed on the way.
func (b *builder) keyedTyped(ex *plan.Node, extra ...*datastream.DataStream[*keyedRow]) (*datastream.KeyedStream[*keyedRow, string], error) {
	return b.exchange(ex, func(keys []int) datastream.ProcessFunction[*vector.Chunk, *keyedRow] {
		return &chunkRowsFunc{keys: keys}
	}, extra...)
}

// exchange builds exchange ex: its input split into keyed rows by split,
// with the elements of extra, keyed.
func (b *builder) exchange(ex *plan.Node, split func(keys []int) datastream.ProcessFunction[*vector.Chunk, *keyedRow], extra ...*datastream.DataStream[*keyedRow]) (*datastream.KeyedStream[*keyedRow, string], error) {
	if ex.Op != plan.OpExchange {
		return nil, fmt.Errorf("keyed operator without an exchange before it")
	}
	in, err := b.chunks(ex.Inputs[0])
	if err != nil {
		return nil, err
	}
	rows := datastream.Process(in, split(ex.Exchange.Keys)).Name(name(ex))
	if in.Parallelism() == 1 {
		rows = rows.SetParallelism(1) // in order, as forwardOp
	}
	if len(extra) > 0 {
		rows = rows.Union(extra...)
	}
	return datastream.KeyBy(rows, func(r *keyedRow) string { return r.key }), nil
}

func (b *builder) scan(n *plan.Node) (*datastream.DataStream[*vector.Chunk], error) {
	spec := n.Scan
	var raw connector.Source[*vector.Chunk]
	var err error
	switch spec.Connector {
	case "datagen":
		raw, err = newDatagenSource(spec)
	case "nexmark":
		raw, err = newNexmarkSource(spec, b.opts.NexmarkSource)
	case "filesystem":
		raw, err = newFileSource(spec)
	default:
		return nil, fmt.Errorf("table %s: connector '%s' cannot be read", spec.Table, spec.Connector)
	}
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", spec.Table, err)
	}
	if b.opts.Batch && raw.Boundedness() != connector.Bounded {
		return nil, fmt.Errorf("table %s is unbounded: batch mode ('execution.runtime-mode' = 'batch') reads bounded tables only", spec.Table)
	}
	src := &scanSource{inner: raw, spec: spec, loc: b.fctx}
	var strategy eventtime.Strategy[*vector.Chunk]
	if spec.Watermark != nil {
		strategy = watermarkStrategy(b.opts.Batch)
	} else {
		strategy = eventtime.NoWatermarks[*vector.Chunk]()
	}
	return datastream.FromSource[*vector.Chunk](b.env, src, strategy, spec.Table), nil
}

func (b *builder) sink(n *plan.Node) error {
	in := n.Inputs[0]
	s, err := b.chunks(in)
	if err != nil {
		return err
	}
	spec := n.Sink
	ts := plainTypes(n.Types())
	if spec.Collect {
		fn := b.opts.Collect
		if fn == nil {
			fn = func(vector.RowKind, []any) {}
		}
		s.SinkTo(&collectSink{fn: fn, mu: b.mu}, "Collect").SetParallelism(1)
		return nil
	}
	if b.opts.Batch && !in.Changelog.IsInsertOnly() && spec.Connector == "filesystem" {
		k := datastream.KeyBy(datastream.Process(s, datastream.ProcessFunction[*vector.Chunk, *keyedRow](&toRowsFunc{})), func(r *keyedRow) string { return r.key })
		s = datastream.KeyedProcess(k, datastream.KeyedProcessFunction[string, *keyedRow, *vector.Chunk](&materializeFunc{types: ts})).Name("Materialize")
	}
	switch spec.Connector {
	case "print":
		w := b.opts.Print
		if w == nil {
			w = os.Stdout
		}
		ps := &printSink{w: w, mu: b.mu, identifier: spec.Options["print-identifier"], types: ts}
		sk := s.SinkTo(ps, "Sink: "+spec.Table)
		if p := spec.Options["sink.parallelism"]; p != "" {
			var np int
			fmt.Sscan(p, &np)
			if np > 0 {
				sk.SetParallelism(np)
			}
		}
	case "blackhole":
		s.SinkTo(blackholeSink{}, "Sink: "+spec.Table)
	case "filesystem":
		fs, err := newFileSink(spec, n.Names(), ts, b.fctx)
		if err != nil {
			return fmt.Errorf("table %s: %w", spec.Table, err)
		}
		s.SinkTo(fs, "Sink: "+spec.Table)
	default:
		return fmt.Errorf("table %s: connector '%s' cannot be written", spec.Table, spec.Connector)
	}
	return nil
}

// BuildStream adds the operators of the plan of one query or one INSERT
// to env and returns the stream of its result (for an INSERT: the rows
// going into the table, whose sink it adds too), for callers that end it
// in a sink of their own.
func BuildStream(env *datastream.Env, p *plan.Plan, opts Options) (*datastream.DataStream[*vector.Chunk], error) {
	if len(p.Sinks) != 1 || p.Sinks[0].Sink == nil {
		return nil, fmt.Errorf("BuildStream needs the plan of one query or one INSERT")
	}
	b := &builder{env: env, opts: opts, streams: map[*plan.Node]*datastream.DataStream[*vector.Chunk]{}, mu: &sync.Mutex{}}
	b.fctx = functions.Context{Location: opts.Location}
	if !p.Sinks[0].Sink.Collect {
		if err := b.sink(p.Sinks[0]); err != nil {
			return nil, err
		}
	}
	return b.chunks(p.Sinks[0].Inputs[0])
}

// forwardOp reports whether n's operator reads its input where it is (no
// exchange): a Calc, a window function, UNNEST, a lookup join.
func forwardOp(n *plan.Node) bool {
	switch n.Op {
	case plan.OpCalc, plan.OpWindowTVF, plan.OpCorrelate:
		return true
	case plan.OpJoin:
		return n.Join.Lookup != nil
	}
	return false
}

// onOneSubtask reports whether the streams of the first input (a forward
// operator's only stream input) run on one subtask.
func (b *builder) onOneSubtask(inputs []*plan.Node) bool {
	if len(inputs) == 0 {
		return false
	}
	s := b.streams[inputs[0]]
	return s != nil && s.Parallelism() == 1
}
