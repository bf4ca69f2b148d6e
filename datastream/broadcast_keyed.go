package datastream

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// KeyedBroadcastConnectedStream is a keyed stream connected to a broadcast
// stream (Flink's BroadcastConnectedStream over a KeyedStream).
type KeyedBroadcastConnectedStream[IN any, K comparable, BC any] struct {
	env       *Env
	input     *KeyedStream[IN, K]
	broadcast *BroadcastStream[BC]
}

// ConnectKeyedBroadcast connects a keyed stream to a broadcast stream: the
// keyed elements go to the subtask of their key, every broadcast element to
// every subtask.
func ConnectKeyedBroadcast[IN any, K comparable, BC any](ks *KeyedStream[IN, K], bs *BroadcastStream[BC]) *KeyedBroadcastConnectedStream[IN, K, BC] {
	var s *DataStream[IN]
	if ks != nil {
		s = ks.DataStream
	}
	env, bs := broadcastEnv("ConnectKeyedBroadcast", s, bs)
	if ks == nil {
		ks = &KeyedStream[IN, K]{DataStream: &DataStream[IN]{env: env}}
	}
	return &KeyedBroadcastConnectedStream[IN, K, BC]{env: env, input: ks, broadcast: bs}
}

// KeyedBroadcastProcessFunction is the function of a keyed stream connected
// to a broadcast stream (Flink's KeyedBroadcastProcessFunction). For keyed
// elements it has the current key, keyed state (through the RuntimeContext
// given to Open), timers and read-only broadcast state; for broadcast
// elements, writable broadcast state and ApplyToKeyedState, but no current
// key. Implement KeyedBroadcastTimerHandler (or TimerHandler) to be called
// when timers fire. It may implement Opener and Closer.
type KeyedBroadcastProcessFunction[K, IN, BC, OUT any] interface {
	ProcessElement(v IN, ctx *KeyedReadOnlyBroadcastContext[K], out Collector[OUT]) error
	ProcessBroadcastElement(v BC, ctx *KeyedBroadcastContext[K], out Collector[OUT]) error
}

// KeyedBroadcastTimerHandler is called when a timer of a keyed broadcast
// process function fires; its context reads the broadcast state.
type KeyedBroadcastTimerHandler[K, OUT any] interface {
	OnTimer(ts int64, ctx *KeyedBroadcastTimerContext[K], out Collector[OUT]) error
}

// KeyedBroadcastProcessFuncs adapts functions to
// KeyedBroadcastProcessFunction and KeyedBroadcastTimerHandler; Timer may
// be nil.
type KeyedBroadcastProcessFuncs[K, IN, BC, OUT any] struct {
	Element   func(v IN, ctx *KeyedReadOnlyBroadcastContext[K], out Collector[OUT]) error
	Broadcast func(v BC, ctx *KeyedBroadcastContext[K], out Collector[OUT]) error
	Timer     func(ts int64, ctx *KeyedBroadcastTimerContext[K], out Collector[OUT]) error
}

func (f KeyedBroadcastProcessFuncs[K, IN, BC, OUT]) ProcessElement(v IN, ctx *KeyedReadOnlyBroadcastContext[K], out Collector[OUT]) error {
	return f.Element(v, ctx, out)
}

func (f KeyedBroadcastProcessFuncs[K, IN, BC, OUT]) ProcessBroadcastElement(v BC, ctx *KeyedBroadcastContext[K], out Collector[OUT]) error {
	return f.Broadcast(v, ctx, out)
}

func (f KeyedBroadcastProcessFuncs[K, IN, BC, OUT]) OnTimer(ts int64, ctx *KeyedBroadcastTimerContext[K], out Collector[OUT]) error {
	if f.Timer == nil {
		return nil
	}
	return f.Timer(ts, ctx, out)
}

// KeyedReadOnlyBroadcastContext is the context of a keyed element: the
// current key, timers, and read-only broadcast state.
type KeyedReadOnlyBroadcastContext[K any] struct {
	KeyedContext[K]
	bc *broadcastStates
}

func (c *KeyedReadOnlyBroadcastContext[K]) broadcastStates() *broadcastStates { return c.bc }

// KeyedBroadcastContext is the context of a broadcast element of a keyed
// broadcast process function: writable broadcast state and
// ApplyToKeyedState. There is no current key: keyed state may be reached
// only through ApplyToKeyedState.
type KeyedBroadcastContext[K any] struct {
	BroadcastContext
	apply func(stateName string, fn func(key K) error) error
}

// ApplyToKeyedState calls fn for every key of this subtask that has a value
// in the keyed state d, in the order of the keys' encodings, with the key
// current, so that fn may read and write that key's state through the
// handles the function obtained in Open. It stops at the first error.
func (c *KeyedBroadcastContext[K]) ApplyToKeyedState(d state.Descriptor, fn func(key K) error) error {
	if d == nil || fn == nil {
		return fmt.Errorf("ApplyToKeyedState: descriptor and function must not be nil")
	}
	return c.apply(d.StateName(), fn)
}

