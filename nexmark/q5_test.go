package nexmark

import (
	"testing"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// TestQ5 checks the hot items: per 10 s window sliding by 2 s, the
// auctions whose bid count is the window's maximum, ties included.
func TestQ5(t *testing.T) {
	p2Run(t, func(t *testing.T, cfg gen.Config, g *generated) {
		want := refQ5(t, g)
		p2Check(t, "q5", cfg, want)
	})
}

// refQ5 computes q5's result over g.
func refQ5(t *testing.T, g *generated) [][]string {
	type key struct{ start, auction int64 }
	counts := map[key]int64{}
	for _, b := range g.bids {
		// The HOP windows holding b: starts multiple of 2 s in (t-10 s, t].
		for start := p2Floor(b.DateTime, 2000); start > b.DateTime-10_000; start -= 2000 {
			counts[key{start, b.Auction}]++
		}
	}
	maxn := map[int64]int64{}
	for k, n := range counts {
		maxn[k.start] = max(maxn[k.start], n)
	}
	var want [][]string
	perWindow := map[int64]int{}
	for k, n := range counts {
		if n == maxn[k.start] {
			want = append(want, []string{p2Int(k.auction), p2Int(n)})
			perWindow[k.start]++
		}
	}
	ties := 0
	for _, n := range perWindow {
		if n > 1 {
			ties++
		}
	}
	t.Logf("%d windows, %d rows, %d windows with tied auctions", len(maxn), len(want), ties)
	return want
}

// TestQ5OutOfOrder checks q5 on events up to 30 s out of order.
func TestQ5OutOfOrder(t *testing.T) { p2CheckOutOfOrder(t, "q5", refQ5) }
