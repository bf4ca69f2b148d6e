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
)

// TestGroupedOverReference runs OVER windows over the groups of an
// aggregating query on random rows and checks the results against a plain
// Go evaluation: group, filter by HAVING, then rank and aggregate the
// groups. The queries that also run in streaming mode (a Top-N of the
// groups, an aggregate over an ORDER BY of them) must give the same final
// result there.
func TestGroupedOverReference(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	type key struct{ g, k string }
	type group struct {
		key
		sum, n int64
	}
	groups := map[key]*group{}
	var b strings.Builder
	for i := range 600 {
		k := key{fmt.Sprintf("g%d", rng.IntN(3)), fmt.Sprintf("k%02d", rng.IntN(12))}
		v := rng.Int64N(100)
		ts := time.UnixMilli(1_700_000_000_000 + int64(i)*100).UTC()
		fmt.Fprintf(&b, "%s,%s,%d,%s\n", k.g, k.k, v, ts.Format("2006-01-02 15:04:05.000"))
		if groups[k] == nil {
			groups[k] = &group{key: k}
		}
		groups[k].sum += v
		groups[k].n++
	}
	if err := os.WriteFile(filepath.Join(dir, "ev.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := fmt.Sprintf(`CREATE TABLE ev (g STRING, k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, filepath.Join(dir, "ev.csv"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	modes := modeSessions(t, ctx, ddl)

	// The groups in (g, k) order, and the ones HAVING COUNT(*) > 16 keeps.
	var all, kept []*group
	for _, gr := range groups {
		all = append(all, gr)
	}
	slices.SortFunc(all, func(x, y *group) int { return strings.Compare(x.g+x.k, y.g+y.k) })
	for _, gr := range all {
		if gr.n > 16 {
			kept = append(kept, gr)
		}
	}
	if len(kept) < 5 || len(all)-len(kept) < 5 {
		t.Fatalf("HAVING keeps %d of %d groups: change the data", len(kept), len(all))
	}
	lines := func(rows [][]any) string {
		out := make([]string, len(rows))
		for i, r := range rows {
			parts := make([]string, len(r))
			for j, v := range r {
				parts[j] = fmt.Sprint(v)
			}
			out[i] = strings.Join(parts, ", ")
		}
		sort.Strings(out)
		return strings.Join(out, "\n") + "\n"
	}

	// Batch: ranks within g by the sum, the sum of g's sums, a running
	// count in (g, k) order, a row number over the counts and the share of
	// the total, over the groups HAVING keeps.
	var total int64
	for _, gr := range kept {
		total += gr.sum
	}
	var want [][]any
	running := int64(0)
	for _, gr := range kept {
		rank, inG := int64(1), int64(0)
		rn := int64(1)
		for _, o := range kept {
			if o.g == gr.g {
				inG += o.sum
				if o.sum > gr.sum {
					rank++
				}
			}
			if o.n > gr.n || o.n == gr.n && o.g+o.k < gr.g+gr.k {
				rn++
			}
		}
		running += gr.n
		want = append(want, []any{gr.g, gr.k, gr.sum, gr.n, rank, inG, running, rn, gr.sum * 1000 / total})
	}
	q := `SELECT g, k, SUM(v), COUNT(*), RANK() OVER (PARTITION BY g ORDER BY SUM(v) DESC), SUM(SUM(v)) OVER (PARTITION BY g),
		SUM(COUNT(*)) OVER (ORDER BY g, k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
		ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, g, k), SUM(v) * 1000 / SUM(SUM(v)) OVER ()
		FROM ev GROUP BY g, k HAVING COUNT(*) > 16`
	r, err := modes["batch"].Execute(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := formatRows(r.ColumnTypes(), r.Final(), true), lines(want); got != w {
		t.Errorf("batch:\n%s\ngot:\n%s\nwant:\n%s", q, got, w)
	}

	// Both modes: the two largest sums of each g (ties by k), and the
	// running sum of the sums in k order within g.
	want = nil
	for _, gr := range all {
		rn, acc := int64(1), int64(0)
		for _, o := range all {
			if o.g != gr.g {
				continue
			}
			if o.sum > gr.sum || o.sum == gr.sum && o.k < gr.k {
				rn++
			}
			if o.k <= gr.k {
				acc += o.sum
			}
		}
		if rn <= 2 {
			want = append(want, []any{gr.g, gr.k, gr.sum, rn, acc})
		}
	}
	q = `SELECT t.g, t.k, t.s, t.rn, u.acc FROM
		(SELECT * FROM (SELECT g, k, SUM(v) AS s, ROW_NUMBER() OVER (PARTITION BY g ORDER BY SUM(v) DESC, k) AS rn FROM ev GROUP BY g, k) WHERE rn <= 2) AS t
		JOIN (SELECT g, k, SUM(SUM(v)) OVER (PARTITION BY g ORDER BY k) AS acc FROM ev GROUP BY g, k) AS u ON t.g = u.g AND t.k = u.k`
	for mode, got := range runModes(t, ctx, modes, q) {
		if w := lines(want); got != w {
			t.Errorf("mode %d:\n%s\ngot:\n%s\nwant:\n%s", mode, q, got, w)
		}
	}
}
