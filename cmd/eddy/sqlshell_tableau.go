package main

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	eddysql "github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/exec"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// defaultMaxColumnWidth is Flink's 'sql-client.display.max-column-width'.
const defaultMaxColumnWidth = 30

// columnLayout fixes a streaming result's column widths from the column
// types, before any row is known (Flink's type-inferred widths), so that
// rows can be printed as they arrive; longer values are cut with "...".
type columnLayout struct {
	names  []string
	types  []types.Type
	widths []int
	op     bool // a first column with the row's change
}

func newColumnLayout(cols []plan.Column, op bool, maxWidth int) *columnLayout {
	l := &columnLayout{op: op}
	if op {
		l.names, l.types, l.widths = []string{"op"}, []types.Type{types.String()}, []int{2}
	}
	for _, c := range cols {
		w := max(typeWidth(c.Type), len([]rune(c.Name)))
		if !c.Type.NotNull {
			w = max(w, len("<NULL>"))
		}
		l.names = append(l.names, c.Name)
		l.types = append(l.types, c.Type)
		l.widths = append(l.widths, min(w, max(maxWidth, 4)))
	}
	return l
}

// typeWidth is the widest printed value of a type, or a large number for
// types without a bound.
func typeWidth(t types.Type) int {
	const unbounded = 1 << 20
	switch t.Kind {
	case types.KindNull:
		return 4
	case types.KindBoolean:
		return 5
	case types.KindTinyInt:
		return 4
	case types.KindSmallInt:
		return 6
	case types.KindInt:
		return 11
	case types.KindBigInt:
		return 20
	case types.KindDecimal:
		return t.Precision + 2
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
		if t.Precision > 0 {
			return t.Precision
		}
	case types.KindDate:
		return 10
	case types.KindTime:
		return 8 + fraction(t.Precision)
	case types.KindTimestamp, types.KindTimestampLTZ:
		return 19 + fraction(t.Precision)
	}
	return unbounded
}

func fraction(p int) int {
	if p > 0 {
		return p + 1
	}
	return 0
}

// cells formats a row's values (with its change first when l.op).
func (l *columnLayout) cells(r eddysql.Row) []string {
	var c []string
	if l.op {
		c = append(c, r.Kind.String())
	}
	for _, v := range r.Values {
		t := types.Null()
		if len(c) < len(l.types) {
			t = l.types[len(c)]
		}
		if v == nil {
			c = append(c, "<NULL>")
		} else {
			c = append(c, exec.FormatValue(t, v))
		}
	}
	return c
}

// fit cuts or pads s to w terminal cells, right-aligned. Widths are display
// widths: a CJK character or an emoji takes two cells, a combining mark
// none.
func fit(s string, w int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	n := ansi.StringWidth(s)
	if n > w {
		if w <= 3 {
			return padLeft(ansi.Truncate(s, w, ""), w)
		}
		return padLeft(ansi.Truncate(s, w, "..."), w)
	}
	return strings.Repeat(" ", w-n) + s
}

// padLeft pads s with spaces on the left to w cells (a wide character cut
// in half leaves a cell to fill).
func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(w-ansi.StringWidth(s), 0)) + s
}

// line joins cells as a table row, "| a | b |" when boxed, else with two
// spaces between columns.
func (l *columnLayout) line(cells []string, boxed bool) string {
	var b strings.Builder
	if boxed {
		b.WriteString("|")
	}
	for i, w := range l.widths {
		s := ""
		if i < len(cells) {
			s = cells[i]
		}
		if boxed {
			b.WriteString(" " + fit(s, w) + " |")
		} else {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(fit(s, w))
		}
	}
	return b.String()
}

// separator is the tableau's "+----+---+" line.
func (l *columnLayout) separator() string {
	var b strings.Builder
	b.WriteString("+")
	for _, w := range l.widths {
		b.WriteString(strings.Repeat("-", w+2) + "+")
	}
	return b.String()
}

// tableauHeader is the box's top with the column names.
func (l *columnLayout) tableauHeader() string {
	sep := l.separator()
	return sep + "\n" + l.line(l.names, true) + "\n" + sep
}
