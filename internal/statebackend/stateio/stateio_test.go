package stateio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/serde"
)

// fakeState is a FrozenState of prepared entries per key group.
type fakeState struct {
	meta    StateMeta
	entries map[int][][]byte
}

func (s *fakeState) Meta() *StateMeta { return &s.meta }

func (s *fakeState) AppendKeyGroup(dst []byte, kg int) ([]byte, int) {
	for _, e := range s.entries[kg] {
		dst = append(dst, e...)
	}
	return dst, len(s.entries[kg])
}

var strCodec = serde.MustFor[string]()

func valueEntry(key, ns, v string, ts int64, withTS bool) []byte {
	b := AppendEntryHead(nil, key, ns, 1)
	if withTS {
		b = AppendTS(b, ts)
	}
	return AppendValue(b, strCodec, v)
}

func testStates() []FrozenState {
	return []FrozenState{
		&fakeState{
			meta: StateMeta{Name: "a", Kind: KindValue, NamespaceType: "statebackend.Void", ValueType: "string"},
			entries: map[int][][]byte{
				3: {valueEntry("k1", "", "x", 0, false), valueEntry("k2", "", "y", 0, false)},
				9: {valueEntry("k3", "", "z", 0, false)},
			},
		},
		&fakeState{
			meta: StateMeta{Name: "m", Kind: KindMap, Timestamps: true, NamespaceType: "int64", ValueType: "string", UserKeyType: "string"},
			entries: map[int][][]byte{
				9: {func() []byte {
					b := AppendEntryHead(nil, []byte("k3"), []byte{0, 0, 0, 0, 0, 0, 0, 1}, 2)
					for _, uk := range []string{"u", "v"} {
						b = AppendValue(b, strCodec, uk)
						b = AppendTS(b, -5)
						b = AppendValue(b, strCodec, uk+uk)
					}
					return b
				}()},
			},
		},
		&fakeState{meta: StateMeta{Name: "empty", Kind: KindList, NamespaceType: "statebackend.Void", ValueType: "int"}},
		&fakeState{
			meta: StateMeta{Name: "_timer_state/t", Kind: KindTimers, Timestamps: true, NamespaceType: "int64"},
			entries: map[int][][]byte{
				12: {append(AppendTS(AppendEntryHead(nil, "k", "n", 1), 77), 1, ProcessingTime)},
			},
		},
	}
}

func writeStream(t *testing.T, r keygroup.Range) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, 42, r, testStates()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	data := writeStream(t, keygroup.Range{Start: 0, End: 15})
	s, err := Read(bytes.NewReader(data), keygroup.Range{Start: 0, End: 15})
	if err != nil {
		t.Fatal(err)
	}
	if s.CheckpointID != 42 || s.KeyGroups != (keygroup.Range{Start: 0, End: 15}) || len(s.States) != 4 {
		t.Fatalf("header: %+v", s)
	}
	for i, st := range testStates() {
		if *s.States[i].Meta() != *st.Meta() {
			t.Errorf("state %d: meta %+v, want %+v", i, *s.States[i].Meta(), *st.Meta())
		}
		for kg := range 16 {
			want, wn := st.AppendKeyGroup(nil, kg)
			got, gn := s.States[i].AppendKeyGroup(nil, kg)
			if !bytes.Equal(got, want) || gn != wn {
				t.Errorf("state %d, key group %d: %d entries %x, want %d %x", i, kg, gn, got, wn, want)
			}
		}
	}
	var seen []string
	err = s.States[1].ForEach(func(kg int, e *Entry) error {
		if kg != 9 || string(e.Key) != "k3" || len(e.Namespace) != 8 || len(e.Elems) != 2 {
			t.Errorf("map entry: kg %d, %+v", kg, e)
		}
		for _, el := range e.Elems {
			uk, _, _ := strCodec.Decode(el.UserKey)
			v, _, _ := strCodec.Decode(el.Value)
			if el.TS != -5 {
				t.Errorf("timestamp %d", el.TS)
			}
			seen = append(seen, uk+"="+v)
		}
		return nil
	})
	if err != nil || strings.Join(seen, ",") != "u=uu,v=vv" {
		t.Errorf("map entries %v, %v", seen, err)
	}
}

