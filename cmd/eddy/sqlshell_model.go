package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/ast"
	"github.com/eddy-streams/eddy/sql/parser"
	"github.com/eddy-streams/eddy/sql/plan"
)

const (
	shellPrompt     = "Eddy SQL> "
	shellContinue   = "> "
	resultModeKey   = "sql-client.execution.result-mode"
	columnWidthKey  = "sql-client.display.max-column-width"
	defaultResultMd = "table" // Flink's default result mode
)

// shellModel is the interactive shell as a bubbletea model: the prompt
// with its line editor and history, the statements queued and running,
// and the result view. Output goes through printer, one Update's output
// at a time, so that it keeps its order; tests replace printer.
type shellModel struct {
	ctx     context.Context
	session *eddysql.Session
	hist    *history
	histPos int    // the history entry shown; len(entries) is the draft
	draft   string // what was typed before browsing the history
	ed      lineEditor

	width, height int
	resultMode    string
	maxWidth      int

	queue   []string // statements waiting to run
	run     *stmtRun // the running statement
	runDone bool     // run ended while its view stays open
	// tableau state of the running query: its layout (nil until it is
	// planned) and, in batch mode, its rows until the end.
	tableau   *columnLayout
	cols      []plan.Column
	batchRows []eddysql.Row
	batch     bool
	received  int
	view      *resultView // the open table or changelog view
	quitting  bool
	// typeahead holds what was typed while a statement ran (not in a
	// view), for the prompt that follows.
	typeahead []tea.Msg

	printer  func(string) tea.Cmd
	out      []string // output waiting for printer
	printing bool     // a printer command is in flight
	now      func() time.Time
}

// printedMsg says the printer's command has written its output.
type printedMsg struct{}

func newShellModel(ctx context.Context, s *eddysql.Session, h *history) *shellModel {
	return &shellModel{
		ctx: ctx, session: s, hist: h, histPos: len(h.entries),
		width: 80, height: 24,
		resultMode: defaultResultMd, maxWidth: defaultMaxColumnWidth,
		printer: func(text string) tea.Cmd {
			return tea.Sequence(tea.Println(text), func() tea.Msg { return printedMsg{} })
		},
		now: time.Now,
	}
}

func (m *shellModel) Init() tea.Cmd { return nil }

// println queues output lines.
func (m *shellModel) println(s string) {
	m.out = append(m.out, strings.TrimSuffix(s, "\n"))
}

// flush hands the queued output to the printer unless a print is in
// flight, and quits once all output is written after QUIT.
func (m *shellModel) flush() tea.Cmd {
	if m.printing {
		return nil
	}
	if len(m.out) == 0 {
		if m.quitting {
			return tea.Quit
		}
		return nil
	}
	text := strings.Join(m.out, "\n")
	m.out, m.printing = nil, true
	return m.printer(text)
}

func (m *shellModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case printedMsg:
		m.printing = false
	case tea.PasteMsg:
		switch {
		case m.view != nil:
		case m.run != nil:
			m.typeAhead(msg)
		default:
			m.ed.insert(msg.Content)
		}
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	case runEventMsg:
		if msg.run == m.run {
			cmd = m.runEvent()
		}
	}
	return m, tea.Batch(cmd, m.flush())
}

