package sql

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// udfSession returns a session over a small CSV table t (id INT, s STRING,
// v BIGINT) with an empty s and a NULL v, and the Go functions of the tests.
func udfSession(t *testing.T, batch bool) *Session {
	t.Helper()
	dir := t.TempDir()
	data := "1,ab,10\n2,,20\n3,cde,\n4,fghi,40\n"
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]string{"parallelism.default": "2"}
	if batch {
		cfg["execution.runtime-mode"] = "batch"
	}
	s := NewSession(Options{Config: cfg})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.RegisterScalarFunction("Repeat2", func(s string, n int64) string { return strings.Repeat(s, int(n)) }))
	must(s.RegisterScalarFunction("orDefault", func(s *string) string {
		if s == nil {
			return "<null>"
		}
		return *s
	}))
	must(s.RegisterScalarFunction("half", func(v int64) (*float64, error) {
		if v < 0 {
			return nil, errors.New("negative")
		}
		if v == 0 {
			return nil, nil
		}
		f := float64(v) / 2
		return &f, nil
	}))
	must(s.RegisterScalarFunction("total", func(xs ...int64) int64 {
		var n int64
		for _, x := range xs {
			n += x
		}
		return n
	}))
	must(s.RegisterScalarFunction("day_of", func(ts time.Time) int32 { return int32(ts.Day()) }))
	_, err := s.Execute(context.Background(), fmt.Sprintf(
		"CREATE TABLE t (id INT, s STRING, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')",
		filepath.Join(dir, "t.csv")))
	must(err)
	return s
}

func udfQuery(t *testing.T, s *Session, q string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := s.Execute(ctx, q)
	if err != nil {
		return "", err
	}
	return formatRows(r.ColumnTypes(), r.Final(), true), nil
}

func TestScalarUDF(t *testing.T) {
	s := udfSession(t, false)
	cases := []struct{ q, want string }{
		// SELECT and WHERE, names case-insensitive; implicit INT → BIGINT.
		{"SELECT id, REPEAT2(NULLIF(s, ''), id) FROM t WHERE repeat2(s, 1) <> 'cde'",
			"1, ab\n2, NULL\n4, fghifghifghifghi\n"},
		// A pointer parameter sees NULL as nil.
		{"SELECT id, orDefault(NULLIF(s, '')) FROM t", "1, ab\n2, <null>\n3, cde\n4, fghi\n"},
		// A NULL for a non-pointer parameter skips the call: NULL.
		{"SELECT id, half(v), half(0) FROM t", "1, 5.0, NULL\n2, 10.0, NULL\n3, NULL, NULL\n4, 20.0, NULL\n"},
		// Variadic.
		{"SELECT id, total(), total(id), total(id, v, 1) FROM t WHERE v IS NOT NULL", "1, 0, 1, 12\n2, 0, 2, 23\n4, 0, 4, 45\n"},
		{"SELECT day_of(TIMESTAMP '2024-03-17 10:00:00') FROM t WHERE id = 1", "17\n"},
	}
	for _, c := range cases {
		got, err := udfQuery(t, s, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\ngot\n%swant\n%s", c.q, got, c.want)
		}
	}
	if _, err := s.Execute(context.Background(), "SELECT * FROM (SELECT id, half(CAST(-v AS BIGINT)) FROM t) WHERE id = 4"); err == nil || !strings.Contains(err.Error(), "half") || !strings.Contains(err.Error(), "negative") {
		t.Errorf("a function's error must fail the job naming it; got %v", err)
	}
	if _, err := s.Execute(context.Background(), "SELECT repeat2(id, 2) FROM t"); err == nil || !strings.Contains(err.Error(), "Repeat2(STRING, BIGINT)") {
		t.Errorf("a wrong argument type must be refused with the signature; got %v", err)
	}
}

func TestScalarUDFRefused(t *testing.T) {
	s := NewSession(Options{})
	bad := map[string]any{
		"notfunc":  42,
		"badparam": func(m map[string]int) int64 { return 0 },
		"nores":    func(int64) {},
		"twores":   func(int64) (int64, int64) { return 0, 0 },
		"upper":    func(s string) string { return s }, // a built-in
		"count":    func(s string) string { return s }, // a built-in aggregate
	}
	for name, fn := range bad {
		if err := s.RegisterScalarFunction(name, fn); err == nil {
			t.Errorf("%s: registered, want an error", name)
		}
	}
	if err := s.RegisterScalarFunction("f", func(int64) int64 { return 1 }); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterScalarFunction("F", func(int64) int64 { return 1 }); err == nil {
		t.Error("names are case-insensitive: F must clash with f")
	}
}

// A UDF query gives the same final result streaming and batch.
func TestScalarUDFStreamingEqualsBatch(t *testing.T) {
	q := "SELECT orDefault(NULLIF(s, '')), COUNT(*), SUM(half(v)) FROM t GROUP BY orDefault(NULLIF(s, ''))"
	stream, err := udfQuery(t, udfSession(t, false), q)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := udfQuery(t, udfSession(t, true), q)
	if err != nil {
		t.Fatal(err)
	}
	if stream != batch {
		t.Errorf("streaming\n%sbatch\n%s", stream, batch)
	}
}
