package stateio

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/serde"
)

// castagnoli is the CRC-32C table of every checksum of the format.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record types after the header.
const (
	recordBlock = 0x01
	recordEnd   = 0x02
)

// flagTimestamps is bit 0 of a state's flags.
const flagTimestamps = 0x01

// Limits that keep a corrupted length from allocating much before its
// checksum is verified.
const (
	maxStates     = 1 << 20
	maxStringLen  = 1 << 16
	maxBlockBytes = 1<<32 - 1
)

// AppendEntryHead appends the key, the namespace and the element count of an
// entry. The elements follow, appended with AppendElem (or AppendBytes,
// AppendTS and AppendValue, in the order of the state's layout).
func AppendEntryHead[B ~string | ~[]byte](dst []byte, key, ns B, elems int) []byte {
	dst = AppendBytes(dst, key)
	dst = AppendBytes(dst, ns)
	return binary.AppendUvarint(dst, uint64(elems))
}

// AppendBytes appends b with its length as a uvarint.
func AppendBytes[B ~string | ~[]byte](dst []byte, b B) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// AppendTS appends a timestamp: 8 bytes, big-endian two's complement.
func AppendTS(dst []byte, ts int64) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(ts))
}

// AppendValue appends the encoding of v by c with its length as a uvarint.
func AppendValue[T any](dst []byte, c serde.Codec[T], v T) []byte {
	start := len(dst)
	dst = c.Append(dst, v)
	n := len(dst) - start
	var lenBuf [binary.MaxVarintLen64]byte
	l := binary.PutUvarint(lenBuf[:], uint64(n))
	dst = append(dst, lenBuf[:l]...)
	copy(dst[start+l:], dst[start:start+n])
	copy(dst[start:], lenBuf[:l])
	return dst
}

// Write writes the key groups r of states as one stream to w: the header
// with every state's metadata, one block per key group with entries, in
// ascending order, and the end record.
func Write(w io.Writer, checkpointID int64, r keygroup.Range, states []FrozenState) error {
	if len(states) > maxStates {
		return fmt.Errorf("stateio: %d states, at most %d fit a stream", len(states), maxStates)
	}
	for _, s := range states {
		m := s.Meta()
		for _, str := range []string{m.Name, m.NamespaceType, m.ValueType, m.UserKeyType} {
			if len(str) > maxStringLen {
				return fmt.Errorf("stateio: state %.40q...: a name of %d bytes is longer than the format's limit of %d", m.Name, len(str), maxStringLen)
			}
		}
		if !m.Kind.valid() {
			return fmt.Errorf("stateio: state %q has invalid kind %d", m.Name, m.Kind)
		}
	}
	buf := appendHeader(nil, checkpointID, r, states)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	var blocks uint32
	var entries uint64
	var sec []byte
	for kg := r.Start; kg <= r.End; kg++ {
		buf = append(buf[:0], recordBlock, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint32(buf[1:], uint32(kg))
		nonEmpty := 0
		for id, s := range states {
			var n int
			sec, n = s.AppendKeyGroup(sec[:0], kg)
			if n == 0 {
				continue
			}
			nonEmpty++
			entries += uint64(n)
			buf = binary.AppendUvarint(buf, uint64(id))
			buf = binary.AppendUvarint(buf, uint64(n))
			buf = AppendBytes(buf, sec)
		}
		if nonEmpty == 0 {
			continue
		}
		// The payload starts with the number of state sections; it is
		// known only now, so it is inserted before the sections.
		var cnt [binary.MaxVarintLen64]byte
		c := binary.PutUvarint(cnt[:], uint64(nonEmpty))
		buf = append(buf, cnt[:c]...)
		copy(buf[9+c:], buf[9:len(buf)-c])
		copy(buf[9:], cnt[:c])
		payload := len(buf) - 9
		if payload > maxBlockBytes {
			return fmt.Errorf("stateio: key group %d holds %d bytes, more than a block's limit of %d", kg, payload, maxBlockBytes)
		}
		binary.BigEndian.PutUint32(buf[5:], uint32(payload))
		buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
		if _, err := w.Write(buf); err != nil {
			return err
		}
		blocks++
	}
	buf = append(buf[:0], recordEnd)
	buf = binary.BigEndian.AppendUint32(buf, blocks)
	buf = binary.BigEndian.AppendUint64(buf, entries)
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
	_, err := w.Write(buf)
	return err
}

// appendHeader appends the header of a stream of the key groups r of states.
func appendHeader(dst []byte, checkpointID int64, r keygroup.Range, states []FrozenState) []byte {
	start := len(dst)
	dst = append(dst, Magic...)
	dst = binary.BigEndian.AppendUint16(dst, Version)
	dst = binary.BigEndian.AppendUint16(dst, 0) // flags
	dst = binary.BigEndian.AppendUint64(dst, uint64(checkpointID))
	if r.Len() == 0 {
		r = keygroup.Range{Start: 0, End: -1}
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(r.Start))
	dst = binary.BigEndian.AppendUint32(dst, uint32(r.Len()))
	dst = binary.AppendUvarint(dst, uint64(len(states)))
	for _, s := range states {
		m := s.Meta()
		dst = appendString(dst, m.Name)
		var flags byte
		if m.Timestamps {
			flags |= flagTimestamps
		}
		dst = append(dst, byte(m.Kind), flags)
		dst = appendString(dst, m.NamespaceType)
		dst = appendString(dst, m.ValueType)
		dst = appendString(dst, m.UserKeyType)
	}
	return binary.BigEndian.AppendUint32(dst, crc32.Checksum(dst[start:], castagnoli))
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// CheckRange returns the error of a WriteKeyGroups of the key groups r by a
// backend of the key groups backend: r must be within it (or empty).
func CheckRange(r, backend keygroup.Range) error {
	if r.Len() == 0 {
		return nil
	}
	if r.Start < backend.Start || r.End > backend.End {
		return fmt.Errorf("key groups %v are not within the backend's key-group range %v", r, backend)
	}
	if r.Start < 0 || r.End > math.MaxInt32 {
		return fmt.Errorf("invalid key-group range %v", r)
	}
	return nil
}
