// Command windowed sums the values of a CSV file per key in event-time
// windows with a DataStream job on the embedded local runtime.
//
//	go run ./examples/windowed --input FILE --size 10s [--slide 5s] [--out-of-orderness 2s] [--allowed-lateness 0s] [--parallelism N]
//
// The input has no header; each row is "ts_millis,key,value": an epoch
// timestamp in milliseconds, a key (any CSV field, quoted if needed) and an
// integer value. Empty lines are skipped; any other malformed row stops the
// program with an error naming its line. Rows are read in file order and
// get bounded-out-of-orderness watermarks: after each row the watermark is
// the largest timestamp so far minus the out-of-orderness minus 1ms (emitted
// with every row that advances it rather than periodically, so the output
// does not depend on timing).
//
// Windows are tumbling of --size, or sliding of --size every --slide. For
// every firing of a window, including the re-firings that late rows within
// --allowed-lateness cause, it prints "window_start,window_end,key,sum,count"
// (start and end in epoch milliseconds, the window being [start, end)). Rows
// too late for all their windows are counted, and "late,N" is printed to
// standard error at the end. With --parallelism above 1, lines of different
// keys may come in any order.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/eventtime"
	"github.com/eddy-streams/eddy/state"
	"github.com/eddy-streams/eddy/window"
)

// options are the command's flags.
type options struct {
	input          string
	size, slide    time.Duration
	outOfOrderness time.Duration
	lateness       time.Duration
	parallelism    int
}

func main() {
	var o options
	flag.StringVar(&o.input, "input", "", "CSV file of ts_millis,key,value rows (required)")
	flag.DurationVar(&o.size, "size", 0, "window size, e.g. 10s (required)")
	flag.DurationVar(&o.slide, "slide", 0, "window slide for sliding windows (default: tumbling windows)")
	flag.DurationVar(&o.outOfOrderness, "out-of-orderness", 0, "bound of the rows' out-of-orderness for watermarks")
	flag.DurationVar(&o.lateness, "allowed-lateness", 0, "allowed lateness of windows")
	flag.IntVar(&o.parallelism, "parallelism", 1, "parallelism of the job")
	flag.Parse()
	if err := o.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "windowed:", err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "windowed:", err)
		os.Exit(1)
	}
}

func (o options) validate() error {
	switch {
	case o.input == "":
		return errors.New("--input FILE is required")
	case o.size < time.Millisecond:
		return fmt.Errorf("--size must be at least 1ms, got %v", o.size)
	case o.slide != 0 && (o.slide < time.Millisecond || o.slide > o.size):
		return fmt.Errorf("--slide must be between 1ms and --size (%v), got %v", o.size, o.slide)
	case o.outOfOrderness < 0:
		return fmt.Errorf("--out-of-orderness must not be negative, got %v", o.outOfOrderness)
	case o.lateness < 0:
		return fmt.Errorf("--allowed-lateness must not be negative, got %v", o.lateness)
	case o.parallelism < 1:
		return fmt.Errorf("--parallelism must be positive, got %d", o.parallelism)
	}
	return nil
}

// row is one input row.
type row struct {
	TS    int64
	Key   string
	Value int64
}

// result is one firing of a window.
type result struct {
	Start, End int64
	Key        string
	Sum, Count int64
}

// String formats r as a CSV line (without newline).
func (r result) String() string {
	return fmt.Sprintf("%d,%d,%s,%d,%d", r.Start, r.End, csvField(r.Key), r.Sum, r.Count)
}

// csvField quotes s as encoding/csv does when it needs quoting.
func csvField(s string) string {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[0] != '\t' {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// run runs the job on o.input, writing the firings to stdout and the late
// count to stderr.
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	rows, err := readRows(o.input, o.size.Milliseconds())
	if err != nil {
		return err
	}
	assigner, err := assignerFor(o)
	if err != nil {
		return err
	}

	env := datastream.NewEnv().SetParallelism(o.parallelism)
	bound := o.outOfOrderness.Milliseconds()
	strategy := eventtime.ForGenerator(func() eventtime.Generator[row] { return &watermarks{bound: bound, max: math.MinInt64} }).
		WithTimestampAssigner(func(r row, _ int64) int64 { return r.TS })
	// One split read by one subtask: the rows keep their file order.
	src := datastream.FromGenerator(env, int64(len(rows)), func(i int64) row { return rows[i] },
		datastream.WithSplits(1), datastream.WithWatermarks(strategy), datastream.WithGeneratorName(o.input)).
		SetParallelism(1)

	late := datastream.NewOutputTag[row]("late-rows")
	windows := datastream.Window(datastream.KeyBy(src, func(r row) string { return r.Key }), assigner).
		AllowedLateness(o.lateness).
		SideOutputLateData(late)
	results := datastream.WindowAggregateProcess(windows, state.AggregateFunction[row, sumCount, sumCount](sumAgg{}),
		datastream.ProcessWindowFunc[sumCount, result, string, window.TimeWindow](toResult)).Name("window sums")
	results.SinkTo(&lineSink{w: stdout}, "stdout")
	var lateRows atomic.Int64
	datastream.SideOutput(results, late).SinkTo(countSink{&lateRows}, "late rows")

	if _, err := env.Execute(ctx, "windowed"); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stderr, "late,%d\n", lateRows.Load())
	return err
}

