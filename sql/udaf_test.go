package sql

import (
	"context"
	"strings"
	"testing"
)

// wavg is a weighted average, Flink's WeightedAvg example: a struct input
// and a struct accumulator, with Retract.
type wavg struct{}

type wavgAcc struct{ Sum, Count int64 }

type wavgIn struct {
	Value  int64
	Weight int32
}

func (wavg) CreateAccumulator() wavgAcc { return wavgAcc{} }
func (wavg) Accumulate(acc *wavgAcc, in wavgIn) {
	acc.Sum += in.Value * int64(in.Weight)
	acc.Count += int64(in.Weight)
}
func (wavg) Retract(acc *wavgAcc, in wavgIn) {
	acc.Sum -= in.Value * int64(in.Weight)
	acc.Count -= int64(in.Weight)
}
func (wavg) GetValue(acc wavgAcc) *float64 {
	if acc.Count == 0 {
		return nil
	}
	f := float64(acc.Sum) / float64(acc.Count)
	return &f
}

// concat joins strings, a single nullable input, no Retract.
type concat struct{}

func (concat) CreateAccumulator() []string { return nil }
func (concat) Accumulate(acc *[]string, s *string) {
	if s == nil {
		*acc = append(*acc, "?")
		return
	}
	*acc = append(*acc, *s)
}
func (concat) GetValue(acc []string) int64 { return int64(len(strings.Join(acc, ""))) }

func udafSession(t *testing.T, batch bool) *Session {
	t.Helper()
	s := udfSession(t, batch)
	if err := RegisterAggregateFunction[wavgAcc, wavgIn, *float64](s, "WeightedAvg", wavg{}); err != nil {
		t.Fatal(err)
	}
	if err := RegisterAggregateFunction[[]string, *string, int64](s, "concat_len", concat{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAggregateUDF(t *testing.T) {
	s := udafSession(t, false)
	cases := []struct{ q, want string }{
		// GROUP BY, a struct input; NULL v rows are skipped (non-pointer).
		{"SELECT id > 2, weightedavg(v, id) FROM t GROUP BY id > 2", "FALSE, 16.666666666666668\nTRUE, 40.0\n"},
		// A global aggregate, a pointer input sees NULL as nil.
		{"SELECT CONCAT_LEN(NULLIF(s, '')), COUNT(*) FROM t", "10, 4\n"},
		// Retraction: the input is an updating GROUP BY result.
		{"SELECT WeightedAvg(n, 1) FROM (SELECT id > 2 AS k, COUNT(*) AS n FROM t GROUP BY id > 2)", "2.0\n"},
		// With FILTER, in an expression, HAVING.
		{"SELECT id > 2, WeightedAvg(v, 1) FILTER (WHERE id <> 2) + 1 FROM t GROUP BY id > 2 HAVING WeightedAvg(v, 1) > 0", "FALSE, 11.0\nTRUE, 41.0\n"},
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
	// Without Retract an updating input is refused, naming the function.
	_, err := s.Execute(context.Background(), "SELECT concat_len(CAST(n AS STRING)) FROM (SELECT id > 2 AS k, COUNT(*) AS n FROM t GROUP BY id > 2)")
	if err == nil || !strings.Contains(err.Error(), "concat_len") {
		t.Errorf("retracting a function without Retract: got %v", err)
	}
	if _, err := s.Execute(context.Background(), "SELECT weightedavg(s, 1) FROM t"); err == nil || !strings.Contains(err.Error(), "WeightedAvg(BIGINT, INT)") {
		t.Errorf("a wrong argument type must be refused with the signature; got %v", err)
	}
	if _, err := s.Execute(context.Background(), "SELECT id, weightedavg(v, 1) FROM t"); err == nil {
		t.Error("a non-grouped column beside an aggregate UDF must be refused")
	}
	if err := RegisterAggregateFunction[map[string]int, int64, int64](s, "bad", badAcc{}); err == nil {
		t.Error("an accumulator without a codec must be refused")
	}
}

type badAcc struct{}

func (badAcc) CreateAccumulator() map[string]int       { return nil }
func (badAcc) Accumulate(acc *map[string]int, x int64) {}
func (badAcc) GetValue(acc map[string]int) int64       { return 0 }

func TestAggregateUDFStreamingEqualsBatch(t *testing.T) {
	q := "SELECT MOD(id, 2), WeightedAvg(v, id), concat_len(s) FROM t GROUP BY MOD(id, 2)"
	stream, err := udfQuery(t, udafSession(t, false), q)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := udfQuery(t, udafSession(t, true), q)
	if err != nil {
		t.Fatal(err)
	}
	if stream != batch {
		t.Errorf("streaming\n%sbatch\n%s", stream, batch)
	}
}
