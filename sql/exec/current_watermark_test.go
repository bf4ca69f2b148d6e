package exec_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/types"
)

// CURRENT_WATERMARK(ts) is the watermark of the Calc evaluating it: NULL
// before the first, then the source's (ts - 1 s here, one row per file and
// a watermark after each): the documented filter of late rows drops the
// rows behind it. In batch mode there are no watermarks: NULL.
func TestCurrentWatermark(t *testing.T) {
	defer func(p bool) { *exec.PunctuatedWatermarks = p }(*exec.PunctuatedWatermarks)
	*exec.PunctuatedWatermarks = true
	dir := t.TempDir()
	for i, sec := range []int{1, 5, 2, 9, 3} {
		line := fmt.Sprintf("%d,2024-01-01 00:00:%02d\n", i+1, sec)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.csv", i)), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := sql.NewSession(sql.Options{Config: map[string]string{"parallelism.default": "1"}})
	ddl := fmt.Sprintf("CREATE TABLE t (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')", dir)
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	run := func(q string) []string {
		t.Helper()
		r, err := s.Execute(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range r.Final() {
			wm := "NULL"
			if v, ok := row[1].(types.TimestampValue); ok {
				wm = fmt.Sprint(v.Millis / 1000 % 60)
			}
			out = append(out, fmt.Sprintf("%v@%s", row[0], wm))
		}
		slices.Sort(out)
		return out
	}
	if got, want := run("SELECT id, CURRENT_WATERMARK(ts) FROM t"), []string{"1@NULL", "2@0", "3@4", "4@4", "5@8"}; !slices.Equal(got, want) {
		t.Errorf("watermarks seen: %v, want %v", got, want)
	}
	if got, want := run("SELECT id, ts FROM t WHERE CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts)"), []string{"1@1", "2@5", "4@9"}; !slices.Equal(got, want) {
		t.Errorf("rows not late: %v, want %v", got, want)
	}
	if _, err := s.Execute(ctx, "SET 'execution.runtime-mode' = 'batch'"); err != nil {
		t.Fatal(err)
	}
	if got := run("SELECT id, CURRENT_WATERMARK(ts) FROM t"); !slices.Equal(got, []string{"1@NULL", "2@NULL", "3@NULL", "4@NULL", "5@NULL"}) {
		t.Errorf("batch mode: %v", got)
	}
	if _, err := s.Execute(ctx, "SELECT CURRENT_WATERMARK(id) FROM t"); err == nil {
		t.Error("CURRENT_WATERMARK of a column that is no rowtime attribute")
	}
}
