package exec_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/exec"
)

// The reference matcher: Flink's CEP semantics for patterns whose
// conditions read the row alone, written out plainly (a list of runs per
// partition, each the rows its variables took), to check the operator,
// its state, event-time buffering and partitioning against.

type refElem struct {
	name     string
	min, max int // max -1: unbounded
	greedy   bool
	cond     func(v int) bool
	sql      string // the DEFINE, "" for none
}

type refPattern struct {
	elems  []refElem
	after  string // "PAST LAST ROW", "TO NEXT ROW", "TO LAST x", "TO FIRST x"
	within int64  // ms, 0: none
}

type refRow struct {
	id, v int
	key   string
	ts    int64
}

// refRun is a run: first row index, counts per element; done when the
// pattern is complete.
type refRun struct {
	start   int
	startTS int64
	counts  []int
	elem    int
}

func (p refPattern) sqlPattern() string {
	var parts []string
	for _, e := range p.elems {
		q := ""
		switch {
		case e.min == 1 && e.max == 1:
		case e.min == 0 && e.max < 0:
			q = "*"
		case e.min == 1 && e.max < 0:
			q = "+"
		case e.min == 0 && e.max == 1:
			q = "?"
		case e.max < 0:
			q = fmt.Sprintf("{%d,}", e.min)
		default:
			q = fmt.Sprintf("{%d,%d}", e.min, e.max)
		}
		if q != "" && q != "?" && e.min != e.max && !e.greedy {
			q += "?"
		}
		parts = append(parts, e.name+q)
	}
	return strings.Join(parts, " ")
}

func (p refPattern) query(table string) string {
	var defs []string
	for _, e := range p.elems {
		if e.sql != "" {
			defs = append(defs, e.name+" AS "+e.sql)
		}
	}
	within := ""
	if p.within > 0 {
		within = fmt.Sprintf(" WITHIN INTERVAL '%d' SECOND", p.within/1000)
	}
	return fmt.Sprintf("SELECT k, first_id, last_id, n FROM %s MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts "+
		"MEASURES FIRST(id) AS first_id, LAST(id) AS last_id, COUNT(*) AS n AFTER MATCH SKIP %s PATTERN (%s)%s DEFINE %s)",
		table, p.after, p.sqlPattern(), within, strings.Join(defs, ", "))
}

// match runs the pattern over one partition's rows (in order) and returns
// the matches as "key|first id|last id|rows".
func (p refPattern) match(rows []refRow) ([]string, error) {
	k := len(p.elems)
	var partials, completed []refRun
	var out []string
	emit := func(m refRun) error {
		n := 0
		for _, c := range m.counts {
			n += c
		}
		out = append(out, fmt.Sprintf("%s|%d|%d|%d", rows[m.start].key, rows[m.start].id, rows[m.start+n-1].id, n))
		// The point where matching resumes; runs starting before it (or at
		// it, for the strategies relative to the whole match) go.
		var point int
		incl := true
		switch {
		case p.after == "PAST LAST ROW":
			point = m.start + n - 1
		case p.after == "TO NEXT ROW":
			point = m.start
		default:
			first := strings.HasPrefix(p.after, "TO FIRST ")
			name := p.after[strings.LastIndexByte(p.after, ' ')+1:]
			lo := m.start
			for i, e := range p.elems {
				if e.name == name {
					if m.counts[i] == 0 {
						return fmt.Errorf("no row mapped")
					}
					point = lo + m.counts[i] - 1
					if first {
						point = lo
					}
				}
				lo += m.counts[i]
			}
			if point == m.start {
				return fmt.Errorf("skip to the first row")
			}
			incl = false
		}
		keep := func(runs []refRun) []refRun {
			var kept []refRun
			for _, r := range runs {
				if r.start > point || !incl && r.start == point {
					kept = append(kept, r)
				}
			}
			return kept
		}
		partials, completed = keep(partials), keep(completed)
		return nil
	}
	release := func() error {
		for len(completed) > 0 && (len(partials) == 0 || completed[0].start <= partials[0].start) {
			m := completed[0]
			completed = completed[1:]
			if err := emit(m); err != nil {
				return err
			}
		}
		return nil
	}
	expire := func(t int64) error {
		if p.within > 0 {
			var kept []refRun
			for _, r := range partials {
				if t-r.startTS <= p.within {
					kept = append(kept, r)
				}
			}
			partials = kept
		}
		return release()
	}
	for i, row := range rows {
		if err := expire(row.ts); err != nil {
			return nil, err
		}
		var next []refRun
		for _, r := range append(slices.Clone(partials), refRun{start: -1, counts: make([]int, k)}) {
			// Follow PROCEED edges from the run's state; collect TAKEs.
			type st struct{ i, c int }
			proceeds := func(s st) bool {
				e := p.elems[s.i]
				return s.c >= e.min && (!e.greedy || !e.cond(row.v))
			}
			var takes []st
			for s := (st{r.elem, r.counts[r.elem]}); s.i < k; s = (st{s.i + 1, 0}) {
				e := p.elems[s.i]
				if (e.max < 0 || s.c < e.max) && e.cond(row.v) {
					takes = append(takes, s)
				}
				if !proceeds(s) {
					break
				}
			}
			for _, s := range takes {
				nr := refRun{start: r.start, startTS: r.startTS, counts: slices.Clone(r.counts), elem: s.i}
				if r.start < 0 {
					nr.start, nr.startTS = i, row.ts
				}
				nr.counts[s.i]++
				if e := p.elems[s.i]; e.max >= 0 && nr.counts[s.i] == e.max {
					nr.elem++
				}
				if nr.elem == k {
					completed = append(completed, nr)
					continue
				}
				next = append(next, nr)
				end := true
				for t := (st{nr.elem, nr.counts[nr.elem]}); t.i < k; t = (st{t.i + 1, 0}) {
					if !proceeds(t) {
						end = false
						break
					}
				}
				if end {
					completed = append(completed, refRun{start: nr.start, startTS: nr.startTS, counts: slices.Clone(nr.counts), elem: k})
				}
			}
		}
		slices.SortStableFunc(next, func(a, b refRun) int { return a.start - b.start })
		slices.SortStableFunc(completed, func(a, b refRun) int { return a.start - b.start })
		partials = next
		if err := release(); err != nil {
			return nil, err
		}
	}
	if err := expire(1 << 62); err != nil {
		return nil, err
	}
	return out, nil
}

