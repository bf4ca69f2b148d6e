package nexmark

import (
	"math"
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
)

// Query 4: average closing price per category.
//
//	SELECT Q.category, AVG(Q.final)
//	FROM (
//	    SELECT MAX(B.price) AS final, A.category
//	    FROM auction A, bid B
//	    WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
//	    GROUP BY A.id, A.category
//	) Q
//	GROUP BY Q.category;
//
// The suite's sink names the columns id and final. The SQL is a regular join
// followed by two updating aggregations; at the end of a bounded run its
// table holds, per category, the average over every auction with at least
// one bid in [dateTime, expires] (both inclusive) of that auction's highest
// such bid, whether or not the auction has expired by then. AVG of a BIGINT
// is a BIGINT: the sum divided by the count, truncated toward zero.
//
// Instead of retracting and re-adding an auction's maximum on every higher
// bid, the query emits each auction's maximum once, when it can no longer
// change: when the watermark reaches the auction's expiry (every bid up to
// expires has arrived then), or at the end of the input, where the final
// watermark fires the auctions still open — which is exactly the auction
// set of the SQL's final table. (While an unbounded run goes on, the table
// therefore counts the closed auctions only, where the SQL's would count
// the open ones with their current maximum too.) Stage 1 is keyed by
// auction id: the auction's category, times and current maximum, and the
// bids that arrived before their auction. Stage 2 is keyed by category: a
// running sum and count, emitting the new average for every closed
// auction.
//
// State is cleaned up in event time: an auction's when it closes, a bid
// waiting for its auction once the watermark reaches the bid's time (an
// auction that has not arrived by then starts after the bid, so the bid
// cannot match it; one timer per key at a time does this). Both rely on the
// stream having no late records, which the generator's 4 s watermark
// guarantees unless its out-of-order groups span more than 4 s; the SQL's
// join would also count a late bid.
func init() {
	register(&Query{
		Name:     "q4",
		Columns:  []string{"id", "final"},
		Updating: true,
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			ab := events.Filter(func(e gen.Event) bool {
				return e.Type == gen.AuctionEvent || e.Type == gen.BidEvent
			}).Name("Auctions and bids")
			byAuction := datastream.KeyBy(ab, func(e gen.Event) int64 {
				if e.Type == gen.AuctionEvent {
					return e.Auction.ID
				}
				return e.Bid.Auction
			})
			finals := datastream.KeyedProcess[gen.Event, int64, q4Final](byAuction, &q4Winning{}).Name("Winning bid per auction")
			byCategory := datastream.KeyBy(finals, func(f q4Final) int64 { return f.Category })
			avgs := datastream.KeyedProcess[q4Final, int64, q4Row](byCategory, &q4Average{}).Name("Average per category")
			return NewOutput(avgs, q4Render, q4Key)
		},
	})
}

// q4Final is the highest qualifying bid price of a closed auction.
type q4Final struct {
	Category, Price int64
}

// q4Row is a result row: a category's average winning price.
type q4Row struct {
	Category, Avg int64
}

// q4Auction is stage 1's state of an auction that arrived.
type q4Auction struct {
	Category, DateTime, Expires int64
	Max                         int64
	HasMax                      bool
}

// q4Bid is a bid waiting for its auction.
type q4Bid struct {
	Price, DateTime int64
}

// q4Winning keeps the highest bid in [dateTime, expires] of every auction
// and emits it when the auction closes.
type q4Winning struct {
	auction state.ValueState[q4Auction]
	pending state.ListState[q4Bid]
	keep    []q4Bid // scratch of OnTimer
}

func (w *q4Winning) Open(rc *datastream.RuntimeContext) error {
	var err error
	if w.auction, err = datastream.GetValueState(rc, state.Value[q4Auction]("auction")); err != nil {
		return err
	}
	w.pending, err = datastream.GetListState(rc, state.List[q4Bid]("pending bids"))
	return err
}

func (w *q4Winning) ProcessElement(e gen.Event, ctx *datastream.KeyedContext[int64], _ datastream.Collector[q4Final]) error {
	if e.Type == gen.AuctionEvent {
		a := e.Auction
		st := q4Auction{Category: a.Category, DateTime: a.DateTime, Expires: a.Expires}
		if bids := w.pending.Get(); len(bids) > 0 {
			for _, b := range bids {
				st.offer(b.Price, b.DateTime)
			}
			w.pending.Clear()
		}
		w.auction.Update(st)
		ctx.TimerService().RegisterEventTimeTimer(a.Expires)
		return nil
	}
	b := e.Bid
	st, ok := w.auction.Value()
	if !ok {
		// One cleanup timer per key while bids wait: registered by the
		// first, moved on by OnTimer while some remain.
		if len(w.pending.Get()) == 0 {
			ctx.TimerService().RegisterEventTimeTimer(b.DateTime)
		}
		w.pending.Add(q4Bid{Price: b.Price, DateTime: b.DateTime})
		return nil
	}
	if st.offer(b.Price, b.DateTime) {
		w.auction.Update(st)
	}
	return nil
}

// offer counts a bid of the auction; it reports whether the maximum changed.
func (a *q4Auction) offer(price, ts int64) bool {
	if ts < a.DateTime || ts > a.Expires || (a.HasMax && price <= a.Max) {
		return false
	}
	a.Max, a.HasMax = price, true
	return true
}

func (w *q4Winning) OnTimer(ts int64, ctx *datastream.TimerContext[int64], out datastream.Collector[q4Final]) error {
	if st, ok := w.auction.Value(); ok {
		if ts >= st.Expires {
			if st.HasMax {
				out.Collect(q4Final{Category: st.Category, Price: st.Max})
			}
			w.auction.Clear()
		}
		return nil
	}
	// No auction: drop the waiting bids the watermark has passed.
	bids := w.pending.Get()
	if len(bids) == 0 {
		return nil
	}
	wm := ctx.TimerService().CurrentWatermark()
	w.keep = w.keep[:0]
	next := int64(math.MaxInt64)
	for _, b := range bids {
		if b.DateTime > wm {
			w.keep = append(w.keep, b)
			next = min(next, b.DateTime)
		}
	}
	if len(w.keep) == 0 {
		w.pending.Clear()
		return nil
	}
	if len(w.keep) < len(bids) {
		w.pending.Update(w.keep)
	}
	ctx.TimerService().RegisterEventTimeTimer(next)
	return nil
}

// q4Sum is stage 2's state of a category.
type q4Sum struct {
	Sum, Count int64
}

// q4Average keeps the sum and count of the closed auctions of a category.
type q4Average struct {
	sum state.ValueState[q4Sum]
}

func (a *q4Average) Open(rc *datastream.RuntimeContext) error {
	var err error
	a.sum, err = datastream.GetValueState(rc, state.Value[q4Sum]("sum"))
	return err
}

func (a *q4Average) ProcessElement(f q4Final, _ *datastream.KeyedContext[int64], out datastream.Collector[q4Row]) error {
	s, _ := a.sum.Value()
	s.Sum += f.Price
	s.Count++
	a.sum.Update(s)
	out.Collect(q4Row{Category: f.Category, Avg: s.Sum / s.Count})
	return nil
}

func q4Render(r q4Row, dst []string) []string {
	return append(dst, strconv.FormatInt(r.Category, 10), strconv.FormatInt(r.Avg, 10))
}

func q4Key(r q4Row) string { return strconv.FormatInt(r.Category, 10) }
