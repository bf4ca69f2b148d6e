package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// reference counts words with a plain map.
func reference(text string) string {
	counts := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		for _, w := range Words(line) {
			counts[w]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s,%d\n", k, counts[k])
	}
	return b.String()
}

func randomText(rng *rand.Rand, lines int) string {
	vocab := []string{"Alpha", "beta", "gamma", "delta", "épsilon", "zeta", "eta", "theta", "iota", "kappa", "x", "y"}
	seps := []string{" ", ", ", "--", "\t", "42", "!", "'"}
	var b strings.Builder
	for range lines {
		for range rng.IntN(12) {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestWordCountMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range []int{1, 2, 4} {
		text := randomText(rng, 500)
		path := filepath.Join(t.TempDir(), "in.txt")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(context.Background(), path, p, &out); err != nil {
			t.Fatal(err)
		}
		if want := reference(text); out.String() != want {
			t.Errorf("parallelism %d: output differs from reference\n got: %q\nwant: %q", p, out.String(), want)
		}
	}
}

func TestWordCountMissingFile(t *testing.T) {
	err := run(context.Background(), filepath.Join(t.TempDir(), "nope.txt"), 1, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "nope.txt") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}
