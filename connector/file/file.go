package file

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// Buckets, when set, splits a record into the parts that go into
	// buckets: sub-folders of Dir (a relative path such as "dt=2024-01-01/hm=10"),
	// each with part files of its own. It calls each once per bucket with
	// the part of v that goes there. Without it every record goes into Dir.
	Buckets func(v T, each func(bucket string, part T) error) error
	// SuccessFile, when set, is the name of an empty file the committer
	// creates in a bucket once part files were committed there (Flink's
	// success-file partition commit policy).
	SuccessFile string
	// RollSize and RollInterval, when set, close a part file that grew to
	// RollSize bytes or has been open RollInterval (checked as records
	// arrive; Flink's rolling policy): it is committed with the next
	// checkpoint like the files a checkpoint closes.
	RollSize     int64
	RollInterval time.Duration
	// ID, when set, goes into the part file names (part-<ID>-<s>-<n>), so
	// that several jobs write into one folder side by side, as Flink's
	// filesystem connector does: a writer then removes only the files of
	// its own ID. Without it the folder belongs to the sink (see the
	// package doc).
	ID string
	// Overwrite replaces what a bucket holds (SQL's INSERT OVERWRITE, for
	// a job that ends): when the committer first commits into a bucket it
	// removes the part files of other IDs there, and its success file.
	// OverwriteBuckets are emptied so at the end of the input even when
	// the job wrote nothing into them (a table without partitions, a
	// partition named whole). It needs an ID.
	Overwrite        bool
	OverwriteBuckets []string
}

// New returns a sink writing part files into dir (created if needed).
func New[T any](dir string, f Format[T]) *Sink[T] { return &Sink[T]{Dir: dir, Format: f} }

// Pending is the committable of a part file: subtask s's file n in
// Bucket ("" for Dir itself) of the sink with ID, closed and waiting for
// its checkpoint to complete.
type Pending struct {
	Subtask int
	Index   int64
	Bucket  string
	ID      string
}

// FinalName is the visible name of part file n of subtask s.
func FinalName(subtask int, n int64) string { return IDFinalName("", subtask, n) }

// InProgressName is the hidden name of a part file not committed yet.
func InProgressName(subtask int, n int64) string { return IDInProgressName("", subtask, n) }

// IDFinalName is FinalName for a sink with an ID.
func IDFinalName(id string, subtask int, n int64) string {
	if id == "" {
		return fmt.Sprintf("part-%d-%d", subtask, n)
	}
	return fmt.Sprintf("part-%s-%d-%d", id, subtask, n)
}

// IDInProgressName is InProgressName for a sink with an ID.
func IDInProgressName(id string, subtask int, n int64) string {
	return "." + IDFinalName(id, subtask, n) + ".inprogress"
}

// ParseName returns the subtask and index of a part file name (visible or
// in progress).
func ParseName(name string) (subtask int, n int64, inProgress, ok bool) {
	_, subtask, n, inProgress, ok = ParseIDName(name)
	return subtask, n, inProgress, ok
}

