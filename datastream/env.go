package datastream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/internal/checkpoint"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/cluster"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Config holds the job options, named after Flink's configuration keys.
type Config struct {
	// Parallelism is parallelism.default.
	Parallelism int
	// MaxParallelism is pipeline.max-parallelism (0: derived per operator).
	MaxParallelism int
	// AutoWatermarkInterval is pipeline.auto-watermark-interval.
	AutoWatermarkInterval time.Duration
	// BufferTimeout is execution.buffer-timeout, with Flink's meaning: a
	// partial batch is sent at least this often; 0 sends every record at
	// once (lowest latency, lowest throughput); -1 (any negative value)
	// sends batches only when full. In every case a task also sends its
	// partial batches when it runs out of input, before it waits.
	BufferTimeout time.Duration
	// BatchSize is the number of records per exchange buffer
	// (eddy.exchange.batch-size).
	BatchSize int
	// BuffersPerChannel is taskmanager.network.memory.buffers-per-channel:
	// the credit of each channel between tasks.
	BuffersPerChannel int
	// TaskSlots is taskmanager.numberOfTaskSlots of the local task manager
	// (0: as many as the job needs).
	TaskSlots int

	// Checkpoint holds execution.checkpointing.interval (0: no periodic
	// checkpoints), .timeout, .min-pause, .max-concurrent-checkpoints,
	// .tolerable-failed-checkpoints and state.checkpoints.num-retained.
	Checkpoint checkpoint.Config
	// CheckpointDir is state.checkpoints.dir: the local directory
	// checkpoints are written to (under <dir>/<job-id>/chk-<n>/). Periodic
	// checkpoints need it. It may also be a file:// URL or an s3:// URL;
	// s3:// needs the S3 storage linked into the program, which datastream
	// does not do: import _
	// "github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store"
	// (the eddy command does).
	CheckpointDir string
	// CheckpointingMode is execution.checkpointing.mode: EXACTLY_ONCE (the
	// default) or AT_LEAST_ONCE.
	CheckpointingMode string
	// UnalignedCheckpoints is execution.checkpointing.unaligned.enabled
	// (Flink's FLIP-76; exactly-once only): a checkpoint barrier overtakes
	// the records in flight, which become part of the checkpoint as channel
	// state, so checkpoints complete quickly under backpressure. Savepoints
	// stay aligned. The element types of the edges need a codec (serde.For);
	// a task whose input has none takes its checkpoints aligned.
	UnalignedCheckpoints bool
	// AlignedCheckpointTimeout is
	// execution.checkpointing.aligned-checkpoint-timeout (Flink's FLIP-183):
	// with unaligned checkpoints, a checkpoint starts aligned and switches
	// to unaligned where its alignment lasts longer than this, counted from
	// its trigger. 0 (the default) makes every checkpoint unaligned.
	AlignedCheckpointTimeout time.Duration
	// NoCheckpointsAfterTasksFinish is the negation of
	// execution.checkpointing.checkpoints-after-tasks-finish.enabled (true
	// by default, as in Flink): with it, a task that finished waits for a
	// final checkpoint before it ends and checkpoints go on after some tasks
	// finished; without, a finished task ends at once and the checkpoints
	// triggered after that fail.
	NoCheckpointsAfterTasksFinish bool
	// SavepointPath is execution.savepoint.path: a retained checkpoint (a
	// chk-<n> folder, or a job's folder for its latest intact checkpoint)
	// to start the job from.
	SavepointPath string
	// IgnoreUnclaimedState is execution.savepoint.ignore-unclaimed-state
	// (--allow-non-restored-state): restoring skips the state of operators
	// the job no longer has instead of refusing the savepoint.
	IgnoreUnclaimedState bool
	// State holds the state backend options (state.backend.*).
	State StateBackendConfig
	// JobID names the job's checkpoint folder (eddy.job-id; random when
	// empty).
	JobID string
	// Restart is restart-strategy.type and its options. The default type
	// (empty) is none without checkpointing and fixed-delay with unlimited
	// attempts (and restart-strategy.fixed-delay.delay, 1 s) with it.
	Restart cluster.RestartStrategy
}

// DefaultConfig returns Flink's defaults where Flink has them.
func DefaultConfig() Config {
	return Config{
		Parallelism:           1,
		AutoWatermarkInterval: 200 * time.Millisecond,
		BufferTimeout:         100 * time.Millisecond,
		BatchSize:             1024,
		BuffersPerChannel:     4,
		Checkpoint:            checkpoint.DefaultConfig(),
		CheckpointingMode:     "EXACTLY_ONCE",
		Restart:               cluster.DefaultRestartStrategy(""),
	}
}

