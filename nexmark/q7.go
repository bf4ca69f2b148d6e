package nexmark

import (
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
)

// Query 7: highest bid.
//
//	SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
//	FROM bid B
//	JOIN (
//	  SELECT MAX(price) AS maxprice, window_end AS dateTime
//	  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
//	  GROUP BY window_start, window_end
//	) B1
//	ON B.price = B1.maxprice
//	WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime;
//
// For every 10 s tumbling window [start, end) that holds bids, the rows are
// the bids whose price equals the window's highest price and whose time is
// in [end - 10 s, end] = [start, end], both ends included: the window's own
// bids at its maximum, and also the bids at exactly end (which belong to
// the next window) if their price equals this window's maximum. A bid at a
// window boundary can thus be a row of two windows. The columns are in the
// SELECT's order (the suite's sink declares auction, bidder, price, … and
// its INSERT is positional; the names here follow the values).
//
// The query keys bids by window end. A bid is sent to its own window, and a
// bid at exactly a window boundary also to the window that ends there, as a
// boundary candidate that does not count for that window's maximum. Per
// window the state is the maximum so far and the candidates that may still
// be rows: own bids at the maximum and boundary bids at or above it (by
// value, so that the state can be serialized). An event-time timer at the
// window's end emits the candidates at the maximum once the watermark
// reaches end, when every bid up to end has arrived: this relies on the
// stream having no late records, which the generator's 4 s watermark
// guarantees unless its out-of-order groups span more than 4 s.
func init() {
	register(&Query{
		Name:    "q7",
		Columns: []string{"auction", "price", "bidder", "dateTime", "extra"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			in := datastream.FlatMap(q0Bids(events), func(b *gen.Bid, out datastream.Collector[q7In]) {
				end := q7WindowStart(b.DateTime) + q7Size
				out.Collect(q7In{End: end, Bid: b})
				if b.DateTime == end-q7Size {
					out.Collect(q7In{End: b.DateTime, Bid: b, Boundary: true})
				}
			}).Name("Assign windows")
			keyed := datastream.KeyBy(in, func(v q7In) int64 { return v.End })
			rows := datastream.KeyedProcess[q7In, int64, q7Row](keyed, &q7Highest{}).Name("Highest bids per window")
			return NewOutput(rows, q7Render, nil)
		},
	})
}

// q7Size is the window size in milliseconds.
const q7Size = 10_000

// q7WindowStart returns the start of the tumbling window holding ts
// (windows are aligned to the epoch, as TUMBLE's).
func q7WindowStart(ts int64) int64 {
	r := ts % q7Size
	if r < 0 {
		r += q7Size
	}
	return ts - r
}

// q7In is a bid sent to the window ending at End; a boundary bid has time
// End and only competes for that window's rows, not its maximum.
type q7In struct {
	End      int64
	Bid      *gen.Bid
	Boundary bool
}

// q7Row is a result row: a bid at its window's highest price. (State holds
// it by value, so that it can be serialized.)
type q7Row struct {
	Auction, Price, Bidder, DateTime int64
	Extra                            string
}

// q7Max is the highest price of a window's own bids, if Has.
type q7Max struct {
	Price int64
	Has   bool
}

// q7Highest finds the rows of each window: per window the maximum and the
// bids that may still be rows, the window's own bids at the maximum and
// boundary bids at or above it.
type q7Highest struct {
	max   state.ValueState[q7Max]
	cands state.ListState[q7Row]
	keep  []q7Row // scratch
}

func (h *q7Highest) Open(rc *datastream.RuntimeContext) error {
	var err error
	if h.max, err = datastream.GetValueState(rc, state.Value[q7Max]("max")); err != nil {
		return err
	}
	h.cands, err = datastream.GetListState(rc, state.List[q7Row]("candidates"))
	return err
}

func (h *q7Highest) ProcessElement(v q7In, ctx *datastream.KeyedContext[int64], _ datastream.Collector[q7Row]) error {
	m, ok := h.max.Value()
	if !ok {
		// The first bid of the window (or a boundary bid before it).
		ctx.TimerService().RegisterEventTimeTimer(v.End)
		h.max.Update(q7Max{})
	}
	b := v.Bid
	p := b.Price
	switch {
	case v.Boundary:
		if m.Has && p < m.Price {
			return nil
		}
	case !m.Has || p > m.Price:
		// A new maximum: of the candidates only boundary bids at or above
		// it may still be rows.
		h.max.Update(q7Max{Price: p, Has: true})
		if cands := h.cands.Get(); len(cands) > 0 {
			h.keep = h.keep[:0]
			for _, c := range cands {
				if c.Price >= p {
					h.keep = append(h.keep, c)
				}
			}
			if len(h.keep) == 0 {
				h.cands.Clear()
			} else if len(h.keep) < len(cands) {
				h.cands.Update(h.keep)
			}
			clear(h.keep)
		}
	case p < m.Price:
		return nil
	}
	h.cands.Add(q7Row{Auction: b.Auction, Price: p, Bidder: b.Bidder, DateTime: b.DateTime, Extra: b.Extra})
	return nil
}

func (h *q7Highest) OnTimer(_ int64, _ *datastream.TimerContext[int64], out datastream.Collector[q7Row]) error {
	if m, ok := h.max.Value(); ok && m.Has {
		for _, c := range h.cands.Get() {
			if c.Price == m.Price {
				out.Collect(c)
			}
		}
	}
	h.max.Clear()
	h.cands.Clear()
	return nil
}

func q7Render(r q7Row, dst []string) []string {
	return append(dst, strconv.FormatInt(r.Auction, 10), strconv.FormatInt(r.Price, 10),
		strconv.FormatInt(r.Bidder, 10), FormatTime(r.DateTime), r.Extra)
}
