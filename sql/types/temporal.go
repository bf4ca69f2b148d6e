package types

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateValue is a DATE: days since 1970-01-01 (negative before).
type DateValue int32

// TimeValue is a TIME: milliseconds since midnight, in [0, 86 400 000).
// Flink keeps TIME at millisecond resolution whatever its precision.
type TimeValue int32

// TimestampValue is a TIMESTAMP (a wall-clock date-time, no zone) or a
// TIMESTAMP_LTZ (an instant; Millis since the epoch in UTC). Nanos is the
// nanosecond within the millisecond, in [0, 999 999], used for precision > 3.
type TimestampValue struct {
	Millis int64
	Nanos  int32
}

// IntervalMonths is an INTERVAL YEAR TO MONTH value.
type IntervalMonths int32

// IntervalMillis is an INTERVAL DAY TO SECOND value.
type IntervalMillis int64

const (
	MillisPerSecond = 1000
	MillisPerMinute = 60 * MillisPerSecond
	MillisPerHour   = 60 * MillisPerMinute
	MillisPerDay    = 24 * MillisPerHour
)

// FloorDiv and FloorMod are Java's Math.floorDiv/floorMod: the quotient is
// rounded toward negative infinity, the remainder has the sign of d.
func FloorDiv(n, d int64) int64 {
	q := n / d
	if (n%d != 0) && ((n < 0) != (d < 0)) {
		q--
	}
	return q
}

func FloorMod(n, d int64) int64 { return n - FloorDiv(n, d)*d }

// Civil converts days since the epoch to a proleptic Gregorian date
// (Howard Hinnant's civil_from_days; no allocation, any int32 day).
func (d DateValue) Civil() (year, month, day int) {
	z := int64(d) + 719468
	era := FloorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(dd)
}

// DateOf returns the DateValue of a proleptic Gregorian year/month/day; out of
// range months and days are normalized the way time.DateValue does.
func DateOf(year, month, day int) DateValue {
	y := int64(year)
	m := int64(month)
	// normalize months
	y += FloorDiv(m-1, 12)
	m = FloorMod(m-1, 12) + 1
	if m <= 2 {
		y--
	}
	era := FloorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return DateValue(era*146097 + doe - 719468)
}

// Weekday returns 1 (Monday) … 7 (Sunday), ISO numbering.
func (d DateValue) Weekday() int {
	return int(FloorMod(int64(d)+3, 7)) + 1
}

func (d DateValue) String() string { return string(AppendDate(nil, d)) }

// AppendDate appends yyyy-MM-dd.
func AppendDate(dst []byte, d DateValue) []byte {
	y, m, dd := d.Civil()
	dst = appendYear(dst, y)
	dst = append(dst, '-')
	dst = append2(dst, m)
	dst = append(dst, '-')
	return append2(dst, dd)
}

func appendYear(dst []byte, y int) []byte {
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	if y < 1000 {
		s := strconv.Itoa(y)
		for i := len(s); i < 4; i++ {
			dst = append(dst, '0')
		}
		return append(dst, s...)
	}
	return strconv.AppendInt(dst, int64(y), 10)
}

func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10%10), byte('0'+v%10))
}

// AppendFraction appends "." and the fractional second from nanosOfSecond
// with at least precision digits (trailing zeros beyond precision trimmed),
// or nothing when that leaves no digits — Flink's timestamp-to-string rule.
func AppendFraction(dst []byte, nanosOfSecond int64, precision int) []byte {
	var buf [9]byte
	v := nanosOfSecond
	for i := 8; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	n := 9
	for n > precision && buf[n-1] == '0' {
		n--
	}
	if n == 0 {
		return dst
	}
	dst = append(dst, '.')
	return append(dst, buf[:n]...)
}

func (t TimeValue) String() string { return string(AppendTime(nil, t, 0)) }

// AppendTime appends HH:mm:ss[.fff] for TIME(precision).
func AppendTime(dst []byte, t TimeValue, precision int) []byte {
	ms := int(t)
	dst = append2(dst, ms/MillisPerHour)
	dst = append(dst, ':')
	dst = append2(dst, ms/MillisPerMinute%60)
	dst = append(dst, ':')
	dst = append2(dst, ms/MillisPerSecond%60)
	return AppendFraction(dst, int64(ms%1000)*1e6, precision)
}

// Split returns the date and the time of day of a wall-clock timestamp.
func (ts TimestampValue) Split() (DateValue, TimeValue) {
	return DateValue(FloorDiv(ts.Millis, MillisPerDay)), TimeValue(FloorMod(ts.Millis, MillisPerDay))
}