func TestReadKeepsRange(t *testing.T) {
	data := writeStream(t, keygroup.Range{Start: 0, End: 15})
	s, err := Read(bytes.NewReader(data), keygroup.Range{Start: 4, End: 10})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.States[0].Entries(); n != 1 {
		t.Errorf("kept %d entries of state a, want 1 (key group 9)", n)
	}
	if len(s.States[3].Groups) != 0 {
		t.Errorf("kept timers of key group 12")
	}
}

// TestReadStopsAtEnd checks that Read consumes nothing after the end record.
func TestReadStopsAtEnd(t *testing.T) {
	data := writeStream(t, keygroup.Range{Start: 0, End: 15})
	r := bytes.NewReader(append(slicesClone(data), "trailer"...))
	if _, err := Read(r, keygroup.Range{Start: 0, End: 15}); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != "trailer" {
		t.Errorf("left %q after the stream", rest)
	}
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }

func TestCorruption(t *testing.T) {
	data := writeStream(t, keygroup.Range{Start: 0, End: 15})
	for i := range data {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := slicesClone(data)
			bad[i] ^= x
			if _, err := Read(bytes.NewReader(bad), keygroup.Range{Start: 0, End: 15}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d ^ %02x: %v", i, x, err)
			}
		}
	}
	for n := range data {
		_, err := Read(bytes.NewReader(data[:n]), keygroup.Range{Start: 0, End: 15})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
}

// TestHugeLength checks that a length field claiming gigabytes does not
// allocate them: the read fails when the stream ends.
func TestHugeLength(t *testing.T) {
	data := writeStream(t, keygroup.Range{Start: 0, End: 15})
	// The first block follows the header; find it by its record type and
	// key group 3.
	i := bytes.Index(data, []byte{recordBlock, 0, 0, 0, 3})
	if i < 0 {
		t.Fatal("no block of key group 3")
	}
	bad := slicesClone(data)
	binary.BigEndian.PutUint32(bad[i+5:], 0xfffffff0)
	_, err := Read(bytes.NewReader(bad), keygroup.Range{Start: 0, End: 15})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "key group 3") {
		t.Errorf("huge block length: %v", err)
	}
}

