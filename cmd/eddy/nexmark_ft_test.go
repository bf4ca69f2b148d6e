package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// With checkpoints every 100 ms and two injected failures, q3, q5 and q7
// on 200K events write exactly the file of a failure-free run, for two
// seeds. The rate makes the run last about a second, so that checkpoints
// complete before, between and after the failures.
func TestInjectedFailuresExactlyOnce(t *testing.T) {
	const events = "200000"
	for _, q := range []string{"q3", "q5", "q7"} {
		t.Run(q, func(t *testing.T) {
			dir := t.TempDir()
			want := filepath.Join(dir, "want.csv")
			mustEddy(t, "nexmark", "run", "-q", q, "-n", events, "-p", "2", "-o", want)
			wantData := readFile(t, want)
			if len(parseCSV(t, want, wantData)) < 2 {
				t.Fatalf("%s: no result rows", q)
			}
			for _, seed := range []string{"1", "2"} {
				got := filepath.Join(dir, "seed"+seed+".csv")
				stdout, stderr, code := eddy(t, "nexmark", "run", "-q", q, "-n", events, "-p", "2", "-o", got,
					"--rate", "250000", "--checkpoint-interval", "100ms", "--inject-failures", "2", "--failure-seed", seed)
				if code != 0 {
					t.Fatalf("seed %s: exit %d\n%s%s", seed, code, stdout, stderr)
				}
				lastJSON(t, stdout)
				var replayed int64
				if i := strings.Index(stderr, "injected 2 of 2 failures; "); i < 0 {
					t.Errorf("seed %s: failures not injected: %s", seed, stderr)
				} else if _, err := fmt.Sscanf(stderr[i:], "injected 2 of 2 failures; %d events replayed", &replayed); err != nil {
					t.Errorf("seed %s: %v in %q", seed, err, stderr)
				} else if replayed > 100_000 {
					// From the beginning twice would replay about as many;
					// from checkpoints, about one interval per failure.
					t.Errorf("seed %s: %d events replayed: were checkpoints restored?", seed, replayed)
				}
				if gotData := readFile(t, got); !bytes.Equal(gotData, wantData) {
					t.Errorf("seed %s: output differs from the failure-free run (%d bytes, want %d)", seed, len(gotData), len(wantData))
				}
			}
		})
	}
}

// Checkpoints alone (no failures) and failures without checkpoints (the
// job restarts from the beginning) give the failure-free output too, also
// for an updating query.
func TestCheckpointedOutput(t *testing.T) {
	for _, tc := range [][]string{
		{"q4", "--checkpoint-interval", "50ms"},
		{"q4", "--inject-failures", "1"},
		{"q1", "--inject-failures", "2", "--checkpoint-interval", "50ms", "--failure-seed", "3"},
	} {
		t.Run(strings.Join(tc, " "), func(t *testing.T) {
			dir := t.TempDir()
			want, got := filepath.Join(dir, "want.csv"), filepath.Join(dir, "got.csv")
			mustEddy(t, "nexmark", "run", "-q", tc[0], "-n", "50000", "-p", "2", "-o", want)
			args := append([]string{"nexmark", "run", "-q", tc[0], "-n", "50000", "-p", "2", "-o", got, "--rate", "200000"}, tc[1:]...)
			mustEddy(t, args...)
			if !bytes.Equal(readFile(t, got), readFile(t, want)) {
				t.Errorf("output differs from the failure-free run")
			}
		})
	}
}

func TestCheckpointFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--checkpoint-interval", "-1s"},
		{"--inject-failures", "-1"},
		{"--checkpoint-dir", "/tmp/x"},
		{"--stop-with-savepoint-after", "5"},
		{"--from-savepoint", "/tmp/x"},
		{"--stop-with-savepoint-after", "-1", "--checkpoint-interval", "1s"},
		{"--allow-non-restored-state", "--checkpoint-interval", "1s"},
		{"--state-backend", "memory"},
		{"--incremental-checkpoints"},
		{"--state-backend", "lsm", "--incremental-checkpoints"},
		{"--state-backend", "lsm", "--state-memory", "lots"},
	} {
		_, stderr, code := eddy(t, append([]string{"nexmark", "run", "-q", "q1", "-n", "10"}, args...)...)
		if code == 0 {
			t.Errorf("%v: exit 0", args)
		}
		if stderr == "" {
			t.Errorf("%v: no error message", args)
		}
	}
}

// With --checkpoint-interval the JSON line ends with the checkpoint
// statistics: completed checkpoints, their durations and the size of the
// last one, the restarts and the longest recovery.
func TestCheckpointStatsInJSON(t *testing.T) {
	stdout, stderr, code := eddy(t, "nexmark", "run", "-q", "q5", "-n", "300000", "-p", "2",
		"--rate", "300000", "--checkpoint-interval", "100ms", "--inject-failures", "1")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	m := lastJSON(t, stdout)
	for _, k := range []string{"checkpoints", "checkpoint_ms_max", "checkpoint_bytes_last", "recovery_ms_max"} {
		if v, ok := m[k].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", k, m[k])
		}
	}
	if v, ok := m["checkpoint_ms_avg"].(float64); !ok || v < 0 {
		t.Errorf("checkpoint_ms_avg = %v", m["checkpoint_ms_avg"])
	}
	if m["restarts"] != float64(1) {
		t.Errorf("restarts = %v, want 1", m["restarts"])
	}
	// Without checkpoints the keys are absent.
	stdout, stderr, code = eddy(t, "nexmark", "run", "-q", "q5", "-n", "100000")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if m := lastJSON(t, stdout); m["checkpoints"] != nil || m["recovery_ms_max"] != nil {
		t.Errorf("checkpoint statistics without --checkpoint-interval: %v", m)
	}
}

// On the lsm state backend, with full and with incremental checkpoints,
// q5 and q9 with two injected failures write exactly the file of a
// failure-free heap run.
func TestInjectedFailuresExactlyOnceLSM(t *testing.T) {
	const events = "150000"
	for _, q := range []string{"q5", "q9"} {
		t.Run(q, func(t *testing.T) {
			dir := t.TempDir()
			want := filepath.Join(dir, "want.csv")
			mustEddy(t, "nexmark", "run", "-q", q, "-n", events, "-p", "2", "-o", want)
			wantData := readFile(t, want)
			for _, mode := range []string{"full", "incremental"} {
				got := filepath.Join(dir, mode+".csv")
				args := []string{"nexmark", "run", "-q", q, "-n", events, "-p", "2", "-o", got, "--rate", "200000",
					"--checkpoint-interval", "100ms", "--inject-failures", "2", "--failure-seed", "3",
					"--state-backend", "lsm", "--state-dir", t.TempDir(), "--state-memory", "8mb"}
				if mode == "incremental" {
					args = append(args, "--incremental-checkpoints")
				}
				stdout, stderr, code := eddy(t, args...)
				if code != 0 {
					t.Fatalf("%s: exit %d\n%s%s", mode, code, stdout, stderr)
				}
				if !strings.Contains(stderr, "injected 2 of 2 failures") {
					t.Errorf("%s: failures not injected: %s", mode, stderr)
				}
				if gotData := readFile(t, got); !bytes.Equal(gotData, wantData) {
					t.Errorf("%s: output differs from the failure-free run (%d bytes, want %d)", mode, len(gotData), len(wantData))
				}
			}
		})
	}
}
