package keygroup

import "testing"

func TestDefaultMaxParallelism(t *testing.T) {
	for _, c := range []struct{ p, want int }{
		{1, 128}, {2, 128}, {85, 128}, {86, 256}, {100, 256}, {1000, 2048}, {30000, 32768},
	} {
		if got := DefaultMaxParallelism(c.p); got != c.want {
			t.Errorf("DefaultMaxParallelism(%d) = %d, want %d", c.p, got, c.want)
		}
	}
}

// Values computed with the Java algorithm of Flink's MathUtils.murmurHash.
func TestMurmurMatchesFlink(t *testing.T) {
	for _, c := range []struct {
		in   int32
		want int32
	}{
		{0, 593689054},
		{1, 68075478},
		{42, 1134849565},
		{-7, 206585249},
	} {
		if got := Murmur(uint32(c.in)); got < 0 {
			t.Errorf("Murmur(%d) = %d is negative", c.in, got)
		} else if got != c.want {
			t.Errorf("Murmur(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestRangesPartitionKeyGroups(t *testing.T) {
	for _, maxP := range []int{1, 7, 128, 256} {
		for p := 1; p <= min(maxP, 17); p++ {
			next := 0
			for i := range p {
				r := RangeForSubtask(maxP, p, i)
				if r.Start != next {
					t.Fatalf("maxP=%d p=%d subtask %d: range %v does not start at %d", maxP, p, i, r, next)
				}
				for kg := r.Start; kg <= r.End; kg++ {
					if got := OperatorIndex(kg, p, maxP); got != i {
						t.Fatalf("maxP=%d p=%d: key group %d in range of %d but OperatorIndex says %d", maxP, p, kg, i, got)
					}
				}
				next = r.End + 1
			}
			if next != maxP {
				t.Fatalf("maxP=%d p=%d: ranges end at %d", maxP, p, next)
			}
		}
	}
}

func TestHashBytesKnownVectors(t *testing.T) {
	// murmur3_32 with seed 0 reference values.
	for _, c := range []struct {
		in   string
		want uint32
	}{
		{"", 0},
		{"hello", 0x248bfa47},
		{"hello, world", 0x149bbb7f},
		{"The quick brown fox jumps over the lazy dog", 0x2e4ff723},
	} {
		if got := HashBytes([]byte(c.in)); got != c.want {
			t.Errorf("HashBytes(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(0, 128); err == nil {
		t.Error("parallelism 0 accepted")
	}
	if err := Validate(200, 128); err == nil {
		t.Error("parallelism above max parallelism accepted")
	}
	if err := Validate(4, 128); err != nil {
		t.Error(err)
	}
}
