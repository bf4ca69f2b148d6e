package functions

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// LookupCast resolves CAST(x AS to) (try=false) or TRY_CAST(x AS to).
//
// Semantics are Flink's (1.15+, table.exec.legacy-cast-behaviour disabled):
// an unparsable string fails CAST with a row error and makes TRY_CAST NULL;
// integer narrowing wraps (CAST(300 AS TINYINT) = 44) and floating point to
// integer truncates and saturates as Java's (int)/(long) casts; a value that
// does not fit a DECIMAL becomes NULL; to CHAR(n)/VARCHAR(n) truncates to n
// characters and CHAR(n) pads with spaces; BOOLEAN prints TRUE/FALSE;
// exact numeric ↔ TIMESTAMP_LTZ is epoch seconds; TIMESTAMP ↔ TIMESTAMP_LTZ
// and DATE/TIME from TIMESTAMP_LTZ use the session time zone.
func LookupCast(from, to types.Type, try bool) (*Resolved, error) {
	name := "CAST"
	if try {
		name = "TRY_CAST"
	}
	if types.CastSupport(from, to) == types.CastNone {
		hint := ""
		switch {
		case from.Kind == types.KindTimestamp && to.IsNumeric():
			hint = "; use UNIX_TIMESTAMP(CAST(x AS STRING)) instead"
		case from.IsNumeric() && to.Kind == types.KindTimestamp:
			hint = "; use TO_TIMESTAMP(FROM_UNIXTIME(x)) instead"
		}
		return nil, fmt.Errorf("%s from %s to %s is not allowed%s", name, from, to, hint)
	}
	nullable := from.IsNullable() || types.CastMayOverflow(from, to) ||
		try && types.CastMayFail(from, to)
	result := to.WithNullable(nullable)
	result.TimeAttr = types.NoTimeAttr
	return &Resolved{
		Name:          name,
		Args:          []types.Type{from},
		Result:        result,
		Deterministic: true,
		kernel:        castKernel(from, result, try),
		strict:        true,
	}, nil
}

// errCast wraps a failed conversion.
func errCast(from, to types.Type, what string, err error) error {
	if err != nil {
		return fmt.Errorf("CAST(%q AS %s): %w", what, to.Nullable(), err)
	}
	return fmt.Errorf("CAST(%q AS %s) failed", what, to.Nullable())
}

// caster converts rows of one vector.
type caster struct {
	ctx      *Context
	from, to types.Type
	try      bool
	src, out *vector.Vector
}

// fail handles a row that cannot be converted.
func (c *caster) fail(i int, err error) {
	if c.try {
		c.out.SetNull(i)
		return
	}
	c.out.SetError(i, err)
}

func castKernel(from, to types.Type, try bool) Kernel {
	return func(ctx *Context, args []*vector.Vector, n int, out *vector.Vector) error {
		c := &caster{ctx: ctx, from: from, to: to, try: try, src: args[0], out: out}
		return c.run(n)
	}
}