// refPatterns covers every quantifier, greedy and reluctant, and every
// after-match strategy that cannot fail on these patterns.
func refPatterns() []refPattern {
	lt := func(n int) (func(int) bool, string) {
		return func(v int) bool { return v < n }, fmt.Sprintf("v < %d", n)
	}
	ge := func(n int) (func(int) bool, string) {
		return func(v int) bool { return v >= n }, fmt.Sprintf("v >= %d", n)
	}
	even := func(v int) bool { return v%2 == 0 }
	any := func(int) bool { return true }
	el := func(name string, min, max int, greedy bool, c func(int) bool, s string) refElem {
		return refElem{name: name, min: min, max: max, greedy: greedy, cond: c, sql: s}
	}
	with := func(name string, min, max int, greedy bool, f func(int) (func(int) bool, string), n int) refElem {
		c, s := f(n)
		return el(name, min, max, greedy && min != max && !(min == 0 && max == 1), c, strings.Replace(s, "v", name+".v", 1))
	}
	var out []refPattern
	for _, skip := range []bool{false, true} {
		// SKIP TO LAST names a variable that takes a row after the first.
		after := func(last string) []string {
			if skip {
				return []string{"TO LAST " + last}
			}
			return []string{"PAST LAST ROW", "TO NEXT ROW"}
		}
		for _, x := range []struct {
			last  string
			elems []refElem
		}{
			{"B", []refElem{with("A", 1, 1, false, lt, 3), with("B", 1, -1, true, ge, 3), with("C", 1, 1, false, lt, 5)}},
			{"B", []refElem{with("A", 1, 1, false, lt, 5), with("B", 1, -1, false, ge, 2), with("C", 1, 1, false, lt, 2)}},
			{"C", []refElem{with("A", 0, -1, true, ge, 6), with("B", 1, 3, true, lt, 6), el("C", 1, 1, false, even, "MOD(C.v, 2) = 0")}},
			{"B", []refElem{with("A", 1, 1, false, lt, 4), with("B", 2, -1, false, ge, 4), el("C", 0, 1, false, any, "")}},
			{"C", []refElem{with("A", 1, 1, false, lt, 7), with("B", 2, 4, true, ge, 2), with("C", 1, 2, false, lt, 8)}},
			{"C", []refElem{with("A", 1, -1, true, lt, 5), with("B", 0, 1, false, ge, 8), with("C", 1, 1, false, ge, 5)}},
		} {
			for _, a := range after(x.last) {
				out = append(out, refPattern{after: a, elems: x.elems})
			}
		}
	}
	out = append(out,
		refPattern{after: "TO FIRST C", elems: []refElem{with("A", 1, 1, false, lt, 5), with("B", 0, -1, true, ge, 5), with("C", 1, 1, false, lt, 5)}},
		refPattern{after: "PAST LAST ROW", within: 3000, elems: []refElem{with("A", 1, 1, false, lt, 3), with("B", 1, -1, false, ge, 1), with("C", 1, 1, false, lt, 2)}},
		refPattern{after: "TO NEXT ROW", within: 2000, elems: []refElem{with("A", 1, -1, true, lt, 6), with("B", 1, 1, false, ge, 6)}},
	)
	return out
}

