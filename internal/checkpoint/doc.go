// Package checkpoint owns checkpoint coordination: the coordinator that
// decides when to trigger checkpoints and savepoints and when they complete,
// abort or fail the job. The coordinator is a state machine without I/O
// (as etcd's raft: Step, Tick, Ready, Advance); a driver in the job master
// sends the triggers to the sources, feeds acknowledgements back, and
// writes and deletes the files the coordinator's decisions name.
package checkpoint
