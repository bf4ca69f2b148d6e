package functions

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Temporal functions. TIMESTAMP_LTZ values are shown and decomposed in the
// session time zone (Context.Location); TIMESTAMP values are wall clocks and
// need no zone. Time units are passed as string arguments ('YEAR', 'DAY' …),
// normally literals: EXTRACT(DAY FROM x) is EXTRACT('DAY', x), FLOOR(x TO
// HOUR) is FLOOR(x, 'HOUR'), TIMESTAMPADD(MINUTE, n, x) is
// TIMESTAMPADD('MINUTE', n, x).

const defaultTimestampFormat = "yyyy-MM-dd HH:mm:ss"

func isTemporal(t types.Type) bool { return t.IsDatetime() || t.Kind == types.KindNull }

// wallOf reads row i of a DATE/TIME/TIMESTAMP/TIMESTAMP_LTZ vector as a wall
// clock in the session zone.
func wallOf(ctx *Context, v *vector.Vector, i int) types.TimestampValue {
	switch v.Type().Kind {
	case types.KindDate:
		return types.TimestampOf(types.DateValue(v.Int64At(i)), 0)
	case types.KindTime:
		return types.TimestampOf(0, types.TimeValue(v.Int64At(i)))
	case types.KindTimestampLTZ:
		return v.TimestampAt(i).ToWallClock(ctx.loc())
	}
	return v.TimestampAt(i)
}

