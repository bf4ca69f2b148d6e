package serde

import (
	"bytes"
	"strings"
	"testing"
)

func roundTrip[T comparable](t *testing.T, vals ...T) {
	t.Helper()
	c, err := For[T]()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		b := c.Append([]byte{0xAA}, v)
		got, n, err := c.Decode(b[1:])
		if err != nil || got != v || n != len(b)-1 {
			t.Errorf("%T %v: decoded %v, %d bytes, err %v (encoded %d bytes)", v, v, got, n, err, len(b)-1)
		}
		if again := c.Append(nil, v); !bytes.Equal(again, b[1:]) {
			t.Errorf("%v: encoding not canonical", v)
		}
	}
}

type myString string

type point struct {
	X, Y int
	name string
	F    float64
	On   bool
	Arr  [2]uint16
}

func TestRoundTrips(t *testing.T) {
	roundTrip(t, "", "a", "héllo wörld")
	roundTrip[myString](t, "x", "")
	roundTrip(t, int64(-1), 0, int64(1<<62))
	roundTrip(t, -5, 7)
	roundTrip(t, int32(-3), int32(1<<30))
	roundTrip(t, int8(-128), int8(127))
	roundTrip(t, uint16(65535))
	roundTrip(t, true, false)
	roundTrip(t, point{1, -2, "p", 2.5, true, [2]uint16{3, 4}}, point{})
	roundTrip(t, 1.25, -0.5)
}

func TestUnsupported(t *testing.T) {
	if _, err := For[map[string]int](); err == nil {
		t.Error("map accepted")
	}
	if _, err := For[struct{ F func() }](); err == nil {
		t.Error("func field accepted")
	}
	type node struct {
		V    int
		Next *node
	}
	if _, err := For[node](); err == nil || !strings.Contains(err.Error(), "recursive") {
		t.Errorf("recursive type: %v", err)
	}
}

func TestPointers(t *testing.T) {
	type inner struct {
		A int
		S string
	}
	type outer struct {
		P   *inner
		Q   *inner
		Ptr **int
	}
	c := MustFor[outer]()
	n := 7
	pn := &n
	for _, v := range []outer{{}, {P: &inner{1, "x"}, Ptr: &pn}, {Q: &inner{}}} {
		b := c.Append(nil, v)
		got, k, err := c.Decode(b)
		if err != nil || k != len(b) {
			t.Fatalf("%+v: %v, %d of %d bytes", v, err, k, len(b))
		}
		if (got.P == nil) != (v.P == nil) || got.P != nil && *got.P != *v.P ||
			(got.Q == nil) != (v.Q == nil) || got.Q != nil && *got.Q != *v.Q ||
			(got.Ptr == nil) != (v.Ptr == nil) || got.Ptr != nil && **got.Ptr != **v.Ptr {
			t.Errorf("round trip of %+v: %+v", v, got)
		}
	}
	if _, _, err := c.Decode([]byte{7}); err == nil {
		t.Error("bad marker decoded")
	}
}

func TestShortInput(t *testing.T) {
	c := MustFor[string]()
	if _, _, err := c.Decode([]byte{5, 'a'}); err == nil {
		t.Error("short string decoded")
	}
	ci := MustFor[int64]()
	if _, _, err := ci.Decode([]byte{1, 2}); err == nil {
		t.Error("short int decoded")
	}
	cp := MustFor[point]()
	if _, _, err := cp.Decode([]byte{2}); err == nil {
		t.Error("short struct decoded")
	}
}

func BenchmarkStringKey(b *testing.B) {
	c := MustFor[string]()
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = c.Append(buf[:0], "some-key-value")
	}
}
