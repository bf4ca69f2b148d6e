package nexmark

import (
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
)

// Query 0: pass-through.
//
//	SELECT auction, bidder, price, dateTime, extra FROM bid;
//
// It measures the cost of the source and the plumbing: a chained filter and
// map that hand the bid on by pointer.
func init() {
	register(&Query{
		Name:    "q0",
		Columns: []string{"auction", "bidder", "price", "dateTime", "extra"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			return NewOutput(q0Bids(events), q0Render, nil)
		},
	})
}

// q0Bids keeps the bid events and hands on their bids.
func q0Bids(events *datastream.DataStream[gen.Event]) *datastream.DataStream[*gen.Bid] {
	return datastream.Map(events.Filter(func(e gen.Event) bool { return e.Type == gen.BidEvent }).Name("Bids"),
		func(e gen.Event) *gen.Bid { return e.Bid }).Name("Bid")
}

func q0Render(b *gen.Bid, dst []string) []string {
	return append(dst, strconv.FormatInt(b.Auction, 10), strconv.FormatInt(b.Bidder, 10),
		strconv.FormatInt(b.Price, 10), FormatTime(b.DateTime), b.Extra)
}
