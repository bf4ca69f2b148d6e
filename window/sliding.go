package window

import (
	"fmt"
	"time"

	"github.com/eddy-streams/eddy/serde"
)

// MaxSlidingWindows bounds size/slide of a sliding assigner, as Flink's
// SlidingEventTimeWindows.MAX_WINDOW_NUM.
const MaxSlidingWindows = 10_000_000

// sliding assigns each element to every window of length size, starting at
// multiples of slide (shifted by offset), that contains its time.
type sliding[T any] struct {
	size, slide, offset int64
	eventTime           bool
}

// SlidingEventTime returns Flink's SlidingEventTimeWindows: windows
// [start, start+size) whose starts are ≡ offset (mod slide). An element
// with timestamp ts belongs to every such window with ts-size < start <= ts,
// that is ceil(size/slide) or floor(size/slide) windows (exactly size/slide
// when slide divides size); they are appended latest start first, as Flink
// returns them. Durations are truncated to milliseconds. It is an error
// unless size > 0, slide > 0, |offset| < slide and size/slide <=
// MaxSlidingWindows. Elements with NoTimestamp fail with ErrNoTimestamp.
// The default trigger is EventTimeTrigger.
func SlidingEventTime[T any](size, slide, offset time.Duration) (Assigner[T, TimeWindow], error) {
	a, err := newSliding[T](size, slide, offset, "SlidingEventTime")
	if err != nil {
		return nil, err
	}
	a.eventTime = true
	return a, nil
}

// SlidingProcessingTime returns Flink's SlidingProcessingTimeWindows: as
// SlidingEventTime, on the current processing time when the element
// arrives. The default trigger is ProcessingTimeTrigger.
func SlidingProcessingTime[T any](size, slide, offset time.Duration) (Assigner[T, TimeWindow], error) {
	return newSliding[T](size, slide, offset, "SlidingProcessingTime")
}

func newSliding[T any](size, slide, offset time.Duration, name string) (*sliding[T], error) {
	s, sl, o := millis(size), millis(slide), millis(offset)
	if s <= 0 || sl <= 0 || abs(o) >= sl {
		return nil, fmt.Errorf("%w: %s parameters must satisfy size > 0, slide > 0 and abs(offset) < slide, got size %dms, slide %dms, offset %dms",
			ErrInvalidArgument, name, s, sl, o)
	}
	if s/sl > MaxSlidingWindows {
		return nil, fmt.Errorf("%w: %s parameters must satisfy size / slide <= %d, got size %dms, slide %dms",
			ErrInvalidArgument, name, MaxSlidingWindows, s, sl)
	}
	return &sliding[T]{size: s, slide: sl, offset: o}, nil
}

func (a *sliding[T]) AssignWindows(_ T, ts int64, ctx AssignerContext, dst []TimeWindow) ([]TimeWindow, error) {
	if a.eventTime {
		if ts == NoTimestamp {
			return dst, ErrNoTimestamp
		}
	} else {
		ts = ctx.CurrentProcessingTime()
	}
	lower := ts - a.size
	for start := GetWindowStartWithOffset(ts, a.offset, a.slide); start > lower; start -= a.slide {
		dst = append(dst, TimeWindow{Start: start, End: start + a.size})
	}
	return dst, nil
}

func (a *sliding[T]) IsEventTime() bool { return a.eventTime }

func (a *sliding[T]) DefaultTrigger() Trigger[T, TimeWindow] {
	if a.eventTime {
		return EventTimeTrigger[T, TimeWindow]()
	}
	return ProcessingTimeTrigger[T, TimeWindow]()
}

func (a *sliding[T]) WindowCodec() serde.Codec[TimeWindow] { return TimeWindowCodec{} }

func (a *sliding[T]) String() string {
	if a.eventTime {
		return fmt.Sprintf("SlidingEventTimeWindows(%d, %d, %d)", a.size, a.slide, a.offset)
	}
	return fmt.Sprintf("SlidingProcessingTimeWindows(%d, %d, %d)", a.size, a.slide, a.offset)
}
