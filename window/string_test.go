package window

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestStrings(t *testing.T) {
	dyn := func(int) time.Duration { return ms }
	tests := []struct {
		v    any
		want string
	}{
		{must(TumblingEventTime[int](time.Second, 0))(t), "TumblingEventTimeWindows(1000, 0)"},
		{must(TumblingProcessingTime[int](time.Second, 5*ms))(t), "TumblingProcessingTimeWindows(1000, 5)"},
		{must(SlidingEventTime[int](time.Second, 100*ms, 0))(t), "SlidingEventTimeWindows(1000, 100, 0)"},
		{must(SlidingProcessingTime[int](time.Second, 100*ms, 0))(t), "SlidingProcessingTimeWindows(1000, 100, 0)"},
		{must(EventTimeSession[int](time.Second))(t), "EventTimeSessionWindows(1000)"},
		{must(ProcessingTimeSession[int](time.Second))(t), "ProcessingTimeSessionWindows(1000)"},
		{must(DynamicEventTimeSession(dyn))(t), "DynamicEventTimeSessionWindows()"},
		{must(DynamicProcessingTimeSession(dyn))(t), "DynamicProcessingTimeSessionWindows()"},
		{Global[int](), "GlobalWindows(trigger=NeverTrigger)"},
		{GlobalWithEndOfStreamTrigger[int](), "GlobalWindows(trigger=EndOfStreamTrigger)"},
		{EventTimeTrigger[int, TimeWindow](), "EventTimeTrigger()"},
		{ProcessingTimeTrigger[int, TimeWindow](), "ProcessingTimeTrigger()"},
		{must(CountTrigger[int, TimeWindow](5))(t), "CountTrigger(5)"},
		{must(ContinuousEventTimeTrigger[int, TimeWindow](time.Second))(t), "ContinuousEventTimeTrigger(1000)"},
		{must(ContinuousProcessingTimeTrigger[int, TimeWindow](time.Second))(t), "ContinuousProcessingTimeTrigger(1000)"},
		{must(PurgingTrigger(EventTimeTrigger[int, TimeWindow]()))(t), "PurgingTrigger(EventTimeTrigger())"},
		{NeverTrigger[int, GlobalWindow](), "NeverTrigger()"},
		{EndOfStreamTrigger[int](), "EndOfStreamTrigger()"},
		{must(CountEvictor[int, TimeWindow](3, false))(t), "CountEvictor(3, evictAfter=false)"},
		{must(TimeEvictor[int, TimeWindow](time.Second, true))(t), "TimeEvictor(1000, evictAfter=true)"},
		{GlobalWindow{}, "GlobalWindow"},
		{TimeWindow{-1, 1}, "[-1, 1)"},
		{Result(7), "Result(invalid)"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(tt.v); got != tt.want {
			t.Errorf("%T: %q, want %q", tt.v, got, tt.want)
		}
	}
}

// badMerger reports a fixed group regardless of its input.
type badMerger struct {
	result  TimeWindow
	sources []TimeWindow
}

func (m badMerger) MergeWindows(_ []TimeWindow, merge func(TimeWindow, []TimeWindow)) {
	merge(m.result, m.sources)
}

func TestMergingWindowSetBadMerger(t *testing.T) {
	nop := func(TimeWindow, []TimeWindow, TimeWindow, []TimeWindow) error { return nil }
	// A group with only the new window.
	s := NewMergingWindowSet[TimeWindow](badMerger{TimeWindow{0, 5}, []TimeWindow{{0, 3}}}, nil)
	if _, err := s.AddWindow(TimeWindow{0, 3}, nop); err == nil {
		t.Error("group without in-flight windows accepted")
	}
	// A group naming a window that is not in flight.
	s = NewMergingWindowSet[TimeWindow](badMerger{TimeWindow{0, 9}, []TimeWindow{{7, 9}, {0, 3}}}, nil)
	if _, err := s.AddWindow(TimeWindow{0, 3}, nop); err == nil || errors.Is(err, ErrNotInFlight) {
		t.Errorf("unknown window: err = %v", err)
	}
}
