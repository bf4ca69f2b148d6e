package window

import (
	"math"
	"slices"
	"testing"
	"time"
)

func stamped(ts ...int64) []Timestamped[string] {
	out := make([]Timestamped[string], len(ts))
	for i, t := range ts {
		out[i] = Timestamped[string]{Value: string(rune('a' + i)), Timestamp: t}
	}
	return out
}

func values(es []Timestamped[string]) string {
	var s []byte
	for _, e := range es {
		s = append(s, e.Value...)
	}
	return string(s)
}

func TestCountEvictor(t *testing.T) {
	ctx := evictorCtx{}
	tests := []struct {
		max    int64
		in     []int64
		before string // kept by EvictBefore when evicting before
	}{
		{2, []int64{1, 2, 3, 4, 5}, "de"},
		{5, []int64{1, 2, 3, 4, 5}, "abcde"},
		{10, []int64{1, 2, 3}, "abc"},
		{1, []int64{1, 2, 3}, "c"},
		{0, []int64{1, 2, 3}, ""},
		{3, nil, ""},
	}
	for _, tt := range tests {
		before := must(CountEvictor[string, TimeWindow](tt.max, false))(t)
		after := must(CountEvictor[string, TimeWindow](tt.max, true))(t)
		in := stamped(tt.in...)
		all := values(in)

		if got := values(before.EvictAfter(stamped(tt.in...), len(in), w0, ctx)); got != all {
			t.Errorf("max %d: EvictAfter of a before-evictor kept %q", tt.max, got)
		}
		if got := values(after.EvictBefore(stamped(tt.in...), len(in), w0, ctx)); got != all {
			t.Errorf("max %d: EvictBefore of an after-evictor kept %q", tt.max, got)
		}
		buf := stamped(tt.in...)
		kept := before.EvictBefore(buf, len(buf), w0, ctx)
		if got := values(kept); got != tt.before {
			t.Errorf("max %d: EvictBefore kept %q, want %q", tt.max, got, tt.before)
		}
		for _, e := range buf[len(kept):] {
			if e != (Timestamped[string]{}) {
				t.Errorf("max %d: evicted slot not zeroed: %v", tt.max, e)
			}
		}
		if got := values(after.EvictAfter(stamped(tt.in...), len(in), w0, ctx)); got != tt.before {
			t.Errorf("max %d: EvictAfter kept %q, want %q", tt.max, got, tt.before)
		}
	}
}

func TestTimeEvictor(t *testing.T) {
	ctx := evictorCtx{}
	tests := []struct {
		name string
		size time.Duration
		in   []int64
		want string
	}{
		{"keeps newer than max-size", 10 * ms, []int64{1, 5, 12, 20, 15, 10, 11}, "cdeg"},
		{"all within", 100 * ms, []int64{1, 5, 12}, "abc"},
		{"size 0 evicts all", 0, []int64{1, 5, 12, 12}, ""},
		{"truncated size", 999 * time.Microsecond, []int64{1, 2}, ""},
		{"negative timestamps", 10 * ms, []int64{-30, -21, -20, -19}, "bcd"}, // max -19, cutoff -29
		{"first without timestamp: nothing evicted", 1 * ms, []int64{NoTimestamp, 5, 100}, "abc"},
		{"later without timestamp: evicted", 10 * ms, []int64{5, NoTimestamp, 20}, "c"},
		{"cutoff clamps", 100 * ms, []int64{math.MinInt64 + 5, math.MinInt64 + 1, NoTimestamp}, "ab"},
		{"empty", 10 * ms, nil, ""},
	}
	for _, tt := range tests {
		before := must(TimeEvictor[string, TimeWindow](tt.size, false))(t)
		after := must(TimeEvictor[string, TimeWindow](tt.size, true))(t)
		in := stamped(tt.in...)
		all := values(in)
		if got := values(before.EvictBefore(stamped(tt.in...), len(in), w0, ctx)); got != tt.want {
			t.Errorf("%s: EvictBefore kept %q, want %q", tt.name, got, tt.want)
		}
		if got := values(after.EvictAfter(stamped(tt.in...), len(in), w0, ctx)); got != tt.want {
			t.Errorf("%s: EvictAfter kept %q, want %q", tt.name, got, tt.want)
		}
		if got := values(before.EvictAfter(stamped(tt.in...), len(in), w0, ctx)); got != all {
			t.Errorf("%s: EvictAfter of a before-evictor kept %q", tt.name, got)
		}
		if got := values(after.EvictBefore(stamped(tt.in...), len(in), w0, ctx)); got != all {
			t.Errorf("%s: EvictBefore of an after-evictor kept %q", tt.name, got)
		}
	}
	buf := stamped(1, 20, 2, 21)
	e := must(TimeEvictor[string, TimeWindow](5*ms, false))(t)
	kept := e.EvictBefore(buf, len(buf), w0, ctx)
	if !slices.Equal(kept, []Timestamped[string]{{"b", 20}, {"d", 21}}) {
		t.Errorf("kept %v", kept)
	}
	if buf[2] != (Timestamped[string]{}) || buf[3] != (Timestamped[string]{}) {
		t.Errorf("evicted slots not zeroed: %v", buf)
	}
	if !(Timestamped[int]{Timestamp: 0}).HasTimestamp() || (Timestamped[int]{Timestamp: NoTimestamp}).HasTimestamp() {
		t.Error("HasTimestamp")
	}
}
