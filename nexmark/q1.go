package nexmark

import (
	"math"
	"math/big"
	"strconv"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
)

// Query 1: currency conversion.
//
//	SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid;
//
// 0.908 * price is a DECIMAL of scale 3 in Flink (the sink declares
// DECIMAL(23, 3)): the product is exact and prints with its three decimals,
// as "908.000" for a price of 1000. The query computes the unscaled value,
// price × 908, in thousandths of a euro.
func init() {
	register(&Query{
		Name:    "q1",
		Columns: []string{"auction", "bidder", "price", "dateTime", "extra"},
		Build: func(_ *datastream.Env, events *datastream.DataStream[gen.Event]) Output {
			rows := datastream.Map(q0Bids(events), func(b *gen.Bid) q1Row {
				return q1Row{Bid: b, Milli: b.Price * 908}
			}).Name("Convert")
			return NewOutput(rows, q1Render, nil)
		},
	})
}

// q1Row is a converted bid: Milli is 0.908 × price in thousandths (the
// unscaled value of the DECIMAL(23, 3)).
type q1Row struct {
	Bid   *gen.Bid
	Milli int64
}

func q1Render(r q1Row, dst []string) []string {
	b := r.Bid
	return append(dst, strconv.FormatInt(b.Auction, 10), strconv.FormatInt(b.Bidder, 10),
		q1Decimal(b.Price, r.Milli), FormatTime(b.DateTime), b.Extra)
}

// q1Decimal renders 0.908 × price with scale 3; milli is price × 908 unless
// that overflowed, in which case it is computed exactly here.
func q1Decimal(price, milli int64) string {
	if price > math.MaxInt64/908 || price < math.MinInt64/908 {
		u := new(big.Int).Mul(big.NewInt(price), big.NewInt(908))
		return scale3(u.String())
	}
	return scale3(strconv.FormatInt(milli, 10))
}

// scale3 places the decimal point three digits from the right of an
// integer's digits.
func scale3(digits string) string {
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	for len(digits) < 4 {
		digits = "0" + digits
	}
	s := digits[:len(digits)-3] + "." + digits[len(digits)-3:]
	if neg {
		s = "-" + s
	}
	return s
}
