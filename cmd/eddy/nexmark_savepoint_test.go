package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store/s3test"
)

// q5 on 200K events stopped with a savepoint at parallelism 2 midway and
// resumed at parallelism 3, and separately at 1: the rows of the first
// part and of the resumed part together are those of an uninterrupted run
// (q5 appends; both parts go through the exactly-once file sink).
func TestStopWithSavepointAndRescale(t *testing.T) {
	const events = "200000"
	dir := t.TempDir()
	want := filepath.Join(dir, "want.csv")
	mustEddy(t, "nexmark", "run", "-q", "q5", "-n", events, "-p", "2", "-o", want)
	wantRows := parseCSV(t, want, readFile(t, want))
	if len(wantRows) < 2 {
		t.Fatal("no result rows")
	}
	header, wantRows := wantRows[0], wantRows[1:]
	slices.SortFunc(wantRows, func(a, b []string) int { return slices.Compare(a, b) })

	for _, tc := range []struct {
		p  string
		s3 bool
	}{{"3", false}, {"1", false}, {"3", true}} {
		p := tc.p
		name := "p2to" + p
		if tc.s3 {
			name += "/s3"
		}
		t.Run(name, func(t *testing.T) {
			sub := t.TempDir()
			first, second := filepath.Join(sub, "first.csv"), filepath.Join(sub, "second.csv")
			spDir := filepath.Join(sub, "savepoints")
			if tc.s3 {
				// The savepoint goes to an S3 server; the part files to
				// the temporary directory.
				spDir = s3test.Start(t, "bucket").URL("bucket/savepoints")
				t.Setenv("TMPDIR", sub)
			}
			stdout, stderr, code := eddy(t, "nexmark", "run", "-q", "q5", "-n", events, "-p", "2", "-o", first,
				"--rate", "250000", "--checkpoint-interval", "100ms",
				"--stop-with-savepoint-after", "100000", "--savepoint-dir", spDir)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			sp, _ := lastJSON(t, stdout)["savepoint"].(string)
			if sp == "" || !strings.Contains(stderr, "savepoint: "+sp) {
				t.Fatalf("no savepoint path in %s / %s", stdout, stderr)
			}
			if !strings.HasPrefix(filepath.Base(strings.Split(sp, "?")[0]), "savepoint-") {
				t.Fatalf("savepoint path %s", sp)
			}
			if tc.s3 {
				if !strings.HasPrefix(sp, "s3://bucket/savepoints/savepoint-") {
					t.Fatalf("savepoint URL %s", sp)
				}
			} else if _, err := os.Stat(filepath.Join(sp, "_metadata")); err != nil {
				t.Fatal(err)
			}
			mustEddy(t, "nexmark", "run", "-q", "q5", "-n", events, "-p", p, "-o", second,
				"--checkpoint-interval", "100ms", "--from-savepoint", sp)
			a := parseCSV(t, first, readFile(t, first))
			b := parseCSV(t, second, readFile(t, second))
			if len(a) == 0 || len(b) == 0 || !slices.Equal(a[0], header) || !slices.Equal(b[0], header) {
				t.Fatalf("bad headers: %v %v", a, b)
			}
			if len(b) < 2 {
				t.Fatal("the resumed run wrote no rows")
			}
			t.Logf("first part: %d rows, resumed part: %d rows", len(a)-1, len(b)-1)
			got := append(a[1:], b[1:]...)
			slices.SortFunc(got, func(x, y []string) int { return slices.Compare(x, y) })
			if !slices.EqualFunc(got, wantRows, slices.Equal[[]string]) {
				t.Errorf("first part (%d rows) + resumed part (%d rows) differ from the uninterrupted run (%d rows)",
					len(a)-1, len(b)-1, len(wantRows))
			}
		})
	}
}