// ParseIDName is ParseName that also returns the sink ID in the name ("" for
// none).
func ParseIDName(name string) (id string, subtask int, n int64, inProgress, ok bool) {
	if s, found := strings.CutPrefix(name, "."); found {
		name, inProgress = strings.CutSuffix(s, ".inprogress")
		if !inProgress {
			return "", 0, 0, false, false
		}
	}
	rest, found := strings.CutPrefix(name, "part-")
	if !found {
		return "", 0, 0, false, false
	}
	// The subtask and the index are the last two fields; an ID may hold
	// dashes itself.
	i := strings.LastIndexByte(rest, '-')
	if i < 0 {
		return "", 0, 0, false, false
	}
	rest, b := rest[:i], rest[i+1:]
	a := rest
	if j := strings.LastIndexByte(rest, '-'); j >= 0 {
		id, a = rest[:j], rest[j+1:]
		if id == "" {
			return "", 0, 0, false, false
		}
	}
	s, err1 := strconv.Atoi(a)
	k, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || s < 0 || k < 0 {
		return "", 0, 0, false, false
	}
	return id, s, k, inProgress, true
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
	// The subtask's part files numbered from next on, in Dir and in its
	// buckets, were written by an attempt that failed.
	err := filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		id, sub, n, _, ok := ParseIDName(d.Name())
		if ok && id == s.ID && sub == subtask && n >= next {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &writer[T]{sink: s, subtask: subtask, next: next, open: map[string]*partFile{}}, nil
}

// CreateCommitter returns the committer that renames part files.
func (s *Sink[T]) CreateCommitter() (connector.Committer, error) {
	if s.Overwrite && s.ID == "" {
		return nil, errors.New("file sink: Overwrite needs an ID")
	}
	c := &committer{dir: s.Dir, successFile: s.SuccessFile}
	if s.Overwrite {
		c.cleared = map[string]bool{}
	}
	return c, nil
}

// EncodeCommittable encodes a Pending as two varints, then the bucket's
// length and bytes when it has one.
func (s *Sink[T]) EncodeCommittable(c connector.Committable) ([]byte, error) {
	p, ok := c.(Pending)
	if !ok {
		return nil, fmt.Errorf("file sink: committable %T", c)
	}
	b := binary.AppendVarint(binary.AppendVarint(nil, int64(p.Subtask)), p.Index)
	if p.Bucket != "" || p.ID != "" {
		b = binary.AppendUvarint(b, uint64(len(p.Bucket)))
		b = append(b, p.Bucket...)
	}
	if p.ID != "" {
		b = binary.AppendUvarint(b, uint64(len(p.ID)))
		b = append(b, p.ID...)
	}
	return b, nil
}

// DecodeCommittable decodes EncodeCommittable's bytes.
func (s *Sink[T]) DecodeCommittable(b []byte) (connector.Committable, error) {
	corrupted := errors.New("file sink: corrupted committable")
	sub, k := binary.Varint(b)
	if k <= 0 {
		return nil, corrupted
	}
	n, k2 := binary.Varint(b[k:])
	if k2 <= 0 {
		return nil, corrupted
	}
	p := Pending{Subtask: int(sub), Index: n}
	rest := b[k+k2:]
	str := func() (string, bool) {
		l, k3 := binary.Uvarint(rest)
		if k3 <= 0 || uint64(len(rest)-k3) < l {
			return "", false
		}
		s := string(rest[k3 : k3+int(l)])
		rest = rest[k3+int(l):]
		return s, true
	}
	var ok bool
	if len(rest) > 0 {
		if p.Bucket, ok = str(); !ok {
			return nil, corrupted
		}
		if err := checkBucket(p.Bucket); err != nil {
			return nil, err
		}
	}
	if len(rest) > 0 {
		if p.ID, ok = str(); !ok || len(rest) > 0 {
			return nil, corrupted
		}
	}
	return p, nil
}

// checkBucket refuses a bucket that would leave the sink's folder.
func checkBucket(b string) error {
	if b == "" {
		return nil
	}
	if filepath.IsAbs(b) || !filepath.IsLocal(b) {
		return fmt.Errorf("file sink: bucket %q is not a relative path inside the sink's folder", b)
	}
	return nil
}

type writer[T any] struct {
	sink    *Sink[T]
	subtask int
	next    int64 // index of the next part file, in every bucket

	open   map[string]*partFile // by bucket
	rolled []Pending            // files the rolling policy closed, for the next checkpoint
	buf    *bufio.Writer        // reused by the next part file opened
	// ended is set by the flush at the end of the input; marked once its
	// overwrite marks went out.
	ended, marked bool
}

// partFile is an open in-progress part file.
type partFile struct {
	f      *os.File
	buf    *bufio.Writer
	index  int64
	size   countingWriter
	opened time.Time
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (w *writer[T]) Write(v T, _ int64) error {
	if w.sink.Buckets == nil {
		return w.writeTo("", v)
	}
	return w.sink.Buckets(v, w.writeTo)
}

func (w *writer[T]) writeTo(bucket string, v T) error {
	pf := w.open[bucket]
	if pf == nil {
		if err := checkBucket(bucket); err != nil {
			return err
		}
		dir := filepath.Join(w.sink.Dir, bucket)
		if bucket != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		f, err := os.Create(filepath.Join(dir, IDInProgressName(w.sink.ID, w.subtask, w.next)))
		if err != nil {
			return err
		}
		pf = &partFile{f: f, buf: w.buf, index: w.next, opened: time.Now()}
		pf.size.w = f
		w.buf = nil
		if pf.buf == nil {
			pf.buf = bufio.NewWriterSize(&pf.size, 64<<10)
		} else {
			pf.buf.Reset(&pf.size)
		}
		w.open[bucket] = pf
	}
	if err := w.sink.Format.Write(pf.buf, v); err != nil {
		return err
	}
	if s := w.sink; s.RollSize > 0 && pf.size.n+int64(pf.buf.Buffered()) >= s.RollSize ||
		s.RollInterval > 0 && time.Since(pf.opened) >= s.RollInterval {
		return w.roll(bucket, pf)
	}
	return nil
}

// roll closes a bucket's part file for the next checkpoint; the bucket's
// next record opens a new one.
func (w *writer[T]) roll(bucket string, pf *partFile) error {
	if err := closePart(pf); err != nil {
		return err
	}
	w.buf = pf.buf
	delete(w.open, bucket)
	w.rolled = append(w.rolled, Pending{Subtask: w.subtask, Index: pf.index, Bucket: bucket, ID: w.sink.ID})
	w.next++ // the bucket's next file needs a name of its own
	return nil
}

// closePart flushes, syncs and closes a part file.
func closePart(pf *partFile) error {
	err := pf.buf.Flush()
	if err == nil {
		err = pf.f.Sync()
	}
	if cerr := pf.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (w *writer[T]) Flush(endOfInput bool) error {
	w.ended = w.ended || endOfInput
	for _, pf := range w.open {
		if err := pf.buf.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// PrepareCommit closes the open part files, if any: they and the files
// rolled since the last checkpoint are the committables of the checkpoint.
func (w *writer[T]) PrepareCommit() ([]connector.Committable, error) {
	var marks []connector.Committable
	if w.ended && !w.marked && w.subtask == 0 {
		// The buckets to empty even if nothing goes there: subtask 0
		// speaks for the job.
		w.marked = true
		for _, b := range w.sink.OverwriteBuckets {
			marks = append(marks, Pending{Subtask: w.subtask, Index: overwriteMark, Bucket: b, ID: w.sink.ID})
		}
	}
	if len(w.open) == 0 && len(w.rolled) == 0 {
		return marks, nil
	}
	buckets := make([]string, 0, len(w.open))
	for b := range w.open {
		buckets = append(buckets, b)
	}
	slices.Sort(buckets)
	out := marks
	for _, p := range w.rolled {
		out = append(out, p)
	}
	w.rolled = w.rolled[:0]
	var firstErr error
	for _, b := range buckets {
		pf := w.open[b]
		if err := closePart(pf); err != nil && firstErr == nil {
			firstErr = err
		}
		w.buf = pf.buf
		out = append(out, Pending{Subtask: w.subtask, Index: pf.index, Bucket: b, ID: w.sink.ID})
	}
	clear(w.open)
	if firstErr != nil {
		return nil, firstErr
	}
	w.next++
	return out, nil
}

// SnapshotState is the index of the next part file.
func (w *writer[T]) SnapshotState(int64) ([]byte, error) {
	return binary.AppendVarint(nil, w.next), nil
}

// Close drops unfinished part files (an in-progress file is never made
// visible outside a commit).
func (w *writer[T]) Close() error {
	for _, pf := range w.open {
		name := pf.f.Name()
		pf.f.Close()
		os.Remove(name)
	}
	clear(w.open)
	// Rolled files not committed stay hidden; a restored writer removes
	// them (their indexes are past the checkpoint's).
	w.rolled = nil
	return nil
}

type committer struct {
	dir         string
	successFile string
	// cleared are the buckets an overwriting sink emptied of older files
	// (nil when it does not overwrite).
	cleared map[string]bool
}

// overwriteMark is the Index of a Pending that commits no file: it only
// has an overwriting sink's bucket emptied.
const overwriteMark = -1

// Commit renames the in-progress files to their final names. A file
// already renamed (its in-progress file gone, its final file there) is
// committed.
func (c *committer) Commit(cs []connector.Committable) error {
	for _, x := range cs {
		p, ok := x.(Pending)
		if !ok {
			return fmt.Errorf("file sink: committable %T", x)
		}
		dir := filepath.Join(c.dir, p.Bucket)
		if c.cleared != nil && !c.cleared[p.Bucket] {
			if err := c.clear(dir, p.ID); err != nil {
				return fmt.Errorf("overwriting bucket %q: %w", p.Bucket, err)
			}
			c.cleared[p.Bucket] = true
		}
		if p.Index == overwriteMark {
			// An empty partition is committed too.
			if c.successFile != "" && p.Bucket != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return fmt.Errorf("committing bucket %q: %w", p.Bucket, err)
				}
				if err := os.WriteFile(filepath.Join(dir, c.successFile), nil, 0o644); err != nil {
					return fmt.Errorf("committing bucket %q: %w", p.Bucket, err)
				}
			}
			continue
		}
		from := filepath.Join(dir, IDInProgressName(p.ID, p.Subtask, p.Index))
		to := filepath.Join(dir, IDFinalName(p.ID, p.Subtask, p.Index))
		if err := os.Rename(from, to); err != nil {
			if _, serr := os.Stat(to); !errors.Is(err, fs.ErrNotExist) || serr != nil {
				return fmt.Errorf("committing part file: %w", err)
			}
		}
		if c.successFile != "" {
			if err := os.WriteFile(filepath.Join(dir, c.successFile), nil, 0o644); err != nil {
				return fmt.Errorf("committing bucket %q: %w", p.Bucket, err)
			}
		}
	}
	return nil
}

// clear removes from dir (not its sub-folders) the part files of sinks
// other than id, visible or not, and the success file.
func (c *committer) clear(dir, id string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		other, _, _, _, ok := ParseIDName(e.Name())
		if ok && other != id || c.successFile != "" && e.Name() == c.successFile {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// Abort removes in-progress files.
func (c *committer) Abort(cs []connector.Committable) error {
	for _, x := range cs {
		if p, ok := x.(Pending); ok && p.Index != overwriteMark {
			os.Remove(filepath.Join(c.dir, p.Bucket, IDInProgressName(p.ID, p.Subtask, p.Index)))
		}
	}
	return nil
}

func (c *committer) Close() error { return nil }

// Parts returns the visible part files of dir and of its buckets (the
// folders below it) in order: by bucket, then sink ID, subtask and index.
func Parts(dir string) ([]string, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	type part struct {
		bucket, id string
		sub        int
		n          int64
		path       string
	}
	var ps []part
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		id, sub, n, inProgress, ok := ParseIDName(d.Name())
		if ok && !inProgress {
			rel, _ := filepath.Rel(dir, filepath.Dir(p))
			if rel == "." {
				rel = ""
			}
			ps = append(ps, part{rel, id, sub, n, p})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b part) int {
		return cmp.Or(strings.Compare(a.bucket, b.bucket), strings.Compare(a.id, b.id), cmp.Compare(a.sub, b.sub), cmp.Compare(a.n, b.n))
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.path
	}
	return out, nil
}
