package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/vector"
)

// shellDriver runs a shellModel as bubbletea would, without a terminal:
// commands run in goroutines and their messages come back to Update.
type shellDriver struct {
	t    *testing.T
	m    *shellModel
	out  strings.Builder
	msgs chan tea.Msg
	quit bool
}

func newShellDriver(t *testing.T) *shellDriver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := eddysql.NewSession(eddysql.Options{Stdout: &bytes.Buffer{}, Config: map[string]string{"parallelism.default": "1"}})
	d := &shellDriver{t: t, msgs: make(chan tea.Msg, 64)}
	d.m = newShellModel(ctx, s, loadHistory(filepath.Join(t.TempDir(), "history")))
	d.m.printer = func(text string) tea.Cmd {
		d.out.WriteString(text + "\n")
		return func() tea.Msg { return printedMsg{} }
	}
	d.update(tea.WindowSizeMsg{Width: 100, Height: 20})
	t.Cleanup(func() {
		if d.m.run != nil {
			d.m.run.cancel()
		}
	})
	return d
}

func (d *shellDriver) update(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.exec(cmd)
}

func (d *shellDriver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { d.msgs <- cmd() }()
}

// settle feeds messages to the model until cond holds.
func (d *shellDriver) settle(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case msg := <-d.msgs:
			switch msg := msg.(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					d.exec(c)
				}
			case tea.QuitMsg:
				d.quit = true
			default:
				d.update(msg)
			}
		case <-deadline:
			d.t.Fatalf("waiting for %s; output:\n%s\nview:\n%s", what, d.out.String(), d.plain())
		}
	}
}

// idle waits until no statement runs and no output is pending.
func (d *shellDriver) idle() {
	d.t.Helper()
	d.settle("the prompt", func() bool { return d.m.run == nil && d.m.view == nil && !d.m.printing && len(d.m.out) == 0 })
}

func (d *shellDriver) press(keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		d.update(k)
	}
}

