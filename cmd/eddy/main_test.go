package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/nexmark"
)

// eddy runs the command line in-process and returns stdout, stderr and the
// exit status.
func eddy(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = execute(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// mustEddy runs the command line and fails the test unless it succeeds.
func mustEddy(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := eddy(t, args...)
	if code != 0 {
		t.Fatalf("eddy %s: exit status %d\nstderr: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func TestGenSameAtAnyParallelism(t *testing.T) {
	dir := t.TempDir()
	one, four := filepath.Join(dir, "p1"), filepath.Join(dir, "p4")
	mustEddy(t, "nexmark", "gen", "--events", "50000", "--out", one, "--parallelism", "1")
	mustEddy(t, "nexmark", "gen", "--events", "50000", "--out", four, "--parallelism", "4")
	headers := map[string][]string{"person.csv": gen.PersonColumns, "auction.csv": gen.AuctionColumns, "bid.csv": gen.BidColumns}
	rows := 0
	for name, header := range headers {
		a := readFile(t, filepath.Join(one, name))
		b := readFile(t, filepath.Join(four, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between --parallelism 1 (%d bytes) and 4 (%d bytes)", name, len(a), len(b))
		}
		recs := parseCSV(t, name, a)
		if !slices.Equal(recs[0], header) {
			t.Errorf("%s: header %v, want %v", name, recs[0], header)
		}
		rows += len(recs) - 1
	}
	if rows != 50000 {
		t.Errorf("the files hold %d events, want 50000", rows)
	}
}

func TestGenSeedAndRate(t *testing.T) {
	dir := t.TempDir()
	base, seeded, fast := filepath.Join(dir, "base"), filepath.Join(dir, "seed"), filepath.Join(dir, "rate")
	mustEddy(t, "nexmark", "gen", "-n", "2000", "--out", base)
	mustEddy(t, "nexmark", "gen", "-n", "2000", "--out", seeded, "--seed", "7")
	mustEddy(t, "nexmark", "gen", "-n", "2000", "--out", fast, "--rate", "1000")
	bids := func(dir string) [][]string {
		return parseCSV(t, "bid.csv", readFile(t, filepath.Join(dir, "bid.csv")))[1:]
	}
	b, s, f := bids(base), bids(seeded), bids(fast)
	if slices.EqualFunc(b, s, slices.Equal) {
		t.Error("--seed 7 gives the same bids as the default seed")
	}
	// The default rate is 10 000 events/s of event time: 2000 events span
	// 0.2 s; at 1000 events/s they span 2 s.
	span := func(rows [][]string) time.Duration {
		first, _ := time.Parse("2006-01-02 15:04:05.000", rows[0][5])
		last, _ := time.Parse("2006-01-02 15:04:05.000", rows[len(rows)-1][5])
		return last.Sub(first)
	}
	if bs, fs := span(b), span(f); fs < 9*bs || fs > 11*bs {
		t.Errorf("bids span %v at the default rate and %v at --rate 1000, want 10 times as long", bs, fs)
	}
}

// lastJSON checks that the last line of stdout is one JSON object with the
// interface's keys in order and returns it.
func lastJSON(t *testing.T, stdout string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	last := lines[len(lines)-1]
	dec := json.NewDecoder(strings.NewReader(last))
	var keys []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("last line %q is not a JSON object", last)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("last line %q: %v", last, err)
		}
		keys = append(keys, tok.(string))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("last line %q: %v", last, err)
		}
	}
	want := []string{"query", "events", "parallelism", "seconds", "events_per_second", "cores", "events_per_second_per_core", "peak_rss_bytes"}
	// The checkpoint statistics of --checkpoint-interval come last, all
	// or none.
	ckKeys := []string{"checkpoints", "checkpoint_ms_avg", "checkpoint_ms_max", "checkpoint_bytes_last", "restarts", "recovery_ms_max"}
	if n := len(keys) - len(ckKeys); n >= 0 && slices.Equal(keys[n:], ckKeys) {
		keys = keys[:n]
	}
	if len(keys) == len(want)+1 && keys[len(want)] == "savepoint" {
		// The optional key of --stop-with-savepoint-after.
		keys = keys[:len(want)]
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("last line has keys %v, want %v", keys, want)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(last), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range want[3:] {
		if v, ok := m[k].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", k, m[k])
		}
	}
	return m
}

func TestRunQ0WritesOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.csv")
	stdout := mustEddy(t, "nexmark", "run", "--query", "q0", "--events", "10000", "--output", out)
	m := lastJSON(t, stdout)
	if m["query"] != "q0" || m["events"] != 10000.0 || m["parallelism"] != 1.0 {
		t.Errorf("JSON line %v: want query q0, 10000 events, parallelism 1", m)
	}
	recs := parseCSV(t, out, readFile(t, out))
	q, _ := nexmark.Lookup("q0")
	if !slices.Equal(recs[0], q.Columns) {
		t.Errorf("header %v, want %v", recs[0], q.Columns)
	}
	// 46 of every 50 events are bids.
	if n := len(recs) - 1; n != 10000/50*46 {
		t.Errorf("%d rows, want %d bids", n, 10000/50*46)
	}
}

// TestRunOutputSameAtAnyParallelism checks that --output gives the same
// file at parallelism 1 and 2 (rows are sorted) for an append query and an
// updating one.
func TestRunOutputSameAtAnyParallelism(t *testing.T) {
	for _, q := range []string{"q1", "q4"} {
		if _, err := nexmark.Lookup(q); err != nil {
			continue
		}
		dir := t.TempDir()
		one, two := filepath.Join(dir, "1.csv"), filepath.Join(dir, "2.csv")
		mustEddy(t, "nexmark", "run", "-q", q, "-n", "20000", "-o", one)
		mustEddy(t, "nexmark", "run", "-q", q, "-n", "20000", "-o", two, "-p", "2")
		a, b := readFile(t, one), readFile(t, two)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: --output differs between parallelism 1 and 2", q)
		}
		if len(parseCSV(t, one, a)) < 2 {
			t.Errorf("%s: no result rows", q)
		}
	}
}

