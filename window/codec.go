package window

import (
	"encoding/binary"

	"github.com/eddy-streams/eddy/serde"
)

// TimeWindowCodec encodes a TimeWindow as 16 bytes: Start then End, each a
// big-endian two's-complement int64 (the layout of Flink's
// TimeWindow.Serializer). Equal windows encode to equal bytes.
type TimeWindowCodec struct{}

var _ serde.Codec[TimeWindow] = TimeWindowCodec{}

// TimeWindowSize is the encoded size of a TimeWindow.
const TimeWindowSize = 16

// Append appends the 16-byte encoding of w to dst.
func (TimeWindowCodec) Append(dst []byte, w TimeWindow) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(w.Start))
	return binary.BigEndian.AppendUint64(dst, uint64(w.End))
}

// Decode decodes a TimeWindow from the first 16 bytes of src. It returns
// serde.ErrShort if src is shorter.
func (TimeWindowCodec) Decode(src []byte) (TimeWindow, int, error) {
	if len(src) < TimeWindowSize {
		return TimeWindow{}, 0, serde.ErrShort
	}
	return TimeWindow{
		Start: int64(binary.BigEndian.Uint64(src)),
		End:   int64(binary.BigEndian.Uint64(src[8:])),
	}, TimeWindowSize, nil
}

// GlobalWindowCodec encodes the GlobalWindow as zero bytes.
type GlobalWindowCodec struct{}

var _ serde.Codec[GlobalWindow] = GlobalWindowCodec{}

// Append returns dst unchanged.
func (GlobalWindowCodec) Append(dst []byte, _ GlobalWindow) []byte { return dst }

// Decode returns the GlobalWindow and consumes nothing.
func (GlobalWindowCodec) Decode([]byte) (GlobalWindow, int, error) { return GlobalWindow{}, 0, nil }
