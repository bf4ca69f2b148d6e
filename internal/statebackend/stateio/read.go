package stateio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"

	"github.com/eddy-streams/eddy/internal/keygroup"
)

// Stream is a stream read by Read: its header and the entries of the key
// groups kept.
type Stream struct {
	CheckpointID int64
	// KeyGroups is the key-group range the stream was written for.
	KeyGroups keygroup.Range
	// States holds every state of the header, in stream order, each with
	// the kept key groups that have entries of it.
	States []*RestoredState
}

// RestoredState is the restored data of one state: its metadata and, per key
// group, its entries as they were in the stream. It is immutable once built
// (Merge makes a new one) and implements FrozenState, so a backend can pass
// restored state that nothing has read yet through to its next snapshot.
type RestoredState struct {
	meta   StateMeta
	Groups []KeyGroupData // ascending key groups
}

// KeyGroupData is the entries of a state in a key group.
type KeyGroupData struct {
	KeyGroup int
	Entries  int
	Data     []byte
}

// Meta returns the state's metadata.
func (s *RestoredState) Meta() *StateMeta { return &s.meta }

// AppendKeyGroup appends the entries of key group kg.
func (s *RestoredState) AppendKeyGroup(dst []byte, kg int) ([]byte, int) {
	i, ok := slices.BinarySearchFunc(s.Groups, kg, func(g KeyGroupData, kg int) int { return g.KeyGroup - kg })
	if !ok {
		return dst, 0
	}
	return append(dst, s.Groups[i].Data...), s.Groups[i].Entries
}

// Entries returns the number of entries of the state.
func (s *RestoredState) Entries() int {
	n := 0
	for _, g := range s.Groups {
		n += g.Entries
	}
	return n
}

// Merge returns the union of the key groups of s and o, which must have the
// same metadata and no key group in common.
func (s *RestoredState) Merge(o *RestoredState) (*RestoredState, error) {
	if s.meta != o.meta {
		return nil, fmt.Errorf("state %q is described differently by two snapshot streams: %+v and %+v", s.meta.Name, s.meta, o.meta)
	}
	groups := make([]KeyGroupData, 0, len(s.Groups)+len(o.Groups))
	groups = append(append(groups, s.Groups...), o.Groups...)
	slices.SortFunc(groups, func(a, b KeyGroupData) int { return a.KeyGroup - b.KeyGroup })
	for i := 1; i < len(groups); i++ {
		if groups[i].KeyGroup == groups[i-1].KeyGroup {
			return nil, fmt.Errorf("key group %d of state %q is in two snapshot streams", groups[i].KeyGroup, s.meta.Name)
		}
	}
	return &RestoredState{meta: s.meta, Groups: groups}, nil
}

// ForEach calls fn with every entry, by ascending key group. The entry and
// its slices are valid only during the call.
func (s *RestoredState) ForEach(fn func(kg int, e *Entry) error) error {
	var e Entry
	for _, g := range s.Groups {
		data := g.Data
		for range g.Entries {
			n, err := ParseEntry(data, &s.meta, &e)
			if err != nil { // validated by Read
				return fmt.Errorf("state %q, key group %d: %w", s.meta.Name, g.KeyGroup, err)
			}
			data = data[n:]
			if err := fn(g.KeyGroup, &e); err != nil {
				return err
			}
		}
	}
	return nil
}

