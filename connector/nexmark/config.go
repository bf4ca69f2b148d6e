package nexmark

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseTime is the event time of event 0 unless Config.BaseTime says
// otherwise: 2015-07-15T00:00:00Z in epoch milliseconds, the fixed base time
// of the Beam Nexmark suite (NexmarkUtils.BASE_TIME, used when
// useWallclockEventTime is false). The Flink suite starts at the wall clock
// instead; a fixed instant makes two runs give the same events.
const DefaultBaseTime int64 = 1436918400000

// RateShape is the suite's rate.shape option. The suite's generator
// computes event times from first-event.rate alone (its inter-event delay
// has one step), so the shape, next-event.rate and rate.period are kept
// for the options' sake and change nothing; so it is here.
type RateShape string

const (
	RateShapeSquare RateShape = "SQUARE"
	RateShapeSine   RateShape = "SINE"
)

// Config is a Nexmark generator configuration: the options of the Flink
// suite's nexmark connector (NexmarkSourceOptions, with
// NexmarkConfiguration's defaults) and a few the suite keeps fixed. The key
// of each option for Set is in brackets.
type Config struct {
	// Events is the number of events; 0 generates without end
	// [events.num].
	Events int64

	// FirstEventRate is the rate in events per second of event time: event
	// n happens at BaseTime + n × 1e6/FirstEventRate µs (truncated to ms)
	// [first-event.rate].
	FirstEventRate int
	// NextEventRate, RateShape and RatePeriod are accepted and validated
	// but, as in the suite's generator, do not change event times
	// [next-event.rate, rate.shape, rate.period].
	NextEventRate int
	RateShape     RateShape
	RatePeriod    time.Duration
	// RateLimited makes the source emit FirstEventRate events per second
	// of wall time, so event time keeps pace with the wall clock, as the
	// suite's source does [rate.limited].
	RateLimited bool

	// Proportions of persons, auctions and bids: event n is a person when
	// n mod total < PersonProportion, then an auction, then a bid
	// [person.proportion, auction.proportion, bid.proportion].
	PersonProportion  int
	AuctionProportion int
	BidProportion     int

	// Average sizes in bytes the extra field pads events to
	// [person.avg-size, auction.avg-size, bid.avg-size].
	AvgPersonByteSize  int
	AvgAuctionByteSize int
	AvgBidByteSize     int

	// Hot ratios: 1 - 1/ratio of bids go to a hot auction, of bids come
	// from a hot bidder, of auctions come from a hot seller
	// [bid.hot-ratio.auctions, bid.hot-ratio.bidders,
	// auction.hot-ratio.sellers].
	HotAuctionRatio int
	HotBiddersRatio int
	HotSellersRatio int

	// NumActivePeople bounds the people a random seller or bidder is drawn
	// from: the most recent ones [people.active].
	NumActivePeople int
	// NumInFlightAuctions bounds the auctions a random bid is drawn from
	// (the most recent ones) and sets the average auction length
	// [auctions.in-flight].
	NumInFlightAuctions int
	// OutOfOrderGroupSize shuffles event numbers within groups of this
	// many events (1: in order) [out-of-order.group-size].
	OutOfOrderGroupSize int64

	// BaseTime is the event time of event 0 in epoch milliseconds
	// [base-time: milliseconds or an RFC 3339 instant].
	BaseTime int64
	// Seed 0 gives the suite's events; any other value perturbs the seed
	// of every event's random draws, deterministically [seed].
	Seed int64
}

// DefaultConfig returns the suite's defaults: unbounded, 10 000 events per
// second, proportions 1:3:46, average sizes 200/500/100 bytes, hot ratios
// 2 (auctions), 4 (bidders), 4 (sellers), 1000 active people, 100 auctions
// in flight, in order, from DefaultBaseTime, seed 0.
func DefaultConfig() Config {
	return Config{
		Events:              0,
		FirstEventRate:      10000,
		NextEventRate:       10000,
		RateShape:           RateShapeSquare,
		RatePeriod:          600 * time.Second,
		PersonProportion:    1,
		AuctionProportion:   3,
		BidProportion:       46,
		AvgPersonByteSize:   200,
		AvgAuctionByteSize:  500,
		AvgBidByteSize:      100,
		HotAuctionRatio:     2,
		HotBiddersRatio:     4,
		HotSellersRatio:     4,
		NumActivePeople:     1000,
		NumInFlightAuctions: 100,
		OutOfOrderGroupSize: 1,
		BaseTime:            DefaultBaseTime,
	}
}