// TimestampOf builds a timestamp from a date and a time of day.
func TimestampOf(d DateValue, t TimeValue) TimestampValue {
	return TimestampValue{Millis: int64(d)*MillisPerDay + int64(t)}
}

// NanosOfSecond returns the fractional second in nanoseconds.
func (ts TimestampValue) NanosOfSecond() int64 {
	return FloorMod(ts.Millis, 1000)*1e6 + int64(ts.Nanos)
}

// Compare orders timestamps.
func (ts TimestampValue) Compare(u TimestampValue) int {
	switch {
	case ts.Millis < u.Millis:
		return -1
	case ts.Millis > u.Millis:
		return 1
	case ts.Nanos < u.Nanos:
		return -1
	case ts.Nanos > u.Nanos:
		return 1
	}
	return 0
}

// Time converts ts, read as an instant, to a time.Time in loc.
func (ts TimestampValue) Time(loc *time.Location) time.Time {
	return time.UnixMilli(ts.Millis).Add(time.Duration(ts.Nanos)).In(loc)
}

// TimestampFromTime returns the instant of t (for TIMESTAMP_LTZ).
func TimestampFromTime(t time.Time) TimestampValue {
	ns := t.UnixNano()
	return TimestampValue{Millis: FloorDiv(ns, 1e6), Nanos: int32(FloorMod(ns, 1e6))}
}

// WallClock returns the wall-clock TIMESTAMP of t (its fields in its own
// location, read as if they were UTC).
func WallClock(t time.Time) TimestampValue {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ns := t.Nanosecond()
	ms := int64(DateOf(y, int(mo), d))*MillisPerDay + int64(h*MillisPerHour+mi*MillisPerMinute+s*MillisPerSecond) + int64(ns/1e6)
	return TimestampValue{Millis: ms, Nanos: int32(ns % 1e6)}
}

// ToInstant reads a wall-clock timestamp in loc and returns the instant
// (TIMESTAMP → TIMESTAMP_LTZ).
func (ts TimestampValue) ToInstant(loc *time.Location) TimestampValue {
	if loc == time.UTC || loc == nil {
		return ts
	}
	d, tod := ts.Split()
	y, m, dd := d.Civil()
	ms := int(tod)
	t := time.Date(y, time.Month(m), dd, ms/MillisPerHour, ms/MillisPerMinute%60, ms/1000%60, ms%1000*1e6+int(ts.Nanos), loc)
	return TimestampFromTime(t)
}

// ToWallClock returns the wall clock in loc of an instant (TIMESTAMP_LTZ →
// TIMESTAMP).
func (ts TimestampValue) ToWallClock(loc *time.Location) TimestampValue {
	if loc == time.UTC || loc == nil {
		return ts
	}
	_, off := time.UnixMilli(ts.Millis).In(loc).Zone()
	return TimestampValue{Millis: ts.Millis + int64(off)*1000, Nanos: ts.Nanos}
}

func (ts TimestampValue) String() string { return string(AppendTimestamp(nil, ts, 3)) }

// AppendTimestamp appends yyyy-MM-dd HH:mm:ss[.f…] for TIMESTAMP(precision).
func AppendTimestamp(dst []byte, ts TimestampValue, precision int) []byte {
	d, tod := ts.Split()
	dst = AppendDate(dst, d)
	dst = append(dst, ' ')
	dst = AppendTime(dst, tod-tod%1000, 0)
	return AppendFraction(dst, ts.NanosOfSecond(), precision)
}

// TruncateTimestamp drops digits beyond precision (CAST to a lower precision).
func TruncateTimestamp(ts TimestampValue, precision int) TimestampValue {
	switch {
	case precision >= 9:
		return ts
	case precision > 3:
		step := int32(1)
		for i := precision; i < 9; i++ {
			step *= 10
		}
		ts.Nanos -= ts.Nanos % step
		return ts
	}
	step := int64(1)
	for i := precision; i < 3; i++ {
		step *= 10
	}
	return TimestampValue{Millis: ts.Millis - FloorMod(ts.Millis, step)}
}

// ParseDate reads yyyy-[M]M-[d]d (Flink's DateTimeUtils.parseDate accepts
// one-digit fields), with surrounding spaces.
func ParseDate(s string) (DateValue, error) {
	s = strings.TrimSpace(s)
	y, m, d, rest, ok := scanDate(s)
	if !ok || rest != "" {
		return 0, fmt.Errorf("invalid DATE %q", s)
	}
	return DateOf(y, m, d), nil
}

