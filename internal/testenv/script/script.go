// Package script runs interaction scripts for tests of state machines (as
// etcd's raft interaction tests): a file of blocks separated by blank
// lines, each a command, a "----" line and the expected output. Lines of a
// command starting with # are comments. With -rewrite the expected outputs
// are rewritten from what the commands give.
package script

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata scripts")

// Command is one parsed command line: its name and key=value arguments (a
// bare word is a key with an empty value).
type Command struct {
	Line string
	Name string
	Args map[string]string
}

// RunAll runs every file matching pattern as a subtest of t.
func RunAll(t *testing.T, pattern string, run func(t *testing.T) func(Command) (string, error)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts match %s: %v", pattern, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { Run(t, f, run(t)) })
	}
}

// Run runs the script at path, calling do for each command; an error is
// shown as the output "error: …".
func Run(t *testing.T, path string, do func(Command) (string, error)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, block := range strings.Split(strings.TrimSpace(string(data)), "\n\n") {
		cmd, want, ok := strings.Cut(block, "\n----")
		if !ok {
			t.Fatalf("%s: block without ----: %q", path, block)
		}
		want = strings.TrimPrefix(want, "\n")
		var lines []string // the command without its comment lines
		for _, l := range strings.Split(cmd, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "#") {
				lines = append(lines, l)
			}
		}
		got, err := do(parse(strings.TrimSpace(strings.Join(lines, "\n"))))
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

func parse(line string) Command {
	fields := strings.Fields(line)
	c := Command{Line: line, Args: map[string]string{}}
	if len(fields) == 0 {
		return c
	}
	c.Name = fields[0]
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		c.Args[k] = v
	}
	return c
}
