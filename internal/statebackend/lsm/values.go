package lsm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"

	"github.com/eddy-streams/eddy/serde"
)

// Stored values (docs/format/lsm-layout.md). With timestamps (a TTL state)
// a value starts with its TTL timestamp, 8 bytes big-endian:
//
//	value, reducing, aggregating:  [ts] | codec bytes
//	map (one pebble key per map key): [ts] | codec bytes of the map value
//	list: element*, element = [ts] | uvarint(len) | codec bytes
//
// A list element is laid out as an element of the snapshot stream, so that
// lists are appended with pebble's concatenating Merge and copied to and
// from streams without decoding.

var errShortValue = errors.New("stored value is too short")

// splitTS splits a stored value into its timestamp and the codec bytes.
func splitTS(v []byte, withTS bool) (int64, []byte, error) {
	if !withTS {
		return 0, v, nil
	}
	if len(v) < 8 {
		return 0, nil, errShortValue
	}
	return int64(binary.BigEndian.Uint64(v)), v[8:], nil
}

// nextElem splits the first list element off v.
func nextElem(v []byte, withTS bool) (ts int64, elem, rest []byte, err error) {
	if withTS {
		if len(v) < 8 {
			return 0, nil, nil, errShortValue
		}
		ts = int64(binary.BigEndian.Uint64(v))
		v = v[8:]
	}
	n, k := binary.Uvarint(v)
	if k <= 0 || n > uint64(len(v)-k) {
		return 0, nil, nil, errShortValue
	}
	end := k + int(n)
	return ts, v[k:end:end], v[end:], nil
}

// appendElem appends a list element.
func appendElem(dst []byte, withTS bool, ts int64, elem []byte) []byte {
	if withTS {
		dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	}
	dst = binary.AppendUvarint(dst, uint64(len(elem)))
	return append(dst, elem...)
}

// appendCodecElem appends a list element encoded by c.
func appendCodecElem[T any](dst []byte, c serde.Codec[T], withTS bool, ts int64, v T) []byte {
	if withTS {
		dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	}
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

// appendStored appends a stored value of value-like kinds (and map values).
func appendStored[T any](dst []byte, c serde.Codec[T], withTS bool, ts int64, v T) []byte {
	if withTS {
		dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	}
	return c.Append(dst, v)
}

// decodeAll decodes b, which must hold exactly one value.
func decodeAll[T any](c serde.Codec[T], b []byte) (T, error) {
	v, n, err := c.Decode(b)
	if err == nil && n != len(b) {
		err = fmt.Errorf("%d bytes left after decoding a %v", len(b)-n, reflect.TypeFor[T]())
	}
	return v, err
}
