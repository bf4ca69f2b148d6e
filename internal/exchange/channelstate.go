package exchange

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/eddy-streams/eddy/internal/event"
	"github.com/eddy-streams/eddy/internal/operator"
	"github.com/eddy-streams/eddy/serde"
)

// ChannelState is the channel state of one unaligned checkpoint of a task:
// per input channel (numbered across the task's gates as in its Aligner),
// the records that were in flight before the channel's barrier and not yet
// processed when the task took its snapshot, encoded in order
// (docs/format/checkpoint-metadata.md, "Channel state").
type ChannelState struct {
	ID       int64
	Channels [][]byte
}

// channelStateMagic starts an encoded channel state.
const channelStateMagic = "EDDYCHS1"

// ErrChannelStateCorrupt is wrapped by errors about a channel state that
// does not decode.
var ErrChannelStateCorrupt = errors.New("corrupted channel state")

// Empty reports whether no channel holds a record.
func (s *ChannelState) Empty() bool {
	for _, c := range s.Channels {
		if len(c) > 0 {
			return false
		}
	}
	return true
}

// Encode returns the channel state in its stored form: the magic, the
// number of channels, per channel the length of its records and the
// records, and the CRC-32 (IEEE) of all that, 4 bytes big endian.
func (s *ChannelState) Encode() []byte {
	n := len(channelStateMagic) + binary.MaxVarintLen64 + 4
	for _, c := range s.Channels {
		n += binary.MaxVarintLen64 + len(c)
	}
	b := make([]byte, 0, n)
	b = append(b, channelStateMagic...)
	b = binary.AppendUvarint(b, uint64(len(s.Channels)))
	for _, c := range s.Channels {
		b = binary.AppendUvarint(b, uint64(len(c)))
		b = append(b, c...)
	}
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// DecodeChannelState parses an encoded channel state into the records of
// each channel (still encoded).
func DecodeChannelState(data []byte) ([][]byte, error) {
	if len(data) < len(channelStateMagic)+4 || string(data[:len(channelStateMagic)]) != channelStateMagic {
		return nil, fmt.Errorf("%w: bad magic", ErrChannelStateCorrupt)
	}
	body := data[:len(data)-4]
	if binary.BigEndian.Uint32(data[len(data)-4:]) != crc32.ChecksumIEEE(body) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrChannelStateCorrupt)
	}
	rest := body[len(channelStateMagic):]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)) {
		return nil, fmt.Errorf("%w: bad channel count", ErrChannelStateCorrupt)
	}
	rest = rest[k:]
	chans := make([][]byte, n)
	for i := range chans {
		l, k := binary.Uvarint(rest)
		if k <= 0 || l > uint64(len(rest)-k) {
			return nil, fmt.Errorf("%w: channel %d is truncated", ErrChannelStateCorrupt, i)
		}
		chans[i] = rest[k : k+int(l)]
		rest = rest[k+int(l):]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last channel", ErrChannelStateCorrupt, len(rest))
	}
	return chans, nil
}

// appendRecords encodes records of a channel state: per record the
// timestamp (signed varint), the length of the element's encoding (uvarint)
// and the encoding by the edge's codec.
func appendRecords[T any](dst []byte, c serde.Codec[T], recs []operator.Record[T]) []byte {
	var scratch []byte
	for i := range recs {
		scratch = c.Append(scratch[:0], recs[i].Value)
		dst = binary.AppendVarint(dst, recs[i].Timestamp)
		dst = binary.AppendUvarint(dst, uint64(len(scratch)))
		dst = append(dst, scratch...)
	}
	return dst
}

// decodeRecords decodes the records of one channel of a channel state.
func decodeRecords[T any](c serde.Codec[T], data []byte) ([]operator.Record[T], error) {
	var recs []operator.Record[T]
	for len(data) > 0 {
		ts, k := binary.Varint(data)
		if k <= 0 {
			return nil, fmt.Errorf("%w: bad timestamp of record %d", ErrChannelStateCorrupt, len(recs))
		}
		data = data[k:]
		l, k := binary.Uvarint(data)
		if k <= 0 || l > uint64(len(data)-k) {
			return nil, fmt.Errorf("%w: record %d is truncated", ErrChannelStateCorrupt, len(recs))
		}
		v, used, err := c.Decode(data[k : k+int(l)])
		if err != nil {
			return nil, fmt.Errorf("%w: record %d: %v", ErrChannelStateCorrupt, len(recs), err)
		}
		if used != int(l) {
			return nil, fmt.Errorf("%w: record %d: %d of %d bytes decoded", ErrChannelStateCorrupt, len(recs), used, l)
		}
		recs = append(recs, operator.Record[T]{Value: v, Timestamp: ts})
		data = data[k+int(l):]
	}
	return recs, nil
}

// recordsOf returns the record batches of the data buffers of bufs, in
// order.
func recordsOf[T any](bufs []Buffer[T]) [][]operator.Record[T] {
	var out [][]operator.Record[T]
	for _, b := range bufs {
		if b.Kind == event.Data && len(b.Records) > 0 {
			out = append(out, b.Records)
		}
	}
	return out
}
