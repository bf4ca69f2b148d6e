package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// With unaligned checkpoints (always, or after an aligned checkpoint
// timeout) and two injected failures, q5 writes exactly the file of a
// failure-free run. (Tasks whose input records are pointers, which have no
// codec, take their checkpoints aligned: the job mixes both.)
func TestUnalignedCheckpointsExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "want.csv")
	mustEddy(t, "nexmark", "run", "-q", "q5", "-n", "200000", "-p", "2", "-o", want)
	wantData := readFile(t, want)
	for _, tc := range [][]string{
		{"--unaligned-checkpoints"},
		{"--unaligned-checkpoints", "--aligned-checkpoint-timeout", "20ms"},
	} {
		t.Run(strings.Join(tc, " "), func(t *testing.T) {
			got := filepath.Join(t.TempDir(), "got.csv")
			args := append([]string{"nexmark", "run", "-q", "q5", "-n", "200000", "-p", "2", "-o", got, "--rate", "250000",
				"--checkpoint-interval", "100ms", "--inject-failures", "2", "--failure-seed", "1"}, tc...)
			stdout, stderr, code := eddy(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "injected 2 of 2 failures") {
				t.Errorf("failures not injected: %s", stderr)
			}
			if m := lastJSON(t, stdout); m["checkpoints"] == nil || m["checkpoints"].(float64) < 1 {
				t.Errorf("no checkpoint completed: %v", m["checkpoints"])
			}
			if !bytes.Equal(readFile(t, got), wantData) {
				t.Errorf("output differs from the failure-free run")
			}
		})
	}
}

func TestUnalignedCheckpointFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--unaligned-checkpoints"},
		{"--aligned-checkpoint-timeout", "1s", "--checkpoint-interval", "1s"},
		{"--unaligned-checkpoints", "--aligned-checkpoint-timeout", "-1s", "--checkpoint-interval", "1s"},
	} {
		_, stderr, code := eddy(t, append([]string{"nexmark", "run", "-q", "q1", "-n", "10"}, args...)...)
		if code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
