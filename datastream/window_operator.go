package datastream

import (
	"fmt"
	"math"

	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// mergingSetStateName is the name of the keyed state holding the merging
// window set of a key (Flink's "merging-window-set").
const mergingSetStateName = "merging-window-set"

// windowSpec is what a WindowedStream configured: everything the window
// operator needs besides the window function.
type windowSpec[T any, K comparable, W window.Window] struct {
	key      func(T) K
	codec    serde.Codec[K]
	assigner window.Assigner[T, W]
	trigger  window.Trigger[T, W]
	evictor  window.Evictor[T, W]
	lateness int64
	// lateTag is the id of the late-data side output, "" for none.
	lateTag string
}

// windowOperator is Flink's WindowOperator (and, with an evicting contents,
// its EvictingWindowOperator) for one subtask: it assigns each element to
// windows of its key, keeps their contents in keyed state namespaced by
// window, asks the trigger when to fire and purge, evaluates the window
// function on fire, and cleans windows up at their cleanup time. For
// merging assigners it keeps a window.MergingWindowSet per key in keyed
// state. The protocol is the one documented in package window.
type windowOperator[T any, K comparable, W window.Window, OUT any] struct {
	spec        windowSpec[T, K, W]
	eventTime   bool
	merger      window.WindowMerger[W] // nil unless the assigner merges
	newContents contentsFactory[T, K, W, OUT]
	needKey     bool
	// udf is the user function opened and closed with the operator, nil
	// if none; clearer is its WindowClearer, if it has one.
	udf     any
	clearer WindowClearer[K, W]

	out  operator.Output[OUT]
	late operator.Output[T] // nil without a late-data side output

	ctx      *operator.Context
	keys     *operator.KeyContext[K]
	timers   *operator.KeyedTimers[K, W]
	contents windowContents[T, W]
	em       windowEmitter[K, W, OUT]
	tctx     triggerContext[K, W]

	mergeState statebackend.Value[statebackend.Void, []window.WindowPair[W]]
	mws        *window.MergingWindowSet[W]
	mergeFn    window.MergeFunc[W]

	windows     []W // reused by AssignWindows
	lateDropped int64
}

func newWindowOperator[T any, K comparable, W window.Window, OUT any](spec windowSpec[T, K, W], out operator.Output[OUT],
	contents contentsFactory[T, K, W, OUT], needKey bool, udf any, clearer WindowClearer[K, W]) *windowOperator[T, K, W, OUT] {
	op := &windowOperator[T, K, W, OUT]{spec: spec, newContents: contents, needKey: needKey, udf: udf, clearer: clearer, out: out}
	if spec.assigner != nil {
		op.eventTime = spec.assigner.IsEventTime()
		op.merger, _ = spec.assigner.(window.WindowMerger[W])
	}
	return op
}

// NumLateRecordsDropped returns how many elements were dropped as late
// (Flink's numLateRecordsDropped): elements that fell in no window that is
// not late, with no late-data side output to go to.
func (op *windowOperator[T, K, W, OUT]) NumLateRecordsDropped() int64 { return op.lateDropped }

func (op *windowOperator[T, K, W, OUT]) Open(ctx *operator.Context) error {
	if op.spec.assigner == nil || op.spec.trigger == nil || op.spec.key == nil || op.spec.codec == nil {
		return fmt.Errorf("window operator %q is not fully configured", ctx.OperatorName)
	}
	op.ctx = ctx
	keys, err := operator.NewKeyContext(ctx, op.spec.codec)
	if err != nil {
		return err
	}
	op.keys = keys
	codec := op.spec.assigner.WindowCodec()
	if codec == nil {
		return fmt.Errorf("window assigner %v has no window codec", op.spec.assigner)
	}
	op.timers = operator.NewKeyedTimers(ctx, keys, codec, op.onEventTimer, op.onProcessingTimer)
	op.em = windowEmitter[K, W, OUT]{
		keys:    keys,
		ctx:     WindowContext[W]{side: sideEmitter{op: ctx}, time: op, backend: ctx.Keyed, codec: codec},
		coll:    timestampedCollector[OUT]{out: op.out},
		needKey: op.needKey,
	}
	op.tctx = triggerContext[K, W]{timers: op.timers, backend: ctx.Keyed, codec: codec}
	if op.contents, err = op.newContents(ctx, codec, &op.em); err != nil {
		return fmt.Errorf("window contents state: %w", err)
	}
	if op.merger != nil {
		op.mergeState, err = statebackend.NewValue(ctx.Keyed, state.Value[[]window.WindowPair[W]](mergingSetStateName), statebackend.VoidCodec)
		if err != nil {
			return fmt.Errorf("merging window set state: %w", err)
		}
		op.mws = window.NewMergingWindowSet(op.merger, nil)
		op.mergeFn = op.merge
	}
	if op.spec.lateTag != "" {
		op.late = operator.SideOutput[T](ctx, op.spec.lateTag)
	}
	return openFunction(op.udf, ctx)
}

func (op *windowOperator[T, K, W, OUT]) Finish() error { return nil }

func (op *windowOperator[T, K, W, OUT]) Close() error {
	if op.udf == nil {
		return nil
	}
	return closeFunction(op.udf)
}

// CurrentWatermark implements window.EvictorContext and windowTime.
func (op *windowOperator[T, K, W, OUT]) CurrentWatermark() int64 { return op.timers.CurrentWatermark() }

// CurrentProcessingTime implements window.AssignerContext,
// window.EvictorContext and windowTime.
func (op *windowOperator[T, K, W, OUT]) CurrentProcessingTime() int64 {
	return op.ctx.Clock.NowMillis()
}

func (op *windowOperator[T, K, W, OUT]) ProcessElement(r operator.Record[T]) {
	op.keys.Set(op.spec.key(r.Value))
	ws, err := op.spec.assigner.AssignWindows(r.Value, r.Timestamp, op, op.windows[:0])
	if err != nil {
		operator.Fail(fmt.Errorf("window assigner %v: %w", op.spec.assigner, err))
	}
	op.windows = ws
	wm := op.timers.CurrentWatermark()
	var skipped bool
	if op.mws != nil {
		skipped = op.processMerging(r, wm)
	} else {
		skipped = true
		for _, w := range ws {
			if window.IsWindowLate(w, op.eventTime, op.spec.lateness, wm) {
				continue
			}
			skipped = false
			op.contents.setWindow(w)
			op.contents.add(r.Value, r.Timestamp)
			op.onElement(r, w)
		}
	}
	if skipped && window.IsElementLate(r.Timestamp, op.eventTime, op.spec.lateness, wm) {
		if op.late != nil {
			op.late.Collect(r)
		} else {
			op.lateDropped++
		}
	}
}

// processMerging handles an element for a merging assigner and reports
// whether every window was skipped as late.
func (op *windowOperator[T, K, W, OUT]) processMerging(r operator.Record[T], wm int64) bool {
	pairs, _ := op.mergeState.Value()
	op.mws.Reset(pairs)
	skipped := true
	for _, w := range op.windows {
		actual, err := op.mws.AddWindow(w, op.mergeFn)
		if err != nil {
			operator.Fail(fmt.Errorf("merging window %v: %w", w, err))
		}
		if window.IsWindowLate(actual, op.eventTime, op.spec.lateness, wm) {
			if err := op.mws.RetireWindow(actual); err != nil {
				operator.Fail(err)
			}
			continue
		}
		skipped = false
		stateWindow, ok := op.mws.StateWindow(actual)
		if !ok {
			operator.Failf("window %v is not in the in-flight window set", actual)
		}
		op.contents.setWindow(stateWindow)
		op.contents.add(r.Value, r.Timestamp)
		op.onElement(r, actual)
	}
	op.persistMergingSet()
	return skipped
}

// onElement runs the trigger for an element just added to window w, whose
// contents are the current namespace of op.contents.
func (op *windowOperator[T, K, W, OUT]) onElement(r operator.Record[T], w W) {
	op.tctx.window = w
	res := op.spec.trigger.OnElement(r.Value, r.Timestamp, w, &op.tctx)
	if res.IsFire() && !op.contents.fire(w) {
		return
	}
	if res.IsPurge() {
		op.contents.clear()
	}
	op.registerCleanupTimer(w)
}

// merge is the MergeFunc of the merging window set (Flink's
// WindowOperator merge function).
func (op *windowOperator[T, K, W, OUT]) merge(result W, mergedWindows []W, stateResult W, mergedStateWindows []W) error {
	if op.eventTime {
		if wm := op.timers.CurrentWatermark(); window.IsWindowLate(result, true, op.spec.lateness, wm) {
			return fmt.Errorf("the end timestamp of an event-time window cannot become earlier than the current watermark by merging: current watermark %d, window %v", wm, result)
		}
	} else if now := op.CurrentProcessingTime(); result.MaxTimestamp() <= now {
		return fmt.Errorf("the end timestamp of a processing-time window cannot become earlier than the current processing time by merging: current processing time %d, window %v", now, result)
	}
	op.tctx.window, op.tctx.merged = result, mergedWindows
	op.spec.trigger.OnMerge(result, &op.tctx)
	op.tctx.merged = nil
	for _, m := range mergedWindows {
		op.tctx.window = m
		op.spec.trigger.Clear(m, &op.tctx)
		op.deleteCleanupTimer(m)
	}
	op.contents.merge(stateResult, mergedStateWindows)
	return nil
}

func (op *windowOperator[T, K, W, OUT]) persistMergingSet() {
	if !op.mws.Changed() {
		return
	}
	if op.mws.Len() == 0 {
		op.mergeState.Clear()
		return
	}
	// A new slice: the stored one may be shared with a snapshot.
	op.mergeState.Update(op.mws.AppendPairs(make([]window.WindowPair[W], 0, op.mws.Len())))
}

func (op *windowOperator[T, K, W, OUT]) registerCleanupTimer(w W) {
	t := window.CleanupTime(w, op.eventTime, op.spec.lateness)
	if t == math.MaxInt64 {
		return // no cleanup at the end of time
	}
	if op.eventTime {
		op.timers.RegisterEventTimeTimer(w, t)
	} else {
		op.timers.RegisterProcessingTimeTimer(w, t)
	}
}

func (op *windowOperator[T, K, W, OUT]) deleteCleanupTimer(w W) {
	t := window.CleanupTime(w, op.eventTime, op.spec.lateness)
	if t == math.MaxInt64 {
		return
	}
	if op.eventTime {
		op.timers.DeleteEventTimeTimer(w, t)
	} else {
		op.timers.DeleteProcessingTimeTimer(w, t)
	}
}

func (op *windowOperator[T, K, W, OUT]) onEventTimer(t statebackend.Timer[W]) {
	op.onTimer(t.Namespace, t.Timestamp, true)
}

func (op *windowOperator[T, K, W, OUT]) onProcessingTimer(t statebackend.Timer[W]) {
	op.onTimer(t.Namespace, t.Timestamp, false)
}

// onTimer handles a timer of window w at time ts; the timer service has set
// the backend's current key to the timer's.
func (op *windowOperator[T, K, W, OUT]) onTimer(w W, ts int64, eventTime bool) {
	if op.mws != nil {
		pairs, _ := op.mergeState.Value()
		op.mws.Reset(pairs)
		stateWindow, ok := op.mws.StateWindow(w)
		if !ok {
			// A timer a trigger left behind for a window that was merged
			// away or cleaned up: nothing to do.
			return
		}
		op.contents.setWindow(stateWindow)
	} else {
		op.contents.setWindow(w)
	}
	op.tctx.window = w
	var res window.Result
	if eventTime {
		res = op.spec.trigger.OnEventTime(ts, w, &op.tctx)
	} else {
		res = op.spec.trigger.OnProcessingTime(ts, w, &op.tctx)
	}
	if res.IsFire() {
		op.contents.fire(w)
	}
	if res.IsPurge() {
		op.contents.clear()
	}
	if eventTime == op.eventTime && window.IsCleanupTime(w, op.eventTime, op.spec.lateness, ts) {
		op.clearAllState(w)
	}
	if op.mws != nil {
		op.persistMergingSet()
	}
}

// clearAllState drops window w: its contents, its trigger state and timers,
// the function's per-window state, and its place in the merging window set.
func (op *windowOperator[T, K, W, OUT]) clearAllState(w W) {
	op.contents.clear()
	op.tctx.window = w
	op.spec.trigger.Clear(w, &op.tctx)
	if op.clearer != nil {
		op.em.ctx.set(w)
		if err := op.clearer.Clear(op.keys.Current(), &op.em.ctx); err != nil {
			operator.Fail(fmt.Errorf("clearing window %v: %w", w, err))
		}
	}
	if op.mws != nil {
		if err := op.mws.RetireWindow(w); err != nil {
			operator.Fail(err)
		}
	}
}

func (op *windowOperator[T, K, W, OUT]) ProcessWatermark(wm int64) {
	op.timers.AdvanceWatermark(wm)
	op.out.EmitWatermark(wm)
	if op.late != nil {
		op.late.EmitWatermark(wm)
	}
}

func (op *windowOperator[T, K, W, OUT]) ProcessWatermarkStatus(idle bool) {
	op.out.EmitWatermarkStatus(idle)
	if op.late != nil {
		op.late.EmitWatermarkStatus(idle)
	}
}

// numTimers returns the pending event-time and processing-time timers (for
// tests and metrics).
func (op *windowOperator[T, K, W, OUT]) numTimers() (eventTime, processingTime int) {
	return op.timers.NumEventTimeTimers(), op.timers.NumProcessingTimeTimers()
}