func (c *caster) run(n int) error {
	src, out := c.src, c.out
	// identical representation: copy the lane
	if !needsCast(c.from, c.to) && !c.to.IsCharacter() && !c.to.IsBinaryString() &&
		!(c.to.IsTimestamp() && c.to.Precision < c.from.Precision) && c.to.Kind != types.KindTime {
		out.Reset()
		for i := 0; i < n; i++ {
			out.AppendFrom(src, i)
		}
		return nil
	}
	switch vector.LaneOf(c.to) {
	case vector.LaneNull:
		out.Resize(n)
	case vector.LaneBool:
		out.Resize(n)
		c.each(n, func(i int) error {
			b, err := c.toBool(i)
			out.Bool[i] = b
			return err
		})
	case vector.LaneInt64:
		out.Resize(n)
		c.each(n, func(i int) error {
			v, err := c.toInt64(i)
			out.Int64[i] = v
			return err
		})
	case vector.LaneFloat64:
		out.Resize(n)
		f32 := c.to.Kind == types.KindFloat
		c.each(n, func(i int) error {
			f, err := c.toFloat64(i)
			if f32 {
				f = float64(float32(f))
			}
			out.Float64[i] = f
			return err
		})
	case vector.LaneDecimal:
		out.Resize(n)
		c.each(n, func(i int) error {
			d, ok, err := c.toDecimal(i)
			if err == nil && !ok {
				out.SetNull(i) // overflow is NULL in Flink, for CAST too
				return nil
			}
			out.Dec[i] = d.Unscaled
			return err
		})
	case vector.LaneTimestamp:
		out.Resize(n)
		c.each(n, func(i int) error {
			ts, err := c.toTimestamp(i)
			ts = types.TruncateTimestamp(ts, c.to.Precision)
			out.Int64[i] = ts.Millis
			if ts.Nanos != 0 {
				out.EnsureNanos()
				out.Nanos[i] = ts.Nanos
			}
			return err
		})
	case vector.LaneBytes:
		out.Reset()
		var buf []byte
		for i := 0; i < n; i++ {
			if src.IsNull(i) {
				out.AppendNull()
				continue
			}
			var err error
			buf, err = c.toBytes(buf[:0], i)
			if err != nil {
				out.AppendNull()
				c.fail(i, err)
				continue
			}
			out.AppendBytes(c.fitLength(buf))
		}
	case vector.LaneAny:
		out.Resize(n)
		c.each(n, func(i int) error {
			// a failing element fails the whole value: TRY_CAST gives NULL, not
			// an array with holes
			v, err := castValue(c.ctx, c.from, c.to, src.Get(i), false)
			if v == nil && err == nil {
				out.SetNull(i)
			}
			out.Any[i] = v
			return err
		})
	}
	return nil
}

// each runs conv for the non-null rows, marking NULL inputs and failures.
func (c *caster) each(n int, conv func(i int) error) {
	for i := 0; i < n; i++ {
		if c.src.IsNull(i) {
			c.out.SetNull(i)
			continue
		}
		if err := conv(i); err != nil {
			c.fail(i, err)
		}
	}
}

