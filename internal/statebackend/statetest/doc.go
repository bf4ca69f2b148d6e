// Package statetest is the conformance suite of keyed state backends: every
// backend (heap, and later lsm) runs RunSuite from its tests, so that they
// all behave the same, as Flink's backends do.
package statetest