// ParseEntry parses the entry at the start of data for a state with metadata
// m into e, reusing e.Elems, and returns its length. The slices of e alias
// data.
func ParseEntry(data []byte, m *StateMeta, e *Entry) (int, error) {
	off := 0
	var err error
	if e.Key, off, err = bytesAt(data, off, "key"); err != nil {
		return 0, err
	}
	if e.Namespace, off, err = bytesAt(data, off, "namespace"); err != nil {
		return 0, err
	}
	n, k := binary.Uvarint(data[off:])
	if k <= 0 || n > uint64(len(data)-off-k) { // every element takes at least a byte
		return 0, errors.New("bad element count")
	}
	off += k
	if n == 0 {
		return 0, errors.New("entry without elements")
	}
	if m.Kind != KindList && m.Kind != KindMap && m.Kind != KindTimers && n != 1 {
		return 0, fmt.Errorf("%s entry with %d elements", m.Kind, n)
	}
	e.Elems = e.Elems[:0]
	for range n {
		var el Elem
		if m.Kind == KindMap {
			if el.UserKey, off, err = bytesAt(data, off, "map key"); err != nil {
				return 0, err
			}
		}
		if m.Timestamps {
			if len(data)-off < 8 {
				return 0, errors.New("entry ends inside a timestamp")
			}
			el.TS = int64(binary.BigEndian.Uint64(data[off:]))
			off += 8
		}
		if el.Value, off, err = bytesAt(data, off, "value"); err != nil {
			return 0, err
		}
		if m.Kind == KindTimers && (len(el.Value) != 1 || el.Value[0] > ProcessingTime) {
			return 0, fmt.Errorf("timer with domain %x", el.Value)
		}
		e.Elems = append(e.Elems, el)
	}
	return off, nil
}

func bytesAt(data []byte, off int, what string) ([]byte, int, error) {
	n, k := binary.Uvarint(data[off:])
	if k <= 0 || n > uint64(len(data)-off-k) {
		return nil, 0, fmt.Errorf("entry ends inside its %s", what)
	}
	off += k
	return data[off : off+int(n) : off+int(n)], off + int(n), nil
}

// reader reads exactly the bytes asked for from r, counting them and
// feeding them to a running checksum.
type reader struct {
	r   io.Reader
	off int64
	crc uint32
	b   [16]byte
}

func (r *reader) full(p []byte, what string) error {
	n, err := io.ReadFull(r.r, p)
	r.crc = crc32.Update(r.crc, castagnoli, p[:n])
	r.off += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt(r.off, "truncated: the stream ends inside %s", what)
	}
	return err
}

func (r *reader) u8(what string) (byte, error) {
	err := r.full(r.b[:1], what)
	return r.b[0], err
}

func (r *reader) u16(what string) (uint16, error) {
	err := r.full(r.b[:2], what)
	return binary.BigEndian.Uint16(r.b[:]), err
}

func (r *reader) u32(what string) (uint32, error) {
	err := r.full(r.b[:4], what)
	return binary.BigEndian.Uint32(r.b[:]), err
}

func (r *reader) u64(what string) (uint64, error) {
	err := r.full(r.b[:8], what)
	return binary.BigEndian.Uint64(r.b[:]), err
}

func (r *reader) uvarint(what string) (uint64, error) {
	var x uint64
	var s uint
	for i := range binary.MaxVarintLen64 {
		c, err := r.u8(what)
		if err != nil {
			return 0, err
		}
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break
			}
			return x | uint64(c)<<s, nil
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	return 0, corrupt(r.off, "malformed varint in %s", what)
}

func (r *reader) str(what string) (string, error) {
	n, err := r.uvarint(what)
	if err != nil {
		return "", err
	}
	if n > maxStringLen {
		return "", corrupt(r.off, "%s of %d bytes is longer than the limit of %d", what, n, maxStringLen)
	}
	b := make([]byte, n)
	if err := r.full(b, what); err != nil {
		return "", err
	}
	return string(b), nil
}

// checkCRC reads a stored checksum and compares it with the running one.
func (r *reader) checkCRC(what string) error {
	want := r.crc
	got, err := r.u32(what + " checksum")
	if err != nil {
		return err
	}
	if got != want {
		return corrupt(r.off-4, "%s checksum mismatch: stored %08x, computed %08x", what, got, want)
	}
	return nil
}

