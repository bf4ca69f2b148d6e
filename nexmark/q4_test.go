package nexmark

import (
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ4 checks the final table of average winning prices per category:
// per auction the highest bid in [dateTime, expires], then the truncated
// integer average per category.
func TestQ4(t *testing.T) {
	cfg := p1Config()
	g := generate(t, cfg)
	auctions := map[int64]gen.Auction{}
	for _, a := range g.auctions {
		auctions[a.ID] = a
	}
	final := map[int64]int64{} // auction id → highest qualifying bid
	for _, b := range g.bids {
		a, ok := auctions[b.Auction]
		if !ok || b.DateTime < a.DateTime || b.DateTime > a.Expires {
			continue
		}
		if m, seen := final[a.ID]; !seen || b.Price > m {
			final[a.ID] = b.Price
		}
	}
	sum, count := map[int64]int64{}, map[int64]int64{}
	for id, price := range final {
		c := auctions[id].Category
		sum[c] += price
		count[c]++
	}
	var want [][]string
	for c, s := range sum {
		want = append(want, []string{p1Int(c), p1Int(s / count[c])})
	}
	t.Logf("%d auctions with a winning bid in %d categories", len(final), len(want))
	p1Check(t, "q4", cfg, want)
}

// TestQ4Edges checks q4 on hand-made events: bids at both ends of an
// auction's interval count, bids outside do not, a bid that arrives before
// its auction counts, an auction still open at the end of the input counts,
// and the average truncates.
func TestQ4Edges(t *testing.T) {
	events := []gen.Event{
		p1Bid(1, 7, 5, p1Base+500), // before auction 1 starts, arrives first
		p1Auction(1, 1, 10, p1Base+1000, p1Base+3000),
		p1Bid(1, 7, 7, p1Base+1000), // at its start
		p1Auction(2, 1, 10, p1Base+2000, p1Base+60_000),
		p1Bid(2, 7, 4, p1Base+2500), // auction 2 is open at the end
		p1Bid(1, 7, 9, p1Base+3000), // at its expiry
		p1Auction(3, 1, 11, p1Base+3500, p1Base+5000),
		p1Bid(4, 7, 3, p1Base+4500), // before auction 4 arrives, in its interval
		p1Auction(4, 1, 12, p1Base+4000, p1Base+6000),
		p1Bid(1, 7, 100, p1Base+3001),   // after auction 1 expired
		p1Bid(99, 7, 1000, p1Base+5000), // no such auction
		p1Bid(3, 7, 50, p1Base+5001),    // after auction 3 expired
		p1Bid(4, 7, 2, p1Base+5500),
		p1Bid(1, 7, 200, p1Base+12_000), // long after auction 1 closed
	}
	p1CheckEvents(t, "q4", events, [][]string{
		{"10", "6"}, // (9 + 4) / 2, truncated
		{"12", "3"},
	})
}
