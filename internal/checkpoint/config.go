package checkpoint

import (
	"fmt"
	"time"
)

// Config holds the checkpointing options, with Flink's names and defaults.
type Config struct {
	// Interval is execution.checkpointing.interval; 0 disables periodic
	// checkpoints (savepoints can still be taken).
	Interval time.Duration
	// Timeout is execution.checkpointing.timeout (default 10 min).
	Timeout time.Duration
	// MinPause is execution.checkpointing.min-pause: the time between the
	// end of one checkpoint and the start of the next. A positive MinPause
	// allows one checkpoint at a time, as in Flink.
	MinPause time.Duration
	// MaxConcurrent is execution.checkpointing.max-concurrent-checkpoints
	// (default 1).
	MaxConcurrent int
	// TolerableFailures is execution.checkpointing.tolerable-failed-checkpoints:
	// how many consecutive failed checkpoints the job survives (default 0).
	TolerableFailures int
	// Retained is state.checkpoints.num-retained (default 1).
	Retained int
}

// DefaultConfig returns Flink's defaults, with periodic checkpoints off.
func DefaultConfig() Config {
	return Config{Timeout: 10 * time.Minute, MaxConcurrent: 1, Retained: 1}
}

// Validate checks the options.
func (c Config) Validate() error {
	switch {
	case c.Interval < 0:
		return fmt.Errorf("execution.checkpointing.interval must not be negative, got %v", c.Interval)
	case c.Interval > 0 && c.Interval < 10*time.Millisecond:
		return fmt.Errorf("execution.checkpointing.interval must be at least 10ms, got %v", c.Interval)
	case c.Timeout <= 0:
		return fmt.Errorf("execution.checkpointing.timeout must be positive, got %v", c.Timeout)
	case c.MinPause < 0:
		return fmt.Errorf("execution.checkpointing.min-pause must not be negative, got %v", c.MinPause)
	case c.MaxConcurrent < 1:
		return fmt.Errorf("execution.checkpointing.max-concurrent-checkpoints must be at least 1, got %d", c.MaxConcurrent)
	case c.TolerableFailures < 0:
		return fmt.Errorf("execution.checkpointing.tolerable-failed-checkpoints must not be negative, got %d", c.TolerableFailures)
	case c.Retained < 1:
		return fmt.Errorf("state.checkpoints.num-retained must be at least 1, got %d", c.Retained)
	}
	return nil
}
