// Package storage stores checkpoints: a small blob interface (a local
// directory today, object stores later) and the checkpoint metadata format
// (docs/format/checkpoint-metadata.md).
package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNotFound is wrapped by Get for a path that does not exist.
var ErrNotFound = errors.New("not found")

// Blob stores byte blobs by slash-separated path. Implementations are safe
// for concurrent use.
type Blob interface {
	// Put stores data at p atomically: a reader sees all of it or nothing.
	Put(p string, data []byte) error
	// Get returns the data at p, or an error wrapping ErrNotFound.
	Get(p string) ([]byte, error)
	// List returns the paths of every blob under the folder prefix (all
	// levels), sorted.
	List(prefix string) ([]string, error)
	// Delete removes the blob at p, or every blob under the folder p. A
	// path that does not exist is not an error.
	Delete(p string) error
	// String names the storage in messages.
	String() string
}

// Local is a Blob in a directory of the local file system.
type Local struct {
	Dir string
}

// NewLocal returns the storage rooted at dir.
func NewLocal(dir string) *Local { return &Local{Dir: dir} }

func (l *Local) String() string { return l.Dir }

func (l *Local) file(p string) (string, error) {
	c := path.Clean("/" + p)
	if c == "/" {
		return l.Dir, nil
	}
	return filepath.Join(l.Dir, filepath.FromSlash(c[1:])), nil
}

// Put writes data to a temporary file in the same directory and renames it.
func (l *Local) Put(p string, data []byte) error {
	f, err := l.file(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f), "."+filepath.Base(f)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), f)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", f, werr)
	}
	return nil
}

// Get reads the file at p.
func (l *Local) Get(p string) ([]byte, error) {
	f, err := l.file(p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(f)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", f, ErrNotFound)
	}
	return b, err
}

// List walks the folder prefix; temporary files are not listed.
func (l *Local) List(prefix string) ([]string, error) {
	root, err := l.file(prefix)
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(root, func(f string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.Contains(d.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(l.Dir, f)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(out)
	return out, err
}

// Delete removes the file or folder p.
func (l *Local) Delete(p string) error {
	f, err := l.file(p)
	if err != nil {
		return err
	}
	if f == filepath.Clean(l.Dir) {
		return fmt.Errorf("refusing to delete the storage root %s", l.Dir)
	}
	return os.RemoveAll(f)
}