func init() {
	str := types.String()
	// DATE_FORMAT(timestamp | string, format)
	register([]string{"DATE_FORMAT"}, []string{"DATE_FORMAT(TIMESTAMP, STRING)", "DATE_FORMAT(STRING, STRING)"}, func(args []types.Type) *Resolved {
		if len(args) != 2 || !isString(args[1]) || !(isTemporal(args[0]) || isString(args[0])) {
			return nil
		}
		first := args[0]
		if first.Kind == types.KindNull {
			first = types.Timestamp(3)
		}
		var pc patternCache
		return strictFn([]types.Type{first, strParam(args[1])}, args, str, true, strKernelCtx(func(ctx *Context, dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			p, err := pc.get(rowString(v[1], i))
			if err != nil {
				return dst, false
			}
			var ts types.TimestampValue
			if v[0].Type().IsCharacter() {
				if ts, err = types.ParseTimestamp(rowString(v[0], i)); err != nil {
					return dst, false
				}
			} else {
				ts = wallOf(ctx, v[0], i)
			}
			f := fieldsOf(ts)
			if v[0].Type().Kind == types.KindTimestampLTZ {
				f.zone = ctx.loc().String()
				_, f.offsetSec = v[0].TimestampAt(i).Time(ctx.loc()).Zone()
			}
			return p.format(dst, f), true
		}))
	})
	// TO_TIMESTAMP(string[, format]) → TIMESTAMP(3), NULL when unparsable
	register([]string{"TO_TIMESTAMP"}, []string{"TO_TIMESTAMP(STRING[, STRING])"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 2, isString) {
			return nil
		}
		var pc patternCache
		return strictFn(strParams(args), args, types.Timestamp(3), true, tsKernel(func(ctx *Context, v []*vector.Vector, i int) (types.TimestampValue, bool) {
			return parseWithFormat(&pc, v, i, ctx, false)
		}))
	})
	register([]string{"TO_DATE"}, []string{"TO_DATE(STRING[, STRING])"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 2, isString) {
			return nil
		}
		var pc patternCache
		return strictFn(strParams(args), args, types.Date(), true, func(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			mergeNulls(out, n, v...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				if len(v) == 1 {
					d, err := types.ParseDate(rowString(v[0], i))
					if err != nil {
						out.SetNull(i)
						continue
					}
					out.Int64[i] = int64(d)
					continue
				}
				ts, ok := parseWithFormat(&pc, v, i, ctx, false)
				if !ok {
					out.SetNull(i)
					continue
				}
				d, _ := ts.Split()
				out.Int64[i] = int64(d)
			}
			return nil
		})
	})
	// TO_TIMESTAMP_LTZ(epoch, precision 0 = seconds | 3 = millis) or
	// TO_TIMESTAMP_LTZ(string[, format]) read in the session zone
	register([]string{"TO_TIMESTAMP_LTZ"}, []string{"TO_TIMESTAMP_LTZ(NUMERIC, INTEGER)", "TO_TIMESTAMP_LTZ(STRING[, STRING])"}, func(args []types.Type) *Resolved {
		ltz := types.TimestampLTZ(3)
		if len(args) == 2 && isNumeric(args[0]) && isInteger(args[1]) {
			return strictFn([]types.Type{types.Double(), types.Int()}, args, ltz, true, tsKernel(func(_ *Context, v []*vector.Vector, i int) (types.TimestampValue, bool) {
				x := v[0].Float64At(i)
				switch v[1].Int64At(i) {
				case 0:
					x *= 1000
				case 3:
				default:
					return types.TimestampValue{}, false
				}
				if math.IsNaN(x) || math.Abs(x) > 1e17 {
					return types.TimestampValue{}, false
				}
				return types.TimestampValue{Millis: int64(math.Floor(x))}, true
			}))
		}
		if !allOf(args, 1, 2, isString) {
			return nil
		}
		var pc patternCache
		return strictFn(strParams(args), args, ltz, true, tsKernel(func(ctx *Context, v []*vector.Vector, i int) (types.TimestampValue, bool) {
			return parseWithFormat(&pc, v, i, ctx, true)
		}))
	})
	// FROM_UNIXTIME(seconds[, format]) in the session zone
	register([]string{"FROM_UNIXTIME"}, []string{"FROM_UNIXTIME(BIGINT[, STRING])"}, func(args []types.Type) *Resolved {
		if len(args) < 1 || len(args) > 2 || !isInteger(args[0]) || len(args) == 2 && !isString(args[1]) {
			return nil
		}
		params := []types.Type{types.BigInt()}
		if len(args) == 2 {
			params = append(params, strParam(args[1]))
		}
		var pc patternCache
		return strictFn(params, args, str, true, strKernelCtx(func(ctx *Context, dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			format := defaultTimestampFormat
			if len(v) == 2 {
				format = rowString(v[1], i)
			}
			p, err := pc.get(format)
			if err != nil {
				return dst, false
			}
			sec := v[0].Int64At(i)
			if sec > math.MaxInt64/1000 || sec < math.MinInt64/1000 {
				return dst, false
			}
			inst := types.TimestampValue{Millis: sec * 1000}
			f := fieldsOf(inst.ToWallClock(ctx.loc()))
			_, f.offsetSec = inst.Time(ctx.loc()).Zone()
			f.zone = ctx.loc().String()
			return p.format(dst, f), true
		}))
	})
	// UNIX_TIMESTAMP() now; UNIX_TIMESTAMP(string[, format]) → seconds, and
	// Long.MIN_VALUE when unparsable (Flink's documented behaviour)
	register([]string{"UNIX_TIMESTAMP"}, []string{"UNIX_TIMESTAMP()", "UNIX_TIMESTAMP(STRING[, STRING])"}, func(args []types.Type) *Resolved {
		if len(args) == 0 {
			return &Resolved{Result: types.BigInt().NotNullable(), kernel: func(ctx *Context, _ []*vector.Vector, n int, out *vector.Vector) error {
				out.Resize(n)
				sec := ctx.now().Unix()
				for i := range out.Int64 {
					out.Int64[i] = sec
				}
				return nil
			}}
		}
		if !allOf(args, 1, 2, isString) {
			return nil
		}
		var pc patternCache
		return strictFn(strParams(args), args, types.BigInt(), false, intKernelCtx(func(ctx *Context, v []*vector.Vector, i int) (int64, bool) {
			if len(v) == 1 {
				v = []*vector.Vector{v[0]}
			}
			ts, ok := parseWithFormat(&pc, v, i, ctx, true)
			if !ok {
				return math.MinInt64, true
			}
			return types.FloorDiv(ts.Millis, 1000), true
		}))
	})
	// EXTRACT(unit, x) and the unit shorthands
	register([]string{"EXTRACT"}, []string{"EXTRACT(unit STRING, DATETIME)"}, func(args []types.Type) *Resolved {
		if len(args) != 2 || !isString(args[0]) || !(isTemporal(args[1]) || args[1].IsInterval()) {
			return nil
		}
		return strictFn([]types.Type{strParam(args[0]), args[1]}, args, types.BigInt(), false, intKernelCtx(func(ctx *Context, v []*vector.Vector, i int) (int64, bool) {
			return extract(ctx, strings.ToUpper(rowString(v[0], i)), v[1], i)
		}))
	})
	for _, u := range []struct{ name, unit string }{
		{"YEAR", "YEAR"}, {"QUARTER", "QUARTER"}, {"MONTH", "MONTH"}, {"WEEK", "WEEK"},
		{"DAYOFYEAR", "DOY"}, {"DAYOFMONTH", "DAY"}, {"DAYOFWEEK", "DOW"}, {"HOUR", "HOUR"},
		{"MINUTE", "MINUTE"}, {"SECOND", "SECOND"},
	} {
		unit := u.unit
		register([]string{u.name}, []string{u.name + "(DATETIME)"}, func(args []types.Type) *Resolved {
			if len(args) != 1 || !isTemporal(args[0]) {
				return nil
			}
			return strictFn(args, args, types.BigInt(), false, intKernelCtx(func(ctx *Context, v []*vector.Vector, i int) (int64, bool) {
				return extract(ctx, unit, v[0], i)
			}))
		})
	}
	register([]string{"TIMESTAMPADD"}, []string{"TIMESTAMPADD(unit STRING, INTEGER, DATETIME)"}, func(args []types.Type) *Resolved {
		if len(args) != 3 || !isString(args[0]) || !isInteger(args[1]) || !isTemporal(args[2]) {
			return nil
		}
		return strictFn([]types.Type{strParam(args[0]), types.BigInt(), args[2]}, args, args[2], true, func(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			mergeNulls(out, n, v...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				unit := strings.ToUpper(rowString(v[0], i))
				months, millis, ok := unitAmount(unit, v[1].Int64At(i))
				if !ok {
					out.SetError(i, fmt.Errorf("unknown time unit %q", unit))
					continue
				}
				t := v[2].Type()
				switch t.Kind {
				case types.KindDate:
					d := addMonthsToDate(types.DateValue(v[2].Int64At(i)), months)
					out.Int64[i] = int64(d) + types.FloorDiv(millis, types.MillisPerDay)
				case types.KindTime:
					out.Int64[i] = types.FloorMod(v[2].Int64At(i)+millis, types.MillisPerDay)
				default:
					ts := v[2].TimestampAt(i)
					ts.Millis = addMonthsToMillis(ts.Millis, months) + millis
					out.Int64[i] = ts.Millis
					if ts.Nanos != 0 {
						out.EnsureNanos()
						out.Nanos[i] = ts.Nanos
					}
				}
			}
			return nil
		})
	})
	register([]string{"TIMESTAMPDIFF"}, []string{"TIMESTAMPDIFF(unit STRING, DATETIME, DATETIME)"}, func(args []types.Type) *Resolved {
		if len(args) != 3 || !isString(args[0]) || !isTemporal(args[1]) || !isTemporal(args[2]) {
			return nil
		}
		return strictFn([]types.Type{strParam(args[0]), args[1], args[2]}, args, types.Int(), false, intKernelCtx(func(ctx *Context, v []*vector.Vector, i int) (int64, bool) {
			unit := strings.ToUpper(rowString(v[0], i))
			a, b := wallOf(ctx, v[1], i), wallOf(ctx, v[2], i)
			var d int64
			switch unit {
			case "YEAR", "QUARTER", "MONTH":
				d = monthsBetween(a, b)
				switch unit {
				case "YEAR":
					d /= 12
				case "QUARTER":
					d /= 3
				}
			default:
				_, ms, ok := unitAmount(unit, 1)
				if !ok || ms == 0 {
					return 0, false
				}
				d = (b.Millis - a.Millis) / ms
			}
			return int64(int32(d)), true
		}))
	})
	// FLOOR/CEIL(datetime, unit) are registered with the numeric FLOOR/CEIL.
	register([]string{"CONVERT_TZ"}, []string{"CONVERT_TZ(STRING, STRING, STRING)"}, func(args []types.Type) *Resolved {
		if !allOf(args, 3, 3, isString) {
			return nil
		}
		return strictFn(strParams(args), args, str, true, strKernelCtx(func(_ *Context, dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			ts, err := types.ParseTimestamp(rowString(v[0], i))
			if err != nil {
				return dst, false
			}
			from, err1 := loadZone(rowString(v[1], i))
			to, err2 := loadZone(rowString(v[2], i))
			if err1 != nil || err2 != nil {
				return dst, false
			}
			out := ts.ToInstant(from).ToWallClock(to)
			return types.AppendTimestamp(dst, out, 0), true
		}))
	})
	nowFn := func(name string, result types.Type, value func(ctx *Context) types.TimestampValue) {
		register([]string{name}, []string{name + "()"}, func(args []types.Type) *Resolved {
			if len(args) != 0 {
				return nil
			}
			return &Resolved{Result: result.NotNullable(), kernel: func(ctx *Context, _ []*vector.Vector, n int, out *vector.Vector) error {
				out.Resize(n)
				ts := value(ctx)
				for i := range out.Int64 {
					switch result.Kind {
					case types.KindDate:
						d, _ := ts.Split()
						out.Int64[i] = int64(d)
					case types.KindTime:
						_, t := ts.Split()
						out.Int64[i] = int64(t) - int64(t)%1000
					default:
						out.Int64[i] = ts.Millis
					}
				}
				return nil
			}}
		})
	}
	instant := func(ctx *Context) types.TimestampValue {
		return types.TruncateTimestamp(types.TimestampFromTime(ctx.now()), 3)
	}
	wall := func(ctx *Context) types.TimestampValue { return instant(ctx).ToWallClock(ctx.loc()) }
	nowFn("CURRENT_TIMESTAMP", types.TimestampLTZ(3), instant)
	nowFn("NOW", types.TimestampLTZ(3), instant)
	nowFn("CURRENT_ROW_TIMESTAMP", types.TimestampLTZ(3), instant)
	nowFn("LOCALTIMESTAMP", types.Timestamp(3), wall)
	nowFn("CURRENT_DATE", types.Date(), wall)
	nowFn("CURRENT_TIME", types.Time(0), wall)
	nowFn("LOCALTIME", types.Time(0), wall)
}

