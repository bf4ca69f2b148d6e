package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/eddy-streams/eddy/connector/file"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/nexmark"
)

// genQuery is the --query that runs the generator alone.
const genQuery = "gen"

// runOptions are the flags of `eddy nexmark run`.
type runOptions struct {
	query       string
	api         string // datastream or sql
	events      int64
	parallelism int
	output      string
	rate        float64

	// Fault tolerance: checkpoints and injected failures.
	checkpointInterval time.Duration
	checkpointDir      string
	injectFailures     int
	failureSeed        int64
	// Unaligned checkpoints and their aligned checkpoint timeout.
	unalignedCheckpoints     bool
	alignedCheckpointTimeout time.Duration

	// State backend: heap or lsm, incremental checkpoints, memory budget.
	stateBackend  string
	incremental   bool
	stateMemory   string
	stateLocalDir string

	// Savepoints: stop with one after about N events; resume from one.
	stopWithSavepointAfter int64
	savepointDir           string
	fromSavepoint          string
	allowNonRestoredState  bool

	// progress forces the progress counter and line on (tests); normally
	// they are on when stderr is a terminal.
	progress      bool
	progressEvery time.Duration

	// cpuProfile writes a CPU profile of the job (go tool pprof).
	cpuProfile string

	// filesDir keeps the files SQL queries read or write (q10, q13).
	filesDir string

	// auctionsInFlight, if > 0, sets the generator's auctions.in-flight
	// and people.active (hidden; benchmarks of state size).
	auctionsInFlight int
	// firstEventRate, if > 0, sets the generator's first-event.rate (event
	// time; hidden, for benchmarks of state size).
	firstEventRate int
}

