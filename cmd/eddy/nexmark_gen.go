package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
)

// genOptions are the flags of `eddy nexmark gen`.
type genOptions struct {
	events      int64
	rate        int
	seed        int64
	out         string
	parallelism int
}

func newNexmarkGenCmd() *cobra.Command {
	var o genOptions
	cmd := &cobra.Command{
		Use:   "gen --events N [--rate R] [--seed S] --out DIR [--parallelism P]",
		Short: "Write Nexmark events as person.csv, auction.csv and bid.csv",
		Long: `Write N events of the Nexmark generator to DIR as person.csv, auction.csv and
bid.csv, each with a header row of the suite's column names and timestamps as
YYYY-MM-DD HH:MM:SS.sss in UTC.

--rate is the first-event rate of event time: events per second of event time,
which spaces the events' timestamps (it does not slow the writing down). The
files depend only on --events, --rate and --seed: they are the same at any
--parallelism.`,
		Example:               `  eddy nexmark gen --events 1000000 --out /tmp/nexmark`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "events", "out"); err != nil {
				return err
			}
			flags := cmd.Flags()
			return genNexmark(o, flags.Changed("rate"), flags.Changed("seed"), cmd.OutOrStdout())
		},
	}
	def := gen.DefaultConfig()
	f := cmd.Flags()
	f.Int64VarP(&o.events, "events", "n", 0, "number of events to generate (required, > 0)")
	f.IntVar(&o.rate, "rate", def.FirstEventRate, "events per second of event time (the first-event rate)")
	f.Int64Var(&o.seed, "seed", def.Seed, "seed of the generator")
	f.StringVarP(&o.out, "out", "o", "", "directory to write the CSV files to (required; created if missing)")
	f.IntVarP(&o.parallelism, "parallelism", "p", 1, "number of goroutines generating (does not change the files)")
	return cmd
}

func genNexmark(o genOptions, rateSet, seedSet bool, stdout io.Writer) error {
	if o.events <= 0 {
		return usagef("--events must be positive, got %d", o.events)
	}
	if o.parallelism <= 0 {
		return usagef("--parallelism must be positive, got %d", o.parallelism)
	}
	if o.out == "" {
		return usagef("--out must name a directory")
	}
	cfg := gen.DefaultConfig()
	cfg.Events = o.events
	if rateSet {
		if o.rate <= 0 || o.rate > math.MaxInt32 {
			return usagef("--rate must be a positive number of events per second of event time, at most %d, got %d", math.MaxInt32, o.rate)
		}
		cfg.FirstEventRate = o.rate
	}
	if seedSet {
		cfg.Seed = o.seed
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	start := time.Now()
	if err := gen.WriteCSV(o.out, cfg, o.parallelism); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "wrote %d events to %s, %s and %s in %.3fs\n", o.events,
		filepath.Join(o.out, "person.csv"), filepath.Join(o.out, "auction.csv"), filepath.Join(o.out, "bid.csv"),
		time.Since(start).Seconds())
	return err
}