// castValue converts one Go value (nested types' elements).
func castValue(ctx *Context, from, to types.Type, x any, try bool) (any, error) {
	if x == nil {
		return nil, nil
	}
	if from.Kind == to.Kind && from.IsConstructed() {
		switch from.Kind {
		case types.KindArray, types.KindMultiset:
			elems, _ := x.([]any)
			out := make([]any, len(elems))
			for i, e := range elems {
				v, err := castValue(ctx, *from.Elem, *to.Elem, e, try)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		case types.KindMap:
			m, _ := x.(types.MapValue)
			out := types.MapValue{Keys: make([]any, len(m.Keys)), Values: make([]any, len(m.Values))}
			for i := range m.Keys {
				k, err := castValue(ctx, *from.Elem, *to.Elem, m.Keys[i], try)
				if err != nil {
					return nil, err
				}
				out.Keys[i] = k
			}
			for i := range m.Values {
				v, err := castValue(ctx, *from.Value, *to.Value, m.Values[i], try)
				if err != nil {
					return nil, err
				}
				out.Values[i] = v
			}
			return out, nil
		case types.KindRow:
			fs, _ := x.([]any)
			out := make([]any, len(to.Fields))
			for i := range out {
				if i >= len(fs) || i >= len(from.Fields) {
					break
				}
				v, err := castValue(ctx, from.Fields[i].Type, to.Fields[i].Type, fs[i], try)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		}
	}
	src := vector.New(from, 1)
	if err := src.Append(x); err != nil {
		return nil, err
	}
	out := vector.New(to, 1)
	c := &caster{ctx: ctx, from: from, to: to, try: try, src: src, out: out}
	if err := c.run(1); err != nil {
		return nil, err
	}
	if err := out.Err(nil); err != nil {
		return nil, err
	}
	return out.Get(0), nil
}

// --- targets ---

func (c *caster) str(i int) string { return c.src.StringAt(i) }

func (c *caster) toBool(i int) (bool, error) {
	f := c.from
	switch {
	case f.Kind == types.KindBoolean:
		return c.src.BoolAt(i), nil
	case f.IsIntegral():
		return c.src.Int64At(i) != 0, nil
	case f.IsApprox():
		return c.src.Float64At(i) != 0, nil
	case f.Kind == types.KindDecimal:
		return c.src.DecimalAt(i).Sign() != 0, nil
	case f.IsCharacter():
		// Flink's BinaryStringDataUtil.toBoolean
		switch strings.ToLower(javaTrim(c.str(i))) {
		case "t", "true", "y", "yes", "1":
			return true, nil
		case "f", "false", "n", "no", "0":
			return false, nil
		}
		return false, errCast(f, c.to, c.str(i), errors.New("not a BOOLEAN"))
	}
	return false, fmt.Errorf("no conversion from %s to BOOLEAN", f)
}

// wrapInt narrows v to the width of an integer kind, as Java's casts do.
func wrapInt(k types.Kind, v int64) int64 {
	switch k {
	case types.KindTinyInt:
		return int64(int8(v))
	case types.KindSmallInt:
		return int64(int16(v))
	case types.KindInt:
		return int64(int32(v))
	}
	return v
}

// floatToIntegral is Java's (byte)/(short)/(int)/(long) of a double: NaN is
// 0, out of range saturates at int or long, then narrower types wrap.
func floatToIntegral(k types.Kind, f float64) int64 {
	if f != f {
		return 0
	}
	if k == types.KindBigInt {
		switch {
		case f >= math.MaxInt64:
			return math.MaxInt64
		case f <= math.MinInt64:
			return math.MinInt64
		}
		return int64(f)
	}
	var v int64
	switch {
	case f >= math.MaxInt32:
		v = math.MaxInt32
	case f <= math.MinInt32:
		v = math.MinInt32
	default:
		v = int64(f)
	}
	return wrapInt(k, v)
}

func (c *caster) toInt64(i int) (int64, error) {
	f, to := c.from, c.to
	switch to.Kind {
	case types.KindDate:
		return c.toDate(i)
	case types.KindTime:
		return c.toTime(i)
	}
	switch {
	case f.IsIntegral():
		v := c.src.Int64At(i)
		if to.IsIntegral() {
			return wrapInt(to.Kind, v), nil
		}
		return v, nil // to an interval: the raw count
	case f.Kind == types.KindBoolean:
		if c.src.BoolAt(i) {
			return 1, nil
		}
		return 0, nil
	case f.IsApprox():
		return floatToIntegral(to.Kind, c.src.Float64At(i)), nil
	case f.Kind == types.KindDecimal:
		return wrapInt(to.Kind, c.src.DecimalAt(i).Int64Trunc()), nil
	case f.IsCharacter():
		s := c.str(i)
		v, err := parseIntegral(s, to.Kind)
		if err != nil {
			return 0, errCast(f, to, s, err)
		}
		return v, nil
	case f.IsInterval():
		return wrapInt(to.Kind, c.src.Int64At(i)), nil
	case f.Kind == types.KindTimestampLTZ:
		return wrapInt(to.Kind, types.FloorDiv(c.src.Int64At(i), 1000)), nil
	}
	return 0, fmt.Errorf("no conversion from %s to %s", f, to)
}

func (c *caster) toDate(i int) (int64, error) {
	switch c.from.Kind {
	case types.KindDate:
		return c.src.Int64At(i), nil
	case types.KindTimestamp:
		d, _ := c.src.TimestampAt(i).Split()
		return int64(d), nil
	case types.KindTimestampLTZ:
		d, _ := c.src.TimestampAt(i).ToWallClock(c.ctx.loc()).Split()
		return int64(d), nil
	}
	if c.from.IsCharacter() {
		s := c.str(i)
		d, err := types.ParseDate(s)
		if err != nil {
			// a timestamp string gives its date, as Flink's parser does
			ts, err2 := types.ParseTimestamp(s)
			if err2 != nil {
				return 0, errCast(c.from, c.to, s, err)
			}
			dd, _ := ts.Split()
			return int64(dd), nil
		}
		return int64(d), nil
	}
	return 0, fmt.Errorf("no conversion from %s to DATE", c.from)
}

func (c *caster) toTime(i int) (int64, error) {
	var t types.TimeValue
	switch c.from.Kind {
	case types.KindTime:
		t = types.TimeValue(c.src.Int64At(i))
	case types.KindTimestamp:
		_, t = c.src.TimestampAt(i).Split()
	case types.KindTimestampLTZ:
		_, t = c.src.TimestampAt(i).ToWallClock(c.ctx.loc()).Split()
	default:
		if !c.from.IsCharacter() {
			return 0, fmt.Errorf("no conversion from %s to TIME", c.from)
		}
		s := c.str(i)
		v, err := types.ParseTime(s)
		if err != nil {
			ts, err2 := types.ParseTimestamp(s)
			if err2 != nil {
				return 0, errCast(c.from, c.to, s, err)
			}
			_, v = ts.Split()
		}
		t = v
	}
	// TIME(p) keeps p fractional digits of its milliseconds
	step := int64(1)
	for p := c.to.Precision; p < 3; p++ {
		step *= 10
	}
	return int64(t) - int64(t)%step, nil
}

// parseIntegral parses as Flink's BinaryStringDataUtil.toLong/toInt: Java
// whitespace trimmed, an optional sign, digits, and an optional fraction
// that is truncated; out of range for the type is an error.
func parseIntegral(s string, k types.Kind) (int64, error) {
	s = javaTrim(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac := s[i+1:]
		for j := 0; j < len(frac); j++ {
			if frac[j] < '0' || frac[j] > '9' {
				return 0, errors.New("invalid integer")
			}
		}
		s = s[:i]
		if s == "" || s == "-" || s == "+" {
			if frac == "" {
				return 0, errors.New("invalid integer")
			}
			s += "0"
		}
	}
	bitSize := map[types.Kind]int{types.KindTinyInt: 8, types.KindSmallInt: 16, types.KindInt: 32}[k]
	if bitSize == 0 {
		bitSize = 64
	}
	v, err := strconv.ParseInt(s, 10, bitSize)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, errors.New("out of range")
		}
		return 0, errors.New("invalid integer")
	}
	return v, nil
}

