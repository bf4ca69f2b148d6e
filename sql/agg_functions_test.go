package sql

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/types"
)

// aggEvent is a row of the random input of the aggregate function tests.
type aggEvent struct {
	id   int
	k    string
	v    *int64   // BIGINT, NULL sometimes
	x    *float64 // DOUBLE far from 0 with a small spread: cancellation-prone
	m    *string  // DECIMAL(10, 2) as written
	s    *string  // STRING, NULL sometimes (empty in the file, NULL in the view)
	tsMs int64
}

const aggEventBase = 1_700_000_000_000

// aggEvents writes n random events to a CSV file, in time order with a
// little disorder inside the watermark's bound so no row is late.
func aggEvents(t *testing.T, n int) ([]aggEvent, string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"ant", "bee", "cat", "dog", "eel", "fox", "gnu"}
	evs := make([]aggEvent, n)
	var b strings.Builder
	for i := range evs {
		e := aggEvent{id: i, k: fmt.Sprintf("k%d", rng.IntN(5)), tsMs: aggEventBase + int64(i)*40 - rng.Int64N(500)}
		if rng.IntN(10) > 0 {
			v := rng.Int64N(1000)
			e.v = &v
		}
		if rng.IntN(10) > 0 {
			x := 1e7 + math.Round(rng.Float64()*10_000)/1000
			e.x = &x
		}
		if rng.IntN(10) > 0 {
			m := fmt.Sprintf("%d.%02d", rng.IntN(10_000), rng.IntN(100))
			e.m = &m
		}
		if rng.IntN(8) > 0 {
			s := words[rng.IntN(len(words))]
			e.s = &s
		}
		evs[i] = e
		ts := time.UnixMilli(e.tsMs).UTC().Format("2006-01-02 15:04:05.000")
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s,%s\n", e.id, e.k, optStr(e.v), optStr(e.x), optStr(e.m), optStr(e.s), ts)
	}
	path := filepath.Join(t.TempDir(), "ev.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return evs, path
}