func newNexmarkRunCmd() *cobra.Command {
	o := runOptions{progressEvery: 250 * time.Millisecond}
	cmd := &cobra.Command{
		Use:   "run --query qN --events N [--parallelism P] [--output FILE.csv] [--rate R] [--checkpoint-interval D] [--checkpoint-dir DIR] [--unaligned-checkpoints [--aligned-checkpoint-timeout D]] [--inject-failures N] [--failure-seed S] [--stop-with-savepoint-after N] [--savepoint-dir DIR] [--from-savepoint PATH] [--allow-non-restored-state]",
		Short: "Run a Nexmark query on the local runtime and report its throughput",
		Long: `Run a Nexmark query as a DataStream job on the local runtime, reading N events
of the Nexmark generator with its watermark strategy (bounded out-of-orderness).
--query gen runs the generator alone into a discarding sink: the ceiling the
queries are measured against.

With --output the final result is written as CSV with a header row of the
query's columns (rows in no particular order); without it the results are
discarded. With --checkpoint-interval or --inject-failures, --output goes
through the exactly-once file sink: part files (CSV; for an updating query
the changelog, each row prefixed by its key) committed on checkpoint
completion into a temporary directory, from which the final result is
assembled at the end (the last row of every key for an updating query), so
that with any number of injected failures the file equals that of a
failure-free run. Injected failures are panics of a pass-through operator
chained after the source, once per chosen (subtask, event count), chosen
by --failure-seed; the job restarts (fixed-delay, 100 ms) from the latest
checkpoint, or from the beginning without checkpoints. With
--checkpoint-interval, --stop-with-savepoint-after N stops the job with a
savepoint after about N events (its path on stderr and as "savepoint" in the
JSON line) and --from-savepoint PATH resumes from one at any parallelism
(--output then holds the rows of the resumed run). The last line on stdout is one JSON object:
{"query","events","parallelism","seconds","events_per_second","cores",
"events_per_second_per_core","peak_rss_bytes"}, where cores is the process
CPU time (user + system) over the job divided by its wall time. With
--checkpoint-interval it ends with "checkpoints" (completed), "checkpoint_ms_avg",
"checkpoint_ms_max" (trigger to completion), "checkpoint_bytes_last" (size of
the last checkpoint's files), "restarts" and "recovery_ms_max" (from the failure
being observed to every task of the new attempt having opened its operators).`,
		Example: `  eddy nexmark run --query q5 --events 1000000
  eddy nexmark run --query q7 --events 10000000 --parallelism 2 --output q7.csv
  eddy nexmark run --query gen --events 10000000
  eddy nexmark run --query q5 --events 1000000 --parallelism 2 --output q5.csv --checkpoint-interval 100ms --inject-failures 2`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "query", "events"); err != nil {
				return err
			}
			o.progress = o.progress || isTerminal(cmd.ErrOrStderr())
			return runNexmark(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.query, "query", "q", "", "the query to run: "+strings.Join(queryNames(), ", ")+" (required)")
	f.StringVar(&o.api, "api", apiDataStream, "the API the query is written with: datastream, or sql (the suite's SQL on Eddy's SQL engine)")
	f.Int64VarP(&o.events, "events", "n", 0, "number of events to generate (required, > 0)")
	f.IntVarP(&o.parallelism, "parallelism", "p", 1, "parallelism of the job")
	f.StringVarP(&o.output, "output", "o", "", "write the final result to this CSV file")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof)")
	f.StringVar(&o.filesDir, "files-dir", "", "with --api sql: where queries that read or write files (q10's partitioned sink, q13's side input) keep them (default: a temporary folder removed at the end)")
	f.Float64Var(&o.rate, "rate", 0, "limit the source to this many events per second of wall-clock time (0: unlimited)")
	f.DurationVar(&o.checkpointInterval, "checkpoint-interval", 0, "take a checkpoint this often (e.g. 1s; 0: no checkpoints)")
	f.StringVar(&o.checkpointDir, "checkpoint-dir", "", "where checkpoints go: a directory or URL (default: a temporary directory removed at the end)")
	f.StringVar(&o.stateBackend, "state-backend", "heap", "keyed state backend: heap (in memory) or lsm (pebble on local disk, for state larger than memory)")
	f.BoolVar(&o.incremental, "incremental-checkpoints", false, "with --state-backend lsm: checkpoints upload only the files earlier ones did not have")
	f.StringVar(&o.stateMemory, "state-memory", "", "with --state-backend lsm: memory per keyed subtask for the block cache and the memtable, e.g. 32mb (default: 8mb + 64mb)")
	f.StringVar(&o.stateLocalDir, "state-dir", "", "with --state-backend lsm: where the databases live (default: the system's temporary directory)")
	f.IntVar(&o.injectFailures, "inject-failures", 0, "fail this many randomly chosen source subtasks at random moments of the run")
	f.Int64Var(&o.failureSeed, "failure-seed", 1, "seed of the choice of --inject-failures")
	f.BoolVar(&o.unalignedCheckpoints, "unaligned-checkpoints", false, "with --checkpoint-interval: unaligned checkpoints (barriers overtake in-flight records, which are stored in the checkpoint)")
	f.DurationVar(&o.alignedCheckpointTimeout, "aligned-checkpoint-timeout", 0, "with --unaligned-checkpoints: start checkpoints aligned and switch to unaligned where the alignment takes longer than this (0: always unaligned)")
	f.Int64Var(&o.stopWithSavepointAfter, "stop-with-savepoint-after", 0, "stop the job with a savepoint after about this many events (needs --checkpoint-interval); its path is printed")
	f.StringVar(&o.savepointDir, "savepoint-dir", "", "where --stop-with-savepoint-after writes the savepoint (default: the system's temporary directory)")
	f.StringVar(&o.fromSavepoint, "from-savepoint", "", "resume from this savepoint (a savepoint-<id>-<random> folder; needs --checkpoint-interval); --output then holds the rows of the resumed run")
	f.BoolVar(&o.allowNonRestoredState, "allow-non-restored-state", false, "with --from-savepoint: skip the state of operators the job no longer has instead of refusing the savepoint")
	f.IntVar(&o.auctionsInFlight, "auctions-in-flight", 0, "set the generator's auctions.in-flight and people.active (0: defaults; for benchmarks of state size)")
	f.MarkHidden("auctions-in-flight")
	f.IntVar(&o.firstEventRate, "first-event-rate", 0, "set the generator's first-event.rate, events per second of event time (0: default)")
	f.MarkHidden("first-event-rate")
	return cmd
}

