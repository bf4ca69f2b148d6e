package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestShellSplitStatements(t *testing.T) {
	for _, tc := range []struct {
		in    string
		stmts []string
		rest  string
	}{
		{"SELECT 1;", []string{"SELECT 1;"}, ""},
		{"SELECT 1", nil, "SELECT 1"},
		{"  SELECT 1;\n  SELECT 2;  ", []string{"SELECT 1;", "SELECT 2;"}, "  "},
		{"SELECT 'a;b';", []string{"SELECT 'a;b';"}, ""},
		{"SELECT 'it''s;';", []string{"SELECT 'it''s;';"}, ""},
		{"SELECT 'open;", nil, "SELECT 'open;"},
		{"SELECT `a;b` FROM t;", []string{"SELECT `a;b` FROM t;"}, ""},
		{"SELECT \"x;\";", []string{"SELECT \"x;\";"}, ""},
		{"SELECT 1 -- a comment; still\n;", []string{"SELECT 1 -- a comment; still\n;"}, ""},
		{"SELECT /* ; */ 1;", []string{"SELECT /* ; */ 1;"}, ""},
		{"SELECT /* ; 1;", nil, "SELECT /* ; 1;"},
		{";;", nil, ""},
		{"SELECT 1; SELECT", []string{"SELECT 1;"}, " SELECT"},
		{"EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;",
			[]string{"EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;"}, ""},
		{"BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\n", nil, "BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\n"},
		{"begin statement set; insert into a select 1; end; SELECT 'x';",
			[]string{"begin statement set; insert into a select 1; end;", "SELECT 'x';"}, ""},
		{"SELECT 'é;'; -- done", []string{"SELECT 'é;';"}, " -- done"},
	} {
		stmts, rest := splitStatements(tc.in)
		if !slices.Equal(stmts, tc.stmts) || rest != tc.rest {
			t.Errorf("splitStatements(%q) = %q, %q; want %q, %q", tc.in, stmts, rest, tc.stmts, tc.rest)
		}
	}
	for in, want := range map[string]bool{"": true, "  \n": true, "-- c": true, "/* c */": true, "/* c": false, "x": false, "'": false} {
		if got := blank(in); got != want {
			t.Errorf("blank(%q) = %v", in, got)
		}
	}
}

func TestShellHistoryPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "eddy", "sql_history")
	h := loadHistory(path)
	h.add("SELECT 1;")
	h.add("SELECT 1;") // a repeat is kept once
	h.add("SELECT 'a\\b'\nFROM t;")
	h.add("  ")
	got := loadHistory(path).entries
	want := []string{"SELECT 1;", "SELECT 'a\\b'\nFROM t;"}
	if !slices.Equal(got, want) {
		t.Fatalf("reloaded %q, want %q", got, want)
	}
	for i := range maxHistory + 10 {
		h.add("SELECT " + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ";")
	}
	if n := len(loadHistory(path).entries); n != maxHistory {
		t.Errorf("reloaded %d entries, want the last %d", n, maxHistory)
	}
	// An unwritable place costs the persistence only.
	bad := loadHistory(filepath.Join(path, "not-a-dir", "h"))
	bad.add("SELECT 2;")
	if len(bad.entries) != 1 {
		t.Errorf("in-memory history lost the entry")
	}
	t.Setenv("XDG_STATE_HOME", "/state")
	if p := defaultHistoryPath(); p != "/state/eddy/sql_history" {
		t.Errorf("defaultHistoryPath() = %q", p)
	}
}

func TestShellLineEditor(t *testing.T) {
	var e lineEditor
	e.insert("SELECT a FROM t")
	e.wordLeft()
	e.wordLeft()
	e.wordLeft()
	e.insert("x, ")
	if got := e.text(); got != "SELECT x, a FROM t" {
		t.Fatalf("text %q", got)
	}
	e.home()
	e.del()
	e.insert("s")
	e.end()
	e.backspace()
	e.insert("u\nWHERE")
	e.up()
	if e.pos != 5 {
		t.Errorf("up kept the column: pos %d, want 5", e.pos)
	}
	e.killToEnd()
	if got := e.text(); got != "sELEC\nWHERE" {
		t.Errorf("text %q", got)
	}
	if !e.down() || e.down() {
		t.Errorf("down moves to the last line once")
	}
	e.deleteWordLeft()
	e.insert("\tb\x07")
	if got := e.text(); got != "sELEC\n b" {
		t.Errorf("text %q", got)
	}
	e.set("SELECT 123456789")
	e.left()
	lines, cx, cy := e.render("P> ", "> ", 10)
	want := []string{"P> SELECT ", "123456789"}
	if !slices.Equal(lines, want) || cx != 8 || cy != 1 {
		t.Errorf("render = %q (%d,%d), want %q (8,1)", lines, cx, cy, want)
	}
	e.set("a\nb")
	lines, cx, cy = e.render("P> ", "> ", 10)
	if want := []string{"P> a", "> b"}; !slices.Equal(lines, want) || cx != 3 || cy != 1 {
		t.Errorf("render = %q (%d,%d), want %q (3,1)", lines, cx, cy, want)
	}
}
