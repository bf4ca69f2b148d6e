// Package cluster owns running a job graph: the execution (one task per
// subtask, channels between them, chains wired), the slots the tasks are
// deployed into through the TaskExecutor interface, and the job master that
// starts coordinators, deploys, watches and cancels. Local mode is this same
// path with an in-process TaskExecutor; a networked TaskManager implements
// the same interface later.
package cluster
