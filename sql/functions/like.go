package functions

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// LIKE (with ESCAPE; the default escape is '\' as in Flink), SIMILAR TO, and
// the REGEXP functions. Patterns are compiled once and reused while the
// pattern stays the same (it is nearly always a literal).

func init() {
	for _, not := range []bool{false, true} {
		not := not
		name := "LIKE"
		if not {
			name = "NOT LIKE"
		}
		simpleF([]string{name}, []string{"STRING " + name + " STRING [ESCAPE STRING]"}, []string{"ss", "sss"}, types.Boolean(), false,
			func() Kernel { return likeKernel(not) })
	}
	simpleF([]string{"SIMILAR TO"}, []string{"STRING SIMILAR TO STRING [ESCAPE STRING]"}, []string{"ss", "sss"}, types.Boolean(), false,
		func() Kernel {
			return boolRegexKernel(func(v []*vector.Vector, i int) (string, error) {
				esc := ""
				if len(v) == 3 {
					esc = rowString(v[2], i)
				}
				return similarToRegex(rowString(v[1], i), esc)
			}, true)
		})
	simpleF([]string{"REGEXP"}, []string{"REGEXP(STRING, STRING)"}, []string{"ss"}, types.Boolean(), false,
		func() Kernel {
			return boolRegexKernel(func(v []*vector.Vector, i int) (string, error) { return rowString(v[1], i), nil }, false)
		})
	simpleF([]string{"REGEXP_EXTRACT"}, []string{"REGEXP_EXTRACT(STRING, STRING[, INTEGER])"}, []string{"ss", "ssi"}, types.String(), true,
		regexStrKernel(func(dst []byte, re *regexp.Regexp, v []*vector.Vector, i int) ([]byte, bool) {
			idx := int64(0)
			if len(v) == 3 {
				idx = v[2].Int64At(i)
			}
			s := rowString(v[0], i)
			m := re.FindStringSubmatchIndex(s)
			if m == nil || idx < 0 || int(idx) > re.NumSubexp() || m[2*idx] < 0 {
				return dst, false
			}
			return append(dst, s[m[2*idx]:m[2*idx+1]]...), true
		}))
	simpleF([]string{"REGEXP_REPLACE"}, []string{"REGEXP_REPLACE(STRING, STRING, STRING)"}, []string{"sss"}, types.String(), true,
		regexStrKernel(func(dst []byte, re *regexp.Regexp, v []*vector.Vector, i int) ([]byte, bool) {
			return append(dst, re.ReplaceAllString(rowString(v[0], i), javaReplacement(rowString(v[2], i)))...), true
		}))
}

// likeMatcher is a compiled LIKE pattern.
type likeMatcher struct {
	kind   likeKind
	lit    string
	tokens []likeToken
}

type likeKind uint8

const (
	likeExact likeKind = iota
	likePrefix
	likeSuffix
	likeContains
	likeAll // '%'
	likeGeneral
)

type likeToken struct {
	any  bool // %
	one  bool // _
	text string
}

var errLikeEscape = errors.New("invalid escape sequence in LIKE pattern")

func compileLike(pattern, escape string) (*likeMatcher, error) {
	var esc rune = -1
	if escape != "" {
		r, size := utf8.DecodeRuneInString(escape)
		if size != len(escape) {
			return nil, fmt.Errorf("LIKE escape %q must be one character", escape)
		}
		esc = r
	}
	var toks []likeToken
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, likeToken{text: lit.String()})
			lit.Reset()
		}
	}
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == esc:
			if i+1 >= len(rs) || rs[i+1] != '%' && rs[i+1] != '_' && rs[i+1] != esc {
				return nil, errLikeEscape
			}
			i++
			lit.WriteRune(rs[i])
		case r == '%':
			flush()
			if len(toks) == 0 || !toks[len(toks)-1].any {
				toks = append(toks, likeToken{any: true})
			}
		case r == '_':
			flush()
			toks = append(toks, likeToken{one: true})
		default:
			lit.WriteRune(r)
		}
	}
	flush()
	m := &likeMatcher{kind: likeGeneral, tokens: toks}
	switch {
	case len(toks) == 0:
		m.kind = likeExact
	case len(toks) == 1 && toks[0].any:
		m.kind = likeAll
	case len(toks) == 1 && toks[0].text != "":
		m.kind, m.lit = likeExact, toks[0].text
	case len(toks) == 2 && toks[0].text != "" && toks[1].any:
		m.kind, m.lit = likePrefix, toks[0].text
	case len(toks) == 2 && toks[0].any && toks[1].text != "":
		m.kind, m.lit = likeSuffix, toks[1].text
	case len(toks) == 3 && toks[0].any && toks[1].text != "" && toks[2].any:
		m.kind, m.lit = likeContains, toks[1].text
	}
	return m, nil
}

