package testenv

import (
	"fmt"

	"github.com/eddy-streams/eddy/internal/keygroup"
	"github.com/eddy-streams/eddy/internal/operator"
)

// Option configures a harness.
type Option func(*config)

type config struct {
	jobName, name, uid           string
	parallelism, subtask, maxPar int
	maxParSet                    bool
	keyed                        bool
	start                        int64
	attempt                      int
	editContext                  []func(*operator.Context)
}

func newConfig(opts []Option) config {
	cfg := config{jobName: "testenv", name: "test-operator", parallelism: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if !cfg.maxParSet {
		cfg.maxPar = keygroup.DefaultMaxParallelism(cfg.parallelism)
	}
	if err := keygroup.Validate(cfg.parallelism, cfg.maxPar); err != nil {
		panic("testenv: " + err.Error())
	}
	if cfg.subtask < 0 || cfg.subtask >= cfg.parallelism {
		panic(fmt.Sprintf("testenv: subtask %d is not in [0, %d)", cfg.subtask, cfg.parallelism))
	}
	if cfg.uid == "" {
		cfg.uid = cfg.name
	}
	return cfg
}

// WithName names the operator (Context.OperatorName and OperatorUID) and
// the job (Context.JobName). The defaults are "test-operator" and "testenv".
func WithName(jobName, operatorName string) Option {
	return func(c *config) { c.jobName, c.name = jobName, operatorName }
}

// WithParallelism runs the operator as subtask (0-based) of parallelism
// subtasks with max parallelism maxParallelism, which decides the
// key-group range of a keyed harness; maxParallelism 0 means the default
// for parallelism (keygroup.DefaultMaxParallelism). The default is subtask
// 0 of 1 with max parallelism 128. An invalid combination makes the harness
// constructor panic.
func WithParallelism(parallelism, subtask, maxParallelism int) Option {
	return func(c *config) {
		c.parallelism, c.subtask = parallelism, subtask
		c.maxPar, c.maxParSet = maxParallelism, maxParallelism != 0
	}
}

// Keyed gives the operator a keyed state backend (Context.Keyed): an empty
// heap backend over the subtask's key-group range, whose TTL clock is the
// harness's clock.
func Keyed() Option {
	return func(c *config) { c.keyed = true }
}

// WithProcessingTime starts the harness's clock at ms instead of 0.
func WithProcessingTime(ms int64) Option {
	return func(c *config) { c.start = ms }
}

// WithAttempt sets Context.Attempt (default 0).
func WithAttempt(attempt int) Option {
	return func(c *config) { c.attempt = attempt }
}

// WithContext calls edit with the operator's context once the harness has
// filled it in, before the operator is constructed, to set what the other
// options do not (BroadcastState, say).
func WithContext(edit func(ctx *operator.Context)) Option {
	return func(c *config) { c.editContext = append(c.editContext, edit) }
}
