package opstate

import (
	"fmt"
	"slices"
)

// Redistribute returns the store of new subtask subtask of newParallelism
// from the snapshots of the old subtasks, in subtask order (old[i] is old
// subtask i's snapshot, nil if it had none; len(old) is the old
// parallelism). See the package comment for what each mode gets. At the same
// parallelism a subtask keeps its own list and broadcast elements.
func Redistribute(old [][]byte, newParallelism, subtask int) (*Store, error) {
	if newParallelism <= 0 || subtask < 0 || subtask >= newParallelism {
		return nil, fmt.Errorf("redistributing operator state: subtask %d of parallelism %d", subtask, newParallelism)
	}
	type merged struct {
		snapshotState
		perSubtask [][][]byte // the elements of each old subtask
	}
	byName := make(map[string]*merged)
	var order []string
	for i, data := range old {
		if data == nil {
			continue
		}
		states, err := decode(data)
		if err != nil {
			return nil, fmt.Errorf("the operator state of old subtask %d: %w", i, err)
		}
		for _, s := range states {
			m, ok := byName[s.name]
			if !ok {
				m = &merged{snapshotState: snapshotState{name: s.name, mode: s.mode, typeName: s.typeName}, perSubtask: make([][][]byte, len(old))}
				byName[s.name] = m
				order = append(order, s.name)
			} else if m.mode != s.mode || m.typeName != s.typeName {
				return nil, fmt.Errorf("%w: operator state %q is %s state of %s in one subtask and %s state of %s in another", ErrCorrupt, s.name, m.mode, m.typeName, s.mode, s.typeName)
			}
			m.perSubtask[i] = s.elems
		}
	}
	oldParallelism := len(old)
	var states []snapshotState
	for _, name := range order {
		m := byName[name]
		s := m.snapshotState
		switch {
		case m.mode == Broadcast:
			// Every old subtask holds the same copy; take one that exists.
			for k := range oldParallelism {
				if e := m.perSubtask[(subtask+k)%oldParallelism]; e != nil {
					s.elems = e
					break
				}
			}
		case m.mode == Split && oldParallelism == newParallelism:
			if subtask < oldParallelism {
				s.elems = m.perSubtask[subtask]
			}
		case m.mode == Split:
			all := slices.Concat(m.perSubtask...)
			base, rest := len(all)/newParallelism, len(all)%newParallelism
			start := subtask*base + min(subtask, rest)
			end := start + base
			if subtask < rest {
				end++
			}
			s.elems = all[start:end]
		case m.mode == Union:
			s.elems = slices.Concat(m.perSubtask...)
		}
		states = append(states, s)
	}
	st := NewStore()
	st.restore(states)
	return st, nil
}
