package nexmark

import (
	"cmp"
	"slices"
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ9 checks the winning bids: per auction, the first of its bids in
// [dateTime, expires] ordered by price descending and time ascending (then
// bidder, channel, url and extra, the query's deterministic tie-break).
func TestQ9(t *testing.T) {
	p2Run(t, func(t *testing.T, cfg gen.Config, g *generated) {
		p2Check(t, "q9", cfg, refQ9(t, g))
	})
}

// refQ9 computes q9's final table over g.
func refQ9(t *testing.T, g *generated) [][]string {
	auctions := map[int64]*gen.Auction{}
	for i := range g.auctions {
		auctions[g.auctions[i].ID] = &g.auctions[i]
	}
	candidates := map[int64][]*gen.Bid{}
	for i := range g.bids {
		b := &g.bids[i]
		if a, ok := auctions[b.Auction]; ok && a.DateTime <= b.DateTime && b.DateTime <= a.Expires {
			candidates[a.ID] = append(candidates[a.ID], b)
		}
	}
	var want [][]string
	ties := 0
	for id, bids := range candidates {
		slices.SortFunc(bids, func(x, y *gen.Bid) int {
			return cmp.Or(cmp.Compare(y.Price, x.Price), cmp.Compare(x.DateTime, y.DateTime), cmp.Compare(x.Bidder, y.Bidder),
				cmp.Compare(x.Channel, y.Channel), cmp.Compare(x.URL, y.URL), cmp.Compare(x.Extra, y.Extra))
		})
		if len(bids) > 1 && bids[0].Price == bids[1].Price && bids[0].DateTime == bids[1].DateTime {
			ties++
		}
		a, b := auctions[id], bids[0]
		want = append(want, []string{p2Int(a.ID), a.ItemName, a.Description, p2Int(a.InitialBid), p2Int(a.Reserve),
			p2Time(a.DateTime), p2Time(a.Expires), p2Int(a.Seller), p2Int(a.Category), a.Extra,
			p2Int(b.Auction), p2Int(b.Bidder), p2Int(b.Price), p2Time(b.DateTime), b.Extra})
	}
	t.Logf("%d auctions, %d with a winning bid, %d decided after price and time", len(auctions), len(want), ties)
	return want
}

// TestQ9OutOfOrder checks q9 on events up to 30 s out of order.
func TestQ9OutOfOrder(t *testing.T) { p2CheckOutOfOrder(t, "q9", refQ9) }

// TestQ9Better checks the order of bids: price descending, time ascending,
// then bidder, channel, url and extra ascending.
func TestQ9Better(t *testing.T) {
	base := gen.Bid{Auction: 1, Bidder: 5, Price: 100, Channel: "b", URL: "u", DateTime: 1000, Extra: "e"}
	with := func(f func(*gen.Bid)) *gen.Bid {
		b := base
		f(&b)
		return &b
	}
	better := []*gen.Bid{
		with(func(b *gen.Bid) { b.Price = 101; b.DateTime = 2000 }),
		with(func(b *gen.Bid) { b.DateTime = 999; b.Bidder = 9 }),
		with(func(b *gen.Bid) { b.Bidder = 4; b.Channel = "z" }),
		with(func(b *gen.Bid) { b.Channel = "a"; b.URL = "z" }),
		with(func(b *gen.Bid) { b.URL = "t"; b.Extra = "z" }),
		with(func(b *gen.Bid) { b.Extra = "d" }),
	}
	for _, b := range better {
		if !q9Better(b, &base) || q9Better(&base, b) {
			t.Errorf("%+v should rank before %+v", *b, base)
		}
	}
	if q9Better(with(func(*gen.Bid) {}), &base) {
		t.Errorf("an equal bid ranks before the current best")
	}
	if !q9Better(&base, nil) {
		t.Errorf("a bid does not rank before no bid")
	}
}
