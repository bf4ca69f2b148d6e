package s3store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store/s3test"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage/storagetest"
)

const testSecret = s3test.Secret

// openS3 opens rawURL through storage.Open, that is through the "s3"
// scheme this package registers.
func openS3(t *testing.T, rawURL string) *S3 {
	t.Helper()
	b, err := storage.Open(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := b.(*S3)
	if !ok {
		t.Fatalf("Open(%s) = %T, want *S3", rawURL, b)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestS3BlobContract(t *testing.T) {
	f := s3test.Start(t, "bucket", "other")
	t.Run("prefix", func(t *testing.T) {
		b := openS3(t, f.URL("bucket/ckpts/team"))
		if b.String() != "s3://bucket/ckpts/team" {
			t.Fatalf("String() = %q", b.String())
		}
		storagetest.BlobContract(t, b)
	})
	t.Run("bucket root", func(t *testing.T) {
		b := openS3(t, f.URL("other"))
		if b.String() != "s3://other" {
			t.Fatalf("String() = %q", b.String())
		}
		storagetest.BlobContract(t, b)
	})
}

// Blobs stay under the URL's prefix: another prefix of the bucket is
// neither listed nor deleted.
func TestS3PrefixIsolation(t *testing.T) {
	f := s3test.Start(t, "bucket")
	a := openS3(t, f.URL("bucket/a"))
	ab := openS3(t, f.URL("bucket/ab"))
	root := openS3(t, f.URL("bucket"))
	if err := a.Put("job/chk-1/x", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := ab.Put("job/chk-1/y", []byte("2")); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.List(""); !slices.Equal(got, []string{"job/chk-1/x"}) {
		t.Fatalf("List under a: %q", got)
	}
	if got, _ := root.List(""); !slices.Equal(got, []string{"a/job/chk-1/x", "ab/job/chk-1/y"}) {
		t.Fatalf("List of the bucket: %q", got)
	}
	if got, err := root.Get("a/job/chk-1/x"); err != nil || string(got) != "1" {
		t.Fatalf("Get through the bucket root: %q %v", got, err)
	}
	if err := a.Delete("job"); err != nil {
		t.Fatal(err)
	}
	if got, _ := root.List(""); !slices.Equal(got, []string{"ab/job/chk-1/y"}) {
		t.Fatalf("after Delete under a: %q", got)
	}
}

// A large Put is a multipart upload, and nothing of it is visible before
// the upload is completed.
func TestS3MultipartPutIsAtomic(t *testing.T) {
	f := s3test.Start(t, "bucket")
	b := openS3(t, f.URL("bucket/p"))
	completing := make(chan struct{})
	release := make(chan struct{})
	var parts atomic.Int32
	hook := func(r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodPut && q.Has("partNumber"):
			parts.Add(1)
		case r.Method == http.MethodPost && q.Has("uploadId"): // CompleteMultipartUpload
			close(completing)
			<-release
		}
	}
	f.Hook.Store(&hook)

	data := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16) // 20 MiB
	data[len(data)-1] = 'X'
	done := make(chan error, 1)
	go func() { done <- b.Put("job/chk-1/big", data) }()
	select {
	case <-completing:
	case err := <-done:
		t.Fatalf("Put ended without a multipart upload: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("no CompleteMultipartUpload")
	}
	if n := parts.Load(); n < 2 {
		t.Fatalf("%d parts uploaded before the completion", n)
	}
	if _, err := b.Get("job/chk-1/big"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get during the upload: %v", err)
	}
	if got, err := b.List("job"); err != nil || len(got) != 0 {
		t.Errorf("List during the upload: %q %v", got, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.Hook.Store(nil)
	got, err := b.Get("job/chk-1/big")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get after the upload: %d bytes, %v", len(got), err)
	}
}

// A failed upload leaves no object behind.
func TestS3FailedPutLeavesNothing(t *testing.T) {
	f := s3test.Start(t, "bucket")
	b := openS3(t, f.URL("bucket"))
	if err := b.Put("k", []byte("old")); err != nil {
		t.Fatal(err)
	}
	hook := func(r *http.Request) {
		if r.Method == http.MethodPut {
			io.Copy(io.Discard, r.Body) // drop the body: the server sees a short one
			r.Body = io.NopCloser(strings.NewReader("tr"))
		}
	}
	f.Hook.Store(&hook)
	err := b.Put("k", []byte("new value"))
	f.Hook.Store(nil)
	if err == nil {
		t.Fatal("a truncated upload succeeded")
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "s3://bucket/k") || strings.Contains(err.Error(), testSecret) {
		t.Fatalf("error: %v", err)
	}
	if got, err := b.Get("k"); err != nil || string(got) != "old" {
		t.Fatalf("after the failed Put: %q %v", got, err)
	}
}

// The S3 cases of storage.Open (its local cases are tested in storage).
func TestOpen(t *testing.T) {
	f := s3test.Start(t, "bucket")
	for _, tc := range []struct{ url, want string }{
		{"", "empty"},
		{"gs://bucket/x", `unsupported scheme "gs"`},
		{f.URL("missing/x"), "s3://missing/x: bucket \"missing\" is not accessible"},
		{"s3:///x", "no bucket name"},
		{"s3://AKIAKEY:" + testSecret + "@bucket/x", "credentials in the URL"},
		{f.URL("bucket") + "&no_such_option=1", "s3://bucket"},
	} {
		_, err := storage.Open(tc.url)
		t.Logf("Open(%q): %v", tc.url, err)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q): %v, want an error with %q", tc.url, err, tc.want)
		} else if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), "AKIAKEY") {
			t.Errorf("Open(%q): the error shows the secret: %v", tc.url, err)
		}
	}
	// Open of this package, directly.
	if _, err := Open(context.Background(), "file:///x"); err == nil || !strings.Contains(err.Error(), "not an s3:// URL") {
		t.Errorf("Open of a file URL: %v", err)
	}
	s, err := Open(context.Background(), f.URL("bucket/p"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.String() != "s3://bucket/p" {
		t.Fatalf("String() = %q", s.String())
	}
}

// The S3 cases of storage.OpenParent (its local cases are tested in
// storage).
func TestOpenParent(t *testing.T) {
	f := s3test.Start(t, "bucket")
	w := openS3(t, f.URL("bucket/ckpts"))
	storagetest.WriteCheckpoint(t, w, "job", 3)

	for _, u := range []string{f.URL("bucket/ckpts/job/chk-3"), f.URL("bucket/ckpts/job/chk-3/")} {
		b, base, err := storage.OpenParent(u)
		if err != nil {
			t.Fatal(err)
		}
		if b.String() != "s3://bucket/ckpts/job" || base != "chk-3" {
			t.Fatalf("OpenParent(%s) = %s, %q", u, b, base)
		}
		if m, _, err := storage.Load(b, base); err != nil || m.CheckpointID != 3 {
			t.Fatalf("Load: %v %v", m, err)
		}
	}
	b, base, err := storage.OpenParent(f.URL("bucket/ckpts/job"))
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := storage.Completed(b, base); err != nil || !slices.Equal(ids, []int64{3}) {
		t.Fatalf("Completed(%s, %s) = %v %v", b, base, ids, err)
	}
	if _, _, err := storage.OpenParent(f.URL("bucket")); err == nil {
		t.Fatal("OpenParent of a bucket succeeded")
	}
}
