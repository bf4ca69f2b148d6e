package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/exec"
)

// sqlOptions are the flags of `eddy sql`.
type sqlOptions struct {
	execute string
	file    string
	output  string
	history string
}

func newSQLCmd() *cobra.Command {
	var o sqlOptions
	cmd := &cobra.Command{
		Use:   "sql [-e STATEMENTS | -f FILE] [--output FILE.csv]",
		Short: "Run Flink SQL statements on the local runtime",
		Long: `Run a script of Flink SQL statements: DDL (CREATE TABLE/VIEW/FUNCTION, DROP),
SET/RESET, SHOW, DESCRIBE, EXPLAIN, INSERT, EXECUTE STATEMENT SET and queries.
Statements run in order; an INSERT or a query runs its job to the end (its
inputs must be bounded, or the job runs until interrupted). Query results are
printed in the SQL client's tableau format with the change of each row (op);
in batch mode ('execution.runtime-mode' = 'batch') only final rows. With
--output, the final result of the last query (its changelog applied) is also
written as CSV with a header row. An error stops the script: it is printed
with its position and the exit status is 1.

Without -e and -f, statements come from standard input when it is not a
terminal, and otherwise an interactive shell opens, as Flink's SQL client:
statements end with ';', results show in the mode of
'sql-client.execution.result-mode' ('table', the default, 'changelog' or
'tableau'), HELP; lists the commands and QUIT; or Ctrl-D leaves.`,
		Example: `  eddy sql -e "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3'); SELECT * FROM t"
  eddy sql -f script.sql --output result.csv
  eddy sql`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.execute != "" && o.file != "" {
				return usagef("give at most one of -e STATEMENTS and -f FILE")
			}
			if o.execute == "" && o.file == "" {
				return runSQLShell(cmd, o)
			}
			text := o.execute
			if o.file != "" {
				b, err := os.ReadFile(o.file)
				if err != nil {
					return err
				}
				text = string(b)
			}
			return runSQL(cmd, text, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.execute, "execute", "e", "", "the statements to run")
	f.StringVarP(&o.file, "file", "f", "", "a file of statements to run")
	f.StringVarP(&o.output, "output", "o", "", "write the final result of the last query to this CSV file")
	f.StringVar(&o.history, "history", "", "the interactive shell's history file (default $XDG_STATE_HOME/eddy/sql_history or ~/.eddy_sql_history)")
	return cmd
}

func runSQL(cmd *cobra.Command, text string, o sqlOptions) error {
	stdout := cmd.OutOrStdout()
	s := eddysql.NewSession(eddysql.Options{Stdout: stdout})
	var last *eddysql.Result
	err := s.ExecuteScript(cmd.Context(), text, func(st ast.Stmt, r *eddysql.Result) error {
		if r.IsQuery {
			last = r
		}
		writeStatementResult(stdout, st, r)
		return nil
	})
	if err != nil {
		return err
	}
	if o.output != "" {
		if last == nil {
			return fmt.Errorf("--output: the script has no query")
		}
		if err := writeResultCSV(o.output, last); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
	}
	return nil
}

// writeStatementResult prints what a statement returned as the SQL
// client does: a query's changelog in tableau form, other rows as a table,
// else a one-line message.
func writeStatementResult(w io.Writer, st ast.Stmt, r *eddysql.Result) {
	switch {
	case r.IsQuery:
		writeTableau(w, r, !r.Batch)
		n := len(r.Rows)
		fmt.Fprintf(w, "Received a total of %d %s\n", n, plural(n, "row"))
	case r.JobID != "" && r.Kind == eddysql.ResultTable:
		fmt.Fprintf(w, "[INFO] Job %s finished.\n", r.JobID)
	case r.Kind == eddysql.ResultTable:
		if _, ok := st.(*ast.Explain); ok && len(r.Rows) == 1 {
			fmt.Fprintln(w, r.Rows[0].Values[0])
			return
		}
		writeTableau(w, r, false)
		n := len(r.Rows)
		if n == 0 {
			fmt.Fprintln(w, "Empty set")
		} else {
			fmt.Fprintf(w, "%d %s in set\n", n, plural(n, "row"))
		}
	default:
		fmt.Fprintln(w, "[INFO] Execute statement succeeded.")
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// writeTableau prints a result as the Flink SQL client's tableau mode:
// boxed, values right-aligned, NULL as <NULL>, and for a query the op
// column with each row's change.
func writeTableau(w io.Writer, r *eddysql.Result, op bool) {
	names := r.ColumnNames()
	ts := r.ColumnTypes()
	header := names
	if op {
		header = append([]string{"op"}, names...)
	}
	cells := make([][]string, len(r.Rows))
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len([]rune(h))
	}
	for i, row := range r.Rows {
		var c []string
		if op {
			c = append(c, row.Kind.String())
		}
		for j, v := range row.Values {
			if v == nil {
				c = append(c, "<NULL>")
			} else {
				c = append(c, exec.FormatValue(ts[j], v))
			}
		}
		for j, s := range c {
			widths[j] = max(widths[j], len([]rune(s)))
		}
		cells[i] = c
	}
	var sep strings.Builder
	sep.WriteString("+")
	for _, wd := range widths {
		sep.WriteString(strings.Repeat("-", wd+2) + "+")
	}
	line := func(vals []string) {
		var b strings.Builder
		b.WriteString("|")
		for j, v := range vals {
			b.WriteString(" " + strings.Repeat(" ", widths[j]-len([]rune(v))) + v + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	fmt.Fprintln(w, sep.String())
	line(header)
	fmt.Fprintln(w, sep.String())
	for _, c := range cells {
		line(c)
	}
	if len(cells) > 0 {
		fmt.Fprintln(w, sep.String())
	}
}

// writeResultCSV writes the final rows of a query with a header row.
func writeResultCSV(path string, r *eddysql.Result) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := csv.NewWriter(f)
	if err := w.Write(r.ColumnNames()); err != nil {
		return err
	}
	ts := r.ColumnTypes()
	for _, row := range r.Final() {
		rec := make([]string, len(row))
		for j, v := range row {
			if v != nil {
				rec[j] = exec.FormatValue(ts[j], v)
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
