package datastream

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
)

// ProcessJoinFunction is called for every pair an interval join finds
// (Flink's ProcessJoinFunction). It may implement Opener and Closer.
type ProcessJoinFunction[IN1, IN2, OUT any] interface {
	ProcessElement(left IN1, right IN2, ctx *IntervalJoinContext, out Collector[OUT]) error
}

// ProcessJoinFunc adapts a function to ProcessJoinFunction.
type ProcessJoinFunc[IN1, IN2, OUT any] func(left IN1, right IN2, ctx *IntervalJoinContext, out Collector[OUT]) error

func (f ProcessJoinFunc[IN1, IN2, OUT]) ProcessElement(left IN1, right IN2, ctx *IntervalJoinContext, out Collector[OUT]) error {
	return f(left, right, ctx, out)
}

// IntervalJoinContext is the context of a joined pair: its timestamp (the
// larger of the two elements' timestamps, which results carry), the
// elements' own timestamps, the watermark and side outputs (Output).
type IntervalJoinContext struct {
	ProcessContext
	left, right int64
}

// LeftTimestamp returns the timestamp of the left (first) element.
func (c *IntervalJoinContext) LeftTimestamp() int64 { return c.left }

// RightTimestamp returns the timestamp of the right (second) element.
func (c *IntervalJoinContext) RightTimestamp() int64 { return c.right }

// IntervalJoinOption configures an interval join.
type IntervalJoinOption func(*intervalJoinConfig)

type intervalJoinConfig struct {
	lowerExclusive, upperExclusive bool
	lateLeft, lateRight            string
	lateLeftType, lateRightType    graph.TypeOps
}

// LowerBoundExclusive excludes the lower bound: a right element joins a
// left one at l only if its timestamp is > l + lower.
func LowerBoundExclusive() IntervalJoinOption {
	return func(c *intervalJoinConfig) { c.lowerExclusive = true }
}

// UpperBoundExclusive excludes the upper bound: a right element joins a
// left one at l only if its timestamp is < l + upper.
func UpperBoundExclusive() IntervalJoinOption {
	return func(c *intervalJoinConfig) { c.upperExclusive = true }
}

// SideOutputLeftLateData sends the left elements dropped as late to the
// side output tag (read it with SideOutput on the join's stream).
func SideOutputLeftLateData[T any](tag OutputTag[T]) IntervalJoinOption {
	return func(c *intervalJoinConfig) { c.lateLeft, c.lateLeftType = tag.id, graph.Type[T]() }
}

// SideOutputRightLateData sends the right elements dropped as late to the
// side output tag.
func SideOutputRightLateData[T any](tag OutputTag[T]) IntervalJoinOption {
	return func(c *intervalJoinConfig) { c.lateRight, c.lateRightType = tag.id, graph.Type[T]() }
}

// IntervalJoin joins two keyed streams by key and event time (Flink's
// KeyedStream.intervalJoin(...).between(lower, upper).process(fn)): fn is
// called for every pair of a left element a and a right element b with the
// same key and
//
//	a.timestamp + lower <= b.timestamp <= a.timestamp + upper
//
// (bounds inclusive unless LowerBoundExclusive / UpperBoundExclusive). A
// result carries the larger of the two timestamps. The join runs in event
// time only: an element without a timestamp fails the job. Each side is
// buffered per key and timestamp until the watermark shows no partner can
// arrive any more; an element behind the watermark is late and dropped (or
// sent to the side output of SideOutputLeftLateData /
// SideOutputRightLateData). Bounds are taken in milliseconds; lower must
// not be greater than upper.
func IntervalJoin[IN1, IN2 any, K comparable, OUT any](left *KeyedStream[IN1, K], right *KeyedStream[IN2, K], lower, upper time.Duration,
	fn ProcessJoinFunc[IN1, IN2, OUT], opts ...IntervalJoinOption) *DataStream[OUT] {
	var f ProcessJoinFunction[IN1, IN2, OUT]
	if fn != nil {
		f = fn
	}
	return IntervalJoinProcess(left, right, lower, upper, f, opts...)
}

