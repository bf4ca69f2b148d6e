package datastream

import (
	"context"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/eddy-streams/eddy/state"
)

func TestSmokeMapFilter(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	s := FromSlice(env, []int{1, 2, 3, 4, 5, 6})
	m := Map(s.Rebalance(), func(x int) int { return x * 10 }).Filter(func(x int) bool { return x > 20 })
	c := Collect(m)
	if _, err := env.Execute(context.Background(), "smoke"); err != nil {
		t.Fatal(err)
	}
	got := c.Values()
	sort.Ints(got)
	if want := []int{30, 40, 50, 60}; !equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type counter struct {
	count state.ValueState[int]
}

func (c *counter) Open(rc *RuntimeContext) error {
	var err error
	c.count, err = GetValueState(rc, state.Value[int]("count"))
	return err
}

func (c *counter) ProcessElement(w string, ctx *KeyedContext[string], out Collector[KeyValue[string, int]]) error {
	n, _ := c.count.Value()
	c.count.Update(n + 1)
	ctx.TimerService().RegisterEventTimeTimer(1000)
	return nil
}

func (c *counter) OnTimer(ts int64, ctx *TimerContext[string], out Collector[KeyValue[string, int]]) error {
	n, _ := c.count.Value()
	out.Collect(KeyValue[string, int]{ctx.CurrentKey(), n})
	return nil
}

func TestSmokeKeyedProcessWordCount(t *testing.T) {
	text := "the quick brown fox jumps over the lazy dog The End"
	env := NewEnv().SetParallelism(3)
	lines := FromSlice(env, strings.Split(text, " "))
	words := FlatMap(lines, func(l string, out Collector[string]) {
		for _, w := range strings.FieldsFunc(strings.ToLower(l), func(r rune) bool { return !unicode.IsLetter(r) }) {
			out.Collect(w)
		}
	})
	counts := KeyedProcess(KeyBy(words, func(w string) string { return w }), KeyedProcessFunction[string, string, KeyValue[string, int]](&counter{}))
	c := Collect(counts)
	rolling := Collect(Reduce(KeyBy(Map(words, func(w string) KeyValue[string, int] { return KeyValue[string, int]{w, 1} }), func(kv KeyValue[string, int]) string { return kv.Key }),
		func(a, b KeyValue[string, int]) KeyValue[string, int] {
			return KeyValue[string, int]{a.Key, a.Value + b.Value}
		}))
	if _, err := env.Execute(context.Background(), "wc"); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, kv := range c.Values() {
		got[kv.Key] = kv.Value
	}
	if got["the"] != 3 || got["fox"] != 1 || len(got) != 9 {
		t.Fatalf("counts %v", got)
	}
	if len(rolling.Values()) != 11 {
		t.Fatalf("rolling reduce emitted %d", len(rolling.Values()))
	}
}

// Every buffer timeout gives the same result; only latency differs.
func TestBufferTimeoutModes(t *testing.T) {
	for _, timeout := range []string{"0", "-1", "1", "100ms"} {
		env := NewEnv().SetParallelism(2)
		if err := env.Configure(map[string]string{"execution.buffer-timeout": timeout}); err != nil {
			t.Fatal(err)
		}
		src := FromGenerator(env, 5000, func(i int64) KeyValue[int64, int64] { return KeyValue[int64, int64]{i % 3, i} })
		sums := Collect(Reduce(KeyBy(src, func(kv KeyValue[int64, int64]) int64 { return kv.Key }),
			func(a, b KeyValue[int64, int64]) KeyValue[int64, int64] {
				return KeyValue[int64, int64]{a.Key, a.Value + b.Value}
			}))
		if _, err := env.Execute(context.Background(), "timeouts"); err != nil {
			t.Fatalf("buffer-timeout %s: %v", timeout, err)
		}
		final := map[int64]int64{}
		for _, kv := range sums.Values() {
			final[kv.Key] = max(final[kv.Key], kv.Value)
		}
		var total int64
		for _, v := range final {
			total += v
		}
		if want := int64(4999 * 5000 / 2); total != want {
			t.Errorf("buffer-timeout %s: total %d, want %d", timeout, total, want)
		}
	}
}
