package exec_test

import (
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

	"github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/types"
)

// simSession is a session of the reference simulation.
type simSession struct {
	start, end, count, sum int64
}

// sessionSim simulates Flink's session windows of one watermark: per key
// the open sessions, sorted; fired ones move to out.
type sessionSim struct {
	gap  int64
	open map[string][]simSession
	out  []string
}

// advance fires the sessions the watermark wm passed.
func (s *sessionSim) advance(wm int64) {
	for k, ss := range s.open {
		kept := ss[:0]
		for _, x := range ss {
			if x.end-1 <= wm {
				s.out = append(s.out, fmt.Sprintf("%s|%d|%d|%d|%d", k, x.start, x.end, x.count, x.sum))
				continue
			}
			kept = append(kept, x)
		}
		s.open[k] = kept
	}
}

// outcome says what a row at t does under watermark wm: dropped as late,
// a new session, or a merge with the listed sessions.
func (s *sessionSim) outcome(k string, t, wm int64) string {
	var hit []string
	for _, x := range s.open[k] {
		if x.start <= t+s.gap && x.end >= t {
			hit = append(hit, fmt.Sprint(x.start, x.end))
		}
	}
	switch {
	case len(hit) > 0:
		return "merge " + strings.Join(hit, ",")
	case t+s.gap-1 <= wm:
		return "late"
	}
	return "new"
}

// add applies a row that is not late.
func (s *sessionSim) add(k string, t, v int64) {
	w := simSession{start: t, end: t + s.gap, count: 1, sum: v}
	var kept []simSession
	for _, x := range s.open[k] {
		if x.start <= w.end && x.end >= w.start {
			w.start, w.end = min(w.start, x.start), max(w.end, x.end)
			w.count += x.count
			w.sum += x.sum
			continue
		}
		kept = append(kept, x)
	}
	kept = append(kept, w)
	slices.SortFunc(kept, func(a, b simSession) int { return int(a.start - b.start) })
	s.open[k] = kept
}

// TestSessionWindowsWithLateRows runs session windows over rows out of
// order, some late, with a watermark after every chunk, and compares them
// with a simulation of Flink's semantics: a row merges into the open
// sessions its window [ts, ts + gap) overlaps or touches; one that
// touches none is dropped when the watermark passed its window's end;
// a session fires when the watermark passes its end. The rows are chosen
// so that their fate is the same whatever the watermark between the one
// 2048 rows back and the one of the row before (chunks have at most 1024
// rows), which makes the expected result exact.
func TestSessionWindowsWithLateRows(t *testing.T) {
	const gap, delay = 500, 1000
	rng := rand.New(rand.NewPCG(5, 6))
	low := &sessionSim{gap: gap, open: map[string][]simSession{}}
	high := &sessionSim{gap: gap, open: map[string][]simSession{}}
	var rows []string
	var maxTs []int64 // running maximum of the times of the rows kept
	wmAt := func(back int) int64 {
		i := len(maxTs) - back
		if i < 1 {
			return math.MinInt64
		}
		return maxTs[i-1] - delay
	}
	base := int64(1_700_000_000_000)
	late, rescued := 0, 0
	for len(rows) < 8000 {
		base += 20
		if rng.IntN(150) == 0 {
			base += 600 + rng.Int64N(2500)
		}
		ts := base - rng.Int64N(300)
		switch rng.IntN(15) {
		case 0: // behind the watermark, into an open session or not
			ts = base - 1000 - rng.Int64N(1500)
		case 1: // far behind: late under any watermark of the last 2048 rows
			ts = base - 150_000 - rng.Int64N(60_000)
		}
		k := fmt.Sprintf("k%d", rng.IntN(4))
		v := rng.Int64N(100)
		wl, wh := wmAt(2048), wmAt(1)
		low.advance(wl)
		high.advance(wh)
		o := low.outcome(k, ts, wl)
		if o != high.outcome(k, ts, wh) {
			continue // its fate depends on where the watermark is
		}
		if o == "late" {
			late++
		} else {
			if ts+gap-1 <= wh {
				rescued++ // late on its own, but it joins an open session
			}
			low.add(k, ts, v)
			high.add(k, ts, v)
		}
		rows = append(rows, fmt.Sprintf("%d,%s,%d,%s", len(rows), k, v, time.UnixMilli(ts).UTC().Format("2006-01-02 15:04:05.000")))
		m := ts
		if n := len(maxTs); n > 0 {
			m = max(m, maxTs[n-1])
		}
		maxTs = append(maxTs, m)
	}
	high.advance(math.MaxInt64)
	want := high.out
	slices.Sort(want)
	t.Logf("%d late, %d rescued, %d sessions", late, rescued, len(want))
	if late < 100 || rescued < 20 || len(want) < 100 {
		t.Fatalf("%d late rows, %d rows joining an open session past the watermark and %d sessions: not a test", late, rescued, len(want))
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ev.csv"), []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, filepath.Join(dir, "ev.csv"))
	queries := []string{
		"SELECT k, window_start, window_end, COUNT(*), SUM(v) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) GROUP BY k, window_start, window_end",
		"SELECT k, SESSION_START(ts, INTERVAL '0.5' SECOND), SESSION_END(ts, INTERVAL '0.5' SECOND), COUNT(*), SUM(v) FROM ev GROUP BY k, SESSION(ts, INTERVAL '0.5' SECOND)",
		// COUNT(DISTINCT) keeps the sessions' rows instead of merging
		// accumulators.
		"SELECT k, window_start, window_end, COUNT(DISTINCT id), SUM(v) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) GROUP BY k, window_start, window_end",
	}
	defer func(p bool) { *exec.PunctuatedWatermarks = p }(*exec.PunctuatedWatermarks)
	*exec.PunctuatedWatermarks = true
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := sql.NewSession(sql.Options{Config: map[string]string{"parallelism.default": "1"}})
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			r, err := s.Execute(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, row := range r.Final() {
				got = append(got, fmt.Sprintf("%s|%d|%d|%d|%d", row[0], row[1].(types.TimestampValue).Millis, row[2].(types.TimestampValue).Millis, row[3], row[4]))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				for i := range max(len(got), len(want)) {
					var g, w string
					if i < len(got) {
						g = got[i]
					}
					if i < len(want) {
						w = want[i]
					}
					if g != w {
						t.Fatalf("%d sessions, want %d; first difference at %d: got %s, want %s", len(got), len(want), i, g, w)
					}
				}
			}
		})
	}
}
