package nexmark

import (
	"time"

	"github.com/eddy-streams/eddy/eventtime"
)

// MaxOutOfOrderness is the watermark delay of the suite's DDL
// (WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND).
const MaxOutOfOrderness = 4 * time.Second

// WatermarkStrategy is the suite's watermark strategy: the event time is the
// timestamp, and watermarks trail the highest event time by
// MaxOutOfOrderness.
func WatermarkStrategy() eventtime.Strategy[Event] {
	return eventtime.ForBoundedOutOfOrderness[Event](MaxOutOfOrderness).
		WithTimestampAssigner(func(e Event, _ int64) int64 { return e.Timestamp() })
}
