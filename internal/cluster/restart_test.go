package cluster

import (
	"testing"
	"time"
)

func TestRestarter(t *testing.T) {
	now := time.Unix(0, 0)
	r := newRestarter(RestartStrategy{}, false)
	if _, ok := r.next(now); ok {
		t.Fatal("no strategy without checkpointing restarts")
	}
	r = newRestarter(RestartStrategy{}, true)
	for range 100 {
		if d, ok := r.next(now); !ok || d != time.Second {
			t.Fatalf("default with checkpointing: %v %v", d, ok)
		}
	}
	s := DefaultRestartStrategy("fixed-delay")
	s.Attempts, s.Delay = 2, time.Millisecond
	r = newRestarter(s, true)
	for i := range 3 {
		if _, ok := r.next(now); ok != (i < 2) {
			t.Fatalf("fixed-delay attempt %d: %v", i+1, ok)
		}
	}
	s = DefaultRestartStrategy("exponential-delay")
	s.InitialBackoff, s.MaxBackoff, s.BackoffMultiplier = 10*time.Millisecond, 35*time.Millisecond, 2
	r = newRestarter(s, true)
	var got []time.Duration
	for range 4 {
		d, _ := r.next(now)
		got = append(got, d)
	}
	if want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 35 * time.Millisecond, 35 * time.Millisecond}; !equalDurations(got, want) {
		t.Fatalf("exponential backoffs %v, want %v", got, want)
	}
	s = DefaultRestartStrategy("failure-rate")
	s.MaxFailuresPerInterval, s.FailureRateInterval = 2, time.Minute
	r = newRestarter(s, true)
	_, ok1 := r.next(now)
	_, ok2 := r.next(now.Add(time.Second))
	_, ok3 := r.next(now.Add(2 * time.Minute)) // the first two left the interval
	_, ok4 := r.next(now.Add(2*time.Minute + time.Second))
	_, ok5 := r.next(now.Add(2*time.Minute + 2*time.Second))
	if !ok1 || !ok2 || !ok3 || !ok4 || ok5 {
		t.Fatalf("failure-rate: %v %v %v %v %v", ok1, ok2, ok3, ok4, ok5)
	}
	if err := (RestartStrategy{Type: "sometimes"}).Validate(); err == nil {
		t.Fatal("unknown strategy accepted")
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
