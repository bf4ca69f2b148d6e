package functions

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// A tiny expression language for the data-driven tests: literals as Flink
// types them ('abc' is CHAR(3) NOT NULL, 1 is INT NOT NULL, 1.5 is
// DECIMAL(2, 1) NOT NULL, 1e0 is DOUBLE NOT NULL, NULL, TRUE, DATE '…',
// TIME '…', TIMESTAMP '…', TIMESTAMP_LTZ '…', INTERVAL '3' DAY), infix
// operators with SQL precedence (OR, AND, NOT, comparisons, IS [NOT] NULL,
// ||, + -, * / %, unary -), CAST/TRY_CAST(x AS type), f(args) and
// `OPERATOR NAME`(args) for anything else. Each expression is evaluated
// through Lookup over one row of constants and prints "value : type".

type expr struct {
	name  string // function; "" for a literal
	args  []*expr
	lit   *vector.Vector
	cast  *types.Type
	try   bool
	label string
}

type exprParser struct {
	toks []string
	pos  int
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\'':
			j := i + 1
			var b strings.Builder
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string")
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, "'"+b.String())
			i = j + 1
		case c == '`':
			j := strings.IndexByte(s[i+1:], '`')
			if j < 0 {
				return nil, fmt.Errorf("unterminated `")
			}
			toks = append(toks, "`"+s[i+1:i+1+j])
			i += j + 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				(s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E')) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			for _, op := range []string{"<>", "<=", ">=", "!=", "||"} {
				if strings.HasPrefix(s[i:], op) {
					toks = append(toks, op)
					i += 2
					goto next
				}
			}
			toks = append(toks, string(c))
			i++
		next:
		}
	}
	return toks, nil
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}
func (p *exprParser) next() string { t := p.peek(); p.pos++; return t }
func (p *exprParser) isWord(w string) bool {
	return strings.EqualFold(p.peek(), w)
}
func (p *exprParser) expect(w string) error {
	if !p.isWord(w) {
		return fmt.Errorf("expected %q, found %q", w, p.peek())
	}
	p.pos++
	return nil
}

func call(name string, args ...*expr) *expr { return &expr{name: name, args: args} }

func (p *exprParser) parseExpr(prec int) (*expr, error) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		op := strings.ToUpper(p.peek())
		var opPrec int
		switch op {
		case "OR":
			opPrec = 1
		case "AND":
			opPrec = 2
		case "=", "<>", "!=", "<", "<=", ">", ">=", "IS":
			opPrec = 4
		case "||", "+", "-":
			opPrec = 5
		case "*", "/", "%":
			opPrec = 6
		default:
			return left, nil
		}
		if opPrec <= prec {
			return left, nil
		}
		p.pos++
		if op == "IS" {
			name := "IS "
			if p.isWord("NOT") {
				p.pos++
				name += "NOT "
			}
			name += strings.ToUpper(p.next())
			left = call(name, left)
			continue
		}
		right, err := p.parseExpr(opPrec)
		if err != nil {
			return nil, err
		}
		left = call(op, left, right)
	}
}

func (p *exprParser) parseUnary() (*expr, error) {
	switch {
	case p.isWord("NOT"):
		p.pos++
		e, err := p.parseExpr(3)
		return call("NOT", e), err
	case p.peek() == "-":
		p.pos++
		e, err := p.parseExpr(6)
		return call("-", e), err
	}
	return p.parsePrimary()
}

func lit(t types.Type, v any) (*expr, error) {
	vec, err := vector.NewConst(t, v)
	if err != nil {
		return nil, err
	}
	return &expr{lit: vec}, nil
}