func optStr[T any](p *T) string {
	if p == nil {
		return ""
	}
	switch v := any(*p).(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(*p)
}

func aggDDL(path string) string {
	return fmt.Sprintf(`CREATE TABLE ev (id INT, k STRING, v BIGINT, x DOUBLE, m DECIMAL(10, 2), s STRING, ts TIMESTAMP(3),
			WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv');
		CREATE VIEW evn AS SELECT id, k, v, x, m, CASE WHEN s = '' THEN CAST(NULL AS STRING) ELSE s END AS s, ts FROM ev;`, path)
}

func aggSessions(t *testing.T, ctx context.Context, ddl, parallelism string) map[string]*Session {
	t.Helper()
	modes := map[string]*Session{}
	for _, mode := range []string{"streaming", "batch"} {
		s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": mode, "parallelism.default": parallelism}})
		if _, err := s.Execute(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		modes[mode] = s
	}
	return modes
}

// finalRows runs q and returns its final rows as Flink prints the values.
func finalRows(t *testing.T, ctx context.Context, s *Session, q string) [][]string {
	t.Helper()
	r, err := s.Execute(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	ts := r.ColumnTypes()
	var out [][]string
	for _, row := range r.Final() {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = exec.FormatValue(ts[j], v)
		}
		out = append(out, cells)
	}
	return out
}

// A column check of aggQuery: how two results' values must agree.
const (
	ckKey   = "key"   // exact, and identifies the row
	ckExact = "exact" // exact
	ckFloat = "float" // within a relative 1e-9 (summation order differs)
	ckInt   = "int"   // an integer cast of a float: within 1
	ckList  = "list"  // LISTAGG with ',': equal as multisets
	ckListP = "list|" // LISTAGG with '|': equal as multisets
)

// ckIn is a FIRST/LAST_VALUE column: one of the values of the LISTAGG of
// the same argument in column j of the same row (arrival order differs).
func ckIn(j int) string { return "in:" + strconv.Itoa(j) }

type aggQuery struct {
	sql    string
	checks []string
}

// TestAggFunctionsStreamingEqualsBatch runs the variance family,
// FIRST_VALUE, LAST_VALUE and LISTAGG over the same random input in
// streaming and in batch mode, at parallelism 2: over an insert-only input,
// an updating one (an aggregation of an aggregation, so they retract), and
// windows. Arrival order differs between runs, so order-sensitive values
// are compared as multisets and by membership.
func TestAggFunctionsStreamingEqualsBatch(t *testing.T) {
	_, path := aggEvents(t, 3000)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	modes := aggSessions(t, ctx, aggDDL(path), "2")
	queries := []aggQuery{
		{"SELECT k, VAR_POP(v), VAR_SAMP(v), STDDEV_POP(x), STDDEV_SAMP(x), VARIANCE(m), STDDEV(m), VAR_POP(x), " +
			"LISTAGG(s), FIRST_VALUE(s), LAST_VALUE(s), LISTAGG(CAST(v AS STRING), '|'), FIRST_VALUE(CAST(v AS STRING)), LAST_VALUE(CAST(v AS STRING)) " +
			"FROM evn GROUP BY k",
			[]string{ckKey, ckInt, ckInt, ckFloat, ckFloat, ckFloat, ckFloat, ckFloat, ckList, ckIn(8), ckIn(8), ckListP, ckIn(11), ckIn(11)}},
		// Updating input: the inner groups' counts move, the outer
		// aggregates retract.
		{"SELECT n, COUNT(*), VAR_POP(sx), STDDEV_SAMP(sx), VAR_SAMP(c), LISTAGG(k), FIRST_VALUE(k), LAST_VALUE(k), LISTAGG(CAST(b AS STRING), '|') " +
			"FROM (SELECT k, v / 100 AS b, COUNT(*) AS n, SUM(x) AS sx, COUNT(x) AS c FROM evn GROUP BY k, v / 100) GROUP BY n",
			[]string{ckKey, ckExact, ckFloat, ckFloat, ckInt, ckList, ckIn(5), ckIn(5), ckListP}},
		{"SELECT k, STDDEV_POP(DISTINCT v), LISTAGG(DISTINCT s), VAR_SAMP(x) FILTER (WHERE v > 500) " +
			"FROM (SELECT k, v, s, x FROM evn UNION ALL SELECT k, v, s, x FROM evn WHERE id < 1000) GROUP BY k",
			[]string{ckKey, ckInt, ckList, ckFloat}},
		{"SELECT window_start, k, STDDEV_POP(x), VAR_SAMP(v), LISTAGG(s, '|'), FIRST_VALUE(s), LAST_VALUE(s) " +
			"FROM TABLE(TUMBLE(TABLE evn, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, k",
			[]string{ckKey, ckKey, ckFloat, ckInt, ckListP, ckIn(4), ckIn(4)}},
		{"SELECT window_end, VARIANCE(x), LISTAGG(k), LAST_VALUE(k) " +
			"FROM TABLE(HOP(TABLE evn, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end",
			[]string{ckKey, ckFloat, ckList, ckIn(2)}},
		{"SELECT window_end, STDDEV(m), LISTAGG(s), FIRST_VALUE(s) " +
			"FROM TABLE(CUMULATE(TABLE evn, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
			[]string{ckKey, ckFloat, ckList, ckIn(2)}},
		{"SELECT k, TUMBLE_END(ts, INTERVAL '3' SECOND), VAR_POP(x), LISTAGG(s), LAST_VALUE(s) FROM evn GROUP BY k, TUMBLE(ts, INTERVAL '3' SECOND)",
			[]string{ckKey, ckKey, ckFloat, ckList, ckIn(3)}},
	}
	for _, q := range queries {
		t.Run(q.sql, func(t *testing.T) {
			streaming := finalRows(t, ctx, modes["streaming"], q.sql)
			batch := finalRows(t, ctx, modes["batch"], q.sql)
			if len(streaming) == 0 {
				t.Fatal("no rows")
			}
			compareAggRows(t, q.checks, streaming, batch)
		})
	}
}

// compareAggRows matches rows by their key columns and compares the
// others by their checks.
func compareAggRows(t *testing.T, checks []string, got, want [][]string) {
	t.Helper()
	key := func(row []string) string {
		var parts []string
		for j, c := range checks {
			if c == ckKey {
				parts = append(parts, row[j])
			}
		}
		return strings.Join(parts, "|")
	}
	byKey := map[string][]string{}
	for _, r := range want {
		byKey[key(r)] = r
	}
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d", len(got), len(want))
	}
	for _, r := range got {
		w, ok := byKey[key(r)]
		if !ok {
			t.Errorf("unexpected row %v", r)
			continue
		}
		for j, c := range checks {
			if err := checkAggValue(c, r[j], w[j], r); err != nil {
				t.Errorf("row %s, column %d: %v", key(r), j, err)
			}
		}
	}
}

func checkAggValue(check, got, want string, row []string) error {
	if strings.HasPrefix(check, "in:") {
		j, _ := strconv.Atoi(check[3:])
		if got == "NULL" && row[j] == "NULL" || slices.Contains(strings.Split(row[j], listSep(row[j])), got) {
			return nil
		}
		return fmt.Errorf("%q is not one of %q", got, row[j])
	}
	if got == "NULL" || want == "NULL" {
		if got != want {
			return fmt.Errorf("got %s, want %s", got, want)
		}
		return nil
	}
	switch check {
	case ckFloat, ckInt:
		g, err1 := strconv.ParseFloat(got, 64)
		w, err2 := strconv.ParseFloat(want, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("got %s, want %s: not numbers", got, want)
		}
		tol := 1e-9 * max(1, math.Abs(w))
		if check == ckInt {
			tol = 1
		}
		if math.Abs(g-w) > tol {
			return fmt.Errorf("got %s, want %s", got, want)
		}
	case ckList, ckListP:
		sep := ","
		if check == ckListP {
			sep = "|"
		}
		g, w := strings.Split(got, sep), strings.Split(want, sep)
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			return fmt.Errorf("got %s, want %s (as multisets)", got, want)
		}
	default:
		if got != want {
			return fmt.Errorf("got %s, want %s", got, want)
		}
	}
	return nil
}

