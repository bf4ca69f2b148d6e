// Command eddy is Eddy's command-line tool.
//
//	eddy nexmark gen --events N [--rate R] [--seed S] --out DIR [--parallelism P]
//	eddy nexmark run --query qN --events N [--parallelism P] [--output FILE.csv] [--rate R]
//	                 [--checkpoint-interval D [--checkpoint-dir DIR]] [--inject-failures N [--failure-seed S]]
//	                 [--stop-with-savepoint-after N [--savepoint-dir DIR]]
//	                 [--from-savepoint PATH [--allow-non-restored-state]]
//	eddy version
//
// `eddy nexmark gen` writes the events of the Nexmark generator as
// person.csv, auction.csv and bid.csv (a header row of the suite's column
// names, timestamps as YYYY-MM-DD HH:MM:SS.sss in UTC); --rate is the
// first-event rate of event time (events per second of event time), so it
// sets the events' timestamps, not how fast they are written. The files are
// the same at any --parallelism.
//
// `eddy nexmark run` runs one Nexmark query as a DataStream job on the local
// runtime, reading the generator's events with its watermark strategy;
// `--query gen` runs the generator alone into a discarding sink (the
// ceiling a query is measured against). --rate limits the events per second
// of wall-clock time (0: as fast as possible). With --output the final result
// is written as CSV with a header row of the query's columns (rows in no
// particular order); otherwise the results are discarded. The last line on
// stdout is one JSON object:
//
//	{"query":"q5","events":1000000,"parallelism":1,"seconds":1.234,
//	 "events_per_second":810372,"cores":1.02,"events_per_second_per_core":794482,
//	 "peak_rss_bytes":123456789}
//
// where seconds is the job's wall time, cores the process CPU time (user +
// system) over the job divided by it, and peak_rss_bytes the peak resident
// set size of the process. While the job runs, a progress line (events done,
// rate, ETA) is kept up to date on stderr when stderr is a terminal.
//
// --checkpoint-interval turns checkpointing on (into --checkpoint-dir, by
// default a temporary directory removed at the end); --inject-failures N
// makes N randomly chosen source subtasks (seeded by --failure-seed) fail
// once each at a random moment, after which the job restarts (fixed-delay,
// 100 ms) from the latest completed checkpoint. With either, --output is
// written through the exactly-once file sink (connector/file): part files
// made visible when their checkpoint completes, from which the result file
// is assembled at the end; an updating query (q4, q9) writes its changelog
// (each row prefixed by its key, one sink subtask) and the file keeps the
// last row of every key. The file is then the same as a failure-free run's
// for every query with event-time semantics (q12 uses processing time, so
// its result depends on timing anyway).
//
// With --checkpoint-interval, --stop-with-savepoint-after N stops the job
// with a savepoint after about N events (Flink's stop-with-savepoint without
// --drain): the savepoint folder <--savepoint-dir>/savepoint-<id>-<random>
// is printed on stderr and as a "savepoint" key at the end of the JSON line,
// and --output holds the rows committed up to it. --from-savepoint PATH
// resumes from it, at any --parallelism; --output then holds the rows of
// the resumed run, so the two files together are the uninterrupted result
// of an appending query. Both runs keep the sink's part files in
// "eddy-nexmark-<query>-parts" next to the savepoints (the resumed run
// re-commits the savepoint's pending part files there).
//
// Errors go to stderr; the exit status is 2 for a mistake on the command
// line and 1 for a failure while running.
package main
