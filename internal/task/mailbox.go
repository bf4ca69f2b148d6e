package task

import "sync"

// Mailbox is the queue through which other goroutines hand work to a task.
// Mail runs on the task goroutine between input batches. When the task
// exits its mailbox closes: mail queued then, or later, never runs.
type Mailbox struct {
	mu     sync.Mutex
	mail   []mail
	closed bool
	notify chan struct{}
}

type mail struct {
	fn func()
	// dropped, if set, runs instead of fn when the mailbox closes first.
	dropped func()
}

func newMailbox() *Mailbox { return &Mailbox{notify: make(chan struct{}, 1)} }

// Put queues fn to run on the task goroutine. It never blocks.
func (m *Mailbox) Put(fn func()) { m.put(fn, nil) }

// PutOrDrop queues fn as Put; if the mailbox is closed, or closes before fn
// runs, dropped is called instead.
func (m *Mailbox) PutOrDrop(fn, dropped func()) { m.put(fn, dropped) }

// put queues fn; if the mailbox is closed, or closes before fn runs,
// dropped (if not nil) is called instead: on the caller's goroutine, or on
// the task goroutine as it exits.
func (m *Mailbox) put(fn, dropped func()) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		if dropped != nil {
			dropped()
		}
		return
	}
	m.mail = append(m.mail, mail{fn: fn, dropped: dropped})
	m.mu.Unlock()
	select {
	case m.notify <- struct{}{}:
	default:
	}
}

// drain runs all queued mail, including mail queued while running.
func (m *Mailbox) drain() bool {
	ran := false
	for {
		m.mu.Lock()
		batch := m.mail
		m.mail = nil
		m.mu.Unlock()
		if len(batch) == 0 {
			return ran
		}
		for _, ml := range batch {
			ml.fn()
		}
		ran = true
	}
}

// close refuses further mail and drops what is queued.
func (m *Mailbox) close() {
	m.mu.Lock()
	m.closed = true
	rest := m.mail
	m.mail = nil
	m.mu.Unlock()
	for _, ml := range rest {
		if ml.dropped != nil {
			ml.dropped()
		}
	}
}
