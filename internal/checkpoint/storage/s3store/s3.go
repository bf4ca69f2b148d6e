package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"

	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
)

func init() {
	storage.RegisterScheme(s3blob.Scheme, func(ctx context.Context, rawURL string) (storage.Blob, error) {
		s, err := Open(ctx, rawURL)
		if err != nil {
			return nil, err // not a nil *S3 in a non-nil Blob
		}
		return s, nil
	})
}

// S3 is a storage.Blob in an S3-compatible object store, under a key
// prefix of one bucket. It is opened from a URL (see Open).
//
// Put is atomic because an S3 object becomes visible only once its upload
// completes: a small blob is written by one PutObject request, a large one
// by a multipart upload that is committed (CompleteMultipartUpload) when the
// writer closes, and aborted on error. As the checkpoint driver writes a
// checkpoint's _metadata last, a checkpoint is listed by storage.Completed
// only once all its state files are in place.
type S3 struct {
	bucket *blob.Bucket
	name   string // s3://bucket/prefix, without query or credentials
	prefix string // key prefix, "" or ending in "/"
}

var _ storage.Blob = (*S3)(nil)

// Open opens the S3 storage of a URL
//
//	s3://bucket[/prefix][?region=R&endpoint=URL&use_path_style=true&disable_https=true&...]
//
// with the query options of gocloud.dev/blob/s3blob (and gocloud.dev/aws:
// region, endpoint, profile, anonymous, ...). The URL's path is a key
// prefix all blobs go under. Credentials come from the AWS SDK's usual
// sources (environment, shared files, instance roles), never from the URL;
// the storage's name in messages has no query. An S3-compatible server
// such as MinIO needs endpoint, use_path_style=true and, over plain HTTP,
// disable_https=true.
//
// Open checks that the bucket is accessible.
func Open(ctx context.Context, rawURL string) (*S3, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("checkpoint storage: invalid URL: %w", redactURLError(err))
	}
	if u.Scheme != s3blob.Scheme {
		return nil, fmt.Errorf("checkpoint storage %s: not an s3:// URL", redact(u))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("checkpoint storage %s: no bucket name (want s3://bucket/prefix)", redact(u))
	}
	if u.User != nil {
		return nil, fmt.Errorf("checkpoint storage %s: credentials in the URL are not supported; use the AWS SDK's environment variables or shared files", redact(u))
	}
	prefix := storage.CleanKey(u.Path)
	name := "s3://" + u.Host
	if prefix != "" {
		name += "/" + prefix
		prefix += "/"
	}
	bu := &url.URL{Scheme: u.Scheme, Host: u.Host, RawQuery: u.RawQuery}
	b, err := (&s3blob.URLOpener{}).OpenBucketURL(ctx, bu)
	if err != nil {
		return nil, fmt.Errorf("checkpoint storage %s: %w", name, err)
	}
	// A one-key listing under the prefix checks the bucket and the
	// credentials (which may be restricted to the prefix).
	_, _, err = b.ListPage(ctx, blob.FirstPageToken, 1, &blob.ListOptions{Prefix: prefix})
	if gcerrors.Code(err) == gcerrors.NotFound {
		err = fmt.Errorf("bucket does not exist: %w", err)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("checkpoint storage %s: bucket %q is not accessible: %w", name, u.Host, err)
	}
	return &S3{bucket: b, name: name, prefix: prefix}, nil
}

// redact returns u without its user information and query, for messages.
func redact(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.Fragment = nil, "", ""
	return c.String()
}

// redactURLError drops the URL (which may hold secrets) from a parse error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (s *S3) String() string { return s.name }

// Close releases the bucket's resources.
func (s *S3) Close() error { return s.bucket.Close() }

func (s *S3) errorf(op, p string, err error) error {
	return fmt.Errorf("%s %s/%s: %w", op, s.name, storage.CleanKey(p), err)
}

// Put uploads data as one object (a multipart upload completed at the end
// for large data), so that readers see all of it or nothing.
func (s *S3) Put(p string, data []byte) error {
	k := storage.CleanKey(p)
	if k == "" {
		return s.errorf("writing", p, errors.New("empty path"))
	}
	opts := &blob.WriterOptions{ContentType: "application/octet-stream"}
	if err := s.bucket.WriteAll(context.Background(), s.prefix+k, data, opts); err != nil {
		return s.errorf("writing", p, err)
	}
	return nil
}

// Get downloads the object at p.
func (s *S3) Get(p string) ([]byte, error) {
	k := storage.CleanKey(p)
	if k == "" {
		return nil, s.errorf("reading", p, storage.ErrNotFound)
	}
	d, err := s.bucket.ReadAll(context.Background(), s.prefix+k)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("%s/%s: %w", s.name, k, storage.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("reading", p, err)
	}
	return d, nil
}

// List lists the objects under the folder prefix (all levels).
func (s *S3) List(prefix string) ([]string, error) {
	out, err := s.list(prefix)
	if err != nil {
		return nil, s.errorf("listing", prefix, err)
	}
	return out, nil
}

func (s *S3) list(prefix string) ([]string, error) {
	folder := storage.CleanKey(prefix)
	if folder != "" {
		folder += "/"
	}
	ctx := context.Background()
	it := s.bucket.List(&blob.ListOptions{Prefix: s.prefix + folder})
	var out []string
	for {
		o, err := it.Next(ctx)
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, err
		}
		if o.IsDir || strings.HasSuffix(o.Key, "/") {
			continue // a folder marker some tools create
		}
		out = append(out, strings.TrimPrefix(o.Key, s.prefix))
	}
	sort.Strings(out)
	return out, nil
}

// deleteConcurrency bounds the parallel requests of a folder's Delete.
const deleteConcurrency = 16

// Delete removes the object p and every object under the folder p.
func (s *S3) Delete(p string) error {
	k := storage.CleanKey(p)
	if k == "" {
		return fmt.Errorf("refusing to delete the storage root %s", s.name)
	}
	keys, err := s.list(k)
	if err != nil {
		return s.errorf("deleting", p, err)
	}
	keys = append(keys, k)
	ctx := context.Background()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, deleteConcurrency)
	)
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			err := s.bucket.Delete(ctx, s.prefix+k)
			if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
				mu.Lock()
				errs = append(errs, s.errorf("deleting", k, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
