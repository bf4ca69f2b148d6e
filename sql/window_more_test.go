package sql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql/types"
)

// sessionTestEvent is a row of the random event tables of these tests.
type sessionTestEvent struct {
	id int
	k  string
	v  int64
	ts int64 // epoch milliseconds
}

// writeSessionEvents writes n random events as CSV: times advance by
// step ms per row, with pauses, and disorder up to jitter ms (less than
// the tables' 1 s watermark delay, so in streaming no row is late and no
// row arrives after a session it touches has fired), keys k0..k(keys-1).
func writeSessionEvents(t *testing.T, path string, seed uint64, n, keys int, step, jitter int64) []sessionTestEvent {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	var b strings.Builder
	var evs []sessionTestEvent
	base := int64(1_700_000_000_000)
	for i := range n {
		// Pauses now and then, so that sessions of every length occur.
		base += step
		if rng.IntN(40) == 0 {
			base += rng.Int64N(3000)
		}
		e := sessionTestEvent{id: i, k: fmt.Sprintf("k%d", rng.IntN(keys)), v: rng.Int64N(1000), ts: base - rng.Int64N(jitter+1)}
		evs = append(evs, e)
		fmt.Fprintf(&b, "%d,%s,%d,%s\n", e.id, e.k, e.v, time.UnixMilli(e.ts).UTC().Format("2006-01-02 15:04:05.000"))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestWindowsStreamingEqualsBatch runs session window aggregations (the
// SESSION table function and the legacy group window) and window
// deduplications over bounded input in streaming and in batch mode: the
// final results must be equal.
func TestWindowsStreamingEqualsBatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ev.csv")
	writeSessionEvents(t, path, 7, 3000, 7, 40, 500)
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, path)
	queries := []string{
		"SELECT window_start, window_end, k, COUNT(*), SUM(v), MIN(v), MAX(v), AVG(v) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.3' SECOND)) GROUP BY window_start, window_end, k",
		"SELECT k, window_start, window_end, window_time, COUNT(DISTINCT v / 100), COUNT(*) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end, window_time",
		"SELECT window_start, window_end, COUNT(*), MAX(v) FROM TABLE(SESSION(TABLE ev, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end",
		"SELECT window_start, window_end, k, COUNT(*) FROM TABLE(SESSION(TABLE ev, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) WHERE v > 200 GROUP BY window_start, window_end, k",
		"SELECT k, SESSION_START(ts, INTERVAL '0.4' SECOND), SESSION_END(ts, INTERVAL '0.4' SECOND), COUNT(*), SUM(v) FROM ev GROUP BY k, SESSION(ts, INTERVAL '0.4' SECOND)",
		"SELECT * FROM (SELECT id, k, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts DESC) AS rn " +
			"FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND))) WHERE rn <= 1",
		"SELECT id, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY ts) AS rn " +
			"FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND))) WHERE rn = 1",
		"SELECT id, k, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k, window_start, window_end ORDER BY ts DESC) AS rn " +
			"FROM TABLE(CUMULATE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '4' SECOND)) WHERE v < 500) WHERE rn < 2",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	modes := modeSessions(t, ctx, ddl)
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			results := runModes(t, ctx, modes, q)
			if results[0] != results[1] {
				t.Errorf("streaming and batch differ:\nstreaming:\n%s\nbatch:\n%s", results[0], results[1])
			}
			if strings.Count(results[0], "\n") < 5 {
				t.Errorf("too few rows to compare:\n%s", results[0])
			}
		})
	}
}

// referenceSession is a session of the plain Go computation.
type referenceSession struct {
	start, end int64
	count, sum int64
	min, max   int64
	distinct   map[int64]bool
}

