package types

import (
	"testing"
)

func TestStringParseRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		typ  Type
		want string
	}{
		{Int(), "INT"},
		{BigInt().NotNullable(), "BIGINT NOT NULL"},
		{Decimal(10, 2).NotNullable(), "DECIMAL(10, 2) NOT NULL"},
		{String(), "STRING"},
		{VarChar(20), "VARCHAR(20)"},
		{Char(3), "CHAR(3)"},
		{Bytes(), "BYTES"},
		{Binary(4), "BINARY(4)"},
		{Date(), "DATE"},
		{Time(0), "TIME(0)"},
		{Timestamp(3), "TIMESTAMP(3)"},
		{TimestampLTZ(3).NotNullable(), "TIMESTAMP_LTZ(3) NOT NULL"},
		{IntervalYearMonth(), "INTERVAL YEAR(2) TO MONTH"},
		{IntervalDayTime(), "INTERVAL DAY(2) TO SECOND(3)"},
		{Array(Int().NotNullable()), "ARRAY<INT NOT NULL>"},
		{Multiset(String()), "MULTISET<STRING>"},
		{Map(String(), Double()), "MAP<STRING, DOUBLE>"},
		{Row(Field{"a", Int()}, Field{"b`c", String()}), "ROW<`a` INT, `b``c` STRING>"},
		{Null(), "NULL"},
		{func() Type { t := Timestamp(3).NotNullable(); t.TimeAttr = RowTime; return t }(), "TIMESTAMP(3) NOT NULL *ROWTIME*"},
	} {
		if got := tc.typ.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
		back, err := Parse(tc.want)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.want, err)
			continue
		}
		if !back.Equal(tc.typ) {
			t.Errorf("Parse(%q) = %v, want %v", tc.want, back, tc.typ)
		}
	}
}

