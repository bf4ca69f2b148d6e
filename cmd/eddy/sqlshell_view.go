package main

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/plan"
)

// maxChangelogRows is how many changes the changelog view keeps (Flink's
// changelog mode shows the latest 1000).
const maxChangelogRows = 1000

var (
	viewTitle    = lipgloss.NewStyle().Bold(true)
	viewHeader   = lipgloss.NewStyle().Bold(true)
	viewSelected = lipgloss.NewStyle().Reverse(true)
	viewKey      = lipgloss.NewStyle().Reverse(true)
)

// resultView is the full-screen view of a query's result in the table or
// changelog mode: it takes rows as they arrive and keys from the user, and
// renders to a string; it does no I/O.
type resultView struct {
	table    bool // table mode: the materialized result; else the changelog
	layout   *columnLayout
	cols     []plan.Column
	mat      *materialized
	log      []eddysql.Row
	received int
	// page is the table's page, or -1 to follow the last page as rows come.
	page int
	// sel is the selected row (of the page in table mode, of the whole
	// changelog otherwise), or -1 to follow the newest change.
	sel      int
	open     bool // the selected row is shown column by column
	finished bool
	failed   string
	updated  time.Time
}

func newResultView(table bool, cols []plan.Column, maxWidth int) *resultView {
	return &resultView{
		table:  table,
		layout: newColumnLayout(cols, !table, maxWidth),
		cols:   cols,
		mat:    newMaterialized(maxTableRows),
		page:   -1,
		sel:    -1,
	}
}

func (v *resultView) add(rows []eddysql.Row, now time.Time) {
	v.received += len(rows)
	if v.table {
		for _, r := range rows {
			v.mat.apply(r)
		}
	} else {
		v.log = append(v.log, rows...)
		if over := len(v.log) - maxChangelogRows; over > 0 {
			v.log = append(v.log[:0:0], v.log[over:]...)
			if v.sel >= 0 {
				v.sel = max(v.sel-over, 0)
			}
		}
	}
	v.updated = now
}

// key handles a key press and reports whether the view closes.
func (v *resultView) key(k string, height int) (quit bool) {
	if v.open {
		switch k {
		case "q", "Q", "esc", "ctrl+c", "o", "O", "enter":
			v.open = false
		}
		return k == "ctrl+c"
	}
	rows := v.rowCount()
	per := v.pageSize(height)
	switch k {
	case "q", "Q", "esc", "ctrl+c":
		return true
	case "up", "k":
		v.move(-1, rows, per)
	case "down", "j":
		v.move(1, rows, per)
	case "o", "O", "enter":
		v.open = rows > 0
		if v.open && v.sel < 0 {
			v.sel = v.lastSel(rows, per)
		}
	}
	if !v.table {
		return false
	}
	pages := max((rows+per-1)/per, 1)
	cur := v.curPage(rows, per)
	switch k {
	case "n", "N", "pgdown", "right":
		v.page, v.sel = min(cur+1, pages-1), 0
	case "p", "P", "pgup", "left":
		v.page, v.sel = max(cur-1, 0), 0
	case "f", "F", "g", "home":
		v.page, v.sel = 0, 0
	case "l", "L", "G", "end":
		v.page, v.sel = -1, -1
	}
	if v.page == pages-1 && k != "l" && k != "L" && k != "G" && k != "end" {
		// On the last page the view keeps following new rows.
		v.page = -1
	}
	return false
}

func (v *resultView) move(d, rows, per int) {
	if v.table {
		n := min(per, rows-v.curPage(rows, per)*per)
		if v.sel < 0 {
			v.sel = n - 1
		}
		v.sel = min(max(v.sel+d, 0), max(n-1, 0))
		return
	}
	if v.sel < 0 {
		v.sel = rows - 1
	}
	v.sel = min(max(v.sel+d, 0), max(rows-1, 0))
	if v.sel == rows-1 && d > 0 {
		v.sel = -1 // back at the newest change: follow again
	}
}

func (v *resultView) lastSel(rows, per int) int {
	if v.table {
		return max(min(per, rows-v.curPage(rows, per)*per)-1, 0)
	}
	return max(rows-1, 0)
}

func (v *resultView) rowCount() int {
	if v.table {
		return len(v.mat.table())
	}
	return len(v.log)
}

// pageSize is the rows that fit between the view's header and footer.
func (v *resultView) pageSize(height int) int {
	return max(height-7, 1)
}

