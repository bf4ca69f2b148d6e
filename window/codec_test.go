package window

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/eddy-streams/eddy/serde"
)

func TestTimeWindowCodec(t *testing.T) {
	var c serde.Codec[TimeWindow] = TimeWindowCodec{}
	windows := []TimeWindow{
		{0, 0}, {0, 10}, {-10, 0}, {1_700_000_000_000, 1_700_000_060_000},
		{math.MinInt64, math.MaxInt64}, {math.MaxInt64, math.MinInt64}, {-1, 1},
	}
	var buf []byte
	for _, w := range windows {
		before := len(buf)
		buf = c.Append(buf, w)
		if n := len(buf) - before; n != TimeWindowSize {
			t.Fatalf("Append(%v) wrote %d bytes", w, n)
		}
	}
	src := buf
	for _, want := range windows {
		got, n, err := c.Decode(src)
		if err != nil || n != 16 || got != want {
			t.Fatalf("Decode = %v, %d, %v; want %v", got, n, err, want)
		}
		src = src[n:]
	}
	if len(src) != 0 {
		t.Fatalf("%d bytes left", len(src))
	}

	want := []byte{0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}
	if got := c.Append(nil, TimeWindow{1, -2}); !bytes.Equal(got, want) {
		t.Errorf("Append({1, -2}) = %x, want %x", got, want)
	}
	for n := range 16 {
		if _, _, err := c.Decode(want[:n]); !errors.Is(err, serde.ErrShort) {
			t.Errorf("Decode of %d bytes: err = %v, want ErrShort", n, err)
		}
	}
}

func TestGlobalWindowCodec(t *testing.T) {
	var c serde.Codec[GlobalWindow] = GlobalWindowCodec{}
	buf := c.Append([]byte{7}, GlobalWindow{})
	if !bytes.Equal(buf, []byte{7}) {
		t.Fatalf("Append wrote %x", buf[1:])
	}
	w, n, err := c.Decode(nil)
	if w != (GlobalWindow{}) || n != 0 || err != nil {
		t.Fatalf("Decode = %v, %d, %v", w, n, err)
	}
}
