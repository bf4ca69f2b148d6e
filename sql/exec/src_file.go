package exec

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eddy-streams/eddy/connector"
	"github.com/eddy-streams/eddy/sql/catalog"
	"github.com/eddy-streams/eddy/sql/functions"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// The filesystem source reads the files under 'path' (a file, or the
// visible files of a directory: the part files of the filesystem sink) as
// CSV without a header or JSON lines, one split per file. It is bounded,
// unless 'source.monitor-interval' has it read new files as they appear;
// readers pull the files one at a time (src_file_enum.go).
// A partitioned table's files sit in folders named by the partition
// columns' values (dt=2024-01-01/hm=10%3A00, as the sink writes them);
// the files hold the other columns, the path gives the partition columns.

type fileSource struct {
	files  []string
	format string
	delim  rune
	ignore bool // *.ignore-parse-errors
	phys   []plan.Column
	paths  [][]int
	types  []types.Type

	// Partitioned tables: root is the table's folder; partKey[j] is the
	// partition column name of physical column j ("" for a column in the
	// files), recIdx[j] the position of column j in a CSV record.
	root        string
	partKey     []string
	recIdx      []int
	defaultPart string
	// metaKey[j] is the metadata key physical column j reads ("" for a
	// column of the files).
	metaKey []string
	// monitor is source.monitor-interval (src_file_enum.go); 0 reads the
	// files present at the start and ends.
	monitor time.Duration
}

func newFileSource(spec *plan.ScanSpec) (connector.Source[*vector.Chunk], error) {
	o := spec.Options
	files, err := listFiles(o["path"])
	if err != nil {
		return nil, err
	}
	s := &fileSource{files: files, format: o["format"], delim: ',', phys: spec.Physical, paths: spec.Paths, types: spec.PathTypes}
	if d := o["csv.field-delimiter"]; d != "" {
		r := []rune(unescape(d))
		if len(r) != 1 {
			return nil, fmt.Errorf("option 'csv.field-delimiter' must be one character, got '%s'", d)
		}
		s.delim = r[0]
	}
	s.ignore = strings.EqualFold(o["csv.ignore-parse-errors"], "true") || strings.EqualFold(o["json.ignore-parse-errors"], "true")
	if v := o["source.monitor-interval"]; v != "" {
		if s.monitor, err = catalog.ParseDuration(v); err != nil {
			return nil, fmt.Errorf("option 'source.monitor-interval': %w", err)
		}
	}
	s.root, s.defaultPart = o["path"], partitionDefaultName(o)
	s.partKey, s.recIdx = make([]string, len(s.phys)), make([]int, len(s.phys))
	s.metaKey = make([]string, len(s.phys))
	k := 0
	for j, c := range s.phys {
		if j < len(spec.MetadataKeys) && spec.MetadataKeys[j] != "" {
			s.metaKey[j], s.recIdx[j] = spec.MetadataKeys[j], -1
			continue
		}
		if slices.Contains(spec.PartitionKeys, c.Name) {
			s.partKey[j], s.recIdx[j] = c.Name, -1
			continue
		}
		s.recIdx[j] = k
		k++
	}
	for _, p := range spec.Paths {
		if len(p) != 1 {
			return nil, fmt.Errorf("the filesystem source cannot read nested fields")
		}
	}
	return s, nil
}

func unescape(s string) string {
	if s == `\t` {
		return "\t"
	}
	return s
}