// Set sets one option by its Flink key and validates the result.
func (c *Config) Set(key, value string) error {
	if err := c.set(key, value); err != nil {
		return err
	}
	return c.validate()
}

// set parses one option without checking it against the others.
func (c *Config) set(key, value string) error {
	intValue := func() (int, error) {
		n, err := strconv.Atoi(value)
		if err != nil {
			return 0, fmt.Errorf("option %s: %q is not an integer", key, value)
		}
		return n, nil
	}
	durValue := func() (time.Duration, error) {
		if n, err := strconv.Atoi(value); err == nil {
			return time.Duration(n) * time.Millisecond, nil
		}
		d, err := time.ParseDuration(value)
		if err != nil {
			return 0, fmt.Errorf("option %s: %q is not a duration (e.g. 200ms, 1s)", key, value)
		}
		return d, nil
	}
	floatValue := func() (float64, error) {
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return 0, fmt.Errorf("option %s: %q is not a number", key, value)
		}
		return f, nil
	}
	var err error
	switch key {
	case "execution.checkpointing.interval":
		c.Checkpoint.Interval, err = durValue()
	case "execution.checkpointing.timeout":
		c.Checkpoint.Timeout, err = durValue()
	case "execution.checkpointing.min-pause":
		c.Checkpoint.MinPause, err = durValue()
	case "execution.checkpointing.max-concurrent-checkpoints":
		c.Checkpoint.MaxConcurrent, err = intValue()
	case "execution.checkpointing.tolerable-failed-checkpoints":
		c.Checkpoint.TolerableFailures, err = intValue()
	case "state.checkpoints.num-retained":
		c.Checkpoint.Retained, err = intValue()
	case "state.checkpoints.dir":
		c.CheckpointDir = strings.TrimPrefix(value, "file://")
	case "execution.checkpointing.mode":
		c.CheckpointingMode = strings.ToUpper(strings.ReplaceAll(value, "-", "_"))
	case "execution.checkpointing.unaligned.enabled", "execution.checkpointing.unaligned":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		c.UnalignedCheckpoints = b
	case "execution.checkpointing.aligned-checkpoint-timeout", "execution.checkpointing.alignment-timeout":
		c.AlignedCheckpointTimeout, err = durValue()
	case "execution.savepoint.path":
		c.SavepointPath = strings.TrimPrefix(value, "file://")
	case "execution.checkpointing.checkpoints-after-tasks-finish.enabled":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("execution.checkpointing.checkpoints-after-tasks-finish.enabled: %w", err)
		}
		c.NoCheckpointsAfterTasksFinish = !b
	case "execution.savepoint.ignore-unclaimed-state":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("execution.savepoint.ignore-unclaimed-state: %w", err)
		}
		c.IgnoreUnclaimedState = b
	case "eddy.job-id":
		c.JobID = value
	case "restart-strategy.type", "restart-strategy":
		c.Restart.Type = strings.ToLower(value)
	case "restart-strategy.fixed-delay.attempts":
		c.Restart.Attempts, err = intValue()
	case "restart-strategy.fixed-delay.delay", "restart-strategy.failure-rate.delay":
		c.Restart.Delay, err = durValue()
	case "restart-strategy.exponential-delay.initial-backoff":
		c.Restart.InitialBackoff, err = durValue()
	case "restart-strategy.exponential-delay.max-backoff":
		c.Restart.MaxBackoff, err = durValue()
	case "restart-strategy.exponential-delay.backoff-multiplier":
		c.Restart.BackoffMultiplier, err = floatValue()
	case "restart-strategy.failure-rate.max-failures-per-interval":
		c.Restart.MaxFailuresPerInterval, err = intValue()
	case "restart-strategy.failure-rate.failure-rate-interval":
		c.Restart.FailureRateInterval, err = durValue()
	case "parallelism.default":
		c.Parallelism, err = intValue()
	case "pipeline.max-parallelism":
		c.MaxParallelism, err = intValue()
	case "pipeline.auto-watermark-interval":
		c.AutoWatermarkInterval, err = durValue()
	case "execution.buffer-timeout":
		c.BufferTimeout, err = durValue()
	case "eddy.exchange.batch-size":
		c.BatchSize, err = intValue()
	case "taskmanager.network.memory.buffers-per-channel":
		c.BuffersPerChannel, err = intValue()
	case "taskmanager.numberOfTaskSlots":
		c.TaskSlots, err = intValue()
	default:
		if handled, err := c.State.set(key, value); handled {
			return err
		}
		return fmt.Errorf("unknown option %q", key)
	}
	return err
}

