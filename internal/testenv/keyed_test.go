package testenv_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/state"
)

// sortedRecords returns rs sorted by key, for records emitted by timers of
// the same timestamp, whose order between keys is the timer service's.
func sortedRecords(rs []operator.Record[keyCount]) []operator.Record[keyCount] {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b operator.Record[keyCount]) int { return strings.Compare(a.Value.Key, b.Value.Key) })
	return rs
}

func rec(key string, count int, ts int64) operator.Record[keyCount] {
	return operator.Record[keyCount]{Value: keyCount{key, count}, Timestamp: ts}
}

// countOf reads the count of key in the window ending at end from the
// harness's backend, as a test inspects state.
func countOf(t *testing.T, h testenv.HarnessBase, key string, end int64) (int, bool) {
	t.Helper()
	v, err := statebackend.NewValue(h.Context().Keyed, state.Value[int]("count"), int64Codec)
	noErr(t, err)
	noErr(t, testenv.SetKey(h, stringCodec, key))
	v.SetNamespace(end)
	return v.Value()
}

func TestKeyedEventTimeTimers(t *testing.T) {
	h := testenv.NewOneInput(newCount(10, 0), testenv.Keyed())
	noErr(t, h.Open())
	defer h.Close()
	for _, r := range []struct {
		key string
		ts  int64
	}{{"a", 1}, {"b", 2}, {"a", 5}, {"a", 12}, {"b", 15}, {"c", 19}} {
		noErr(t, h.ProcessElement(r.key, r.ts))
	}
	equal(t, "output before a watermark", h.Output(), []testenv.Event[keyCount](nil))
	equal(t, "count entries", h.NumKeyedStateEntries("count"), 5)
	if n, ok := countOf(t, h, "a", 9); n != 2 || !ok {
		t.Errorf("count of a in [0, 9] = %d, %v; want 2, true", n, ok)
	}

	noErr(t, h.ProcessWatermark(9))
	out := h.Output()
	if len(out) != 3 || out[2] != testenv.WatermarkEvent[keyCount](9) {
		t.Fatalf("output after watermark 9 = %v, want two counts then W(9)", out)
	}
	equal(t, "counts of [0, 9]", sortedRecords(h.Records()), []operator.Record[keyCount]{rec("a", 2, 9), rec("b", 1, 9)})
	equal(t, "count entries after [0, 9] fired", h.NumKeyedStateEntries("count"), 3)
	if n, ok := countOf(t, h, "a", 9); ok {
		t.Errorf("count of a in [0, 9] after it fired = %d, want none", n)
	}
	if n, ok := countOf(t, h, "b", 19); n != 1 || !ok {
		t.Errorf("count of b in [10, 19] = %d, %v; want 1, true", n, ok)
	}

	h.ClearOutput()
	noErr(t, h.ProcessWatermark(15)) // no timer due
	equal(t, "output after watermark 15", h.Output(), []testenv.Event[keyCount]{testenv.WatermarkEvent[keyCount](15)})

	h.ClearOutput()
	noErr(t, h.EndInput())
	out = h.Output()
	if len(out) != 4 || out[3] != testenv.WatermarkEvent[keyCount](event.MaxWatermark) {
		t.Fatalf("output at the end of input = %v, want three counts then W(max)", out)
	}
	equal(t, "counts of [10, 19]", sortedRecords(h.Records()), []operator.Record[keyCount]{rec("a", 1, 19), rec("b", 1, 19), rec("c", 1, 19)})
	equal(t, "count entries at the end", h.NumKeyedStateEntries("count"), 0)
}

func TestKeyedProcessingTimeTimers(t *testing.T) {
	h := testenv.NewOneInput(newCount(10, 100), testenv.Keyed(), testenv.WithProcessingTime(1000))
	noErr(t, h.Open())
	defer h.Close()
	noErr(t, h.ProcessElement("a", 1))
	equal(t, "pending callbacks", h.ProcessingTimeService().Pending(), []int64{1100})
	noErr(t, h.SetProcessingTime(1050))
	noErr(t, h.ProcessElement("a", 2))
	noErr(t, h.ProcessElement("b", 3)) // its timer is at 1150
	equal(t, "pending callbacks", h.ProcessingTimeService().Pending(), []int64{1100})

	noErr(t, h.SetProcessingTime(1100))
	equal(t, "output at 1100", h.Output(), []testenv.Event[keyCount]{testenv.RecordEvent(keyCount{"a", 2}, 9)})
	// The callback at 1100 scheduled the next one, for b's timer.
	equal(t, "pending callbacks after 1100", h.ProcessingTimeService().Pending(), []int64{1150})

	noErr(t, h.SetProcessingTime(5000))
	equal(t, "values at 5000", h.Values(), []keyCount{{"a", 2}, {"b", 1}})
	equal(t, "pending callbacks after 5000", h.ProcessingTimeService().NumPending(), 0)

	// Processing-time output did not clear the windows: the watermark does.
	h.ClearOutput()
	noErr(t, h.ProcessWatermark(9))
	equal(t, "counts of [0, 9]", sortedRecords(h.Records()), []operator.Record[keyCount]{rec("a", 2, 9), rec("b", 1, 9)})
}

func TestKeyedParallelism(t *testing.T) {
	h := testenv.NewOneInput(newCount(10, 0), testenv.Keyed(), testenv.WithParallelism(2, 1, 128))
	noErr(t, h.Open())
	defer h.Close()
	want := keygroup.Range{Start: 64, End: 127}
	equal(t, "backend key groups", h.Backend().KeyGroupRange(), want)
	equal(t, "context key groups", h.Context().KeyGroups, want)

	var owned, foreign string
	for i := 0; owned == "" || foreign == ""; i++ {
		k := fmt.Sprintf("k%d", i)
		kg, _ := operator.KeyGroupOf(stringCodec, k, 128, nil)
		if testenv.OwnsKey(h, stringCodec, k) != want.Contains(kg) {
			t.Fatalf("OwnsKey(%q) in key group %d = %v", k, kg, !want.Contains(kg))
		}
		if want.Contains(kg) {
			owned = k
		} else {
			foreign = k
		}
	}
	noErr(t, h.ProcessElement(owned, 1))
	err := h.ProcessElement(foreign, 1)
	var f *operator.Failure
	if !errors.As(err, &f) || !strings.Contains(err.Error(), "outside this subtask's range") {
		t.Errorf("a key of another subtask: error %v, want an operator.Failure about the key-group range", err)
	}
	if err := testenv.SetKey(h, stringCodec, foreign); err == nil {
		t.Errorf("SetKey of a key of another subtask is not an error")
	}
	noErr(t, h.ProcessWatermark(9))
	equal(t, "counts", h.Values(), []keyCount{{owned, 1}})
}

func TestNotKeyed(t *testing.T) {
	h := testenv.NewOneInput(newCount(10, 0))
	if err := h.Open(); err == nil || !strings.Contains(err.Error(), "not keyed") {
		t.Errorf("opening a keyed operator without option Keyed: error %v, want one about it not being keyed", err)
	}
	if err := testenv.SetKey(h, stringCodec, "a"); err == nil {
		t.Error("SetKey on a harness without option Keyed is not an error")
	}
	equal(t, "NumKeyedStateEntries", h.NumKeyedStateEntries("count"), 0)
	noErr(t, h.Close())
}
