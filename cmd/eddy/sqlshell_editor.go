package main

import (
	"strings"
	"unicode"
)

// lineEditor is the text being typed at the prompt: possibly several lines
// (a statement is only complete at its ';'), with a cursor. It does no I/O,
// so that tests can drive it.
type lineEditor struct {
	buf []rune
	pos int // cursor, 0..len(buf)
}

func (e *lineEditor) text() string { return string(e.buf) }

// set replaces the text and puts the cursor at its end.
func (e *lineEditor) set(s string) {
	e.buf = []rune(s)
	e.pos = len(e.buf)
}

// insert types s at the cursor, dropping control characters other than
// newline (a tab becomes a space: the terminal would misplace the cursor).
func (e *lineEditor) insert(s string) {
	var ins []rune
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\r':
			ins = append(ins, '\n')
		case r == '\t':
			ins = append(ins, ' ')
		case r == '\n' || !unicode.IsControl(r):
			ins = append(ins, r)
		}
	}
	e.buf = append(e.buf[:e.pos], append(ins, e.buf[e.pos:]...)...)
	e.pos += len(ins)
}

func (e *lineEditor) left() {
	if e.pos > 0 {
		e.pos--
	}
}

func (e *lineEditor) right() {
	if e.pos < len(e.buf) {
		e.pos++
	}
}

// lineStart and lineEnd bound the line the cursor is on.
func (e *lineEditor) lineStart() int {
	i := e.pos
	for i > 0 && e.buf[i-1] != '\n' {
		i--
	}
	return i
}

func (e *lineEditor) lineEnd() int {
	i := e.pos
	for i < len(e.buf) && e.buf[i] != '\n' {
		i++
	}
	return i
}

func (e *lineEditor) home() { e.pos = e.lineStart() }
func (e *lineEditor) end()  { e.pos = e.lineEnd() }

func (e *lineEditor) backspace() {
	if e.pos > 0 {
		e.buf = append(e.buf[:e.pos-1], e.buf[e.pos:]...)
		e.pos--
	}
}

func (e *lineEditor) del() {
	if e.pos < len(e.buf) {
		e.buf = append(e.buf[:e.pos], e.buf[e.pos+1:]...)
	}
}

// wordLeft moves to the start of the word before the cursor.
func (e *lineEditor) wordLeft() {
	for e.pos > 0 && !isWordRune(e.buf[e.pos-1]) {
		e.pos--
	}
	for e.pos > 0 && isWordRune(e.buf[e.pos-1]) {
		e.pos--
	}
}

// wordRight moves past the end of the word after the cursor.
func (e *lineEditor) wordRight() {
	for e.pos < len(e.buf) && !isWordRune(e.buf[e.pos]) {
		e.pos++
	}
	for e.pos < len(e.buf) && isWordRune(e.buf[e.pos]) {
		e.pos++
	}
}

// deleteWordLeft removes the word before the cursor (Ctrl-W).
func (e *lineEditor) deleteWordLeft() {
	end := e.pos
	e.wordLeft()
	e.buf = append(e.buf[:e.pos], e.buf[end:]...)
}

// killToEnd removes the rest of the line (Ctrl-K).
func (e *lineEditor) killToEnd() {
	end := e.lineEnd()
	e.buf = append(e.buf[:e.pos], e.buf[end:]...)
}

// killToStart removes the line before the cursor (Ctrl-U).
func (e *lineEditor) killToStart() {
	start := e.lineStart()
	e.buf = append(e.buf[:start], e.buf[e.pos:]...)
	e.pos = start
}

// up moves to the line above, keeping the column; false on the first line.
func (e *lineEditor) up() bool {
	start := e.lineStart()
	if start == 0 {
		return false
	}
	col := e.pos - start
	e.pos = start - 1
	e.pos = min(e.lineStart()+col, start-1)
	return true
}

// down moves to the line below, keeping the column; false on the last line.
func (e *lineEditor) down() bool {
	end := e.lineEnd()
	if end == len(e.buf) {
		return false
	}
	col := e.pos - e.lineStart()
	e.pos = end + 1
	e.pos = min(e.pos+col, e.lineEnd())
	return true
}

// render lays the text out behind its prompts (prompt on the first line,
// cont on the others), wrapped at width columns, and returns the screen
// lines with the cursor's cell.
func (e *lineEditor) render(prompt, cont string, width int) (lines []string, cx, cy int) {
	width = max(width, 8)
	var row []rune
	col := 0
	flush := func() {
		lines = append(lines, string(row))
		row, col = row[:0:0], 0
	}
	put := func(r rune) {
		if col == width {
			flush()
		}
		row = append(row, r)
		col++
	}
	for _, r := range prompt {
		put(r)
	}
	for i := 0; i <= len(e.buf); i++ {
		if i == e.pos {
			if col == width {
				flush()
			}
			cx, cy = col, len(lines)
		}
		if i == len(e.buf) {
			break
		}
		if e.buf[i] == '\n' {
			flush()
			for _, r := range cont {
				put(r)
			}
			continue
		}
		put(e.buf[i])
	}
	flush()
	return lines, cx, cy
}
