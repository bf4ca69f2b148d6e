package cluster

import (
	"fmt"
	"hash/crc32"
	"sort"
	"sync"

	"github.com/eddy-streams/eddy/internal/checkpoint"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/exchange"
	"github.com/eddy-streams/eddy/internal/graph"
	"github.com/eddy-streams/eddy/internal/task"
)

// Unaligned checkpoints (Flink's FLIP-76, with FLIP-183's aligned
// checkpoint timeout): the tasks record the records their barriers
// overtook as channel state (exchange.Aligner, task.ChannelStateHandler);
// a task's handler stores it as one file per subtask next to the keyed
// state, "<head-operator-id>-<subtask>-channels", referenced from the head
// operator's subtask entry (storage.SubtaskState.ChannelState). A restored
// task replays it before reading new input.

// validateUnaligned checks the unaligned checkpoint options against the
// checkpointing mode.
func (o *CheckpointOptions) validateUnaligned(mode exchange.CheckpointingMode) error {
	switch {
	case o.AlignedCheckpointTimeout < 0:
		return fmt.Errorf("execution.checkpointing.aligned-checkpoint-timeout must not be negative, got %v", o.AlignedCheckpointTimeout)
	case o.Unaligned && mode != exchange.ExactlyOnce:
		return fmt.Errorf("execution.checkpointing.unaligned.enabled requires execution.checkpointing.mode EXACTLY_ONCE, got %v", mode)
	}
	return nil
}

// setUnaligned passes the unaligned checkpoint options to a task.
func (o *CheckpointOptions) setUnaligned(t *task.Task) {
	if o != nil && o.Unaligned {
		t.SetUnaligned(true, o.AlignedCheckpointTimeout)
	}
}

// restoreChannelState gives subtask i of vertex v the channel state the
// restored checkpoint holds for it. Channel state is restored only at the
// same parallelism (a savepoint, always aligned, rescales).
func (x *execution) restoreChannelState(v *graph.Vertex, i int, t *task.Task) error {
	if x.restore == nil || v.Head.IsSource {
		return nil
	}
	op, ok := x.restore.meta.Operator(OperatorID(v.Head))
	if !ok {
		return nil
	}
	for _, st := range op.Subtasks {
		if st.ChannelState == nil {
			continue
		}
		if op.Parallelism != v.Head.Parallelism {
			return fmt.Errorf("restoring operator %q (%s): %s %d is unaligned (it holds in-flight records as channel state) "+
				"and was taken at parallelism %d, the job has %d; restore it at the same parallelism, or rescale from a savepoint",
				v.Head.Name, OperatorID(v.Head), x.restore.meta.Kind, x.restore.meta.CheckpointID, op.Parallelism, v.Head.Parallelism)
		}
		if st.Subtask != i {
			continue
		}
		data, ok := x.restore.files[st.ChannelState.Name]
		if !ok {
			return fmt.Errorf("restoring operator %q: channel state file %s was not loaded", v.Head.Name, st.ChannelState.Name)
		}
		t.SetChannelState(data)
	}
	return nil
}

// channelJoin pairs, per unaligned checkpoint of one task, the written
// snapshot with the written channel state: the task is acknowledged when
// both are there.
type channelJoin struct {
	mu    sync.Mutex
	parts map[int64]*joinPart
}

type joinPart struct {
	ack     *taskAck // the written snapshot
	channel *piece   // the written channel state (nil: none in flight)
	path    string
	hasCh   bool
	failed  bool
}

// maxJoins bounds the checkpoints a task waits on: older ones were aborted.
const maxJoins = 16

// part returns the entry of checkpoint id, creating it. Requires mu.
func (j *channelJoin) partLocked(id int64) *joinPart {
	if j.parts == nil {
		j.parts = map[int64]*joinPart{}
	}
	p, ok := j.parts[id]
	if !ok {
		p = &joinPart{}
		j.parts[id] = p
		if len(j.parts) > maxJoins {
			ids := make([]int64, 0, len(j.parts))
			for k := range j.parts {
				ids = append(ids, k)
			}
			sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
			for _, k := range ids[:len(ids)-maxJoins] {
				delete(j.parts, k)
			}
		}
	}
	return p
}

// fail forgets checkpoint id: the task declined it.
func (j *channelJoin) fail(id int64) {
	j.mu.Lock()
	if p, ok := j.parts[id]; ok {
		p.failed = true
	}
	j.mu.Unlock()
}

// snapshotWritten records the written snapshot of unaligned checkpoint id.
func (h *handler) snapshotWritten(id int64, ack *taskAck) {
	j := &h.unaligned
	j.mu.Lock()
	p := j.partLocked(id)
	p.ack = ack
	h.ackIfJoinedLocked(id, p)
	j.mu.Unlock()
}

// ChannelState writes the channel state of unaligned checkpoint id
// (task.ChannelStateHandler) and acknowledges the checkpoint if its
// snapshot is written.
func (h *handler) ChannelState(id int64, data []byte) {
	if data == nil {
		h.channelWritten(id, nil, "")
		return
	}
	d, dep := h.d, h.dep
	blob, dir := d.blobFor(id)
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.writes.Add(1)
	d.mu.Unlock()
	go func() {
		defer d.writes.Done()
		n := dep.Vertex.Head
		file := fmt.Sprintf("%s-%d-channels", fileSafe(OperatorID(n)), dep.Subtask)
		p := dir + "/" + file
		if err := blob.Put(p, data); err != nil {
			h.unaligned.fail(id)
			d.post(checkpoint.Decline{ID: id, Task: d.names[dep], Reason: fmt.Sprintf("writing the channel state: %v", err)})
			return
		}
		h.channelWritten(id, &piece{
			op:  storage.OperatorState{ID: OperatorID(n), Name: n.Name, Parallelism: n.Parallelism, MaxParallelism: n.MaxParallelism},
			sub: storage.SubtaskState{Subtask: dep.Subtask, ChannelState: &storage.FileRef{Name: file, Size: int64(len(data)), CRC32: crc32.ChecksumIEEE(data)}},
		}, p)
	}()
}

func (h *handler) channelWritten(id int64, pc *piece, path string) {
	j := &h.unaligned
	j.mu.Lock()
	p := j.partLocked(id)
	p.channel, p.path, p.hasCh = pc, path, true
	h.ackIfJoinedLocked(id, p)
	j.mu.Unlock()
}

// ackIfJoinedLocked acknowledges checkpoint id once both parts are there.
func (h *handler) ackIfJoinedLocked(id int64, p *joinPart) {
	if p.failed {
		delete(h.unaligned.parts, id)
		return
	}
	if p.ack == nil || !p.hasCh {
		return
	}
	delete(h.unaligned.parts, id)
	ack := p.ack
	if p.channel != nil {
		ack.pieces = append(ack.pieces, *p.channel)
		ack.paths = append(ack.paths, p.path)
	}
	h.d.post(checkpoint.Ack{ID: id, Task: h.d.names[h.dep], State: ack})
}
