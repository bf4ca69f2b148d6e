package window

import (
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/serde"
)

// tumbling assigns each element to the one window of length size aligned to
// offset that contains its (event or processing) time.
type tumbling[T any] struct {
	size, offset int64
	eventTime    bool
}

// TumblingEventTime returns Flink's TumblingEventTimeWindows: windows
// [start, start+size) with start = GetWindowStartWithOffset(ts, offset,
// size). offset shifts the alignment (e.g. size 24h, offset -8h gives days
// of UTC+8). Durations are truncated to milliseconds. It is an error unless
// size > 0 and |offset| < size. Elements with NoTimestamp fail with
// ErrNoTimestamp. The default trigger is EventTimeTrigger.
func TumblingEventTime[T any](size, offset time.Duration) (Assigner[T, TimeWindow], error) {
	s, o := millis(size), millis(offset)
	if s <= 0 || abs(o) >= s {
		return nil, fmt.Errorf("%w: TumblingEventTime parameters must satisfy size > 0 and abs(offset) < size, got size %dms, offset %dms",
			ErrInvalidArgument, s, o)
	}
	return &tumbling[T]{size: s, offset: o, eventTime: true}, nil
}

// TumblingProcessingTime returns Flink's TumblingProcessingTimeWindows: as
// TumblingEventTime, but the window is the one containing the current
// processing time when the element arrives. The default trigger is
// ProcessingTimeTrigger.
func TumblingProcessingTime[T any](size, offset time.Duration) (Assigner[T, TimeWindow], error) {
	s, o := millis(size), millis(offset)
	if s <= 0 || abs(o) >= s {
		return nil, fmt.Errorf("%w: TumblingProcessingTime parameters must satisfy size > 0 and abs(offset) < size, got size %dms, offset %dms",
			ErrInvalidArgument, s, o)
	}
	return &tumbling[T]{size: s, offset: o}, nil
}

func (a *tumbling[T]) AssignWindows(_ T, ts int64, ctx AssignerContext, dst []TimeWindow) ([]TimeWindow, error) {
	if a.eventTime {
		if ts == NoTimestamp {
			return dst, ErrNoTimestamp
		}
	} else {
		ts = ctx.CurrentProcessingTime()
	}
	start := GetWindowStartWithOffset(ts, a.offset, a.size)
	return append(dst, TimeWindow{Start: start, End: start + a.size}), nil
}

func (a *tumbling[T]) IsEventTime() bool { return a.eventTime }

func (a *tumbling[T]) DefaultTrigger() Trigger[T, TimeWindow] {
	if a.eventTime {
		return EventTimeTrigger[T, TimeWindow]()
	}
	return ProcessingTimeTrigger[T, TimeWindow]()
}

func (a *tumbling[T]) WindowCodec() serde.Codec[TimeWindow] { return TimeWindowCodec{} }

func (a *tumbling[T]) String() string {
	if a.eventTime {
		return fmt.Sprintf("TumblingEventTimeWindows(%d, %d)", a.size, a.offset)
	}
	return fmt.Sprintf("TumblingProcessingTimeWindows(%d, %d)", a.size, a.offset)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
