package exchange

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/testenv/script"
)

// TestAlignerScripts runs the scripts in testdata/aligner: each block is a
// command, a "----" line, and the aligner's decisions followed by its state
// (the pending checkpoint and the blocked channels), as in etcd's raft
// interaction tests. Lines starting with # are comments. Commands:
//
//	new channels=N [mode=exactly-once|at-least-once] [unaligned] [timeout=MS]
//	barrier ch=N id=N [savepoint]
//	overtake ch=N id=N [data=S]  (an unaligned barrier that overtook records S)
//	announce ch=N id=N
//	add ch=N data=S              (records taken from a capturing channel)
//	tick now=MS
//	end ch=N
//	abort id=N
//
// Barrier n carries the timestamp 1000+n. With unaligned checkpoints the
// state also lists the capturing channels, and a completed channel state
// is printed per channel.
func TestAlignerScripts(t *testing.T) {
	script.RunAll(t, "testdata/aligner/*.txt", func(*testing.T) func(script.Command) (string, error) {
		var a *Aligner
		return func(c script.Command) (string, error) { return runAlignerCommand(&a, c) }
	})
}

func runAlignerCommand(ap **Aligner, c script.Command) (string, error) {
	fields, args := strings.Fields(c.Line), c.Args
	num := func(k string) (int64, error) {
		v, ok := args[k]
		if !ok {
			return 0, fmt.Errorf("%s: missing %s=", fields[0], k)
		}
		return strconv.ParseInt(v, 10, 64)
	}
	if fields[0] == "new" {
		n, err := num("channels")
		if err != nil {
			return "", err
		}
		mode := ExactlyOnce
		if m, ok := args["mode"]; ok {
			if mode, err = ParseCheckpointingMode(m); err != nil {
				return "", err
			}
		}
		*ap = NewAligner(int(n), mode)
		if _, ok := args["unaligned"]; ok {
			var timeout int64
			if _, ok := args["timeout"]; ok {
				if timeout, err = num("timeout"); err != nil {
					return "", err
				}
			}
			(*ap).SetUnaligned(timeout)
		}
		return describeAligner(*ap, nil), nil
	}
	a := *ap
	if a == nil {
		return "", fmt.Errorf("no aligner: start with new")
	}
	var decisions []Alignment
	switch fields[0] {
	case "barrier":
		ch, err := num("ch")
		if err != nil {
			return "", err
		}
		id, err := num("id")
		if err != nil {
			return "", err
		}
		_, sp := args["savepoint"]
		decisions = a.Barrier(int(ch), event.Barrier{ID: id, Timestamp: 1000 + id, Savepoint: sp})
	case "overtake", "announce":
		ch, err := num("ch")
		if err != nil {
			return "", err
		}
		id, err := num("id")
		if err != nil {
			return "", err
		}
		b := event.Barrier{ID: id, Timestamp: 1000 + id, Unaligned: fields[0] == "overtake"}
		if fields[0] == "announce" {
			decisions = a.Announce(int(ch), b)
		} else if !a.TakesUnaligned(b) {
			return "not taken unaligned\n" + describeAligner(a, nil), nil
		} else {
			decisions = a.Overtake(int(ch), b, []byte(args["data"]))
		}
	case "add":
		ch, err := num("ch")
		if err != nil {
			return "", err
		}
		a.AddChannelState(int(ch), []byte(args["data"]))
	case "tick":
		now, err := num("now")
		if err != nil {
			return "", err
		}
		decisions = a.Tick(now)
	case "end":
		ch, err := num("ch")
		if err != nil {
			return "", err
		}
		decisions = a.End(int(ch))
	case "abort":
		id, err := num("id")
		if err != nil {
			return "", err
		}
		if a.Abort(id) {
			return "cancelled\n" + describeAligner(a, nil), nil
		}
	default:
		return "", fmt.Errorf("unknown command %q", fields[0])
	}
	return describeAligner(a, decisions), nil
}

func describeAligner(a *Aligner, decisions []Alignment) string {
	var b strings.Builder
	for _, d := range decisions {
		kind := "checkpoint"
		if d.Barrier.Savepoint {
			kind = "savepoint"
		}
		fmt.Fprintf(&b, "%s %s %d (ts %d)", d.Kind, kind, d.Barrier.ID, d.Barrier.Timestamp)
		if d.Err != nil {
			fmt.Fprintf(&b, ": %v", d.Err)
		}
		if d.State != nil {
			for ch, data := range d.State.Channels {
				fmt.Fprintf(&b, " ch%d=%q", ch, data)
			}
		}
		b.WriteByte('\n')
	}
	if p, ok := a.Pending(); ok {
		fmt.Fprintf(&b, "pending %d", p.ID)
		if a.PendingUnaligned() {
			b.WriteString(" (unaligned)")
		}
	} else {
		b.WriteString("pending none")
	}
	var blocked []int
	for ch := range a.NumChannels() {
		if a.Blocked(ch) {
			blocked = append(blocked, ch)
		}
	}
	fmt.Fprintf(&b, " blocked %v", blocked)
	if a.Unaligned() {
		var capturing []int
		for ch := range a.NumChannels() {
			if a.Capturing(ch) {
				capturing = append(capturing, ch)
			}
		}
		fmt.Fprintf(&b, " capturing %v", capturing)
	}
	return b.String()
}

func TestParseCheckpointingMode(t *testing.T) {
	for s, want := range map[string]CheckpointingMode{
		"EXACTLY_ONCE": ExactlyOnce, "exactly_once": ExactlyOnce, "exactly-once": ExactlyOnce,
		"AT_LEAST_ONCE": AtLeastOnce, " at-least-once ": AtLeastOnce,
	} {
		got, err := ParseCheckpointingMode(s)
		if err != nil || got != want {
			t.Errorf("ParseCheckpointingMode(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "_") {
			t.Errorf("%v prints as %q", got, got.String())
		}
	}
	if _, err := ParseCheckpointingMode("exactly-twice"); err == nil || !strings.Contains(err.Error(), "execution.checkpointing.mode") {
		t.Errorf("error %v", err)
	}
	var zero CheckpointingMode
	if zero != ExactlyOnce {
		t.Error("the zero mode is not exactly-once")
	}
}