func strParams(args []types.Type) []types.Type {
	ps := make([]types.Type, len(args))
	for i, a := range args {
		ps[i] = strParam(a)
	}
	return ps
}

func loadZone(name string) (*time.Location, error) {
	if name == "UTC" || name == "GMT" || name == "Z" {
		return time.UTC, nil
	}
	if strings.HasPrefix(name, "GMT") || strings.HasPrefix(name, "UTC") {
		var h, m int
		sign := 1
		rest := name[3:]
		if rest != "" && (rest[0] == '+' || rest[0] == '-') {
			if rest[0] == '-' {
				sign = -1
			}
			if _, err := fmt.Sscanf(rest[1:], "%d:%d", &h, &m); err != nil {
				if _, err := fmt.Sscanf(rest[1:], "%d", &h); err != nil {
					return nil, err
				}
			}
			return time.FixedZone(name, sign*(h*3600+m*60)), nil
		}
	}
	return time.LoadLocation(name)
}

// parseWithFormat parses string argument 0 with the format in argument 1 (or
// the default); instant reads the wall clock in the session zone unless the
// input carries an offset.
func parseWithFormat(pc *patternCache, v []*vector.Vector, i int, ctx *Context, instant bool) (types.TimestampValue, bool) {
	s := rowString(v[0], i)
	format := defaultTimestampFormat
	if len(v) >= 2 {
		format = rowString(v[1], i)
	}
	p, err := pc.get(format)
	if err != nil {
		return types.TimestampValue{}, false
	}
	f, hasZone, err := p.parse(s)
	if err != nil {
		if len(v) == 1 {
			// TO_TIMESTAMP without a format also takes the fractional form
			ts, err := types.ParseTimestamp(s)
			if err != nil {
				return types.TimestampValue{}, false
			}
			if instant {
				return ts.ToInstant(ctx.loc()), true
			}
			return ts, true
		}
		return types.TimestampValue{}, false
	}
	ts := f.timestamp()
	switch {
	case hasZone && instant:
		ts.Millis -= int64(f.offsetSec) * 1000
	case instant:
		ts = ts.ToInstant(ctx.loc())
	}
	return ts, true
}