func (m *shellModel) key(k tea.KeyPressMsg) tea.Cmd {
	s := k.String()
	switch {
	case m.view != nil:
		if m.view.key(s, m.height) {
			return m.closeView()
		}
		return nil
	case m.run != nil:
		// While a statement runs (a tableau query prints), Ctrl-C
		// cancels it; other keys wait for the prompt.
		if s == "ctrl+c" {
			m.queue, m.typeahead = nil, nil
			m.run.cancel()
		} else {
			m.typeAhead(k)
		}
		return nil
	}
	e := &m.ed
	switch s {
	case "enter":
		return m.enter()
	case "ctrl+c":
		if e.text() != "" {
			m.println(m.echo() + "^C")
		}
		e.set("")
		m.histPos = len(m.hist.entries)
	case "ctrl+d":
		if e.text() == "" {
			return m.quit()
		}
		e.del()
	case "left", "ctrl+b":
		e.left()
	case "right", "ctrl+f":
		e.right()
	case "home", "ctrl+a":
		e.home()
	case "end", "ctrl+e":
		e.end()
	case "backspace", "ctrl+h":
		e.backspace()
	case "delete":
		e.del()
	case "ctrl+left", "alt+left", "alt+b":
		e.wordLeft()
	case "ctrl+right", "alt+right", "alt+f":
		e.wordRight()
	case "ctrl+w", "alt+backspace", "ctrl+backspace":
		e.deleteWordLeft()
	case "ctrl+k":
		e.killToEnd()
	case "ctrl+u":
		e.killToStart()
	case "ctrl+l":
		return tea.ClearScreen
	case "up", "ctrl+p":
		if !e.up() {
			m.historyMove(-1)
		}
	case "down", "ctrl+n":
		if !e.down() {
			m.historyMove(1)
		}
	case "tab":
		e.insert("  ")
	default:
		if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			e.insert(k.Text)
		}
	}
	return nil
}

// maxTypeahead bounds the keys kept while a statement runs.
const maxTypeahead = 1 << 16

func (m *shellModel) typeAhead(msg tea.Msg) {
	if len(m.typeahead) < maxTypeahead {
		m.typeahead = append(m.typeahead, msg)
	}
}

// replay gives the prompt what was typed while statements ran.
func (m *shellModel) replay() tea.Cmd {
	msgs := m.typeahead
	m.typeahead = nil
	var cmds []tea.Cmd
	for _, msg := range msgs {
		switch msg := msg.(type) {
		case tea.KeyPressMsg:
			cmds = append(cmds, m.key(msg))
		case tea.PasteMsg:
			if m.run != nil || m.view != nil {
				m.typeAhead(msg)
			} else {
				m.ed.insert(msg.Content)
			}
		}
	}
	return tea.Batch(cmds...)
}

func (m *shellModel) historyMove(d int) {
	n := len(m.hist.entries)
	pos := min(max(m.histPos+d, 0), n)
	if pos == m.histPos {
		return
	}
	if m.histPos == n {
		m.draft = m.ed.text()
	}
	m.histPos = pos
	if pos == n {
		m.ed.set(m.draft)
	} else {
		m.ed.set(m.hist.entries[pos])
	}
}

// echo is the typed text as it stood at the prompt.
func (m *shellModel) echo() string {
	return shellPrompt + strings.ReplaceAll(m.ed.text(), "\n", "\n"+shellContinue)
}

// enter submits the text when it holds complete statements (or a bare
// client command) and starts a new line otherwise.
func (m *shellModel) enter() tea.Cmd {
	text := m.ed.text()
	stmts, rest := splitStatements(text)
	if blank(text) {
		m.println(m.echo())
		m.ed.set("")
		return nil
	}
	if len(stmts) == 0 || !blank(rest) {
		if c := clientCommand(text); c != "" && len(stmts) == 0 {
			stmts, rest = []string{text}, ""
		} else {
			m.ed.insert("\n")
			return nil
		}
	}
	m.println(m.echo())
	m.hist.add(text)
	m.histPos, m.draft = len(m.hist.entries), ""
	m.ed.set("")
	m.queue = append(m.queue, stmts...)
	return m.next()
}

// clientCommand names the shell's own command in stmt, or "".
func clientCommand(stmt string) string {
	s := strings.ToUpper(strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(stmt), ";")), " "))
	switch s {
	case "HELP", "QUIT", "EXIT", "CLEAR":
		return s
	}
	return ""
}

func (m *shellModel) quit() tea.Cmd {
	m.println("Exiting Eddy SQL client...")
	m.quitting = true
	m.queue = nil
	if m.run != nil {
		m.run.cancel()
	}
	return nil
}

