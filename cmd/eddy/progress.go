package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/datastream"
)

// progressBatch is how many records a subtask counts before it publishes
// them to the shared counter.
const progressBatch = 4096

// countEvents chains a pass-through operator after s that adds the number
// of records it sees to done, in steps of progressBatch per subtask (and
// the rest when it closes).
func countEvents[T any](s *datastream.DataStream[T], done *atomic.Int64) *datastream.DataStream[T] {
	return datastream.Process[T, T](s, &eventCounter[T]{done: done}).Name("Progress")
}

// eventCounter is copied for every subtask (a pointer to a struct), so n is
// per subtask.
type eventCounter[T any] struct {
	done *atomic.Int64
	n    int64
}

func (c *eventCounter[T]) ProcessElement(v T, _ *datastream.ProcessContext, out datastream.Collector[T]) error {
	c.n++
	if c.n == progressBatch {
		c.done.Add(progressBatch)
		c.n = 0
	}
	out.Collect(v)
	return nil
}

func (c *eventCounter[T]) Close() error {
	c.done.Add(c.n)
	c.n = 0
	return nil
}

// isTerminal reports whether w is a terminal. /dev/null is a character
// device too, so asking for the terminal's attributes is the real test.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return fileIsTerminal(f)
}

// progress redraws one line on w with the events done, the rate and the
// ETA until stop is called.
type progress struct {
	w     io.Writer
	label string
	total int64
	done  *atomic.Int64
	start time.Time
	quit  chan struct{}
	ended chan struct{}
}

func startProgress(w io.Writer, label string, total int64, done *atomic.Int64, every time.Duration) *progress {
	p := &progress{w: w, label: label, total: total, done: done, start: time.Now(),
		quit: make(chan struct{}), ended: make(chan struct{})}
	go p.loop(every)
	return p
}

func (p *progress) loop(every time.Duration) {
	defer close(p.ended)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			fmt.Fprint(p.w, "\r\x1b[K") // clear the line
			return
		case <-t.C:
			fmt.Fprint(p.w, "\r"+progressLine(p.label, p.done.Load(), p.total, time.Since(p.start))+"\x1b[K")
		}
	}
}

// stop clears the line and returns once the display stopped.
func (p *progress) stop() {
	close(p.quit)
	<-p.ended
}

// progressLine is "q5: 1.20M / 10.0M events (12%), 2.31M events/s, ETA 4s".
func progressLine(label string, done, total int64, elapsed time.Duration) string {
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	s := fmt.Sprintf("%s: %s / %s events (%.0f%%)", label, human(float64(done)), human(float64(total)), pct)
	if done <= 0 || elapsed <= 0 {
		return s
	}
	rate := float64(done) / elapsed.Seconds()
	s += fmt.Sprintf(", %s events/s", human(rate))
	if left := total - done; left > 0 {
		eta := time.Duration(float64(left) / rate * float64(time.Second))
		s += ", ETA " + eta.Round(time.Second).String()
	} else {
		s += ", finishing"
	}
	return s
}

// human renders n with three significant digits and a K/M/G suffix.
func human(n float64) string {
	switch {
	case n >= 1e9:
		return trim3(n/1e9) + "G"
	case n >= 1e6:
		return trim3(n/1e6) + "M"
	case n >= 1e3:
		return trim3(n/1e3) + "K"
	default:
		return fmt.Sprintf("%.0f", n)
	}
}

func trim3(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}
