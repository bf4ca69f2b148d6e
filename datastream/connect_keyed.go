package datastream

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
)

// KeyedConnectedStreams are two streams keyed by the same key type and
// codec, so that the elements of both inputs with one key meet in the same
// subtask and share its keyed state and timers.
type KeyedConnectedStreams[IN1, IN2 any, K comparable] struct {
	env    *Env
	first  *KeyedStream[IN1, K]
	second *KeyedStream[IN2, K]
}

// ConnectKeyed connects two keyed streams. Both must partition with the same
// key codec, so that a key lands in the same key group on both inputs.
func ConnectKeyed[IN1, IN2 any, K comparable](a *KeyedStream[IN1, K], b *KeyedStream[IN2, K]) *KeyedConnectedStreams[IN1, IN2, K] {
	return connectKeyed("ConnectKeyed", a, b)
}

// connectKeyed is ConnectKeyed reporting errors as what.
func connectKeyed[IN1, IN2 any, K comparable](what string, a *KeyedStream[IN1, K], b *KeyedStream[IN2, K]) *KeyedConnectedStreams[IN1, IN2, K] {
	var da *DataStream[IN1]
	var db *DataStream[IN2]
	if a != nil {
		da = a.DataStream
	}
	if b != nil {
		db = b.DataStream
	}
	env := connectEnv(what, da, db)
	c := &KeyedConnectedStreams[IN1, IN2, K]{env: env, first: a, second: b}
	if a == nil {
		c.first = &KeyedStream[IN1, K]{DataStream: &DataStream[IN1]{env: env}}
	}
	if b == nil {
		c.second = &KeyedStream[IN2, K]{DataStream: &DataStream[IN2]{env: env}}
	}
	if a != nil && b != nil {
		if err := sameKeyCodec(a.codec, b.codec); err != nil {
			env.fail(fmt.Errorf("%s: %w", what, err))
		}
	}
	return c
}

// KeyByConnected keys both inputs of connected streams (Flink's
// ConnectedStreams.keyBy) with the default codec of K.
func KeyByConnected[IN1, IN2 any, K comparable](c *ConnectedStreams[IN1, IN2], key1 func(IN1) K, key2 func(IN2) K) *KeyedConnectedStreams[IN1, IN2, K] {
	return ConnectKeyed(KeyBy(c.first, key1), KeyBy(c.second, key2))
}

// sameKeyCodec reports codecs that may encode a key differently, which
// would send one key to different subtasks on the two inputs.
func sameKeyCodec[K any](a, b serde.Codec[K]) error {
	if a == nil || b == nil {
		return nil // KeyBy already reported the missing codec
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb {
		return fmt.Errorf("the inputs are keyed with different key codecs (%v and %v): both inputs must encode keys the same way so that a key belongs to one key group", ta, tb)
	}
	if ta.Comparable() && any(a) != any(b) {
		return fmt.Errorf("the inputs are keyed with different key codecs of type %v: both inputs must encode keys the same way so that a key belongs to one key group", ta)
	}
	var zero K
	if !bytes.Equal(a.Append(nil, zero), b.Append(nil, zero)) {
		return fmt.Errorf("the key codecs of the inputs encode the zero key differently: both inputs must encode keys the same way so that a key belongs to one key group")
	}
	return nil
}

// First returns the first keyed input.
func (c *KeyedConnectedStreams[IN1, IN2, K]) First() *KeyedStream[IN1, K] { return c.first }

// Second returns the second keyed input.
func (c *KeyedConnectedStreams[IN1, IN2, K]) Second() *KeyedStream[IN2, K] { return c.second }

// Connected returns the co-partitioned inputs as ConnectedStreams, for
// CoMap, CoFlatMap and CoProcess without keyed state.
func (c *KeyedConnectedStreams[IN1, IN2, K]) Connected() *ConnectedStreams[IN1, IN2] {
	return &ConnectedStreams[IN1, IN2]{env: c.env, first: c.first.DataStream, second: c.second.DataStream}
}

// KeyedCoProcessFunction is the low-level function of keyed connected
// streams (Flink's KeyedCoProcessFunction): keyed state shared by both
// inputs (through the RuntimeContext given to Open) and timers of the
// current key (ctx.TimerService()). Implement TimerHandler to be called
// when timers fire; the current key is the timer's.
type KeyedCoProcessFunction[K, IN1, IN2, OUT any] interface {
	ProcessElement1(v IN1, ctx *KeyedContext[K], out Collector[OUT]) error
	ProcessElement2(v IN2, ctx *KeyedContext[K], out Collector[OUT]) error
}

// KeyedCoProcessFuncs adapts functions to KeyedCoProcessFunction and
// TimerHandler; Timer may be nil.
type KeyedCoProcessFuncs[K, IN1, IN2, OUT any] struct {
	Element1 func(v IN1, ctx *KeyedContext[K], out Collector[OUT]) error
	Element2 func(v IN2, ctx *KeyedContext[K], out Collector[OUT]) error
	Timer    func(ts int64, ctx *TimerContext[K], out Collector[OUT]) error
}

func (f KeyedCoProcessFuncs[K, IN1, IN2, OUT]) ProcessElement1(v IN1, ctx *KeyedContext[K], out Collector[OUT]) error {
	return f.Element1(v, ctx, out)
}

func (f KeyedCoProcessFuncs[K, IN1, IN2, OUT]) ProcessElement2(v IN2, ctx *KeyedContext[K], out Collector[OUT]) error {
	return f.Element2(v, ctx, out)
}

func (f KeyedCoProcessFuncs[K, IN1, IN2, OUT]) OnTimer(ts int64, ctx *TimerContext[K], out Collector[OUT]) error {
	if f.Timer == nil {
		return nil
	}
	return f.Timer(ts, ctx, out)
}

// KeyedCoProcess applies a keyed co-process function.
func KeyedCoProcess[IN1, IN2 any, K comparable, OUT any](c *KeyedConnectedStreams[IN1, IN2, K], fn KeyedCoProcessFunction[K, IN1, IN2, OUT]) *DataStream[OUT] {
	if fn == nil {
		c.env.fail(fmt.Errorf("KeyedCoProcess: function is nil"))
	} else if f, ok := fn.(KeyedCoProcessFuncs[K, IN1, IN2, OUT]); ok {
		checkFuncs(c.env, "KeyedCoProcess", f.Element1 == nil, f.Element2 == nil)
	}
	key1, key2, codec := c.first.key, c.second.key, c.first.codec
	return twoInput(c.env, "Co-Keyed-Process", true, inputOf(c.first.DataStream), inputOf(c.second.DataStream), func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2] {
		return newKeyedCoProcessOp(instance(fn), key1, key2, codec, out)
	})
}

