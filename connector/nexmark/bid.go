package nexmark

// Bid values, as the suite's BidGenerator.
const (
	hotAuctionRatio = 100 // hot auctions are the first of each hundred auctions
	hotBidderRatio  = 100 // hot bidders are the second of each hundred people
)

// bid is the suite's nextBid for the event at pos, at time ts.
//
// The suite adds FIRST_PERSON_ID to the bidder twice (once after choosing
// the bidder, once after the channel), so bidder ids run 1000 above the
// person ids they were drawn from; this generator does the same, so its
// bids are the suite's.
func (g *Generator) bid(pos eventPos, ts int64) *Bid {
	b := g.newBid()
	var auction int64
	if g.rnd.nextIntn(int32(g.cfg.HotAuctionRatio)) > 0 {
		auction = g.lastAuctionID(pos) / hotAuctionRatio * hotAuctionRatio
	} else {
		auction = g.nextAuctionID(pos)
	}
	b.Auction = auction + firstAuctionID
	var bidder int64
	if g.rnd.nextIntn(int32(g.cfg.HotBiddersRatio)) > 0 {
		bidder = g.lastPersonID(pos)/hotBidderRatio*hotBidderRatio + 1
	} else {
		bidder = g.nextPersonID(pos)
	}
	bidder += firstPersonID
	b.Price = g.nextPrice()
	if g.rnd.nextIntn(hotChannelsRatio) > 0 {
		i := g.rnd.nextIntn(int32(len(hotChannels)))
		b.Channel, b.URL = hotChannels[i], g.channels.hotURLs[i]
	} else {
		c := g.rnd.nextIntnOdd(channelsNumber)
		b.Channel, b.URL = g.channels.names.get(c), g.channels.urls.get(c)
	}
	b.Bidder = bidder + firstPersonID
	b.DateTime = ts
	b.Extra = g.nextExtra(8+8+8+8, g.cfg.AvgBidByteSize)
	return b
}
