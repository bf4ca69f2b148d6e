// Package nexmark owns the Nexmark benchmark's data: the Person, Auction and
// Bid model, the deterministic event generator (event n is a pure function
// of the configuration and n), and a split-based Source over it.
//
// # The generator
//
// The generator is the Flink suite's (nexmark/nexmark, nexmark-flink's
// generator package: GeneratorConfig, NexmarkGenerator and the Person,
// Auction, Bid, Price, Strings and Long generators), itself Beam's with
// channels and URLs added to bids. It draws the same values in the same
// order from a bit-exact java.util.Random, so that:
//
//   - Event n has event id n and event number n (GeneratorConfig with
//     firstEventId 0 and firstEventNumber 0, as Beam's standard
//     configuration), shuffled within groups when OutOfOrderGroupSize > 1.
//   - Its type is n modulo the total proportion: with the default 1:3:46,
//     event 50k is a person, 50k+1 to 50k+3 auctions, the rest bids.
//   - Its time is BaseTime + ⌊n × 1e6/FirstEventRate⌋ µs, truncated to
//     milliseconds, as timestampForEvent.
//   - Its fields are drawn from a java.util.Random seeded with n (Beam's
//     generator seeds one per event); Config.Seed perturbs that seed.
//
// The Flink suite differs in three ways that make its runs irreproducible:
// it shares one unseeded Random between events (here, as in Beam, each
// event seeds its own), starts at the wall clock (here at DefaultBaseTime,
// Beam's fixed base time), and draws the bid channels' URLs from unseeded
// randoms (here they are drawn once, from a Random seeded with 2). It also runs one timeline per
// source subtask (each subtask's events start at the base time); here there
// is one timeline whatever the parallelism, and the source's splits
// interleave it. Apart from these, event n here is the event the suite's
// code computes for event id n, byte for byte, including the suite's
// quirks: bidder ids are 1000 above the person drawn (the suite adds
// FIRST_PERSON_ID twice), and random sellers, bidders and auctions may be
// up to 10 ids ahead of the last one generated (the suite's "leads").
//
// # Performance
//
// A Generator allocates payloads from slabs and strings from a byte arena
// (handed out with unsafe.String and never written again), so generating
// an event allocates nothing on average.
package nexmark
