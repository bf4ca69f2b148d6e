// Command wordcount counts the words of a text file with a DataStream job
// on the embedded local runtime: lower-cased words, split on non-letters,
// printed as "word,count" lines with the final count of every word.
//
//	go run ./examples/wordcount --input FILE [--parallelism N]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"unicode"

	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/state"
)

func main() {
	input := flag.String("input", "", "text file to count the words of (required)")
	parallelism := flag.Int("parallelism", 1, "parallelism of the job")
	flag.Parse()
	if *input == "" {
		fmt.Fprintln(os.Stderr, "wordcount: --input FILE is required")
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *input, *parallelism, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wordcount:", err)
		os.Exit(1)
	}
}

// Words splits a line into lower-cased words of letters.
func Words(line string) []string {
	return strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
}

func run(ctx context.Context, input string, parallelism int, w io.Writer) error {
	lines, err := readLines(input)
	if err != nil {
		return err
	}
	env := datastream.NewEnv().SetParallelism(parallelism)
	text := datastream.FromSlice(env, lines).Name("lines")
	words := datastream.FlatMap(text, func(line string, out datastream.Collector[string]) {
		for _, w := range Words(line) {
			out.Collect(w)
		}
	}).Name("split")
	counts := datastream.KeyedProcess(datastream.KeyBy(words, func(w string) string { return w }),
		datastream.KeyedProcessFunction[string, string, datastream.KeyValue[string, int64]](&finalCount{})).Name("count")
	results := datastream.Collect(counts)
	if _, err := env.Execute(ctx, "wordcount"); err != nil {
		return err
	}
	out := results.Values()
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	bw := bufio.NewWriter(w)
	for _, kv := range out {
		fmt.Fprintf(bw, "%s,%d\n", kv.Key, kv.Value)
	}
	return bw.Flush()
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return lines, nil
}

// finalCount counts the words of its key and emits the final count once the
// bounded input ended: an event-time timer at the end of time fires on the
// final watermark.
type finalCount struct {
	count state.ValueState[int64]
}

func (c *finalCount) Open(rc *datastream.RuntimeContext) error {
	var err error
	c.count, err = datastream.GetValueState(rc, state.Value[int64]("count"))
	return err
}

const endOfTime = int64(^uint64(0) >> 1)

func (c *finalCount) ProcessElement(_ string, ctx *datastream.KeyedContext[string], _ datastream.Collector[datastream.KeyValue[string, int64]]) error {
	n, _ := c.count.Value()
	c.count.Update(n + 1)
	ctx.TimerService().RegisterEventTimeTimer(endOfTime)
	return nil
}

func (c *finalCount) OnTimer(_ int64, ctx *datastream.TimerContext[string], out datastream.Collector[datastream.KeyValue[string, int64]]) error {
	n, _ := c.count.Value()
	out.Collect(datastream.KeyValue[string, int64]{Key: ctx.CurrentKey(), Value: n})
	return nil
}
