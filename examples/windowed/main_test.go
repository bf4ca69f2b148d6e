package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// reference computes the firings and the late count of keyed tumbling or
// sliding event-time windows over rows in file order, in plain Go: the
// watermark after a row is the largest timestamp so far minus
// outOfOrderness minus 1; a window fires when the watermark reaches its last
// millisecond, and again for every row added while the watermark is past
// it, until the watermark reaches its last millisecond plus the lateness;
// a row none of whose windows is open any more is late. The end of the
// input fires every window left.
func reference(rows []row, size, slide, outOfOrderness, lateness int64) ([]string, int) {
	type kw struct {
		key        string
		start, end int64
	}
	type agg struct{ sum, count int64 }
	open := map[kw]agg{}
	var out []string
	emit := func(w kw, a agg) {
		out = append(out, result{Start: w.start, End: w.end, Key: w.key, Sum: a.sum, Count: a.count}.String())
	}
	wm, maxTs := int64(math.MinInt64), int64(math.MinInt64)
	advance := func(to int64) {
		if to <= wm {
			return
		}
		for w, a := range open {
			if w.end-1 > wm && w.end-1 <= to {
				emit(w, a)
			}
		}
		for w := range open {
			if w.end-1+lateness <= to {
				delete(open, w)
			}
		}
		wm = to
	}
	late := 0
	for _, r := range rows {
		added := false
		// Windows [start, start+size) with start a multiple of slide
		// and r.TS in them.
		first := r.TS - size + 1
		first += ((-first)%slide + slide) % slide
		for start := first; start <= r.TS; start += slide {
			w := kw{r.Key, start, start + size}
			if w.end-1+lateness <= wm {
				continue
			}
			added = true
			a := open[w]
			a.sum += r.Value
			a.count++
			open[w] = a
			if w.end-1 <= wm {
				emit(w, a)
			}
		}
		if !added {
			late++
		}
		maxTs = max(maxTs, r.TS)
		advance(maxTs - outOfOrderness - 1)
	}
	advance(math.MaxInt64)
	slices.Sort(out)
	return out, late
}

// randomRows returns rows around increasing times, some later than the
// out-of-orderness bound.
func randomRows(rng *rand.Rand, n int) []row {
	rows := make([]row, n)
	for i := range rows {
		ts := -20_000 + int64(i)*137 + rng.Int64N(8001) - 4000
		rows[i] = row{TS: ts, Key: []string{"a", "b", "c,d", `q"x`, ""}[rng.IntN(5)], Value: rng.Int64N(2001) - 1000}
	}
	return rows
}

func writeRows(t *testing.T, rows []row) string {
	var b strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&b, "%d,%s,%d\n", r.TS, csvField(r.Key), r.Value)
		if i%50 == 0 {
			b.WriteString("\n") // empty lines are skipped
		}
	}
	path := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	slices.Sort(lines)
	return lines
}

func TestWindowedMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	rows := randomRows(rng, 3000)
	path := writeRows(t, rows)
	for _, c := range []struct {
		size, slide, ooo, lateness time.Duration
		parallelism                int
	}{
		{10 * time.Second, 0, 2 * time.Second, 0, 1},
		{10 * time.Second, 0, 2 * time.Second, 0, 3},
		{10 * time.Second, 5 * time.Second, 2 * time.Second, 0, 2},
		{10 * time.Second, 3 * time.Second, 1 * time.Second, 2 * time.Second, 4},
		{7 * time.Second, 0, 0, 3 * time.Second, 2},
		{1 * time.Second, 0, 5 * time.Second, 0, 1},
	} {
		name := fmt.Sprintf("size=%v slide=%v ooo=%v lateness=%v p=%d", c.size, c.slide, c.ooo, c.lateness, c.parallelism)
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			o := options{input: path, size: c.size, slide: c.slide, outOfOrderness: c.ooo, lateness: c.lateness, parallelism: c.parallelism}
			if err := run(context.Background(), o, &stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			slide := c.slide
			if slide == 0 {
				slide = c.size
			}
			want, late := reference(rows, c.size.Milliseconds(), slide.Milliseconds(), c.ooo.Milliseconds(), c.lateness.Milliseconds())
			got := sortedLines(stdout.String())
			if !slices.Equal(got, want) {
				t.Fatalf("output differs from the reference: got %d lines, want %d\n got: %.1000q\nwant: %.1000q", len(got), len(want), got, want)
			}
			if want := fmt.Sprintf("late,%d\n", late); stderr.String() != want {
				t.Fatalf("stderr %q, want %q", stderr.String(), want)
			}
			if late == 0 && c.lateness == 0 && c.ooo < 4*time.Second {
				t.Fatalf("the data should have late rows")
			}
		})
	}
}

func TestWindowedMalformedInput(t *testing.T) {
	for _, c := range []struct {
		input, want string
	}{
		{"1,a,1\n2,b,x\n", ":2: value \"x\" is not an integer"},
		{"1,a,1\n\n3,b,2.5\n", ":3: value \"2.5\" is not an integer"},
		{"1,a,1\nnope,b,2\n", ":2: timestamp \"nope\" is not an integer"},
		{"1,a,1\n2,b\n", "line 2: wrong number of fields"},
		{"1,a,1,4\n", "line 1: wrong number of fields"},
		{"1,\"a,1\n", "line 1"},
		{"-9223372036854775808,a,1\n", ":1: timestamp -9223372036854775808 is out of range"},
		{"9223372036854775807,a,1\n", ":1: timestamp 9223372036854775807 is out of range"},
	} {
		path := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(path, []byte(c.input), 0o644); err != nil {
			t.Fatal(err)
		}
		err := run(context.Background(), options{input: path, size: time.Second, parallelism: 1}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad.csv") {
			t.Errorf("input %q: want an error naming the file and containing %q, got %v", c.input, c.want, err)
		}
	}
}

func TestWindowedOptions(t *testing.T) {
	for _, c := range []struct {
		o    options
		want string
	}{
		{options{size: time.Second, parallelism: 1}, "--input"},
		{options{input: "x", parallelism: 1}, "--size"},
		{options{input: "x", size: time.Second, slide: 2 * time.Second, parallelism: 1}, "--slide"},
		{options{input: "x", size: time.Second, outOfOrderness: -1, parallelism: 1}, "--out-of-orderness"},
		{options{input: "x", size: time.Second, lateness: -time.Second, parallelism: 1}, "--allowed-lateness"},
		{options{input: "x", size: time.Second}, "--parallelism"},
		{options{input: filepath.Join(t.TempDir(), "missing.csv"), size: time.Second, parallelism: 1}, "missing.csv"},
	} {
		err := run(context.Background(), c.o, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: want an error containing %q, got %v", c.o, c.want, err)
		}
	}
}

func TestWindowedEmptyInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), options{input: path, size: time.Second, parallelism: 2}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 || stderr.String() != "late,0\n" {
		t.Fatalf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}
