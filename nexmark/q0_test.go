package nexmark

import "testing"

// TestQ0 checks that every bid passes through unchanged.
func TestQ0(t *testing.T) {
	cfg := p1Config()
	g := generate(t, cfg)
	var want [][]string
	for _, b := range g.bids {
		want = append(want, []string{p1Int(b.Auction), p1Int(b.Bidder), p1Int(b.Price), p1Time(b.DateTime), b.Extra})
	}
	p1Check(t, "q0", cfg, want)
}
