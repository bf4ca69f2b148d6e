package main

import (
	"encoding/csv"
	"fmt"
	"math/rand"
	"os"
	"sync/atomic"

	"github.com/eddy-streams/eddy/connector/file"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	nexmarksql "github.com/eddy-streams/eddy/nexmark/sql"
)

// failureInjector is the pass-through operator --inject-failures chains
// after the source: each planned failure panics once, when its source
// subtask has passed on its number of events (counted over all attempts,
// so that every planned failure happens however early a restart resumes).
type failureInjector struct {
	plan *failurePlan
	me   int
}

type failurePlan struct {
	// seen[s] counts the events subtask s passed on, over all attempts.
	seen []atomic.Int64
	// at[s] are the counts at which subtask s fails.
	at [][]plannedFailure
	// injected counts the failures that happened.
	injected atomic.Int64
}

type plannedFailure struct {
	at    int64
	armed *atomic.Bool
}

// newFailurePlan chooses n failures with a seeded RNG: a subtask of the
// source (of parallelism p, emitting events in all) and a moment, a number
// of its events in the first 90%.
func newFailurePlan(n int, seed int64, p int, events int64) *failurePlan {
	rng := rand.New(rand.NewSource(seed))
	fp := &failurePlan{seen: make([]atomic.Int64, p), at: make([][]plannedFailure, p)}
	per := max(events/int64(p)*9/10, 1)
	for range n {
		s := rng.Intn(p)
		armed := &atomic.Bool{}
		armed.Store(true)
		fp.at[s] = append(fp.at[s], plannedFailure{at: 1 + rng.Int63n(per), armed: armed})
	}
	return fp
}

// passed returns the events the source subtasks passed on, over all
// attempts.
func (fp *failurePlan) passed() int64 {
	var n int64
	for i := range fp.seen {
		n += fp.seen[i].Load()
	}
	return n
}

func (f *failureInjector) Open(rc *datastream.RuntimeContext) error {
	f.me = rc.Subtask()
	return nil
}

func (f *failureInjector) ProcessElement(v gen.Event, _ *datastream.ProcessContext, out datastream.Collector[gen.Event]) error {
	f.plan.observe(f.me)
	out.Collect(v)
	return nil
}

// observe counts an event of source subtask s and panics if a failure of
// s is due.
func (fp *failurePlan) observe(s int) {
	n := fp.seen[s].Add(1)
	for _, pf := range fp.at[s] {
		if n >= pf.at && pf.armed.CompareAndSwap(true, false) {
			fp.injected.Add(1)
			panic(fmt.Sprintf("injected failure of source subtask %d at its event %d", s, n))
		}
	}
}

// injectFailures chains the failure injector after the source.
func injectFailures(events *datastream.DataStream[gen.Event], plan *failurePlan) *datastream.DataStream[gen.Event] {
	return datastream.Process(events, datastream.ProcessFunction[gen.Event, gen.Event](&failureInjector{plan: plan})).Name("Inject failures")
}

// readParts reads the committed part files of the file sink in dir: all
// rows of an append query; for an updating query (lastRowPerKey: the first
// column is the row key) the last row of every key; for a changelog (the
// first column a sign) the rows whose signs add up to more than zero.
func readParts(dir string, layout partsLayout, skip map[string]bool) ([][]string, error) {
	var changes nexmarksql.Changes
	parts, err := file.Parts(dir)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	last := map[string]int{}
	for _, p := range parts {
		if skip[p] {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		for _, rec := range recs {
			switch layout {
			case appendRows:
				rows = append(rows, rec)
				continue
			case signedChangelog:
				if err := changes.Apply(rec); err != nil {
					return nil, fmt.Errorf("reading %s: %w", p, err)
				}
				continue
			}
			if i, ok := last[rec[0]]; ok {
				rows[i] = rec[1:]
			} else {
				last[rec[0]] = len(rows)
				rows = append(rows, rec[1:])
			}
		}
	}
	if layout == signedChangelog {
		return changes.Rows(), nil
	}
	return rows, nil
}
