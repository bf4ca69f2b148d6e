package main

import (
	"strconv"

	"github.com/eddy-streams/eddy/datastream"
)

// configureState sets the state backend options of `eddy nexmark run`:
// --state-backend, --incremental-checkpoints, --state-memory (split between
// the block cache, a quarter, and the memtable) and --state-dir.
func configureState(env *datastream.Env, o runOptions) error {
	switch o.stateBackend {
	case "heap", "":
		if o.incremental || o.stateMemory != "" || o.stateLocalDir != "" {
			return usagef("--incremental-checkpoints, --state-memory and --state-dir need --state-backend lsm")
		}
		return nil
	case "lsm":
	default:
		return usagef("--state-backend must be heap or lsm, got %q", o.stateBackend)
	}
	if o.incremental && o.checkpointInterval == 0 {
		return usagef("--incremental-checkpoints needs --checkpoint-interval")
	}
	conf := map[string]string{
		"state.backend.type":                  "lsm",
		"execution.checkpointing.incremental": strconv.FormatBool(o.incremental),
		"state.backend.local-recovery":        "true",
	}
	if o.stateLocalDir != "" {
		conf["state.backend.lsm.localdir"] = o.stateLocalDir
	}
	if o.stateMemory != "" {
		total, err := datastream.ParseMemorySize(o.stateMemory)
		if err != nil {
			return usagef("--state-memory: %v", err)
		}
		// A memtable and its flushing predecessor may both be in memory.
		conf["state.backend.lsm.block.cache-size"] = strconv.FormatInt(total/4, 10)
		conf["state.backend.lsm.writebuffer.size"] = strconv.FormatInt(total*3/8, 10)
	}
	if err := env.Configure(conf); err != nil {
		return usagef("%v", err)
	}
	return nil
}
