package sql

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/eddy-streams/eddy/connector/file"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/types"
)

// formatRows prints rows one a line, values as Flink prints them.
func formatRows(ts []types.Type, rows [][]any, sorted bool) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			parts[j] = exec.FormatValue(ts[j], v)
		}
		lines[i] = strings.Join(parts, ", ")
	}
	if sorted {
		sort.Strings(lines)
	}
	return strings.Join(lines, "\n") + "\n"
}

// The data-driven result tests: "exec" runs statements and prints what
// they return, "query" prints a query's final result (sorted), with
// "changelog" its changelog in order instead, "error" the error.
func TestResults(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		s := NewSession(Options{Config: map[string]string{"parallelism.default": "2"}})
		tmp := t.TempDir()
		var printed strings.Builder
		s.opts.Stdout = &printed
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			d.Input = strings.ReplaceAll(d.Input, "$TMP", tmp)
			switch d.Cmd {
			case "exec":
				var out strings.Builder
				err := s.ExecuteScript(ctx, d.Input, func(_ ast.Stmt, r *Result) error {
					if r.Kind == ResultOK {
						out.WriteString("ok\n")
						return nil
					}
					if r.IsQuery || r.JobID != "" {
						return nil
					}
					out.WriteString(formatRows(r.ColumnTypes(), rowsOf(r), false))
					return nil
				})
				if err != nil {
					out.WriteString("error: " + err.Error() + "\n")
				}
				if printed.Len() > 0 {
					lines := strings.Split(strings.TrimSpace(printed.String()), "\n")
					sort.Strings(lines)
					out.WriteString(strings.Join(lines, "\n") + "\n")
					printed.Reset()
				}
				return out.String()
			case "query":
				if d.HasArg("changelog") {
					// One subtask per operator, so the order is deterministic.
					old := s.config["parallelism.default"]
					s.config["parallelism.default"] = "1"
					defer func() { s.config["parallelism.default"] = old }()
				}
				r, err := s.Execute(ctx, d.Input)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				if d.HasArg("changelog") {
					var b strings.Builder
					for _, row := range r.Rows {
						b.WriteString(exec.FormatRow(row.Kind.String(), r.ColumnTypes(), row.Values) + "\n")
					}
					return b.String()
				}
				return strings.Join(r.ColumnNames(), ", ") + "\n" + formatRows(r.ColumnTypes(), r.Final(), true)
			case "files":
				return listTableFiles(filepath.Join(tmp, strings.TrimSpace(d.Input)))
			case "error":
				_, err := s.Execute(ctx, d.Input)
				if err == nil {
					return "no error\n"
				}
				return strings.ReplaceAll(err.Error(), tmp, "$TMP") + "\n"
			}
			return "unknown command " + d.Cmd + "\n"
		})
	})
}

func rowsOf(r *Result) [][]any {
	out := make([][]any, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = row.Values
	}
	return out
}

// listTableFiles describes the folders of a filesystem table: each folder
// with files, whether it holds part files and its other files (markers
// such as _SUCCESS), as part file names depend on subtasks and
// checkpoints.
func listTableFiles(root string) string {
	dirs := map[string][]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		name := d.Name()
		if _, _, inProgress, ok := file.ParseName(name); ok {
			if inProgress {
				name = "in-progress part files"
			} else {
				name = "part files"
			}
		}
		if !slices.Contains(dirs[rel], name) {
			dirs[rel] = append(dirs[rel], name)
		}
		return nil
	})
	var lines []string
	for dir, names := range dirs {
		slices.Sort(names)
		lines = append(lines, dir+": "+strings.Join(names, ", "))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}