func TestParseSynonyms(t *testing.T) {
	for in, want := range map[string]string{
		"integer":                                "INT",
		"DECIMAL":                                "DECIMAL(10, 0)",
		"numeric(5)":                             "DECIMAL(5, 0)",
		"TIMESTAMP":                              "TIMESTAMP(6)",
		"timestamp(3) with local time zone":      "TIMESTAMP_LTZ(3)",
		"TIMESTAMP(3) WITHOUT TIME ZONE":         "TIMESTAMP(3)",
		"TIME":                                   "TIME(0)",
		"DOUBLE PRECISION":                       "DOUBLE",
		"VARCHAR":                                "VARCHAR(1)",
		"ROW(a INT, b ARRAY<STRING NOT NULL>)":   "ROW<`a` INT, `b` ARRAY<STRING NOT NULL>>",
		"INTERVAL DAY TO HOUR":                   "INTERVAL DAY(2) TO SECOND(6)",
		"INTERVAL MONTH":                         "INTERVAL YEAR(2) TO MONTH",
		"MAP<INT NOT NULL, ROW<x INT>> NOT NULL": "MAP<INT NOT NULL, ROW<`x` INT>> NOT NULL",
	} {
		got, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if got.String() != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "INTT", "DECIMAL(40, 2)", "DECIMAL(2, 3)", "ARRAY<INT", "ROW<a>", "TIMESTAMP(10)", "INT NOT"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func TestCommonType(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string // "" = none
	}{
		{[]string{"INT", "BIGINT"}, "BIGINT"},
		{[]string{"INT NOT NULL", "BIGINT NOT NULL"}, "BIGINT NOT NULL"},
		{[]string{"INT NOT NULL", "NULL"}, "INT"},
		{[]string{"INT", "BIGINT", "DECIMAL(2, 2)"}, "DECIMAL(21, 2)"}, // Flink's javadoc example
		{[]string{"INT", "DECIMAL(5, 2)"}, "DECIMAL(12, 2)"},
		{[]string{"DECIMAL(5, 2)", "DOUBLE"}, "DOUBLE"},
		{[]string{"DECIMAL(5, 2)", "FLOAT"}, "DOUBLE"},
		{[]string{"INT", "FLOAT"}, "FLOAT"},
		{[]string{"FLOAT", "DOUBLE"}, "DOUBLE"},
		{[]string{"CHAR(3)", "VARCHAR(5)"}, "VARCHAR(5)"},
		{[]string{"CHAR(3)", "CHAR(5)"}, "VARCHAR(5)"},
		{[]string{"CHAR(3)", "CHAR(3)"}, "CHAR(3)"},
		{[]string{"VARCHAR(3)", "STRING"}, "STRING"},
		{[]string{"TIMESTAMP(0)", "TIMESTAMP_LTZ(3)"}, "TIMESTAMP_LTZ(3)"},
		{[]string{"TIMESTAMP(3)", "INTERVAL DAY(2) TO SECOND(3)"}, "TIMESTAMP(3)"},
		{[]string{"ARRAY<INT>", "ARRAY<BIGINT>"}, "ARRAY<BIGINT>"},
		{[]string{"INT", "STRING"}, ""},
		{[]string{"BOOLEAN", "INT"}, ""},
		{[]string{"DATE", "TIME(0)"}, ""},
		{[]string{"NULL"}, ""},
	} {
		var ts []Type
		for _, s := range tc.in {
			ts = append(ts, MustParse(s))
		}
		got, ok := CommonType(ts...)
		switch {
		case tc.want == "" && ok:
			t.Errorf("CommonType(%v) = %s, want none", tc.in, got)
		case tc.want != "" && !ok:
			t.Errorf("CommonType(%v): none, want %s", tc.in, tc.want)
		case ok && got.String() != tc.want:
			t.Errorf("CommonType(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestArithType(t *testing.T) {
	for _, tc := range []struct {
		op   ArithOp
		a, b string
		want string
	}{
		{OpPlus, "INT", "BIGINT", "BIGINT"},
		{OpPlus, "TINYINT NOT NULL", "TINYINT NOT NULL", "TINYINT NOT NULL"},
		{OpDivide, "INT", "INT", "INT"}, // integer division as Calcite/Flink
		{OpMod, "BIGINT", "INT", "INT"}, // MOD takes the type of its second operand
		{OpPlus, "INT", "DOUBLE", "DOUBLE"},
		{OpPlus, "INT", "FLOAT", "FLOAT"},
		{OpPlus, "DECIMAL(5, 2)", "DOUBLE", "DOUBLE"},
		{OpPlus, "DECIMAL(10, 2)", "DECIMAL(5, 3)", "DECIMAL(12, 3)"},
		{OpPlus, "DECIMAL(38, 8)", "DECIMAL(32, 8)", "DECIMAL(38, 7)"}, // Flink's adjustPrecisionScale example
		{OpMinus, "INT", "DECIMAL(5, 2)", "DECIMAL(13, 2)"},
		{OpTimes, "DECIMAL(4, 3)", "BIGINT", "DECIMAL(24, 3)"},
		{OpTimes, "DECIMAL(38, 10)", "DECIMAL(38, 10)", "DECIMAL(38, 6)"},
		{OpDivide, "DECIMAL(10, 2)", "DECIMAL(5, 3)", "DECIMAL(19, 8)"},
		{OpDivide, "INT", "DECIMAL(5, 2)", "DECIMAL(18, 6)"},
		{OpDivide, "DECIMAL(38, 0)", "DECIMAL(38, 0)", "DECIMAL(38, 6)"},
		{OpMod, "DECIMAL(10, 2)", "DECIMAL(5, 3)", "DECIMAL(5, 3)"},
	} {
		got, ok := ArithType(tc.op, MustParse(tc.a), MustParse(tc.b))
		if !ok || got.String() != tc.want {
			t.Errorf("%s %s %s = %s (%v), want %s", tc.a, tc.op, tc.b, got, ok, tc.want)
		}
	}
	if _, ok := ArithType(OpPlus, Int(), String()); ok {
		t.Errorf("INT + STRING resolved")
	}
}

func TestCastSupport(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     CastKind
	}{
		{"INT", "BIGINT", CastImplicit},
		{"BIGINT", "INT", CastExplicit},
		{"INT", "DOUBLE", CastImplicit},
		{"DOUBLE", "FLOAT", CastExplicit},
		{"DOUBLE", "DECIMAL(10, 2)", CastImplicit},
		{"STRING", "INT", CastExplicit},
		{"INT", "STRING", CastExplicit},
		{"BOOLEAN", "INT", CastExplicit},
		{"INT", "BOOLEAN", CastExplicit},
		{"TIMESTAMP(3)", "BIGINT", CastNone},
		{"BIGINT", "TIMESTAMP(3)", CastNone},
		{"BIGINT", "TIMESTAMP_LTZ(3)", CastExplicit},
		{"DATE", "TIMESTAMP(3)", CastImplicit},
		{"TIMESTAMP(3)", "DATE", CastExplicit},
		{"DATE", "TIME(0)", CastNone},
		{"BOOLEAN", "DATE", CastNone},
		{"STRING", "BYTES", CastExplicit},
		{"ARRAY<INT>", "ARRAY<BIGINT>", CastImplicit},
		{"ARRAY<STRING>", "ARRAY<INT>", CastExplicit},
		{"ARRAY<INT>", "STRING", CastExplicit},
		{"ROW<a INT>", "ARRAY<INT>", CastNone},
		{"NULL", "DATE", CastImplicit},
	} {
		if got := CastSupport(MustParse(tc.from), MustParse(tc.to)); got != tc.want {
			t.Errorf("CastSupport(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if !CastMayFail(String(), Int()) || CastMayFail(Int(), String()) || CastMayFail(BigInt(), TinyInt()) {
		t.Errorf("CastMayFail wrong")
	}
	if !CastMayOverflow(Int(), Decimal(5, 2)) || CastMayOverflow(Int(), Decimal(12, 2)) {
		t.Errorf("CastMayOverflow wrong")
	}
}

func dec(t *testing.T, s string) DecimalValue {
	t.Helper()
	d, err := ParseDecimal(s)
	if err != nil {
		t.Fatalf("ParseDecimal(%q): %v", s, err)
	}
	return d
}

func TestDecimalParseFormat(t *testing.T) {
	for in, want := range map[string]string{
		"1.50": "1.50", "-0.05": "-0.05", "  42 ": "42", "1e3": "1000", "1.5E-3": "0.0015",
		".5": "0.5", "-.5": "-0.5", "+7.": "7", "00012.3400": "12.3400",
		"99999999999999999999999999999999999999":   "99999999999999999999999999999999999999",
		"-12345678901234567890.123456789012345678": "-12345678901234567890.123456789012345678",
	} {
		if got := dec(t, in).String(); got != want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "1e", "--1", "999999999999999999999999999999999999999", "."} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) succeeded", bad)
		}
	}
}

func TestDecimalArithmetic(t *testing.T) {
	type op func(a, b DecimalValue, p, s int) (DecimalValue, bool)
	div := func(a, b DecimalValue, p, s int) (DecimalValue, bool) {
		d, ok, _ := DecimalDiv(a, b, p, s)
		return d, ok
	}
	mod := func(a, b DecimalValue, p, s int) (DecimalValue, bool) {
		d, ok, _ := DecimalMod(a, b, p, s)
		return d, ok
	}
	for _, tc := range []struct {
		name string
		f    op
		a, b string
		p, s int
		want string // "" = overflow (NULL)
	}{
		{"add", DecimalAdd, "1.10", "2.205", 5, 3, "3.305"},
		{"add rounds", DecimalAdd, "1.005", "0", 5, 2, "1.01"},
		{"add neg rounds away", DecimalAdd, "-1.005", "0", 5, 2, "-1.01"},
		{"add overflow", DecimalAdd, "99999999999999999999999999999999999999", "1", 38, 0, ""},
		{"add big", DecimalAdd, "99999999999999999999999999999999999998", "1", 38, 0, "99999999999999999999999999999999999999"},
		{"sub", DecimalSub, "1", "0.001", 10, 3, "0.999"},
		{"mul", DecimalMul, "0.908", "100", 23, 3, "90.800"},
		{"mul 256-bit intermediate", DecimalMul, "12345678901234567890.123456789", "98765432109876543210.5", 38, 0, ""},
		{"mul rescale", DecimalMul, "1.2345678901234567890123456789", "1.2345678901234567890123456789", 38, 6, "1.524158"},
		{"div", div, "1.00", "3", 14, 13, "0.3333333333333"},
		{"div half up", div, "2", "3", 10, 2, "0.67"},
		{"div negative", div, "-2", "3", 10, 2, "-0.67"},
		{"div big", div, "1", "7", 38, 37, "0.1428571428571428571428571428571428571"},
		{"mod sign of dividend", mod, "-7.5", "2", 5, 1, "-1.5"},
		{"mod", mod, "10.25", "3", 5, 2, "1.25"},
	} {
		got, ok := tc.f(dec(t, tc.a), dec(t, tc.b), tc.p, tc.s)
		switch {
		case tc.want == "" && ok:
			t.Errorf("%s: %s, want overflow", tc.name, got)
		case tc.want != "" && (!ok || got.String() != tc.want):
			t.Errorf("%s: %s (ok=%v), want %s", tc.name, got, ok, tc.want)
		}
	}
	if _, _, err := DecimalDiv(dec(t, "1"), dec(t, "0.00"), 10, 2); err != ErrDivideByZero {
		t.Errorf("division by zero: %v", err)
	}
	if dec(t, "1.0").Cmp(dec(t, "1.000")) != 0 || dec(t, "-2").Cmp(dec(t, "1.5")) >= 0 {
		t.Errorf("Cmp wrong")
	}
	for in, want := range map[string]string{"2.5": "3", "-2.5": "-3", "2.4": "2", "1234.5678": "1235"} {
		if got := dec(t, in).Round(0).String(); got != want {
			t.Errorf("Round(%s) = %s, want %s", in, got, want)
		}
	}
	if got := dec(t, "1234.5678").Round(-2).String(); got != "1200" {
		t.Errorf("Round(-2) = %s", got)
	}
	if got := dec(t, "-1.5").Floor().String(); got != "-2" {
		t.Errorf("Floor = %s", got)
	}
	if got := dec(t, "-1.5").Ceil().String(); got != "-1" {
		t.Errorf("Ceil = %s", got)
	}
	if got := dec(t, "-12.99").Int64Trunc(); got != -12 {
		t.Errorf("Int64Trunc = %d", got)
	}
	if f := dec(t, "0.1").Float64(); f != 0.1 {
		t.Errorf("Float64 = %v", f)
	}
}

func TestInt128(t *testing.T) {
	maxI := Int128{Hi: 1<<63 - 1, Lo: ^uint64(0)}
	if _, overflow := maxI.Add(Int128From(1)); !overflow {
		t.Errorf("max+1 did not overflow")
	}
	if _, overflow := Int128From(-1 << 63).Mul(Int128From(-1 << 63)); overflow {
		t.Errorf("MinInt64² overflowed")
	}
	if r, _ := Int128From(-7).Mul(Int128From(6)); r.String() != "-42" {
		t.Errorf("-7*6 = %s", r)
	}
	if Pow10(38).Digits() != 39 || Int128From(0).Digits() != 1 || Int128From(-999).Digits() != 3 {
		t.Errorf("Digits wrong")
	}
	if got := Int128From(-15).DivPow10Round(1); got.Int64() != -2 {
		t.Errorf("-15/10 HALF_UP = %d", got.Int64())
	}
}

func TestTemporal(t *testing.T) {
	for d := DateValue(-800_000); d < 800_000; d += 997 {
		y, m, dd := d.Civil()
		if back := DateOf(y, m, dd); back != d {
			t.Fatalf("DateOf(Civil(%d)) = %d", d, back)
		}
	}
	if d, _ := ParseDate("1970-01-01"); d != 0 {
		t.Errorf("epoch = %d", d)
	}
	if d, _ := ParseDate("2000-03-01"); d.Weekday() != 3 {
		t.Errorf("2000-03-01 is a Wednesday, got %d", d.Weekday())
	}
	ts, err := ParseTimestamp("1969-12-31 23:59:59.999")
	if err != nil || ts.Millis != -1 {
		t.Errorf("ParseTimestamp = %v %v", ts, err)
	}
	if got := string(AppendTimestamp(nil, ts, 3)); got != "1969-12-31 23:59:59.999" {
		t.Errorf("AppendTimestamp = %s", got)
	}
	if got := string(AppendTimestamp(nil, TimestampValue{Millis: 1500}, 0)); got != "1970-01-01 00:00:01.5" {
		t.Errorf("precision 0 with a fraction = %s", got)
	}
	if got := string(AppendTimestamp(nil, TimestampValue{Millis: 1000, Nanos: 1}, 9)); got != "1970-01-01 00:00:01.000000001" {
		t.Errorf("nanos = %s", got)
	}
	for _, bad := range []string{"2021-02-29", "2020-13-01", "2020-01-01 25:00:00", "x", "2020-01-01X"} {
		if _, err := ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) succeeded", bad)
		}
	}
}

func TestJavaFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		bits int
		want string
	}{
		{1, 64, "1.0"}, {0.1, 64, "0.1"}, {1e7, 64, "1.0E7"}, {1.5e-5, 64, "1.5E-5"}, {123456.789, 64, "123456.789"},
		{-0.0, 64, "0.0"}, {float64(float32(0.1)), 32, "0.1"}, {1e-3, 64, "0.001"}, {9999999, 64, "9999999.0"},
		{1.0e21, 64, "1.0E21"},
	} {
		if got := string(AppendJavaFloat(nil, tc.f, tc.bits)); got != tc.want {
			t.Errorf("AppendJavaFloat(%v) = %s, want %s", tc.f, got, tc.want)
		}
	}
}
