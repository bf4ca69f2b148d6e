package cluster

import (
	"fmt"
	"math"
	"time"
)

// RestartStrategy is restart-strategy.type and its options, as Flink.
type RestartStrategy struct {
	// Type is "none", "fixed-delay", "exponential-delay" or "failure-rate".
	// Empty means "none" without checkpointing and fixed-delay with
	// unlimited attempts and a 1 s delay with checkpointing (Flink's
	// default).
	Type string
	// Attempts is restart-strategy.fixed-delay.attempts.
	Attempts int
	// Delay is restart-strategy.fixed-delay.delay or
	// restart-strategy.failure-rate.delay.
	Delay time.Duration
	// InitialBackoff, MaxBackoff and BackoffMultiplier are
	// restart-strategy.exponential-delay.initial-backoff, .max-backoff and
	// .backoff-multiplier.
	InitialBackoff    time.Duration
	MaxBackoff        time.Duration
	BackoffMultiplier float64
	// MaxFailuresPerInterval and FailureRateInterval are
	// restart-strategy.failure-rate.max-failures-per-interval and
	// .failure-rate-interval.
	MaxFailuresPerInterval int
	FailureRateInterval    time.Duration
}

// DefaultRestartStrategy returns Flink's defaults for strategy typ.
func DefaultRestartStrategy(typ string) RestartStrategy {
	return RestartStrategy{
		Type:                   typ,
		Attempts:               1,
		Delay:                  time.Second,
		InitialBackoff:         time.Second,
		MaxBackoff:             5 * time.Minute,
		BackoffMultiplier:      1.5,
		MaxFailuresPerInterval: 1,
		FailureRateInterval:    time.Minute,
	}
}

// Validate checks the options.
func (s RestartStrategy) Validate() error {
	switch s.Type {
	case "", "none", "disable", "off":
		return nil
	case "fixed-delay", "fixeddelay":
		if s.Attempts < 0 || s.Delay < 0 {
			return fmt.Errorf("restart-strategy.fixed-delay: attempts and delay must not be negative")
		}
	case "exponential-delay", "exponentialdelay":
		if s.InitialBackoff <= 0 || s.MaxBackoff < s.InitialBackoff || s.BackoffMultiplier < 1 {
			return fmt.Errorf("restart-strategy.exponential-delay: need 0 < initial-backoff <= max-backoff and backoff-multiplier >= 1")
		}
	case "failure-rate", "failurerate":
		if s.MaxFailuresPerInterval < 1 || s.FailureRateInterval <= 0 || s.Delay < 0 {
			return fmt.Errorf("restart-strategy.failure-rate: need max-failures-per-interval >= 1, a positive failure-rate-interval and a non-negative delay")
		}
	default:
		return fmt.Errorf("restart-strategy.type: unknown strategy %q (none, fixed-delay, exponential-delay, failure-rate)", s.Type)
	}
	return nil
}

// restarter applies a strategy to the failures of one job.
type restarter struct {
	s        RestartStrategy
	restarts int
	failures []time.Time
	backoff  time.Duration
}

func newRestarter(s RestartStrategy, checkpointing bool) *restarter {
	if s.Type == "" && checkpointing {
		s.Type = "fixed-delay"
		s.Attempts = math.MaxInt32
		if s.Delay == 0 {
			s.Delay = time.Second
		}
	}
	return &restarter{s: s}
}

// next decides on a failure at now: whether to restart, after what delay.
func (r *restarter) next(now time.Time) (time.Duration, bool) {
	switch r.s.Type {
	case "fixed-delay", "fixeddelay":
		if r.restarts >= r.s.Attempts {
			return 0, false
		}
		r.restarts++
		return r.s.Delay, true
	case "exponential-delay", "exponentialdelay":
		if r.backoff == 0 {
			r.backoff = r.s.InitialBackoff
		} else {
			r.backoff = min(time.Duration(float64(r.backoff)*r.s.BackoffMultiplier), r.s.MaxBackoff)
		}
		r.restarts++
		return r.backoff, true
	case "failure-rate", "failurerate":
		r.failures = append(r.failures, now)
		for len(r.failures) > 0 && now.Sub(r.failures[0]) > r.s.FailureRateInterval {
			r.failures = r.failures[1:]
		}
		if len(r.failures) > r.s.MaxFailuresPerInterval {
			return 0, false
		}
		r.restarts++
		return r.s.Delay, true
	}
	return 0, false
}

func (r *restarter) describe() string {
	switch r.s.Type {
	case "fixed-delay", "fixeddelay":
		return fmt.Sprintf("fixed-delay restart strategy: %d restart attempts exhausted", r.s.Attempts)
	case "failure-rate", "failurerate":
		return fmt.Sprintf("failure-rate restart strategy: more than %d failures within %v", r.s.MaxFailuresPerInterval, r.s.FailureRateInterval)
	}
	return "restarts are disabled (restart-strategy.type: none)"
}
