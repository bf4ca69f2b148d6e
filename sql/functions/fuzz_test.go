package functions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Property: no kernel panics or returns a malformed vector, whatever the
// input — NULLs, empty and invalid UTF-8 strings, extreme numbers and dates,
// constants mixed with columns.

var fuzzTypes = []types.Type{
	types.Boolean(), types.TinyInt(), types.SmallInt(), types.Int(), types.BigInt().NotNullable(),
	types.Float(), types.Double(), types.Decimal(10, 2), types.Decimal(38, 10), types.Decimal(3, 3),
	types.String(), types.Char(3), types.VarChar(5), types.Bytes(), types.Date(), types.Time(0), types.Timestamp(3),
	types.Timestamp(9), types.TimestampLTZ(3), types.IntervalYearMonth(), types.IntervalDayTime(),
	types.Array(types.Int()), types.Map(types.String(), types.Int()), types.Null(),
	types.Row(types.Field{Name: "a", Type: types.Int()}),
}

var fuzzStrings = []string{
	"", "a", "abc", "héllo", "\xff\xfe", "%", "_", `\`, "a%b_c", "2020-01-01", "2020-01-01 12:00:00.123",
	"12:34:56", "1.5", "-7", "9223372036854775808", "true", "no", `{"a": [1, {"b": 2}]}`, "$.a[1].b", "$",
	"yyyy-MM-dd HH:mm:ss", "EEEE 'q' SSS", "(a|b)+", "[", "a++", `(a)\1`, "x{2,3}", "HOUR", "DAY", "MONTH",
	"YEAR", "WEEK", "NULL", "ERROR", "DEFAULT", "http://h/p?q=1#r", "QUERY", strings.Repeat("z", 300),
	",", "=", "a=1,b=2", "UTC", "Asia/Tokyo", "NaN", "-Infinity", "1e400",
}

func randValue(r *rand.Rand, t types.Type) any {
	if r.IntN(6) == 0 {
		return nil
	}
	pickInt := func() int64 {
		switch r.IntN(5) {
		case 0:
			return []int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32}[r.IntN(7)]
		case 1:
			return int64(r.IntN(100)) - 50
		}
		return int64(r.Uint64())
	}
	switch t.Kind {
	case types.KindBoolean:
		return r.IntN(2) == 0
	case types.KindTinyInt:
		return int8(pickInt())
	case types.KindSmallInt:
		return int16(pickInt())
	case types.KindInt:
		return int32(pickInt())
	case types.KindBigInt:
		return pickInt()
	case types.KindFloat, types.KindDouble:
		specials := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, 1e-300, 0.5, -2.5}
		f := specials[r.IntN(len(specials))]
		if r.IntN(2) == 0 {
			f = (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(40)-20))
		}
		if t.Kind == types.KindFloat {
			return float32(f)
		}
		return f
	case types.KindDecimal:
		digits := 1 + r.IntN(t.Precision)
		s := fmt.Sprint(r.Uint64())
		for len(s) < digits {
			s += fmt.Sprint(r.Uint64())
		}
		s = s[:digits]
		if t.Scale > 0 {
			s = s[:max(0, len(s)-t.Scale)] + "." + strings.Repeat("0", max(0, t.Scale-len(s))) + s[max(0, len(s)-t.Scale):]
		}
		if r.IntN(2) == 0 {
			s = "-" + s
		}
		d, err := types.ParseDecimal(s)
		if err != nil {
			panic(err)
		}
		d, _ = d.ToType(t.Precision, t.Scale)
		return d
	case types.KindChar, types.KindVarChar:
		return fuzzStrings[r.IntN(len(fuzzStrings))]
	case types.KindBinary, types.KindVarBinary:
		return []byte(fuzzStrings[r.IntN(len(fuzzStrings))])
	case types.KindDate:
		return types.DateValue(int32(pickInt() % 5_000_000))
	case types.KindTime:
		return types.TimeValue(r.IntN(types.MillisPerDay))
	case types.KindTimestamp, types.KindTimestampLTZ:
		ts := types.TimestampValue{Millis: pickInt() % (400_000 * 365 * types.MillisPerDay)}
		if t.Precision > 3 {
			ts.Nanos = int32(r.IntN(1_000_000))
		}
		return ts
	case types.KindIntervalYearMonth:
		return types.IntervalMonths(int32(pickInt() % 100_000))
	case types.KindIntervalDayTime:
		return types.IntervalMillis(pickInt() % (1 << 50))
	case types.KindArray:
		return []any{randValue(r, *t.Elem), randValue(r, *t.Elem)}
	case types.KindMap:
		return types.MapValue{Keys: []any{randValue(r, *t.Elem)}, Values: []any{randValue(r, *t.Value)}}
	case types.KindRow:
		return []any{randValue(r, t.Fields[0].Type)}
	}
	return nil
}

// randValueOf respects NOT NULL.
func randValueOf(r *rand.Rand, t types.Type) any {
	x := randValue(r, t)
	for t.NotNull && x == nil {
		x = randValue(r, t)
	}
	return x
}

func randVector(r *rand.Rand, t types.Type, n int) *vector.Vector {
	if r.IntN(4) == 0 {
		c, err := vector.NewConst(t, randValueOf(r, t))
		if err != nil {
			panic(err)
		}
		return c
	}
	v := vector.New(t, n)
	for i := 0; i < n; i++ {
		if err := v.Append(randValueOf(r, t)); err != nil {
			panic(err)
		}
	}
	return v
}

// checkCall evaluates r over random arguments and checks the output shape.
func checkCall(t *testing.T, rnd *rand.Rand, name string, res *Resolved, argTypes []types.Type) {
	t.Helper()
	n := 1 + rnd.IntN(20)
	args := make([]*vector.Vector, len(argTypes))
	for i, at := range argTypes {
		args[i] = randVector(rnd, at, n)
	}
	out := vector.New(res.Result, n)
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s(%s) panicked: %v", name, typeList(argTypes), p)
		}
	}()
	for round := 0; round < 2; round++ { // twice: kernels reuse buffers
		if err := res.Eval(testContext(), args, n, out); err != nil {
			continue
		}
		if out.Len() != n {
			t.Fatalf("%s(%s): %d rows, want %d", name, typeList(argTypes), out.Len(), n)
		}
		for i := 0; i < n; i++ {
			if !out.IsNull(i) {
				_ = out.Get(i)
			} else if res.Result.NotNull && out.ErrorAt(i) == nil {
				t.Fatalf("%s(%s) = NULL for row %d but the result type is %s", name, typeList(argTypes), i, res.Result)
			}
		}
	}
}

func TestKernelsNeverPanic(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	names := Names()
	if testing.Short() {
		names = names[:len(names)/4]
	}
	resolved := 0
	for _, name := range names {
		for trial := 0; trial < 150; trial++ {
			arity := rnd.IntN(4)
			if name == "JSON_VALUE" && trial%3 == 0 {
				arity = 6
			}
			ts := make([]types.Type, arity)
			for i := range ts {
				ts[i] = fuzzTypes[rnd.IntN(len(fuzzTypes))]
				if rnd.IntN(3) == 0 && (name == "LIKE" || name == "DATE_FORMAT" || strings.HasPrefix(name, "REGEXP") || strings.HasPrefix(name, "JSON")) {
					ts[i] = types.String()
				}
			}
			res, err := Lookup(name, ts)
			if err != nil {
				continue
			}
			resolved++
			checkCall(t, rnd, name, res, ts)
		}
	}
	t.Logf("%d resolved calls checked", resolved)
}

// TestCastMatrix runs every allowed cast between the fuzz types, for CAST
// and TRY_CAST.
func TestCastMatrix(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	allowed := 0
	for _, from := range fuzzTypes {
		for _, to := range fuzzTypes {
			for _, try := range []bool{false, true} {
				res, err := LookupCast(from, to, try)
				if (err == nil) != (types.CastSupport(from, to) != types.CastNone) {
					t.Fatalf("LookupCast(%s, %s) = %v, CastSupport %v", from, to, err, types.CastSupport(from, to))
				}
				if err != nil {
					continue
				}
				allowed++
				for k := 0; k < 5; k++ {
					checkCall(t, rnd, "CAST AS "+to.String(), res, []types.Type{from})
				}
			}
		}
	}
	t.Logf("%d casts checked", allowed)
}

func FuzzKernels(f *testing.F) {
	f.Add(uint64(1), uint16(0), []byte{0, 1, 2})
	f.Add(uint64(7), uint16(42), []byte{10, 10})
	names := Names()
	f.Fuzz(func(t *testing.T, seed uint64, fn uint16, typeIdx []byte) {
		rnd := rand.New(rand.NewPCG(seed, seed>>1))
		name := names[int(fn)%len(names)]
		if len(typeIdx) > 6 {
			typeIdx = typeIdx[:6]
		}
		ts := make([]types.Type, len(typeIdx))
		for i, b := range typeIdx {
			ts[i] = fuzzTypes[int(b)%len(fuzzTypes)]
		}
		res, err := Lookup(name, ts)
		if err != nil {
			return
		}
		checkCall(t, rnd, name, res, ts)
	})
}
