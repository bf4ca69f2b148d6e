package nexmark

import (
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
)

// Query 2: selection.
//
//	SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
func init() {
	register(&Query{
		Name:    "q2",
		Columns: []string{"auction", "price"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			bids := events.Filter(func(e gen.Event) bool {
				return e.Type == gen.BidEvent && e.Bid.Auction%123 == 0
			}).Name("Bids of every 123rd auction")
			rows := datastream.Map(bids, func(e gen.Event) *gen.Bid { return e.Bid }).Name("Bid")
			return NewOutput(rows, q2Render, nil)
		},
	})
}

func q2Render(b *gen.Bid, dst []string) []string {
	return append(dst, strconv.FormatInt(b.Auction, 10), strconv.FormatInt(b.Price, 10))
}
