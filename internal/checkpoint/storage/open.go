package storage

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// openTimeout bounds the opening of a registered scheme's storage (which
// typically checks that a bucket is accessible).
const openTimeout = 30 * time.Second

// s3storePackage is the package registering the "s3" scheme, named in the
// error for an s3:// URL when it is not linked in.
const s3storePackage = "github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store"

var (
	schemesMu sync.RWMutex
	schemes   = map[string]func(ctx context.Context, rawURL string) (Blob, error){}
)

// RegisterScheme makes the storage of URLs scheme://... available to Open
// and OpenParent, in the style of database/sql drivers: a package
// implementing a storage calls it from its init function, and a program
// wanting that storage imports the package (for its side effect only, as
// in import _ "github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store").
// open receives the whole URL and a context bounding the opening; its
// result may hold resources (an io.Closer).
//
// The scheme is case-insensitive. RegisterScheme panics when the scheme is
// empty, is "file" (built in), is registered already, or open is nil.
func RegisterScheme(scheme string, open func(ctx context.Context, rawURL string) (Blob, error)) {
	s := strings.ToLower(scheme)
	switch {
	case s == "" || strings.ContainsAny(s, ":/"):
		panic(fmt.Sprintf("storage: RegisterScheme of an invalid scheme %q", scheme))
	case s == "file":
		panic("storage: RegisterScheme of the built-in scheme \"file\"")
	case open == nil:
		panic(fmt.Sprintf("storage: RegisterScheme of scheme %q with a nil open function", scheme))
	}
	schemesMu.Lock()
	defer schemesMu.Unlock()
	if _, dup := schemes[s]; dup {
		panic(fmt.Sprintf("storage: RegisterScheme called twice for scheme %q", s))
	}
	schemes[s] = open
}

// opener returns the open function registered for scheme, or an error
// naming the scheme (and, for s3, the package to import).
func opener(scheme string) (func(ctx context.Context, rawURL string) (Blob, error), error) {
	s := strings.ToLower(scheme)
	schemesMu.RLock()
	open, ok := schemes[s]
	var names []string
	if !ok {
		for name := range schemes {
			names = append(names, name+"://")
		}
	}
	schemesMu.RUnlock()
	if ok {
		return open, nil
	}
	if s == "s3" {
		return nil, fmt.Errorf("checkpoint storage: unsupported scheme %q: this program does not link the S3 storage; s3:// URLs need import _ %q", scheme, s3storePackage)
	}
	slices.Sort(names)
	want := "a local path or file://"
	if len(names) > 0 {
		want = "a local path, file:// or " + strings.Join(names, ", ")
	}
	return nil, fmt.Errorf("checkpoint storage: unsupported scheme %q (want %s)", scheme, want)
}

// Open returns the storage of a checkpoint directory (state.checkpoints.dir,
// --checkpoint-dir): a local directory given as a plain path or a file://
// URL, or the storage of a scheme registered with RegisterScheme, such as
// an S3-compatible bucket given as an s3:// URL (which needs the package
// github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store linked
// in). The result may hold resources: close it when it implements
// io.Closer.
func Open(rawURL string) (Blob, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		if rawURL == "" {
			return nil, fmt.Errorf("checkpoint storage: empty path")
		}
		return NewLocal(rawURL), nil
	}
	if strings.EqualFold(scheme, "file") {
		dir, err := filePath(rest)
		if err != nil {
			return nil, err
		}
		return NewLocal(dir), nil
	}
	open, err := opener(scheme)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	return open(ctx, rawURL)
}

// filePath is the path of a file URL after "file://": "/abs", "localhost/abs"
// or a relative path (as "file://dir" has always meant "dir").
func filePath(rest string) (string, error) {
	if r, ok := strings.CutPrefix(rest, "localhost/"); ok {
		rest = "/" + r
	}
	if rest == "" {
		return "", fmt.Errorf("checkpoint storage: empty file:// path")
	}
	return filepath.FromSlash(rest), nil
}

// CleanKey is the cleaned slash path p without a leading slash ("" for the
// root), as Local interprets paths: the key of a blob in an object store.
func CleanKey(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// OpenParent opens the storage holding the folder named by rawURL (a path,
// file:// URL or URL of a registered scheme such as s3://) and returns it
// with the folder's name in it, so that Load(b, name) or Completed(b, name)
// read the folder: for "s3://bkt/ckpts/job/chk-3" it is the storage
// s3://bkt/ckpts/job and "chk-3"; for "/data/ckpts/job" it is /data/ckpts
// and "job".
func OpenParent(rawURL string) (Blob, string, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok || strings.EqualFold(scheme, "file") {
		p := rawURL
		if ok {
			var err error
			if p, err = filePath(rest); err != nil {
				return nil, "", err
			}
		}
		p = filepath.Clean(p)
		return NewLocal(filepath.Dir(p)), filepath.Base(p), nil
	}
	if _, err := opener(scheme); err != nil {
		return nil, "", err
	}
	// Split the last path element off an object-store URL, keeping the
	// query.
	loc, query, _ := strings.Cut(rest, "?")
	bucket, p, _ := strings.Cut(loc, "/")
	p = CleanKey(p)
	if p == "" {
		return nil, "", fmt.Errorf("checkpoint storage %s://%s: no folder in the URL", scheme, bucket)
	}
	dir, base := path.Split(p)
	parent := scheme + "://" + bucket + "/" + strings.TrimSuffix(dir, "/")
	if query != "" {
		parent += "?" + query
	}
	b, err := Open(parent)
	if err != nil {
		return nil, "", err
	}
	return b, base, nil
}
