package nexmark

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	if got := time.UnixMilli(DefaultBaseTime).UTC().Format(time.RFC3339); got != "2015-07-15T00:00:00Z" {
		t.Errorf("DefaultBaseTime is %s", got)
	}
}

func TestValidateReportsBadValues(t *testing.T) {
	cases := []struct {
		mutate func(*Config)
		want   string
	}{
		{func(c *Config) { c.Events = -1 }, "events.num"},
		{func(c *Config) { c.FirstEventRate = 0 }, "first-event.rate"},
		{func(c *Config) { c.NextEventRate = -5 }, "next-event.rate"},
		{func(c *Config) { c.RateShape = "TRIANGLE" }, "rate.shape"},
		{func(c *Config) { c.RatePeriod = 0 }, "rate.period"},
		{func(c *Config) { c.PersonProportion = -1 }, "person.proportion"},
		{func(c *Config) { c.PersonProportion, c.AuctionProportion, c.BidProportion = 0, 0, 0 }, "must not all be 0"},
		{func(c *Config) { c.AvgBidByteSize = -1 }, "bid.avg-size"},
		{func(c *Config) { c.AvgAuctionByteSize = 1 << 31 }, "auction.avg-size"},
		{func(c *Config) { c.HotAuctionRatio = 0 }, "bid.hot-ratio.auctions"},
		{func(c *Config) { c.HotBiddersRatio = -1 }, "bid.hot-ratio.bidders"},
		{func(c *Config) { c.HotSellersRatio = 0 }, "auction.hot-ratio.sellers"},
		{func(c *Config) { c.NumActivePeople = 0 }, "people.active"},
		{func(c *Config) { c.NumInFlightAuctions = 0 }, "auctions.in-flight"},
		{func(c *Config) { c.OutOfOrderGroupSize = 0 }, "out-of-order.group-size"},
		{func(c *Config) { c.BaseTime = -1 }, "base-time"},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.mutate(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error about %s, got %v", c.want, err)
		}
		if _, gerr := NewGenerator(cfg); gerr == nil {
			t.Errorf("NewGenerator accepts an invalid config (%s)", c.want)
		}
	}
	// All problems are reported at once.
	cfg := DefaultConfig()
	cfg.Events, cfg.HotAuctionRatio = -1, 0
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "events.num") || !strings.Contains(err.Error(), "bid.hot-ratio.auctions") {
		t.Errorf("want both errors, got %v", err)
	}
}

func TestSetOptions(t *testing.T) {
	cfg := DefaultConfig()
	for _, kv := range [][2]string{
		{"events.num", "1000000"},
		{"first-event.rate", "2000"},
		{"next-event.rate", "3000"},
		{"rate.shape", "sine"},
		{"rate.period", "10 min"},
		{"rate.limited", "true"},
		{"person.proportion", "2"},
		{"auction.proportion", "4"},
		{"bid.proportion", "44"},
		{"person.avg-size", "1kb"},
		{"auction.avg-size", "600b"},
		{"bid.avg-size", "120"},
		{"bid.hot-ratio.auctions", "3"},
		{"bid.hot-ratio.bidders", "5"},
		{"auction.hot-ratio.sellers", "6"},
		{"people.active", "500"},
		{"auctions.in-flight", "50"},
		{"out-of-order.group-size", "10"},
		{"base-time", "2020-01-01T00:00:00Z"},
		{"seed", "-3"},
	} {
		if err := cfg.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("Set(%q, %q): %v", kv[0], kv[1], err)
		}
	}
	want := Config{
		Events: 1000000, FirstEventRate: 2000, NextEventRate: 3000, RateShape: RateShapeSine, RatePeriod: 10 * time.Minute, RateLimited: true,
		PersonProportion: 2, AuctionProportion: 4, BidProportion: 44,
		AvgPersonByteSize: 1024, AvgAuctionByteSize: 600, AvgBidByteSize: 120,
		HotAuctionRatio: 3, HotBiddersRatio: 5, HotSellersRatio: 6,
		NumActivePeople: 500, NumInFlightAuctions: 50, OutOfOrderGroupSize: 10,
		BaseTime: 1577836800000, Seed: -3,
	}
	if cfg != want {
		t.Errorf("after Set:\n got %+v\nwant %+v", cfg, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
	// Every key of Keys is accepted.
	for _, k := range Keys() {
		c := DefaultConfig()
		if err := c.Set(k, "1"); err != nil && !strings.Contains(err.Error(), "option "+k) {
			t.Errorf("Set(%q): %v", k, err)
		}
	}
}

func TestSetErrors(t *testing.T) {
	cfg := DefaultConfig()
	for _, kv := range [][2]string{
		{"events.number", "1"},
		{"events.num", "ten"},
		{"first-event.rate", "1.5"},
		{"rate.limited", "maybe"},
		{"bid.avg-size", "100 parsecs"},
		{"person.avg-size", "kb"},
		{"rate.period", "soon"},
		{"base-time", "yesterday"},
	} {
		err := cfg.Set(kv[0], kv[1])
		if err == nil {
			t.Errorf("Set(%q, %q) accepted", kv[0], kv[1])
			continue
		}
		if !strings.Contains(err.Error(), kv[0]) {
			t.Errorf("Set(%q, %q): error %q does not name the option", kv[0], kv[1], err)
		}
	}
}

func TestParseDurationAndSize(t *testing.T) {
	for in, want := range map[string]time.Duration{"600 s": 600 * time.Second, "600s": 600 * time.Second, "10min": 10 * time.Minute,
		"1500": 1500 * time.Millisecond, "2 h": 2 * time.Hour, "1m30s": 90 * time.Second, "1d": 24 * time.Hour} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]int{"200b": 200, "200": 200, "1kb": 1024, "2 MB": 2 << 20, "1g": 1 << 30} {
		if got, err := parseMemorySize(in); err != nil || got != want {
			t.Errorf("parseMemorySize(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
