package operator

import (
	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
)

// KeyedTimers is the timer service of a keyed operator: event-time timers
// fire as the watermark advances, processing-time timers through the task's
// processing-time service. Timers are per (key, namespace, timestamp) and
// deduplicated; the current key is set before each firing.
type KeyedTimers[K, N any] struct {
	ctx     *Context
	keys    *KeyContext[K]
	svc     *statebackend.TimerService[N]
	onEvent func(t statebackend.Timer[N])
	onProc  func(t statebackend.Timer[N])

	watermark int64
	scheduled int64 // earliest processing time a callback is scheduled at
	hasSched  bool
}

// NewKeyedTimers returns the timer service of a keyed operator.
func NewKeyedTimers[K, N any](ctx *Context, keys *KeyContext[K], ns serde.Codec[N],
	onEvent, onProc func(t statebackend.Timer[N])) *KeyedTimers[K, N] {
	return &KeyedTimers[K, N]{ctx: ctx, keys: keys, svc: statebackend.NewTimerService(ctx.Keyed, ns),
		onEvent: onEvent, onProc: onProc, watermark: event.MinWatermark}
}

// CurrentWatermark is the operator's current event time.
func (k *KeyedTimers[K, N]) CurrentWatermark() int64 { return k.watermark }

// CurrentProcessingTime is the clock's time.
func (k *KeyedTimers[K, N]) CurrentProcessingTime() int64 { return k.ctx.Clock.NowMillis() }

// RegisterEventTimeTimer registers a timer for the current key.
func (k *KeyedTimers[K, N]) RegisterEventTimeTimer(ns N, ts int64) {
	k.svc.RegisterEventTimeTimer(ns, ts)
}

// DeleteEventTimeTimer deletes a timer of the current key.
func (k *KeyedTimers[K, N]) DeleteEventTimeTimer(ns N, ts int64) {
	k.svc.DeleteEventTimeTimer(ns, ts)
}

// RegisterProcessingTimeTimer registers a timer for the current key.
func (k *KeyedTimers[K, N]) RegisterProcessingTimeTimer(ns N, ts int64) {
	k.svc.RegisterProcessingTimeTimer(ns, ts)
	k.schedule()
}

// DeleteProcessingTimeTimer deletes a timer of the current key.
func (k *KeyedTimers[K, N]) DeleteProcessingTimeTimer(ns N, ts int64) {
	k.svc.DeleteProcessingTimeTimer(ns, ts)
}

// AdvanceWatermark fires every event-time timer up to wm.
func (k *KeyedTimers[K, N]) AdvanceWatermark(wm int64) {
	if wm <= k.watermark {
		return
	}
	k.watermark = wm
	k.svc.AdvanceWatermark(wm, func(t statebackend.Timer[N]) {
		k.keys.MarkEncodedCurrent()
		k.onEvent(t)
	})
}

// NumEventTimeTimers and NumProcessingTimeTimers count pending timers.
func (k *KeyedTimers[K, N]) NumEventTimeTimers() int      { return k.svc.NumEventTimeTimers() }
func (k *KeyedTimers[K, N]) NumProcessingTimeTimers() int { return k.svc.NumProcessingTimeTimers() }

// schedule makes sure a processing-time callback is due at the earliest
// pending processing-time timer.
func (k *KeyedTimers[K, N]) schedule() {
	next, ok := k.svc.NextProcessingTime()
	if !ok || (k.hasSched && k.scheduled <= next) {
		return
	}
	k.scheduled, k.hasSched = next, true
	k.ctx.Timers.At(next, k.fireProcessing)
}

func (k *KeyedTimers[K, N]) fireProcessing(now int64) {
	if k.hasSched && k.scheduled <= now {
		k.hasSched = false
	}
	k.svc.AdvanceProcessingTime(now, func(t statebackend.Timer[N]) {
		k.keys.MarkEncodedCurrent()
		k.onProc(t)
	})
	k.schedule()
}
