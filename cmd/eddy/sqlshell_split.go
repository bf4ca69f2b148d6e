package main

import (
	"strings"
	"unicode"
)

// splitStatements cuts the complete statements off the front of text: each
// ends with a ';' outside string literals, quoted identifiers and comments.
// A statement set (EXECUTE STATEMENT SET BEGIN … END; or BEGIN STATEMENT
// SET; … END;) holds semicolons, so only the ';' after its END ends it.
// rest is what follows the last complete statement. Statements keep their
// ';' and lose the blank space before them, so that error positions count
// from their first line.
func splitStatements(text string) (stmts []string, rest string) {
	rs := []rune(text)
	start := 0
	var words []string // the statement's first words, upper case
	last := ""         // the statement's last word
	content := false   // the statement has more than space and comments
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\'' || r == '"' || r == '`':
			// A doubled quote inside a literal is the quote itself, which
			// scanning the literal twice handles.
			j := i + 1
			for j < len(rs) && rs[j] != r {
				j++
			}
			if j == len(rs) {
				return stmts, string(rs[start:])
			}
			i = j
			last, content = "", true
		case r == '-' && i+1 < len(rs) && rs[i+1] == '-':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case r == '/' && i+1 < len(rs) && rs[i+1] == '*':
			j := i + 2
			for j+1 < len(rs) && !(rs[j] == '*' && rs[j+1] == '/') {
				j++
			}
			if j+1 >= len(rs) {
				return stmts, string(rs[start:])
			}
			i = j + 1
		case r == ';':
			if statementSet(words) && last != "END" {
				last = ""
				continue
			}
			if content {
				stmts = append(stmts, strings.TrimLeftFunc(string(rs[start:i+1]), unicode.IsSpace))
			}
			start, words, last, content = i+1, nil, "", false
		case isWordRune(r):
			j := i
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			last = strings.ToUpper(string(rs[i:j]))
			if len(words) < 4 {
				words = append(words, last)
			}
			i = j - 1
			content = true
		case !unicode.IsSpace(r):
			last, content = "", true
		}
	}
	return stmts, string(rs[start:])
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// statementSet reports whether a statement's first words open a statement
// set.
func statementSet(words []string) bool {
	w := strings.Join(words, " ")
	return strings.HasPrefix(w, "EXECUTE STATEMENT SET BEGIN") || strings.HasPrefix(w, "BEGIN STATEMENT SET")
}

// blank reports whether text holds nothing but space and comments.
func blank(text string) bool {
	stmts, rest := splitStatements(text + "\n;")
	return len(stmts) == 0 && rest == ""
}
