package testenv_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/testenv"
)

func TestManualClock(t *testing.T) {
	var zero testenv.ManualClock
	equal(t, "zero clock", zero.NowMillis(), 0)
	c := testenv.NewManualClock(5)
	equal(t, "new clock", c.NowMillis(), 5)
	c.Set(1000)
	equal(t, "after Set(1000)", c.NowMillis(), 1000)
	c.Advance(1500 * time.Millisecond)
	equal(t, "after Advance(1.5s)", c.NowMillis(), 2500)
	c.Advance(1999 * time.Microsecond)
	equal(t, "after Advance(1.999ms)", c.NowMillis(), 2501)
	c.Set(10)
	equal(t, "after Set(10)", c.NowMillis(), 10)
}

// log records callback runs as "name@now".
type log []string

func (l *log) cb(name string) func(now int64) {
	return func(now int64) { *l = append(*l, fmt.Sprintf("%s@%d", name, now)) }
}

func TestProcessingTimeServiceOrder(t *testing.T) {
	s := testenv.NewProcessingTimeService(testenv.NewManualClock(0))
	var l log
	s.At(30, l.cb("a"))
	s.At(10, l.cb("b"))
	s.At(20, l.cb("c"))
	s.At(10, l.cb("d"))
	equal(t, "pending", s.Pending(), []int64{10, 10, 20, 30})
	if next, ok := s.Next(); !ok || next != 10 {
		t.Errorf("Next = %d, %v; want 10, true", next, ok)
	}

	s.SetProcessingTime(5)
	equal(t, "fired at 5", l, nil)
	s.SetProcessingTime(15)
	equal(t, "fired at 15", l, log{"b@15", "d@15"})
	equal(t, "now", s.Now(), 15)
	equal(t, "clock", s.Clock().NowMillis(), 15)
	equal(t, "pending after 15", s.Pending(), []int64{20, 30})
	s.SetProcessingTime(30)
	equal(t, "fired at 30", l, log{"b@15", "d@15", "c@30", "a@30"})
	equal(t, "pending after 30", s.NumPending(), 0)
	if _, ok := s.Next(); ok {
		t.Error("Next reports a callback when none is pending")
	}
}

func TestProcessingTimeServiceCallbacksSchedule(t *testing.T) {
	s := testenv.NewProcessingTimeService(testenv.NewManualClock(0))
	var l log
	s.At(10, func(now int64) {
		l.cb("first")(now)
		s.At(12, l.cb("due"))      // due: runs in the same call
		s.At(now, l.cb("now"))     // due: runs in the same call
		s.At(16, l.cb("not-due"))  // after 15: stays pending
		s.At(11, func(now int64) { // due, and schedules one more due
			l.cb("chained")(now)
			s.At(now, l.cb("chained-again"))
		})
	})
	s.SetProcessingTime(15)
	equal(t, "fired", l, log{"first@15", "chained@15", "due@15", "now@15", "chained-again@15"})
	equal(t, "pending", s.Pending(), []int64{16})

	// A callback scheduled for now outside SetProcessingTime runs at the
	// next call, even without time moving.
	s.At(15, l.cb("late"))
	s.SetProcessingTime(15)
	equal(t, "fired", l[len(l)-1], "late@15")
}

func TestProcessingTimeServiceCancel(t *testing.T) {
	s := testenv.NewProcessingTimeService(testenv.NewManualClock(0))
	var l log
	cancelA := s.At(10, l.cb("a"))
	s.At(10, l.cb("b"))
	var cancelD func()
	s.At(20, func(now int64) {
		l.cb("c")(now)
		cancelD() // cancels a due callback from a callback
	})
	cancelD = s.At(20, l.cb("d"))
	cancelE := s.At(20, l.cb("e"))

	cancelA()
	cancelA() // cancelling again does nothing
	equal(t, "pending after cancel", s.Pending(), []int64{10, 20, 20, 20})
	s.SetProcessingTime(20)
	equal(t, "fired", l, log{"b@20", "c@20", "e@20"})
	cancelE() // after it ran: nothing
	equal(t, "pending", s.NumPending(), 0)
}

func TestProcessingTimeServiceBackwards(t *testing.T) {
	s := testenv.NewProcessingTimeService(testenv.NewManualClock(100))
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "backwards") {
			t.Errorf("moving processing time backwards: recovered %v, want a panic about going backwards", r)
		}
	}()
	s.SetProcessingTime(99)
}

func TestProcessingTimeServiceRunaway(t *testing.T) {
	s := testenv.NewProcessingTimeService(testenv.NewManualClock(0))
	var again func(now int64)
	again = func(now int64) { s.At(now, again) }
	s.At(1, again)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "keeps scheduling") {
			t.Errorf("a callback rescheduling itself now: recovered %v, want a panic", r)
		}
	}()
	s.SetProcessingTime(1)
}