// bytes reads n bytes, growing its buffer as they arrive so that a corrupted
// length cannot allocate more than the stream holds.
func (r *reader) bytes(n uint64, what string) ([]byte, error) {
	const chunk = 1 << 20
	buf := make([]byte, 0, min(n, chunk))
	for uint64(len(buf)) < n {
		m := int(min(n-uint64(len(buf)), chunk))
		buf = slices.Grow(buf, m)
		if err := r.full(buf[len(buf):len(buf)+m], what); err != nil {
			return nil, err
		}
		buf = buf[:len(buf)+m]
	}
	return buf, nil
}

// Read reads one stream from r, up to and including its end record and
// nothing after it, and checks it: magic, version, the header checksum, every
// block's checksum and the order of key groups, the structure of the entries
// of the key groups kept, and the end record's counts. It keeps the entries
// of the key groups in keep. Every problem with the stream is an error
// wrapping ErrCorrupt that says what is wrong and at which byte; no partial
// result is returned.
func Read(r io.Reader, keep keygroup.Range) (*Stream, error) {
	rd := &reader{r: r}
	var magic [len(Magic)]byte
	if err := rd.full(magic[:], "the magic number"); err != nil {
		return nil, err
	}
	if string(magic[:]) != Magic {
		return nil, corrupt(0, "not a keyed-state stream: magic %q, want %q", magic[:], Magic)
	}
	v, err := rd.u16("the version")
	if err != nil {
		return nil, err
	}
	if v != Version {
		return nil, corrupt(8, "unsupported version %d (this build reads version %d)", v, Version)
	}
	flags, err := rd.u16("the header flags")
	if err != nil {
		return nil, err
	}
	if flags != 0 {
		return nil, corrupt(10, "unknown header flags %04x", flags)
	}
	id, err := rd.u64("the checkpoint id")
	if err != nil {
		return nil, err
	}
	start, err := rd.u32("the key-group range")
	if err != nil {
		return nil, err
	}
	count, err := rd.u32("the key-group range")
	if err != nil {
		return nil, err
	}
	nStates, err := rd.uvarint("the state count")
	if err != nil {
		return nil, err
	}
	if nStates > maxStates {
		return nil, corrupt(rd.off, "%d states, more than the limit of %d", nStates, maxStates)
	}
	s := &Stream{
		CheckpointID: int64(id),
		KeyGroups:    keygroup.Range{Start: int(start), End: int(start) + int(count) - 1},
		States:       make([]*RestoredState, 0, min(nStates, 1024)),
	}
	for i := range nStates {
		var m StateMeta
		if m.Name, err = rd.str(fmt.Sprintf("the name of state %d", i)); err != nil {
			return nil, err
		}
		kind, err := rd.u8(fmt.Sprintf("the kind of state %q", m.Name))
		if err != nil {
			return nil, err
		}
		if m.Kind = Kind(kind); !m.Kind.valid() {
			return nil, corrupt(rd.off-1, "state %q has unknown kind %d", m.Name, kind)
		}
		f, err := rd.u8(fmt.Sprintf("the flags of state %q", m.Name))
		if err != nil {
			return nil, err
		}
		if f&^flagTimestamps != 0 {
			return nil, corrupt(rd.off-1, "state %q has unknown flags %02x", m.Name, f)
		}
		m.Timestamps = f&flagTimestamps != 0
		if m.NamespaceType, err = rd.str(fmt.Sprintf("the namespace type of state %q", m.Name)); err != nil {
			return nil, err
		}
		if m.ValueType, err = rd.str(fmt.Sprintf("the value type of state %q", m.Name)); err != nil {
			return nil, err
		}
		if m.UserKeyType, err = rd.str(fmt.Sprintf("the map key type of state %q", m.Name)); err != nil {
			return nil, err
		}
		s.States = append(s.States, &RestoredState{meta: m})
	}
	if err := rd.checkCRC("header"); err != nil {
		return nil, err
	}
	for i, st := range s.States {
		for _, o := range s.States[:i] {
			if o.meta.Name == st.meta.Name {
				return nil, corrupt(rd.off, "state %q is described twice in the header", st.meta.Name)
			}
		}
	}

	var blocks uint32
	var entries uint64
	last := -1
	for {
		recStart := rd.off
		rd.crc = 0
		typ, err := rd.u8(fmt.Sprintf("the record after key group %d (no end record)", last))
		if err != nil {
			return nil, err
		}
		switch typ {
		case recordBlock:
		case recordEnd:
			nb, err := rd.u32("the end record")
			if err != nil {
				return nil, err
			}
			ne, err := rd.u64("the end record")
			if err != nil {
				return nil, err
			}
			if err := rd.checkCRC("end record"); err != nil {
				return nil, err
			}
			if nb != blocks || ne != entries {
				return nil, corrupt(recStart, "the end record counts %d blocks and %d entries, but the stream has %d blocks and %d entries", nb, ne, blocks, entries)
			}
			return s, nil
		default:
			return nil, corrupt(recStart, "unknown record type %02x after key group %d", typ, last)
		}
		kg32, err := rd.u32("a key-group block")
		if err != nil {
			return nil, err
		}
		kg := int(kg32)
		size, err := rd.u32(fmt.Sprintf("the block of key group %d", kg))
		if err != nil {
			return nil, err
		}
		payload, err := rd.bytes(uint64(size), fmt.Sprintf("the block of key group %d", kg))
		if err != nil {
			return nil, err
		}
		if err := rd.checkCRC(fmt.Sprintf("key group %d block", kg)); err != nil {
			return nil, err
		}
		if !s.KeyGroups.Contains(kg) {
			return nil, corrupt(recStart, "key group %d is outside the stream's key-group range %v", kg, s.KeyGroups)
		}
		if kg <= last {
			return nil, corrupt(recStart, "key group %d after key group %d", kg, last)
		}
		last = kg
		blocks++
		n, err := s.parseBlock(kg, payload, keep.Contains(kg))
		if err != nil {
			return nil, corrupt(recStart, "key group %d: %v", kg, err)
		}
		entries += n
	}
}