// typeText types s key by key, a newline as Enter.
func (d *shellDriver) typeText(s string) {
	for _, r := range s {
		if r == '\n' {
			d.press(key(tea.KeyEnter))
		} else {
			d.press(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

// submit types statements, presses Enter and waits for the prompt.
func (d *shellDriver) submit(s string) {
	d.t.Helper()
	d.typeText(s + "\n")
	d.idle()
}

var ansiSGR = regexp.MustCompile("\x1b\\[[0-9;]*m")

// plain is the view's text without its styles.
func (d *shellDriver) plain() string {
	return ansiSGR.ReplaceAllString(d.m.View().Content, "")
}

func key(code rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code} }

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

func (d *shellDriver) wantOutput(want ...string) {
	d.t.Helper()
	for _, w := range want {
		if !strings.Contains(d.out.String(), w) {
			d.t.Errorf("output lacks %q:\n%s", w, d.out.String())
		}
	}
}

const shellBounded = `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '4',
  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '4', 'fields.b.length' = '2');`

const shellUnbounded = `CREATE TABLE u (a INT) WITH ('connector' = 'datagen', 'rows-per-second' = '200',
  'fields.a.min' = '1', 'fields.a.max' = '3');`

func TestShellEditingAndHistory(t *testing.T) {
	d := newShellDriver(t)
	d.submit("SET 'sql-client.execution.result-mode' = 'tableau';")
	d.wantOutput("[INFO] Execute statement succeeded.")
	d.typeText("SELCT 1")
	d.press(key(tea.KeyHome), key(tea.KeyRight), key(tea.KeyRight), key(tea.KeyRight))
	d.typeText("E")
	d.press(key(tea.KeyEnd), key(tea.KeyBackspace))
	d.typeText("2 AS x")
	d.press(tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModAlt}, key(tea.KeyDelete))
	d.typeText("y")
	if got := d.plain(); got != "Eddy SQL> SELECT 2 AS y" {
		t.Fatalf("view %q", got)
	}
	// Enter before the ';' continues the statement on a new line.
	d.typeText("\n")
	if got := d.plain(); got != "Eddy SQL> SELECT 2 AS y\n> " {
		t.Fatalf("continuation view %q", got)
	}
	d.submit(";")
	d.wantOutput("Eddy SQL> SELECT 2 AS y\n> ;", "| op |           y |", "Received a total of 1 row")
	// Up recalls the statements, down comes back to the draft.
	d.typeText("draft")
	d.press(key(tea.KeyUp))
	if got := d.m.ed.text(); got != "SELECT 2 AS y\n;" {
		t.Errorf("up: %q", got)
	}
	d.press(key(tea.KeyUp), key(tea.KeyUp), key(tea.KeyUp))
	if got := d.m.ed.text(); got != "SET 'sql-client.execution.result-mode' = 'tableau';" {
		t.Errorf("up up: %q", got)
	}
	d.press(key(tea.KeyDown), key(tea.KeyDown), key(tea.KeyDown))
	if got := d.m.ed.text(); got != "draft" {
		t.Errorf("down to the draft: %q", got)
	}
	// Ctrl-C clears the line; the history was written to the file.
	d.press(ctrl('c'))
	if d.m.ed.text() != "" {
		t.Errorf("Ctrl-C left %q", d.m.ed.text())
	}
	if got := loadHistory(d.m.hist.path).entries; len(got) != 2 {
		t.Errorf("history file holds %q", got)
	}
	d.press(ctrl('d'))
	d.settle("quit", func() bool { return d.quit })
	d.wantOutput("Exiting Eddy SQL client...")
}

func TestShellClientCommandsAndErrors(t *testing.T) {
	d := newShellDriver(t)
	d.submit("help;")
	d.wantOutput("The following commands are available:", "QUIT/EXIT")
	d.submit(shellBounded)
	d.submit("SELECT nope\nFROM t;")
	d.wantOutput("[ERROR] Could not execute SQL statement. Reason:", "column 'nope' not found", "  SELECT nope\n", "^")
	d.submit("SET 'sql-client.execution.result-mode' = 'pretty';")
	d.wantOutput("is not table, changelog or tableau")
	// The shell goes on after errors; statements on one line run in order.
	d.out.Reset()
	d.submit("SET 'sql-client.execution.result-mode' = 'tableau'; SHOW TABLES;")
	d.wantOutput("[INFO] Execute statement succeeded.", "| table name |", "|          t |", "1 row in set")
	d.submit("CLEAR;")
	d.submit("quit")
	d.settle("quit", func() bool { return d.quit })
}

func TestShellTableauBounded(t *testing.T) {
	d := newShellDriver(t)
	d.submit(shellBounded + "\nSET 'sql-client.execution.result-mode' = 'tableau';")
	d.submit("SELECT MOD(a, 2) AS k, COUNT(*) AS n FROM t GROUP BY MOD(a, 2);")
	d.wantOutput("| op |           k |                    n |", "| -U |", "| +U |", "Received a total of 6 rows")
	d.out.Reset()
	d.submit("SET 'execution.runtime-mode' = 'batch'; SELECT a FROM t WHERE a > 2;")
	d.wantOutput("| a |", "| 3 |", "| 4 |", "Received a total of 2 rows")
	if strings.Contains(d.out.String(), "| op |") {
		t.Errorf("batch results have no op column:\n%s", d.out.String())
	}
}

func TestShellTableauUnboundedCancel(t *testing.T) {
	d := newShellDriver(t)
	d.submit(shellUnbounded + " SET 'sql-client.execution.result-mode' = 'tableau';")
	d.typeText("SELECT a FROM u;\n")
	d.settle("rows", func() bool { return d.m.received >= 5 })
	if d.plain() != "" {
		t.Errorf("the prompt shows while the query runs: %q", d.plain())
	}
	d.press(ctrl('c'))
	d.idle()
	d.wantOutput("| op |           a |", "| +I |", "Query terminated, received a total of")
	d.submit("SELECT 1 AS x;")
	d.wantOutput("Received a total of 1 row")
}

func TestShellTableViewBounded(t *testing.T) {
	d := newShellDriver(t)
	d.submit(shellBounded)
	d.typeText("SELECT MOD(a, 2) AS k, COUNT(*) AS n FROM t GROUP BY MOD(a, 2);\n")
	d.settle("the job's end", func() bool { return d.m.runDone })
	if !d.m.View().AltScreen {
		t.Errorf("the table view is not full-screen")
	}
	c := d.plain()
	for _, want := range []string{"SQL Query Result (Table)", "Table program finished.", "Page: Last of 1", "k                     n", "1                     2", "0                     2"} {
		if !strings.Contains(c, want) {
			t.Errorf("view lacks %q:\n%s", want, c)
		}
	}
	if got := strings.Count(c, "                     2"); got != 2 {
		t.Errorf("the view shows %d rows, want the 2 of the final result:\n%s", got, c)
	}
	d.press(tea.KeyPressMsg{Code: 'o', Text: "o"})
	if c := d.plain(); !strings.Contains(c, "Row Summary") || !strings.Contains(c, "n: 2") {
		t.Errorf("open row:\n%s", c)
	}
	d.press(tea.KeyPressMsg{Code: 'q', Text: "q"}, tea.KeyPressMsg{Code: 'q', Text: "q"})
	d.idle()
	if v := d.m.View(); v.AltScreen || v.Content != "Eddy SQL> " {
		t.Errorf("after Q: %q", v.Content)
	}
}

func TestShellChangelogViewUnbounded(t *testing.T) {
	d := newShellDriver(t)
	d.submit(shellUnbounded + " SET 'sql-client.execution.result-mode' = 'changelog';")
	d.typeText("SELECT a, COUNT(*) AS n FROM u GROUP BY a;\n")
	d.settle("updates", func() bool { return d.m.view != nil && d.m.view.received >= 20 })
	c := d.plain()
	for _, want := range []string{"SQL Query Result (Changelog)", "Refresh: Fast", "op            a                     n", "-U", "+U"} {
		if !strings.Contains(c, want) {
			t.Errorf("view lacks %q:\n%s", want, c)
		}
	}
	if k := d.m.view.log[0].Kind; k != vector.Insert {
		t.Errorf("the first change is %v, want +I", k)
	}
	run := d.m.run
	d.press(tea.KeyPressMsg{Code: 'q', Text: "q"})
	d.idle()
	if run.ctx.Err() == nil {
		t.Errorf("leaving the view did not cancel the job")
	}
	d.wantOutput("[INFO] Result retrieval cancelled.")
}

func TestShellTableViewUnboundedPaging(t *testing.T) {
	d := newShellDriver(t)
	d.submit(shellUnbounded)
	d.typeText("SELECT a FROM u;\n")
	d.settle("three pages", func() bool { return d.m.view != nil && d.m.view.received >= 40 })
	per := d.m.view.pageSize(d.m.height)
	d.press(tea.KeyPressMsg{Code: 'f', Text: "f"})
	if c := d.plain(); !strings.Contains(c, "Page: 1 of") || !strings.Contains(c, "Refresh: Fast") {
		t.Errorf("first page:\n%s", c)
	}
	d.press(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if c := d.plain(); !strings.Contains(c, "Page: 2 of") {
		t.Errorf("next page (%d rows a page):\n%s", per, c)
	}
	d.press(tea.KeyPressMsg{Code: 'l', Text: "l"})
	if c := d.plain(); !strings.Contains(c, "Page: Last of") {
		t.Errorf("last page:\n%s", c)
	}
	run := d.m.run
	d.press(ctrl('c'))
	d.idle()
	if run.ctx.Err() == nil {
		t.Errorf("Ctrl-C in the view did not cancel the job")
	}
}

func TestShellMaterialized(t *testing.T) {
	m := newMaterialized(3)
	row := func(k vector.RowKind, v ...any) eddysql.Row { return eddysql.Row{Kind: k, Values: v} }
	for _, r := range []eddysql.Row{
		row(vector.Insert, "a", 1), row(vector.Insert, "b", 1),
		row(vector.UpdateBefore, "a", 1), row(vector.UpdateAfter, "a", 2),
		row(vector.Delete, "zz", 0),                            // a retraction of nothing is ignored
		row(vector.Insert, "c", 1), row(vector.Insert, "d", 1), // over the limit: b goes
	} {
		m.apply(r)
	}
	got := m.table()
	if len(got) != 3 || got[0][0] != "a" || got[0][1] != 2 || got[1][0] != "c" || got[2][0] != "d" {
		t.Errorf("table %v", got)
	}
	m.apply(row(vector.Delete, "c", 1))
	if got := m.table(); len(got) != 2 || got[1][0] != "d" {
		t.Errorf("after delete: %v", got)
	}
}

func TestShellReadsStdinWhenNotATerminal(t *testing.T) {
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetArgs([]string{"sql"})
	root.SetIn(strings.NewReader("SELECT 1 AS x;\nSELECT 'a;b' AS s;\n"))
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("eddy sql < stdin: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"| x |", "| a;b |", "Received a total of 1 row"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
