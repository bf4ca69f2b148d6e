package window

import (
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/serde"
)

// session assigns each element the window [t, t+gap), t being its event or
// processing time, and merges windows that overlap or touch.
type session[T any] struct {
	gap       int64                 // fixed gap in ms, when dyn is nil
	dyn       func(T) time.Duration // dynamic gap extractor
	eventTime bool
}

// EventTimeSession returns Flink's EventTimeSessionWindows: every element
// gets the window [ts, ts+gap), and windows that intersect (overlap or are
// adjacent, see TimeWindow.Intersects) merge, so a session closes after gap
// without elements. gap is truncated to milliseconds and must be > 0. As in
// Flink, NoTimestamp is not rejected (the element gets the window
// [NoTimestamp, NoTimestamp+gap), which is late for any watermark). The
// default trigger is EventTimeTrigger.
func EventTimeSession[T any](gap time.Duration) (MergingAssigner[T, TimeWindow], error) {
	g := millis(gap)
	if g <= 0 {
		return nil, fmt.Errorf("%w: EventTimeSession parameters must satisfy 0 < gap, got %dms", ErrInvalidArgument, g)
	}
	return &session[T]{gap: g, eventTime: true}, nil
}

// ProcessingTimeSession returns Flink's ProcessingTimeSessionWindows: as
// EventTimeSession on the current processing time. The default trigger is
// ProcessingTimeTrigger.
func ProcessingTimeSession[T any](gap time.Duration) (MergingAssigner[T, TimeWindow], error) {
	g := millis(gap)
	if g <= 0 {
		return nil, fmt.Errorf("%w: ProcessingTimeSession parameters must satisfy 0 < gap, got %dms", ErrInvalidArgument, g)
	}
	return &session[T]{gap: g}, nil
}

// DynamicEventTimeSession returns Flink's DynamicEventTimeSessionWindows:
// as EventTimeSession, with the gap of each element given by gap(elem)
// (truncated to milliseconds). gap must not be nil. A gap < 1ms is not
// known before the element arrives: AssignWindows then returns an error
// wrapping ErrInvalidGap (Flink throws IllegalArgumentException and fails
// the job).
func DynamicEventTimeSession[T any](gap func(T) time.Duration) (MergingAssigner[T, TimeWindow], error) {
	if gap == nil {
		return nil, fmt.Errorf("%w: DynamicEventTimeSession needs a gap extractor", ErrInvalidArgument)
	}
	return &session[T]{dyn: gap, eventTime: true}, nil
}

// DynamicProcessingTimeSession returns Flink's
// DynamicProcessingTimeSessionWindows: as DynamicEventTimeSession on the
// current processing time.
func DynamicProcessingTimeSession[T any](gap func(T) time.Duration) (MergingAssigner[T, TimeWindow], error) {
	if gap == nil {
		return nil, fmt.Errorf("%w: DynamicProcessingTimeSession needs a gap extractor", ErrInvalidArgument)
	}
	return &session[T]{dyn: gap}, nil
}

func (a *session[T]) AssignWindows(elem T, ts int64, ctx AssignerContext, dst []TimeWindow) ([]TimeWindow, error) {
	if !a.eventTime {
		ts = ctx.CurrentProcessingTime()
	}
	gap := a.gap
	if a.dyn != nil {
		d := a.dyn(elem)
		gap = millis(d)
		if gap <= 0 {
			return dst, fmt.Errorf("%w, got %v", ErrInvalidGap, d)
		}
	}
	return append(dst, TimeWindow{Start: ts, End: ts + gap}), nil
}

func (a *session[T]) MergeWindows(windows []TimeWindow, merge func(merged TimeWindow, sources []TimeWindow)) {
	MergeTimeWindows(windows, merge)
}

func (a *session[T]) IsEventTime() bool { return a.eventTime }

func (a *session[T]) DefaultTrigger() Trigger[T, TimeWindow] {
	if a.eventTime {
		return EventTimeTrigger[T, TimeWindow]()
	}
	return ProcessingTimeTrigger[T, TimeWindow]()
}

func (a *session[T]) WindowCodec() serde.Codec[TimeWindow] { return TimeWindowCodec{} }

func (a *session[T]) String() string {
	switch {
	case a.dyn != nil && a.eventTime:
		return "DynamicEventTimeSessionWindows()"
	case a.dyn != nil:
		return "DynamicProcessingTimeSessionWindows()"
	case a.eventTime:
		return fmt.Sprintf("EventTimeSessionWindows(%d)", a.gap)
	default:
		return fmt.Sprintf("ProcessingTimeSessionWindows(%d)", a.gap)
	}
}