// javaTrim is Java's String.trim: drop leading and trailing chars ≤ ' '.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

func (c *caster) toFloat64(i int) (float64, error) {
	f := c.from
	switch {
	case f.IsIntegral():
		return float64(c.src.Int64At(i)), nil
	case f.IsApprox():
		return c.src.Float64At(i), nil
	case f.Kind == types.KindDecimal:
		return c.src.DecimalAt(i).Float64(), nil
	case f.Kind == types.KindBoolean:
		if c.src.BoolAt(i) {
			return 1, nil
		}
		return 0, nil
	case f.IsCharacter():
		s := c.str(i)
		v, err := parseJavaDouble(s)
		if err != nil {
			return 0, errCast(f, c.to, s, err)
		}
		return v, nil
	}
	return 0, fmt.Errorf("no conversion from %s to %s", f, c.to)
}

// parseJavaDouble accepts what Java's Double.parseDouble accepts for
// decimal input: trimmed, optional sign, digits with optional fraction and
// exponent, NaN, Infinity, and a trailing d/D/f/F.
func parseJavaDouble(s string) (float64, error) {
	s = javaTrim(s)
	t := strings.TrimRight(s, "dDfF")
	if len(t) < len(s)-1 {
		return 0, errors.New("invalid number")
	}
	body := strings.TrimLeft(t, "+-")
	switch body {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		if strings.HasPrefix(t, "-") {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	for j := 0; j < len(body); j++ {
		ch := body[j]
		if !(ch >= '0' && ch <= '9' || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-') {
			return 0, errors.New("invalid number")
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("invalid number")
	}
	return v, nil
}

func (c *caster) toDecimal(i int) (types.DecimalValue, bool, error) {
	f, p, s := c.from, c.to.Precision, c.to.Scale
	var d types.DecimalValue
	switch {
	case f.IsIntegral():
		d = types.DecimalFromInt64(c.src.Int64At(i))
	case f.Kind == types.KindBoolean:
		if c.src.BoolAt(i) {
			d = types.DecimalFromInt64(1)
		}
	case f.IsApprox():
		var ok bool
		if d, ok = types.DecimalFromFloat64(c.src.Float64At(i)); !ok {
			return d, false, nil
		}
	case f.Kind == types.KindDecimal:
		d = c.src.DecimalAt(i)
	case f.IsCharacter():
		str := c.str(i)
		var err error
		if d, err = types.ParseDecimal(javaTrim(str)); err != nil {
			return d, false, errCast(f, c.to, str, errors.New("invalid DECIMAL"))
		}
	default:
		return d, false, fmt.Errorf("no conversion from %s to %s", f, c.to)
	}
	r, ok := d.ToType(p, s)
	return r, ok, nil
}

func (c *caster) toTimestamp(i int) (types.TimestampValue, error) {
	f, to := c.from, c.to
	loc := c.ctx.loc()
	ltz := to.Kind == types.KindTimestampLTZ
	var wall types.TimestampValue // a wall-clock value to read in loc when ltz
	switch {
	case f.Kind == types.KindTimestamp:
		wall = c.src.TimestampAt(i)
	case f.Kind == types.KindTimestampLTZ:
		ts := c.src.TimestampAt(i)
		if ltz {
			return ts, nil
		}
		return ts.ToWallClock(loc), nil
	case f.Kind == types.KindDate:
		wall = types.TimestampOf(types.DateValue(c.src.Int64At(i)), 0)
	case f.Kind == types.KindTime:
		wall = types.TimestampOf(0, types.TimeValue(c.src.Int64At(i)))
	case f.IsCharacter():
		s := c.str(i)
		ts, err := types.ParseTimestamp(s)
		if err != nil {
			return ts, errCast(f, to, s, err)
		}
		wall = ts
	case f.IsIntegral() && ltz:
		sec := c.src.Int64At(i)
		return types.TimestampValue{Millis: sec * 1000}, nil
	case f.Kind == types.KindDecimal && ltz:
		// Flink's DecimalDataUtils.castToTimestamp: seconds as double × 1000
		return types.TimestampValue{Millis: int64(c.src.DecimalAt(i).Float64() * 1000)}, nil
	case f.IsApprox() && ltz:
		return types.TimestampValue{Millis: int64(c.src.Float64At(i) * 1000)}, nil
	default:
		return types.TimestampValue{}, fmt.Errorf("no conversion from %s to %s", f, to)
	}
	if ltz {
		return wall.ToInstant(loc), nil
	}
	return wall, nil
}

// toBytes appends the string (or binary) form of row i.
func (c *caster) toBytes(dst []byte, i int) ([]byte, error) {
	f := c.from
	switch {
	case f.IsCharacter(), f.IsBinaryString():
		return append(dst, c.src.BytesAt(i)...), nil
	case c.to.IsBinaryString():
		return dst, fmt.Errorf("no conversion from %s to %s", f, c.to)
	case f.Kind == types.KindBoolean:
		if c.src.BoolAt(i) {
			return append(dst, "TRUE"...), nil
		}
		return append(dst, "FALSE"...), nil
	case f.IsIntegral():
		return strconv.AppendInt(dst, c.src.Int64At(i), 10), nil
	case f.Kind == types.KindFloat:
		return types.AppendJavaFloat(dst, c.src.Float64At(i), 32), nil
	case f.Kind == types.KindDouble:
		return types.AppendJavaFloat(dst, c.src.Float64At(i), 64), nil
	case f.Kind == types.KindDecimal:
		return c.src.DecimalAt(i).Append(dst), nil
	case f.Kind == types.KindDate:
		return types.AppendDate(dst, types.DateValue(c.src.Int64At(i))), nil
	case f.Kind == types.KindTime:
		return types.AppendTime(dst, types.TimeValue(c.src.Int64At(i)), f.Precision), nil
	case f.Kind == types.KindTimestamp:
		return types.AppendTimestamp(dst, c.src.TimestampAt(i), f.Precision), nil
	case f.Kind == types.KindTimestampLTZ:
		return types.AppendTimestamp(dst, c.src.TimestampAt(i).ToWallClock(c.ctx.loc()), f.Precision), nil
	}
	return types.AppendValue(dst, f, c.src.Get(i)), nil
}

// fitLength truncates to the target length in characters and pads CHAR(n).
func (c *caster) fitLength(b []byte) []byte {
	n := c.to.Precision
	if n <= 0 || n == types.MaxLength {
		return b
	}
	if c.to.IsBinaryString() {
		if len(b) > n {
			return b[:n]
		}
		for c.to.Kind == types.KindBinary && len(b) < n {
			b = append(b, 0)
		}
		return b
	}
	chars := 0
	for j := range string(b) {
		if chars == n {
			return b[:j]
		}
		chars++
	}
	if c.to.Kind == types.KindChar {
		for ; chars < n; chars++ {
			b = append(b, ' ')
		}
	}
	return b
}

// charCount counts code points (Flink strings count characters, not bytes).
func charCount(b []byte) int { return utf8.RuneCount(b) }
