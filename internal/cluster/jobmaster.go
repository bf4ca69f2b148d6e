package cluster

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"

	"github.com/eddy-streams/eddy/internal/graph"
)

// SlotsNeeded returns the number of slots a job graph needs: for each slot
// sharing group, the highest parallelism among its vertices (Flink's rule).
func SlotsNeeded(jg *graph.JobGraph) int {
	perGroup := map[string]int{}
	for _, v := range jg.Vertices {
		perGroup[v.SlotSharingGroup] = max(perGroup[v.SlotSharingGroup], v.Parallelism)
	}
	n := 0
	for _, p := range perGroup {
		n += p
	}
	return n
}

// assignSlots maps each deployment's slot key to a slot index.
func assignSlots(jg *graph.JobGraph) map[string]int {
	perGroup := map[string]int{}
	for _, v := range jg.Vertices {
		perGroup[v.SlotSharingGroup] = max(perGroup[v.SlotSharingGroup], v.Parallelism)
	}
	groups := make([]string, 0, len(perGroup))
	for g := range perGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	slots := map[string]int{}
	next := 0
	for _, g := range groups {
		for i := range perGroup[g] {
			slots[fmt.Sprintf("%s/%d", g, i)] = next
			next++
		}
	}
	return slots
}

// Run executes a job graph on tm until every task finished, one failed, or
// ctx is cancelled. On a failure every other task is cancelled, and Run
// returns only after all of them exited, with the failure as its error.
func Run(ctx context.Context, jg *graph.JobGraph, opts Options, tm TaskExecutor) (err error) {
	// Coordinators run user code (split enumerators) on this goroutine: a
	// panic there fails the job instead of crashing the process. (Tasks
	// recover their own panics.)
	defer func() {
		if r := recover(); r != nil {
			perr, ok := r.(error)
			if !ok {
				perr = fmt.Errorf("%v", r)
			}
			err = fmt.Errorf("job master: panic: %w\n%s", perr, debug.Stack())
		}
	}()
	if need := SlotsNeeded(jg); need > tm.NumSlots() {
		return fmt.Errorf("the job needs %d slots but the task manager offers %d (taskmanager.numberOfTaskSlots)", need, tm.NumSlots())
	}
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	coordinators := map[*graph.Node]graph.Coordinator{}
	defer func() {
		for _, c := range coordinators {
			if cerr := c.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	for _, v := range jg.Vertices {
		for _, n := range v.Nodes {
			if n.NewCoordinator == nil {
				continue
			}
			c, cerr := n.NewCoordinator(n.Parallelism)
			if cerr != nil {
				return fmt.Errorf("creating the coordinator of %q: %w", n.Name, cerr)
			}
			coordinators[n] = c
		}
	}

	deps, err := build(jg, opts, coordinators, jobCtx.Done())
	if err != nil {
		return err
	}
	if opts.deployed != nil {
		opts.deployed(deps)
	}
	for n, c := range coordinators {
		if serr := c.Start(); serr != nil {
			return fmt.Errorf("starting the coordinator of %q: %w", n.Name, serr)
		}
	}
	slots := assignSlots(jg)
	results := make(chan error, len(deps))
	submitted := 0
	var failure error
	for _, d := range deps {
		if serr := tm.Submit(jobCtx, slots[d.SlotKey], d, func(err error) { results <- err }); serr != nil {
			failure = fmt.Errorf("deploying %s: %w", d.Task.DisplayName(), serr)
			cancel()
			break
		}
		submitted++
	}
	for range submitted {
		r := <-results
		if r == nil {
			continue
		}
		if failure == nil || (isCancellation(failure) && !isCancellation(r)) {
			failure = r
		}
		cancel()
	}
	if failure != nil && isCancellation(failure) && ctx.Err() != nil {
		return ctx.Err()
	}
	return failure
}

func isCancellation(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