// IntervalJoinProcess is IntervalJoin with a ProcessJoinFunction (for
// functions with Open and Close).
func IntervalJoinProcess[IN1, IN2 any, K comparable, OUT any](left *KeyedStream[IN1, K], right *KeyedStream[IN2, K], lower, upper time.Duration,
	fn ProcessJoinFunction[IN1, IN2, OUT], opts ...IntervalJoinOption) *DataStream[OUT] {
	c := connectKeyed("IntervalJoin", left, right)
	env := c.env
	if fn == nil {
		env.fail(fmt.Errorf("IntervalJoin: function is nil"))
	}
	lo, hi := lower.Milliseconds(), upper.Milliseconds()
	if lo > hi {
		env.fail(fmt.Errorf("IntervalJoin: the lower bound %v is greater than the upper bound %v", lower, upper))
	}
	var cfg intervalJoinConfig
	for _, o := range opts {
		if o == nil {
			env.fail(fmt.Errorf("IntervalJoin: option is nil"))
			continue
		}
		o(&cfg)
	}
	if cfg.lateLeft != "" && cfg.lateLeftType != graph.Type[IN1]() {
		env.fail(fmt.Errorf("IntervalJoin: the element type of the left late-data tag %q is not the left stream's", cfg.lateLeft))
	}
	if cfg.lateRight != "" && cfg.lateRightType != graph.Type[IN2]() {
		env.fail(fmt.Errorf("IntervalJoin: the element type of the right late-data tag %q is not the right stream's", cfg.lateRight))
	}
	// Exclusive bounds move by one millisecond, so that the operator only
	// checks inclusive bounds (as Flink).
	if cfg.lowerExclusive {
		lo = saturatingAdd(lo, 1)
	}
	if cfg.upperExclusive {
		hi = saturatingAdd(hi, -1)
	}
	key1, key2, codec := c.first.key, c.second.key, c.first.codec
	return twoInput(env, "Interval Join", true, inputOf(c.first.DataStream), inputOf(c.second.DataStream), func(out operator.Output[OUT]) operator.TwoInput[IN1, IN2] {
		return newIntervalJoinOp(instance(fn), key1, key2, codec, lo, hi, cfg, out)
	})
}

// joinSide is the timer namespace of an interval join: whose buffer a
// cleanup timer cleans.
type joinSide uint8

const (
	leftSide joinSide = iota
	rightSide
)

var joinSideCodec = serde.MustFor[joinSide]()

// intervalJoinOp is Flink's IntervalJoinOperator: per key, a buffer of each
// side by timestamp (map state), a lookup of the other side's buffer for
// every element, and an event-time cleanup timer per element timestamp.
type intervalJoinOp[IN1, IN2 any, K comparable, OUT any] struct {
	coWatermarks[OUT]
	fn           ProcessJoinFunction[IN1, IN2, OUT]
	key1         func(IN1) K
	key2         func(IN2) K
	codec        serde.Codec[K]
	lower, upper int64 // inclusive, in milliseconds
	cfg          intervalJoinConfig

	op     *operator.Context
	keys   *operator.KeyContext[K]
	timers *operator.KeyedTimers[K, joinSide]
	left   statebackend.Map[statebackend.Void, int64, []IN1]
	right  statebackend.Map[statebackend.Void, int64, []IN2]
	c      timestampedCollector[OUT]
	ctx    IntervalJoinContext
}

func newIntervalJoinOp[IN1, IN2 any, K comparable, OUT any](fn ProcessJoinFunction[IN1, IN2, OUT], key1 func(IN1) K, key2 func(IN2) K,
	codec serde.Codec[K], lower, upper int64, cfg intervalJoinConfig, out operator.Output[OUT]) *intervalJoinOp[IN1, IN2, K, OUT] {
	return &intervalJoinOp[IN1, IN2, K, OUT]{coWatermarks: newCoWatermarks(out), fn: fn, key1: key1, key2: key2, codec: codec,
		lower: lower, upper: upper, cfg: cfg, c: timestampedCollector[OUT]{out: out}}
}

func (j *intervalJoinOp[IN1, IN2, K, OUT]) Open(ctx *operator.Context) error {
	j.op = ctx
	keys, err := operator.NewKeyContext(ctx, j.codec)
	if err != nil {
		return err
	}
	j.keys = keys
	j.left, err = statebackend.NewMap(ctx.Keyed, state.Map[int64, []IN1]("LEFT_BUFFER"), statebackend.VoidCodec)
	if err != nil {
		return fmt.Errorf("interval join: %w", err)
	}
	j.right, err = statebackend.NewMap(ctx.Keyed, state.Map[int64, []IN2]("RIGHT_BUFFER"), statebackend.VoidCodec)
	if err != nil {
		return fmt.Errorf("interval join: %w", err)
	}
	j.timers = operator.NewKeyedTimers(ctx, keys, joinSideCodec, j.cleanup, func(statebackend.Timer[joinSide]) {})
	j.advance = j.timers.AdvanceWatermark
	j.ctx = IntervalJoinContext{ProcessContext: ProcessContext{side: sideEmitter{op: ctx}, watermark: j.timers.CurrentWatermark}}
	return openFunction(j.fn, ctx)
}