func scanDate(s string) (y, m, d int, rest string, ok bool) {
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	y, s, ok = scanInt(s, 1, 9)
	if !ok || !strings.HasPrefix(s, "-") {
		return 0, 0, 0, "", false
	}
	if neg {
		y = -y
	}
	m, s, ok = scanInt(s[1:], 1, 2)
	if !ok || !strings.HasPrefix(s, "-") {
		return 0, 0, 0, "", false
	}
	d, s, ok = scanInt(s[1:], 1, 2)
	if !ok || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, "", false
	}
	return y, m, d, s, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// scanInt reads between minDigits and maxDigits decimal digits.
func scanInt(s string, minDigits, maxDigits int) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) && i < maxDigits && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i < minDigits {
		return 0, s, false
	}
	return n, s[i:], true
}

// ParseTime reads [H]H:mm[:ss[.fffffffff]] (digits beyond milliseconds are
// dropped: TIME has millisecond resolution).
func ParseTime(s string) (TimeValue, error) {
	s = strings.TrimSpace(s)
	ms, _, rest, ok := scanTime(s)
	if !ok || rest != "" {
		return 0, fmt.Errorf("invalid TIME %q", s)
	}
	return TimeValue(ms), nil
}

// scanTime returns milliseconds of day and the nanos within the millisecond.
func scanTime(s string) (ms int64, nanos int32, rest string, ok bool) {
	h, s, ok := scanInt(s, 1, 2)
	if !ok || !strings.HasPrefix(s, ":") {
		return 0, 0, "", false
	}
	mi, s, ok := scanInt(s[1:], 2, 2)
	if !ok {
		return 0, 0, "", false
	}
	sec := 0
	var frac int64
	if strings.HasPrefix(s, ":") {
		if sec, s, ok = scanInt(s[1:], 2, 2); !ok {
			return 0, 0, "", false
		}
		if strings.HasPrefix(s, ".") {
			s = s[1:]
			i := 0
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				if i < 9 {
					frac = frac*10 + int64(s[i]-'0')
				}
				i++
			}
			if i == 0 {
				return 0, 0, "", false
			}
			for j := min(i, 9); j < 9; j++ {
				frac *= 10
			}
			s = s[i:]
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, 0, "", false
	}
	ms = int64(h)*MillisPerHour + int64(mi)*MillisPerMinute + int64(sec)*MillisPerSecond + frac/1e6
	return ms, int32(frac % 1e6), s, true
}

// ParseTimestamp reads yyyy-MM-dd[( |T)HH:mm[:ss[.f…]]] — Flink's default
// timestamp string forms. A trailing 'Z' is accepted for TIMESTAMP_LTZ input.
func ParseTimestamp(s string) (TimestampValue, error) {
	orig := s
	s = strings.TrimSpace(s)
	y, m, d, rest, ok := scanDate(s)
	if !ok {
		return TimestampValue{}, fmt.Errorf("invalid TIMESTAMP %q", orig)
	}
	ts := TimestampValue{Millis: int64(DateOf(y, m, d)) * MillisPerDay}
	if rest == "" {
		return ts, nil
	}
	if rest[0] != ' ' && rest[0] != 'T' {
		return TimestampValue{}, fmt.Errorf("invalid TIMESTAMP %q", orig)
	}
	ms, nanos, rest, ok := scanTime(strings.TrimLeft(rest[1:], " "))
	rest = strings.TrimSuffix(rest, "Z")
	if !ok || rest != "" {
		return TimestampValue{}, fmt.Errorf("invalid TIMESTAMP %q", orig)
	}
	ts.Millis += ms
	ts.Nanos = nanos
	return ts, nil
}

// AppendIntervalMonths appends Flink's form of a year-month interval: +Y-MM.
func AppendIntervalMonths(dst []byte, v IntervalMonths) []byte {
	m := int64(v)
	if m < 0 {
		dst = append(dst, '-')
		m = -m
	} else {
		dst = append(dst, '+')
	}
	dst = strconv.AppendInt(dst, m/12, 10)
	dst = append(dst, '-')
	return append2(dst, int(m%12))
}

// AppendIntervalMillis appends Flink's form of a day-time interval:
// +D HH:mm:ss.SSS.
func AppendIntervalMillis(dst []byte, v IntervalMillis) []byte {
	ms := int64(v)
	if ms < 0 {
		dst = append(dst, '-')
		ms = -ms
	} else {
		dst = append(dst, '+')
	}
	dst = strconv.AppendInt(dst, ms/MillisPerDay, 10)
	dst = append(dst, ' ')
	r := int(ms % MillisPerDay)
	dst = append2(dst, r/MillisPerHour)
	dst = append(dst, ':')
	dst = append2(dst, r/MillisPerMinute%60)
	dst = append(dst, ':')
	dst = append2(dst, r/1000%60)
	dst = append(dst, '.')
	return append(dst, byte('0'+r%1000/100), byte('0'+r%100/10), byte('0'+r%10))
}