// queryNames lists what --query accepts.
func queryNames() []string {
	return append([]string{genQuery}, knownQueries()...)
}

// runResult is the JSON line `eddy nexmark run` ends with; the field order
// is part of the interface.
type runResult struct {
	Query                  string  `json:"query"`
	Events                 int64   `json:"events"`
	Parallelism            int     `json:"parallelism"`
	Seconds                float64 `json:"seconds"`
	EventsPerSecond        float64 `json:"events_per_second"`
	Cores                  float64 `json:"cores"`
	EventsPerSecondPerCore float64 `json:"events_per_second_per_core"`
	PeakRSSBytes           int64   `json:"peak_rss_bytes"`
	// Savepoint is the savepoint of --stop-with-savepoint-after.
	Savepoint string `json:"savepoint,omitempty"`
	// Checkpoint statistics, only with --checkpoint-interval: completed
	// checkpoints, their mean and longest duration (trigger to
	// completion), the size of the last one's files, the restarts and the
	// longest recovery (failure observed to every task of the new attempt
	// having opened its operators).
	Checkpoints         *int     `json:"checkpoints,omitempty"`
	CheckpointMsAvg     *float64 `json:"checkpoint_ms_avg,omitempty"`
	CheckpointMsMax     *int64   `json:"checkpoint_ms_max,omitempty"`
	CheckpointBytesLast *int64   `json:"checkpoint_bytes_last,omitempty"`
	Restarts            *int     `json:"restarts,omitempty"`
	RecoveryMsMax       *int64   `json:"recovery_ms_max,omitempty"`
}

// setCheckpointStats fills the checkpoint statistics of r from a job's
// result.
func (r *runResult) setCheckpointStats(jr *datastream.JobResult) {
	var cps []datastream.CheckpointStat
	var rss []datastream.RestartStat
	if jr != nil {
		cps, rss = jr.Checkpoints, jr.Restarts
	}
	n, restarts := len(cps), len(rss)
	var sum, maxMs, last, rec int64
	for _, c := range cps {
		sum += c.DurationMs
		maxMs = max(maxMs, c.DurationMs)
		last = c.Bytes
	}
	avg := 0.0
	if n > 0 {
		avg = round(float64(sum)/float64(n), 1)
	}
	for _, s := range rss {
		rec = max(rec, s.RecoveryMs)
	}
	r.Checkpoints, r.CheckpointMsAvg, r.CheckpointMsMax, r.CheckpointBytesLast = &n, &avg, &maxMs, &last
	r.Restarts, r.RecoveryMsMax = &restarts, &rec
}

