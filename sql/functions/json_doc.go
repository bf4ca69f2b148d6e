package functions

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// A JSON parser that accepts what Flink's does. Flink parses JSON with
// Jackson (through Jayway JsonPath) configured with default features plus
// floats read as BigDecimal, so:
//
//   - the grammar is strict JSON: no comments, single quotes, unquoted
//     names, trailing commas, NaN, leading zeros or control characters in
//     strings; whitespace is space, tab, CR and LF only;
//   - after the first complete value the rest of the text is not read
//     ('{} x' is valid JSON to Flink), except that a root number must be
//     followed by whitespace or the end, and a literal (true, null) by a
//     character that cannot continue an identifier;
//   - a repeated object member keeps the first position and the last value;
//   - numbers keep their text as Java prints them: integers as written
//     (-0 is 0), other numbers as BigDecimal.toString() (1e3 is 1E+3, 1.50
//     stays 1.50);
//   - nesting deeper than 1000 levels is an error, as in Jackson 2.15+.

// jsonKind is the kind of a JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func (k jsonKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// jsonNode is one value of a parsed document. Containers list their
// children (members carry their names in key) as doc.kids[first:first+n].
type jsonNode struct {
	kind  jsonKind
	bool  bool
	text  string // a string's value, or a number as Java prints it
	key   string // the member name, for members of an object
	first int32
	n     int32
}

// jsonDoc is a parsed document kept in flat slices that are reused from
// row to row, so parsing allocates only for strings with escapes and for
// numbers Java prints differently. Strings may share the input's memory: a
// document is valid only while its input is.
type jsonDoc struct {
	nodes []jsonNode
	kids  []int32
	stack []int32 // children of the containers being parsed
	src   string
	pos   int
	depth int
	// seen finds repeated member names in large objects.
	seen map[string]int
}

// jsonMaxDepth is Jackson's default StreamReadConstraints nesting limit.
const jsonMaxDepth = 1000

// jsonSyntaxError is invalid JSON text.
type jsonSyntaxError struct {
	msg string
	off int
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.off, e.msg)
}

// bytesView returns b as a string without copying; the string is valid
// while b is unchanged.
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// parse parses src; the root is node 0.
func (d *jsonDoc) parse(src string) error {
	d.nodes, d.kids, d.stack = d.nodes[:0], d.kids[:0], d.stack[:0]
	d.src, d.pos, d.depth = src, 0, 0
	d.skipSpace()
	if d.pos >= len(d.src) {
		return d.fail("no content: the text is empty or only whitespace")
	}
	if err := d.value(); err != nil {
		return err
	}
	if d.nodes[0].kind == jsonNumber && d.pos < len(d.src) {
		switch d.src[d.pos] {
		case ' ', '\t', '\r', '\n':
		default:
			return d.fail(fmt.Sprintf("expected space separating root-level values, found %s", d.describe()))
		}
	}
	return nil
}

func (d *jsonDoc) fail(msg string) error { return &jsonSyntaxError{msg: msg, off: d.pos} }

func (d *jsonDoc) describe() string {
	if d.pos >= len(d.src) {
		return "end of input"
	}
	return strconv.QuoteRune(rune(d.src[d.pos]))
}

func (d *jsonDoc) skipSpace() {
	for d.pos < len(d.src) {
		switch d.src[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

// value parses one value and appends its node (and its subtree).
func (d *jsonDoc) value() error {
	if d.pos >= len(d.src) {
		return d.fail("unexpected end of input, expected a value")
	}
	idx := int32(len(d.nodes))
	d.nodes = append(d.nodes, jsonNode{})
	c := d.src[d.pos]
	switch {
	case c == '{' || c == '[':
		d.depth++
		if d.depth > jsonMaxDepth {
			return d.fail(fmt.Sprintf("nesting depth exceeds %d", jsonMaxDepth))
		}
		var err error
		if c == '{' {
			err = d.object(idx)
		} else {
			err = d.array(idx)
		}
		d.depth--
		return err
	case c == '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		d.nodes[idx] = jsonNode{kind: jsonString, text: s}
		return nil
	case c == '-' || c >= '0' && c <= '9':
		text, err := d.number()
		if err != nil {
			return err
		}
		d.nodes[idx] = jsonNode{kind: jsonNumber, text: text}
		return nil
	case c == 't':
		d.nodes[idx] = jsonNode{kind: jsonBool, bool: true}
		return d.literal("true")
	case c == 'f':
		d.nodes[idx] = jsonNode{kind: jsonBool}
		return d.literal("false")
	case c == 'n':
		d.nodes[idx] = jsonNode{kind: jsonNull}
		return d.literal("null")
	}
	if c < 0x20 {
		return d.fail(fmt.Sprintf("illegal character %s: only regular white space is allowed", d.describe()))
	}
	return d.fail(fmt.Sprintf("unexpected character %s, expected a value", d.describe()))
}

// literal matches true, false or null. As in Jackson, the literal must not
// run on into identifier characters (truex, null1).
func (d *jsonDoc) literal(word string) error {
	if !strings.HasPrefix(d.src[d.pos:], word) {
		return d.badToken()
	}
	d.pos += len(word)
	if d.pos < len(d.src) && isJavaIdentPart(d.src[d.pos]) {
		return d.badToken()
	}
	return nil
}

func (d *jsonDoc) badToken() error {
	end := d.pos
	for end < len(d.src) && end-d.pos < 32 && isJavaIdentPart(d.src[end]) {
		end++
	}
	if end == d.pos {
		end++
	}
	return d.fail(fmt.Sprintf("unrecognized token %q: expected true, false or null", d.src[d.pos:end]))
}

// isJavaIdentPart approximates Character.isJavaIdentifierPart for the
// byte after a literal: letters, digits, _ and $, and any non-ASCII byte.
func isJavaIdentPart(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func (d *jsonDoc) object(idx int32) error {
	d.pos++ // {
	base := len(d.stack)
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == '}' {
		d.pos++
		d.finish(idx, jsonObject, base)
		return nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != '"' {
			return d.fail(fmt.Sprintf("expected a double-quoted member name, found %s", d.describe()))
		}
		key, err := d.str()
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != ':' {
			return d.fail(fmt.Sprintf("expected ':' after a member name, found %s", d.describe()))
		}
		d.pos++
		d.skipSpace()
		child := int32(len(d.nodes))
		if err := d.value(); err != nil {
			return err
		}
		d.nodes[child].key = key
		d.stack = append(d.stack, child)
		d.skipSpace()
		if d.pos < len(d.src) && d.src[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.pos < len(d.src) && d.src[d.pos] == '}' {
			d.pos++
			d.dedupMembers(base)
			d.finish(idx, jsonObject, base)
			return nil
		}
		return d.fail(fmt.Sprintf("expected ',' or '}' in an object, found %s", d.describe()))
	}
}

func (d *jsonDoc) array(idx int32) error {
	d.pos++ // [
	base := len(d.stack)
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == ']' {
		d.pos++
		d.finish(idx, jsonArray, base)
		return nil
	}
	for {
		d.skipSpace()
		child := int32(len(d.nodes))
		if err := d.value(); err != nil {
			return err
		}
		d.stack = append(d.stack, child)
		d.skipSpace()
		if d.pos < len(d.src) && d.src[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.pos < len(d.src) && d.src[d.pos] == ']' {
			d.pos++
			d.finish(idx, jsonArray, base)
			return nil
		}
		return d.fail(fmt.Sprintf("expected ',' or ']' in an array, found %s", d.describe()))
	}
}

// finish moves the children collected since base into kids.
func (d *jsonDoc) finish(idx int32, kind jsonKind, base int) {
	d.nodes[idx].kind = kind
	d.nodes[idx].first = int32(len(d.kids))
	d.nodes[idx].n = int32(len(d.stack) - base)
	d.kids = append(d.kids, d.stack[base:]...)
	d.stack = d.stack[:base]
}

// dedupMembers makes a repeated member name keep its first position with
// its last value, as Jackson's map does.
func (d *jsonDoc) dedupMembers(base int) {
	members := d.stack[base:]
	if len(members) < 2 {
		return
	}
	out := members[:0]
	if len(members) <= 16 {
		for _, m := range members {
			dup := false
			for j, o := range out {
				if d.nodes[o].key == d.nodes[m].key {
					out[j], dup = m, true
					break
				}
			}
			if !dup {
				out = append(out, m)
			}
		}
	} else {
		if d.seen == nil {
			d.seen = map[string]int{}
		}
		clear(d.seen)
		for _, m := range members {
			if j, ok := d.seen[d.nodes[m].key]; ok {
				out[j] = m
				continue
			}
			d.seen[d.nodes[m].key] = len(out)
			out = append(out, m)
		}
	}
	d.stack = d.stack[:base+len(out)]
}

// str parses a string literal and returns its value.
func (d *jsonDoc) str() (string, error) {
	d.pos++ // opening quote
	start := d.pos
	for d.pos < len(d.src) {
		c := d.src[d.pos]
		switch {
		case c == '"':
			s := d.src[start:d.pos]
			d.pos++
			return s, nil
		case c == '\\':
			return d.escapedStr(start)
		case c < 0x20:
			return "", d.fail(fmt.Sprintf("illegal unquoted character %s in a string: control characters must be escaped", d.describe()))
		}
		d.pos++
	}
	return "", d.fail("unterminated string")
}

// escapedStr finishes a string that has escapes; the text before the first
// backslash starts at start.
func (d *jsonDoc) escapedStr(start int) (string, error) {
	buf := make([]byte, 0, d.pos-start+16)
	buf = append(buf, d.src[start:d.pos]...)
	for d.pos < len(d.src) {
		c := d.src[d.pos]
		switch {
		case c == '"':
			d.pos++
			return string(buf), nil
		case c < 0x20:
			return "", d.fail(fmt.Sprintf("illegal unquoted character %s in a string: control characters must be escaped", d.describe()))
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.src) {
			break
		}
		e := d.src[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail("invalid \\u escape: expected 4 hexadecimal digits")
			}
			if r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(d.src[d.pos:], "\\u") {
				save := d.pos
				d.pos += 2
				if lo, ok := d.hex4(); ok && lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				} else {
					d.pos = save
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			d.pos--
			return "", d.fail(fmt.Sprintf("unrecognized character escape %s", d.describe()))
		}
	}
	return "", d.fail("unterminated string")
}

func (d *jsonDoc) hex4() (rune, bool) {
	if d.pos+4 > len(d.src) {
		return 0, false
	}
	v, err := strconv.ParseUint(d.src[d.pos:d.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	d.pos += 4
	return rune(v), true
}

// number parses a number by JSON's grammar and returns its Java text.
func (d *jsonDoc) number() (string, error) {
	start := d.pos
	if d.src[d.pos] == '-' {
		d.pos++
	}
	digits := d.digits()
	switch {
	case digits == 0:
		return "", d.fail(fmt.Sprintf("expected a digit after '-', found %s", d.describe()))
	case digits > 1 && d.src[d.pos-digits] == '0':
		d.pos -= digits - 1
		return "", d.fail("leading zeros are not allowed in numbers")
	}
	float := false
	if d.pos < len(d.src) && d.src[d.pos] == '.' {
		d.pos++
		float = true
		if d.digits() == 0 {
			return "", d.fail(fmt.Sprintf("expected a digit after the decimal point, found %s", d.describe()))
		}
	}
	if d.pos < len(d.src) && (d.src[d.pos] == 'e' || d.src[d.pos] == 'E') {
		d.pos++
		float = true
		if d.pos < len(d.src) && (d.src[d.pos] == '+' || d.src[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return "", d.fail(fmt.Sprintf("expected a digit in the exponent, found %s", d.describe()))
		}
	}
	text := d.src[start:d.pos]
	if !float {
		if text == "-0" {
			return "0", nil
		}
		return text, nil
	}
	return javaDecimalText(text), nil
}

func (d *jsonDoc) digits() int {
	n := 0
	for d.pos < len(d.src) && d.src[d.pos] >= '0' && d.src[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

// javaDecimalText renders a valid decimal literal ([-]digits[.digits]
// [e[+|-]digits]) as Java's new BigDecimal(text).toString() does: plain
// when the scale is not negative and the adjusted exponent is at least -6,
// else in E notation.
func javaDecimalText(text string) string {
	neg := false
	s := text
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return text
		}
		exp, s = e, s[:i]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	coeff := strings.TrimLeft(intPart+frac, "0")
	if coeff == "" {
		coeff, neg = "0", false
	}
	scale := len(frac) - exp
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if scale == 0 {
		b.WriteString(coeff)
		return b.String()
	}
	adjusted := -scale + len(coeff) - 1
	if scale > 0 && adjusted >= -6 {
		if pad := scale - len(coeff); pad >= 0 {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", pad))
			b.WriteString(coeff)
		} else {
			b.WriteString(coeff[:-pad])
			b.WriteByte('.')
			b.WriteString(coeff[-pad:])
		}
		return b.String()
	}
	b.WriteByte(coeff[0])
	if len(coeff) > 1 {
		b.WriteByte('.')
		b.WriteString(coeff[1:])
	}
	if adjusted != 0 {
		b.WriteByte('E')
		if adjusted > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(adjusted))
	}
	return b.String()
}

// children returns the children of container node i.
func (d *jsonDoc) children(i int32) []int32 {
	n := &d.nodes[i]
	return d.kids[n.first : n.first+n.n]
}

// member returns the member of object node i named key.
func (d *jsonDoc) member(i int32, key string) (int32, bool) {
	for _, c := range d.children(i) {
		if d.nodes[c].key == key {
			return c, true
		}
	}
	return 0, false
}
