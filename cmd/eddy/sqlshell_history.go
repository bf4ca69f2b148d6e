package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// maxHistory is how many statements the shell remembers.
const maxHistory = 1000

// history is the shell's statement history, kept in a file one entry a
// line (newlines and backslashes escaped) so that it survives the session.
// A file that cannot be read or written only costs the persistence: the
// shell never fails because of it.
type history struct {
	path    string // "" keeps the history in memory only
	entries []string
}

// defaultHistoryPath is $XDG_STATE_HOME/eddy/sql_history when that is set,
// else ~/.eddy_sql_history (as Flink's ~/.flink-sql-history).
func defaultHistoryPath() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "eddy", "sql_history")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".eddy_sql_history")
	}
	return ""
}

// loadHistory reads the history file at path, if any.
func loadHistory(path string) *history {
	h := &history{path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		if e := unescapeHistory(sc.Text()); e != "" {
			h.entries = append(h.entries, e)
		}
	}
	if len(h.entries) > maxHistory {
		// Keep the file from growing without bound.
		h.entries = h.entries[len(h.entries)-maxHistory:]
		h.rewrite()
	}
	return h
}

// add appends a statement unless it repeats the last one.
func (h *history) add(entry string) {
	entry = strings.TrimSpace(entry)
	if entry == "" || len(h.entries) > 0 && h.entries[len(h.entries)-1] == entry {
		return
	}
	h.entries = append(h.entries, entry)
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
	}
	if h.path == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	f.WriteString(escapeHistory(entry) + "\n")
	f.Close()
}

func (h *history) rewrite() {
	var b strings.Builder
	for _, e := range h.entries {
		b.WriteString(escapeHistory(e) + "\n")
	}
	tmp := h.path + ".tmp"
	if os.WriteFile(tmp, []byte(b.String()), 0o600) == nil {
		os.Rename(tmp, h.path)
	}
}

func escapeHistory(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(s)
}

func unescapeHistory(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