func runNexmark(ctx context.Context, o runOptions, stdout, stderr io.Writer) (err error) {
	if o.events <= 0 {
		return usagef("--events must be positive, got %d", o.events)
	}
	if err := checkNexmarkAPI(&o); err != nil {
		return err
	}
	if o.parallelism <= 0 {
		return usagef("--parallelism must be positive, got %d", o.parallelism)
	}
	if o.checkpointInterval < 0 {
		return usagef("--checkpoint-interval must not be negative, got %v", o.checkpointInterval)
	}
	if o.injectFailures < 0 {
		return usagef("--inject-failures must not be negative, got %d", o.injectFailures)
	}
	if o.checkpointDir != "" && o.checkpointInterval == 0 {
		return usagef("--checkpoint-dir needs --checkpoint-interval")
	}
	if o.unalignedCheckpoints && o.checkpointInterval == 0 {
		return usagef("--unaligned-checkpoints needs --checkpoint-interval")
	}
	if o.alignedCheckpointTimeout != 0 && !o.unalignedCheckpoints {
		return usagef("--aligned-checkpoint-timeout needs --unaligned-checkpoints")
	}
	if o.alignedCheckpointTimeout < 0 {
		return usagef("--aligned-checkpoint-timeout must not be negative, got %v", o.alignedCheckpointTimeout)
	}
	if o.stopWithSavepointAfter < 0 {
		return usagef("--stop-with-savepoint-after must not be negative, got %d", o.stopWithSavepointAfter)
	}
	if (o.stopWithSavepointAfter > 0 || o.fromSavepoint != "") && o.checkpointInterval == 0 {
		return usagef("--stop-with-savepoint-after and --from-savepoint need --checkpoint-interval")
	}
	if o.allowNonRestoredState && o.fromSavepoint == "" {
		return usagef("--allow-non-restored-state needs --from-savepoint")
	}
	if o.rate < 0 || math.IsNaN(o.rate) || math.IsInf(o.rate, 0) {
		return usagef("--rate must be a number of events per second, 0 (unlimited) or more, got %v", o.rate)
	}
	if o.query == genQuery {
		if o.output != "" {
			return usagef("--output: --query gen has no result to write")
		}
	} else if !slices.Contains(knownQueries(), o.query) {
		return usagef("unknown query %q (known: %s)", o.query, strings.Join(queryNames(), ", "))
	} else if _, err := nexmark.Lookup(o.query); err != nil && o.api != apiSQL {
		return usagef("query %s has no DataStream version: run it with --api sql", o.query)
	}
	if o.filesDir != "" && o.api != apiSQL {
		return usagef("--files-dir needs --api sql")
	}

	// Open the output first: a path that cannot be written fails before the
	// job runs, not after.
	var out *os.File
	if o.output != "" {
		if out, err = os.Create(o.output); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		// A regular file is removed if the run fails; a device (/dev/stdout)
		// or a pipe is left alone.
		fi, serr := out.Stat()
		regular := serr == nil && fi.Mode().IsRegular()
		defer func() {
			if cerr := out.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("--output: %w", cerr)
			}
			if err != nil && regular {
				os.Remove(o.output)
			}
		}()
	}

	cfg := gen.DefaultConfig()
	cfg.Events = o.events
	if o.auctionsInFlight > 0 {
		n := strconv.Itoa(o.auctionsInFlight)
		if err := cfg.Set("auctions.in-flight", n); err != nil {
			return usagef("--auctions-in-flight: %v", err)
		}
		if err := cfg.Set("people.active", n); err != nil {
			return usagef("--auctions-in-flight: %v", err)
		}
	}
	if o.firstEventRate > 0 {
		if err := cfg.Set("first-event.rate", strconv.Itoa(o.firstEventRate)); err != nil {
			return usagef("--first-event-rate: %v", err)
		}
	}
	var opts []gen.SourceOption
	if o.rate > 0 {
		// A limit on wall-clock speed only: the events (and their event
		// times) are those of an unlimited run.
		opts = append(opts, gen.WithRate(o.rate))
	}

	env := datastream.NewEnv().SetParallelism(o.parallelism)
	if err := configureState(env, o); err != nil {
		return err
	}
	faultTolerant := o.checkpointInterval > 0 || o.injectFailures > 0
	if faultTolerant {
		conf := map[string]string{
			"eddy.job-id":                           "nexmark-" + o.query,
			"restart-strategy.type":                 "fixed-delay",
			"restart-strategy.fixed-delay.attempts": strconv.Itoa(o.injectFailures + 3),
			"restart-strategy.fixed-delay.delay":    "100ms",
		}
		if o.checkpointInterval > 0 {
			dir := o.checkpointDir
			if dir == "" {
				tmp, err := os.MkdirTemp("", "eddy-checkpoints-*")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			conf["execution.checkpointing.interval"] = o.checkpointInterval.String()
			conf["state.checkpoints.dir"] = dir
			conf["execution.checkpointing.unaligned.enabled"] = strconv.FormatBool(o.unalignedCheckpoints)
			conf["execution.checkpointing.aligned-checkpoint-timeout"] = o.alignedCheckpointTimeout.String()
		}
		if o.fromSavepoint != "" {
			conf["execution.savepoint.path"] = o.fromSavepoint
			conf["execution.savepoint.ignore-unclaimed-state"] = strconv.FormatBool(o.allowNonRestoredState)
		}
		if err := env.Configure(conf); err != nil {
			return usagef("%v", err)
		}
	}
	var plan *failurePlan
	if o.injectFailures > 0 {
		plan = newFailurePlan(o.injectFailures, o.failureSeed, o.parallelism, o.events)
	}
	var done atomic.Int64
	savepoints := o.stopWithSavepointAfter > 0 || o.fromSavepoint != ""
	counting := o.progress || savepoints
	if o.api == apiSQL && (plan != nil || counting) {
		// The SQL job's source is the generator inside the nexmark table:
		// its readers count and fail.
		var d *atomic.Int64
		if counting {
			d = &done
		}
		opts = append(opts, sqlTap(plan, d))
	}
	events := nexmarkEvents(env, o, cfg, opts)
	if events != nil && plan != nil {
		events = injectFailures(events, plan)
	}
	if events != nil && counting {
		// Also with savepoints, so that both runs have the same operators.
		events = countEvents(events, &done)
	}
	var result func() ([][]string, error)
	var columns []string
	if o.query == genQuery {
		nexmark.NewOutput(events, func(gen.Event, []string) []string { return nil }, nil).Discard()
	} else {
		filesDir := ""
		if o.api == apiSQL {
			dir, cleanup, err := nexmarkFilesDir(o)
			if err != nil {
				return err
			}
			defer cleanup()
			filesDir = dir
		}
		output, err := buildNexmarkOutput(env, o, events, cfg, opts, filesDir)
		if err != nil {
			return err
		}
		columns = output.columns
		switch {
		case out != nil && faultTolerant:
			// The exactly-once file sink, into a folder of our own.
			var parts string
			skip := map[string]bool{}
			if savepoints {
				// The part files outlive the run: a resumed run re-commits
				// the savepoint's pending part files in the same folder,
				// next to the savepoint; its result is the part files it
				// added.
				parts = filepath.Join(savepointBase(o), "eddy-nexmark-"+o.query+"-parts")
				old, _ := file.Parts(parts)
				for _, p := range old {
					skip[p] = true
				}
			} else {
				tmp, err := os.MkdirTemp("", "eddy-nexmark-parts-*")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				parts = tmp
			}
			rows, layout := output.rows()
			sink := rows.SinkTo(file.New(parts, file.CSV(func(r []string, dst []string) []string { return append(dst, r...) })), "Files")
			if layout == lastRowPerKey {
				// One sink subtask: every key's updates arrive in order.
				sink.SetParallelism(1)
			}
			result = func() ([][]string, error) { return readParts(parts, layout, skip) }
		case out != nil:
			collect := output.collect()
			result = func() ([][]string, error) { return collect(), nil }
		default:
			output.discard()
		}
	}

	var bar *progress
	if o.progress {
		bar = startProgress(stderr, o.query, o.events, &done, o.progressEvery)
	}
	if o.cpuProfile != "" {
		stop, perr := startCPUProfile(o.cpuProfile)
		if perr != nil {
			return perr
		}
		defer stop()
	}
	before, start := readUsage(), time.Now()
	var savepoint string
	var jr *datastream.JobResult
	if o.stopWithSavepointAfter > 0 {
		dir := savepointBase(o)
		if strings.Contains(o.savepointDir, "://") {
			dir = o.savepointDir
		}
		jr, savepoint, err = runToSavepoint(ctx, env, "Nexmark "+o.query, &done, o.stopWithSavepointAfter, dir)
		if err == nil && savepoint != "" {
			fmt.Fprintf(stderr, "savepoint: %s\n", savepoint)
		}
	} else {
		jr, err = env.Execute(ctx, "Nexmark "+o.query)
	}
	wall, after := time.Since(start), readUsage()
	if bar != nil {
		bar.stop()
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s interrupted: %w", o.query, context.Cause(ctx))
		}
		return err
	}

	if plan != nil {
		fmt.Fprintf(stderr, "injected %d of %d failures; %d events replayed after restarts\n", plan.injected.Load(), o.injectFailures, plan.passed()-o.events)
	}
	if out != nil {
		rows, err := result()
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		if err := writeRows(out, columns, rows); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		fmt.Fprintf(stderr, "wrote %d rows to %s\n", len(rows), o.output)
	}

	res := measure(o.query, o.events, o.parallelism, wall, after.cpu-before.cpu, after.peakRSS)
	res.Savepoint = savepoint
	fmt.Fprintf(stderr, "%s: %d events at parallelism %d in %.3fs: %s events/s on %.2f cores, %s events/s per core, peak RSS %s\n",
		res.Query, res.Events, res.Parallelism, res.Seconds, human(res.EventsPerSecond), res.Cores,
		human(res.EventsPerSecondPerCore), humanBytes(res.PeakRSSBytes))
	if o.checkpointInterval > 0 {
		res.setCheckpointStats(jr)
		fmt.Fprintf(stderr, "%d checkpoints: %.1f ms average, %d ms max, last %s; %d restarts, longest recovery %d ms\n",
			*res.Checkpoints, *res.CheckpointMsAvg, *res.CheckpointMsMax, humanBytes(*res.CheckpointBytesLast),
			*res.Restarts, *res.RecoveryMsMax)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", line)
	return err
}

