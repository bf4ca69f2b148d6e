package exec

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/connector/file"
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

// chunkFormat writes chunks as CSV lines or JSON lines for the file sink.
type chunkFormat struct {
	json  bool
	delim byte
	names []string
	types []types.Type
}

func (f chunkFormat) Write(w *bufio.Writer, c *vector.Chunk) error {
	for i := range c.Len() {
		row := c.Row(i)
		if f.json {
			var b strings.Builder
			b.WriteByte('{')
			for j, v := range row {
				if j > 0 {
					b.WriteByte(',')
				}
				k, _ := json.Marshal(f.names[j])
				b.Write(k)
				b.WriteByte(':')
				x, err := json.Marshal(jsonValue(f.types[j], v))
				if err != nil {
					return err
				}
				b.Write(x)
			}
			b.WriteString("}\n")
			w.WriteString(b.String())
			continue
		}
		for j, v := range row {
			if j > 0 {
				w.WriteByte(f.delim)
			}
			if v != nil {
				w.WriteString(quoteCSV(FormatValue(f.types[j], v), f.delim))
			}
		}
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
	}
	return nil
}

func newFileSink(opts map[string]string, names []string, ts []types.Type) (connector.Sink[*vector.Chunk], error) {
	f := chunkFormat{json: opts["format"] == "json", delim: ',', names: names, types: ts}
	if d := opts["csv.field-delimiter"]; d != "" {
		d = unescape(d)
		if len(d) != 1 {
			return nil, fmt.Errorf("option 'csv.field-delimiter' must be one character")
		}
		f.delim = d[0]
	}
	return file.New[*vector.Chunk](opts["path"], f), nil
}