func listSep(s string) string {
	if strings.Contains(s, "|") {
		return "|"
	}
	return ","
}

// TestAggFunctionsReference compares the results with a plain Go
// computation over the same rows, at parallelism 1 so that arrival order
// is the file's: variances two-pass (mean, then squared deviations),
// FIRST/LAST_VALUE and LISTAGG from the rows in order. The aggregation of
// an aggregation is checked against a model of the changelog between them:
// each inner update retracts the old row and adds the new one, and a
// retraction takes back the value's earliest arrival.
func TestAggFunctionsReference(t *testing.T) {
	evs, path := aggEvents(t, 2500)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	modes := aggSessions(t, ctx, aggDDL(path), "1")

	groupQ := "SELECT k, VAR_POP(x), VAR_SAMP(x), STDDEV_POP(x), STDDEV_SAMP(x), STDDEV(v), VARIANCE(m), " +
		"LISTAGG(s), LISTAGG(s, ' | '), FIRST_VALUE(s), LAST_VALUE(x), FIRST_VALUE(m), LAST_VALUE(v) FROM evn GROUP BY k"
	groupChecks := []string{ckKey, ckFloat, ckFloat, ckFloat, ckFloat, ckInt, ckFloat, ckExact, ckExact, ckExact, ckExact, ckExact, ckExact}
	winQ := "SELECT window_start, k, STDDEV_POP(x), VAR_SAMP(v), LISTAGG(s), FIRST_VALUE(v), LAST_VALUE(s) " +
		"FROM TABLE(TUMBLE(TABLE evn, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, k"
	winChecks := []string{ckKey, ckKey, ckFloat, ckInt, ckExact, ckExact, ckExact}
	updQ := "SELECT n, COUNT(*), VAR_POP(sx), STDDEV_SAMP(sx), LISTAGG(k), FIRST_VALUE(k), LAST_VALUE(k), LISTAGG(CAST(b AS STRING), '|') " +
		"FROM (SELECT k, v / 100 AS b, COUNT(*) AS n, SUM(x) AS sx FROM evn GROUP BY k, v / 100) GROUP BY n"
	updChecks := []string{ckKey, ckExact, ckFloat, ckFloat, ckExact, ckExact, ckExact, ckExact}

	// GROUP BY k.
	var groupWant [][]string
	byK := map[string][]aggEvent{}
	var keys []string
	for _, e := range evs {
		if _, ok := byK[e.k]; !ok {
			keys = append(keys, e.k)
		}
		byK[e.k] = append(byK[e.k], e)
	}
	for _, k := range keys {
		rows := byK[k]
		xs, vs, ms := floatsOf(rows, func(e aggEvent) *float64 { return e.x }), floatsOf(rows, vFloat), floatsOf(rows, mFloat)
		groupWant = append(groupWant, []string{k,
			refVariance(xs, true, false), refVariance(xs, false, false), refVariance(xs, true, true), refVariance(xs, false, true),
			refVariance(vs, false, true), refVariance(ms, false, false),
			refListAgg(rows, ","), refListAgg(rows, " | "),
			refFirstLast(rows, func(e aggEvent) *string { return e.s }, false),
			refFirstLast(rows, func(e aggEvent) *string { return fmtOpt(e.x, fmtDouble) }, true),
			refFirstLast(rows, func(e aggEvent) *string { return e.m }, false),
			refFirstLast(rows, func(e aggEvent) *string { return fmtOpt(e.v, fmtInt) }, true),
		})
	}

	// TUMBLE(5 s) by k.
	var winWant [][]string
	type winKey struct {
		start int64
		k     string
	}
	byWin := map[winKey][]aggEvent{}
	var wkeys []winKey
	for _, e := range evs {
		wk := winKey{e.tsMs - e.tsMs%5000, e.k}
		if _, ok := byWin[wk]; !ok {
			wkeys = append(wkeys, wk)
		}
		byWin[wk] = append(byWin[wk], e)
	}
	for _, wk := range wkeys {
		rows := byWin[wk]
		start := exec.FormatValue(types.Timestamp(3), types.TimestampValue{Millis: wk.start})
		winWant = append(winWant, []string{start, wk.k,
			refVariance(floatsOf(rows, func(e aggEvent) *float64 { return e.x }), true, true),
			refVariance(floatsOf(rows, vFloat), false, false),
			refListAgg(rows, ","),
			refFirstLast(rows, func(e aggEvent) *string { return fmtOpt(e.v, fmtInt) }, false),
			refFirstLast(rows, func(e aggEvent) *string { return e.s }, true),
		})
	}

	updWant := refUpdating(evs)

	for _, mode := range []string{"streaming", "batch"} {
		t.Run(mode+"/group", func(t *testing.T) {
			compareAggRows(t, groupChecks, finalRows(t, ctx, modes[mode], groupQ), groupWant)
		})
		t.Run(mode+"/tumble", func(t *testing.T) {
			compareAggRows(t, winChecks, finalRows(t, ctx, modes[mode], winQ), winWant)
		})
		t.Run(mode+"/updating", func(t *testing.T) {
			compareAggRows(t, updChecks, finalRows(t, ctx, modes[mode], updQ), updWant)
		})
	}
}