func assignerFor(o options) (window.Assigner[row, window.TimeWindow], error) {
	if o.slide == 0 || o.slide == o.size {
		return window.TumblingEventTime[row](o.size, 0)
	}
	return window.SlidingEventTime[row](o.size, o.slide, 0)
}

// readRows parses the input. maxEnd bounds timestamps so that window ends
// do not overflow.
func readRows(path string, size int64) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	r.FieldsPerRecord = 3
	r.ReuseRecord = true
	var rows []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s (rows are ts_millis,key,value)", path, line, fmt.Sprintf(format, args...))
		}
		ts, err := strconv.ParseInt(strings.TrimSpace(rec[0]), 10, 64)
		if err != nil {
			return nil, bad("timestamp %q is not an integer number of milliseconds", rec[0])
		}
		if ts == math.MinInt64 || ts > math.MaxInt64-size {
			return nil, bad("timestamp %d is out of range", ts)
		}
		v, err := strconv.ParseInt(strings.TrimSpace(rec[2]), 10, 64)
		if err != nil {
			return nil, bad("value %q is not an integer", rec[2])
		}
		rows = append(rows, row{TS: ts, Key: rec[1], Value: v})
	}
}

// watermarks is a bounded-out-of-orderness watermark generator that emits
// on every row that advances the watermark.
type watermarks struct {
	bound, max int64
}

func (w *watermarks) OnEvent(_ row, ts int64, out eventtime.Output) {
	if ts > w.max {
		w.max = ts
		out.EmitWatermark(ts - w.bound - 1)
	}
}

func (w *watermarks) OnPeriodicEmit(eventtime.Output) {}

// sumCount is the accumulator and result of sumAgg.
type sumCount struct{ Sum, Count int64 }

// sumAgg sums the values of a window and counts its rows.
type sumAgg struct{}

func (sumAgg) CreateAccumulator() sumCount { return sumCount{} }
func (sumAgg) Add(r row, acc sumCount) sumCount {
	return sumCount{acc.Sum + r.Value, acc.Count + 1}
}
func (sumAgg) Result(acc sumCount) sumCount { return acc }
func (sumAgg) Merge(a, b sumCount) sumCount { return sumCount{a.Sum + b.Sum, a.Count + b.Count} }
func toResult(key string, ctx *datastream.WindowContext[window.TimeWindow], sums []sumCount, out datastream.Collector[result]) error {
	w := ctx.Window()
	out.Collect(result{Start: w.Start, End: w.End, Key: key, Sum: sums[0].Sum, Count: sums[0].Count})
	return nil
}

// lineSink writes each result as a line to w. Each subtask buffers whole
// lines and writes them under a lock, so lines never interleave.
type lineSink struct {
	w  io.Writer
	mu sync.Mutex
}

func (s *lineSink) CreateWriter(connector.SinkContext) (connector.SinkWriter[result], error) {
	return &lineWriter{sink: s}, nil
}

type lineWriter struct {
	sink *lineSink
	buf  []byte
}

func (w *lineWriter) Write(r result, _ int64) error {
	w.buf = strconv.AppendInt(w.buf, r.Start, 10)
	w.buf = append(w.buf, ',')
	w.buf = strconv.AppendInt(w.buf, r.End, 10)
	w.buf = append(w.buf, ',')
	w.buf = append(w.buf, csvField(r.Key)...)
	w.buf = append(w.buf, ',')
	w.buf = strconv.AppendInt(w.buf, r.Sum, 10)
	w.buf = append(w.buf, ',')
	w.buf = strconv.AppendInt(w.buf, r.Count, 10)
	w.buf = append(w.buf, '\n')
	if len(w.buf) >= 32<<10 {
		return w.Flush(false)
	}
	return nil
}

func (w *lineWriter) Flush(bool) error {
	if len(w.buf) == 0 {
		return nil
	}
	w.sink.mu.Lock()
	defer w.sink.mu.Unlock()
	_, err := w.sink.w.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

func (w *lineWriter) Close() error { return w.Flush(false) }

// countSink counts the records written to it.
type countSink struct{ n *atomic.Int64 }

func (s countSink) CreateWriter(connector.SinkContext) (connector.SinkWriter[row], error) {
	return s, nil
}
func (s countSink) Write(row, int64) error { s.n.Add(1); return nil }
func (s countSink) Flush(bool) error       { return nil }
func (s countSink) Close() error           { return nil }
