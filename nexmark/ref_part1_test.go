package nexmark

import (
	"context"
	"strconv"
	"testing"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
)

// Shared helpers of the tests of q0–q4 and q7: each test computes the
// query's expected final result with plain loops and maps over the events
// read back from the CSV files, then runs the query at parallelism 1 and 2.

// p1Config is the default generator configuration with testEvents events.
func p1Config() gen.Config {
	cfg := gen.DefaultConfig()
	cfg.Events = testEvents
	return cfg
}

// p1Check runs query name on cfg at parallelism 1 and 2 and compares each
// result with want.
func p1Check(t *testing.T, name string, cfg gen.Config, want [][]string) {
	t.Helper()
	for _, p := range []int{1, 2} {
		t.Run("p"+strconv.Itoa(p), func(t *testing.T) {
			sameRows(t, runQuery(t, name, cfg, p), want)
		})
	}
}

func p1Int(n int64) string { return strconv.FormatInt(n, 10) }

// p1Time renders an epoch-milliseconds time as the suite prints a
// TIMESTAMP(3).
func p1Time(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000")
}

// p1RunEvents runs query name at parallelism p on hand-made events, given in
// arrival order, with the generator's watermark strategy (4 s of
// out-of-orderness).
func p1RunEvents(t *testing.T, name string, events []gen.Event, p int) [][]string {
	t.Helper()
	q, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	env := datastream.NewEnv().SetParallelism(p)
	in := datastream.AssignTimestampsAndWatermarks(datastream.FromSlice(env, events), gen.WatermarkStrategy())
	result := q.Build(env, in).Collect()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := env.Execute(ctx, name); err != nil {
		t.Fatal(err)
	}
	return result()
}

// p1CheckEvents compares the result of query name on hand-made events at
// parallelism 1 and 2 with want.
func p1CheckEvents(t *testing.T, name string, events []gen.Event, want [][]string) {
	t.Helper()
	for _, p := range []int{1, 2} {
		t.Run("p"+strconv.Itoa(p), func(t *testing.T) {
			sameRows(t, p1RunEvents(t, name, events, p), want)
		})
	}
}

// p1Base is a time aligned to 10 s windows (the generator's base time).
const p1Base = gen.DefaultBaseTime

func p1Person(id int64, name, state string, ts int64) gen.Event {
	return gen.Event{Type: gen.PersonEvent, Person: &gen.Person{ID: id, Name: name, City: "City" + name, State: state, DateTime: ts}}
}

func p1Auction(id, seller, category, ts, expires int64) gen.Event {
	return gen.Event{Type: gen.AuctionEvent, Auction: &gen.Auction{ID: id, Seller: seller, Category: category, DateTime: ts, Expires: expires}}
}

func p1Bid(auction, bidder, price, ts int64) gen.Event {
	return gen.Event{Type: gen.BidEvent, Bid: &gen.Bid{Auction: auction, Bidder: bidder, Price: price, DateTime: ts, Extra: "x" + p1Int(bidder)}}
}