// parseBlock splits the payload of a key group's block into its states'
// entries, checking their structure if the key group is kept.
func (s *Stream) parseBlock(kg int, p []byte, keep bool) (uint64, error) {
	sections, k := binary.Uvarint(p)
	if k <= 0 || sections == 0 || sections > uint64(len(s.States)) {
		return 0, fmt.Errorf("bad state count")
	}
	p = p[k:]
	var total uint64
	prev := -1
	var e Entry
	for range sections {
		id, k := binary.Uvarint(p)
		if k <= 0 || id >= uint64(len(s.States)) || int(id) <= prev {
			return 0, fmt.Errorf("bad state id")
		}
		prev = int(id)
		p = p[k:]
		n, k := binary.Uvarint(p)
		if k <= 0 || n == 0 || n > uint64(len(p)) {
			return 0, fmt.Errorf("bad entry count of state %q", s.States[id].meta.Name)
		}
		p = p[k:]
		data, off, err := bytesAt(p, 0, "state section")
		if err != nil {
			return 0, fmt.Errorf("state %q: %v", s.States[id].meta.Name, err)
		}
		p = p[off:]
		total += n
		if !keep {
			continue
		}
		st := s.States[id]
		rest := data
		for range n {
			m, err := ParseEntry(rest, &st.meta, &e)
			if err != nil {
				return 0, fmt.Errorf("state %q: %v", st.meta.Name, err)
			}
			rest = rest[m:]
		}
		if len(rest) != 0 {
			return 0, fmt.Errorf("state %q: %d bytes after its %d entries", st.meta.Name, len(rest), n)
		}
		st.Groups = append(st.Groups, KeyGroupData{KeyGroup: kg, Entries: int(n), Data: data})
	}
	if len(p) != 0 {
		return 0, fmt.Errorf("%d bytes after the last state", len(p))
	}
	return total, nil
}
