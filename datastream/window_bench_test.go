package datastream

import (
	"strconv"
	"testing"

	"github.com/eddy-streams/eddy/window"
)

// BenchmarkWindowOperator measures the window operator alone, driven
// through the test harness: 1000 keys, a watermark every 1000 elements,
// timestamps advancing 1ms per 100 elements.
func BenchmarkWindowOperator(b *testing.B) {
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	for _, c := range []struct {
		name     string
		assigner window.Assigner[ev, window.TimeWindow]
	}{
		{"tumbling-1s", ok(window.TumblingEventTime[ev](1000*ms, 0))},
		{"sliding-1s-every-250ms", ok(window.SlidingEventTime[ev](1000*ms, 250*ms, 0))},
		{"session-50ms", ok(window.EventTimeSession[ev](50 * ms))},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := WindowReduce(Window(KeyBy(testInput(NewEnv()), evKey), c.assigner), sumEv)
			h, _ := windowHarness[ev](b, s, nil)
			op := h.Operator()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				ts := int64(i / 100)
				op.ProcessElement(recordOf(ev{keys[i%len(keys)], 1}, ts))
				if i%1000 == 999 {
					op.ProcessWatermark(ts - 1)
					h.ClearOutput()
				}
			}
		})
	}
}