// measure computes the figures of the JSON line: throughput, cores as CPU
// time over wall time (the suite's Throughput/Cores method) and throughput
// per core.
func measure(query string, events int64, parallelism int, wall, cpu time.Duration, peakRSS int64) runResult {
	r := runResult{Query: query, Events: events, Parallelism: parallelism, PeakRSSBytes: peakRSS}
	secs := wall.Seconds()
	if secs <= 0 {
		return r
	}
	r.Seconds = round(secs, 6)
	eps := float64(events) / secs
	r.EventsPerSecond = math.Round(eps)
	if cores := cpu.Seconds() / secs; cores > 0 {
		r.Cores = round(cores, 3)
		r.EventsPerSecondPerCore = math.Round(eps / cores)
	}
	return r
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// writeRows writes a header and the rows (sorted, so a result always gives
// the same file) as CSV.
func writeRows(f io.Writer, header []string, rows [][]string) error {
	slices.SortFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
	w := csv.NewWriter(f)
	if err := w.Write(header); err != nil {
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
}

// savepointBase is the folder of savepoints and of the part files of a run
// with savepoints: --savepoint-dir, the folder of --from-savepoint, or the
// system's temporary directory, also when the savepoints are in object
// storage (s3://…).
func savepointBase(o runOptions) string {
	switch {
	case strings.Contains(o.fromSavepoint, "://") || strings.Contains(o.savepointDir, "://"):
		return filepath.Join(os.TempDir(), "eddy-savepoints")
	case o.fromSavepoint != "":
		return filepath.Dir(filepath.Clean(o.fromSavepoint))
	case o.savepointDir != "":
		return o.savepointDir
	default:
		return filepath.Join(os.TempDir(), "eddy-savepoints")
	}
}

// runToSavepoint runs the job until about n events went by (done), then
// stops it with a savepoint in dir and returns the savepoint's path. A job
// that ends before is not an error: it returns no path.
func runToSavepoint(ctx context.Context, env *datastream.Env, name string, done *atomic.Int64, n int64, dir string) (*datastream.JobResult, string, error) {
	c, err := env.ExecuteAsync(ctx, name)
	if err != nil {
		return nil, "", err
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for done.Load() < n {
		select {
		case <-c.Done():
			jr, err := c.Wait()
			return jr, "", err
		case <-tick.C:
		}
	}
	path, err := c.StopWithSavepoint(ctx, dir)
	if err != nil {
		c.Cancel()
		c.Wait()
		return nil, "", err
	}
	jr, _ := c.Wait()
	return jr, path, nil
}
