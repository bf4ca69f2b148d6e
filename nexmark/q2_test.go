package nexmark

import "testing"

// TestQ2 checks the selection of the bids on every 123rd auction.
func TestQ2(t *testing.T) {
	cfg := p1Config()
	g := generate(t, cfg)
	var want [][]string
	for _, b := range g.bids {
		if b.Auction%123 == 0 {
			want = append(want, []string{p1Int(b.Auction), p1Int(b.Price)})
		}
	}
	t.Logf("%d rows", len(want))
	p1Check(t, "q2", cfg, want)
}
