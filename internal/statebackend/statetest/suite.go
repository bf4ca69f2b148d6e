package statetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
)

// ManualClock is a processing-time clock the test sets. Its zero value reads
// 0.
type ManualClock struct {
	Millis int64
}

// NowMillis returns the clock's time.
func (c *ManualClock) NowMillis() int64 { return c.Millis }

// Set sets the clock's time in epoch milliseconds.
func (c *ManualClock) Set(ms int64) { c.Millis = ms }

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) { c.Millis += d.Milliseconds() }

// NewBackend returns an empty backend for the key groups r whose TTL clock is
// clock.
type NewBackend = func(t *testing.T, r keygroup.Range, clock *ManualClock) statebackend.Keyed

// MaxParallelism is the max parallelism the suite assigns keys to key groups
// with.
const MaxParallelism = 128

// RunSuite runs the conformance tests of keyed state backends against the
// backends newBackend makes.
func RunSuite(t *testing.T, newBackend NewBackend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Value", testValue},
		{"ValueKeyGroups", testValueKeyGroups},
		{"ValueNamespaces", testValueNamespaces},
		{"List", testList},
		{"ListMerge", testListMerge},
		{"Map", testMap},
		{"MapNamespaces", testMapNamespaces},
		{"Reducing", testReducing},
		{"ReducingMerge", testReducingMerge},
		{"Aggregating", testAggregating},
		{"AggregatingMerge", testAggregatingMerge},
		{"Keys", testKeys},
		{"KeysClearWhileIterating", testKeysClear},
		{"Registration", testRegistration},
		{"InvalidDescriptors", testInvalidDescriptors},
		{"UnsupportedBackend", testUnsupportedBackend},
		{"TTLValue", testTTLValue},
		{"TTLValueOnReadAndWrite", testTTLValueOnRead},
		{"TTLValueReturnExpired", testTTLValueReturnExpired},
		{"TTLList", testTTLList},
		{"TTLListReturnExpired", testTTLListReturnExpired},
		{"TTLListOnReadAndWrite", testTTLListOnRead},
		{"TTLMap", testTTLMap},
		{"TTLMapReturnExpired", testTTLMapReturnExpired},
		{"TTLMapOnReadAndWrite", testTTLMapOnRead},
		{"TTLReducing", testTTLReducing},
		{"TTLAggregating", testTTLAggregating},
		{"TTLMerge", testTTLMerge},
		{"TimerDedup", testTimerDedup},
		{"TimerFire", testTimerFire},
		{"TimerDelete", testTimerDelete},
		{"TimerOrder", testTimerOrder},
		{"TimerRegisterWhileFiring", testTimerRegisterWhileFiring},
		{"TimerProcessingTime", testTimerProcessingTime},
		{"TimerStateAccess", testTimerStateAccess},
	}
	tests = append(tests, snapshotTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newEnv(t, newBackend, keygroup.Range{Start: 0, End: MaxParallelism - 1}))
		})
	}
	t.Run("SubRange", func(t *testing.T) {
		testSubRange(t, newEnv(t, newBackend, keygroup.RangeForSubtask(MaxParallelism, 4, 1)))
	})
}

// env is one test's backend and clock.
type env struct {
	t     *testing.T
	b     statebackend.Keyed
	clock *ManualClock
	nb    NewBackend
}

func newEnv(t *testing.T, newBackend NewBackend, r keygroup.Range) *env {
	clock := &ManualClock{Millis: 1_000_000}
	e := &env{t: t, clock: clock, nb: newBackend}
	e.b = e.newBackend(r)
	return e
}

// newBackend returns another backend of the test for the key groups r, with
// the test's clock, closed when the test ends.
func (e *env) newBackend(r keygroup.Range) statebackend.Keyed {
	b := e.nb(e.t, r, e.clock)
	e.t.Cleanup(func() {
		if err := b.Close(); err != nil {
			e.t.Errorf("Close: %v", err)
		}
	})
	return b
}

var (
	keyCodec = serde.MustFor[string]()
	nsCodec  = serde.MustFor[int64]()
	void     = statebackend.VoidCodec
)

func encodeKey(k string) []byte { return keyCodec.Append(nil, k) }

func keyGroupOf(k string) int { return keygroup.ForKey(encodeKey(k), MaxParallelism) }

// setKey makes k the backend's current key.
func (e *env) setKey(k string) {
	e.t.Helper()
	enc := encodeKey(k)
	e.b.SetCurrentKey(enc, keygroup.ForKey(enc, MaxParallelism))
}

// must checks the error of a constructor: must(f(...))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// keyNS is a decoded (key, namespace) pair reported by Keys.
type keyNS struct {
	key string
	ns  string // the encoded namespace, in hex
}

// keys returns the sorted (key, namespace) pairs Keys reports for a state.
func (e *env) keys(name string) []keyNS {
	e.t.Helper()
	var out []keyNS
	e.b.Keys(name, func(k, ns []byte) {
		key, n, err := keyCodec.Decode(k)
		if err != nil || n != len(k) {
			e.t.Fatalf("Keys(%q) reported key %x that does not decode: %d bytes, %v", name, k, n, err)
		}
		out = append(out, keyNS{key, fmt.Sprintf("%x", ns)})
	})
	slices.SortFunc(out, func(a, b keyNS) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.ns, b.ns)
	})
	return out
}

func nsHex(ns int64) string { return fmt.Sprintf("%x", nsCodec.Append(nil, ns)) }

func check[T comparable](t *testing.T, what string, got T, gotOK bool, want T, wantOK bool) {
	t.Helper()
	if gotOK != wantOK || (wantOK && got != want) {
		if wantOK {
			t.Errorf("%s = %v, %v; want %v, true", what, got, gotOK, want)
		} else {
			t.Errorf("%s = %v, %v; want no value", what, got, gotOK)
		}
	}
}

func checkList[T comparable](t *testing.T, what string, got []T, want ...T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func errContains(t *testing.T, what string, err error, sub string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
	} else if !strings.Contains(err.Error(), sub) {
		t.Errorf("%s: error %q does not mention %q", what, err, sub)
	}
}
