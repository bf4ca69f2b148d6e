package main

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Table cells are measured in terminal cells: wide characters take two,
// so columns of CJK text or emoji stay aligned.
func TestFitDisplayWidth(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "  abc"},
		{"日本語", 8, "  日本語"},
		{"日本語テキスト", 8, " 日本..."},
		{"😀x", 4, " 😀x"},
		{"e\u0301", 3, "  e\u0301"},
		{"日本", 3, " 日"},
	} {
		got := fit(c.in, c.w)
		if got != c.want {
			t.Errorf("fit(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if ansi.StringWidth(got) != c.w {
			t.Errorf("fit(%q, %d) is %d cells wide", c.in, c.w, ansi.StringWidth(got))
		}
	}
	if got := clip("日本語", 4); got != "日本" {
		t.Errorf("clip = %q", got)
	}
}
