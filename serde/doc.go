// Package serde owns how values become bytes: Codec[T] and the default codecs
// for Go's basic types and for structs and arrays made of them.
//
// Inside one process values move between operators as Go values; bytes are
// made only where they are needed: for keys (key groups and state lookup),
// across processes, in the LSM state backend and in checkpoints. Encodings are
// canonical: equal values encode to equal bytes in every process, which is what
// makes key hashes stable.
package serde