// KeyedBroadcastTimerContext is the context of a firing timer of a keyed
// broadcast process function: as TimerContext, plus read-only broadcast
// state.
type KeyedBroadcastTimerContext[K any] struct {
	TimerContext[K]
	bc *broadcastStates
}

func (c *KeyedBroadcastTimerContext[K]) broadcastStates() *broadcastStates { return c.bc }

// ProcessKeyedBroadcast applies a keyed broadcast process function.
func ProcessKeyedBroadcast[IN any, K comparable, BC, OUT any](c *KeyedBroadcastConnectedStream[IN, K, BC], fn KeyedBroadcastProcessFunction[K, IN, BC, OUT]) *DataStream[OUT] {
	if fn == nil {
		c.env.fail(fmt.Errorf("ProcessKeyedBroadcast: function is nil"))
	} else if f, ok := fn.(KeyedBroadcastProcessFuncs[K, IN, BC, OUT]); ok {
		checkFuncs(c.env, "ProcessKeyedBroadcast", f.Element == nil, f.Broadcast == nil)
	}
	key, codec, descs := c.input.key, c.input.codec, c.broadcast.descs
	return twoInput(c.env, "Co-Process-Broadcast-Keyed", true, inputOf(c.input.DataStream), inputOf(c.broadcast.stream), func(out operator.Output[OUT]) operator.TwoInput[IN, BC] {
		return newKeyedBroadcastProcessOp(instance(fn), key, codec, descs, out)
	})
}

func newKeyedBroadcastProcessOp[IN any, K comparable, BC, OUT any](fn KeyedBroadcastProcessFunction[K, IN, BC, OUT], key func(IN) K, codec serde.Codec[K],
	descs []state.Descriptor, out operator.Output[OUT]) *keyedBroadcastProcessOp[IN, K, BC, OUT] {
	return &keyedBroadcastProcessOp[IN, K, BC, OUT]{coWatermarks: newCoWatermarks(out), keyedTimerOp: newKeyedTimerOp(codec, out), fn: fn, key: key, descs: descs}
}

type keyedBroadcastProcessOp[IN any, K comparable, BC, OUT any] struct {
	coWatermarks[OUT]
	keyedTimerOp[K, OUT]
	fn    KeyedBroadcastProcessFunction[K, IN, BC, OUT]
	key   func(IN) K
	descs []state.Descriptor
	op    *operator.Context
	ro    KeyedReadOnlyBroadcastContext[K]
	rw    KeyedBroadcastContext[K]
	btctx KeyedBroadcastTimerContext[K]
	// onTimer is the function's timer handler, if any.
	onTimer func(ts int64) error
}

func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) Open(ctx *operator.Context) error {
	p.op = ctx
	if err := p.open(ctx, &p.coWatermarks, p.fire); err != nil {
		return err
	}
	bc := newBroadcastStates(ctx, p.descs)
	p.ro = KeyedReadOnlyBroadcastContext[K]{KeyedContext: p.kctx, bc: bc}
	p.rw = KeyedBroadcastContext[K]{BroadcastContext: BroadcastContext{ProcessContext: p.kctx.ProcessContext, bc: bc}, apply: p.applyToKeyedState}
	switch h := p.fn.(type) {
	case KeyedBroadcastTimerHandler[K, OUT]:
		p.onTimer = func(ts int64) error {
			p.btctx = KeyedBroadcastTimerContext[K]{TimerContext: p.tctx, bc: bc}
			return h.OnTimer(ts, &p.btctx, &p.c)
		}
	case TimerHandler[K, OUT]:
		p.onTimer = func(ts int64) error { return h.OnTimer(ts, &p.tctx, &p.c) }
	}
	return openFunction(p.fn, ctx)
}

func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) ProcessElement1(r operator.Record[IN]) {
	p.element(p.key(r.Value), r.Timestamp)
	p.ro.side.ts = r.Timestamp
	if err := p.fn.ProcessElement(r.Value, &p.ro, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) ProcessElement2(r operator.Record[BC]) {
	p.c.ts, p.rw.side.ts = r.Timestamp, r.Timestamp
	if err := p.fn.ProcessBroadcastElement(r.Value, &p.rw, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) fire(ts int64, _ TimeDomain) {
	if p.onTimer == nil {
		return
	}
	if err := p.onTimer(ts); err != nil {
		operator.Fail(err)
	}
}

// applyToKeyedState calls fn with every key that has a value in the named
// keyed state, making each current in turn.
func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) applyToKeyedState(stateName string, fn func(key K) error) error {
	var keys [][]byte
	seen := map[string]bool{}
	p.op.Keyed.Keys(stateName, func(key, _ []byte) {
		if !seen[string(key)] {
			seen[string(key)] = true
			keys = append(keys, slices.Clone(key))
		}
	})
	slices.SortFunc(keys, bytes.Compare)
	for _, k := range keys {
		p.keys.SetEncoded(k, keygroup.ForKey(k, p.op.MaxParallelism))
		if err := fn(p.keys.Current()); err != nil {
			return err
		}
	}
	return nil
}

func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) Finish() error { return nil }
func (p *keyedBroadcastProcessOp[IN, K, BC, OUT]) Close() error  { return closeFunction(p.fn) }
