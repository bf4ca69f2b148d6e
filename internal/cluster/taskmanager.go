package cluster

import (
	"context"
	"fmt"
	"sync"
)

// TaskExecutor runs deployed subtasks in its slots. The local TaskManager
// implements it in process; a networked TaskManager implements it later.
type TaskExecutor interface {
	// NumSlots returns how many slots the executor offers.
	NumSlots() int
	// Submit starts d in slot and calls done with the task's result when it
	// exits. It returns without waiting for the task.
	Submit(ctx context.Context, slot int, d *Deployment, done func(error)) error
}

// LocalTaskManager runs subtasks as goroutines of this process.
type LocalTaskManager struct {
	slots int

	mu struct {
		sync.Mutex
		running map[int]int // slot -> running tasks
	}
}

// NewLocalTaskManager returns a task manager with the given number of slots.
func NewLocalTaskManager(slots int) *LocalTaskManager {
	tm := &LocalTaskManager{slots: slots}
	tm.mu.running = map[int]int{}
	return tm
}

// NumSlots implements TaskExecutor.
func (tm *LocalTaskManager) NumSlots() int { return tm.slots }

// Submit implements TaskExecutor.
func (tm *LocalTaskManager) Submit(ctx context.Context, slot int, d *Deployment, done func(error)) error {
	if slot < 0 || slot >= tm.slots {
		return fmt.Errorf("slot %d does not exist (the task manager has %d)", slot, tm.slots)
	}
	tm.mu.Lock()
	tm.mu.running[slot]++
	tm.mu.Unlock()
	go func() {
		err := d.Task.Run(ctx)
		if cerr := d.closeState(); err == nil {
			err = cerr
		}
		tm.mu.Lock()
		tm.mu.running[slot]--
		tm.mu.Unlock()
		done(err)
	}()
	return nil
}
