package exchange

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/event"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata scripts")

// TestAlignerScripts runs the scripts in testdata/aligner: each block is a
// command, a "----" line, and the aligner's decisions followed by its state
// (the pending checkpoint and the blocked channels), as in etcd's raft
// interaction tests. Lines starting with # are comments. Commands:
//
//	new channels=N [mode=exactly-once|at-least-once]
//	barrier ch=N id=N [savepoint]
//	end ch=N
//	abort id=N
func TestAlignerScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/aligner/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runAlignerScript(t, f) })
	}
}

func runAlignerScript(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a *Aligner
	var out strings.Builder
	for _, block := range strings.Split(strings.TrimSpace(string(data)), "\n\n") {
		cmd, want, ok := strings.Cut(block, "\n----")
		if !ok {
			t.Fatalf("block without ----: %q", block)
		}
		want = strings.TrimPrefix(want, "\n")
		var lines []string // the command without its comment lines
		for _, l := range strings.Split(cmd, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "#") {
				lines = append(lines, l)
			}
		}
		got, err := runAlignerCommand(&a, strings.TrimSpace(strings.Join(lines, "\n")))
		if err != nil {
			got = "error: " + err.Error()
		}
		fmt.Fprintf(&out, "%s\n----\n%s\n\n", cmd, got)
		if !*rewrite && got != want {
			t.Errorf("%s: %s\n got:\n%s\nwant:\n%s", path, cmd, got, want)
		}
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(strings.TrimSpace(out.String())+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runAlignerCommand(ap **Aligner, line string) (string, error) {
	fields := strings.Fields(line)
	args := map[string]string{}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		args[k] = v
	}
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
		b.WriteByte('\n')
	}
	if p, ok := a.Pending(); ok {
		fmt.Fprintf(&b, "pending %d", p.ID)
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
