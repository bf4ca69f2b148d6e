package nexmark

import (
	"math/big"
	"testing"
)

// TestQ1 checks the currency conversion against exact rational arithmetic
// rendered with the DECIMAL's scale of 3.
func TestQ1(t *testing.T) {
	cfg := p1Config()
	g := generate(t, cfg)
	rate := big.NewRat(908, 1000)
	var want [][]string
	for _, b := range g.bids {
		euro := new(big.Rat).Mul(rate, new(big.Rat).SetInt64(b.Price)).FloatString(3)
		want = append(want, []string{p1Int(b.Auction), p1Int(b.Bidder), euro, p1Time(b.DateTime), b.Extra})
	}
	p1Check(t, "q1", cfg, want)
}

func TestQ1Decimal(t *testing.T) {
	for _, c := range []struct {
		price int64
		want  string
	}{
		{0, "0.000"}, {1, "0.908"}, {10, "9.080"}, {1000, "908.000"}, {1234567, "1120986.836"},
		{-3, "-2.724"}, {1 << 62, "4187410904732068216.832"},
	} {
		if got := q1Decimal(c.price, c.price*908); got != c.want {
			t.Errorf("0.908 × %d = %s, want %s", c.price, got, c.want)
		}
	}
}
