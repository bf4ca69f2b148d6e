package file

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/connector"
)

// Format writes one record into a part file.
type Format[T any] interface {
	Write(w *bufio.Writer, v T) error
}

// CSV writes records as CSV rows rendered by render (which appends the
// columns of v to dst).
func CSV[T any](render func(v T, dst []string) []string) Format[T] {
	return csvFormat[T]{render}
}

type csvFormat[T any] struct {
	render func(T, []string) []string
}

func (f csvFormat[T]) Write(w *bufio.Writer, v T) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(f.render(v, nil)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// JSONLines writes records as one JSON value (encoding/json) per line.
func JSONLines[T any]() Format[T] { return jsonFormat[T]{} }

type jsonFormat[T any] struct{}

func (jsonFormat[T]) Write(w *bufio.Writer, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Write(b)
	return w.WriteByte('\n')
}

// Sink writes part files into Dir.
type Sink[T any] struct {
	Dir    string
	Format Format[T]
}

// New returns a sink writing part files into dir (created if needed).
func New[T any](dir string, f Format[T]) *Sink[T] { return &Sink[T]{Dir: dir, Format: f} }

// Pending is the committable of a part file: subtask s's file n, closed
// and waiting for its checkpoint to complete.
type Pending struct {
	Subtask int
	Index   int64
}

// FinalName is the visible name of part file n of subtask s.
func FinalName(subtask int, n int64) string { return fmt.Sprintf("part-%d-%d", subtask, n) }

// InProgressName is the hidden name of a part file not committed yet.
func InProgressName(subtask int, n int64) string { return "." + FinalName(subtask, n) + ".inprogress" }

// ParseName returns the subtask and index of a part file name (visible or
// in progress).
func ParseName(name string) (subtask int, n int64, inProgress, ok bool) {
	if s, found := strings.CutPrefix(name, "."); found {
		name, inProgress = strings.CutSuffix(s, ".inprogress")
		if !inProgress {
			return 0, 0, false, false
		}
	}
	rest, found := strings.CutPrefix(name, "part-")
	if !found {
		return 0, 0, false, false
	}
	a, b, found := strings.Cut(rest, "-")
	if !found {
		return 0, 0, false, false
	}
	s, err1 := strconv.Atoi(a)
	i, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || s < 0 || i < 0 {
		return 0, 0, false, false
	}
	return s, i, inProgress, true
}

// CreateWriter starts subtask ctx.Subtask() afresh: its part files of an
// earlier run are removed.
func (s *Sink[T]) CreateWriter(ctx connector.SinkContext) (connector.SinkWriter[T], error) {
	return s.newWriter(ctx.Subtask(), 0)
}

// RestoreWriter restores a writer from its checkpointed counter; part
// files of the subtask numbered from it on are removed.
func (s *Sink[T]) RestoreWriter(ctx connector.SinkContext, states [][]byte) (connector.SinkWriter[T], error) {
	var next int64
	for _, st := range states {
		n, k := binary.Varint(st)
		if k <= 0 || k != len(st) || n < 0 {
			return nil, errors.New("file sink: corrupted writer state")
		}
		next = max(next, n)
	}
	return s.newWriter(ctx.Subtask(), next)
}

func (s *Sink[T]) newWriter(subtask int, next int64) (*writer[T], error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		sub, n, _, ok := ParseName(e.Name())
		if ok && sub == subtask && n >= next {
			if err := os.Remove(filepath.Join(s.Dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	return &writer[T]{sink: s, subtask: subtask, next: next}, nil
}

// CreateCommitter returns the committer that renames part files.
func (s *Sink[T]) CreateCommitter() (connector.Committer, error) { return committer{dir: s.Dir}, nil }

// EncodeCommittable encodes a Pending as two varints.
func (s *Sink[T]) EncodeCommittable(c connector.Committable) ([]byte, error) {
	p, ok := c.(Pending)
	if !ok {
		return nil, fmt.Errorf("file sink: committable %T", c)
	}
	return binary.AppendVarint(binary.AppendVarint(nil, int64(p.Subtask)), p.Index), nil
}

// DecodeCommittable decodes EncodeCommittable's bytes.
func (s *Sink[T]) DecodeCommittable(b []byte) (connector.Committable, error) {
	sub, k := binary.Varint(b)
	if k <= 0 {
		return nil, errors.New("file sink: corrupted committable")
	}
	n, k2 := binary.Varint(b[k:])
	if k2 <= 0 || k+k2 != len(b) {
		return nil, errors.New("file sink: corrupted committable")
	}
	return Pending{Subtask: int(sub), Index: n}, nil
}

type writer[T any] struct {
	sink    *Sink[T]
	subtask int
	next    int64 // index of the next part file

	f   *os.File
	buf *bufio.Writer
}

func (w *writer[T]) Write(v T, _ int64) error {
	if w.f == nil {
		f, err := os.Create(filepath.Join(w.sink.Dir, InProgressName(w.subtask, w.next)))
		if err != nil {
			return err
		}
		w.f = f
		if w.buf == nil {
			w.buf = bufio.NewWriterSize(f, 64<<10)
		} else {
			w.buf.Reset(f)
		}
	}
	return w.sink.Format.Write(w.buf, v)
}

func (w *writer[T]) Flush(bool) error {
	if w.f == nil {
		return nil
	}
	return w.buf.Flush()
}

// PrepareCommit closes the open part file, if any: it is the committable
// of the checkpoint.
func (w *writer[T]) PrepareCommit() ([]connector.Committable, error) {
	if w.f == nil {
		return nil, nil
	}
	err := w.buf.Flush()
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f = nil
	if err != nil {
		return nil, err
	}
	p := Pending{Subtask: w.subtask, Index: w.next}
	w.next++
	return []connector.Committable{p}, nil
}

// SnapshotState is the index of the next part file.
func (w *writer[T]) SnapshotState(int64) ([]byte, error) {
	return binary.AppendVarint(nil, w.next), nil
}

// Close drops an unfinished part file (an in-progress file is never made
// visible outside a commit).
func (w *writer[T]) Close() error {
	if w.f == nil {
		return nil
	}
	name := w.f.Name()
	w.f.Close()
	w.f = nil
	os.Remove(name)
	return nil
}

type committer struct{ dir string }

// Commit renames the in-progress files to their final names. A file
// already renamed (its in-progress file gone, its final file there) is
// committed.
func (c committer) Commit(cs []connector.Committable) error {
	for _, x := range cs {
		p, ok := x.(Pending)
		if !ok {
			return fmt.Errorf("file sink: committable %T", x)
		}
		from := filepath.Join(c.dir, InProgressName(p.Subtask, p.Index))
		to := filepath.Join(c.dir, FinalName(p.Subtask, p.Index))
		if err := os.Rename(from, to); err != nil {
			if _, serr := os.Stat(to); errors.Is(err, fs.ErrNotExist) && serr == nil {
				continue
			}
			return fmt.Errorf("committing part file: %w", err)
		}
	}
	return nil
}

// Abort removes in-progress files.
func (c committer) Abort(cs []connector.Committable) error {
	for _, x := range cs {
		if p, ok := x.(Pending); ok {
			os.Remove(filepath.Join(c.dir, InProgressName(p.Subtask, p.Index)))
		}
	}
	return nil
}

func (c committer) Close() error { return nil }

// Parts returns the visible part files of dir in order: by subtask, then
// index.
func Parts(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type part struct {
		sub  int
		n    int64
		name string
	}
	var ps []part
	for _, e := range entries {
		sub, n, inProgress, ok := ParseName(e.Name())
		if ok && !inProgress {
			ps = append(ps, part{sub, n, e.Name()})
		}
	}
	slices.SortFunc(ps, func(a, b part) int {
		if c := cmp.Compare(a.sub, b.sub); c != 0 {
			return c
		}
		return cmp.Compare(a.n, b.n)
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = filepath.Join(dir, p.name)
	}
	return out, nil
}
