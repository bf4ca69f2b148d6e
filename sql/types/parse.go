package types

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads a type in Flink's spelling: everything String prints, plus the
// usual synonyms (INTEGER, DEC, NUMERIC, CHARACTER, DOUBLE PRECISION,
// TIMESTAMP(3) WITH LOCAL TIME ZONE, ROW(a INT, b STRING), INTERVAL DAY TO
// HOUR …). Keywords are case-insensitive. Parse(t.String()) equals t.
//
// Interval resolutions are folded into the two interval kinds: every
// year-month interval becomes INTERVAL YEAR(p) TO MONTH and every day-time
// interval INTERVAL DAY(p) TO SECOND(f).
func Parse(s string) (Type, error) {
	p := &typeParser{toks: tokenizeType(s)}
	t, err := p.parseType()
	if err != nil {
		return Type{}, fmt.Errorf("parsing type %q: %w", s, err)
	}
	if p.pos < len(p.toks) {
		return Type{}, fmt.Errorf("parsing type %q: unexpected %q", s, p.toks[p.pos])
	}
	return t, nil
}

// MustParse is Parse for types written in code; it panics on an error.
func MustParse(s string) Type {
	t, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return t
}

func tokenizeType(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '`':
			// quoted identifier; `` escapes a backquote
			j := i + 1
			var name strings.Builder
			for j < len(s) {
				if s[j] == '`' {
					if j+1 < len(s) && s[j+1] == '`' {
						name.WriteByte('`')
						j += 2
						continue
					}
					break
				}
				name.WriteByte(s[j])
				j++
			}
			toks = append(toks, "`"+name.String())
			i = j + 1
		case c == '*':
			j := strings.IndexByte(s[i+1:], '*')
			if j < 0 {
				toks = append(toks, s[i:])
				return toks
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			toks = append(toks, string(c))
			i++
		}
	}
	return toks
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

type typeParser struct {
	toks []string
	pos  int
}

func (p *typeParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *typeParser) next() string {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *typeParser) acceptWord(w string) bool {
	if strings.EqualFold(p.peek(), w) {
		p.pos++
		return true
	}
	return false
}

func (p *typeParser) expect(tok string) error {
	if !strings.EqualFold(p.peek(), tok) {
		if p.peek() == "" {
			return fmt.Errorf("expected %q at end of input", tok)
		}
		return fmt.Errorf("expected %q, found %q", tok, p.peek())
	}
	p.pos++
	return nil
}

// optInt parses an optional "(n)"; def when absent.
func (p *typeParser) optInt(def int) (int, error) {
	if p.peek() != "(" {
		return def, nil
	}
	p.pos++
	n, err := p.int()
	if err != nil {
		return 0, err
	}
	return n, p.expect(")")
}

func (p *typeParser) int() (int, error) {
	tok := p.next()
	n, err := strconv.Atoi(tok)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("expected a non-negative number, found %q", tok)
	}
	return n, nil
}

func (p *typeParser) parseType() (Type, error) {
	t, err := p.parseRoot()
	if err != nil {
		return Type{}, err
	}
	if p.acceptWord("NOT") {
		if err := p.expect("NULL"); err != nil {
			return Type{}, err
		}
		t.NotNull = true
	} else if t.Kind != KindNull {
		p.acceptWord("NULL")
	}
	switch strings.ToUpper(p.peek()) {
	case "*ROWTIME*":
		p.pos++
		t.TimeAttr = RowTime
	case "*PROCTIME*":
		p.pos++
		t.TimeAttr = ProcTime
	}
	return t, nil
}

