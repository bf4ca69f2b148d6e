// Package file is an exactly-once filesystem sink: a
// connector.TwoPhaseCommittingSink that writes part files of CSV or
// JSON-lines records into a directory.
//
// Subtask s writes part files part-<s>-<n>, n = 0, 1, 2, … While a part
// file is written, and until the checkpoint it belongs to completes, it is
// the hidden file .part-<s>-<n>.inprogress; on each checkpoint barrier the
// open file is closed (one part file per checkpoint interval with data)
// and when that checkpoint completes it is renamed to part-<s>-<n>, which
// makes it visible. Without checkpointing, files become visible at the end
// of the job. Renaming is idempotent: an in-progress file that is gone
// while its final file exists is committed.
//
// The directory belongs to the sink: when a writer starts without state it
// removes the part files of its subtask left by an earlier run, and when it
// restores from a checkpoint it removes its part files (visible or not)
// numbered from the restored counter on — written after that checkpoint by
// an attempt that failed — so that a restored job writes every record
// exactly once.
//
// With Sink.Buckets, records are split into buckets, sub-folders of the
// directory (the partitions of a partitioned SQL table, dt=…/hm=…), each
// with its own part files named as above; a checkpoint closes the open
// file of every bucket, and the part files of one checkpoint share their
// index n. Sink.SuccessFile names an empty marker file the committer
// writes into each bucket it committed files to. Sink.ID names part files
// part-<ID>-<s>-<n> so that several jobs (SQL INSERTs into one table)
// share the folder: each writer removes only its own ID's files.
package file