// next runs the queued statements until one goes to the background.
func (m *shellModel) next() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.queue) > 0 && m.run == nil && !m.quitting {
		stmt := m.queue[0]
		m.queue = m.queue[1:]
		switch clientCommand(stmt) {
		case "HELP":
			m.println(shellHelp)
			continue
		case "QUIT", "EXIT":
			m.quit()
			continue
		case "CLEAR":
			cmds = append(cmds, tea.ClearScreen)
			continue
		}
		if err := m.checkClientOption(stmt); err != nil {
			m.printError(err)
			m.queue = nil
			continue
		}
		m.run = startRun(m.ctx, m.session, stmt)
		m.tableau, m.batchRows, m.received = nil, nil, 0
		cmds = append(cmds, m.run.wait())
	}
	if m.run == nil && m.view == nil && !m.quitting && len(m.typeahead) > 0 {
		cmds = append(cmds, m.replay())
	}
	return tea.Batch(cmds...)
}

// checkClientOption validates SET of the shell's own options before the
// session stores them.
func (m *shellModel) checkClientOption(stmt string) error {
	sts, err := parser.ParseStatements(stmt)
	if err != nil || len(sts) != 1 {
		return nil // the session reports it
	}
	set, ok := sts[0].(*ast.Set)
	if !ok || set.Property == nil {
		return nil
	}
	switch v := set.Property.Value; set.Property.Key {
	case resultModeKey:
		switch strings.ToLower(v) {
		case "table", "changelog", "tableau":
		default:
			return fmt.Errorf("option '%s': '%s' is not table, changelog or tableau", resultModeKey, v)
		}
	case columnWidthKey:
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			return fmt.Errorf("option '%s': '%s' is not a positive integer", columnWidthKey, v)
		}
	}
	return nil
}

// applyClientOption follows a successful SET or RESET of a shell option.
func (m *shellModel) applyClientOption(st ast.Stmt) {
	switch st := st.(type) {
	case *ast.Set:
		if st.Property == nil {
			return
		}
		switch st.Property.Key {
		case resultModeKey:
			m.resultMode = strings.ToLower(st.Property.Value)
		case columnWidthKey:
			if n, err := strconv.Atoi(st.Property.Value); err == nil && n > 0 {
				m.maxWidth = n
			}
		}
	case *ast.Reset:
		if st.Key == nil || st.Key.Value == resultModeKey {
			m.resultMode = defaultResultMd
		}
		if st.Key == nil || st.Key.Value == columnWidthKey {
			m.maxWidth = defaultMaxColumnWidth
		}
	}
}

func (m *shellModel) printError(err error) {
	m.println("[ERROR] Could not execute SQL statement. Reason:\n" + err.Error())
}

// runEvent takes what the running statement produced.
func (m *shellModel) runEvent() tea.Cmd {
	r := m.run
	b := r.take()
	if b.begin != nil {
		m.beginQuery(b.begin)
	}
	if len(b.rows) > 0 {
		m.addRows(b.rows)
	}
	for _, sr := range b.results {
		m.applyClientOption(sr.stmt)
		if !sr.res.IsQuery {
			var out strings.Builder
			writeStatementResult(&out, sr.stmt, sr.res)
			m.println(out.String())
		}
	}
	if !b.done {
		return r.wait()
	}
	cancelled := r.ctx.Err() != nil
	r.cancel()
	m.endQuery(b.err, cancelled)
	if b.err != nil || cancelled {
		m.queue = nil
		if !cancelled && m.tableau == nil && m.view == nil {
			m.printError(b.err)
		} else if cancelled && m.tableau == nil && m.view == nil {
			m.println("[INFO] Statement cancelled.")
		}
	}
	if m.view != nil {
		m.runDone = true // the view stays until the user quits it
		return nil
	}
	m.run = nil
	return m.next()
}

// beginQuery opens the query's result: a tableau header or a view.
func (m *shellModel) beginQuery(res *eddysql.Result) {
	m.batch, m.cols = res.Batch, res.Columns
	switch m.resultMode {
	case "table", "changelog":
		m.view = newResultView(m.resultMode == "table", res.Columns, m.maxWidth)
		m.view.updated = m.now()
	default:
		m.tableau = newColumnLayout(res.Columns, !res.Batch, m.maxWidth)
		if !res.Batch {
			m.println(m.tableau.tableauHeader())
		}
	}
}

