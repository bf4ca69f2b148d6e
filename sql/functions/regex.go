package functions

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Flink's regular expressions are java.util.regex; Eddy runs them on Go's
// RE2 engine (linear time, no catastrophic backtracking). compileJavaRegex
// translates the Java syntax RE2 shares under another spelling and rejects
// what RE2 cannot do with a clear error: backreferences, lookaround,
// possessive quantifiers and atomic groups.

// ErrUnsupportedRegex marks Java regex constructs RE2 does not support.
var ErrUnsupportedRegex = errors.New("unsupported in Eddy's RE2-based regular expressions")

var repetition = regexp.MustCompile(`^\{[0-9]+(,[0-9]*)?\}`)

var javaClasses = map[string]string{
	"Lower": "[a-z]", "Upper": "[A-Z]", "ASCII": `[\x00-\x7F]`, "Alpha": "[a-zA-Z]",
	"Digit": "[0-9]", "Alnum": "[a-zA-Z0-9]", "Punct": "[!-/:-@\\[-`{-~]", "Graph": "[!-~]",
	"Print": "[ -~]", "Blank": `[ \t]`, "Cntrl": `[\x00-\x1F\x7F]`, "XDigit": "[0-9a-fA-F]",
	"Space": `[ \t\n\x0B\f\r]`, "javaLowerCase": `\p{Ll}`, "javaUpperCase": `\p{Lu}`,
	"javaWhitespace": `\s`, "IsAlphabetic": `\pL`, "IsLetter": `\pL`, "IsDigit": `\p{Nd}`,
}

// translateJavaRegex rewrites a Java pattern into RE2 syntax.
func translateJavaRegex(p string) (string, error) {
	var b strings.Builder
	unsupported := func(what string) (string, error) {
		return "", fmt.Errorf("regular expression %q: %s is %w", p, what, ErrUnsupportedRegex)
	}
	inClass := false
	// prevQuant: the last thing written was a quantifier, so a '+' now would
	// make it possessive
	prevQuant := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		wasQuant := prevQuant
		prevQuant = false
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			switch {
			case n >= '1' && n <= '9' && !inClass:
				return unsupported("the backreference \\" + string(n))
			case n == 'k' && i+2 < len(p) && p[i+2] == '<':
				return unsupported("the named backreference \\k<…>")
			case n == 'Q':
				end := strings.Index(p[i+2:], `\E`)
				lit := p[i+2:]
				if end >= 0 {
					lit = p[i+2 : i+2+end]
					i = i + 2 + end + 1
				} else {
					i = len(p)
				}
				b.WriteString(regexp.QuoteMeta(lit))
				continue
			case (n == 'p' || n == 'P') && i+2 < len(p) && p[i+2] == '{':
				end := strings.IndexByte(p[i+3:], '}')
				if end >= 0 {
					name := p[i+3 : i+3+end]
					if repl, ok := javaClasses[strings.TrimPrefix(name, "Is")]; ok || javaClasses[name] != "" {
						if !ok {
							repl = javaClasses[name]
						}
						if n == 'P' {
							if inner, ok := strings.CutPrefix(repl, "["); ok {
								repl = "[^" + inner
							} else {
								return unsupported(`\P{` + name + `}`)
							}
						}
						if inClass {
							repl = strings.TrimSuffix(strings.TrimPrefix(repl, "["), "]")
						}
						b.WriteString(repl)
						i += 3 + end
						continue
					}
				}
			case n == 'h':
				b.WriteString(`[\t \x{A0}\x{1680}\x{180e}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}]`)
				i++
				continue
			case n == 'Z':
				b.WriteString(`(?:\n?\z)`)
				i++
				continue
			case n == 'R' || n == 'G' || n == 'X':
				return unsupported(`\` + string(n))
			}
			b.WriteByte(c)
			b.WriteByte(n)
			i++
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case c == '(' && !inClass && strings.HasPrefix(p[i:], "(?"):
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"):
				return unsupported("lookahead (?=…)/(?!…)")
			case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
				return unsupported("lookbehind (?<=…)/(?<!…)")
			case strings.HasPrefix(rest, ">"):
				return unsupported("the atomic group (?>…)")
			case strings.HasPrefix(rest, "<"):
				b.WriteString("(?P<")
				i += 2
				continue
			}
			b.WriteByte(c)
		case c == '+' && !inClass && wasQuant:
			return unsupported("a possessive quantifier (…+)")
		case (c == '*' || c == '+' || c == '?') && !inClass:
			prevQuant = true
			b.WriteByte(c)
		case c == '{' && !inClass && repetition.MatchString(p[i:]):
			m := repetition.FindString(p[i:])
			b.WriteString(m)
			i += len(m) - 1
			prevQuant = true
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// compileJavaRegex translates and compiles a Java pattern.
func compileJavaRegex(p string) (*regexp.Regexp, error) {
	t, err := translateJavaRegex(p)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(t)
	if err != nil {
		return nil, fmt.Errorf("regular expression %q: %w", p, err)
	}
	return re, nil
}

// regexCache remembers compiled patterns; patterns are nearly always
// literals, so the cache stays tiny.
type regexCache struct {
	mu sync.Mutex
	m  map[string]regexEntry
}

type regexEntry struct {
	re  *regexp.Regexp
	err error
}

var globalRegexCache = &regexCache{m: map[string]regexEntry{}}

func (c *regexCache) get(p string) (*regexp.Regexp, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[p]; ok {
		return e.re, e.err
	}
	re, err := compileJavaRegex(p)
	if len(c.m) > 256 {
		clear(c.m)
	}
	c.m[p] = regexEntry{re, err}
	return re, err
}

// javaReplacement converts a Java replacement string ($1, ${name}, \$) to
// the template syntax of regexp.Expand.
func javaReplacement(r string) string {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == '\\' && i+1 < len(r):
			i++
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case c == '$' && i+1 < len(r) && r[i+1] >= '0' && r[i+1] <= '9':
			j := i + 1
			for j < len(r) && r[j] >= '0' && r[j] <= '9' {
				j++
			}
			b.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		case c == '$' && i+1 < len(r) && r[i+1] == '{':
			end := strings.IndexByte(r[i:], '}')
			if end < 0 {
				b.WriteString("$$")
				continue
			}
			b.WriteString(r[i : i+end+1])
			i += end
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