// unitAmount converts n units to (months, millis).
func unitAmount(unit string, n int64) (int64, int64, bool) {
	switch unit {
	case "YEAR":
		return 12 * n, 0, true
	case "QUARTER":
		return 3 * n, 0, true
	case "MONTH":
		return n, 0, true
	case "WEEK":
		return 0, 7 * types.MillisPerDay * n, true
	case "DAY":
		return 0, types.MillisPerDay * n, true
	case "HOUR":
		return 0, types.MillisPerHour * n, true
	case "MINUTE":
		return 0, types.MillisPerMinute * n, true
	case "SECOND":
		return 0, 1000 * n, true
	case "MILLISECOND":
		return 0, n, true
	}
	return 0, 0, false
}

// monthsBetween counts whole months from a to b (negative if b is before a).
func monthsBetween(a, b types.TimestampValue) int64 {
	fa, fb := fieldsOf(a), fieldsOf(b)
	m := int64(fb.year-fa.year)*12 + int64(fb.month-fa.month)
	// not a whole month yet if b's day/time of month is before a's
	restA := a.Millis - int64(types.DateOf(fa.year, fa.month, 1))*types.MillisPerDay
	restB := b.Millis - int64(types.DateOf(fb.year, fb.month, 1))*types.MillisPerDay
	if m > 0 && restB < restA {
		m--
	} else if m < 0 && restB > restA {
		m++
	}
	return m
}

