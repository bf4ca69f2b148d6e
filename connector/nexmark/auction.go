package nexmark

// Auction values, as the suite's AuctionGenerator.
const (
	numCategories  = 5
	hotSellerRatio = 100 // hot sellers are the first of each hundred people
)

// auction is the suite's nextAuction for the event at pos, event number
// num, at time ts.
func (g *Generator) auction(pos eventPos, num, ts int64) *Auction {
	a := g.newAuction()
	a.ID = g.lastAuctionID(pos) + firstAuctionID
	var seller int64
	if g.rnd.nextIntn(int32(g.cfg.HotSellersRatio)) > 0 {
		seller = g.lastPersonID(pos) / hotSellerRatio * hotSellerRatio
	} else {
		seller = g.nextPersonID(pos)
	}
	a.Seller = seller + firstPersonID
	a.Category = firstCategoryID + int64(g.rnd.nextIntn(numCategories))
	a.InitialBid = g.nextPrice()
	a.DateTime = ts
	a.Expires = ts + g.nextAuctionLength(num, ts)
	a.ItemName = g.nextString(20)
	a.Description = g.nextString(100)
	a.Reserve = a.InitialBid + g.nextPrice()
	size := 8 + len(a.ItemName) + len(a.Description) + 8 + 8 + 8 + 8 + 8
	a.Extra = g.nextExtra(size, g.cfg.AvgAuctionByteSize)
	return a
}

// nextAuctionLength is the suite's nextAuctionLengthMs: uniform in
// [1, 2 × horizon], the horizon being the time until NumInFlightAuctions
// more auctions have been generated, so that about that many are open.
func (g *Generator) nextAuctionLength(num, ts int64) int64 {
	horizon := g.timestamp(num+g.auctionLen) - ts
	return 1 + g.rnd.nextLongn(max(horizon*2, 1))
}
