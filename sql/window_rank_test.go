package sql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// rankRow is a row of TestRankingReference's table.
type rankRow struct {
	id, k int
	v     *int // nil: NULL
}

// TestRankingReference checks the ranking functions of batch mode against
// a plain computation, over random partitions with ties and NULLs on two
// subtasks.
func TestRankingReference(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rng := rand.New(rand.NewPCG(7, 11))
	var rows []rankRow
	var values []string
	for id := range 300 {
		r := rankRow{id: id, k: rng.IntN(7)}
		v := "CAST(NULL AS INT)"
		if rng.IntN(8) > 0 {
			x := rng.IntN(20)
			r.v, v = &x, fmt.Sprint(x)
		}
		rows = append(rows, r)
		values = append(values, fmt.Sprintf("(%d, %d, %s)", r.id, r.k, v))
	}
	s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": "batch", "parallelism.default": "2"}})
	if _, err := s.Execute(ctx, "CREATE VIEW r AS SELECT * FROM (VALUES "+strings.Join(values, ", ")+") AS t(id, k, v)"); err != nil {
		t.Fatal(err)
	}
	// The reference: each partition sorted by v descending, NULLs last
	// (the default of DESC), then by id.
	less := func(a, b rankRow) int {
		switch {
		case a.v == nil && b.v == nil:
		case a.v == nil:
			return 1
		case b.v == nil:
			return -1
		case *a.v != *b.v:
			return *b.v - *a.v
		}
		return a.id - b.id
	}
	peers := func(a, b rankRow) bool {
		return a.v == nil && b.v == nil || a.v != nil && b.v != nil && *a.v == *b.v
	}
	// want: ordered by v and id, every row its own peer; wantV: by v alone.
	want, wantV := map[int]string{}, map[int]string{}
	for k := range 7 {
		var part []rankRow
		for _, r := range rows {
			if r.k == k {
				part = append(part, r)
			}
		}
		slices.SortFunc(part, less)
		n := len(part)
		dense := 0
		for i, r := range part {
			first, last := i, i
			for first > 0 && peers(part[first-1], r) {
				first--
			}
			for last < n-1 && peers(part[last+1], r) {
				last++
			}
			if first == i {
				dense++
			}
			pr := 0.0
			if n > 1 {
				pr = float64(first) / float64(n-1)
			}
			// NTILE(4): sizes n/4, the first n%4 one larger.
			size, extra := n/4, n%4
			bucket := 0
			for b, end := 1, 0; b <= 4; b++ {
				end += size
				if b <= extra {
					end++
				}
				if i < end {
					bucket = b
					break
				}
			}
			unique := 0.0
			if n > 1 {
				unique = float64(i) / float64(n-1)
			}
			want[r.id] = fmt.Sprintf("%d %d %d %v %v %d", i+1, i+1, i+1, unique, float64(i+1)/float64(n), bucket)
			wantV[r.id] = fmt.Sprintf("%d %d %v %v", first+1, dense, pr, float64(last+1)/float64(n))
		}
	}
	res, err := s.Execute(ctx, `SELECT id, ROW_NUMBER() OVER w, RANK() OVER w, DENSE_RANK() OVER w, PERCENT_RANK() OVER w, CUME_DIST() OVER w, NTILE(4) OVER w
		FROM r WINDOW w AS (PARTITION BY k ORDER BY v DESC, id)`)
	if err != nil {
		t.Fatal(err)
	}
	// RANK and its kin by v alone: peers are rows of equal v, whatever
	// their id.
	res2, err := s.Execute(ctx, `SELECT id, RANK() OVER w, DENSE_RANK() OVER w, PERCENT_RANK() OVER w, CUME_DIST() OVER w FROM r WINDOW w AS (PARTITION BY k ORDER BY v DESC)`)
	if err != nil {
		t.Fatal(err)
	}
	got2 := map[int32]string{}
	for _, row := range res2.Final() {
		got2[row[0].(int32)] = fmt.Sprintf("%d %d %v %v", row[1:]...)
	}
	final := res.Final()
	if len(final) != len(rows) {
		t.Fatalf("%d rows, want %d", len(final), len(rows))
	}
	for _, row := range final {
		id := row[0].(int32)
		if got := fmt.Sprintf("%d %d %d %v %v %d", row[1:]...); got != want[int(id)] {
			t.Errorf("row %d: got %s, want %s", id, got, want[int(id)])
		}
		if w := wantV[int(id)]; got2[id] != w {
			t.Errorf("row %d ordered by v alone: got %s, want %s", id, got2[id], w)
		}
	}
}

// TestRankingPlanAsData runs plans with the sorted OVER aggregation, the
// collecting aggregates and a scalar subquery's SINGLE_VALUE as built and
// read back from their JSON form.
func TestRankingPlanAsData(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, mode := range []string{"batch", "streaming"} {
		s := NewSession(Options{Config: map[string]string{"execution.runtime-mode": mode, "parallelism.default": "2"}})
		if _, err := s.Execute(ctx, "CREATE VIEW g AS SELECT * FROM (VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 20), (4, 'b', CAST(NULL AS INT)), (5, 'c', 5)) AS t(id, k, v)"); err != nil {
			t.Fatal(err)
		}
		queries := []string{
			"SELECT k, ARRAY_AGG(v), ARRAY_AGG(DISTINCT v IGNORE NULLS), COLLECT(v), JSON_OBJECTAGG(KEY CAST(id AS STRING) VALUE v) FROM g GROUP BY k",
			"SELECT id, (SELECT v FROM g AS h WHERE h.id = g.id + 1) FROM g",
		}
		if mode == "batch" {
			queries = append(queries,
				"SELECT id, k, NTILE(2) OVER w, CUME_DIST() OVER w, RANK() OVER w, SUM(v) OVER w FROM g WINDOW w AS (PARTITION BY k ORDER BY v DESC NULLS FIRST, id)",
				"SELECT * FROM (SELECT id, k, RANK() OVER (PARTITION BY k ORDER BY v DESC) AS r FROM g) WHERE r = 1")
		}
		for _, q := range queries {
			results := runBothWays(t, ctx, s, q)
			if results[0] != results[1] || strings.Count(results[0], "\n") < 3 {
				t.Errorf("%s, %s: from JSON\n%s\nwant\n%s", mode, q, results[1], results[0])
			}
		}
	}
}
