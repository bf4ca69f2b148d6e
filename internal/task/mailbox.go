package task

import "sync"

// Mailbox is the queue through which other goroutines hand work to a task.
// Mail runs on the task goroutine between input batches.
type Mailbox struct {
	mu     sync.Mutex
	mail   []func()
	notify chan struct{}
}

func newMailbox() *Mailbox { return &Mailbox{notify: make(chan struct{}, 1)} }

// Put queues fn to run on the task goroutine. It never blocks.
func (m *Mailbox) Put(fn func()) {
	m.mu.Lock()
	m.mail = append(m.mail, fn)
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
		for _, fn := range batch {
			fn()
		}
		ran = true
	}
}
