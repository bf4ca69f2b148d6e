package operator

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/statebackend"
	"github.com/eddy-streams/eddy/serde"
)

// KeyContext sets the current key of a keyed operator's state backend from a
// key value, the same way the hash partitioner upstream computed its key
// group (canonical encoding → murmur → key group).
type KeyContext[K any] struct {
	codec          serde.Codec[K]
	maxParallelism int
	backend        statebackend.Keyed
	buf            []byte

	key      K
	keyValid bool
}

// NewKeyContext returns the key context of a keyed operator in ctx.
func NewKeyContext[K any](ctx *Context, codec serde.Codec[K]) (*KeyContext[K], error) {
	if ctx.Keyed == nil {
		return nil, fmt.Errorf("operator %q is not keyed", ctx.OperatorName)
	}
	return &KeyContext[K]{codec: codec, maxParallelism: ctx.MaxParallelism, backend: ctx.Keyed, buf: make([]byte, 0, 64)}, nil
}

// Set makes key the current key.
func (k *KeyContext[K]) Set(key K) {
	k.buf = k.codec.Append(k.buf[:0], key)
	kg := keygroup.ForKey(k.buf, k.maxParallelism)
	if !k.backend.KeyGroupRange().Contains(kg) {
		Failf("key %v belongs to key group %d, outside this subtask's range %v: the input was not partitioned by this key", key, kg, k.backend.KeyGroupRange())
	}
	k.backend.SetCurrentKey(k.buf, kg)
	k.key, k.keyValid = key, true
}

// SetEncoded makes an encoded key current (timers carry encoded keys).
func (k *KeyContext[K]) SetEncoded(encoded []byte, keyGroup int) {
	k.backend.SetCurrentKey(encoded, keyGroup)
	k.keyValid = false
}

// MarkEncodedCurrent records that the backend's current key was set by
// someone else (a timer service) and must be decoded on demand.
func (k *KeyContext[K]) MarkEncodedCurrent() { k.keyValid = false }

// Current returns the current key.
func (k *KeyContext[K]) Current() K {
	if !k.keyValid {
		key, _, err := k.codec.Decode(k.backend.CurrentKey())
		if err != nil {
			Failf("decoding current key: %w", err)
		}
		k.key, k.keyValid = key, true
	}
	return k.key
}

// Hash partitioning: KeyGroupOf returns the key group of key, encoding it
// into buf (returned for reuse).
func KeyGroupOf[K any](codec serde.Codec[K], key K, maxParallelism int, buf []byte) (int, []byte) {
	buf = codec.Append(buf[:0], key)
	return keygroup.ForKey(buf, maxParallelism), buf
}