// timestamp returns the event timestamp of an element, failing the job if
// it has none.
func (j *intervalJoinOp[IN1, IN2, K, OUT]) timestamp(ts int64, side string) int64 {
	if ts == event.NoTimestamp {
		operator.Failf("interval join %q: a %s element has no timestamp: the elements of an interval join need event timestamps (assign them with a watermark strategy)", j.op.OperatorName, side)
	}
	return ts
}

// isLate reports an element behind the operator's watermark (Flink's
// IntervalJoinOperator.isLate).
func (j *intervalJoinOp[IN1, IN2, K, OUT]) isLate(ts int64) bool {
	return ts < j.timers.CurrentWatermark()
}

func (j *intervalJoinOp[IN1, IN2, K, OUT]) ProcessElement1(r operator.Record[IN1]) {
	ts := j.timestamp(r.Timestamp, "left")
	if j.isLate(ts) {
		if j.cfg.lateLeft != "" {
			operator.SideOutput[IN1](j.op, j.cfg.lateLeft).Collect(r)
		}
		return
	}
	j.keys.Set(j.key1(r.Value))
	addToBuffer(j.left, r.Value, ts)
	lo, hi := saturatingAdd(ts, j.lower), saturatingAdd(ts, j.upper)
	for bts, bucket := range j.right.All() {
		if bts < lo || bts > hi {
			continue
		}
		for _, other := range bucket {
			j.collect(r.Value, other, ts, bts)
		}
	}
	cleanup := ts
	if j.upper > 0 {
		cleanup = saturatingAdd(ts, j.upper)
	}
	j.timers.RegisterEventTimeTimer(leftSide, cleanup)
}

func (j *intervalJoinOp[IN1, IN2, K, OUT]) ProcessElement2(r operator.Record[IN2]) {
	ts := j.timestamp(r.Timestamp, "right")
	if j.isLate(ts) {
		if j.cfg.lateRight != "" {
			operator.SideOutput[IN2](j.op, j.cfg.lateRight).Collect(r)
		}
		return
	}
	j.keys.Set(j.key2(r.Value))
	addToBuffer(j.right, r.Value, ts)
	// A left element at l joins b at ts if l + lower <= ts <= l + upper,
	// that is ts - upper <= l <= ts - lower.
	lo, hi := saturatingAdd(ts, -j.upper), saturatingAdd(ts, -j.lower)
	for bts, bucket := range j.left.All() {
		if bts < lo || bts > hi {
			continue
		}
		for _, other := range bucket {
			j.collect(other, r.Value, bts, ts)
		}
	}
	cleanup := ts
	if -j.lower > 0 {
		cleanup = saturatingAdd(ts, -j.lower)
	}
	j.timers.RegisterEventTimeTimer(rightSide, cleanup)
}

func (j *intervalJoinOp[IN1, IN2, K, OUT]) collect(left IN1, right IN2, lts, rts int64) {
	ts := max(lts, rts)
	j.c.ts, j.ctx.side.ts = ts, ts
	j.ctx.left, j.ctx.right = lts, rts
	if err := j.fn.ProcessElement(left, right, &j.ctx, &j.c); err != nil {
		operator.Fail(err)
	}
}

// cleanup drops the bucket a cleanup timer was registered for: no element
// that is not late can join it any more.
func (j *intervalJoinOp[IN1, IN2, K, OUT]) cleanup(t statebackend.Timer[joinSide]) {
	switch t.Namespace {
	case leftSide:
		ts := t.Timestamp
		if j.upper > 0 {
			ts = t.Timestamp - j.upper
		}
		j.left.Remove(ts)
	case rightSide:
		ts := t.Timestamp
		if j.lower < 0 {
			ts = t.Timestamp + j.lower
		}
		j.right.Remove(ts)
	}
}

func (j *intervalJoinOp[IN1, IN2, K, OUT]) Finish() error { return nil }
func (j *intervalJoinOp[IN1, IN2, K, OUT]) Close() error  { return closeFunction(j.fn) }

// addToBuffer appends v to the bucket of timestamp ts. The bucket is copied
// on write: the state may share it with a snapshot.
func addToBuffer[T any](buf statebackend.Map[statebackend.Void, int64, []T], v T, ts int64) {
	bucket, _ := buf.Get(ts)
	buf.Put(ts, append(slices.Clip(bucket), v))
}

// saturatingAdd returns a + b, clamped to the int64 range.
func saturatingAdd(a, b int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}