func (m *likeMatcher) match(s string) bool {
	switch m.kind {
	case likeExact:
		return s == m.lit
	case likePrefix:
		return strings.HasPrefix(s, m.lit)
	case likeSuffix:
		return strings.HasSuffix(s, m.lit)
	case likeContains:
		return strings.Contains(s, m.lit)
	case likeAll:
		return true
	}
	return matchTokens(m.tokens, s)
}

// matchTokens matches with backtracking to the last '%' only (linear for
// patterns without '%' after '_' … in practice), the classic wildcard
// algorithm.
func matchTokens(toks []likeToken, s string) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := toks[ti]
			switch {
			case t.any:
				starT, starS = ti, si
				ti++
				continue
			case t.one:
				if si < len(s) {
					_, size := utf8.DecodeRuneInString(s[si:])
					si += size
					ti++
					continue
				}
			default:
				if strings.HasPrefix(s[si:], t.text) {
					si += len(t.text)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[starS:])
		starS += size
		ti, si = starT+1, starS
	}
}

func likeKernel(not bool) Kernel {
	var cachedPat, cachedEsc string
	var cached *likeMatcher
	var cachedErr error
	return func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v...)
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			pat := rowString(v[1], i)
			esc := `\`
			if len(v) == 3 {
				esc = rowString(v[2], i)
			}
			if cached == nil && cachedErr == nil || pat != cachedPat || esc != cachedEsc {
				cachedPat, cachedEsc = strings.Clone(pat), strings.Clone(esc)
				cached, cachedErr = compileLike(pat, esc)
			}
			if cachedErr != nil {
				out.SetError(i, cachedErr)
				continue
			}
			out.Bool[i] = cached.match(rowString(v[0], i)) != not
		}
		return nil
	}
}

// similarToRegex translates a SQL SIMILAR TO pattern into an anchored RE2
// pattern: % and _ become .* and ., the regex operators | * + ? {} () []
// keep their meaning, everything else is literal.
func similarToRegex(p, escape string) (string, error) {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	var esc rune = -1
	if escape != "" {
		esc, _ = utf8.DecodeRuneInString(escape)
	}
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == esc:
			if i+1 >= len(rs) {
				return "", errors.New("SIMILAR TO pattern ends with the escape character")
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteByte('.')
		case strings.ContainsRune("|*+?{}()[]^-", r):
			b.WriteRune(r)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)$`)
	return b.String(), nil
}

// boolRegexKernel evaluates a regex search per row; pattern returns the
// pattern of row i. re2 means the pattern is already RE2 syntax.
func boolRegexKernel(pattern func(v []*vector.Vector, i int) (string, error), re2 bool) Kernel {
	var last string
	var re *regexp.Regexp
	var reErr error
	return func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v...)
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			p, err := pattern(v, i)
			if err != nil {
				out.SetError(i, err)
				continue
			}
			if re == nil && reErr == nil || p != last {
				last = strings.Clone(p)
				if re2 {
					re, reErr = regexp.Compile(p)
				} else {
					re, reErr = globalRegexCache.get(p)
				}
			}
			switch {
			case errors.Is(reErr, ErrUnsupportedRegex):
				out.SetError(i, reErr)
			case reErr != nil || p == "":
				out.Bool[i] = false // Flink's REGEXP is FALSE for an invalid pattern
			default:
				out.Bool[i] = re.MatchString(rowString(v[0], i))
			}
		}
		return nil
	}
}

// regexStrKernel runs f with the compiled pattern of argument 1; an invalid
// pattern gives NULL (Flink logs and returns NULL), an unsupported one a row
// error.
func regexStrKernel(f func(dst []byte, re *regexp.Regexp, v []*vector.Vector, i int) ([]byte, bool)) func() Kernel {
	return func() Kernel { return regexStrKernel1(f) }
}

func regexStrKernel1(f func(dst []byte, re *regexp.Regexp, v []*vector.Vector, i int) ([]byte, bool)) Kernel {
	var last string
	var re *regexp.Regexp
	var err error
	return func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Reset()
		for i := 0; i < n; i++ {
			if anyNull(v, i) {
				out.AppendNull()
				continue
			}
			if p := rowString(v[1], i); re == nil && err == nil || p != last {
				last = strings.Clone(p)
				re, err = globalRegexCache.get(last)
			}
			if err != nil {
				out.AppendNull()
				if errors.Is(err, ErrUnsupportedRegex) {
					out.SetError(i, err)
				}
				continue
			}
			start := len(out.Data)
			data, ok := f(out.Data, re, v, i)
			out.Data = data
			if !ok {
				out.Data = out.Data[:start]
				out.AppendNull()
				continue
			}
			out.FinishBytes()
		}
		return nil
	}
}
