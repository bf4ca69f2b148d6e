package datastream

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/internal/testenv"
)

// ev is the element of the window tests: a key and a value.
type ev struct {
	K string
	V int
}

func (e ev) String() string { return fmt.Sprintf("%s:%d", e.K, e.V) }

func evKey(e ev) string { return e.K }

func sumEv(a, b ev) ev { return ev{a.K, a.V + b.V} }

// testInput returns a stream of ev to build window jobs on for the harness;
// its source never runs.
func testInput(env *Env) *DataStream[ev] { return FromSlice(env, []ev(nil)) }

// windowHarness instantiates the operator whose output is s (built on a
// keyed stream of IN) under a keyed test harness, registering the side
// outputs tags, and opens it.
func windowHarness[IN, OUT any](t testing.TB, s *DataStream[OUT], tags []string, opts ...testenv.Option) (*testenv.OneInput[IN, OUT], map[string]*testenv.Captured[IN]) {
	t.Helper()
	return windowHarnessWith[IN](t, s, tags, nil, opts...)
}

// windowHarnessWith is windowHarness calling register before Open, to
// register side outputs of other types.
func windowHarnessWith[IN, OUT any](t testing.TB, s *DataStream[OUT], tags []string, register func(h testenv.HarnessBase), opts ...testenv.Option) (*testenv.OneInput[IN, OUT], map[string]*testenv.Captured[IN]) {
	t.Helper()
	if errs := s.env.errs; len(errs) > 0 {
		t.Fatalf("building the job: %v", errs)
	}
	h := testenv.NewOneInput(func(out operator.Output[OUT]) operator.OneInput[IN] {
		inst, err := s.node.New(graph.InstanceContext{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		return inst.Op.(operator.OneInput[IN])
	}, append([]testenv.Option{testenv.Keyed()}, opts...)...)
	sides := map[string]*testenv.Captured[IN]{}
	for _, tag := range tags {
		sides[tag] = testenv.SideOutput[IN](h, tag)
	}
	if register != nil {
		register(h)
	}
	if err := h.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, sides
}

func fmtTs(ts int64) string {
	switch ts {
	case math.MaxInt64:
		return "max"
	case event.NoTimestamp:
		return "none"
	}
	return strconv.FormatInt(ts, 10)
}

// harnessRun returns a function that runs a script on the operator of s
// (a window over ev) with late-data side output tags.
func harnessRun[OUT any](s *DataStream[OUT], tags ...string) func(t *testing.T, script string, opts ...testenv.Option) string {
	return func(t *testing.T, script string, opts ...testenv.Option) string {
		h, sides := windowHarness[ev](t, s, tags, opts...)
		return runScript(t, h, sides, script)
	}
}

type windowOpStats interface {
	NumLateRecordsDropped() int64
	numTimers() (int, int)
}

// runScript drives h by a script and returns the transcript: each command
// echoed as "> cmd", followed by what the operator emitted meanwhile,
// indented: records as "value@ts", side outputs as "tag: value@ts".
// Commands:
//
//	e KEY VALUE [TS]   an element ev{KEY, VALUE}, without timestamp if TS is omitted
//	wm TS              a watermark
//	pt TS              move processing time
//	end                end of input (final watermark, Finish)
//	dropped            print the number of late elements dropped
//	state              print the window state entries and pending timers
//	# ...              a comment
func runScript[OUT any](t *testing.T, h *testenv.OneInput[ev, OUT], sides map[string]*testenv.Captured[ev], script string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		num := func(i int) int64 {
			n, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			return n
		}
		var err error
		switch f[0] {
		case "e":
			e := ev{K: f[1], V: int(num(2))}
			if len(f) > 3 {
				err = h.ProcessElement(e, num(3))
			} else {
				err = h.ProcessElementNoTimestamp(e)
			}
		case "wm":
			err = h.ProcessWatermark(num(1))
		case "pt":
			err = h.SetProcessingTime(num(1))
		case "end":
			err = h.EndInput()
		case "dropped", "state":
		default:
			t.Fatalf("unknown command %q", line)
		}
		fmt.Fprintf(&b, "> %s\n", line)
		if err != nil {
			fmt.Fprintf(&b, "  error: %v\n", err)
		}
		for _, r := range h.Records() {
			fmt.Fprintf(&b, "  %v@%s\n", r.Value, fmtTs(r.Timestamp))
		}
		for _, tag := range slices.Sorted(maps.Keys(sides)) {
			for _, r := range sides[tag].Records() {
				fmt.Fprintf(&b, "  %s: %v@%s\n", tag, r.Value, fmtTs(r.Timestamp))
			}
		}
		h.ClearOutput()
		op := h.Operator().(windowOpStats)
		switch f[0] {
		case "dropped":
			fmt.Fprintf(&b, "  dropped=%d\n", op.NumLateRecordsDropped())
		case "state":
			et, pt := op.numTimers()
			fmt.Fprintf(&b, "  contents=%d merging=%d event-timers=%d processing-timers=%d\n",
				h.NumKeyedStateEntries(contentsStateName), h.NumKeyedStateEntries(mergingSetStateName), et, pt)
		}
	}
	return b.String()
}

// checkTranscript compares a transcript with the expected one, ignoring
// indentation differences at line starts.
func checkTranscript(t *testing.T, got, want string) {
	t.Helper()
	norm := func(s string) string {
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			l = strings.TrimSpace(l)
			if l != "" {
				if !strings.HasPrefix(l, ">") {
					l = "  " + l
				}
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	if g, w := norm(got), norm(want); g != w {
		t.Errorf("transcript differs\n--- got\n%s\n--- want\n%s", g, w)
	}
}

func recordOf[T any](v T, ts int64) operator.Record[T] {
	return operator.Record[T]{Value: v, Timestamp: ts}
}
