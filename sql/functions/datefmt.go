package functions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
)

// Java date-time patterns (SimpleDateFormat / DateTimeFormatter letters) as
// Flink's DATE_FORMAT, TO_TIMESTAMP, UNIX_TIMESTAMP, FROM_UNIXTIME use them:
//
//	G era (AD)            y/u year (yy: 2 digits)   M/L month (M, MM, MMM Jan, MMMM January)
//	d day of month         D day of year            E day name (E..EEE Mon, EEEE Monday)
//	e day of week (Mon=1)  w week of year (ISO)     Q quarter
//	a AM/PM                H hour 0-23              k hour 1-24
//	K hour 0-11            h hour 1-12              m minute
//	s second               S fraction (n digits)    n nano of second
//	Z +0000   X Z|+00      x +00   XXX/xxx +00:00   z/VV zone id
//	'text' literal, '' a quote; other non-letters are literal.
//
// Pattern letters outside this list are an error.

type dateField struct {
	letter byte
	count  int
	lit    string // letter == 0: literal text
}

type datePattern struct {
	fields []dateField
}

var errBadPattern = errors.New("invalid date-time pattern")

func compileDatePattern(p string) (*datePattern, error) {
	var fs []dateField
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			j := i + 1
			var lit strings.Builder
			for {
				if j >= len(p) {
					return nil, fmt.Errorf("%w %q: unterminated quote", errBadPattern, p)
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						lit.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				lit.WriteByte(p[j])
				j++
			}
			if j == i+1 {
				lit.WriteByte('\'') // '' outside quotes
			}
			fs = append(fs, dateField{lit: lit.String()})
			i = j + 1
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if !strings.ContainsRune("GyuMLdDEeQwaHkKhmsSnZXxzV", rune(c)) {
				return nil, fmt.Errorf("%w %q: unknown pattern letter %q", errBadPattern, p, c)
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			fs = append(fs, dateField{letter: c, count: j - i})
			i = j
		default:
			j := i
			for j < len(p) && p[j] != '\'' && !(p[j] >= 'a' && p[j] <= 'z' || p[j] >= 'A' && p[j] <= 'Z') {
				j++
			}
			fs = append(fs, dateField{lit: p[i:j]})
			i = j
		}
	}
	return &datePattern{fields: fs}, nil
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// wallFields are the calendar fields of a wall-clock timestamp.
type wallFields struct {
	year, month, day, hour, minute, second int
	nanos                                  int64
	date                                   types.DateValue
	offsetSec                              int // zone offset for Z/X patterns
	zone                                   string
}

func fieldsOf(ts types.TimestampValue) wallFields {
	d, tod := ts.Split()
	y, m, dd := d.Civil()
	ms := int(tod)
	return wallFields{year: y, month: m, day: dd, hour: ms / types.MillisPerHour,
		minute: ms / types.MillisPerMinute % 60, second: ms / 1000 % 60,
		nanos: ts.NanosOfSecond(), date: d, zone: "UTC"}
}

func appendPadded(dst []byte, v int64, width int) []byte {
	if v >= 0 && v < 100 && width <= 2 {
		if v >= 10 || width == 2 {
			dst = append(dst, byte('0'+v/10))
		}
		return append(dst, byte('0'+v%10))
	}
	if v < 0 {
		dst = append(dst, '-')
		v = -v // MinInt64 stays negative and prints its own sign below
	}
	var buf [24]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for k := len(s); k < width; k++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// isoWeek returns the ISO-8601 week number of d.
func isoWeek(d types.DateValue) int {
	// the Thursday of d's week decides the year
	thu := d - types.DateValue(d.Weekday()) + 4
	y, _, _ := thu.Civil()
	return int(thu-types.DateOf(y, 1, 1))/7 + 1
}

func (p *datePattern) format(dst []byte, f wallFields) []byte {
	for _, fd := range p.fields {
		n := fd.count
		switch fd.letter {
		case 0:
			dst = append(dst, fd.lit...)
		case 'G':
			if f.year > 0 {
				dst = append(dst, "AD"...)
			} else {
				dst = append(dst, "BC"...)
			}
		case 'y', 'u':
			if n == 2 {
				dst = appendPadded(dst, int64(((f.year%100)+100)%100), 2)
			} else {
				dst = appendPadded(dst, int64(f.year), n)
			}
		case 'M', 'L':
			switch {
			case n >= 4:
				dst = append(dst, monthNames[f.month-1]...)
			case n == 3:
				dst = append(dst, monthNames[f.month-1][:3]...)
			default:
				dst = appendPadded(dst, int64(f.month), n)
			}
		case 'd':
			dst = appendPadded(dst, int64(f.day), n)
		case 'D':
			doy := int64(f.date-types.DateOf(f.year, 1, 1)) + 1
			dst = appendPadded(dst, doy, n)
		case 'E':
			name := dayNames[f.date.Weekday()-1]
			if n < 4 {
				name = name[:3]
			}
			dst = append(dst, name...)
		case 'e':
			dst = appendPadded(dst, int64(f.date.Weekday()), n)
		case 'w':
			dst = appendPadded(dst, int64(isoWeek(f.date)), n)
		case 'Q':
			dst = appendPadded(dst, int64((f.month-1)/3+1), n)
		case 'a':
			if f.hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'H':
			dst = appendPadded(dst, int64(f.hour), n)
		case 'k':
			h := f.hour
			if h == 0 {
				h = 24
			}
			dst = appendPadded(dst, int64(h), n)
		case 'K':
			dst = appendPadded(dst, int64(f.hour%12), n)
		case 'h':
			h := f.hour % 12
			if h == 0 {
				h = 12
			}
			dst = appendPadded(dst, int64(h), n)
		case 'm':
			dst = appendPadded(dst, int64(f.minute), n)
		case 's':
			dst = appendPadded(dst, int64(f.second), n)
		case 'S':
			digits := strconv.FormatInt(f.nanos+1e9, 10)[1:] // 9 digits
			for k := 0; k < n; k++ {
				if k < 9 {
					dst = append(dst, digits[k])
				} else {
					dst = append(dst, '0')
				}
			}
		case 'n':
			dst = appendPadded(dst, f.nanos, n)
		case 'Z', 'X', 'x':
			off := f.offsetSec
			if fd.letter == 'X' && off == 0 {
				dst = append(dst, 'Z')
				continue
			}
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			dst = append(dst, sign)
			dst = appendPadded(dst, int64(off/3600), 2)
			if fd.letter == 'Z' || n >= 2 {
				if n >= 3 && fd.letter != 'Z' {
					dst = append(dst, ':')
				}
				dst = appendPadded(dst, int64(off/60%60), 2)
			}
		case 'z', 'V':
			dst = append(dst, f.zone...)
		}
	}
	return dst
}

// parse reads s with the pattern; fields not in the pattern default to
// 1970-01-01 00:00:00. hasZone reports a zone/offset in the input
// (offsetSec then holds it).
func (p *datePattern) parse(s string) (f wallFields, hasZone bool, err error) {
	f = wallFields{year: 1970, month: 1, day: 1}
	pm, hasAmPm := false, false
	fail := func() (wallFields, bool, error) {
		return wallFields{}, false, fmt.Errorf("cannot parse %q with the date-time pattern", s)
	}
	pos := 0
	for k, fd := range p.fields {
		if fd.letter == 0 {
			if !strings.HasPrefix(s[pos:], fd.lit) {
				return fail()
			}
			pos += len(fd.lit)
			continue
		}
		// a numeric field directly followed by another numeric field has
		// a fixed width; otherwise it reads as many digits as it can
		fixed := k+1 < len(p.fields) && p.fields[k+1].letter != 0 && numericLetter(p.fields[k+1])
		readNum := func(maxDigits int) (int64, bool) {
			if fixed {
				maxDigits = fd.count
			}
			neg := false
			if pos < len(s) && s[pos] == '-' && (fd.letter == 'y' || fd.letter == 'u') {
				neg = true
				pos++
			}
			start := pos
			var v int64
			for pos < len(s) && pos-start < maxDigits && s[pos] >= '0' && s[pos] <= '9' {
				v = v*10 + int64(s[pos]-'0')
				pos++
			}
			if pos == start {
				return 0, false
			}
			if neg {
				v = -v
			}
			return v, true
		}
		var v int64
		ok := true
		switch fd.letter {
		case 'y', 'u':
			v, ok = readNum(9)
			f.year = int(v)
			if fd.count == 2 && ok {
				f.year = 2000 + int(v)%100 // DateTimeFormatter's base 2000
			}
		case 'M', 'L':
			if fd.count >= 3 {
				ok = false
				for m, name := range monthNames {
					for _, cand := range []string{name, name[:3]} {
						if len(s)-pos >= len(cand) && strings.EqualFold(s[pos:pos+len(cand)], cand) {
							f.month, pos, ok = m+1, pos+len(cand), true
							break
						}
					}
					if ok {
						break
					}
				}
			} else {
				v, ok = readNum(2)
				f.month = int(v)
			}
		case 'd':
			v, ok = readNum(2)
			f.day = int(v)
		case 'H', 'k':
			v, ok = readNum(2)
			f.hour = int(v) % 24
		case 'h', 'K':
			v, ok = readNum(2)
			f.hour = int(v) % 12
		case 'm':
			v, ok = readNum(2)
			f.minute = int(v)
		case 's':
			v, ok = readNum(2)
			f.second = int(v)
		case 'S':
			start := pos
			v, ok = readNum(9)
			digits := pos - start
			for ; digits < 9; digits++ {
				v *= 10
			}
			f.nanos = v
		case 'a':
			hasAmPm = true
			switch {
			case strings.HasPrefix(strings.ToUpper(s[pos:]), "AM"):
				pos += 2
			case strings.HasPrefix(strings.ToUpper(s[pos:]), "PM"):
				pm = true
				pos += 2
			default:
				ok = false
			}
		case 'E':
			ok = false
			for _, name := range dayNames {
				for _, cand := range []string{name, name[:3]} {
					if len(s)-pos >= len(cand) && strings.EqualFold(s[pos:pos+len(cand)], cand) {
						pos, ok = pos+len(cand), true
						break
					}
				}
				if ok {
					break
				}
			}
		case 'Z', 'X', 'x':
			hasZone = true
			if pos < len(s) && s[pos] == 'Z' {
				pos++
				break
			}
			if pos >= len(s) || s[pos] != '+' && s[pos] != '-' {
				ok = false
				break
			}
			sign := 1
			if s[pos] == '-' {
				sign = -1
			}
			pos++
			h, okH := readFixed(s, &pos, 2)
			pos2 := pos
			if pos2 < len(s) && s[pos2] == ':' {
				pos2++
			}
			m, okM := readFixed(s, &pos2, 2)
			if okM {
				pos = pos2
			}
			ok = okH
			f.offsetSec = sign * (h*3600 + m*60)
		default:
			_, ok = readNum(9) // D, e, w, Q, G, n, z: read and ignore
		}
		if !ok {
			return fail()
		}
	}
	if pos != len(s) {
		return fail()
	}
	if hasAmPm && pm {
		f.hour += 12
	}
	if f.month < 1 || f.month > 12 || f.day < 1 || f.day > monthDays(f.year, f.month) ||
		f.minute > 59 || f.second > 59 {
		return fail()
	}
	return f, hasZone, nil
}

func readFixed(s string, pos *int, n int) (int, bool) {
	if len(s)-*pos < n {
		return 0, false
	}
	v, err := strconv.Atoi(s[*pos : *pos+n])
	if err != nil {
		return 0, false
	}
	*pos += n
	return v, true
}

func numericLetter(f dateField) bool {
	switch f.letter {
	case 'y', 'u', 'd', 'D', 'H', 'k', 'K', 'h', 'm', 's', 'S', 'n', 'w', 'e', 'Q':
		return true
	case 'M', 'L':
		return f.count <= 2
	}
	return false
}

// timestamp assembles the parsed fields into a wall-clock timestamp.
func (f wallFields) timestamp() types.TimestampValue {
	d := types.DateOf(f.year, f.month, f.day)
	ms := int64(d)*types.MillisPerDay + int64(f.hour)*types.MillisPerHour +
		int64(f.minute)*types.MillisPerMinute + int64(f.second)*1000 + f.nanos/1e6
	return types.TimestampValue{Millis: ms, Nanos: int32(f.nanos % 1e6)}
}

// patternCache keeps the last compiled pattern of a kernel.
type patternCache struct {
	last string
	p    *datePattern
	err  error
}

func (c *patternCache) get(s string) (*datePattern, error) {
	if c.p == nil && c.err == nil || s != c.last {
		c.last = strings.Clone(s)
		c.p, c.err = compileDatePattern(s)
	}
	return c.p, c.err
}