func (m *shellModel) addRows(rows []eddysql.Row) {
	m.received += len(rows)
	switch {
	case m.view != nil:
		m.view.add(rows, m.now())
	case m.tableau != nil && m.batch:
		m.batchRows = append(m.batchRows, rows...)
	case m.tableau != nil:
		lines := make([]string, len(rows))
		for i, r := range rows {
			lines[i] = m.tableau.line(m.tableau.cells(r), true)
		}
		m.println(strings.Join(lines, "\n"))
	}
}

// endQuery closes a query's output when its job ended.
func (m *shellModel) endQuery(err error, cancelled bool) {
	n := m.received
	rows := fmt.Sprintf("%d %s", n, plural(n, "row"))
	switch {
	case m.view != nil:
		m.view.finished = true
		if err != nil && !cancelled {
			m.view.failed = firstLine(err.Error())
			m.printError(err)
		}
	case m.tableau != nil:
		if m.batch && err == nil {
			var out strings.Builder
			writeTableau(&out, &eddysql.Result{Columns: m.cols, Rows: m.batchRows}, false)
			m.println(out.String())
		} else if !m.batch && n > 0 {
			m.println(m.tableau.separator())
		}
		switch {
		case cancelled:
			m.println("Query terminated, received a total of " + rows)
		case err != nil:
			m.printError(err)
		case m.batch && n == 0:
			m.println("Empty set")
		default:
			m.println("Received a total of " + rows)
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// closeView leaves the result view, cancelling the query if it runs.
func (m *shellModel) closeView() tea.Cmd {
	m.view = nil
	if m.run == nil || m.runDone {
		m.run, m.runDone = nil, false
		return m.next()
	}
	// The job still runs: cancel it. Its end arrives through the wait
	// command in flight.
	m.queue = nil
	m.run.cancel()
	m.println("[INFO] Result retrieval cancelled.")
	return nil
}

func (m *shellModel) View() tea.View {
	if m.view != nil {
		v := tea.NewView(m.view.render(m.width, m.height))
		v.AltScreen = true
		return v
	}
	if m.run != nil || m.quitting {
		return tea.NewView("")
	}
	lines, cx, cy := m.ed.render(shellPrompt, shellContinue, m.width)
	v := tea.NewView(strings.Join(lines, "\n"))
	v.Cursor = tea.NewCursor(cx, cy)
	return v
}

// shellHelp lists the shell's commands, as Flink's HELP.
const shellHelp = `The following commands are available:

CLEAR		Clears the current terminal.
CREATE TABLE		Create table under current catalog and database.
DROP TABLE		Drop table with optional catalog and database. Syntax: "DROP TABLE [IF EXISTS] <name>;"
CREATE VIEW		Creates a virtual table from a SQL query. Syntax: "CREATE VIEW <name> AS <query>;"
DESCRIBE		Describes the schema of a table with the given name.
DROP VIEW		Deletes a previously created virtual table. Syntax: "DROP VIEW <name>;"
EXPLAIN		Describes the execution plan of a query or table with the given name.
HELP		Prints the available commands.
INSERT INTO		Inserts the results of a SQL SELECT query into a declared table sink.
QUIT/EXIT		Quits the SQL CLI client.
RESET		Resets a session configuration property. Syntax: "RESET '<key>';". Use "RESET;" for reset all session properties.
SELECT		Executes a SQL SELECT query.
SET		Sets a session configuration property. Syntax: "SET '<key>'='<value>';". Use "SET;" for listing all properties.
SHOW FUNCTIONS		Shows all user-defined and built-in functions or only user-defined functions.
SHOW TABLES		Shows all registered tables.
USE CATALOG		Sets the current catalog.
USE		Sets the current default database. Experimental! Syntax: "USE <name>;"
EXECUTE STATEMENT SET		Executes the INSERTs between BEGIN and END as one job.

Result modes: SET 'sql-client.execution.result-mode' = 'table' | 'changelog' | 'tableau';
Keys: Ctrl-C cancels a running query or clears the line, Ctrl-D exits, Up/Down browse the history.

Hint: Make sure that a statement ends with ";" for finalizing (multi-line) statements.`
