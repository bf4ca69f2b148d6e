package main

// The S3 checkpoint storage registers the s3:// scheme of storage.Open, so
// that the command's checkpoint directory (--checkpoint-dir,
// state.checkpoints.dir) may be an s3://bucket/prefix URL. It is linked
// into the eddy command only, not into the datastream library and its
// tests.
import _ "github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store"
