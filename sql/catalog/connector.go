package catalog

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/sql/types"
)

// Option is an option a connector accepts.
type Option struct {
	Key      string
	Required bool
	// Check validates a value; nil accepts anything.
	Check func(value string) error
}

// ConnectorSpec declares a connector: its 'connector' identifier, the
// options it accepts and what it can do. Options whose key is in Prefixes
// (such as "fields.#.", where # stands for a column) are matched by prefix;
// FieldOptions lists the suffixes valid after a column name.
type ConnectorSpec struct {
	Name    string
	Options []Option
	// FieldOptions are the options per physical column: keys
	// "fields.<column>.<suffix>".
	FieldOptions []Option
	// FormatOptions are accepted when 'format' names a key here, with the
	// format's prefix ("csv.", "json.").
	Formats map[string][]Option
	// Source and Sink say whether the connector can be read and written.
	Source, Sink bool
	// Check validates the table as a whole (option combinations, column
	// types); nil accepts every table the options allow.
	Check func(t *Table) error
	// Metadata are the metadata keys the source reads (METADATA FROM
	// 'key' columns) and their types.
	Metadata map[string]types.Type
}

// checkMetadata checks a table's metadata columns against its connector:
// a known key, a type the key's type casts to, and VIRTUAL (no connector
// writes metadata yet).
func checkMetadata(t *Table, spec *ConnectorSpec) error {
	for _, c := range t.Columns {
		if c.Kind != Metadata {
			continue
		}
		mt, ok := spec.Metadata[c.MetadataKey]
		if !ok {
			keys := slices.Sorted(maps.Keys(spec.Metadata))
			if len(keys) == 0 {
				return fmt.Errorf("table %s: connector '%s' has no metadata, so column '%s' cannot read '%s'", t.Path, spec.Name, c.Name, c.MetadataKey)
			}
			return fmt.Errorf("table %s, column '%s': connector '%s' has no metadata key '%s'%s; its keys: %s",
				t.Path, c.Name, spec.Name, c.MetadataKey, DidYouMean(c.MetadataKey, keys), strings.Join(keys, ", "))
		}
		if !mt.EqualIgnoringNullability(c.Type) && types.CastSupport(mt, c.Type) == types.CastNone {
			return fmt.Errorf("table %s, column '%s': metadata key '%s' is %s, which cannot be cast to %s", t.Path, c.Name, c.MetadataKey, mt, c.Type)
		}
		if !c.Virtual {
			return fmt.Errorf("table %s, column '%s': connector '%s' cannot write metadata; declare the column VIRTUAL", t.Path, c.Name, spec.Name)
		}
	}
	return nil
}

var connectors = struct {
	sync.Mutex
	m map[string]*ConnectorSpec
}{m: map[string]*ConnectorSpec{}}

// RegisterConnector adds a connector spec; the runtime package of the
// connector calls it from init.
func RegisterConnector(s *ConnectorSpec) {
	connectors.Lock()
	defer connectors.Unlock()
	connectors.m[s.Name] = s
}