func newKeyedCoProcessOp[IN1, IN2 any, K comparable, OUT any](fn KeyedCoProcessFunction[K, IN1, IN2, OUT], key1 func(IN1) K, key2 func(IN2) K,
	codec serde.Codec[K], out operator.Output[OUT]) *keyedCoProcessOp[IN1, IN2, K, OUT] {
	return &keyedCoProcessOp[IN1, IN2, K, OUT]{coWatermarks: newCoWatermarks(out), fn: fn, key1: key1, key2: key2,
		keyedTimerOp: newKeyedTimerOp(codec, out)}
}

// keyedTimerOp is the key and timer plumbing of a keyed two-input operator
// with user timers (Void namespace): the key context, the timer service and
// the contexts handed to the function.
type keyedTimerOp[K any, OUT any] struct {
	codec  serde.Codec[K]
	c      timestampedCollector[OUT]
	keys   *operator.KeyContext[K]
	timers *operator.KeyedTimers[K, statebackend.Void]
	kctx   KeyedContext[K]
	tctx   TimerContext[K]
}

func newKeyedTimerOp[K, OUT any](codec serde.Codec[K], out operator.Output[OUT]) keyedTimerOp[K, OUT] {
	return keyedTimerOp[K, OUT]{codec: codec, c: timestampedCollector[OUT]{out: out}}
}

// open sets up keys, timers and contexts; fire is called for each timer
// with the collector's and the timer context's timestamps already set.
func (k *keyedTimerOp[K, OUT]) open(ctx *operator.Context, w *coWatermarks[OUT], fire func(ts int64, domain TimeDomain)) error {
	keys, err := operator.NewKeyContext(ctx, k.codec)
	if err != nil {
		return err
	}
	k.keys = keys
	onTimer := func(domain TimeDomain) func(t statebackend.Timer[statebackend.Void]) {
		return func(t statebackend.Timer[statebackend.Void]) {
			// Output of an event-time timer carries the timer's timestamp; of
			// a processing-time timer, none (as Flink).
			ts := event.NoTimestamp
			if domain == EventTime {
				ts = t.Timestamp
			}
			k.c.ts, k.tctx.side.ts, k.tctx.domain = ts, ts, domain
			fire(t.Timestamp, domain)
		}
	}
	k.timers = operator.NewKeyedTimers(ctx, keys, statebackend.VoidCodec, onTimer(EventTime), onTimer(ProcessingTime))
	w.advance = k.timers.AdvanceWatermark
	k.kctx = KeyedContext[K]{
		ProcessContext: ProcessContext{side: sideEmitter{op: ctx}, watermark: k.timers.CurrentWatermark},
		currentKey:     keys.Current,
		timers:         keyTimers[K]{k.timers},
	}
	k.tctx = TimerContext[K]{KeyedContext: k.kctx}
	return nil
}

// element makes key current and sets the timestamps of an element.
func (k *keyedTimerOp[K, OUT]) element(key K, ts int64) {
	k.keys.Set(key)
	k.c.ts, k.kctx.side.ts = ts, ts
}

type keyedCoProcessOp[IN1, IN2 any, K comparable, OUT any] struct {
	coWatermarks[OUT]
	keyedTimerOp[K, OUT]
	fn     KeyedCoProcessFunction[K, IN1, IN2, OUT]
	key1   func(IN1) K
	key2   func(IN2) K
	onTime TimerHandler[K, OUT]
}

func (p *keyedCoProcessOp[IN1, IN2, K, OUT]) Open(ctx *operator.Context) error {
	if err := p.open(ctx, &p.coWatermarks, p.fire); err != nil {
		return err
	}
	p.onTime, _ = p.fn.(TimerHandler[K, OUT])
	return openFunction(p.fn, ctx)
}

func (p *keyedCoProcessOp[IN1, IN2, K, OUT]) ProcessElement1(r operator.Record[IN1]) {
	p.element(p.key1(r.Value), r.Timestamp)
	if err := p.fn.ProcessElement1(r.Value, &p.kctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedCoProcessOp[IN1, IN2, K, OUT]) ProcessElement2(r operator.Record[IN2]) {
	p.element(p.key2(r.Value), r.Timestamp)
	if err := p.fn.ProcessElement2(r.Value, &p.kctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedCoProcessOp[IN1, IN2, K, OUT]) fire(ts int64, _ TimeDomain) {
	if p.onTime == nil {
		return
	}
	if err := p.onTime.OnTimer(ts, &p.tctx, &p.c); err != nil {
		operator.Fail(err)
	}
}

func (p *keyedCoProcessOp[IN1, IN2, K, OUT]) Finish() error { return nil }
func (p *keyedCoProcessOp[IN1, IN2, K, OUT]) Close() error  { return closeFunction(p.fn) }