func TestRunEveryQuery(t *testing.T) {
	for _, q := range queryNames() {
		t.Run(q, func(t *testing.T) {
			args := []string{"nexmark", "run", "--query", q, "--events", "5000", "--parallelism", "2"}
			if _, err := nexmark.Lookup(q); err != nil && q != genQuery {
				args = append(args, "--api", "sql") // written in SQL only
			}
			stdout := mustEddy(t, args...)
			if m := lastJSON(t, stdout); m["query"] != q || m["parallelism"] != 2.0 {
				t.Errorf("JSON line %v: want query %s at parallelism 2", m, q)
			}
		})
	}
}

func TestRunGen(t *testing.T) {
	stdout := mustEddy(t, "nexmark", "run", "--query", "gen", "--events", "100000", "-p", "2")
	if m := lastJSON(t, stdout); m["query"] != "gen" || m["events"] != 100000.0 {
		t.Errorf("JSON line %v: want query gen, 100000 events", m)
	}
	if strings.Count(stdout, "\n") != 1 {
		t.Errorf("stdout has more than the JSON line: %q", stdout)
	}
}

func TestRunRateLimit(t *testing.T) {
	start := time.Now()
	stdout := mustEddy(t, "nexmark", "run", "--query", "gen", "--events", "3000", "--rate", "10000", "-p", "2")
	lastJSON(t, stdout)
	// 3000 events at 10 000 events/s take 0.3 s.
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("3000 events at --rate 10000 took %v, want at least 0.3 s", d)
	}
}

