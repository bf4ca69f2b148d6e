// Package s3store is the checkpoint storage of an S3-compatible object
// store. Importing it, usually for its side effect only,
//
//	import _ "github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store"
//
// registers the "s3" scheme with storage.RegisterScheme, so that
// storage.Open and storage.OpenParent accept s3:// URLs (see Open). It is a
// separate package so that only programs wanting S3 link the AWS SDK: the
// eddy command imports it; the datastream library does not, and a program
// using datastream with an s3:// checkpoint directory must import it.
package s3store
