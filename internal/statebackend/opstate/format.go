package opstate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// magic starts the snapshot of a store (docs/format/checkpoint-metadata.md).
const magic = "EDDYOPS1"

// ErrCorrupt is wrapped by the errors about snapshots that do not decode.
var ErrCorrupt = errors.New("corrupt operator-state snapshot")

type snapshotState struct {
	name, typeName string
	mode           Mode
	elems          [][]byte
}

// encode writes states: the magic; a uvarint count; per state its name, a
// mode byte, its element type and its elements, strings and elements as a
// uvarint length and the bytes; the CRC-32 (IEEE) of all that, big endian.
func encode(states []snapshotState) []byte {
	b := []byte(magic)
	b = binary.AppendUvarint(b, uint64(len(states)))
	for _, s := range states {
		b = appendBytes(b, []byte(s.name))
		b = append(b, byte(s.mode))
		b = appendBytes(b, []byte(s.typeName))
		b = binary.AppendUvarint(b, uint64(len(s.elems)))
		for _, e := range s.elems {
			b = appendBytes(b, e)
		}
	}
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func appendBytes(b, v []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// decode reads a snapshot written by encode.
func decode(data []byte) ([]snapshotState, error) {
	if len(data) < len(magic)+4 || !bytes.HasPrefix(data, []byte(magic)) {
		return nil, fmt.Errorf("%w: bad magic or too short (%d bytes)", ErrCorrupt, len(data))
	}
	body := data[:len(data)-4]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(data[len(data)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	r := reader{b: body[len(magic):]}
	n := r.uvarint()
	var states []snapshotState
	for i := uint64(0); i < n && r.err == nil; i++ {
		s := snapshotState{name: string(r.bytes())}
		s.mode = Mode(r.byte())
		s.typeName = string(r.bytes())
		m := r.uvarint()
		if m > uint64(len(r.b)) { // each element takes at least a byte
			r.fail()
		}
		for j := uint64(0); j < m && r.err == nil; j++ {
			s.elems = append(s.elems, r.bytes())
		}
		if r.err == nil && (s.mode < Split || s.mode > Broadcast) {
			return nil, fmt.Errorf("%w: state %q has unknown mode %d", ErrCorrupt, s.name, s.mode)
		}
		states = append(states, s)
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return nil, r.err
	}
	return states, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated or malformed", ErrCorrupt)
	}
	r.b = nil
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}
