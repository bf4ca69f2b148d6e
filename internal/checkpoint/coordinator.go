package checkpoint

import (
	"fmt"
	"slices"
	"sort"
)

// Kind tells a checkpoint from a savepoint.
type Kind int

const (
	Checkpoint Kind = iota
	Savepoint
)

func (k Kind) String() string {
	if k == Savepoint {
		return "savepoint"
	}
	return "checkpoint"
}

// Trigger asks the driver to start checkpoint ID at the sources.
type Trigger struct {
	ID        int64
	Kind      Kind
	Timestamp int64 // ms, when it was triggered
}

// Completed is a checkpoint every task acknowledged: the driver writes its
// metadata (making it visible) and notifies the tasks (sinks commit).
type Completed struct {
	ID        int64
	Kind      Kind
	Timestamp int64
	Duration  int64 // ms from trigger to completion
	// States holds each task's acknowledged state handle, by task.
	States map[string]any
}

// Aborted is a checkpoint that will not complete; the driver tells the
// tasks (sinks abort) and deletes what was written for it.
type Aborted struct {
	ID     int64
	Kind   Kind
	Reason string
	States map[string]any // handles acknowledged before the abort
}

// Ready is what the coordinator decided since the last Advance.
type Ready struct {
	Triggers  []Trigger
	Completed []Completed
	Aborted   []Aborted
	// Subsumed are completed checkpoints no longer retained: delete them.
	Subsumed []Completed
	// Discarded are state handles of acknowledgements that came too late
	// (their checkpoint is gone): delete them.
	Discarded []any
	// Failure, once set, fails the job: too many consecutive checkpoint
	// failures.
	Failure error
}

// Empty reports whether there is nothing to do.
func (r Ready) Empty() bool {
	return len(r.Triggers) == 0 && len(r.Completed) == 0 && len(r.Aborted) == 0 &&
		len(r.Subsumed) == 0 && len(r.Discarded) == 0 && r.Failure == nil
}

// Message is an input of Step.
type Message interface{ message() }

// Ack is a task's acknowledgement of checkpoint ID with its state handle.
type Ack struct {
	ID    int64
	Task  string
	State any
}

// Decline is a task's refusal of checkpoint ID.
type Decline struct {
	ID     int64
	Task   string
	Reason string
	// NotRunning marks a decline by a task that finished (a bounded source
	// that ended its input): the checkpoint aborts, but this does not
	// count towards the tolerable failures (as Flink's
	// NOT_ALL_REQUIRED_TASKS_RUNNING).
	NotRunning bool
}

// RequestSavepoint asks for a savepoint now, regardless of the interval,
// the minimum pause and the concurrency limit (as Flink).
type RequestSavepoint struct{}

// Hurry brings the next periodic checkpoint forward to now (it still waits
// for the minimum pause and the concurrency limit): a task finished and
// ends only after a checkpoint it takes part in completes (FLIP-147).
// Without periodic checkpoints it does nothing.
type Hurry struct{}

func (Ack) message()              {}
func (Decline) message()          {}
func (RequestSavepoint) message() {}
func (Hurry) message()            {}

type pending struct {
	id        int64
	kind      Kind
	triggered int64
	waiting   map[string]bool
	states    map[string]any
}

// Coordinator decides when checkpoints start, complete, abort, and when
// their failures fail the job. It does no I/O and reads no clock: time comes
// in through Tick. It is not safe for concurrent use.
type Coordinator struct {
	cfg   Config
	tasks []string

	now          int64
	started      bool
	nextPeriodic int64
	lastEnd      int64 // when the last checkpoint completed or aborted
	nextID       int64
	pending      map[int64]*pending
	completed    []Completed // retained checkpoints, oldest first
	failures     int         // consecutive failed checkpoints
	failed       bool

	ready Ready
}

// New returns a coordinator for a job whose tasks (by name) must all
// acknowledge a checkpoint. lastID is the id of the checkpoint the job was
// restored from (0 for a fresh start); new ids continue after it.
func New(cfg Config, tasks []string, lastID int64) (*Coordinator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return nil, fmt.Errorf("checkpoint coordinator: the job has no tasks")
	}
	seen := map[string]bool{}
	for _, t := range tasks {
		if seen[t] {
			return nil, fmt.Errorf("checkpoint coordinator: task %q listed twice", t)
		}
		seen[t] = true
	}
	return &Coordinator{cfg: cfg, tasks: slices.Clone(tasks), nextID: lastID + 1, pending: map[int64]*pending{}}, nil
}

// Tick advances time to now (epoch ms): periodic triggers and timeouts.
func (c *Coordinator) Tick(now int64) {
	if now < c.now {
		now = c.now // time never goes back
	}
	c.now = now
	if c.failed {
		return
	}
	if !c.started {
		c.started = true
		c.lastEnd = now
		c.nextPeriodic = now + c.cfg.Interval.Milliseconds()
	}
	for _, id := range c.pendingIDs() {
		p := c.pending[id]
		if now-p.triggered >= c.cfg.Timeout.Milliseconds() {
			c.abort(p, fmt.Sprintf("%s %d expired after %v before every task acknowledged it", p.kind, id, c.cfg.Timeout), true)
		}
	}
	if c.failed || c.cfg.Interval <= 0 || now < c.nextPeriodic {
		return
	}
	if c.numPending(Checkpoint) >= c.maxConcurrent() {
		return
	}
	if c.cfg.MinPause > 0 && now < c.lastEnd+c.cfg.MinPause.Milliseconds() {
		return
	}
	c.trigger(Checkpoint)
	c.nextPeriodic = now + c.cfg.Interval.Milliseconds()
}