func (p *typeParser) parseRoot() (Type, error) {
	word := strings.ToUpper(p.next())
	switch word {
	case "NULL":
		return Null(), nil
	case "BOOLEAN", "BOOL":
		return Boolean(), nil
	case "TINYINT":
		return TinyInt(), nil
	case "SMALLINT":
		return SmallInt(), nil
	case "INT", "INTEGER":
		return Int(), nil
	case "BIGINT":
		return BigInt(), nil
	case "FLOAT", "REAL":
		return Float(), nil
	case "DOUBLE":
		p.acceptWord("PRECISION")
		return Double(), nil
	case "DECIMAL", "DEC", "NUMERIC":
		prec, scale := DefaultDecimal, 0
		if p.peek() == "(" {
			p.pos++
			var err error
			if prec, err = p.int(); err != nil {
				return Type{}, err
			}
			if p.peek() == "," {
				p.pos++
				if scale, err = p.int(); err != nil {
					return Type{}, err
				}
			}
			if err := p.expect(")"); err != nil {
				return Type{}, err
			}
		}
		if prec < 1 || prec > MaxDecimalPrecision || scale > prec {
			return Type{}, fmt.Errorf("DECIMAL(%d, %d): precision must be in [1, 38] and scale in [0, precision]", prec, scale)
		}
		return Decimal(prec, scale), nil
	case "CHAR", "CHARACTER":
		if p.acceptWord("VARYING") {
			return p.lengthType(KindVarChar)
		}
		return p.lengthType(KindChar)
	case "VARCHAR":
		return p.lengthType(KindVarChar)
	case "STRING":
		return String(), nil
	case "BINARY":
		return p.lengthType(KindBinary)
	case "VARBINARY":
		return p.lengthType(KindVarBinary)
	case "BYTES":
		return Bytes(), nil
	case "DATE":
		return Date(), nil
	case "TIME":
		prec, err := p.precision(DefaultTimePrecision)
		if err != nil {
			return Type{}, err
		}
		if p.acceptWord("WITHOUT") {
			if err := p.words("TIME", "ZONE"); err != nil {
				return Type{}, err
			}
		}
		return Time(prec), nil
	case "TIMESTAMP":
		prec, err := p.precision(DefaultTimestampPrec)
		if err != nil {
			return Type{}, err
		}
		if p.acceptWord("WITHOUT") {
			if err := p.words("TIME", "ZONE"); err != nil {
				return Type{}, err
			}
		} else if p.acceptWord("WITH") {
			if err := p.words("LOCAL", "TIME", "ZONE"); err != nil {
				return Type{}, err
			}
			return TimestampLTZ(prec), nil
		}
		return Timestamp(prec), nil
	case "TIMESTAMP_LTZ":
		prec, err := p.precision(DefaultTimestampPrec)
		if err != nil {
			return Type{}, err
		}
		return TimestampLTZ(prec), nil
	case "INTERVAL":
		return p.interval()
	case "ARRAY", "MULTISET":
		if err := p.expect("<"); err != nil {
			return Type{}, err
		}
		elem, err := p.parseType()
		if err != nil {
			return Type{}, err
		}
		if err := p.expect(">"); err != nil {
			return Type{}, err
		}
		if word == "ARRAY" {
			return Array(elem), nil
		}
		return Multiset(elem), nil
	case "MAP":
		if err := p.expect("<"); err != nil {
			return Type{}, err
		}
		k, err := p.parseType()
		if err != nil {
			return Type{}, err
		}
		if err := p.expect(","); err != nil {
			return Type{}, err
		}
		v, err := p.parseType()
		if err != nil {
			return Type{}, err
		}
		if err := p.expect(">"); err != nil {
			return Type{}, err
		}
		return Map(k, v), nil
	case "ROW":
		return p.row()
	case "":
		return Type{}, fmt.Errorf("expected a type at end of input")
	}
	return Type{}, fmt.Errorf("unknown type %q", word)
}

func (p *typeParser) words(ws ...string) error {
	for _, w := range ws {
		if err := p.expect(w); err != nil {
			return err
		}
	}
	return nil
}

func (p *typeParser) precision(def int) (int, error) {
	prec, err := p.optInt(def)
	if err != nil {
		return 0, err
	}
	if prec > MaxTimePrecision {
		return 0, fmt.Errorf("fractional-second precision %d is out of [0, 9]", prec)
	}
	return prec, nil
}

func (p *typeParser) lengthType(k Kind) (Type, error) {
	n, err := p.optInt(1)
	if err != nil {
		return Type{}, err
	}
	if n < 1 && p.toks[p.pos-1] == ")" {
		// CHAR(0) exists only for empty literals; accept it so String round-trips.
		n = 0
	}
	return Type{Kind: k, Precision: n}, nil
}

func (p *typeParser) interval() (Type, error) {
	start := strings.ToUpper(p.next())
	switch start {
	case "YEAR", "MONTH":
		prec, err := p.optInt(DefaultYearPrecision)
		if err != nil {
			return Type{}, err
		}
		if p.acceptWord("TO") {
			if err := p.expect("MONTH"); err != nil {
				return Type{}, err
			}
		}
		t := IntervalYearMonth()
		t.Precision = prec
		return t, nil
	case "DAY", "HOUR", "MINUTE", "SECOND":
		t := IntervalDayTime()
		t.Scale = DefaultFractionalPrec
		var err error
		if start == "SECOND" {
			if p.peek() == "(" {
				p.pos++
				if t.Precision, err = p.int(); err != nil {
					return Type{}, err
				}
				if p.peek() == "," {
					p.pos++
					if t.Scale, err = p.int(); err != nil {
						return Type{}, err
					}
				}
				if err := p.expect(")"); err != nil {
					return Type{}, err
				}
			}
			return t, nil
		}
		if t.Precision, err = p.optInt(DefaultDayPrecision); err != nil {
			return Type{}, err
		}
		if p.acceptWord("TO") {
			end := strings.ToUpper(p.next())
			switch end {
			case "HOUR", "MINUTE":
			case "SECOND":
				if t.Scale, err = p.optInt(DefaultFractionalPrec); err != nil {
					return Type{}, err
				}
			default:
				return Type{}, fmt.Errorf("unknown interval end %q", end)
			}
		}
		return t, nil
	}
	return Type{}, fmt.Errorf("unknown interval unit %q", start)
}

func (p *typeParser) row() (Type, error) {
	closer := ">"
	switch p.next() {
	case "<":
	case "(":
		closer = ")"
	default:
		return Type{}, fmt.Errorf("expected < or ( after ROW")
	}
	var fields []Field
	if p.peek() == closer {
		p.pos++
		return Row(), nil
	}
	for {
		name := p.next()
		if name == "" {
			return Type{}, fmt.Errorf("expected a field name at end of input")
		}
		name = strings.TrimPrefix(name, "`")
		ft, err := p.parseType()
		if err != nil {
			return Type{}, fmt.Errorf("field %s: %w", name, err)
		}
		// Flink allows a quoted description after the type; Eddy does not keep it.
		fields = append(fields, Field{Name: name, Type: ft})
		if p.peek() == "," {
			p.pos++
			continue
		}
		if err := p.expect(closer); err != nil {
			return Type{}, err
		}
		return Row(fields...), nil
	}
}
