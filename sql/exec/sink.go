package exec

import (
	"bufio"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/connector/file"
	"github.com/eddy-streams/eddy/datastream"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// collectSink hands every row of a query's result to a callback, in
// order, from one subtask.
type collectSink struct {
	fn func(kind vector.RowKind, row []any)
	mu *sync.Mutex
}

func (s *collectSink) CreateWriter(connector.SinkContext) (connector.SinkWriter[*vector.Chunk], error) {
	return s, nil
}

func (s *collectSink) Write(c *vector.Chunk, _ int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range c.Len() {
		s.fn(c.Kind(i), c.Row(i))
	}
	return nil
}
func (s *collectSink) Flush(bool) error { return nil }
func (s *collectSink) Close() error     { return nil }

// printSink writes rows as Flink's print connector: [identifier[:subtask]> ]+I[a, b].
type printSink struct {
	w          io.Writer
	mu         *sync.Mutex
	identifier string
	types      []types.Type
}

type printWriter struct {
	s      *printSink
	prefix string
}

func (s *printSink) CreateWriter(ctx connector.SinkContext) (connector.SinkWriter[*vector.Chunk], error) {
	prefix := s.identifier
	if ctx.Parallelism() > 1 {
		if prefix != "" {
			prefix += ":"
		}
		prefix += fmt.Sprint(ctx.Subtask() + 1)
	}
	if prefix != "" {
		prefix += "> "
	}
	return &printWriter{s: s, prefix: prefix}, nil
}

func (w *printWriter) Write(c *vector.Chunk, _ int64) error {
	var b strings.Builder
	for i := range c.Len() {
		b.WriteString(w.prefix)
		b.WriteString(FormatRow(c.Kind(i).String(), w.s.types, c.Row(i)))
		b.WriteByte('\n')
	}
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	_, err := io.WriteString(w.s.w, b.String())
	return err
}
func (w *printWriter) Flush(bool) error { return nil }
func (w *printWriter) Close() error     { return nil }

// blackholeSink discards everything.
type blackholeSink struct{}

func (blackholeSink) CreateWriter(connector.SinkContext) (connector.SinkWriter[*vector.Chunk], error) {
	return blackholeSink{}, nil
}
func (blackholeSink) Write(*vector.Chunk, int64) error { return nil }
func (blackholeSink) Flush(bool) error                 { return nil }
func (blackholeSink) Close() error                     { return nil }

// chunkFormat writes chunks as CSV lines or JSON lines for the file sink:
// the live rows, the columns cols (all when nil; a partitioned table's
// files leave the partition columns out).
type chunkFormat struct {
	json  bool
	delim byte
	names []string
	types []types.Type
	cols  []int
}

func (f chunkFormat) Write(w *bufio.Writer, c *vector.Chunk) error {
	cols := f.cols
	if cols == nil {
		cols = make([]int, len(c.Cols))
		for j := range cols {
			cols[j] = j
		}
	}
	var err error
	c.ForEachLive(func(i int) {
		if err != nil {
			return
		}
		if f.json {
			var b strings.Builder
			b.WriteByte('{')
			for k, j := range cols {
				if k > 0 {
					b.WriteByte(',')
				}
				name, _ := json.Marshal(f.names[j])
				b.Write(name)
				b.WriteByte(':')
				x, merr := json.Marshal(jsonValue(f.types[j], c.Cols[j].Get(i)))
				if merr != nil {
					err = merr
					return
				}
				b.Write(x)
			}
			b.WriteString("}\n")
			w.WriteString(b.String())
			return
		}
		for k, j := range cols {
			if k > 0 {
				w.WriteByte(f.delim)
			}
			if v := c.Cols[j].Get(i); v != nil {
				w.WriteString(quoteCSV(FormatValue(f.types[j], v), f.delim))
			}
		}
		err = w.WriteByte('\n')
	})
	return err
}

// newFileSink is the filesystem connector's exactly-once sink. A
// partitioned table's rows go into partition folders; with
// sink.partition-commit.policy.kind = success-file a partition gets a
// marker file once files were committed to it.
func newFileSink(spec *plan.SinkSpec, names []string, ts []types.Type, fctx functions.Context) (connector.Sink[*vector.Chunk], error) {
	opts, partitionKeys := spec.Options, spec.PartitionKeys
	f := chunkFormat{json: opts["format"] == "json", delim: ',', names: names, types: ts}
	if d := opts["csv.field-delimiter"]; d != "" {
		d = unescape(d)
		if len(d) != 1 {
			return nil, fmt.Errorf("option 'csv.field-delimiter' must be one character")
		}
		f.delim = d[0]
	}
	// Each job writes files of its own: INSERTs add to a table.
	id := newSinkID()
	roll, err := rollingPolicy(opts)
	if err != nil {
		return nil, err
	}
	if len(partitionKeys) == 0 {
		if opts["sink.partition-commit.policy.kind"] != "" {
			return nil, fmt.Errorf("option 'sink.partition-commit.policy.kind' needs a partitioned table (PARTITIONED BY)")
		}
		sink := file.New[*vector.Chunk](opts["path"], f)
		sink.ID = id
		roll(sink)
		if spec.Overwrite {
			sink.Overwrite, sink.OverwriteBuckets = true, []string{""}
		}
		return sink, nil
	}
	p := &partitioner{defaultName: partitionDefaultName(opts)}
	for j, n := range names {
		if slices.Contains(partitionKeys, n) {
			continue
		}
		f.cols = append(f.cols, j)
	}
	for _, k := range partitionKeys {
		j := slices.Index(names, k)
		if j < 0 {
			return nil, fmt.Errorf("partition column '%s' is not a column of the table", k)
		}
		p.cols, p.names, p.types = append(p.cols, j), append(p.names, k), append(p.types, ts[j])
	}
	if len(f.cols) == 0 {
		return nil, fmt.Errorf("every column is a partition column: the files would hold nothing")
	}
	sink := file.New[*vector.Chunk](opts["path"], f)
	sink.ID = id
	roll(sink)
	sink.Buckets = p.split
	if spec.Overwrite {
		sink.Overwrite = true
		if len(spec.StaticPartition) == len(partitionKeys) {
			vals := make([]any, len(partitionKeys))
			for k, x := range spec.StaticPartition {
				if vals[k], err = constValue(fctx, x); err != nil {
					return nil, fmt.Errorf("partition value of '%s': %w", partitionKeys[k], err)
				}
			}
			var b strings.Builder
			sink.OverwriteBuckets = []string{p.bucket(&b, func(k int) any { return vals[k] })}
		}
	}
	for _, kind := range strings.Split(opts["sink.partition-commit.policy.kind"], ",") {
		switch strings.TrimSpace(kind) {
		case "":
		case "success-file":
			sink.SuccessFile = cmp.Or(opts["sink.partition-commit.success-file.name"], "_SUCCESS")
		case "metastore":
			return nil, fmt.Errorf("option 'sink.partition-commit.policy.kind': 'metastore' needs a metastore, which the filesystem connector does not have (Flink refuses it too); use 'success-file'")
		default:
			return nil, fmt.Errorf("option 'sink.partition-commit.policy.kind': unknown policy '%s' (supported: success-file)", kind)
		}
	}
	return sink, nil
}

// constValue evaluates an expression that reads no column (a literal, a
// cast of one).
func constValue(fctx functions.Context, x *plan.Expr) (any, error) {
	ev, err := compile(x)
	if err != nil {
		return nil, err
	}
	c := &vector.Chunk{}
	c.SetLen(1)
	v, err := ev.eval(&fctx, c, false)
	if err != nil {
		return nil, err
	}
	if err := v.Err(nil); err != nil {
		return nil, err
	}
	return v.Get(0), nil
}

// newSinkID is a random ID for the part file names of one job's file sink,
// as Flink names part files part-<uuid>-<subtask>-<n>.
func newSinkID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// rollingPolicy reads the filesystem sink's rolling policy, with Flink's
// defaults: a part file closes at 128 MB or after 30 minutes, besides at
// every checkpoint. (sink.rolling-policy.check-interval is accepted: the
// policy is checked as records arrive.)
func rollingPolicy(opts map[string]string) (func(*file.Sink[*vector.Chunk]), error) {
	size := int64(128 << 20)
	if v := opts["sink.rolling-policy.file-size"]; v != "" {
		n, err := datastream.ParseMemorySize(v)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("option 'sink.rolling-policy.file-size': '%s' is not a positive memory size (e.g. 128mb)", v)
		}
		size = n
	}
	interval := 30 * time.Minute
	if v := opts["sink.rolling-policy.rollover-interval"]; v != "" {
		d, err := catalog.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("option 'sink.rolling-policy.rollover-interval': '%s' is not a positive duration", v)
		}
		interval = d
	}
	return func(s *file.Sink[*vector.Chunk]) { s.RollSize, s.RollInterval = size, interval }, nil
}