func (c *Coordinator) maxConcurrent() int {
	if c.cfg.MinPause > 0 {
		return 1
	}
	return c.cfg.MaxConcurrent
}

func (c *Coordinator) numPending(k Kind) int {
	n := 0
	for _, p := range c.pending {
		if p.kind == k {
			n++
		}
	}
	return n
}

func (c *Coordinator) pendingIDs() []int64 {
	ids := make([]int64, 0, len(c.pending))
	for id := range c.pending {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (c *Coordinator) trigger(k Kind) {
	p := &pending{id: c.nextID, kind: k, triggered: c.now, waiting: map[string]bool{}, states: map[string]any{}}
	for _, t := range c.tasks {
		p.waiting[t] = true
	}
	c.nextID++
	c.pending[p.id] = p
	c.ready.Triggers = append(c.ready.Triggers, Trigger{ID: p.id, Kind: k, Timestamp: c.now})
}

// Step handles one message.
func (c *Coordinator) Step(m Message) error {
	switch m := m.(type) {
	case Ack:
		p, ok := c.pending[m.ID]
		if !ok {
			// The checkpoint completed, aborted or never existed: its
			// state is garbage.
			if m.State != nil {
				c.ready.Discarded = append(c.ready.Discarded, m.State)
			}
			return nil
		}
		if !p.waiting[m.Task] {
			if _, known := p.states[m.Task]; known {
				return fmt.Errorf("task %q acknowledged %s %d twice", m.Task, p.kind, m.ID)
			}
			return fmt.Errorf("task %q is not part of the job", m.Task)
		}
		delete(p.waiting, m.Task)
		p.states[m.Task] = m.State
		if len(p.waiting) == 0 {
			c.complete(p)
		}
	case Decline:
		p, ok := c.pending[m.ID]
		if !ok {
			return nil
		}
		c.abort(p, fmt.Sprintf("task %q declined %s %d: %s", m.Task, p.kind, m.ID, m.Reason), !m.NotRunning)
	case Hurry:
		if c.started && c.cfg.Interval > 0 {
			c.nextPeriodic = min(c.nextPeriodic, c.now)
		}
	case RequestSavepoint:
		if c.failed {
			return fmt.Errorf("the job failed; no savepoint can be taken")
		}
		c.trigger(Savepoint)
	default:
		return fmt.Errorf("checkpoint coordinator: unknown message %T", m)
	}
	return nil
}

func (c *Coordinator) complete(p *pending) {
	delete(c.pending, p.id)
	done := Completed{ID: p.id, Kind: p.kind, Timestamp: p.triggered, Duration: c.now - p.triggered, States: p.states}
	c.ready.Completed = append(c.ready.Completed, done)
	c.failures = 0
	if p.kind == Savepoint {
		return // savepoints belong to the user: never subsumed
	}
	c.lastEnd = c.now
	// Older pending checkpoints are subsumed by this one, as in Flink.
	for _, id := range c.pendingIDs() {
		if q := c.pending[id]; id < p.id && q.kind == Checkpoint {
			c.abort(q, fmt.Sprintf("checkpoint %d subsumed by checkpoint %d", id, p.id), false)
		}
	}
	c.completed = append(c.completed, done)
	for len(c.completed) > c.cfg.Retained {
		c.ready.Subsumed = append(c.ready.Subsumed, c.completed[0])
		c.completed = c.completed[1:]
	}
}

func (c *Coordinator) abort(p *pending, reason string, isFailure bool) {
	delete(c.pending, p.id)
	c.ready.Aborted = append(c.ready.Aborted, Aborted{ID: p.id, Kind: p.kind, Reason: reason, States: p.states})
	if p.kind == Checkpoint {
		c.lastEnd = c.now
	}
	if !isFailure {
		return
	}
	c.failures++
	if c.failures > c.cfg.TolerableFailures && !c.failed {
		c.failed = true
		c.ready.Failure = fmt.Errorf("exceeded checkpoint tolerable failure threshold (%d): %s", c.cfg.TolerableFailures, reason)
		for _, id := range c.pendingIDs() {
			q := c.pending[id]
			delete(c.pending, id)
			c.ready.Aborted = append(c.ready.Aborted, Aborted{ID: id, Kind: q.kind, Reason: "the job failed", States: q.states})
		}
	}
}

// Ready returns what was decided since the last Advance.
func (c *Coordinator) Ready() Ready { return c.ready }

// Advance acknowledges that the driver handled the last Ready.
func (c *Coordinator) Advance() { c.ready = Ready{} }

// Latest returns the latest completed (retained) checkpoint.
func (c *Coordinator) Latest() (Completed, bool) {
	if len(c.completed) == 0 {
		return Completed{}, false
	}
	return c.completed[len(c.completed)-1], true
}

// Pending returns the ids of checkpoints in progress, in order.
func (c *Coordinator) Pending() []int64 {
	ids := c.pendingIDs()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
