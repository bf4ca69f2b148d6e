package datastream

import (
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/testenv"
	"github.com/eddy-streams/eddy/window"
)

const ms = time.Millisecond

// ok returns v and panics on err (constructors in test setup).
func ok[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// windowCase is a testdata-style case: a window job over ev built on a
// fresh environment, a script driving its operator by hand (see runScript)
// and the expected transcript.
type windowCase struct {
	name   string
	build  func(t *testing.T, env *Env) func(t *testing.T, script string, opts ...testenv.Option) string
	opts   []testenv.Option
	script string
	want   string
}

var lateTag = NewOutputTag[ev]("late")

// tumblingSum is a keyed tumbling event-time window summing values.
func tumblingSum(size time.Duration, configure func(*WindowedStream[ev, string, window.TimeWindow])) func(t *testing.T, env *Env) func(*testing.T, string, ...testenv.Option) string {
	return func(t *testing.T, env *Env) func(*testing.T, string, ...testenv.Option) string {
		ws := Window(KeyBy(testInput(env), evKey), ok(window.TumblingEventTime[ev](size, 0)))
		if configure != nil {
			configure(ws)
		}
		return harnessRun(WindowReduce(ws, sumEv), lateTag.ID())
	}
}

func sumWith[W window.Window](assigner func(t *testing.T) window.Assigner[ev, W], configure func(*WindowedStream[ev, string, W])) func(t *testing.T, env *Env) func(*testing.T, string, ...testenv.Option) string {
	return func(t *testing.T, env *Env) func(*testing.T, string, ...testenv.Option) string {
		ws := Window(KeyBy(testInput(env), evKey), assigner(t))
		if configure != nil {
			configure(ws)
		}
		return harnessRun(WindowReduce(ws, sumEv), lateTag.ID())
	}
}

var windowCases = []windowCase{
	{
		name:  "tumbling event time",
		build: tumblingSum(10*ms, nil),
		script: `
			e a 1 1
			e a 2 5
			e b 3 9
			e a 4 10
			wm 8
			wm 9
			state
			wm 19
			state
			dropped`,
		want: `
			> e a 1 1
			> e a 2 5
			> e b 3 9
			> e a 4 10
			> wm 8
			> wm 9
			  a:3@9
			  b:3@9
			> state
			  contents=1 merging=0 event-timers=1 processing-timers=0
			> wm 19
			  a:4@19
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0
			> dropped
			  dropped=0`,
	},

	{
		name:  "tumbling event time: late elements are dropped and counted",
		build: tumblingSum(10*ms, nil),
		script: `
			e a 1 5
			wm 10
			e a 2 3
			e a 5 12
			dropped
			wm 19`,
		want: `
			> e a 1 5
			> wm 10
			  a:1@9
			> e a 2 3
			> e a 5 12
			> dropped
			  dropped=1
			> wm 19
			  a:5@19`,
	},
	{
		name: "tumbling event time: late side output",
		build: tumblingSum(10*ms, func(ws *WindowedStream[ev, string, window.TimeWindow]) {
			ws.SideOutputLateData(lateTag)
		}),
		script: `
			e a 1 5
			wm 10
			e a 2 3
			e a 2 -100
			dropped`,
		want: `
			> e a 1 5
			> wm 10
			  a:1@9
			> e a 2 3
			  late: a:2@3
			> e a 2 -100
			  late: a:2@-100
			> dropped
			  dropped=0`,
	},
	{
		name: "sliding event time with negative timestamps",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.SlidingEventTime[ev](10*ms, 5*ms, 0))
		}, nil),
		script: `
			e a 1 -3
			e a 2 -10
			e a 4 0
			wm -7
			wm -6
			wm -1
			wm 4
			state
			end
			state`,
		want: `
			> e a 1 -3
			> e a 2 -10
			> e a 4 0
			> wm -7
			> wm -6
			  a:2@-6
			> wm -1
			  a:3@-1
			> wm 4
			  a:5@4
			> state
			  contents=1 merging=0 event-timers=1 processing-timers=0
			> end
			  a:4@9
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "event-time sessions merge",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.EventTimeSession[ev](10 * ms))
		}, nil),
		script: `
			e a 1 1
			e a 2 15
			e b 1 3
			state
			e a 4 8
			state
			wm 12
			state
			wm 23
			wm 24
			state`,
		want: `
			> e a 1 1
			> e a 2 15
			> e b 1 3
			> state
			  contents=3 merging=2 event-timers=3 processing-timers=0
			> e a 4 8
			> state
			  contents=2 merging=2 event-timers=2 processing-timers=0
			> wm 12
			  b:1@12
			> state
			  contents=1 merging=1 event-timers=1 processing-timers=0
			> wm 23
			> wm 24
			  a:7@24
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "event-time sessions: a late element does not reopen a closed session",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.EventTimeSession[ev](10 * ms))
		}, func(ws *WindowedStream[ev, string, window.TimeWindow]) { ws.SideOutputLateData(lateTag) }),
		script: `
			e a 1 0
			wm 9
			e a 2 -5
			e a 3 5
			e a 4 12
			wm 30
			state`,
		want: `
			> e a 1 0
			> wm 9
			  a:1@9
			> e a 2 -5
			  late: a:2@-5
			> e a 3 5
			> e a 4 12
			> wm 30
			  a:7@21
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "dynamic-gap sessions",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.DynamicEventTimeSession(func(e ev) time.Duration { return time.Duration(e.V) * ms }))
		}, nil),
		script: `
			e a 5 0
			e a 3 6
			wm 3
			e a 10 4
			wm 12
			wm 13
			e a 0 20`,
		want: `
			> e a 5 0
			> e a 3 6
			> wm 3
			> e a 10 4
			> wm 12
			> wm 13
			  a:18@13
			> e a 0 20
			  error: window assigner DynamicEventTimeSessionWindows(): window: dynamic session gap must satisfy 0 < gap, got 0s`,
	},
	{
		name: "processing-time tumbling",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.TumblingProcessingTime[ev](10*ms, 0))
		}, nil),
		script: `
			pt 3
			e a 1
			e b 2 -500
			state
			pt 8
			pt 9
			state
			e a 4
			pt 10
			e a 8
			wm 1000
			pt 19`,
		want: `
			> pt 3
			> e a 1
			> e b 2 -500
			> state
			  contents=2 merging=0 event-timers=0 processing-timers=2
			> pt 8
			> pt 9
			  a:1@9
			  b:2@9
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0
			> e a 4
			> pt 10
			  a:4@9
			> e a 8
			> wm 1000
			> pt 19
			  a:8@19`,
	},
	{
		name: "processing-time sessions merge",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.ProcessingTimeSession[ev](10 * ms))
		}, nil),
		script: `
			e a 1
			pt 5
			e a 2
			pt 9
			pt 14
			state`,
		want: `
			> e a 1
			> pt 5
			> e a 2
			> pt 9
			> pt 14
			  a:3@14
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "global window with count trigger",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.GlobalWindow] { return window.Global[ev]() },
			func(ws *WindowedStream[ev, string, window.GlobalWindow]) {
				ws.Trigger(ok(window.CountTrigger[ev, window.GlobalWindow](3)))
			}),
		script: `
			e a 1
			e a 2
			e b 5
			e a 3
			e a 4
			e a 5
			e a 6
			end`,
		want: `
			> e a 1
			> e a 2
			> e b 5
			> e a 3
			  a:6@max
			> e a 4
			> e a 5
			> e a 6
			  a:21@max
			> end`,
	},
	{
		name: "global window with purging count trigger",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.GlobalWindow] { return window.Global[ev]() },
			func(ws *WindowedStream[ev, string, window.GlobalWindow]) {
				ws.Trigger(ok(window.PurgingTrigger(ok(window.CountTrigger[ev, window.GlobalWindow](3)))))
			}),
		script: `
			e a 1
			e a 2
			e a 3
			e a 4
			e a 5
			e a 6
			state`,
		want: `
			> e a 1
			> e a 2
			> e a 3
			  a:6@max
			> e a 4
			> e a 5
			> e a 6
			  a:15@max
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "global window with end-of-stream trigger fires at the end of bounded input",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.GlobalWindow] {
			return window.GlobalWithEndOfStreamTrigger[ev]()
		}, nil),
		script: `
			e a 1 5
			e b 2
			e a 3 100
			wm 1000000
			end`,
		want: `
			> e a 1 5
			> e b 2
			> e a 3 100
			> wm 1000000
			> end
			  a:4@max
			  b:2@max`,
	},
	{
		name:  "end of input fires every event-time window",
		build: tumblingSum(10*ms, nil),
		script: `
			e a 1 5
			e b 1 1000
			e b 1 -9223372036854775000
			end
			state`,
		want: `
			> e a 1 5
			> e b 1 1000
			> e b 1 -9223372036854775000
			> end
			  b:1@-9223372036854774991
			  a:1@9
			  b:1@1009
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "continuous event-time trigger",
		build: tumblingSum(10*ms, func(ws *WindowedStream[ev, string, window.TimeWindow]) {
			ws.Trigger(ok(window.ContinuousEventTimeTrigger[ev, window.TimeWindow](3 * ms)))
		}),
		script: `
			e a 1 1
			e a 2 2
			wm 3
			e a 4 5
			wm 7
			wm 9
			state`,
		want: `
			> e a 1 1
			> e a 2 2
			> wm 3
			  a:3@9
			> e a 4 5
			> wm 7
			  a:7@9
			> wm 9
			  a:7@9
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "continuous processing-time trigger on a global window",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.GlobalWindow] { return window.Global[ev]() },
			func(ws *WindowedStream[ev, string, window.GlobalWindow]) {
				ws.Trigger(ok(window.ContinuousProcessingTimeTrigger[ev, window.GlobalWindow](10 * ms)))
			}),
		script: `
			pt 3
			e a 1
			pt 10
			e a 2
			pt 15
			pt 20`,
		want: `
			> pt 3
			> e a 1
			> pt 10
			  a:1@max
			> e a 2
			> pt 15
			> pt 20
			  a:3@max`,
	},
	{
		name: "purging event-time trigger with allowed lateness fires only new elements",
		build: tumblingSum(10*ms, func(ws *WindowedStream[ev, string, window.TimeWindow]) {
			ws.Trigger(ok(window.PurgingTrigger(window.EventTimeTrigger[ev, window.TimeWindow]()))).AllowedLateness(10 * ms)
		}),
		script: `
			e a 1 1
			e a 2 2
			wm 9
			e a 4 3
			e a 8 4
			wm 19
			e a 16 5
			state`,
		want: `
			> e a 1 1
			> e a 2 2
			> wm 9
			  a:3@9
			> e a 4 3
			  a:4@9
			> e a 8 4
			  a:8@9
			> wm 19
			> e a 16 5
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "allowed lateness re-fires and then sends late data to the side output",
		build: tumblingSum(10*ms, func(ws *WindowedStream[ev, string, window.TimeWindow]) {
			ws.AllowedLateness(5 * ms).SideOutputLateData(lateTag)
		}),
		script: `
			e a 1 3
			wm 9
			state
			e a 2 4
			wm 13
			e a 4 1
			wm 14
			state
			e a 8 2
			e a 16 12
			dropped`,
		want: `
			> e a 1 3
			> wm 9
			  a:1@9
			> state
			  contents=1 merging=0 event-timers=1 processing-timers=0
			> e a 2 4
			  a:3@9
			> wm 13
			> e a 4 1
			  a:7@9
			> wm 14
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0
			> e a 8 2
			  late: a:8@2
			> e a 16 12
			> dropped
			  dropped=0`,
	},
	{
		name: "allowed lateness on sessions merges late elements into fired sessions",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.EventTimeSession[ev](10 * ms))
		}, func(ws *WindowedStream[ev, string, window.TimeWindow]) { ws.AllowedLateness(30 * ms) }),
		script: `
			e a 1 0
			e a 2 20
			wm 29
			e a 4 10
			wm 58
			state
			wm 59
			state`,
		want: `
			> e a 1 0
			> e a 2 20
			> wm 29
			  a:1@9
			  a:2@29
			> e a 4 10
			  a:7@29
			> wm 58
			> state
			  contents=1 merging=1 event-timers=1 processing-timers=0
			> wm 59
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "count evictor: sliding count window of 3 every element",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.GlobalWindow] { return window.Global[ev]() },
			func(ws *WindowedStream[ev, string, window.GlobalWindow]) {
				ws.Trigger(ok(window.CountTrigger[ev, window.GlobalWindow](1))).
					Evictor(ok(window.CountEvictor[ev, window.GlobalWindow](3, false)))
			}),
		script: `
			e a 1
			e a 2
			e a 3
			e a 4
			e a 5
			state`,
		want: `
			> e a 1
			  a:1@max
			> e a 2
			  a:3@max
			> e a 3
			  a:6@max
			> e a 4
			  a:9@max
			> e a 5
			  a:12@max
			> state
			  contents=1 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "count evictor after the function",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.GlobalWindow] { return window.Global[ev]() },
			func(ws *WindowedStream[ev, string, window.GlobalWindow]) {
				ws.Trigger(ok(window.CountTrigger[ev, window.GlobalWindow](2))).
					Evictor(ok(window.CountEvictor[ev, window.GlobalWindow](2, true)))
			}),
		script: `
			e a 1
			e a 2
			e a 3
			e a 4
			e a 5
			e a 6`,
		want: `
			> e a 1
			> e a 2
			  a:3@max
			> e a 3
			> e a 4
			  a:10@max
			> e a 5
			> e a 6
			  a:18@max`,
	},
	{
		name: "time evictor",
		build: tumblingSum(100*ms, func(ws *WindowedStream[ev, string, window.TimeWindow]) {
			ws.Evictor(ok(window.TimeEvictor[ev, window.TimeWindow](5*ms, false)))
		}),
		script: `
			e a 1 1
			e a 2 3
			e a 4 10
			e a 8 14
			e a 16 12
			wm 99
			state`,
		want: `
			> e a 1 1
			> e a 2 3
			> e a 4 10
			> e a 8 14
			> e a 16 12
			> wm 99
			  a:28@99
			> state
			  contents=0 merging=0 event-timers=0 processing-timers=0`,
	},
	{
		name: "evicting session windows merge their elements",
		build: sumWith(func(*testing.T) window.Assigner[ev, window.TimeWindow] {
			return ok(window.EventTimeSession[ev](10 * ms))
		}, func(ws *WindowedStream[ev, string, window.TimeWindow]) {
			ws.Evictor(ok(window.CountEvictor[ev, window.TimeWindow](2, false)))
		}),
		script: `
			e a 1 1
			e a 2 15
			e a 4 8
			wm 24`,
		want: `
			> e a 1 1
			> e a 2 15
			> e a 4 8
			> wm 24
			  a:6@24`,
	}}

func TestWindowScripts(t *testing.T) {
	for _, c := range windowCases {
		t.Run(c.name, func(t *testing.T) {
			run := c.build(t, NewEnv())
			checkTranscript(t, run(t, c.script, c.opts...), c.want)
		})
	}
}
