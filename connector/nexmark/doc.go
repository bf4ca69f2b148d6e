// Package nexmark owns the Nexmark benchmark's data: the Person, Auction and
// Bid model, the deterministic event generator (event n is a pure function
// of the configuration and n), and a split-based Source over it.
package nexmark
