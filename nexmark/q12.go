package nexmark

import (
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/window"
)

// Query 12: processing-time windows.
//
//	CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;
//
//	SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
//	FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
//	GROUP BY bidder, window_start, window_end;
//
// The bids of each bidder counted in 10 s tumbling windows of processing
// time (epoch aligned): a bid counts in the window holding the wall-clock
// time at which the window operator sees it, and a window is emitted when
// the clock passes its end. Results therefore depend on the speed of the
// run.
//
// A bounded run behaves as Flink's streaming mode: processing-time timers
// still pending when the input ends do not fire, so the windows open at the
// end of the input (the last one of every bidder still counting) are not
// emitted. A bounded run's result is the windows that closed while it ran;
// a run shorter than the time to the next 10 s boundary has none.
func init() {
	register(&Query{
		Name:    "q12",
		Columns: []string{"bidder", "bid_count", "starttime", "endtime"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			byBidder := datastream.KeyBy(bidEvents(events), func(b *gen.Bid) int64 { return b.Bidder })
			tumble := must(window.TumblingProcessingTime[*gen.Bid](10*time.Second, 0))
			rows := datastream.WindowAggregateProcess(datastream.Window(byBidder, tumble), bidCount[*gen.Bid]{},
				datastream.ProcessWindowFunc[int64, bidderWindow, int64, window.TimeWindow](emitBidderWindow)).Name("Bids per bidder and window")
			return NewOutput(rows, renderBidderWindow, nil)
		},
	})
}

func emitBidderWindow(bidder int64, ctx *datastream.WindowContext[window.TimeWindow], counts []int64, out datastream.Collector[bidderWindow]) error {
	w := ctx.Window()
	out.Collect(bidderWindow{Bidder: bidder, Count: counts[0], Start: w.Start, End: w.End})
	return nil
}

// bidCount is count(*) as an incremental aggregate.
type bidCount[T any] struct{}

func (bidCount[T]) CreateAccumulator() int64 { return 0 }
func (bidCount[T]) Add(_ T, acc int64) int64 { return acc + 1 }
func (bidCount[T]) Result(acc int64) int64   { return acc }
func (bidCount[T]) Merge(a, b int64) int64   { return a + b }