func vFloat(e aggEvent) *float64 {
	if e.v == nil {
		return nil
	}
	f := float64(*e.v)
	return &f
}

func mFloat(e aggEvent) *float64 {
	if e.m == nil {
		return nil
	}
	f, _ := strconv.ParseFloat(*e.m, 64)
	return &f
}

func floatsOf(rows []aggEvent, f func(aggEvent) *float64) []float64 {
	var out []float64
	for _, e := range rows {
		if x := f(e); x != nil {
			out = append(out, *x)
		}
	}
	return out
}

func fmtInt(v int64) string      { return strconv.FormatInt(v, 10) }
func fmtDouble(v float64) string { return exec.FormatValue(types.Double(), v) }

func fmtOpt[T any](p *T, f func(T) string) *string {
	if p == nil {
		return nil
	}
	s := f(*p)
	return &s
}

// refVariance is VAR_POP/VAR_SAMP (sqrt: STDDEV_…) of xs, two-pass.
func refVariance(xs []float64, pop, sqrt bool) string {
	n := float64(len(xs))
	if !pop {
		n--
	}
	if len(xs) == 0 || n <= 0 {
		return "NULL"
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var m2 float64
	for _, x := range xs {
		m2 += (x - mean) * (x - mean)
	}
	v := m2 / n
	if sqrt {
		v = math.Sqrt(v)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func refListAgg(rows []aggEvent, sep string) string {
	var parts []string
	for _, e := range rows {
		if e.s != nil {
			parts = append(parts, *e.s)
		}
	}
	if len(parts) == 0 {
		return "NULL"
	}
	return strings.Join(parts, sep)
}

// refFirstLast is the first (last: the last) non-null value.
func refFirstLast(rows []aggEvent, f func(aggEvent) *string, last bool) string {
	out := "NULL"
	for _, e := range rows {
		if v := f(e); v != nil {
			out = *v
			if !last {
				break
			}
		}
	}
	return out
}

// refUpdating models SELECT n, COUNT(*), VAR_POP(sx), STDDEV_SAMP(sx),
// LISTAGG(k), FIRST_VALUE(k), LAST_VALUE(k), LISTAGG(CAST(b AS STRING),
// '|') over SELECT k, v / 100 AS b, COUNT(*) AS n, SUM(x) AS sx … GROUP BY
// k, v / 100: each input row updates its inner group, whose old row the
// outer group retracts (the value's earliest arrival in each list) before
// the new row arrives.
func refUpdating(evs []aggEvent) [][]string {
	type innerKey struct{ k, b string }
	type innerRow struct {
		n   int64
		sx  float64
		any bool // sx is not NULL
		b   *string
	}
	type outerGroup struct {
		rows   int64
		ks, bs []string
		sxs    []float64
	}
	inner := map[innerKey]*innerRow{}
	outer := map[int64]*outerGroup{}
	removeFirst := func(list []string, v string) []string {
		if i := slices.Index(list, v); i >= 0 {
			return slices.Delete(list, i, i+1)
		}
		return list
	}
	for _, e := range evs {
		ik := innerKey{k: e.k, b: "NULL"}
		var b *string
		if e.v != nil {
			b = fmtOpt(e.v, func(v int64) string { return fmtInt(v / 100) })
			ik.b = *b
		}
		r, exists := inner[ik]
		if exists {
			g := outer[r.n]
			g.rows--
			g.ks = removeFirst(g.ks, e.k)
			if r.b != nil {
				g.bs = removeFirst(g.bs, *r.b)
			}
			if r.any {
				g.sxs = slices.Delete(g.sxs, slices.Index(g.sxs, r.sx), slices.Index(g.sxs, r.sx)+1)
			}
			if g.rows == 0 {
				delete(outer, r.n)
			}
		} else {
			r = &innerRow{b: b}
			inner[ik] = r
		}
		r.n++
		if e.x != nil {
			r.sx += *e.x
			r.any = true
		}
		g := outer[r.n]
		if g == nil {
			g = &outerGroup{}
			outer[r.n] = g
		}
		g.rows++
		g.ks = append(g.ks, e.k)
		if r.b != nil {
			g.bs = append(g.bs, *r.b)
		}
		if r.any {
			g.sxs = append(g.sxs, r.sx)
		}
	}
	var out [][]string
	for n, g := range outer {
		join := func(list []string, sep string) string {
			if len(list) == 0 {
				return "NULL"
			}
			return strings.Join(list, sep)
		}
		out = append(out, []string{fmtInt(n), fmtInt(g.rows),
			refVariance(g.sxs, true, false), refVariance(g.sxs, false, true),
			join(g.ks, ","), g.ks[0], g.ks[len(g.ks)-1], join(g.bs, "|")})
	}
	return out
}
