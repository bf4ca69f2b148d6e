package nexmark

import (
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ7 checks the highest bids per 10 s tumbling window: the bids whose
// price is a window's maximum and whose time is in [window_end - 10 s,
// window_end], both ends included.
//
// At the default rate of 10 000 events per second, 100 000 events span 10 s
// of event time: a single window. The test lowers the rate to 500 events
// per second (200 s, 20 windows; one event per 2 ms, so that some bids fall
// on window boundaries).
func TestQ7(t *testing.T) {
	cfg := p1Config()
	cfg.FirstEventRate, cfg.NextEventRate = 500, 500
	g := generate(t, cfg)
	const size = 10_000
	maxPrice := map[int64]int64{} // window end → highest price
	for _, b := range g.bids {
		end := b.DateTime - b.DateTime%size + size
		if m, ok := maxPrice[end]; !ok || b.Price > m {
			maxPrice[end] = b.Price
		}
	}
	byPrice := map[int64][]int{} // price → indexes of the bids at that price
	for i, b := range g.bids {
		byPrice[b.Price] = append(byPrice[b.Price], i)
	}
	var want [][]string
	for end, m := range maxPrice {
		for _, i := range byPrice[m] {
			b := g.bids[i]
			if b.DateTime >= end-size && b.DateTime <= end {
				want = append(want, []string{p1Int(b.Auction), p1Int(b.Price), p1Int(b.Bidder), p1Time(b.DateTime), b.Extra})
			}
		}
	}
	t.Logf("%d windows, %d rows", len(maxPrice), len(want))
	p1Check(t, "q7", cfg, want)
}

// TestQ7Edges checks q7 on hand-made events: ties, bids at exactly a
// window's end (rows of the window before when at its maximum, and of their
// own window), boundary bids that arrive before the window's own bids.
func TestQ7Edges(t *testing.T) {
	b := p1Base
	events := []gen.Event{
		p1Person(1, "Ann", "CA", b),
		// Window [0, 10 s): maximum 100, tied.
		p1Bid(1, 1, 100, b+1000),
		p1Bid(1, 2, 100, b+5000),
		p1Bid(1, 3, 100, b+10_000), // at the end: also a row of [0, 10 s)
		p1Bid(1, 4, 50, b+9999),
		// Window [10 s, 20 s): maximum 300.
		p1Bid(2, 5, 300, b+12_000),
		p1Bid(2, 6, 300, b+20_000), // at the end; alone in [20 s, 30 s)
		p1Bid(2, 7, 10, b+20_000),  // at the end, below both maxima
		p1Bid(2, 8, 300, b+19_000), // own bid after the boundary bid
		// Window [30 s, 40 s): a bid at its start above [20 s, 30 s)'s max.
		p1Bid(3, 9, 500, b+30_000),
		// Window [60 s, 70 s): the boundary bid arrives first.
		p1Bid(4, 10, 700, b+70_000),
		p1Bid(4, 11, 700, b+68_000),
		// Window [80 s, 90 s): the boundary bid arrives first and is above
		// the maximum; then a higher own bid.
		p1Bid(5, 12, 900, b+90_000),
		p1Bid(5, 13, 800, b+88_000),
		p1Bid(5, 14, 950, b+89_000),
	}
	row := func(e gen.Event) []string {
		x := e.Bid
		return []string{p1Int(x.Auction), p1Int(x.Price), p1Int(x.Bidder), p1Time(x.DateTime), x.Extra}
	}
	p1CheckEvents(t, "q7", events, [][]string{
		row(events[1]), row(events[2]), row(events[3]), // [0, 10 s)
		row(events[5]), row(events[6]), row(events[8]), // [10 s, 20 s)
		row(events[6]),                   // [20 s, 30 s)
		row(events[9]),                   // [30 s, 40 s)
		row(events[10]), row(events[11]), // [60 s, 70 s)
		row(events[10]), // [70 s, 80 s)
		row(events[14]), // [80 s, 90 s)
		row(events[12]), // [90 s, 100 s)
	})
}