// TestMalformedBlocks writes blocks with valid checksums but bad contents.
func TestMalformedBlocks(t *testing.T) {
	bad := func(payload []byte) []byte {
		var buf bytes.Buffer
		buf.Write(appendHeader(nil, 1, keygroup.Range{Start: 0, End: 7}, testStates()[:1]))
		b := []byte{recordBlock}
		b = binary.BigEndian.AppendUint32(b, 2)
		b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
		b = append(b, payload...)
		b = binary.BigEndian.AppendUint32(b, crc(b))
		buf.Write(b)
		e := []byte{recordEnd, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}
		e = binary.BigEndian.AppendUint32(e, crc(e))
		buf.Write(e)
		return buf.Bytes()
	}
	section := func(id, n int, entries []byte) []byte {
		b := binary.AppendUvarint([]byte{1}, uint64(id))
		b = binary.AppendUvarint(b, uint64(n))
		return AppendBytes(b, entries)
	}
	good := valueEntry("k", "", "v", 0, false)
	if _, err := Read(bytes.NewReader(bad(section(0, 1, good))), keygroup.Range{Start: 0, End: 7}); err != nil {
		t.Fatalf("well-formed block: %v", err)
	}
	for name, payload := range map[string][]byte{
		"state id out of range":  section(1, 1, good),
		"too many entries":       section(0, 2, good),
		"bytes after entries":    section(0, 1, append(slicesClone(good), 0)),
		"entry ends in key":      section(0, 1, []byte{5, 'k'}),
		"value with 2 elements":  section(0, 1, append(AppendEntryHead(nil, "k", "", 2), 1, 'a', 1, 'b')),
		"entry without elements": section(0, 1, AppendEntryHead(nil, "k", "", 0)),
		"bytes after sections":   append(section(0, 1, good), 0),
		"no sections":            {0},
	} {
		_, err := Read(bytes.NewReader(bad(payload)), keygroup.Range{Start: 0, End: 7})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "key group 2") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMerge(t *testing.T) {
	data := writeStream(t, keygroup.Range{Start: 0, End: 15})
	lo, _ := Read(bytes.NewReader(data), keygroup.Range{Start: 0, End: 5})
	hi, _ := Read(bytes.NewReader(data), keygroup.Range{Start: 6, End: 15})
	m, err := lo.States[0].Merge(hi.States[0])
	if err != nil || m.Entries() != 3 || m.Groups[0].KeyGroup != 3 || m.Groups[1].KeyGroup != 9 {
		t.Errorf("merge: %+v, %v", m, err)
	}
	if _, err := m.Merge(hi.States[0]); err == nil || !strings.Contains(err.Error(), "key group 9") {
		t.Errorf("merging a key group twice: %v", err)
	}
	if _, err := m.Merge(hi.States[1]); err == nil {
		t.Error("merging states of different metadata: no error")
	}
}

func TestCheck(t *testing.T) {
	m := StateMeta{Name: "s", Kind: KindMap, NamespaceType: "int64", ValueType: "string", UserKeyType: "int"}
	for what, w := range map[string]StateMeta{
		"value state": {Name: "s", Kind: KindValue, NamespaceType: "int64", ValueType: "string"},
		"namespace":   {Name: "s", Kind: KindMap, NamespaceType: "int32", ValueType: "string", UserKeyType: "int"},
		"map key":     {Name: "s", Kind: KindMap, NamespaceType: "int64", ValueType: "string", UserKeyType: "string"},
		"value":       {Name: "s", Kind: KindMap, NamespaceType: "int64", ValueType: "int", UserKeyType: "int"},
	} {
		if err := m.Check(w); err == nil || !strings.Contains(err.Error(), `"s"`) || !strings.Contains(err.Error(), what) {
			t.Errorf("%s mismatch: %v", what, err)
		}
	}
	ttl := m
	ttl.Timestamps = true
	if err := m.Check(ttl); err != nil {
		t.Errorf("TTL turned on: %v", err)
	}
}

func TestAppendValue(t *testing.T) {
	long := strings.Repeat("x", 300) // a two-byte length
	for _, v := range []string{"", "a", long} {
		b := AppendValue([]byte{9}, strCodec, v)
		n, k := binary.Uvarint(b[1:])
		if b[0] != 9 || int(n) != len(b)-1-k {
			t.Fatalf("AppendValue(%d bytes): length %d in %d bytes of %d", len(v), n, k, len(b))
		}
		if got, _, err := strCodec.Decode(b[1+k:]); err != nil || got != v {
			t.Errorf("AppendValue(%q) decodes to %q, %v", v, got, err)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	long := &fakeState{meta: StateMeta{Name: strings.Repeat("n", maxStringLen+1), Kind: KindValue}}
	if err := Write(io.Discard, 1, keygroup.Range{Start: 0, End: 0}, []FrozenState{long}); err == nil {
		t.Error("a state name over the limit: no error")
	}
	if err := CheckRange(keygroup.Range{Start: 0, End: 10}, keygroup.Range{Start: 5, End: 10}); err == nil {
		t.Error("CheckRange outside: no error")
	}
	if err := CheckRange(keygroup.Range{Start: 7, End: 6}, keygroup.Range{Start: 5, End: 10}); err != nil {
		t.Errorf("CheckRange of an empty range: %v", err)
	}
}

func crc(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }
