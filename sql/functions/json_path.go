package functions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// JSON paths as Flink reads them: an optional mode ('lax' or 'strict',
// strict when omitted) and a Jayway JsonPath expression. Supported steps:
//
//	$            the root ($ may be omitted: 'a.b' is '$.a.b')
//	.name        a member; ['name'] or ["name"] for names with spaces or dots
//	[n]          an array element, counting from 0; [-1] is the last
//	[n, m, …]    several elements
//	[a:b] [a:] [:b]  a slice of an array
//	.* and [*]   every member value or element
//
// Filters (?(…)), functions (.length()), deep scans (..name) and several
// names in one bracket are not supported; a path using them is invalid.
//
// Evaluation follows Jayway, which Flink uses. In strict mode a missing
// member on the way, a step into a value of the wrong kind, or no value at
// all for a path without wildcards is an error; so is a JSON null result
// and text that is not JSON. Lax mode turns those into an empty result.
// A path with wildcards, slices or index lists ("indefinite") yields the
// list of what it finds, which may be empty, and never fails for a missing
// member.

// jsonStepKind is the kind of a path step.
type jsonStepKind uint8

const (
	stepMember   jsonStepKind = iota // .name
	stepIndex                        // [n]
	stepIndexes                      // [n, m]
	stepSlice                        // [a:b]
	stepWildcard                     // .* or [*]
)

// jsonStep is one step of a path; kind says which of the other fields
// apply.
type jsonStep struct {
	kind           jsonStepKind
	name           string
	indexes        []int
	from, to       int
	hasFrom, hasTo bool
	text           string // Jayway's rendering, e.g. ['a'] or [0]
}

// definite reports whether the step yields at most one value.
func (s *jsonStep) definite() bool { return s.kind == stepMember || s.kind == stepIndex }

// jsonPath is a compiled path specification.
type jsonPath struct {
	spec     string // as written, for messages
	lax      bool
	steps    []jsonStep
	definite bool
	err      error // the path is invalid: every use is an error
}

// compileJSONPath compiles a path specification; an invalid one is
// returned with err set.
func compileJSONPath(spec string) *jsonPath {
	p := &jsonPath{spec: spec, definite: true}
	body := spec
	if mode, rest, ok := splitPathMode(spec); ok {
		p.lax = mode == "lax"
		body = rest
	}
	if err := p.parse(body); err != nil {
		p.err = fmt.Errorf("illegal JSON path '%s': %w", spec, err)
	}
	return p
}

// splitPathMode matches Flink's ^\s*(strict|lax)\s+(.+)$ (case
// insensitive).
func splitPathMode(spec string) (mode, rest string, ok bool) {
	s := strings.TrimLeft(spec, " \t\n\r\f\v")
	for _, m := range []string{"strict", "lax"} {
		if len(s) > len(m) && strings.EqualFold(s[:len(m)], m) && isJavaSpace(s[len(m)]) {
			rest := strings.TrimLeft(s[len(m):], " \t\n\r\f\v")
			if rest == "" {
				// \s+ gives back one blank so that (.+) matches.
				rest = s[len(s)-1:]
			}
			return m, rest, true
		}
	}
	return "", "", false
}

func isJavaSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// parse compiles a Jayway path expression.
func (p *jsonPath) parse(s string) error {
	s = strings.Trim(s, " ")
	if s == "" {
		return errors.New("the path is empty")
	}
	if s[0] != '$' && s[0] != '@' {
		s = "$." + s
	}
	if strings.HasSuffix(s, ".") {
		return errors.New("the path must not end with '.'")
	}
	i := 1
	for i < len(s) {
		var err error
		switch c := s[i]; c {
		case '.':
			if i+1 < len(s) && s[i+1] == '.' {
				return errors.New("deep scan (..) is not supported")
			}
			i++
			switch {
			case i >= len(s):
				return errors.New("the path must not end with '.'")
			case s[i] == '*':
				p.add(jsonStep{kind: stepWildcard})
				i++
			case s[i] == '[':
				i, err = p.bracket(s, i)
			default:
				i, err = p.dotName(s, i)
			}
		case '[':
			i, err = p.bracket(s, i)
		case '*':
			p.add(jsonStep{kind: stepWildcard})
			i++
		default:
			i, err = p.dotName(s, i)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *jsonPath) add(st jsonStep) {
	st.text = renderStep(&st)
	p.steps = append(p.steps, st)
	if !st.definite() {
		p.definite = false
	}
}

// dotName reads a member name after '.', up to the next '.' or '['.
func (p *jsonPath) dotName(s string, i int) (int, error) {
	start := i
	for i < len(s) && s[i] != '.' && s[i] != '[' {
		switch s[i] {
		case ' ':
			return 0, fmt.Errorf("use bracket notation ['my name'] for member names with blanks (position %d)", i)
		case '(':
			return 0, fmt.Errorf("path functions such as %s() are not supported", s[start:i])
		}
		i++
	}
	if i == start {
		return 0, fmt.Errorf("could not parse the path at position %d", i)
	}
	p.add(jsonStep{kind: stepMember, name: s[start:i]})
	return i, nil
}

// bracket reads [*], ['name'], ["name"], [n, …] or [a:b] at s[i] == '['.
func (p *jsonPath) bracket(s string, i int) (int, error) {
	end := strings.IndexByte(s[i:], ']')
	j := i + 1
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j >= len(s) {
		return 0, fmt.Errorf("'[' at position %d is not closed", i)
	}
	switch s[j] {
	case '\'', '"':
		return p.quotedName(s, j)
	case '?':
		return 0, errors.New("filter expressions [?(…)] are not supported")
	}
	if end < 0 {
		return 0, fmt.Errorf("'[' at position %d is not closed", i)
	}
	end += i
	inner := strings.TrimSpace(s[i+1 : end])
	if inner == "*" {
		p.add(jsonStep{kind: stepWildcard})
		return end + 1, nil
	}
	for k := 0; k < len(inner); k++ {
		if c := inner[k]; !(c >= '0' && c <= '9' || c == ',' || c == '-' || c == ':' || c == ' ') {
			return 0, fmt.Errorf("could not parse [%s] at position %d: expected *, a quoted name, an index or a slice", inner, i)
		}
	}
	if strings.Contains(inner, ":") {
		parts := strings.Split(inner, ":")
		if len(parts) != 2 {
			return 0, fmt.Errorf("bad array slice [%s]", inner)
		}
		st := jsonStep{kind: stepSlice}
		var err error
		if st.from, st.hasFrom, err = sliceBound(parts[0]); err != nil {
			return 0, fmt.Errorf("bad array slice [%s]", inner)
		}
		if st.to, st.hasTo, err = sliceBound(parts[1]); err != nil || !st.hasFrom && !st.hasTo {
			return 0, fmt.Errorf("bad array slice [%s]", inner)
		}
		p.add(st)
		return end + 1, nil
	}
	var idx []int
	for _, part := range strings.Split(inner, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return 0, fmt.Errorf("bad array index [%s]", inner)
		}
		idx = append(idx, n)
	}
	if len(idx) == 1 {
		p.add(jsonStep{kind: stepIndex, indexes: idx})
	} else {
		p.add(jsonStep{kind: stepIndexes, indexes: idx})
	}
	return end + 1, nil
}

func sliceBound(s string) (int, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	return n, true, err
}

// quotedName reads 'name'] or "name"] starting at the quote s[j]; a
// backslash escapes the next character.
func (p *jsonPath) quotedName(s string, j int) (int, error) {
	quote := s[j]
	var name strings.Builder
	k := j + 1
	for ; k < len(s) && s[k] != quote; k++ {
		if s[k] == '\\' && k+1 < len(s) {
			k++
			switch s[k] {
			case 'n':
				name.WriteByte('\n')
				continue
			case 't':
				name.WriteByte('\t')
				continue
			}
		}
		name.WriteByte(s[k])
	}
	if k >= len(s) {
		return 0, fmt.Errorf("the name at position %d is not closed with %c", j, quote)
	}
	k++
	for k < len(s) && s[k] == ' ' {
		k++
	}
	if k >= len(s) {
		return 0, errors.New("the bracket is not closed with ]")
	}
	if s[k] == ',' {
		return 0, errors.New("several names in one bracket are not supported")
	}
	if s[k] != ']' {
		return 0, fmt.Errorf("expected ] after the name at position %d", k)
	}
	p.add(jsonStep{kind: stepMember, name: name.String()})
	return k + 1, nil
}

// renderStep renders a step as Jayway does in its messages.
func renderStep(st *jsonStep) string {
	switch st.kind {
	case stepMember:
		return "['" + st.name + "']"
	case stepIndex, stepIndexes:
		parts := make([]string, len(st.indexes))
		for i, n := range st.indexes {
			parts[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case stepSlice:
		var b strings.Builder
		b.WriteByte('[')
		if st.hasFrom {
			b.WriteString(strconv.Itoa(st.from))
		}
		b.WriteByte(':')
		if st.hasTo {
			b.WriteString(strconv.Itoa(st.to))
		}
		b.WriteByte(']')
		return b.String()
	}
	return "[*]"
}

// renderPrefix renders the first n steps, e.g. $['a'][0].
func (p *jsonPath) renderPrefix(n int) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, st := range p.steps[:n] {
		b.WriteString(st.text)
	}
	return b.String()
}

// errJSONEmpty marks an empty result: nothing at the path in lax mode.
var errJSONEmpty = errors.New("empty result")

// jsonMatch is the result of a path: one node for a definite path; the
// (possibly empty) list of matches for an indefinite one.
type jsonMatch struct {
	list  bool
	nodes []int32
}

// jsonEvaluator evaluates paths with scratch slices reused across rows.
type jsonEvaluator struct {
	cur, next []int32
}

// eval applies path to the document's root. It returns errJSONEmpty for an
// empty result, or another error (strict mode).
func (ev *jsonEvaluator) eval(p *jsonPath, d *jsonDoc) (jsonMatch, error) {
	if d.nodes[0].kind == jsonNull {
		// Jayway refuses a null document in both modes.
		return jsonMatch{}, errors.New("the JSON document is null")
	}
	strict := !p.lax
	ev.cur = append(ev.cur[:0], 0)
	upstreamDefinite := true
	for si := range p.steps {
		st := &p.steps[si]
		leaf := si == len(p.steps)-1
		ev.next = ev.next[:0]
		for _, n := range ev.cur {
			node := &d.nodes[n]
			switch st.kind {
			case stepMember:
				if node.kind != jsonObject {
					if strict && upstreamDefinite {
						return jsonMatch{}, fmt.Errorf("expected an object with member %s at %s, found %s",
							st.text, p.renderPrefix(si), d.snippet(n))
					}
					continue
				}
				if c, ok := d.member(n, st.name); ok {
					ev.next = append(ev.next, c)
				} else if !leaf && strict && upstreamDefinite {
					return jsonMatch{}, fmt.Errorf("missing member %s at %s", st.text, p.renderPrefix(si))
				}
			case stepIndex, stepIndexes, stepSlice:
				if node.kind != jsonArray {
					if strict && upstreamDefinite {
						return jsonMatch{}, fmt.Errorf("expected an array for %s at %s, found %s",
							st.text, p.renderPrefix(si), d.snippet(n))
					}
					continue
				}
				ev.next = appendElements(ev.next, d.children(n), st)
			case stepWildcard:
				if node.kind == jsonObject || node.kind == jsonArray {
					ev.next = append(ev.next, d.children(n)...)
				}
			}
		}
		ev.cur, ev.next = ev.next, ev.cur
		upstreamDefinite = upstreamDefinite && st.definite()
	}
	if !p.definite {
		return jsonMatch{list: true, nodes: ev.cur}, nil
	}
	if len(ev.cur) == 0 {
		if strict {
			return jsonMatch{}, fmt.Errorf("no value at %s", p.renderPrefix(len(p.steps)))
		}
		return jsonMatch{}, errJSONEmpty
	}
	if d.nodes[ev.cur[0]].kind == jsonNull {
		if strict {
			return jsonMatch{}, fmt.Errorf("strict mode requires a value, but %s is null", p.renderPrefix(len(p.steps)))
		}
		return jsonMatch{}, errJSONEmpty
	}
	return jsonMatch{nodes: ev.cur[:1]}, nil
}

// appendElements appends the elements an index, index list or slice step
// selects, as Jayway: negative indexes count from the end, indexes out of
// range select nothing.
func appendElements(dst, elems []int32, st *jsonStep) []int32 {
	n := len(elems)
	at := func(i int) {
		if i < 0 {
			i += n
		}
		if i >= 0 && i < n {
			dst = append(dst, elems[i])
		}
	}
	switch {
	case st.kind != stepSlice:
		for _, i := range st.indexes {
			at(i)
		}
	case st.hasFrom && st.hasTo:
		for i := st.from; i < min(n, st.to); i++ {
			at(i)
		}
	case st.hasFrom:
		from := st.from
		if from < 0 {
			from += n
		}
		for i := max(0, from); i < n; i++ {
			at(i)
		}
	default:
		to := st.to
		if to < 0 {
			to += n
		}
		for i := 0; i < min(n, to); i++ {
			at(i)
		}
	}
	return dst
}

// snippet renders node i for messages, shortened.
func (d *jsonDoc) snippet(i int32) string {
	b := appendJSONNode(nil, d, i)
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}

// jsonPathCache compiles the path of the last row again only when it
// changes (paths are nearly always literals).
type jsonPathCache struct {
	last *jsonPath
}

func (c *jsonPathCache) get(spec string) *jsonPath {
	if c.last == nil || c.last.spec != spec {
		c.last = compileJSONPath(strings.Clone(spec))
	}
	return c.last
}
