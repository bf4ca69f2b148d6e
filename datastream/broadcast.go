package datastream

import (
	"fmt"
	"iter"

	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend/opstate"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// BroadcastStateDescriptor names a broadcast state: a map from K to V that
// every parallel instance of the consuming operator holds a copy of.
type BroadcastStateDescriptor[K comparable, V any] = state.MapDescriptor[K, V]

// BroadcastStream is a stream sent to every subtask of the operator that
// consumes it, together with the broadcast states that operator keeps
// (Flink's BroadcastStream). Connect it to another stream with
// ConnectBroadcast or ConnectKeyedBroadcast.
type BroadcastStream[T any] struct {
	stream *DataStream[T]
	descs  []state.Descriptor
}

// BroadcastWith broadcasts s and declares the broadcast states of the
// operator it is connected to (Flink's DataStream.broadcast(descriptors)).
// Each descriptor must be a map state descriptor (state.Map, that is
// BroadcastStateDescriptor) with a unique name and no TTL.
func BroadcastWith[T any](s *DataStream[T], descs ...state.Descriptor) *BroadcastStream[T] {
	if s == nil {
		panic("datastream: BroadcastWith of a nil stream")
	}
	seen := map[string]bool{}
	var valid []state.Descriptor
	for i, d := range descs {
		switch {
		case d == nil:
			s.env.fail(fmt.Errorf("BroadcastWith: descriptor %d is nil", i))
			continue
		case d.StateKind() != state.KindMap:
			s.env.fail(fmt.Errorf("BroadcastWith: broadcast state %q is %v state; broadcast state is map state (state.Map)", d.StateName(), d.StateKind()))
			continue
		case d.StateName() == "":
			s.env.fail(fmt.Errorf("BroadcastWith: descriptor %d has an empty name", i))
			continue
		case d.TTLConfig().Enabled():
			s.env.fail(fmt.Errorf("BroadcastWith: broadcast state %q has a TTL; broadcast state does not expire", d.StateName()))
			continue
		case seen[d.StateName()]:
			s.env.fail(fmt.Errorf("BroadcastWith: broadcast state %q is declared twice", d.StateName()))
			continue
		}
		seen[d.StateName()] = true
		valid = append(valid, d)
	}
	return &BroadcastStream[T]{stream: s.repartition(exchange.Broadcast), descs: valid}
}

// ReadOnlyBroadcastState is the view of a broadcast state the non-broadcast
// input has: it may read, never write, so that every parallel instance keeps
// the same copy. Values must not be modified.
type ReadOnlyBroadcastState[K comparable, V any] interface {
	Get(k K) (V, bool)
	Contains(k K) bool
	// All iterates the entries in no fixed order. The state must not be
	// modified during the iteration.
	All() iter.Seq2[K, V]
	Len() int
	IsEmpty() bool
}

// BroadcastState is a broadcast state as the broadcast input sees it. Every
// parallel instance receives every broadcast element and must update its
// copy the same way (deterministically) for the copies to stay equal.
type BroadcastState[K comparable, V any] interface {
	ReadOnlyBroadcastState[K, V]
	Put(k K, v V)
	PutAll(m map[K]V)
	Remove(k K)
	Clear()
}

// BroadcastStateReader is a context that may read broadcast state: every
// context of a (keyed) broadcast process function.
type BroadcastStateReader interface {
	broadcastStates() *broadcastStates
}

// BroadcastStateWriter is a context that may write broadcast state: the
// context of ProcessBroadcastElement.
type BroadcastStateWriter interface {
	BroadcastStateReader
	writableBroadcastState()
}

// GetBroadcastState returns the writable broadcast state d of the operator.
// d must be one of the descriptors given to BroadcastWith, with the same
// key and value types.
func GetBroadcastState[K comparable, V any](ctx BroadcastStateWriter, d state.MapDescriptor[K, V]) (BroadcastState[K, V], error) {
	if ctx == nil {
		return nil, fmt.Errorf("broadcast state %q: no context", d.StateName())
	}
	return lookupBroadcastState(ctx.broadcastStates(), d)
}

// GetReadOnlyBroadcastState returns a read-only view of the broadcast state
// d of the operator, as GetBroadcastState.
func GetReadOnlyBroadcastState[K comparable, V any](ctx BroadcastStateReader, d state.MapDescriptor[K, V]) (ReadOnlyBroadcastState[K, V], error) {
	if ctx == nil {
		return nil, fmt.Errorf("broadcast state %q: no context", d.StateName())
	}
	m, err := lookupBroadcastState(ctx.broadcastStates(), d)
	if err != nil {
		return nil, err
	}
	return readOnlyMap[K, V]{m}, nil
}

// broadcastStates are the broadcast states of one operator instance: the
// declared descriptors, and the maps, created on first use, in the
// operator context's BroadcastState (by name).
type broadcastStates struct {
	operatorName string
	descs        map[string]state.Descriptor
	maps         map[string]any
	store        *opstate.Store
}

func newBroadcastStates(ctx *operator.Context, descs []state.Descriptor) *broadcastStates {
	if ctx.BroadcastState == nil {
		ctx.BroadcastState = make(map[string]any)
	}
	b := &broadcastStates{operatorName: ctx.OperatorName, descs: make(map[string]state.Descriptor, len(descs)), maps: ctx.BroadcastState, store: ctx.OperatorStateStore()}
	for _, d := range descs {
		b.descs[d.StateName()] = d
	}
	return b
}

func lookupBroadcastState[K comparable, V any](b *broadcastStates, d state.MapDescriptor[K, V]) (*broadcastMap[K, V], error) {
	name := d.StateName()
	declared, ok := b.descs[name]
	if !ok {
		return nil, fmt.Errorf("broadcast state %q does not exist in operator %q: declare it in the BroadcastWith call of the broadcast stream", name, b.operatorName)
	}
	if _, ok := declared.(state.MapDescriptor[K, V]); !ok {
		return nil, fmt.Errorf("broadcast state %q of operator %q is declared as %T, not %T", name, b.operatorName, declared, d)
	}
	if m, ok := b.maps[name].(*broadcastMap[K, V]); ok {
		return m, nil
	}
	// Keys and values without a codec work until a checkpoint needs them.
	kc, _ := serde.For[K]()
	vc, _ := serde.For[V]()
	m, err := opstate.NewMap(b.store, name, opstate.Broadcast, kc, vc)
	if err != nil {
		return nil, fmt.Errorf("broadcast state of operator %q: %w", b.operatorName, err)
	}
	b.maps[name] = m
	return m, nil
}

// broadcastMap is the operator's copy of one broadcast state, operator
// state in Broadcast mode: checkpointed, and restored at any parallelism.
type broadcastMap[K comparable, V any] = opstate.Map[K, V]

// readOnlyMap hides the writing methods of a broadcast map.
type readOnlyMap[K comparable, V any] struct{ b *broadcastMap[K, V] }

func (r readOnlyMap[K, V]) Get(k K) (V, bool)    { return r.b.Get(k) }
func (r readOnlyMap[K, V]) Contains(k K) bool    { return r.b.Contains(k) }
func (r readOnlyMap[K, V]) All() iter.Seq2[K, V] { return r.b.All() }
func (r readOnlyMap[K, V]) Len() int             { return r.b.Len() }
func (r readOnlyMap[K, V]) IsEmpty() bool        { return r.b.IsEmpty() }

// BroadcastConnectedStream is a non-keyed stream connected to a broadcast
// stream (Flink's BroadcastConnectedStream).
type BroadcastConnectedStream[IN, BC any] struct {
	env       *Env
	input     *DataStream[IN]
	broadcast *BroadcastStream[BC]
}

// ConnectBroadcast connects a stream to a broadcast stream. The stream
// keeps its partitioning (forward by default); every subtask of the
// consuming operator sees every broadcast element.
func ConnectBroadcast[IN, BC any](s *DataStream[IN], bs *BroadcastStream[BC]) *BroadcastConnectedStream[IN, BC] {
	env, bs := broadcastEnv("ConnectBroadcast", s, bs)
	return &BroadcastConnectedStream[IN, BC]{env: env, input: orEmpty(env, s), broadcast: bs}
}

// broadcastEnv returns the environment of a stream and a broadcast stream,
// reporting nil streams and different environments (as connectEnv), and a
// non-nil broadcast stream.
func broadcastEnv[IN, BC any](what string, s *DataStream[IN], bs *BroadcastStream[BC]) (*Env, *BroadcastStream[BC]) {
	var b *DataStream[BC]
	if bs != nil {
		b = bs.stream
	}
	env := connectEnv(what, s, b)
	if bs == nil {
		bs = &BroadcastStream[BC]{stream: &DataStream[BC]{env: env}}
	}
	return env, bs
}

// BroadcastProcessFunction is the function of a non-keyed stream connected
// to a broadcast stream (Flink's BroadcastProcessFunction). It reads the
// broadcast state for the elements of the non-broadcast input and writes it
// for the broadcast elements; every parallel instance sees every broadcast
// element. It may implement Opener and Closer.
type BroadcastProcessFunction[IN, BC, OUT any] interface {
	ProcessElement(v IN, ctx *ReadOnlyBroadcastContext, out Collector[OUT]) error
	ProcessBroadcastElement(v BC, ctx *BroadcastContext, out Collector[OUT]) error
}

// BroadcastProcessFuncs adapts two functions to BroadcastProcessFunction.
type BroadcastProcessFuncs[IN, BC, OUT any] struct {
	Element   func(v IN, ctx *ReadOnlyBroadcastContext, out Collector[OUT]) error
	Broadcast func(v BC, ctx *BroadcastContext, out Collector[OUT]) error
}

func (f BroadcastProcessFuncs[IN, BC, OUT]) ProcessElement(v IN, ctx *ReadOnlyBroadcastContext, out Collector[OUT]) error {
	return f.Element(v, ctx, out)
}

func (f BroadcastProcessFuncs[IN, BC, OUT]) ProcessBroadcastElement(v BC, ctx *BroadcastContext, out Collector[OUT]) error {
	return f.Broadcast(v, ctx, out)
}

// ReadOnlyBroadcastContext is the context of the non-broadcast input: the
// element's timestamp, the watermark, side outputs and read-only broadcast
// state (GetReadOnlyBroadcastState).
type ReadOnlyBroadcastContext struct {
	ProcessContext
	bc *broadcastStates
}

func (c *ReadOnlyBroadcastContext) broadcastStates() *broadcastStates { return c.bc }

// BroadcastContext is the context of the broadcast input: as
// ReadOnlyBroadcastContext, but the broadcast state is writable
// (GetBroadcastState).
type BroadcastContext struct {
	ProcessContext
	bc *broadcastStates
}

func (c *BroadcastContext) broadcastStates() *broadcastStates { return c.bc }
func (c *BroadcastContext) writableBroadcastState()           {}

// ProcessBroadcast applies a broadcast process function.
func ProcessBroadcast[IN, BC, OUT any](c *BroadcastConnectedStream[IN, BC], fn BroadcastProcessFunction[IN, BC, OUT]) *DataStream[OUT] {
	if fn == nil {
		c.env.fail(fmt.Errorf("ProcessBroadcast: function is nil"))
	} else if f, ok := fn.(BroadcastProcessFuncs[IN, BC, OUT]); ok {
		checkFuncs(c.env, "ProcessBroadcast", f.Element == nil, f.Broadcast == nil)
	}
	descs := c.broadcast.descs
	return twoInput(c.env, "Co-Process-Broadcast", false, inputOf(c.input), inputOf(c.broadcast.stream), func(out operator.Output[OUT]) operator.TwoInput[IN, BC] {
		return newBroadcastProcessOp(instance(fn), descs, out)
	})
}

func newBroadcastProcessOp[IN, BC, OUT any](fn BroadcastProcessFunction[IN, BC, OUT], descs []state.Descriptor, out operator.Output[OUT]) *broadcastProcessOp[IN, BC, OUT] {
	return &broadcastProcessOp[IN, BC, OUT]{coWatermarks: newCoWatermarks(out), fn: fn, descs: descs, c: timestampedCollector[OUT]{out: out}}
}

type broadcastProcessOp[IN, BC, OUT any] struct {
	coWatermarks[OUT]
	fn    BroadcastProcessFunction[IN, BC, OUT]
	descs []state.Descriptor
	c     timestampedCollector[OUT]
	ro    ReadOnlyBroadcastContext
	rw    BroadcastContext
}

func (p *broadcastProcessOp[IN, BC, OUT]) Open(ctx *operator.Context) error {
	bc := newBroadcastStates(ctx, p.descs)
	pc := ProcessContext{side: sideEmitter{op: ctx}, watermark: p.currentWatermark}
	p.ro = ReadOnlyBroadcastContext{ProcessContext: pc, bc: bc}
	p.rw = BroadcastContext{ProcessContext: pc, bc: bc}
	return openFunction(p.fn, ctx)
}

func (p *broadcastProcessOp[IN, BC, OUT]) ProcessElement1(r operator.Record[IN]) {
	p.c.ts, p.ro.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessElement(r.Value, &p.ro, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *broadcastProcessOp[IN, BC, OUT]) ProcessElement2(r operator.Record[BC]) {
	p.c.ts, p.rw.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessBroadcastElement(r.Value, &p.rw, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *broadcastProcessOp[IN, BC, OUT]) Finish() error { return nil }
func (p *broadcastProcessOp[IN, BC, OUT]) Close() error  { return closeFunction(p.fn) }
