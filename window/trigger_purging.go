package window

import (
	"fmt"
)

// purgingTrigger turns every fire of its inner trigger into fire-and-purge.
type purgingTrigger[T any, W Window] struct {
	inner Trigger[T, W]
}

// PurgingTrigger returns Flink's PurgingTrigger: it delegates every call to
// inner and turns a result that fires (Fire, FireAndPurge) into
// FireAndPurge, so each firing sees only the elements since the previous
// one; Continue and Purge pass through unchanged. CanMerge, OnMerge and
// Clear are inner's. inner must not be nil.
func PurgingTrigger[T any, W Window](inner Trigger[T, W]) (Trigger[T, W], error) {
	if inner == nil {
		return nil, fmt.Errorf("%w: PurgingTrigger needs an inner trigger", ErrInvalidArgument)
	}
	return purgingTrigger[T, W]{inner: inner}, nil
}

func purge(r Result) Result {
	if r.IsFire() {
		return FireAndPurge
	}
	return r
}

func (t purgingTrigger[T, W]) OnElement(elem T, ts int64, w W, ctx TriggerContext[W]) Result {
	return purge(t.inner.OnElement(elem, ts, w, ctx))
}

func (t purgingTrigger[T, W]) OnEventTime(ts int64, w W, ctx TriggerContext[W]) Result {
	return purge(t.inner.OnEventTime(ts, w, ctx))
}

func (t purgingTrigger[T, W]) OnProcessingTime(ts int64, w W, ctx TriggerContext[W]) Result {
	return purge(t.inner.OnProcessingTime(ts, w, ctx))
}

func (t purgingTrigger[T, W]) CanMerge() bool { return t.inner.CanMerge() }

func (t purgingTrigger[T, W]) OnMerge(w W, ctx OnMergeContext[W]) { t.inner.OnMerge(w, ctx) }

func (t purgingTrigger[T, W]) Clear(w W, ctx TriggerContext[W]) { t.inner.Clear(w, ctx) }

func (t purgingTrigger[T, W]) String() string { return fmt.Sprintf("PurgingTrigger(%v)", t.inner) }
