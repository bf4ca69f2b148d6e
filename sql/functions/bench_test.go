package functions

import (
	"fmt"
	"testing"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Benchmarks over 1024-row chunks; rows/s is reported as a metric.

const benchRows = vector.DefaultChunkSize

func benchBigInts(seed int64) *vector.Vector {
	v := vector.New(types.BigInt(), benchRows)
	for i := 0; i < benchRows; i++ {
		v.AppendInt64(seed*int64(i)%1000 - 100)
	}
	return v
}

func benchStrings() *vector.Vector {
	v := vector.New(types.String(), benchRows)
	words := []string{"apple", "banana", "avocado", "cherry", "almond", "Berlin", "amsterdam", "zebra"}
	for i := 0; i < benchRows; i++ {
		v.AppendString(fmt.Sprintf("%s-%d", words[i%len(words)], i))
	}
	return v
}

func mustLookup(b *testing.B, name string, ts ...types.Type) *Resolved {
	r, err := Lookup(name, ts)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func report(b *testing.B) {
	b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkPlusBigInt(b *testing.B) {
	x, y := benchBigInts(7), benchBigInts(13)
	r := mustLookup(b, "+", x.Type(), y.Type())
	out := vector.New(r.Result, benchRows)
	ctx := testContext()
	b.ResetTimer()
	for range b.N {
		if err := r.Eval(ctx, []*vector.Vector{x, y}, benchRows, out); err != nil {
			b.Fatal(err)
		}
	}
	report(b)
}

// BenchmarkFilterGtAndLike is `x > 100 AND s LIKE 'a%'`: three kernels.
func BenchmarkFilterGtAndLike(b *testing.B) {
	x, s := benchBigInts(7), benchStrings()
	hundred, _ := vector.NewConst(types.BigInt().NotNullable(), int64(100))
	pat, _ := vector.NewConst(types.Char(2).NotNullable(), "a%")
	gt := mustLookup(b, ">", x.Type(), hundred.Type())
	like := mustLookup(b, "LIKE", s.Type(), pat.Type())
	and := mustLookup(b, "AND", gt.Result, like.Result)
	o1, o2, o3 := vector.New(gt.Result, benchRows), vector.New(like.Result, benchRows), vector.New(and.Result, benchRows)
	ctx := testContext()
	b.ResetTimer()
	for range b.N {
		_ = gt.Eval(ctx, []*vector.Vector{x, hundred}, benchRows, o1)
		_ = like.Eval(ctx, []*vector.Vector{s, pat}, benchRows, o2)
		_ = and.Eval(ctx, []*vector.Vector{o1, o2}, benchRows, o3)
	}
	report(b)
}

func BenchmarkUpper(b *testing.B) {
	s := benchStrings()
	r := mustLookup(b, "UPPER", s.Type())
	out := vector.New(r.Result, benchRows)
	ctx := testContext()
	b.ResetTimer()
	for range b.N {
		_ = r.Eval(ctx, []*vector.Vector{s}, benchRows, out)
	}
	report(b)
}

func BenchmarkDateFormat(b *testing.B) {
	ts := vector.New(types.Timestamp(3), benchRows)
	for i := 0; i < benchRows; i++ {
		ts.AppendTimestamp(types.TimestampValue{Millis: 1_700_000_000_000 + int64(i)*61_001})
	}
	f, _ := vector.NewConst(types.String().NotNullable(), "yyyy-MM-dd HH:mm")
	r := mustLookup(b, "DATE_FORMAT", ts.Type(), f.Type())
	out := vector.New(r.Result, benchRows)
	ctx := testContext()
	b.ResetTimer()
	for range b.N {
		_ = r.Eval(ctx, []*vector.Vector{ts, f}, benchRows, out)
	}
	report(b)
}

func BenchmarkDecimalTimesBigInt(b *testing.B) {
	x := benchBigInts(7)
	d, _ := types.ParseDecimal("0.908")
	c, _ := vector.NewConst(types.Decimal(3, 3).NotNullable(), d)
	r := mustLookup(b, "*", c.Type(), x.Type())
	out := vector.New(r.Result, benchRows)
	ctx := testContext()
	b.ResetTimer()
	for range b.N {
		_ = r.Eval(ctx, []*vector.Vector{c, x}, benchRows, out)
	}
	report(b)
}

func BenchmarkSplitIndex(b *testing.B) {
	s := benchStrings()
	sep, _ := vector.NewConst(types.String().NotNullable(), "-")
	idx, _ := vector.NewConst(types.Int().NotNullable(), int32(1))
	r := mustLookup(b, "SPLIT_INDEX", s.Type(), sep.Type(), idx.Type())
	out := vector.New(r.Result, benchRows)
	ctx := testContext()
	b.ResetTimer()
	for range b.N {
		_ = r.Eval(ctx, []*vector.Vector{s, sep, idx}, benchRows, out)
	}
	report(b)
}
