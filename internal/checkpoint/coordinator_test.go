package checkpoint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/testenv/script"
)

// TestScripts runs the interaction scripts in testdata: each block is a
// command, a "----" line and the decisions the coordinator made (its Ready
// after the command), as in etcd's raft interaction tests.
func TestScripts(t *testing.T) {
	script.RunAll(t, "testdata/*.txt", func(*testing.T) func(script.Command) (string, error) {
		var c *Coordinator
		return func(cmd script.Command) (string, error) { return runCommand(&c, cmd) }
	})
}

func runCommand(cp **Coordinator, cmd script.Command) (string, error) {
	fields, args := strings.Fields(cmd.Line), cmd.Args
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(args[k], 10, 64)
		return n
	}
	switch fields[0] {
	case "new":
		cfg := DefaultConfig()
		if v, ok := args["interval"]; ok {
			cfg.Interval = time.Duration(num("interval")) * time.Millisecond
			_ = v
		}
		if _, ok := args["timeout"]; ok {
			cfg.Timeout = time.Duration(num("timeout")) * time.Millisecond
		}
		if _, ok := args["min-pause"]; ok {
			cfg.MinPause = time.Duration(num("min-pause")) * time.Millisecond
		}
		if _, ok := args["max-concurrent"]; ok {
			cfg.MaxConcurrent = int(num("max-concurrent"))
		}
		if _, ok := args["tolerable"]; ok {
			cfg.TolerableFailures = int(num("tolerable"))
		}
		if _, ok := args["retained"]; ok {
			cfg.Retained = int(num("retained"))
		}
		c, err := New(cfg, strings.Split(args["tasks"], ","), num("last"))
		if err != nil {
			return "", err
		}
		*cp = c
		return "ok", nil
	}
	c := *cp
	var err error
	switch fields[0] {
	case "tick":
		c.Tick(num("now"))
	case "ack":
		err = c.Step(Ack{ID: num("id"), Task: args["task"], State: "state-" + args["task"] + "-" + args["id"]})
	case "decline":
		err = c.Step(Decline{ID: num("id"), Task: args["task"], Reason: args["reason"]})
	case "savepoint":
		err = c.Step(RequestSavepoint{})
	case "hurry":
		err = c.Step(Hurry{})
	default:
		return "", fmt.Errorf("unknown command %q", fields[0])
	}
	if err != nil {
		return "", err
	}
	r := c.Ready()
	c.Advance()
	return describe(r, c), nil
}

func describe(r Ready, c *Coordinator) string {
	var lines []string
	for _, tr := range r.Triggers {
		lines = append(lines, fmt.Sprintf("trigger %s %d at %d", tr.Kind, tr.ID, tr.Timestamp))
	}
	for _, d := range r.Completed {
		lines = append(lines, fmt.Sprintf("complete %s %d in %dms states %v", d.Kind, d.ID, d.Duration, sortedStates(d.States)))
	}
	for _, a := range r.Aborted {
		lines = append(lines, fmt.Sprintf("abort %s %d: %s; states %v", a.Kind, a.ID, a.Reason, sortedStates(a.States)))
	}
	for _, s := range r.Subsumed {
		lines = append(lines, fmt.Sprintf("subsume %d", s.ID))
	}
	for _, d := range r.Discarded {
		lines = append(lines, fmt.Sprintf("discard %v", d))
	}
	if r.Failure != nil {
		lines = append(lines, "fail job: "+r.Failure.Error())
	}
	lines = append(lines, fmt.Sprintf("pending %v", c.Pending()))
	return strings.Join(lines, "\n")
}

func sortedStates(m map[string]any) []string {
	var s []string
	for _, v := range m {
		s = append(s, fmt.Sprint(v))
	}
	slices.Sort(s)
	return s
}

func TestConfigValidation(t *testing.T) {
	bad := []Config{
		{Interval: -1, Timeout: time.Second, MaxConcurrent: 1, Retained: 1},
		{Interval: time.Millisecond, Timeout: time.Second, MaxConcurrent: 1, Retained: 1},
		{Timeout: 0, MaxConcurrent: 1, Retained: 1},
		{Timeout: time.Second, MaxConcurrent: 0, Retained: 1},
		{Timeout: time.Second, MaxConcurrent: 1, Retained: 0},
		{Timeout: time.Second, MaxConcurrent: 1, Retained: 1, TolerableFailures: -1},
		{Timeout: time.Second, MaxConcurrent: 1, Retained: 1, MinPause: -1},
	}
	for _, cfg := range bad {
		if _, err := New(cfg, []string{"a"}, 0); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	if _, err := New(DefaultConfig(), nil, 0); err == nil {
		t.Error("no tasks accepted")
	}
	if _, err := New(DefaultConfig(), []string{"a", "a"}, 0); err == nil {
		t.Error("duplicate tasks accepted")
	}
}
