package sql

import (
	"errors"
	"strings"
	"testing"
)

type word struct {
	Word   string
	Length int32
}

func udtfSession(t *testing.T, batch bool) *Session {
	t.Helper()
	s := udfSession(t, batch)
	if err := s.RegisterTableFunction("split_chars", func(s string) []word {
		var out []word
		for _, r := range s {
			out = append(out, word{string(r), int32(len(string(r)))})
		}
		return out
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterTableFunction("upto", func(n int64) ([]int64, error) {
		if n > 100 {
			return nil, errors.New("too many")
		}
		var out []int64
		for i := int64(1); i <= n; i++ {
			out = append(out, i)
		}
		return out, nil
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTableUDF(t *testing.T) {
	s := udtfSession(t, false)
	cases := []struct{ q, want string }{
		{"SELECT id, Word, Length FROM t CROSS JOIN LATERAL TABLE(split_chars(s)) WHERE id < 3", "1, a, 1\n1, b, 1\n"},
		{"SELECT id, c FROM t, LATERAL TABLE(SPLIT_CHARS(s)) AS x(c, n) WHERE id = 3", "3, c\n3, d\n3, e\n"},
		{"SELECT id, f0 FROM t CROSS JOIN LATERAL TABLE(upto(id)) WHERE id <= 2", "1, 1\n2, 1\n2, 2\n"},
		// LEFT JOIN keeps a row with no output; a NULL argument gives none.
		{"SELECT id, n FROM t LEFT JOIN LATERAL TABLE(upto(v - 10)) AS u(n) ON TRUE WHERE id <> 4", "1, NULL\n2, 1\n2, 10\n2, 2\n2, 3\n2, 4\n2, 5\n2, 6\n2, 7\n2, 8\n2, 9\n3, NULL\n"},
		{"SELECT w, COUNT(*) FROM t CROSS JOIN LATERAL TABLE(split_chars(s)) AS x(w, l) GROUP BY w HAVING COUNT(*) > 0 AND w < 'c'", "a, 1\nb, 1\n"},
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
	for q, want := range map[string]string{
		"SELECT * FROM t CROSS JOIN LATERAL TABLE(upto(v * 10))": "too many",
		"SELECT upto(1) FROM t":                                  "only allowed in CROSS JOIN LATERAL TABLE",
		"SELECT * FROM LATERAL TABLE(upto(1))":                   "needs a left side",
	} {
		if _, err := udfQuery(t, s, q); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "upto") {
			t.Errorf("%s: got %v, want an error with %q", q, err, want)
		}
	}
	if err := s.RegisterTableFunction("bad", func(int64) int64 { return 0 }); err == nil {
		t.Error("a table function must return a slice")
	}
}

func TestTableUDFStreamingEqualsBatch(t *testing.T) {
	q := "SELECT Word, COUNT(*), SUM(id) FROM t CROSS JOIN LATERAL TABLE(split_chars(s)) GROUP BY Word"
	stream, err := udfQuery(t, udtfSession(t, false), q)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := udfQuery(t, udtfSession(t, true), q)
	if err != nil {
		t.Fatal(err)
	}
	if stream != batch {
		t.Errorf("streaming\n%sbatch\n%s", stream, batch)
	}
}
