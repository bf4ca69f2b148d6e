package datastream

import (
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// triggerStatePrefix prefixes the names of the triggers' per-window states
// in the keyed backend, so that a trigger's "count" does not collide with a
// user's state of that name.
const triggerStatePrefix = "trigger:"

// triggerContext is the window operator's implementation of
// window.TriggerContext and window.OnMergeContext: timers go through the
// operator's keyed timer service with the window as namespace, and trigger
// state lives in the keyed backend under the window. The operator sets
// window (and, during OnMerge, merged) before each trigger call; the
// backend's current key is the key being processed.
type triggerContext[K comparable, W window.Window] struct {
	timers  *operator.KeyedTimers[K, W]
	backend statebackend.Keyed
	codec   serde.Codec[W]

	window W
	// merged are the windows merged into window, during OnMerge only.
	merged []W
	states map[string]statebackend.Reducing[W, int64]
}

var _ window.OnMergeContext[window.TimeWindow] = (*triggerContext[int, window.TimeWindow])(nil)

func (c *triggerContext[K, W]) CurrentWatermark() int64 { return c.timers.CurrentWatermark() }

func (c *triggerContext[K, W]) CurrentProcessingTime() int64 { return c.timers.CurrentProcessingTime() }

func (c *triggerContext[K, W]) RegisterEventTimeTimer(ts int64) {
	c.timers.RegisterEventTimeTimer(c.window, ts)
}

func (c *triggerContext[K, W]) DeleteEventTimeTimer(ts int64) {
	c.timers.DeleteEventTimeTimer(c.window, ts)
}

func (c *triggerContext[K, W]) RegisterProcessingTimeTimer(ts int64) {
	c.timers.RegisterProcessingTimeTimer(c.window, ts)
}

func (c *triggerContext[K, W]) DeleteProcessingTimeTimer(ts int64) {
	c.timers.DeleteProcessingTimeTimer(c.window, ts)
}

// ReducingInt64State returns the trigger state called name in the current
// window. The state is created with reduce on first use; later calls with
// the same name use that first reduce function.
func (c *triggerContext[K, W]) ReducingInt64State(name string, reduce func(a, b int64) int64) window.Int64State {
	h := c.state(name, reduce)
	h.SetNamespace(c.window)
	return h
}

// MergeInt64State folds the state called name of the merged windows into
// the current (merge result) window, as Flink's mergePartitionedState.
func (c *triggerContext[K, W]) MergeInt64State(name string, reduce func(a, b int64) int64) {
	if len(c.merged) == 0 {
		return
	}
	c.state(name, reduce).MergeNamespaces(c.window, c.merged)
}

func (c *triggerContext[K, W]) state(name string, reduce func(a, b int64) int64) statebackend.Reducing[W, int64] {
	if h, ok := c.states[name]; ok {
		return h
	}
	h, err := statebackend.NewReducing(c.backend, state.Reducing(triggerStatePrefix+name, reduce), c.codec)
	if err != nil {
		operator.Failf("trigger state %q: %w", name, err)
	}
	if c.states == nil {
		c.states = make(map[string]statebackend.Reducing[W, int64])
	}
	c.states[name] = h
	return h
}