// listFiles returns path itself, or the visible regular files under it.
func listFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("filesystem source: %w", err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != path && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

type fileSplit struct {
	path string
	line int64 // lines already read
}

func (f *fileSplit) SplitID() string { return f.path }

func (s *fileSource) Boundedness() connector.Boundedness {
	if s.monitor > 0 {
		return connector.Unbounded
	}
	return connector.Bounded
}

func (s *fileSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return s.newEnumerator(ctx), nil
}

func (s *fileSource) CreateReader(ctx connector.ReaderContext) (connector.Reader[*vector.Chunk], error) {
	r := &fileReader{src: s, ctx: ctx}
	for i, t := range s.types {
		if t.IsCharacter() {
			continue
		}
		c, err := functions.LookupCast(types.String(), t, false)
		if err != nil {
			return nil, fmt.Errorf("filesystem source, column '%s': %w", s.phys[s.paths[i][0]].Name, err)
		}
		if r.casts == nil {
			r.casts = make([]*functions.Resolved, len(s.types))
		}
		r.casts[i] = c
	}
	return r, nil
}

func (s *fileSource) EncodeSplit(sp connector.Split) ([]byte, error) {
	f := sp.(*fileSplit)
	return []byte(strconv.FormatInt(f.line, 10) + "\n" + f.path), nil
}

func (s *fileSource) DecodeSplit(b []byte) (connector.Split, error) {
	line, path, ok := strings.Cut(string(b), "\n")
	n, err := strconv.ParseInt(line, 10, 64)
	if !ok || err != nil {
		return nil, fmt.Errorf("bad file split state")
	}
	return &fileSplit{path: path, line: n}, nil
}

type fileReader struct {
	src    *fileSource
	ctx    connector.ReaderContext
	splits []*fileSplit
	// asked is when the reader last asked for a split (zero: it has one
	// or was given one since); ready closes an interval later for a
	// monitoring reader (askForSplit).
	asked  time.Time
	ready  chan struct{}
	noMore bool
	cur    *fileSplit
	file   *os.File
	lines  *bufio.Reader
	casts  []*functions.Resolved
	// partVals are the current file's partition values by physical
	// column (nil: NULL).
	partVals map[int]*string
}

func (r *fileReader) Start() error { return nil }
func (r *fileReader) AddSplits(s []connector.Split) {
	for _, x := range s {
		r.splits = append(r.splits, x.(*fileSplit))
	}
	r.asked, r.ready = time.Time{}, nil
}
func (r *fileReader) NotifyNoMoreSplits() { r.noMore = true }

// Available is ready when a monitoring reader may ask for a file again.
func (r *fileReader) Available() <-chan struct{} { return r.ready }
func (r *fileReader) Close() error {
	if r.file != nil {
		return r.file.Close()
	}
	return nil
}

func (r *fileReader) SnapshotSplits() ([]connector.Split, error) {
	var out []connector.Split
	if r.cur != nil {
		c := *r.cur
		out = append(out, &c)
	}
	for _, s := range r.splits {
		c := *s
		out = append(out, &c)
	}
	return out, nil
}

func (r *fileReader) Poll(out connector.ReaderOutput[*vector.Chunk]) (connector.InputStatus, error) {
	if r.cur == nil {
		if len(r.splits) == 0 {
			if r.noMore {
				return connector.EndOfInput, nil
			}
			if r.ctx != nil {
				r.askForSplit() // src_file_enum.go
			}
			return connector.NothingAvailable, nil
		}
		r.cur, r.splits = r.splits[0], r.splits[1:]
		f, err := os.Open(r.cur.path)
		if err != nil {
			return 0, fmt.Errorf("filesystem source: %w", err)
		}
		r.file, r.lines = f, bufio.NewReaderSize(f, 1<<16)
		if r.partVals, err = r.src.partitionValues(r.cur.path); err != nil {
			return 0, err
		}
		if err := r.src.metadataValues(f, r.cur.path, &r.partVals); err != nil {
			return 0, err
		}
		for i := int64(0); i < r.cur.line; i++ {
			if _, err := r.lines.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
	}
	var lines []string
	var lineNos []int64
	eof := false
	for len(lines) < vector.DefaultChunkSize {
		line, err := r.lines.ReadString('\n')
		if line != "" {
			r.cur.line++
			t := strings.TrimRight(line, "\r\n")
			if t != "" {
				lines = append(lines, t)
				lineNos = append(lineNos, r.cur.line)
			}
		}
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			return 0, fmt.Errorf("filesystem source %s: %w", r.cur.path, err)
		}
	}
	if len(lines) > 0 {
		c, err := r.parse(lines, lineNos)
		if err != nil {
			return 0, err
		}
		if c.Len() > 0 {
			out.ForSplit(r.cur.path).Collect(c)
		}
	}
	if eof {
		out.ReleaseSplit(r.cur.path)
		r.file.Close()
		r.file, r.cur = nil, nil
	}
	return connector.MoreAvailable, nil
}

// parse turns lines into a chunk: every field read as a string, then cast
// to its column's type.
func (r *fileReader) parse(lines []string, lineNos []int64) (*vector.Chunk, error) {
	s := r.src
	n := len(s.types)
	strs := make([]*vector.Vector, n)
	for i := range strs {
		strs[i] = vector.New(types.String(), len(lines))
	}
	rows := 0
	for li, line := range lines {
		fields, err := r.fields(line)
		if err == nil && len(fields) < n && s.format == "csv" {
			err = fmt.Errorf("%d fields, want %d", len(fields), n)
		}
		if err != nil {
			if s.ignore {
				continue
			}
			return nil, fmt.Errorf("filesystem source %s, line %d: %w", r.cur.path, lineNos[li], err)
		}
		for i := range n {
			f := fields[i]
			if f == nil || (*f == "" && !s.types[i].IsCharacter()) {
				strs[i].AppendNull()
			} else {
				strs[i].AppendString(*f)
			}
		}
		rows++
	}
	c := &vector.Chunk{Cols: make([]*vector.Vector, n)}
	for i, t := range s.types {
		if r.casts == nil || r.casts[i] == nil {
			strs[i] = retype(strs[i], t)
			c.Cols[i] = strs[i]
			continue
		}
		out := vector.New(r.casts[i].Result, rows)
		if err := r.casts[i].Eval(nil, []*vector.Vector{strs[i]}, rows, out); err != nil {
			return nil, err
		}
		if err := out.Err(nil); err != nil {
			return nil, fmt.Errorf("filesystem source %s, column '%s': %w", r.cur.path, s.phys[s.paths[i][0]].Name, err)
		}
		c.Cols[i] = out
	}
	c.SetLen(rows)
	return c, nil
}

// retype copies a STRING vector into a vector of another character type.
func retype(v *vector.Vector, t types.Type) *vector.Vector {
	if v.Type().Equal(t) {
		return v
	}
	out := vector.New(t, v.Len())
	for i := range v.Len() {
		out.AppendFrom(v, i)
	}
	return out
}

// fields splits a line by format; a nil field is NULL.
func (r *fileReader) fields(line string) ([]*string, error) {
	s := r.src
	switch s.format {
	case "json":
		dec := json.NewDecoder(bytes.NewReader([]byte(line)))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		out := make([]*string, len(s.types))
		for i, p := range s.paths {
			if v, ok := r.partVals[p[0]]; ok {
				out[i] = v
				continue
			}
			v, ok := m[s.phys[p[0]].Name]
			if !ok || v == nil {
				continue
			}
			var str string
			switch v := v.(type) {
			case string:
				str = v
			case json.Number:
				str = v.String()
			case bool:
				str = strings.ToUpper(strconv.FormatBool(v))
			default:
				b, _ := json.Marshal(v)
				str = string(b)
			}
			out[i] = &str
		}
		return out, nil
	default:
		cr := csv.NewReader(strings.NewReader(line))
		cr.Comma = s.delim
		cr.FieldsPerRecord = -1
		rec, err := cr.Read()
		if err != nil {
			return nil, err
		}
		// Columns are the physical columns in order; paths pick them.
		out := make([]*string, len(s.types))
		for i, p := range s.paths {
			if v, ok := r.partVals[p[0]]; ok {
				out[i] = v
				continue
			}
			if k := s.recIdx[p[0]]; k < len(rec) {
				v := rec[k]
				out[i] = &v
			}
		}
		return out, nil
	}
}
