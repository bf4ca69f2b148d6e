package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sqlTestTable = `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '4',
  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '4', 'fields.b.length' = '2');`

func TestSQLExecutePrintsTableau(t *testing.T) {
	out := mustEddy(t, "sql", "-e", sqlTestTable+" SELECT a, a * 10 AS x FROM t WHERE a > 2")
	for _, want := range []string{
		"[INFO] Execute statement succeeded.",
		"+----+---+----+",
		"| op | a |  x |",
		"| +I | 3 | 30 |",
		"| +I | 4 | 40 |",
		"Received a total of 2 rows",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSQLFileWritesFinalCSV(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "q.sql")
	csv := filepath.Join(dir, "out.csv")
	body := sqlTestTable + `
SET 'parallelism.default' = '2';
SELECT MOD(a, 2) AS k, COUNT(*) AS n, MAX(TIMESTAMP '2024-01-02 03:04:05.006') AS ts FROM t GROUP BY MOD(a, 2);`
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustEddy(t, "sql", "-f", script, "--output", csv)
	if !strings.Contains(out, "| -U |") {
		t.Errorf("the changelog lacks updates:\n%s", out)
	}
	got, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	want := []string{"k,n,ts", "0,2,2024-01-02 03:04:05.006", "1,2,2024-01-02 03:04:05.006"}
	if len(lines) != 3 || lines[0] != want[0] {
		t.Fatalf("CSV:\n%s", got)
	}
	if !(lines[1] == want[1] && lines[2] == want[2] || lines[1] == want[2] && lines[2] == want[1]) {
		t.Errorf("CSV:\n%s\nwant rows %v", got, want[1:])
	}
}

func TestSQLErrorExitsOne(t *testing.T) {
	_, errOut, code := eddy(t, "sql", "-e", sqlTestTable+" SELECT nope FROM t")
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{"column 'nope' not found", "SELECT nope FROM t", "^"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, _, code := eddy(t, "sql", "-e", "SELECT 1", "-f", "x.sql"); code != 2 {
		t.Errorf("both -e and -f: exit status %d, want 2", code)
	}
}

func TestNexmarkSQLEqualsDataStream(t *testing.T) {
	dir := t.TempDir()
	for _, q := range []string{"q1", "q5"} {
		ds, sq := filepath.Join(dir, q+"-ds.csv"), filepath.Join(dir, q+"-sql.csv")
		mustEddy(t, "nexmark", "run", "--query", q, "--events", "50000", "--output", ds)
		out := mustEddy(t, "nexmark", "run", "--query", q, "--events", "50000", "--api", "sql", "--output", sq)
		if !strings.Contains(out, `"events_per_second"`) {
			t.Errorf("%s: no JSON result line: %s", q, out)
		}
		a, _ := os.ReadFile(ds)
		b, _ := os.ReadFile(sq)
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s: --api sql wrote %d bytes, --api datastream %d, and they differ", q, len(b), len(a))
		}
	}
	if _, _, code := eddy(t, "nexmark", "run", "--query", "q23", "--events", "10", "--api", "sql"); code != 2 {
		t.Errorf("--api sql with an unknown query: exit status %d, want 2", code)
	}
	if _, stderr, code := eddy(t, "nexmark", "run", "--query", "q15", "--events", "10"); code != 2 || !strings.Contains(stderr, "--api sql") {
		t.Errorf("a SQL-only query with --api datastream: exit status %d, want 2 and a hint: %s", code, stderr)
	}
}

// Every query of the suite runs through `eddy nexmark run --api sql`.
func TestNexmarkSQLAllQueries(t *testing.T) {
	dir := t.TempDir()
	for _, q := range []string{"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14",
		"q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"} {
		out := filepath.Join(dir, q+".csv")
		stdout, stderr, code := eddy(t, "nexmark", "run", "--query", q, "--events", "20000", "--api", "sql", "--output", out, "-p", "2")
		if code != 0 {
			t.Errorf("%s: exit status %d\n%s%s", q, code, stdout, stderr)
			continue
		}
		if q == "q12" {
			continue // processing-time windows: maybe none closed yet
		}
		if rows := strings.Count(string(readFile(t, out)), "\n"); rows < 2 {
			t.Errorf("%s: %d lines in the output, want a header and rows", q, rows)
		}
	}
}

// A SQL query with injected failures and checkpoints writes what a
// failure-free run writes, for an append query, an updating one (a
// changelog) and the lookup join.
func TestNexmarkSQLInjectedFailuresExactlyOnce(t *testing.T) {
	const events = "150000"
	for _, q := range []string{"q5", "q4", "q13", "q17"} {
		t.Run(q, func(t *testing.T) {
			dir := t.TempDir()
			want := filepath.Join(dir, "want.csv")
			mustEddy(t, "nexmark", "run", "--api", "sql", "-q", q, "-n", events, "-p", "2", "-o", want)
			wantData := string(readFile(t, want))
			if strings.Count(wantData, "\n") < 2 {
				t.Fatalf("%s: no result rows", q)
			}
			got := filepath.Join(dir, "got.csv")
			stdout, stderr, code := eddy(t, "nexmark", "run", "--api", "sql", "-q", q, "-n", events, "-p", "2", "-o", got,
				"--rate", "200000", "--checkpoint-interval", "100ms", "--inject-failures", "2", "--failure-seed", "5")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "injected 2 of 2 failures") {
				t.Errorf("failures not injected: %s", stderr)
			}
			if gotData := string(readFile(t, got)); gotData != wantData {
				t.Errorf("output differs from the failure-free run (%d bytes, want %d)", len(gotData), len(wantData))
			}
		})
	}
}
