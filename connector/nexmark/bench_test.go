package nexmark

import (
	"syscall"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/connector"
)

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRates reports events per second of wall time and of CPU time (the
// latter holds on a busy machine).
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "events/cpu-s")
	}
}

// sink keeps benchmark results alive.
var sink Event

// BenchmarkGenerate generates consecutive events with one Generator, as a
// source reader does.
func BenchmarkGenerate(b *testing.B) {
	g, err := NewGenerator(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := int64(0)
	for b.Loop() {
		sink = g.Generate(n)
		n++
	}
	reportRates(b, cpu0)
}

// BenchmarkGenerateCSV generates and renders consecutive events.
func BenchmarkGenerateCSV(b *testing.B) {
	g, err := NewGenerator(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := int64(0)
	for b.Loop() {
		buf = AppendEventCSV(buf[:0], g.Generate(n))
		n++
	}
	reportRates(b, cpu0)
}

// BenchmarkGenerateOne is the one-shot Generate(cfg, n).
func BenchmarkGenerateOne(b *testing.B) {
	cfg := DefaultConfig()
	b.ReportAllocs()
	n := int64(0)
	for b.Loop() {
		sink = Generate(cfg, n)
		n++
	}
}

// discardOutput drops what a reader emits.
type discardOutput struct{}

func (discardOutput) Collect(Event)                                  {}
func (discardOutput) CollectWithTimestamp(e Event, _ int64)          { sink = e }
func (d discardOutput) ForSplit(string) connector.SplitOutput[Event] { return d }
func (discardOutput) ReleaseSplit(string)                            {}

// BenchmarkSourceReader polls an unbounded reader of one split: the
// generator plus the reader's own cost.
func BenchmarkSourceReader(b *testing.B) {
	src := NewSource(DefaultConfig())
	r, err := src.CreateReader(nil)
	if err != nil {
		b.Fatal(err)
	}
	r.AddSplits([]connector.Split{&split{index: 0, total: 1, end: -1}})
	b.ReportAllocs()
	cpu0 := cpuTime()
	events := 0
	for b.Loop() {
		if _, err := r.Poll(discardOutput{}); err != nil {
			b.Fatal(err)
		}
		events += pollBatch
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}