// referenceSessions computes session windows of gap ms over events, per
// key (or all together when byKey is false), from the rows sorted by
// time: a row opens [ts, ts + gap), and a row at or before the current
// session's end extends it. The result maps the key to its sessions.
func referenceSessions(evs []sessionTestEvent, gap int64, byKey bool, keep func(sessionTestEvent) bool) map[string][]*referenceSession {
	sorted := slices.Clone(evs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ts < sorted[j].ts })
	out := map[string][]*referenceSession{}
	for _, e := range sorted {
		if keep != nil && !keep(e) {
			continue
		}
		k := ""
		if byKey {
			k = e.k
		}
		ss := out[k]
		var s *referenceSession
		if n := len(ss); n > 0 && ss[n-1].end >= e.ts {
			s = ss[n-1]
			s.end = max(s.end, e.ts+gap)
		} else {
			s = &referenceSession{start: e.ts, end: e.ts + gap, min: e.v, max: e.v, distinct: map[int64]bool{}}
			out[k] = append(ss, s)
		}
		s.count++
		s.sum += e.v
		s.min, s.max = min(s.min, e.v), max(s.max, e.v)
		s.distinct[e.v%7] = true
	}
	return out
}

// TestSessionWindowsMatchReference compares session window aggregations,
// through the SESSION table function and the legacy group window, in
// streaming and batch mode, with sessions computed in plain Go over the
// same random rows, out of order within the watermark's delay.
func TestSessionWindowsMatchReference(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ev.csv")
	evs := writeSessionEvents(t, path, 11, 4000, 5, 30, 600)
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, path)
	// With COUNT(DISTINCT), sessions keep their rows; without, they merge
	// accumulators (the last column is then a constant '-').
	type check struct {
		query string
		gap   int64
		byKey bool
		keep  func(sessionTestEvent) bool
	}
	checks := []check{
		{"SELECT k, window_start, window_end, COUNT(*), SUM(v), MIN(v), MAX(v), '-' " +
			"FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.2' SECOND)) GROUP BY k, window_start, window_end", 200, true, nil},
		{"SELECT '', SESSION_START(ts, INTERVAL '0.03' SECOND), SESSION_END(ts, INTERVAL '0.03' SECOND), COUNT(*), SUM(v), MIN(v), MAX(v), '-' " +
			"FROM ev GROUP BY SESSION(ts, INTERVAL '0.03' SECOND)", 30, false, nil},
		{"SELECT k, window_start, window_end, COUNT(*), SUM(v), MIN(v), MAX(v), COUNT(DISTINCT MOD(v, 7)) " +
			"FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.25' SECOND)) GROUP BY k, window_start, window_end", 250, true, nil},
		{"SELECT k, SESSION_START(ts, INTERVAL '0.15' SECOND), SESSION_END(ts, INTERVAL '0.15' SECOND), COUNT(*), SUM(v), MIN(v), MAX(v), COUNT(DISTINCT MOD(v, 7)) " +
			"FROM ev GROUP BY k, SESSION(ts, INTERVAL '0.15' SECOND)", 150, true, nil},
		{"SELECT '', window_start, window_end, COUNT(*), SUM(v), MIN(v), MAX(v), COUNT(DISTINCT MOD(v, 7)) " +
			"FROM TABLE(SESSION(TABLE ev, DESCRIPTOR(ts), INTERVAL '0.04' SECOND)) WHERE v >= 300 GROUP BY window_start, window_end", 40, false,
			func(e sessionTestEvent) bool { return e.v >= 300 }},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, mode := range []string{"streaming", "batch"} {
		s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": mode, "parallelism.default": "2"}})
		if _, err := s.Execute(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			t.Run(mode+"/"+c.query, func(t *testing.T) {
				var want []string
				for k, ss := range referenceSessions(evs, c.gap, c.byKey, c.keep) {
					for _, s := range ss {
						distinct := fmt.Sprint(len(s.distinct))
						if !strings.Contains(c.query, "DISTINCT") {
							distinct = "-"
						}
						want = append(want, fmt.Sprintf("%s|%d|%d|%d|%d|%d|%d|%s", k, s.start, s.end, s.count, s.sum, s.min, s.max, distinct))
					}
				}
				r, err := s.Execute(ctx, c.query)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, row := range r.Final() {
					got = append(got, fmt.Sprintf("%s|%d|%d|%d|%d|%d|%d|%v", row[0], row[1].(types.TimestampValue).Millis, row[2].(types.TimestampValue).Millis,
						row[3], row[4], row[5], row[6], row[7]))
				}
				slices.Sort(want)
				slices.Sort(got)
				if len(want) < 20 {
					t.Fatalf("the reference has %d sessions: not a test", len(want))
				}
				if !slices.Equal(got, want) {
					for i := 0; i < len(got) || i < len(want); i++ {
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
}

// TestProcTimeSessionWindows checks what can be checked of session
// windows on processing time: each session is at least a gap long, a
// key's sessions do not overlap (but by the last millisecond: a session
// fires when the clock reaches its end - 1, and a row at that time opens
// the next), and they hold at most the rows (sessions still open when
// the input ends are not emitted, as in Flink's streaming mode).
func TestProcTimeSessionWindows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "2"}})
	ddl := `CREATE TABLE clicks (k INT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'rows-per-second' = '200', 'number-of-rows' = '200',
		'fields.k.min' = '1', 'fields.k.max' = '3')`
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	r, err := s.Execute(ctx, `SELECT k, window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE clicks PARTITION BY k, DESCRIPTOR(pt), INTERVAL '0.005' SECOND))
		GROUP BY k, window_start, window_end`)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[int32][][2]int64{}
	var total int64
	for _, row := range r.Final() {
		start, end := row[1].(types.TimestampValue).Millis, row[2].(types.TimestampValue).Millis
		if end-start < 5 {
			t.Errorf("session [%d, %d) is shorter than the gap", start, end)
		}
		byKey[row[0].(int32)] = append(byKey[row[0].(int32)], [2]int64{start, end})
		total += row[3].(int64)
	}
	if total > 200 || total == 0 {
		t.Errorf("sessions hold %d rows of 200", total)
	}
	for k, ss := range byKey {
		slices.SortFunc(ss, func(a, b [2]int64) int { return int(a[0] - b[0]) })
		for i := 1; i < len(ss); i++ {
			if ss[i][0] < ss[i-1][1]-1 {
				t.Errorf("key %d: sessions %v and %v overlap", k, ss[i-1], ss[i])
			}
		}
	}
}

// TestSessionWindowGoAggregate runs a Go aggregate (which has no merge:
// its sessions keep their rows) in a session window, merging sessions
// included: the row at 4 s bridges [2.5, 4.5) and [5, 7).
func TestSessionWindowGoAggregate(t *testing.T) {
	for _, batch := range []bool{false, true} {
		s := udafSession(t, batch)
		dir := t.TempDir()
		data := "1,2024-01-01 00:00:02.500\n2,2024-01-01 00:00:05.000\n3,2024-01-01 00:00:04.000\n7,2024-01-01 00:00:20.000\n"
		if err := os.WriteFile(filepath.Join(dir, "e.csv"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := s.Execute(context.Background(), fmt.Sprintf(`CREATE TABLE e (v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
			WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, filepath.Join(dir, "e.csv")))
		if err != nil {
			t.Fatal(err)
		}
		got, err := udfQuery(t, s, "SELECT window_start, window_end, WeightedAvg(v, 1), COUNT(*) FROM TABLE(SESSION(TABLE e, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY window_start, window_end")
		if err != nil {
			t.Fatal(err)
		}
		want := "2024-01-01 00:00:02.500, 2024-01-01 00:00:07.000, 2.0, 3\n2024-01-01 00:00:20.000, 2024-01-01 00:00:22.000, 7.0, 1\n"
		if got != want {
			t.Errorf("batch=%v: got\n%swant\n%s", batch, got, want)
		}
	}
}

// TestWindowsRunFromJSONPlan runs session window aggregations and window
// deduplications from their physical plan's JSON alone (what sql/exec
// reads of the SESSION function and the deduplication survives the round
// trip) and compares with the plan they came from.
func TestWindowsRunFromJSONPlan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ev.csv")
	writeSessionEvents(t, path, 3, 500, 3, 40, 300)
	s := NewSession(Options{})
	if _, err := s.Execute(ctx, fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, path)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT k, window_start, window_end, COUNT(*), MAX(v) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.2' SECOND)) WHERE v > 100 GROUP BY k, window_start, window_end",
		"SELECT k, SESSION_END(ts, INTERVAL '0.1' SECOND), COUNT(DISTINCT v) FROM ev GROUP BY k, SESSION(ts, INTERVAL '0.1' SECOND)",
		"SELECT id, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts DESC) AS rn FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND))) WHERE rn = 1",
	} {
		results := runBothWays(t, ctx, s, q)
		if results[0] != results[1] || strings.Count(results[0], "\n") < 5 {
			t.Errorf("%s: from JSON\n%s\nwant\n%s", q, results[1], results[0])
		}
	}
}

// TestProcTimeGroupWindows runs the legacy group windows on a processing-
// time attribute: TUMBLE and HOP windows are their size long and aligned,
// SESSION windows at least a gap long; _PROCTIME gives the window's time
// as a processing-time attribute, and _ROWTIME is refused for them.
func TestProcTimeGroupWindows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "2"}})
	ddl := `CREATE TABLE clicks (k INT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'rows-per-second' = '1000', 'number-of-rows' = '400',
		'fields.k.min' = '1', 'fields.k.max' = '3')`
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query       string
		size, slide int64 // size 0: a session, at least gap long
		gap         int64
	}{
		{"SELECT k, TUMBLE_START(pt, INTERVAL '0.02' SECOND), TUMBLE_END(pt, INTERVAL '0.02' SECOND), COUNT(*), TUMBLE_PROCTIME(pt, INTERVAL '0.02' SECOND) FROM clicks GROUP BY k, TUMBLE(pt, INTERVAL '0.02' SECOND)", 20, 20, 0},
		{"SELECT k, HOP_START(pt, INTERVAL '0.01' SECOND, INTERVAL '0.03' SECOND), HOP_END(pt, INTERVAL '0.01' SECOND, INTERVAL '0.03' SECOND), COUNT(*), HOP_PROCTIME(pt, INTERVAL '0.01' SECOND, INTERVAL '0.03' SECOND) FROM clicks GROUP BY k, HOP(pt, INTERVAL '0.01' SECOND, INTERVAL '0.03' SECOND)", 30, 10, 0},
		{"SELECT k, SESSION_START(pt, INTERVAL '0.005' SECOND), SESSION_END(pt, INTERVAL '0.005' SECOND), COUNT(*), SESSION_PROCTIME(pt, INTERVAL '0.005' SECOND) FROM clicks GROUP BY k, SESSION(pt, INTERVAL '0.005' SECOND)", 0, 0, 5},
	} {
		r, err := s.Execute(ctx, c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		var total int64
		for _, row := range r.Final() {
			start, end := row[1].(types.TimestampValue).Millis, row[2].(types.TimestampValue).Millis
			switch {
			case c.size > 0 && (end-start != c.size || start%c.slide != 0):
				t.Errorf("%s: window [%d, %d) is not %d ms, aligned to %d ms", c.query, start, end, c.size, c.slide)
			case c.size == 0 && end-start < c.gap:
				t.Errorf("%s: session [%d, %d) is shorter than the gap", c.query, start, end)
			}
			if pt, ok := row[4].(types.TimestampValue); !ok || pt.Millis != end-1 {
				t.Errorf("%s: the window's time is %v, want its end - 1 ms", c.query, row[4])
			}
			total += row[3].(int64)
		}
		limit := int64(400)
		if c.slide > 0 {
			limit *= c.size / c.slide // each row in size/slide windows
		}
		if total == 0 || total > limit {
			t.Errorf("%s: windows hold %d rows", c.query, total)
		}
		if r.Columns[4].Type.TimeAttr != types.NoTimeAttr && r.Columns[4].Type.TimeAttr != types.ProcTime {
			t.Errorf("%s: the window's time is %v", c.query, r.Columns[4].Type)
		}
	}
	if _, err := s.Execute(ctx, "SELECT TUMBLE_ROWTIME(pt, INTERVAL '1' SECOND) FROM clicks GROUP BY TUMBLE(pt, INTERVAL '1' SECOND)"); err == nil ||
		!strings.Contains(err.Error(), "TUMBLE_PROCTIME") {
		t.Errorf("TUMBLE_ROWTIME of a processing-time window: %v", err)
	}
}
