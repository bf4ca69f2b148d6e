package ratelimit

import (
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestUnlimited(t *testing.T) {
	l := New(nil)
	if n := l.Allowed(100); n != 100 || l.Available() != nil {
		t.Fatalf("unlimited: %d", n)
	}
}

func TestPacing(t *testing.T) {
	c := &fakeClock{t: time.Unix(1000, 0)}
	l := New(c.now)
	l.SetRate(1000) // one record per ms
	if n := l.Allowed(10); n != 1 {
		t.Fatalf("at the start: %d, want 1", n)
	}
	l.Emitted(1)
	if n := l.Allowed(10); n != 0 || l.Available() == nil || l.Ready() {
		t.Fatalf("ahead of schedule: %d", n)
	}
	c.t = c.t.Add(5 * time.Millisecond)
	select {
	case <-l.Available():
	case <-time.After(time.Second):
		t.Fatal("the wait channel never became ready")
	}
	if !l.Ready() {
		t.Fatal("not ready after the wait")
	}
	if n := l.Allowed(10); n != 5 {
		t.Fatalf("after 5 ms: %d, want 5", n)
	}
	l.Emitted(5)
	// A long stall keeps one batch of unused rate, not all of it.
	c.t = c.t.Add(time.Hour)
	if n := l.Allowed(10); n != 10 {
		t.Fatalf("after a stall: %d, want one full batch", n)
	}
	l.Emitted(10)
	if n := l.Allowed(10); n != 1 {
		t.Fatalf("right after the batch: %d, want 1", n)
	}
	l.Stop()
}