// maxBaseTime is 9999-12-31T23:59:59.999Z: timestamps stay four-digit years.
const maxBaseTime = 253402300799999

// maxSize bounds the average sizes (the suite's sizes are Java ints; the
// extra field's spread must fit one).
const maxSize = 1 << 30

// Validate reports every invalid value of c, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("nexmark: %s: "+format, append([]any{key}, args...)...))
	}
	if c.Events < 0 {
		bad("events.num", "must not be negative (0 is unbounded), got %d", c.Events)
	}
	if c.FirstEventRate <= 0 || c.FirstEventRate > math.MaxInt32 {
		bad("first-event.rate", "must be a positive number of events per second, got %d", c.FirstEventRate)
	}
	if c.NextEventRate <= 0 || c.NextEventRate > math.MaxInt32 {
		bad("next-event.rate", "must be a positive number of events per second, got %d", c.NextEventRate)
	}
	if c.RateShape != RateShapeSquare && c.RateShape != RateShapeSine {
		bad("rate.shape", "must be SQUARE or SINE, got %q", string(c.RateShape))
	}
	if c.RatePeriod < time.Second {
		bad("rate.period", "must be at least one second, got %v", c.RatePeriod)
	}
	for _, p := range []struct {
		key string
		v   int
	}{{"person.proportion", c.PersonProportion}, {"auction.proportion", c.AuctionProportion}, {"bid.proportion", c.BidProportion}} {
		if p.v < 0 || p.v > 1<<20 {
			bad(p.key, "must be between 0 and %d, got %d", 1<<20, p.v)
		}
	}
	if c.PersonProportion >= 0 && c.AuctionProportion >= 0 && c.BidProportion >= 0 &&
		c.PersonProportion+c.AuctionProportion+c.BidProportion == 0 {
		bad("person.proportion", "the proportions of persons, auctions and bids must not all be 0")
	}
	for _, s := range []struct {
		key string
		v   int
	}{{"person.avg-size", c.AvgPersonByteSize}, {"auction.avg-size", c.AvgAuctionByteSize}, {"bid.avg-size", c.AvgBidByteSize}} {
		if s.v < 0 || s.v > maxSize {
			bad(s.key, "must be between 0 and %d bytes, got %d", maxSize, s.v)
		}
	}
	for _, r := range []struct {
		key string
		v   int
	}{{"bid.hot-ratio.auctions", c.HotAuctionRatio}, {"bid.hot-ratio.bidders", c.HotBiddersRatio}, {"auction.hot-ratio.sellers", c.HotSellersRatio}} {
		if r.v < 1 || r.v > math.MaxInt32 {
			bad(r.key, "must be a positive ratio, got %d", r.v)
		}
	}
	if c.NumActivePeople < 1 || c.NumActivePeople > math.MaxInt32-personIDLead {
		bad("people.active", "must be between 1 and %d, got %d", math.MaxInt32-personIDLead, c.NumActivePeople)
	}
	if c.NumInFlightAuctions < 1 || c.NumInFlightAuctions > math.MaxInt32 {
		bad("auctions.in-flight", "must be between 1 and %d, got %d", math.MaxInt32, c.NumInFlightAuctions)
	}
	if c.OutOfOrderGroupSize < 1 {
		bad("out-of-order.group-size", "must be at least 1 (1: in order), got %d", c.OutOfOrderGroupSize)
	}
	if c.BaseTime < 0 || c.BaseTime > maxBaseTime {
		bad("base-time", "must be an epoch millisecond between 0 and %d, got %d", int64(maxBaseTime), c.BaseTime)
	}
	return errors.Join(errs...)
}

// Keys returns the option keys Set accepts.
func Keys() []string {
	return []string{
		"events.num", "first-event.rate", "next-event.rate", "rate.shape", "rate.period", "rate.limited",
		"person.proportion", "auction.proportion", "bid.proportion",
		"person.avg-size", "auction.avg-size", "bid.avg-size",
		"bid.hot-ratio.auctions", "bid.hot-ratio.bidders", "auction.hot-ratio.sellers",
		"people.active", "auctions.in-flight", "out-of-order.group-size", "base-time", "seed",
	}
}