func (p *exprParser) parsePrimary() (*expr, error) {
	tok := p.next()
	up := strings.ToUpper(tok)
	switch {
	case tok == "":
		return nil, fmt.Errorf("unexpected end")
	case tok == "(":
		e, err := p.parseExpr(0)
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	case strings.HasPrefix(tok, "'"):
		s := tok[1:]
		return lit(types.Char(len([]rune(s))).NotNullable(), s)
	case tok[0] >= '0' && tok[0] <= '9':
		if strings.ContainsAny(tok, "eE") {
			f, err := strconv.ParseFloat(tok, 64)
			if err != nil {
				return nil, err
			}
			return lit(types.Double().NotNullable(), f)
		}
		if strings.Contains(tok, ".") {
			d, err := types.ParseDecimal(tok)
			if err != nil {
				return nil, err
			}
			prec := max(d.Unscaled.Digits(), d.Scale)
			return lit(types.Decimal(prec, d.Scale).NotNullable(), d)
		}
		v, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			d, err := types.ParseDecimal(tok)
			if err != nil {
				return nil, err
			}
			return lit(types.Decimal(d.Unscaled.Digits(), 0).NotNullable(), d)
		}
		if v == int64(int32(v)) {
			return lit(types.Int().NotNullable(), int32(v))
		}
		return lit(types.BigInt().NotNullable(), v)
	case up == "NULL":
		return lit(types.Null(), nil)
	case up == "TRUE" || up == "FALSE":
		return lit(types.Boolean().NotNullable(), up == "TRUE")
	case (up == "DATE" || up == "TIME" || up == "TIMESTAMP" || up == "TIMESTAMP_LTZ") && strings.HasPrefix(p.peek(), "'"):
		s := p.next()[1:]
		switch up {
		case "DATE":
			d, err := types.ParseDate(s)
			if err != nil {
				return nil, err
			}
			return lit(types.Date().NotNullable(), d)
		case "TIME":
			t, err := types.ParseTime(s)
			if err != nil {
				return nil, err
			}
			return lit(types.Time(0).NotNullable(), t)
		}
		ts, err := types.ParseTimestamp(s)
		if err != nil {
			return nil, err
		}
		prec := 0
		if i := strings.IndexByte(s, '.'); i >= 0 {
			prec = len(s) - i - 1
		}
		if up == "TIMESTAMP_LTZ" {
			return lit(types.TimestampLTZ(prec).NotNullable(), ts)
		}
		return lit(types.Timestamp(prec).NotNullable(), ts)
	case up == "INTERVAL":
		s := p.next()[1:]
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, err
		}
		unit := strings.ToUpper(p.next())
		mult := map[string]int64{"DAY": types.MillisPerDay, "HOUR": types.MillisPerHour, "MINUTE": types.MillisPerMinute, "SECOND": 1000}
		switch unit {
		case "YEAR":
			return lit(types.IntervalYearMonth().NotNullable(), types.IntervalMonths(n*12))
		case "MONTH":
			return lit(types.IntervalYearMonth().NotNullable(), types.IntervalMonths(n))
		}
		return lit(types.IntervalDayTime().NotNullable(), types.IntervalMillis(n*mult[unit]))
	case up == "CAST" || up == "TRY_CAST":
		if err := p.expect("("); err != nil {
			return nil, err
		}
		e, err := p.parseExpr(0)
		if err != nil {
			return nil, err
		}
		if err := p.expect("AS"); err != nil {
			return nil, err
		}
		start := p.pos
		depth := 0
		for p.pos < len(p.toks) && (depth > 0 || p.peek() != ")") {
			switch p.peek() {
			case "(", "<":
				depth++
			case ">":
				depth--
			case ")":
				depth--
			}
			p.pos++
		}
		t, err := types.Parse(strings.Join(p.toks[start:p.pos], " "))
		if err != nil {
			return nil, err
		}
		p.pos++
		return &expr{args: []*expr{e}, cast: &t, try: up == "TRY_CAST"}, nil
	}
	name := tok
	if strings.HasPrefix(tok, "`") {
		name = tok[1:]
	}
	if p.peek() != "(" {
		return nil, fmt.Errorf("unexpected %q", tok)
	}
	p.pos++
	var args []*expr
	for p.peek() != ")" {
		a, err := p.parseExpr(0)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if p.peek() == "," {
			p.pos++
		}
	}
	p.pos++
	return call(name, args...), nil
}

// eval evaluates e over n rows.
func (e *expr) eval(ctx *Context, n int) (*vector.Vector, error) {
	if e.lit != nil {
		return e.lit, nil
	}
	var args []*vector.Vector
	var ts []types.Type
	var consts []any
	for _, a := range e.args {
		v, err := a.eval(ctx, n)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		ts = append(ts, v.Type())
		if v.IsConst() {
			consts = append(consts, v.Get(0))
		} else {
			consts = append(consts, nil)
		}
	}
	var r *Resolved
	var err error
	if e.cast != nil {
		r, err = LookupCast(ts[0], *e.cast, e.try)
	} else {
		r, err = LookupCall(e.name, ts, consts)
	}
	if err != nil {
		return nil, err
	}
	out := vector.New(r.Result, n)
	if err := r.Eval(ctx, args, n, out); err != nil {
		return nil, err
	}
	if out.Len() != n {
		return nil, fmt.Errorf("%s returned %d rows, want %d", r.Name, out.Len(), n)
	}
	return out, nil
}

func parseExpr(s string) (*expr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks}
	e, err := p.parseExpr(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("trailing %q", p.peek())
	}
	return e, nil
}

// formatResult prints row 0 of v as "value : type".
func formatResult(ctx *Context, v *vector.Vector) string {
	if err := v.Err(nil); err != nil {
		return "error: " + err.Error()
	}
	val := v.Get(0)
	s := "NULL"
	if val != nil {
		s = string(types.AppendValue(nil, v.Type(), val))
		if v.Type().IsCharacter() {
			s = "'" + s + "'"
		}
		if v.Type().IsBinaryString() {
			s = fmt.Sprintf("x'%x'", val)
		}
	}
	return s + " : " + v.Type().String()
}

func testContext() *Context {
	return &Context{Now: time.Date(2024, 3, 15, 10, 30, 45, 123_000_000, time.UTC), Location: time.UTC}
}

func evalString(ctx *Context, s string) string {
	e, err := parseExpr(s)
	if err != nil {
		return "parse error: " + err.Error()
	}
	v, err := e.eval(ctx, 1)
	if err != nil {
		return "error: " + err.Error()
	}
	return formatResult(ctx, v)
}

func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		ctx := testContext()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "tz":
				loc, err := time.LoadLocation(strings.TrimSpace(d.Input))
				if err != nil {
					return err.Error()
				}
				ctx.Location = loc
				return ""
			case "eval":
				var out strings.Builder
				for _, line := range strings.Split(d.Input, "\n") {
					if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
						continue
					}
					out.WriteString(evalString(ctx, line))
					out.WriteByte('\n')
				}
				return out.String()
			}
			return "unknown command " + d.Cmd
		})
	})
}