// ConnectorNames lists the registered connectors, sorted.
func ConnectorNames() []string {
	connectors.Lock()
	defer connectors.Unlock()
	names := make([]string, 0, len(connectors.m))
	for n := range connectors.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupConnector returns the spec of a connector identifier.
func LookupConnector(name string) (*ConnectorSpec, error) {
	connectors.Lock()
	s := connectors.m[name]
	connectors.Unlock()
	if s == nil {
		return nil, fmt.Errorf("could not find any factory for identifier '%s'%s; available factories: %s",
			name, DidYouMean(name, ConnectorNames()), strings.Join(ConnectorNames(), ", "))
	}
	return s, nil
}

// ValidateOptions checks t's options against its connector's spec: the
// connector exists, required options are set, every option is known (as
// Flink's FactoryUtil, unknown keys are refused with the list of supported
// ones), and values pass their checks.
func ValidateOptions(t *Table) error {
	name, ok := t.Options["connector"]
	if !ok {
		return fmt.Errorf("table %s: missing option 'connector'; available connectors: %s", t.Path, strings.Join(ConnectorNames(), ", "))
	}
	spec, err := LookupConnector(name)
	if err != nil {
		return fmt.Errorf("table %s: %w", t.Path, err)
	}
	known := map[string]Option{"connector": {Key: "connector"}}
	for _, o := range spec.Options {
		known[o.Key] = o
	}
	if spec.Formats != nil {
		f := t.Options["format"]
		if f != "" {
			fopts, ok := spec.Formats[f]
			if !ok {
				return fmt.Errorf("table %s: option 'format': unknown format '%s'%s; supported: %s", t.Path, f,
					DidYouMean(f, formatNames(spec)), strings.Join(formatNames(spec), ", "))
			}
			for _, o := range fopts {
				known[o.Key] = o
			}
		}
	}
	var fieldKeys []string
	if len(spec.FieldOptions) > 0 {
		for _, c := range t.Columns {
			if c.Kind != Physical {
				continue
			}
			for _, o := range spec.FieldOptions {
				o.Key = "fields." + c.Name + "." + o.Key
				known[o.Key] = o
				fieldKeys = append(fieldKeys, o.Key)
			}
		}
	}
	for _, o := range known {
		if o.Required {
			if _, ok := t.Options[o.Key]; !ok {
				return fmt.Errorf("table %s: missing required option '%s' of connector '%s'", t.Path, o.Key, name)
			}
		}
	}
	var unknown []string
	for _, k := range t.OptionKeys() {
		o, ok := known[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		if o.Check != nil {
			if err := o.Check(t.Options[k]); err != nil {
				return fmt.Errorf("table %s: option '%s': %w", t.Path, k, err)
			}
		}
	}
	if len(unknown) > 0 {
		keys := make([]string, 0, len(known))
		for k := range known {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("table %s: unsupported option%s %s for connector '%s'%s; supported options: %s",
			t.Path, plural(len(unknown)), quoteList(unknown), name, DidYouMean(unknown[0], keys), strings.Join(keys, ", "))
	}
	if err := checkMetadata(t, spec); err != nil {
		return err
	}
	if spec.Check != nil {
		if err := spec.Check(t); err != nil {
			return fmt.Errorf("table %s: %w", t.Path, err)
		}
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func formatNames(s *ConnectorSpec) []string {
	var names []string
	for n := range s.Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Value checks for options.

// IsInt accepts a decimal integer in [lo, hi].
func IsInt(lo, hi int64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return fmt.Errorf("'%s' is not an integer", v)
		}
		if n < lo || n > hi {
			return fmt.Errorf("%d is out of range [%d, %d]", n, lo, hi)
		}
		return nil
	}
}

// IsNumber accepts a decimal number.
func IsNumber(v string) error {
	if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
		return fmt.Errorf("'%s' is not a number", v)
	}
	return nil
}

// IsBool accepts true or false (any case).
func IsBool(v string) error {
	switch strings.ToLower(v) {
	case "true", "false":
		return nil
	}
	return fmt.Errorf("'%s' is not a boolean (true or false)", v)
}

// OneOf accepts one of the given values (case-insensitive).
func OneOf(values ...string) func(string) error {
	return func(v string) error {
		for _, x := range values {
			if strings.EqualFold(v, x) {
				return nil
			}
		}
		return fmt.Errorf("'%s' is not one of %s%s", v, strings.Join(values, ", "), DidYouMean(v, values))
	}
}

// IsDuration accepts a Flink duration: "10 s", "500ms", "1 min", "2h".
func IsDuration(v string) error {
	_, err := ParseDuration(v)
	return err
}

// ParseDuration reads Flink's duration syntax: a number and an optional
// unit (ms, s, sec, min, h, d …; milliseconds by default).
func ParseDuration(v string) (time.Duration, error) {
	s := strings.TrimSpace(strings.ToLower(v))
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("'%s' is not a duration (e.g. 10 s, 500 ms)", v)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("'%s' is not a duration: %w", v, err)
	}
	unit := strings.TrimSpace(s[i:])
	var d time.Duration
	switch unit {
	case "", "ms", "milli", "millis", "millisecond", "milliseconds":
		d = time.Millisecond
	case "s", "sec", "secs", "second", "seconds":
		d = time.Second
	case "min", "m", "minute", "minutes":
		d = time.Minute
	case "h", "hour", "hours":
		d = time.Hour
	case "d", "day", "days":
		d = 24 * time.Hour
	default:
		return 0, fmt.Errorf("'%s' is not a duration: unknown unit '%s'", v, unit)
	}
	return time.Duration(n) * d, nil
}
