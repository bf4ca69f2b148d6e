package exec

import (
	"fmt"
	"math"
	"strings"

	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
)

// The connectors Eddy's SQL runs, with Flink's option keys.
func init() {
	positive := catalog.IsInt(1, math.MaxInt32)
	catalog.RegisterConnector(&catalog.ConnectorSpec{
		Name:   "datagen",
		Source: true,
		Options: []catalog.Option{
			{Key: "rows-per-second", Check: catalog.IsNumber},
			{Key: "number-of-rows", Check: catalog.IsInt(0, math.MaxInt64)},
			{Key: "scan.parallelism", Check: positive},
		},
		FieldOptions: []catalog.Option{
			{Key: "kind", Check: catalog.OneOf("random", "sequence")},
			{Key: "min", Check: catalog.IsNumber},
			{Key: "max", Check: catalog.IsNumber},
			{Key: "max-past", Check: catalog.IsDuration},
			{Key: "length", Check: catalog.IsInt(0, math.MaxInt32)},
			{Key: "start", Check: catalog.IsNumber},
			{Key: "end", Check: catalog.IsNumber},
			{Key: "null-rate", Check: catalog.IsNumber},
			{Key: "var-len", Check: catalog.IsBool},
		},
		Check: func(t *catalog.Table) error {
			for _, c := range t.PhysicalColumns() {
				if c.Type.IsConstructed() {
					return fmt.Errorf("datagen cannot generate column '%s' of type %s", c.Name, c.Type)
				}
				if strings.EqualFold(t.Options["fields."+c.Name+".kind"], "sequence") {
					if t.Options["fields."+c.Name+".start"] == "" || t.Options["fields."+c.Name+".end"] == "" {
						return fmt.Errorf("column '%s' is a sequence: it needs options 'fields.%s.start' and 'fields.%s.end'", c.Name, c.Name, c.Name)
					}
				}
			}
			return nil
		},
	})
	var nexmarkOpts []catalog.Option
	for _, k := range gen.Keys() {
		key := k
		nexmarkOpts = append(nexmarkOpts, catalog.Option{Key: key, Check: func(v string) error {
			cfg := gen.DefaultConfig()
			return cfg.Set(key, v)
		}})
	}
	catalog.RegisterConnector(&catalog.ConnectorSpec{
		Name:    "nexmark",
		Source:  true,
		Options: nexmarkOpts,
		Check: func(t *catalog.Table) error {
			if _, err := nexmarkConfig(t.Options); err != nil {
				return err
			}
			var cols []plan.Column
			for _, c := range t.PhysicalColumns() {
				cols = append(cols, plan.Column{Name: c.Name, Type: c.Type})
			}
			return checkNexmarkSchema(cols)
		},
	})
	csvOpts := []catalog.Option{
		{Key: "csv.field-delimiter"},
		{Key: "csv.ignore-parse-errors", Check: catalog.IsBool},
	}
	jsonOpts := []catalog.Option{
		{Key: "json.ignore-parse-errors", Check: catalog.IsBool},
		{Key: "json.fail-on-missing-field", Check: catalog.IsBool},
		{Key: "json.timestamp-format.standard", Check: catalog.OneOf("SQL")},
	}
	catalog.RegisterConnector(&catalog.ConnectorSpec{
		Name:   "filesystem",
		Source: true,
		Sink:   true,
		Options: []catalog.Option{
			{Key: "path", Required: true},
			{Key: "format", Required: true},
			{Key: "sink.parallelism", Check: positive},
			{Key: "sink.rolling-policy.file-size", Check: isMemorySize},
			{Key: "sink.rolling-policy.rollover-interval", Check: catalog.IsDuration},
			{Key: "sink.rolling-policy.check-interval", Check: catalog.IsDuration},
			{Key: "source.monitor-interval", Check: catalog.IsDuration},
			{Key: "partition.default-name"},
			{Key: "lookup.join.cache.ttl", Check: catalog.IsDuration},
			{Key: "sink.partition-commit.policy.kind"},
			{Key: "sink.partition-commit.success-file.name"},
			// Partitions are committed with the checkpoint that closes
			// their files: Flink's process-time trigger without delay.
			{Key: "sink.partition-commit.trigger", Check: catalog.OneOf("process-time")},
			{Key: "sink.partition-commit.delay", Check: zeroDuration},
		},
		Formats:  map[string][]catalog.Option{"csv": csvOpts, "json": jsonOpts},
		Metadata: fileMetadata,
		Check: func(t *catalog.Table) error {
			for _, c := range t.PhysicalColumns() {
				if c.Type.IsConstructed() && t.Options["format"] == "csv" {
					return fmt.Errorf("format csv cannot hold column '%s' of type %s", c.Name, c.Type)
				}
			}
			return nil
		},
	})
	catalog.RegisterConnector(&catalog.ConnectorSpec{
		Name: "print",
		Sink: true,
		Options: []catalog.Option{
			{Key: "print-identifier"},
			{Key: "standard-error", Check: catalog.IsBool},
			{Key: "sink.parallelism", Check: positive},
		},
	})
	catalog.RegisterConnector(&catalog.ConnectorSpec{Name: "blackhole", Sink: true})
	_ = types.Null
}

// zeroDuration accepts a duration of zero: partitions are committed as soon
// as their files are.
func zeroDuration(v string) error {
	d, err := catalog.ParseDuration(v)
	if err != nil {
		return err
	}
	if d != 0 {
		return fmt.Errorf("'%s': partitions are committed with the checkpoint that commits their files; a delay is not supported yet", v)
	}
	return nil
}

// isMemorySize accepts a Flink memory size: "128mb", "64 kb", "1gb".
func isMemorySize(v string) error {
	n, err := datastream.ParseMemorySize(v)
	if err != nil {
		return err
	}
	if n <= 0 {
		return fmt.Errorf("'%s' must be a positive size", v)
	}
	return nil
}