// checkAgainstReference runs every reference pattern over the table in
// session s and compares the matches with the reference's over rows
// (each partition's rows in the order the operator sees them).
func checkAgainstReference(t *testing.T, ctx context.Context, s *sql.Session, table string, rows []refRow, minMatches int) {
	t.Helper()
	byKey := map[string][]refRow{}
	for _, r := range rows {
		byKey[r.key] = append(byKey[r.key], r)
	}
	total := 0
	for _, p := range refPatterns() {
		q := p.query(table)
		var want []string
		for _, rs := range byKey {
			m, err := p.match(rs)
			if err != nil {
				t.Fatalf("reference: %s: %v", q, err)
			}
			want = append(want, m...)
		}
		slices.Sort(want)
		r, err := s.Execute(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var got []string
		for _, row := range r.Final() {
			got = append(got, fmt.Sprintf("%s|%d|%d|%d", row[0], row[1], row[2], row[3]))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n%d matches, want %d\ngot  %v\nwant %v", q, len(got), len(want), head(got), head(want))
		}
		total += len(want)
	}
	if total < minMatches {
		t.Fatalf("only %d matches in all: not a test", total)
	}
}

func head(xs []string) []string {
	if len(xs) > 12 {
		return xs[:12]
	}
	return xs
}

func writeRows(t *testing.T, path string, rows []refRow) {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d,%s,%d,%s\n", r.id, r.key, r.v, time.UnixMilli(r.ts).UTC().Format("2006-01-02 15:04:05.000"))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMatchAgainstReference runs MATCH_RECOGNIZE over random rows, a
// little out of order within the watermark's delay (so none is late),
// four partitions on two subtasks, in streaming mode (state on the heap
// and in the LSM backend) and in batch mode, and compares every pattern's
// matches with the reference matcher's.
func TestMatchAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var rows []refRow
	base := int64(1_700_000_000_000)
	for i := range 3000 {
		base += 100
		rows = append(rows, refRow{id: i, key: fmt.Sprintf("k%d", rng.IntN(4)), v: rng.IntN(10), ts: base - rng.Int64N(400)})
	}
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "ev.csv"), rows)
	// The operator sees a partition's rows by time, then in arrival order.
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b refRow) int { return int(a.ts - b.ts) })
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, mode := range []string{"streaming", "batch", "lsm"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "lsm" && matchRace {
				t.Skip("the LSM backend is slow under the race detector; the run without it covers it")
			}
			conf := map[string]string{"parallelism.default": "2", "execution.runtime-mode": mode}
			if mode == "lsm" {
				// The keyed state in the LSM backend (Flink's RocksDB).
				conf = map[string]string{"parallelism.default": "2", "state.backend.type": "lsm", "state.backend.lsm.localdir": t.TempDir()}
			}
			s := sql.NewSession(sql.Options{Config: conf})
			if _, err := s.Execute(ctx, ddl); err != nil {
				t.Fatal(err)
			}
			checkAgainstReference(t, ctx, s, "ev", sorted, 500)
		})
	}
}

// TestMatchLateRows reads rows from one file, a chunk of 1024 rows at a
// time with a watermark after every chunk. Some rows are far behind any
// watermark of the 2048 rows before them, so late whatever the chunk
// boundaries: those are dropped, as Flink's CEP operator drops them, and
// the rest match as the reference says.
func TestMatchLateRows(t *testing.T) {
	defer func(p bool) { *exec.PunctuatedWatermarks = p }(*exec.PunctuatedWatermarks)
	*exec.PunctuatedWatermarks = true
	rng := rand.New(rand.NewPCG(9, 10))
	var all, kept []refRow
	base := int64(1_700_000_000_000)
	late := 0
	for i := range 6000 {
		base += 100
		r := refRow{id: i, key: fmt.Sprintf("k%d", rng.IntN(2)), v: rng.IntN(10), ts: base - rng.Int64N(300)}
		if i > 2100 && rng.IntN(20) == 0 {
			r.ts = base - 300_000 - rng.Int64N(10_000)
			late++
		} else {
			kept = append(kept, r)
		}
		all = append(all, r)
	}
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "ev.csv"), all)
	slices.SortStableFunc(kept, func(a, b refRow) int { return int(a.ts - b.ts) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := sql.NewSession(sql.Options{Config: map[string]string{"parallelism.default": "1"}})
	ddl := fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, dir)
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d late rows of %d", late, len(all))
	checkAgainstReference(t, ctx, s, "ev", kept, 500)
}
