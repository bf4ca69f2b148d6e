package lsm

import (
	"encoding/binary"
	"errors"
)

// Pebble key layout (docs/format/lsm-layout.md):
//
//	keyGroup <u16 BE> | stateID <u32 BE> | uvarint(len key) | key | uvarint(len ns) | ns | userKey
//
// The key group comes first so that the state of a key-group range is one
// contiguous key range (rescaling and snapshots iterate it); the state id
// next so that one state of one key group is one contiguous range (Keys,
// TTL cleanup). Key and namespace carry their lengths so that the layout
// never depends on codecs being self-delimiting and Keys can split them;
// the user key of map state is the rest of the key.
const (
	kgLen     = 2
	idLen     = 4
	prefixLen = kgLen + idLen
)

// appendGroupPrefix appends keyGroup | stateID.
func appendGroupPrefix(dst []byte, kg int, id uint32) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(kg))
	return binary.BigEndian.AppendUint32(dst, id)
}

// appendEntryKey appends keyGroup | stateID | key | ns, the pebble key of
// value, list, reducing and aggregating state and the prefix of map state.
func appendEntryKey(dst []byte, kg int, id uint32, key, ns []byte) []byte {
	dst = appendGroupPrefix(dst, kg, id)
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	dst = append(dst, key...)
	dst = binary.AppendUvarint(dst, uint64(len(ns)))
	return append(dst, ns...)
}

// kgKey returns the first pebble key of key group kg (of any state).
func kgKey(kg int) []byte {
	return binary.BigEndian.AppendUint16(nil, uint16(kg))
}

// rangeBounds returns the pebble key range [lower, upper) of the key groups
// [start, end]. The last key group (65535) has no upper bound.
func rangeBounds(start, end int) (lower, upper []byte) {
	lower = kgKey(start)
	if end+1 <= 0xffff {
		upper = kgKey(end + 1)
	}
	return lower, upper
}

// stateBounds returns the key range [lower, upper) of state id in key group
// kg.
func stateBounds(kg int, id uint32) (lower, upper []byte) {
	lower = appendGroupPrefix(nil, kg, id)
	if id < 0xffffffff {
		upper = appendGroupPrefix(nil, kg, id+1)
	} else {
		upper, _ = rangeBounds(kg+1, kg+1)
	}
	return lower, upper
}

// prefixEnd returns the smallest key greater than every key starting with
// p, appended to dst, or nil if there is none.
func prefixEnd(dst, p []byte) []byte {
	dst = append(dst, p...)
	for i := len(dst) - 1; i >= 0; i-- {
		if dst[i] != 0xff {
			dst[i]++
			return dst[:i+1]
		}
	}
	return nil
}

var errBadKey = errors.New("malformed state key")

// parsedKey is a pebble key split into its parts; the slices alias it.
type parsedKey struct {
	kg      int
	id      uint32
	key, ns []byte
	userKey []byte
	// head is keyGroup | stateID | key | ns, the part every element of an
	// entry shares.
	head []byte
}

// parseKey splits a pebble key of the layout above.
func parseKey(k []byte, p *parsedKey) error {
	if len(k) < prefixLen {
		return errBadKey
	}
	p.kg = int(binary.BigEndian.Uint16(k))
	p.id = binary.BigEndian.Uint32(k[kgLen:])
	off := prefixLen
	var err error
	if p.key, off, err = lenPrefixed(k, off); err != nil {
		return err
	}
	if p.ns, off, err = lenPrefixed(k, off); err != nil {
		return err
	}
	p.head = k[:off:off]
	p.userKey = k[off:]
	return nil
}

func lenPrefixed(k []byte, off int) ([]byte, int, error) {
	n, m := binary.Uvarint(k[off:])
	if m <= 0 || n > uint64(len(k)-off-m) {
		return nil, 0, errBadKey
	}
	off += m
	return k[off : off+int(n) : off+int(n)], off + int(n), nil
}
