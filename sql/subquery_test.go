package sql

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// subqueryRow is a row of the differential test's tables: t(id, k, a)
// and u(k, x), nil for NULL.
type subqueryRow struct {
	id   int
	k, v *int
}

// subqueryData writes random rows with NULLs (about one value in six)
// as JSON lines and returns them.
func subqueryData(t *testing.T, dir string) (ts, us []subqueryRow) {
	rng := rand.New(rand.NewPCG(7, 11))
	val := func(n int) *int {
		if rng.IntN(6) == 0 {
			return nil
		}
		v := rng.IntN(n)
		return &v
	}
	write := func(name string, rows []subqueryRow, cols [3]string) {
		var b strings.Builder
		for _, r := range rows {
			m := map[string]any{cols[1]: r.k, cols[2]: r.v}
			if cols[0] != "" {
				m[cols[0]] = r.id
			}
			line, _ := json.Marshal(m)
			b.Write(line)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 120 {
		ts = append(ts, subqueryRow{id: i, k: val(6), v: val(30)})
	}
	for range 60 {
		us = append(us, subqueryRow{k: val(7), v: val(30)})
	}
	write("t.json", ts, [3]string{"id", "k", "a"})
	write("u.json", us, [3]string{"", "k", "x"})
	return ts, us
}

// TestSubqueriesStreamingEqualsBatch runs subqueries of every shape over
// random data with NULLs in streaming and in batch mode: the final
// results must be equal, and equal to a plain Go computation for the
// correlated scalar subquery, COUNT's empty groups, x > ALL, NOT IN and
// [NOT] EXISTS (NULL keys match nothing).
func TestSubqueriesStreamingEqualsBatch(t *testing.T) {
	dir := t.TempDir()
	ts, us := subqueryData(t, dir)
	ddl := fmt.Sprintf(`CREATE TABLE t (id INT, k INT, a INT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'json');
		CREATE TABLE u (k INT, x INT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'json');`,
		filepath.Join(dir, "t.json"), filepath.Join(dir, "u.json"))

	// The reference: u's rows of a key (none for a NULL key, which equals
	// nothing).
	group := func(k *int) []*int {
		var xs []*int
		for _, u := range us {
			if k != nil && u.k != nil && *u.k == *k {
				xs = append(xs, u.v)
			}
		}
		return xs
	}
	num := func(v *int) string {
		if v == nil {
			return "NULL"
		}
		return fmt.Sprint(*v)
	}
	truth := func(v *bool) string {
		if v == nil {
			return "NULL"
		}
		return strings.ToUpper(fmt.Sprint(*v))
	}
	// allGreater is a > ALL (xs) in three-valued logic.
	allGreater := func(a *int, xs []*int) *bool {
		unknown := false
		for _, x := range xs {
			switch {
			case a == nil || x == nil:
				unknown = true
			case *a <= *x:
				f := false
				return &f
			}
		}
		if unknown {
			return nil
		}
		tr := true
		return &tr
	}
	// notIn is a NOT IN (xs).
	notIn := func(a *int, xs []*int) *bool {
		f, tr := false, true
		if len(xs) == 0 {
			return &tr
		}
		if a == nil {
			return nil
		}
		unknown := false
		for _, x := range xs {
			switch {
			case x == nil:
				unknown = true
			case *x == *a:
				return &f
			}
		}
		if unknown {
			return nil
		}
		return &tr
	}
	var allU []*int
	var smallU, smallNotNull []*int
	for _, u := range us {
		allU = append(allU, u.v)
		if u.k != nil && *u.k < 3 {
			smallU = append(smallU, u.v)
			if u.v != nil {
				smallNotNull = append(smallNotNull, u.v)
			}
		}
	}
	reference := map[string]func() []string{
		"SELECT id, (SELECT MAX(x) FROM u WHERE u.k = t.k) FROM t": func() (out []string) {
			for _, r := range ts {
				var m *int
				for _, x := range group(r.k) {
					if x != nil && (m == nil || *x > *m) {
						m = x
					}
				}
				out = append(out, fmt.Sprintf("%d, %s", r.id, num(m)))
			}
			return out
		},
		"SELECT id, (SELECT COUNT(*) FROM u WHERE u.k = t.k) FROM t": func() (out []string) {
			for _, r := range ts {
				out = append(out, fmt.Sprintf("%d, %d", r.id, len(group(r.k))))
			}
			return out
		},
		"SELECT id, a > ALL (SELECT x FROM u WHERE u.k = t.k) FROM t": func() (out []string) {
			for _, r := range ts {
				out = append(out, fmt.Sprintf("%d, %s", r.id, truth(allGreater(r.v, group(r.k)))))
			}
			return out
		},
		"SELECT id FROM t WHERE a > ALL (SELECT x FROM u WHERE u.k = t.k)": func() (out []string) {
			for _, r := range ts {
				if b := allGreater(r.v, group(r.k)); b != nil && *b {
					out = append(out, fmt.Sprint(r.id))
				}
			}
			return out
		},
		"SELECT id, a > ALL (SELECT x FROM u) FROM t": func() (out []string) {
			for _, r := range ts {
				out = append(out, fmt.Sprintf("%d, %s", r.id, truth(allGreater(r.v, allU))))
			}
			return out
		},
		"SELECT id FROM t WHERE a NOT IN (SELECT x FROM u WHERE k < 3 AND x IS NOT NULL)": func() (out []string) {
			for _, r := range ts {
				if b := notIn(r.v, smallNotNull); b != nil && *b {
					out = append(out, fmt.Sprint(r.id))
				}
			}
			return out
		},
		"SELECT id FROM t WHERE NOT EXISTS (SELECT * FROM u WHERE u.k = t.k)": func() (out []string) {
			for _, r := range ts {
				if len(group(r.k)) == 0 {
					out = append(out, fmt.Sprint(r.id))
				}
			}
			return out
		},
		"SELECT id FROM t WHERE a < 5 OR EXISTS (SELECT * FROM u WHERE u.k = t.k AND u.x > t.a)": func() (out []string) {
			for _, r := range ts {
				keep := r.v != nil && *r.v < 5
				for _, x := range group(r.k) {
					keep = keep || x != nil && r.v != nil && *x > *r.v
				}
				if keep {
					out = append(out, fmt.Sprint(r.id))
				}
			}
			return out
		},
		"SELECT id, a NOT IN (SELECT x FROM u WHERE k < 3) FROM t": func() (out []string) {
			for _, r := range ts {
				out = append(out, fmt.Sprintf("%d, %s", r.id, truth(notIn(r.v, smallU))))
			}
			return out
		},
	}
	queries := []string{
		"SELECT id, (SELECT MAX(x) FROM u WHERE u.k = t.k) FROM t",
		"SELECT id, (SELECT COUNT(*) FROM u WHERE u.k = t.k) FROM t",
		"SELECT id, a > ALL (SELECT x FROM u WHERE u.k = t.k) FROM t",
		"SELECT id FROM t WHERE a > ALL (SELECT x FROM u WHERE u.k = t.k)",
		"SELECT id, a > ALL (SELECT x FROM u) FROM t",
		"SELECT id FROM t WHERE a NOT IN (SELECT x FROM u WHERE k < 3 AND x IS NOT NULL)",
		"SELECT id, a NOT IN (SELECT x FROM u WHERE k < 3) FROM t",
		"SELECT id FROM t WHERE a > (SELECT AVG(x) FROM u)",
		"SELECT id, a IN (SELECT x FROM u) AS i, EXISTS (SELECT * FROM u WHERE u.k = t.k AND u.x > t.a) AS e FROM t",
		"SELECT id FROM t WHERE a < 5 OR EXISTS (SELECT * FROM u WHERE u.k = t.k AND u.x > t.a)",
		"SELECT id, a <> ANY (SELECT x FROM u WHERE u.k = t.k), a <= SOME (SELECT x FROM u WHERE u.k = t.k) FROM t",
		"SELECT id, (SELECT COUNT(*) FROM u WHERE u.x < t.a) FROM t",
		"SELECT k, COUNT(*) FROM t GROUP BY k HAVING COUNT(*) > (SELECT COUNT(*) FROM u WHERE u.k = t.k)",
		"SELECT k, MAX(a), (SELECT MIN(x) FROM u WHERE u.k = t.k) FROM t GROUP BY k",
		"SELECT id FROM t WHERE EXISTS (SELECT * FROM u WHERE u.k = t.k AND u.x > (SELECT AVG(u2.x) FROM u AS u2 WHERE u2.k = t.k))",
		"SELECT id FROM t WHERE NOT EXISTS (SELECT * FROM u WHERE u.k = t.k)",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Two subtasks: what an operator on one subtask (the join with an
	// uncorrelated subquery) emits must reach the next exchange in order.
	sessions := modeSessions(t, ctx, ddl)
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			results := runModes(t, ctx, sessions, q)
			if results[0] != results[1] {
				t.Errorf("streaming and batch differ:\nstreaming:\n%s\nbatch:\n%s", results[0], results[1])
			}
			if strings.TrimSpace(results[0]) == "" {
				t.Errorf("no rows")
			}
			if ref := reference[q]; ref != nil {
				want := ref()
				sort.Strings(want)
				if got := results[0]; got != strings.Join(want, "\n")+"\n" {
					t.Errorf("differs from the reference:\ngot:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
				}
			}
		})
	}
}

// TestCorrelatedSubqueriesInParallel runs the subqueries that correlate by
// equality, whose joins and aggregates are keyed, on two subtasks: the
// result must be that of one.
func TestCorrelatedSubqueriesInParallel(t *testing.T) {
	dir := t.TempDir()
	subqueryData(t, dir)
	ddl := fmt.Sprintf(`CREATE TABLE t (id INT, k INT, a INT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'json');
		CREATE TABLE u (k INT, x INT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'json');`,
		filepath.Join(dir, "t.json"), filepath.Join(dir, "u.json"))
	queries := []string{
		"SELECT id, (SELECT MAX(x) FROM u WHERE u.k = t.k), (SELECT COUNT(*) FROM u WHERE u.k = t.k) FROM t",
		"SELECT id, a > ALL (SELECT x FROM u WHERE u.k = t.k), a IN (SELECT x FROM u WHERE u.k = t.k) FROM t",
		"SELECT id FROM t WHERE EXISTS (SELECT * FROM u WHERE u.k = t.k AND u.x > t.a)",
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var sessions [2]*Session
	for i, p := range []string{"1", "2"} {
		sessions[i] = NewSession(Options{Config: map[string]string{"parallelism.default": p}})
		if _, err := sessions[i].Execute(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			var results [2]string
			for i, s := range sessions {
				r, err := s.Execute(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				results[i] = formatRows(r.ColumnTypes(), r.Final(), true)
			}
			if results[0] != results[1] {
				t.Errorf("one and two subtasks differ:\none:\n%s\ntwo:\n%s", results[0], results[1])
			}
		})
	}
}

// TestSubqueryPlansFromJSON runs subquery plans from their JSON: the
// joins, aggregates and the expressions that stand for the subqueries
// (literals, CASE, the check of a scalar subquery's single row) travel.
func TestSubqueryPlansFromJSON(t *testing.T) {
	ctx := context.Background()
	s := NewSession(Options{Config: map[string]string{"parallelism.default": "1"}})
	if _, err := s.Execute(ctx, `CREATE TABLE g (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '30',
		'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '30', 'fields.b.length' = '1')`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT a, (SELECT COUNT(*) FROM g AS h WHERE h.a = g.a * 2) AS n, (SELECT MAX(a) FROM g) AS mx FROM g",
		"SELECT a, (SELECT h.b FROM g AS h WHERE h.a = g.a + 1) AS nb, a > ALL (SELECT a FROM g AS h WHERE h.a > g.a) AS top FROM g",
		"SELECT a, a IN (SELECT a * 3 FROM g) AS three, EXISTS (SELECT * FROM g AS h WHERE h.a = g.a * 5) AS five FROM g",
		"SELECT a FROM g WHERE a < 5 OR a NOT IN (SELECT a + 1 FROM g)",
	} {
		results := runBothWays(t, ctx, s, q)
		if results[0] != results[1] || results[0] == "\n" {
			t.Errorf("%s: from JSON\n%s\nwant\n%s", q, results[1], results[0])
		}
	}
}

// TestScalarSubqueryMoreThanOneRow checks that a scalar subquery that
// gives more than one row fails the job, naming the subquery, in both
// modes, and that one that gives at most one row does not.
func TestScalarSubqueryMoreThanOneRow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, mode := range []string{"streaming", "batch"} {
		s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": mode, "parallelism.default": "1"}})
		if _, err := s.Execute(ctx, `CREATE VIEW u AS SELECT * FROM (VALUES (1, 5), (1, 15), (2, 30)) AS v(k, x)`); err != nil {
			t.Fatal(err)
		}
		_, err := s.Execute(ctx, "SELECT k,\n  (SELECT x FROM u AS w WHERE w.k = u.k) FROM u")
		if err == nil || !strings.Contains(err.Error(), "more than one row returned by the scalar subquery at line 2, column 3") {
			t.Errorf("%s: got %v, want the subquery's more than one row", mode, err)
		}
		r, err := s.Execute(ctx, "SELECT k, (SELECT x FROM u AS w WHERE w.k = u.k AND w.x > 10) FROM u")
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if got := formatRows(r.ColumnTypes(), r.Final(), true); got != "1, 15\n1, 15\n2, 30\n" {
			t.Errorf("%s: got\n%s", mode, got)
		}
	}
}