func (v *resultView) curPage(rows, per int) int {
	last := max((rows+per-1)/per-1, 0)
	if v.page < 0 || v.page > last {
		return last
	}
	return v.page
}

// render draws the view for a width×height terminal.
func (v *resultView) render(width, height int) string {
	width, height = max(width, 20), max(height, 10)
	mode := "Changelog"
	if v.table {
		mode = "Table"
	}
	var lines []string
	title := "SQL Query Result (" + mode + ")"
	lines = append(lines, viewTitle.Render(center(title, width)))
	status := "Refresh: Fast"
	switch {
	case v.failed != "":
		status = "Query failed: " + v.failed
	case v.finished:
		status = "Table program finished."
	}
	var table [][]any
	if v.table {
		table = v.mat.table()
	}
	rows := v.rowCount()
	per := v.pageSize(height)
	page := v.curPage(rows, per)
	var mid string
	if v.table {
		pages := max((rows+per-1)/per, 1)
		if v.page < 0 {
			mid = fmt.Sprintf("Page: Last of %d", pages)
		} else {
			mid = fmt.Sprintf("Page: %d of %d", page+1, pages)
		}
	} else {
		mid = fmt.Sprintf("Changes: %d", v.received)
	}
	upd := "Updated: " + v.updated.Format("15:04:05.000")
	if v.updated.IsZero() {
		upd = "Updated: -"
	}
	lines = append(lines, spread(width, status, mid, upd), "")
	if v.open {
		lines = append(lines, v.renderRow(table, page, per, width)...)
		lines = append(lines, "", viewKey.Render("Q")+" Back")
		return strings.Join(fill(lines, height), "\n")
	}
	lines = append(lines, viewHeader.Render(clip(v.layout.line(v.layout.names, false), width)))
	switch {
	case v.table:
		start := page * per
		for i := start; i < min(start+per, len(table)); i++ {
			l := clip(v.layout.line(v.layout.cells(eddysql.Row{Values: table[i]}), false), width)
			if i-start == v.sel {
				l = viewSelected.Render(l)
			}
			lines = append(lines, l)
		}
	default:
		end := len(v.log)
		if v.sel >= 0 {
			end = min(max(v.sel+1, per), len(v.log))
		}
		for i := max(end-per, 0); i < end; i++ {
			l := clip(v.layout.line(v.layout.cells(v.log[i]), false), width)
			if i == v.sel {
				l = viewSelected.Render(l)
			}
			lines = append(lines, l)
		}
	}
	lines = fill(lines, height-2)
	keys := []string{"Q Quit", "↑↓ Select", "O Open Row"}
	if v.table {
		keys = append(keys, "N Next Page", "P Prev Page", "F First Page", "L Last Page")
	}
	var help []string
	for _, k := range keys {
		name, desc, _ := strings.Cut(k, " ")
		help = append(help, viewKey.Render(name)+" "+desc)
	}
	lines = append(lines, "", strings.Join(help, "   "))
	return strings.Join(lines, "\n")
}

// renderRow shows the selected row one column a line.
func (v *resultView) renderRow(table [][]any, page, per, width int) []string {
	var r eddysql.Row
	switch {
	case v.table && page*per+v.sel < len(table):
		r = eddysql.Row{Values: table[page*per+max(v.sel, 0)]}
	case !v.table && len(v.log) > 0:
		r = v.log[min(max(v.sel, 0), len(v.log)-1)]
	default:
		return nil
	}
	lines := []string{viewTitle.Render("Row Summary"), ""}
	cells := v.layout.cells(r)
	for i, name := range v.layout.names {
		if i < len(cells) {
			lines = append(lines, clip(name+": "+cells[i], width))
		}
	}
	return lines
}

func center(s string, width int) string {
	pad := max((width-ansi.StringWidth(s))/2, 0)
	return clip(strings.Repeat(" ", pad)+s, width)
}

// spread puts left, mid and right on one line of width.
func spread(width int, left, mid, right string) string {
	l, m, r := ansi.StringWidth(left), ansi.StringWidth(mid), ansi.StringWidth(right)
	gap := width - l - m - r
	if gap < 2 {
		return clip(left+"  "+mid+"  "+right, width)
	}
	return left + strings.Repeat(" ", gap/2) + mid + strings.Repeat(" ", gap-gap/2) + right
}

// clip cuts s to width terminal cells.
func clip(s string, width int) string {
	if ansi.StringWidth(s) > width {
		return ansi.Truncate(s, width, "")
	}
	return s
}

// fill pads lines with empty ones up to n.
func fill(lines []string, n int) []string {
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}