func TestProgress(t *testing.T) {
	var out, errOut bytes.Buffer
	o := runOptions{query: "q0", events: 20000, parallelism: 2, rate: 40000, progress: true, progressEvery: 50 * time.Millisecond}
	if err := runNexmark(context.Background(), o, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lastJSON(t, out.String())
	if !strings.Contains(errOut.String(), "\rq0: ") || !strings.Contains(errOut.String(), "events/s") {
		t.Errorf("no progress line on stderr: %q", errOut.String())
	}
}

func TestCountEvents(t *testing.T) {
	cfg := gen.DefaultConfig()
	cfg.Events = 3*progressBatch + 17
	env := datastream.NewEnv().SetParallelism(3)
	var done atomic.Int64
	events := countEvents(datastream.FromSource(env, gen.NewSource(cfg), gen.WatermarkStrategy(), "Nexmark"), &done)
	nexmark.NewOutput(events, func(gen.Event, []string) []string { return nil }, nil).Discard()
	if _, err := env.Execute(context.Background(), "count"); err != nil {
		t.Fatal(err)
	}
	if done.Load() != cfg.Events {
		t.Errorf("counted %d events, want %d", done.Load(), cfg.Events)
	}
}

func TestProgressLine(t *testing.T) {
	got := progressLine("q5", 2_500_000, 10_000_000, 2*time.Second)
	want := "q5: 2.50M / 10.0M events (25%), 1.25M events/s, ETA 6s"
	if got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	if got := progressLine("gen", 0, 1000, 0); got != "gen: 0 / 1.00K events (0%)" {
		t.Errorf("progressLine at the start = %q", got)
	}
}

func TestMeasure(t *testing.T) {
	r := measure("q1", 1_000_000, 2, 2*time.Second, 3*time.Second, 1<<20)
	want := runResult{Query: "q1", Events: 1_000_000, Parallelism: 2, Seconds: 2, EventsPerSecond: 500_000,
		Cores: 1.5, EventsPerSecondPerCore: 333_333, PeakRSSBytes: 1 << 20}
	if r != want {
		t.Errorf("measure = %+v, want %+v", r, want)
	}
	if r := measure("q1", 10, 1, 0, 0, 0); r.EventsPerSecond != 0 || r.Cores != 0 {
		t.Errorf("measure without time = %+v, want zeros", r)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"nexmark", "run", "--query", "q99", "--events", "10"}, 2, `unknown query "q99"`},
		{[]string{"nexmark", "run", "--query", "Q0", "--events", "10"}, 2, `unknown query "Q0"`},
		{[]string{"nexmark", "run", "--events", "10"}, 2, `required flag(s) "query" not set`},
		{[]string{"nexmark", "run", "--query", "q0"}, 2, `required flag(s) "events" not set`},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "0"}, 2, "--events must be positive"},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "ten"}, 2, `invalid argument "ten"`},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "10", "--parallelism", "0"}, 2, "--parallelism must be positive"},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "10", "--rate", "-1"}, 2, "--rate must be"},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "10", "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "10", "extra"}, 2, "takes no arguments"},
		{[]string{"nexmark", "run", "--query", "gen", "--events", "10", "--output", filepath.Join(dir, "g.csv")}, 2, "no result"},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "10", "--output", filepath.Join(dir, "missing", "x.csv")}, 1, "--output"},
		{[]string{"nexmark", "run", "--query", "q0", "--events", "10", "--output", dir}, 1, "--output"},
		{[]string{"nexmark", "gen", "--events", "0", "--out", dir}, 2, "--events must be positive"},
		{[]string{"nexmark", "gen", "--events", "-3", "--out", dir}, 2, "--events must be positive"},
		{[]string{"nexmark", "gen", "--events", "10"}, 2, `required flag(s) "out" not set`},
		{[]string{"nexmark", "gen", "--events", "10", "--out", dir, "--rate", "0"}, 2, "--rate must be"},
		{[]string{"nexmark", "gen", "--events", "10", "--out", dir, "-p", "-1"}, 2, "--parallelism must be positive"},
		{[]string{"nexmark", "gen", "--events", "10", "--out", file}, 1, "--out"},
		{[]string{"nexmark", "frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"version", "extra"}, 2, "takes no arguments"},
	} {
		stdout, stderr, code := eddy(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("eddy %s: exit status %d, stderr %q; want status %d and %q",
				strings.Join(tc.args, " "), code, stderr, tc.code, tc.msg)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("eddy %s panicked: %s", strings.Join(tc.args, " "), stderr)
		}
		if stdout != "" {
			t.Errorf("eddy %s: stdout %q on an error", strings.Join(tc.args, " "), stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "g.csv")); err == nil {
		t.Error("a rejected run left its --output file behind")
	}
}

func TestVersion(t *testing.T) {
	out := mustEddy(t, "version")
	if !strings.HasPrefix(out, "eddy ") || !strings.Contains(out, "go1") {
		t.Errorf("version = %q", out)
	}
}

func TestHelp(t *testing.T) {
	out := mustEddy(t, "nexmark", "run", "--help")
	for _, s := range []string{"--query", "--events", "--parallelism", "--output", "--rate", "q5"} {
		if !strings.Contains(out, s) {
			t.Errorf("help of nexmark run lacks %q:\n%s", s, out)
		}
	}
	if out := mustEddy(t); !strings.Contains(out, "nexmark") {
		t.Errorf("eddy without arguments does not list its commands:\n%s", out)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseCSV(t *testing.T, name string, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: empty, want a header row", name)
	}
	return recs
}