// extract returns a field of row i of a datetime or interval vector.
func extract(ctx *Context, unit string, v *vector.Vector, i int) (int64, bool) {
	if v.Type().IsInterval() {
		x := v.Int64At(i)
		if v.Type().Kind == types.KindIntervalYearMonth {
			switch unit {
			case "YEAR":
				return x / 12, true
			case "MONTH":
				return x % 12, true
			}
			return 0, false
		}
		switch unit {
		case "DAY":
			return x / types.MillisPerDay, true
		case "HOUR":
			return x % types.MillisPerDay / types.MillisPerHour, true
		case "MINUTE":
			return x % types.MillisPerHour / types.MillisPerMinute, true
		case "SECOND":
			return x % types.MillisPerMinute / 1000, true
		case "MILLISECOND":
			return x % types.MillisPerMinute, true
		case "EPOCH":
			return x / 1000, true
		}
		return 0, false
	}
	ts := wallOf(ctx, v, i)
	f := fieldsOf(ts)
	switch unit {
	case "YEAR":
		return int64(f.year), true
	case "QUARTER":
		return int64((f.month-1)/3 + 1), true
	case "MONTH":
		return int64(f.month), true
	case "WEEK":
		return int64(isoWeek(f.date)), true
	case "DAY":
		return int64(f.day), true
	case "DOY":
		return int64(f.date-types.DateOf(f.year, 1, 1)) + 1, true
	case "DOW":
		return int64(f.date.Weekday()%7 + 1), true // 1 = Sunday … 7 = Saturday
	case "ISODOW":
		return int64(f.date.Weekday()), true
	case "HOUR":
		return int64(f.hour), true
	case "MINUTE":
		return int64(f.minute), true
	case "SECOND":
		return int64(f.second), true
	case "MILLISECOND":
		return int64(f.second)*1000 + f.nanos/1e6, true
	case "MICROSECOND":
		return int64(f.second)*1e6 + f.nanos/1e3, true
	case "NANOSECOND":
		return int64(f.second)*1e9 + f.nanos, true
	case "EPOCH":
		if v.Type().Kind == types.KindTimestampLTZ {
			return types.FloorDiv(v.TimestampAt(i).Millis, 1000), true
		}
		return types.FloorDiv(ts.Millis, 1000), true
	case "DECADE":
		return int64(types.FloorDiv(int64(f.year), 10)), true
	case "CENTURY":
		if f.year > 0 {
			return int64((f.year + 99) / 100), true
		}
		return int64(-((-f.year)/100 + 1)), true
	case "MILLENNIUM":
		if f.year > 0 {
			return int64((f.year + 999) / 1000), true
		}
		return int64(-((-f.year)/1000 + 1)), true
	}
	return 0, false
}

