// Package nexmark owns the Nexmark queries written on the DataStream API and
// the registry the benchmark runner (`eddy nexmark run`) picks them from.
// Each query is written from the Nexmark suite's SQL definition and must
// give the results that SQL gives on the same events.
package nexmark