// Upper bounds that keep a mistyped exchange size from exhausting memory.
const (
	maxBatchSize         = 1 << 16
	maxBuffersPerChannel = 1 << 10
)

func (c *Config) validate() error {
	switch {
	case c.Parallelism <= 0:
		return fmt.Errorf("parallelism.default must be positive, got %d", c.Parallelism)
	case c.MaxParallelism < 0 || c.MaxParallelism > keygroup.UpperBoundMaxParallelism:
		return fmt.Errorf("pipeline.max-parallelism must be in [1, %d], got %d", keygroup.UpperBoundMaxParallelism, c.MaxParallelism)
	case c.MaxParallelism > 0 && c.Parallelism > c.MaxParallelism:
		return fmt.Errorf("parallelism.default %d is greater than pipeline.max-parallelism %d", c.Parallelism, c.MaxParallelism)
	case c.AutoWatermarkInterval <= 0:
		return fmt.Errorf("pipeline.auto-watermark-interval must be positive, got %v", c.AutoWatermarkInterval)
	case c.BufferTimeout < 0 && c.BufferTimeout != -time.Millisecond:
		return fmt.Errorf("execution.buffer-timeout must be -1 (flush only full batches), 0 or positive, got %v", c.BufferTimeout)
	case c.BatchSize <= 0 || c.BatchSize > maxBatchSize:
		return fmt.Errorf("eddy.exchange.batch-size must be in [1, %d], got %d", maxBatchSize, c.BatchSize)
	case c.BuffersPerChannel <= 0 || c.BuffersPerChannel > maxBuffersPerChannel:
		return fmt.Errorf("taskmanager.network.memory.buffers-per-channel must be in [1, %d], got %d", maxBuffersPerChannel, c.BuffersPerChannel)
	case c.TaskSlots < 0:
		return fmt.Errorf("taskmanager.numberOfTaskSlots must not be negative, got %d", c.TaskSlots)
	case c.CheckpointingMode != "EXACTLY_ONCE" && c.CheckpointingMode != "AT_LEAST_ONCE":
		return fmt.Errorf("execution.checkpointing.mode must be EXACTLY_ONCE or AT_LEAST_ONCE, got %q", c.CheckpointingMode)
	case c.UnalignedCheckpoints && c.CheckpointingMode != "EXACTLY_ONCE":
		return fmt.Errorf("execution.checkpointing.unaligned.enabled requires execution.checkpointing.mode EXACTLY_ONCE, got %s", c.CheckpointingMode)
	case c.AlignedCheckpointTimeout < 0:
		return fmt.Errorf("execution.checkpointing.aligned-checkpoint-timeout must not be negative, got %v", c.AlignedCheckpointTimeout)
	}
	if err := c.Checkpoint.Validate(); err != nil {
		return err
	}
	if err := c.State.validate(); err != nil {
		return err
	}
	return c.Restart.Validate()
}

// Env builds a job and runs it. It is not safe for concurrent use while
// the job is being built.
type Env struct {
	cfg   Config
	graph *graph.StreamGraph
	errs  []error
	clock operator.Clock
	// sinks that must be reset before each execution (collect sinks).
	resets []func()
}

// NewEnv returns an environment with Flink's defaults that runs jobs in
// this process (local mode: the cluster's runtime with in-process slots).
func NewEnv() *Env {
	return &Env{cfg: DefaultConfig(), graph: &graph.StreamGraph{}, clock: wallClock{}}
}

// Config returns the environment's configuration.
func (e *Env) Config() Config { return e.cfg }