// floorDatetime rounds a wall clock down (or up) to a unit.
func floorDatetime(ts types.TimestampValue, unit string, ceil bool) (types.TimestampValue, bool) {
	f := fieldsOf(ts)
	var fl types.TimestampValue
	switch unit {
	case "YEAR":
		fl = types.TimestampOf(types.DateOf(f.year, 1, 1), 0)
	case "QUARTER":
		fl = types.TimestampOf(types.DateOf(f.year, (f.month-1)/3*3+1, 1), 0)
	case "MONTH":
		fl = types.TimestampOf(types.DateOf(f.year, f.month, 1), 0)
	case "WEEK":
		// weeks start on Sunday, as Calcite's FLOOR(… TO WEEK)
		d := f.date - types.DateValue(f.date.Weekday()%7)
		fl = types.TimestampOf(d, 0)
	default:
		_, ms, ok := unitAmount(unit, 1)
		if !ok || ms == 0 {
			return ts, false
		}
		fl = types.TimestampValue{Millis: ts.Millis - types.FloorMod(ts.Millis, ms)}
	}
	if ceil && fl.Compare(ts) != 0 {
		months, ms, _ := unitAmount(unit, 1)
		if unit == "WEEK" {
			months, ms = 0, 7*types.MillisPerDay
		}
		fl.Millis = addMonthsToMillis(fl.Millis, months) + ms
	}
	return fl, true
}

// strKernelCtx is strKernel with the context.
func strKernelCtx(f func(ctx *Context, dst []byte, v []*vector.Vector, i int) ([]byte, bool)) Kernel {
	return func(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		return strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return f(ctx, dst, v, i)
		})(ctx, v, n, out)
	}
}

func intKernelCtx(f func(ctx *Context, v []*vector.Vector, i int) (int64, bool)) Kernel {
	return func(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		return intKernel(func(v []*vector.Vector, i int) (int64, bool) { return f(ctx, v, i) })(ctx, v, n, out)
	}
}

// tsKernel builds a kernel producing a timestamp per non-null row.
func tsKernel(f func(ctx *Context, v []*vector.Vector, i int) (types.TimestampValue, bool)) Kernel {
	return func(ctx *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v...)
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			ts, ok := f(ctx, v, i)
			if !ok {
				out.SetNull(i)
				continue
			}
			out.Int64[i] = ts.Millis
			if ts.Nanos != 0 {
				out.EnsureNanos()
				out.Nanos[i] = ts.Nanos
			}
		}
		return nil
	}
}