// Set sets the option key (the suite's option keys, see Config and Keys) to
// value, parsed as the suite parses it: integers, booleans, memory sizes
// ("200b", "1kb", a plain number of bytes; units are powers of 1024),
// durations ("600 s", "10min", "600000" milliseconds, or Go's "10m"). It
// checks the syntax only; Validate checks the values.
func (c *Config) Set(key, value string) error {
	v := strings.TrimSpace(value)
	var err error
	switch key {
	case "events.num":
		c.Events, err = parseInt64(v)
	case "first-event.rate":
		c.FirstEventRate, err = parseInt(v)
	case "next-event.rate":
		c.NextEventRate, err = parseInt(v)
	case "rate.shape":
		c.RateShape = RateShape(strings.ToUpper(v))
	case "rate.period":
		c.RatePeriod, err = parseDuration(v)
	case "rate.limited":
		c.RateLimited, err = strconv.ParseBool(v)
	case "person.proportion":
		c.PersonProportion, err = parseInt(v)
	case "auction.proportion":
		c.AuctionProportion, err = parseInt(v)
	case "bid.proportion":
		c.BidProportion, err = parseInt(v)
	case "person.avg-size":
		c.AvgPersonByteSize, err = parseMemorySize(v)
	case "auction.avg-size":
		c.AvgAuctionByteSize, err = parseMemorySize(v)
	case "bid.avg-size":
		c.AvgBidByteSize, err = parseMemorySize(v)
	case "bid.hot-ratio.auctions":
		c.HotAuctionRatio, err = parseInt(v)
	case "bid.hot-ratio.bidders":
		c.HotBiddersRatio, err = parseInt(v)
	case "auction.hot-ratio.sellers":
		c.HotSellersRatio, err = parseInt(v)
	case "people.active":
		c.NumActivePeople, err = parseInt(v)
	case "auctions.in-flight":
		c.NumInFlightAuctions, err = parseInt(v)
	case "out-of-order.group-size":
		c.OutOfOrderGroupSize, err = parseInt64(v)
	case "base-time":
		c.BaseTime, err = parseInstant(v)
	case "seed":
		c.Seed, err = parseInt64(v)
	default:
		return fmt.Errorf("nexmark: unknown option %q (known: %s)", key, strings.Join(Keys(), ", "))
	}
	if err != nil {
		return fmt.Errorf("nexmark: option %s: %w", key, err)
	}
	return nil
}

func parseInt64(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return n, nil
}

func parseInt(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 0)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return int(n), nil
}

// splitUnit splits "200 kb" into 200 and "kb".
func splitUnit(s string) (num, unit string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || i == 0 && (s[i] == '-' || s[i] == '+')) {
		i++
	}
	return s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
}

// parseMemorySize parses a size as Flink's MemorySize: a number of bytes
// with an optional unit (b, k/kb, m/mb, g/gb, t/tb; powers of 1024).
func parseMemorySize(s string) (int, error) {
	num, unit := splitUnit(s)
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("%q is not a memory size (a number of bytes with an optional unit b, kb, mb, gb, tb)", s)
	}
	var mult int64
	switch unit {
	case "", "b", "bytes":
		mult = 1
	case "k", "kb", "kibibytes":
		mult = 1 << 10
	case "m", "mb", "mebibytes":
		mult = 1 << 20
	case "g", "gb", "gibibytes":
		mult = 1 << 30
	case "t", "tb", "tebibytes":
		mult = 1 << 40
	default:
		return 0, fmt.Errorf("%q has an unknown memory unit %q (b, kb, mb, gb, tb)", s, unit)
	}
	if n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return int(n * mult), nil
}

// parseDuration parses a duration as Flink's TimeUtils (a number with an
// optional unit; without one, milliseconds) or as Go's time.ParseDuration.
func parseDuration(s string) (time.Duration, error) {
	num, unit := splitUnit(s)
	if n, err := strconv.ParseInt(num, 10, 64); err == nil && num != "" {
		var mult time.Duration
		switch unit {
		case "", "ms", "milli", "millis", "millisecond", "milliseconds":
			mult = time.Millisecond
		case "s", "sec", "secs", "second", "seconds":
			mult = time.Second
		case "min", "mins", "minute", "minutes":
			mult = time.Minute
		case "h", "hour", "hours":
			mult = time.Hour
		case "d", "day", "days":
			mult = 24 * time.Hour
		}
		if mult != 0 {
			if n < 0 || n > int64(math.MaxInt64/mult) {
				return 0, fmt.Errorf("%q is out of range", s)
			}
			return time.Duration(n) * mult, nil
		}
	}
	d, err := time.ParseDuration(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (as \"600 s\", \"10 min\" or \"10m\")", s)
	}
	return d, nil
}

// parseInstant parses epoch milliseconds or an RFC 3339 instant.
func parseInstant(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("%q is neither epoch milliseconds nor an RFC 3339 instant (2015-07-15T00:00:00Z)", s)
	}
	return t.UnixMilli(), nil
}