// Configure sets options by their Flink keys. Either all options are
// applied or, on an error, none.
func (e *Env) Configure(options map[string]string) error {
	cfg := e.cfg
	for k, v := range options {
		if err := cfg.set(k, v); err != nil {
			return err
		}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	e.cfg = cfg
	return nil
}

// SetParallelism sets the default parallelism of operators.
func (e *Env) SetParallelism(p int) *Env {
	if p <= 0 {
		e.fail(fmt.Errorf("environment: parallelism must be positive, got %d", p))
		return e
	}
	e.cfg.Parallelism = p
	return e
}

// SetMaxParallelism sets the default max parallelism (the number of key
// groups) of operators.
func (e *Env) SetMaxParallelism(p int) *Env {
	if p <= 0 || p > keygroup.UpperBoundMaxParallelism {
		e.fail(fmt.Errorf("environment: max parallelism must be in [1, %d], got %d", keygroup.UpperBoundMaxParallelism, p))
		return e
	}
	e.cfg.MaxParallelism = p
	return e
}

// SetCheckpointDir sets state.checkpoints.dir.
func (e *Env) SetCheckpointDir(dir string) *Env { e.cfg.CheckpointDir = dir; return e }

// EnableCheckpointing sets execution.checkpointing.interval.
func (e *Env) EnableCheckpointing(interval time.Duration) *Env {
	e.cfg.Checkpoint.Interval = interval
	return e
}

// SetSavepointPath sets execution.savepoint.path: the job starts from the
// retained checkpoint at path.
func (e *Env) SetSavepointPath(path string) *Env { e.cfg.SavepointPath = path; return e }

// SetIgnoreUnclaimedState sets execution.savepoint.ignore-unclaimed-state.
func (e *Env) SetIgnoreUnclaimedState(ignore bool) *Env {
	e.cfg.IgnoreUnclaimedState = ignore
	return e
}

// SetClock replaces the processing-time clock (tests).
func (e *Env) SetClock(c operator.Clock) *Env { e.clock = c; return e }

func (e *Env) fail(err error) { e.errs = append(e.errs, err) }

// JobResult is what a finished job reports.
type JobResult struct {
	JobName  string
	Duration time.Duration
	// Checkpoints lists the periodic checkpoints that completed, in order
	// (empty without checkpointing).
	Checkpoints []CheckpointStat
	// Restarts lists the recoveries after failures, in order.
	Restarts []RestartStat
}

// CheckpointStat describes a completed checkpoint: its id, the time from
// trigger to completion and the total size of its files.
type CheckpointStat = cluster.CheckpointStat

// RestartStat describes a recovery: the time from the failure being
// observed to every task of the new attempt having opened its operators
// (restored and about to process input again).
type RestartStat = cluster.RestartStat

// Execute runs the job built so far and blocks until it finishes, fails or
// ctx is cancelled.
func (e *Env) Execute(ctx context.Context, jobName string) (*JobResult, error) {
	c, err := e.ExecuteAsync(ctx, jobName)
	if err != nil {
		return nil, err
	}
	return c.Wait()
}

// JobClient controls a job submitted with ExecuteAsync.
type JobClient struct {
	JobName string
	cancel  context.CancelFunc
	done    chan struct{}
	result  *JobResult
	err     error
	once    sync.Once

	savepoints chan cluster.SavepointRequest
}

// TriggerSavepoint takes a savepoint of the running job into a new folder
// "<dir>/savepoint-<id>-<random>/" and returns that folder's path.
func (c *JobClient) TriggerSavepoint(ctx context.Context, dir string) (string, error) {
	return c.savepoint(ctx, dir, false)
}

// StopWithSavepoint takes a savepoint as TriggerSavepoint, then stops the
// job once its sinks committed what the savepoint covers (Flink's
// stop-with-savepoint without --drain). The job ends without error; the
// call returns after it ended.
func (c *JobClient) StopWithSavepoint(ctx context.Context, dir string) (string, error) {
	return c.savepoint(ctx, dir, true)
}

func (c *JobClient) savepoint(ctx context.Context, dir string, stop bool) (string, error) {
	if dir == "" {
		return "", errors.New("savepoint: no target directory")
	}
	reply := make(chan cluster.SavepointResult, 1)
	select {
	case c.savepoints <- cluster.SavepointRequest{Dir: dir, Stop: stop, Reply: reply}:
	case <-ctx.Done():
		return "", ctx.Err()
	case <-c.done:
		return "", fmt.Errorf("savepoint: job %q ended", c.JobName)
	}
	var r cluster.SavepointResult
	select {
	case r = <-reply:
	case <-ctx.Done():
		return "", ctx.Err()
	case <-c.done:
		select {
		case r = <-reply:
		default:
			return "", fmt.Errorf("savepoint: job %q ended before the savepoint completed", c.JobName)
		}
	}
	if r.Err != nil {
		return "", fmt.Errorf("savepoint of job %q: %w", c.JobName, r.Err)
	}
	if stop {
		select {
		case <-c.done:
		case <-ctx.Done():
			return r.Path, ctx.Err()
		}
		if c.err != nil {
			return r.Path, c.err
		}
	}
	return r.Path, nil
}

// Cancel cancels the job; Wait returns once every task stopped.
func (c *JobClient) Cancel() { c.cancel() }

// Wait blocks until the job ends and returns its result.
func (c *JobClient) Wait() (*JobResult, error) {
	<-c.done
	return c.result, c.err
}

// Done is closed when the job ended.
func (c *JobClient) Done() <-chan struct{} { return c.done }

// ExecuteAsync submits the job and returns without waiting for it.
func (e *Env) ExecuteAsync(ctx context.Context, jobName string) (*JobClient, error) {
	if len(e.errs) > 0 {
		return nil, fmt.Errorf("invalid job %q: %w", jobName, errors.Join(e.errs...))
	}
	if err := e.cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid job %q: %w", jobName, err)
	}
	if e.cfg.Checkpoint.Interval > 0 && e.cfg.CheckpointDir == "" {
		return nil, fmt.Errorf("invalid job %q: execution.checkpointing.interval is set but state.checkpoints.dir is not", jobName)
	}
	e.graph.JobName = jobName
	e.graph.DefaultParallelism = e.cfg.Parallelism
	e.graph.MaxParallelism = e.cfg.MaxParallelism
	jg, err := graph.BuildJobGraph(e.graph)
	if err != nil {
		return nil, fmt.Errorf("invalid job %q: %w", jobName, err)
	}
	slots := e.cfg.TaskSlots
	if slots == 0 {
		slots = cluster.SlotsNeeded(jg)
	}
	for _, r := range e.resets {
		r()
	}
	batchSize, flushEvery := e.cfg.BatchSize, e.cfg.BufferTimeout.Milliseconds()
	switch {
	case e.cfg.BufferTimeout == 0:
		batchSize, flushEvery = 1, 0 // every record is sent at once
	case e.cfg.BufferTimeout < 0:
		flushEvery = 0 // full batches only (and when the task goes idle)
	case flushEvery == 0:
		flushEvery = 1
	}
	backends := &keyedBackends{cfg: e.cfg.State, clock: e.clock}
	opts := cluster.Options{
		JobName:                      jobName,
		BatchSize:                    batchSize,
		Credits:                      e.cfg.BuffersPerChannel,
		BufferTimeoutMillis:          flushEvery,
		Clock:                        e.clock,
		NewKeyedBackend:              backends.new,
		RestoreKeyedBackend:          backends.restore,
		RestoreKeyedBackendFromFiles: backends.restoreFromFiles,
		LocalRecovery:                e.cfg.State.LocalRecovery,
		Restart:                      e.cfg.Restart,
		RestorePath:                  e.cfg.SavepointPath,

		AllowNonRestoredState: e.cfg.IgnoreUnclaimedState,
	}
	if e.cfg.CheckpointingMode == "AT_LEAST_ONCE" {
		opts.CheckpointingMode = exchange.AtLeastOnce
	}
	if e.cfg.Checkpoint.Interval > 0 {
		id := e.cfg.JobID
		if id == "" {
			var b [16]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		blob, err := storage.Open(e.cfg.CheckpointDir) // a path, file:// or s3:// URL
		if err != nil {
			return nil, fmt.Errorf("invalid job %q: state.checkpoints.dir: %w", jobName, err)
		}
		opts.Checkpointing = &cluster.CheckpointOptions{Config: e.cfg.Checkpoint, Storage: blob, JobID: id,
			AfterTasksFinish: !e.cfg.NoCheckpointsAfterTasksFinish, Incremental: e.cfg.State.Incremental}
		opts.Checkpointing.Unaligned, opts.Checkpointing.AlignedCheckpointTimeout = e.cfg.UnalignedCheckpoints, e.cfg.AlignedCheckpointTimeout
	}
	jobCtx, cancel := context.WithCancel(ctx)
	c := &JobClient{JobName: jobName, cancel: cancel, done: make(chan struct{}), savepoints: make(chan cluster.SavepointRequest)}
	opts.Savepoints = c.savepoints
	var statsMu sync.Mutex
	var cps []CheckpointStat
	var rss []RestartStat
	opts.OnCheckpoint = func(s CheckpointStat) {
		statsMu.Lock()
		cps = append(cps, s)
		statsMu.Unlock()
	}
	opts.OnRestart = func(s RestartStat) {
		statsMu.Lock()
		rss = append(rss, s)
		statsMu.Unlock()
	}
	start := time.Now()
	go func() {
		defer close(c.done)
		defer cancel()
		defer backends.close()
		err := cluster.Run(jobCtx, jg, opts, cluster.NewLocalTaskManager(slots))
		if err != nil {
			c.err = fmt.Errorf("job %q failed: %w", jobName, err)
			return
		}
		statsMu.Lock()
		c.result = &JobResult{JobName: jobName, Duration: time.Since(start), Checkpoints: cps, Restarts: rss}
		statsMu.Unlock()
	}()
	return c, nil
}

type wallClock struct{}

func (wallClock) NowMillis() int64 { return time.Now().UnixMilli() }
