package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// The datagen connector generates rows as Flink's: per column a random
// generator (fields.<col>.min/max/length/max-past) or a sequence
// (fields.<col>.start/end); number-of-rows bounds the table, a sequence
// bounds it to its length; rows-per-second limits the rate. Unlike
// Flink's, random values are seeded by the row's index, so a run is
// reproducible.

type datagenField struct {
	typ        types.Type
	sequence   bool
	start, end int64
	min, max   float64
	hasMin     bool
	hasMax     bool
	length     int
	maxPast    time.Duration
	nullRate   float64
}

func newDatagenSource(spec *plan.ScanSpec) (connector.Source[*vector.Chunk], error) {
	o := spec.Options
	count := int64(-1)
	if v := o["number-of-rows"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("option 'number-of-rows': '%s' is not a non-negative integer", v)
		}
		count = n
	}
	rate := 10000.0
	if v := o["rows-per-second"]; v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return nil, fmt.Errorf("option 'rows-per-second': '%s' is not a positive number", v)
		}
		rate = f
	}
	fields := make([]*datagenField, len(spec.Paths))
	for i, p := range spec.Paths {
		if len(p) != 1 {
			return nil, fmt.Errorf("datagen cannot generate nested fields")
		}
		col := spec.Physical[p[0]]
		f, err := datagenFieldOf(col, o)
		if err != nil {
			return nil, err
		}
		fields[i] = f
		if f.sequence {
			n := f.end - f.start + 1
			if count < 0 || n < count {
				count = n
			}
		}
	}
	ts := spec.PathTypes
	now := time.Now()
	return &genSource{count: count, rate: rate, fill: func(from, n int64) (*vector.Chunk, error) {
		c := vector.NewChunk(ts, int(n))
		for i, f := range fields {
			v := c.Cols[i]
			for r := from; r < from+n; r++ {
				if err := f.append(v, r, i, now); err != nil {
					return nil, err
				}
			}
		}
		c.SetLen(int(n))
		return c, nil
	}}, nil
}

func datagenFieldOf(col plan.Column, o map[string]string) (*datagenField, error) {
	key := func(s string) string { return o["fields."+col.Name+"."+s] }
	f := &datagenField{typ: col.Type, length: 100, maxPast: 0}
	num := func(s string) (float64, bool, error) {
		v := key(s)
		if v == "" {
			return 0, false, nil
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false, fmt.Errorf("option 'fields.%s.%s': '%s' is not a number", col.Name, s, v)
		}
		return x, true, nil
	}
	var err error
	switch strings.ToLower(key("kind")) {
	case "sequence":
		f.sequence = true
		s, ok1, err1 := num("start")
		e, ok2, err2 := num("end")
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%v%v", err1, err2)
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("column '%s' is a sequence: it needs options 'fields.%s.start' and 'fields.%s.end'", col.Name, col.Name, col.Name)
		}
		if e < s {
			return nil, fmt.Errorf("column '%s': sequence end %v is before its start %v", col.Name, e, s)
		}
		f.start, f.end = int64(s), int64(e)
	case "", "random":
	default:
		return nil, fmt.Errorf("option 'fields.%s.kind': '%s' is not random or sequence", col.Name, key("kind"))
	}
	if f.min, f.hasMin, err = num("min"); err != nil {
		return nil, err
	}
	if f.max, f.hasMax, err = num("max"); err != nil {
		return nil, err
	}
	if l, ok, err := num("length"); err != nil {
		return nil, err
	} else if ok {
		f.length = int(l)
	}
	if r, ok, err := num("null-rate"); err != nil {
		return nil, err
	} else if ok {
		f.nullRate = r
	}
	if v := key("max-past"); v != "" {
		d, err := catalog.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("option 'fields.%s.max-past': %w", col.Name, err)
		}
		f.maxPast = d
	}
	return f, nil
}

func (f *datagenField) append(v *vector.Vector, row int64, col int, now time.Time) error {
	t := f.typ
	if f.sequence {
		x := f.start + row
		switch {
		case t.IsIntegral():
			v.AppendInt64(x)
		case t.IsApprox():
			v.AppendFloat64(float64(x))
		case t.Kind == types.KindDecimal:
			return v.Append(types.DecimalFromInt64(x))
		case t.IsCharacter():
			v.AppendString(strconv.FormatInt(x, 10))
		default:
			return fmt.Errorf("datagen cannot make a sequence of %s", t)
		}
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(row), uint64(col)+0x9e3779b97f4a7c15))
	if f.nullRate > 0 && rng.Float64() < f.nullRate {
		v.AppendNull()
		return nil
	}
	lo, hi := f.bounds()
	switch {
	case t.Kind == types.KindBoolean:
		v.AppendBool(rng.IntN(2) == 1)
	case t.IsIntegral():
		l, h := int64(max(lo, -9.2e18)), int64(min(hi, 9.2e18))
		var x int64
		if h > l {
			x = l + int64(rng.Uint64N(uint64(h-l)+1))
		} else {
			x = l
		}
		v.AppendInt64(x)
	case t.IsApprox():
		v.AppendFloat64(lo + rng.Float64()*(hi-lo))
	case t.Kind == types.KindDecimal:
		d, ok := types.DecimalFromFloat64(lo + rng.Float64()*(hi-lo))
		if !ok {
			d = types.DecimalFromInt64(0)
		}
		r, ok := d.ToType(t.Precision, t.Scale)
		if !ok {
			r = types.DecimalValue{Scale: t.Scale}
		}
		v.AppendDecimal(r.Unscaled)
	case t.IsCharacter() || t.IsBinaryString():
		n := f.length
		if t.Kind == types.KindChar || t.Kind == types.KindBinary || t.Precision < n {
			n = t.Precision
		}
		b := make([]byte, n)
		const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		v.AppendBytes(b)
	case t.IsTimestamp():
		past := int64(0)
		if f.maxPast > 0 {
			past = rng.Int64N(f.maxPast.Milliseconds() + 1)
		}
		v.AppendTimestamp(types.TimestampValue{Millis: now.UnixMilli() - past})
	case t.Kind == types.KindDate:
		v.AppendInt64(int64(now.Unix()/86400) - rng.Int64N(int64(f.maxPast/(24*time.Hour))+1))
	case t.Kind == types.KindTime:
		v.AppendInt64(rng.Int64N(86400000))
	default:
		return fmt.Errorf("datagen cannot generate values of type %s", t)
	}
	return nil
}

// bounds are the random range of a numeric column: the options, or the
// type's range (Flink's defaults).
func (f *datagenField) bounds() (float64, float64) {
	lo, hi := 0.0, 0.0
	switch f.typ.Kind {
	case types.KindTinyInt:
		lo, hi = math.MinInt8, math.MaxInt8
	case types.KindSmallInt:
		lo, hi = math.MinInt16, math.MaxInt16
	case types.KindInt:
		lo, hi = math.MinInt32, math.MaxInt32
	case types.KindBigInt:
		lo, hi = math.MinInt64, math.MaxInt64
	case types.KindFloat, types.KindDouble:
		lo, hi = -math.MaxFloat32, math.MaxFloat32
	case types.KindDecimal:
		m := math.Pow10(f.typ.Precision-f.typ.Scale) - 1
		lo, hi = -m, m
	}
	if f.hasMin {
		lo = f.min
	}
	if f.hasMax {
		hi = f.max
	}
	return lo, hi
}
