package nexmark

import (
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
)

// Query 9: winning bids.
//
//	SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra,
//	       auction, bidder, price, bid_dateTime, bid_extra
//	FROM (
//	  SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
//	    ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum
//	  FROM auction A, bid B
//	  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
//	)
//	WHERE rownum <= 1;
//
// For every auction with at least one bid in [dateTime, expires] (both
// ends included), the auction and its best such bid: the highest price,
// then the earliest. The SQL leaves bids equal on both unordered (Flink
// keeps whichever arrived first, which depends on the parallel schedule);
// here the lowest bidder, then the smallest channel, url and extra win, so
// the result is the same at every parallelism. It is an updating table
// keyed by the auction id: a row goes out whenever an auction's best bid
// changes, and the last row of every auction is the final result.
//
// Auctions and bids are keyed by auction id. The state of an auction is the
// auction and its best bid so far; bids that arrive before their auction
// (from another source split) wait in a list until it comes. State is
// cleaned up in event time: an auction's once the watermark passes its
// expiry, a waiting bid's once it passes the bid's time (an auction that
// has not arrived by then starts after the bid, which therefore cannot
// match it). Both rely on the stream having no late records, which the
// generator's bounded-out-of-orderness watermark guarantees; the SQL's
// join, which keeps everything, would also match a late bid.
func init() {
	register(&Query{
		Name: "q9",
		Columns: []string{"id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller", "category", "extra",
			"auction", "bidder", "price", "bid_dateTime", "bid_extra"},
		Updating: true,
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			ab := events.Filter(func(e gen.Event) bool { return e.Type != gen.PersonEvent }).Name("Auctions and bids")
			byAuction := datastream.KeyBy(ab, func(e gen.Event) int64 {
				if e.Type == gen.AuctionEvent {
					return e.Auction.ID
				}
				return e.Bid.Auction
			})
			rows := datastream.KeyedProcess[gen.Event, int64, q9Row](byAuction, &q9Winning{}).Name("Winning bid per auction")
			return NewOutput(rows, q9Render, q9Key)
		},
	})
}

// q9Row is a result row: an auction and its best bid.
// Values, not pointers, so that checkpoints can serialize the state.
type q9Row struct {
	Auction gen.Auction
	Bid     gen.Bid
	HasBid  bool
}

// q9Winning keeps the best bid of every auction.
type q9Winning struct {
	auction state.ValueState[q9Row]  // the auction, and its best bid if any
	pending state.ListState[gen.Bid] // bids waiting for their auction
	keep    []gen.Bid                // scratch of OnTimer
}

func (w *q9Winning) Open(rc *datastream.RuntimeContext) error {
	var err error
	if w.auction, err = datastream.GetValueState(rc, state.Value[q9Row]("auction")); err != nil {
		return err
	}
	w.pending, err = datastream.GetListState(rc, state.List[gen.Bid]("pending bids"))
	return err
}

func (w *q9Winning) ProcessElement(e gen.Event, ctx *datastream.KeyedContext[int64], out datastream.Collector[q9Row]) error {
	if e.Type == gen.AuctionEvent {
		st := q9Row{Auction: *e.Auction}
		if bids := w.pending.Get(); len(bids) > 0 {
			for i := range bids {
				st.offer(&bids[i])
			}
			w.pending.Clear()
		}
		w.auction.Update(st)
		if st.HasBid {
			out.Collect(st)
		}
		ctx.TimerService().RegisterEventTimeTimer(e.Auction.Expires)
		return nil
	}
	b := e.Bid
	st, ok := w.auction.Value()
	if !ok {
		w.pending.Add(*b)
		ctx.TimerService().RegisterEventTimeTimer(b.DateTime)
		return nil
	}
	if st.offer(b) {
		w.auction.Update(st)
		out.Collect(st)
	}
	return nil
}

// offer makes b the auction's best bid if it is in the auction's time range
// and better than the best so far; it reports whether it did.
func (r *q9Row) offer(b *gen.Bid) bool {
	a := &r.Auction
	var cur *gen.Bid
	if r.HasBid {
		cur = &r.Bid
	}
	if b.DateTime < a.DateTime || b.DateTime > a.Expires || !q9Better(b, cur) {
		return false
	}
	r.Bid, r.HasBid = *b, true
	return true
}

// q9Better reports whether b ranks before cur (nil: no bid yet): price
// descending, then time ascending (the SQL's ORDER BY), then bidder,
// channel, url and extra ascending (a deterministic order among the bids
// the SQL ranks equal).
func q9Better(b, cur *gen.Bid) bool {
	switch {
	case cur == nil:
		return true
	case b.Price != cur.Price:
		return b.Price > cur.Price
	case b.DateTime != cur.DateTime:
		return b.DateTime < cur.DateTime
	case b.Bidder != cur.Bidder:
		return b.Bidder < cur.Bidder
	case b.Channel != cur.Channel:
		return b.Channel < cur.Channel
	case b.URL != cur.URL:
		return b.URL < cur.URL
	default:
		return b.Extra < cur.Extra
	}
}

func (w *q9Winning) OnTimer(ts int64, ctx *datastream.TimerContext[int64], _ datastream.Collector[q9Row]) error {
	if st, ok := w.auction.Value(); ok {
		if ts >= st.Auction.Expires {
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
	for _, b := range bids {
		if b.DateTime > wm {
			w.keep = append(w.keep, b)
		}
	}
	switch {
	case len(w.keep) == 0:
		w.pending.Clear()
	case len(w.keep) < len(bids):
		w.pending.Update(w.keep)
	}
	clear(w.keep)
	return nil
}

func q9Render(r q9Row, dst []string) []string {
	a, b := &r.Auction, &r.Bid
	return append(dst,
		strconv.FormatInt(a.ID, 10), a.ItemName, a.Description, strconv.FormatInt(a.InitialBid, 10), strconv.FormatInt(a.Reserve, 10),
		FormatTime(a.DateTime), FormatTime(a.Expires), strconv.FormatInt(a.Seller, 10), strconv.FormatInt(a.Category, 10), a.Extra,
		strconv.FormatInt(b.Auction, 10), strconv.FormatInt(b.Bidder, 10), strconv.FormatInt(b.Price, 10), FormatTime(b.DateTime), b.Extra)
}

func q9Key(r q9Row) string { return strconv.FormatInt(r.Auction.ID, 10) }
