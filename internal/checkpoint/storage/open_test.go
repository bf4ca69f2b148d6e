package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage/storagetest"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{dir, "file://" + dir, "file://localhost" + dir} {
		b, err := storage.Open(u)
		if err != nil {
			t.Fatal(err)
		}
		if l, ok := b.(*storage.Local); !ok || filepath.Clean(l.Dir) != dir {
			t.Fatalf("Open(%s) = %#v", u, b)
		}
	}
	if b, err := storage.Open("file://rel/dir"); err != nil || b.(*storage.Local).Dir != filepath.FromSlash("rel/dir") {
		t.Fatalf("relative file URL: %v %v", b, err)
	}

	// The tests of this package do not link s3store: an s3:// URL's error
	// says what to import.
	for _, tc := range []struct{ url, want string }{
		{"", "empty"},
		{"gs://bucket/x", `unsupported scheme "gs"`},
		{"s3://bucket/x", `unsupported scheme "s3"`},
		{"s3://bucket/x", `import _ "github.com/eddy-streams/eddy/internal/checkpoint/storage/s3store"`},
		{"S3://bucket/x", `unsupported scheme "S3"`},
	} {
		_, err := storage.Open(tc.url)
		t.Logf("Open(%q): %v", tc.url, err)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q): %v, want an error with %q", tc.url, err, tc.want)
		}
	}
}

func TestOpenParent(t *testing.T) {
	dir := t.TempDir()
	storagetest.WriteCheckpoint(t, storage.NewLocal(dir), "job", 4)
	for _, u := range []string{filepath.Join(dir, "job", "chk-4"), "file://" + dir + "/job/chk-4"} {
		b, base, err := storage.OpenParent(u)
		if err != nil || base != "chk-4" {
			t.Fatalf("OpenParent(%s) = %v %q %v", u, b, base, err)
		}
		if m, _, err := storage.Load(b, base); err != nil || m.CheckpointID != 4 {
			t.Fatalf("Load: %v %v", m, err)
		}
	}
	for _, u := range []string{"s3://bucket/ckpts/job/chk-3", "s3://bucket"} {
		if _, _, err := storage.OpenParent(u); err == nil || !strings.Contains(err.Error(), "storage/s3store") {
			t.Errorf("OpenParent(%s) without s3store: %v", u, err)
		}
	}
}

var (
	registerEddyTest sync.Once
	// eddyTestOpen opens eddytest:// URLs for the running test.
	eddyTestOpen func(ctx context.Context, rawURL string) (storage.Blob, error)
)

// A registered scheme is opened by Open and OpenParent, with a deadline,
// whatever the case of its name; registering it twice panics.
func TestRegisterScheme(t *testing.T) {
	root := t.TempDir()
	var opened []string
	open := func(ctx context.Context, rawURL string) (storage.Blob, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Errorf("open(%s): no deadline", rawURL)
		}
		opened = append(opened, rawURL)
		_, rest, _ := strings.Cut(rawURL, "://")
		rest, query, _ := strings.Cut(rest, "?")
		if query == "fail=1" {
			return nil, fmt.Errorf("cannot open %s", rawURL)
		}
		return storage.NewLocal(filepath.Join(root, filepath.FromSlash(rest))), nil
	}
	eddyTestOpen = open
	registerEddyTest.Do(func() { // once per process, as with go test -count=2
		storage.RegisterScheme("EddyTest", func(ctx context.Context, rawURL string) (storage.Blob, error) {
			return eddyTestOpen(ctx, rawURL)
		})
	})

	storagetest.WriteCheckpoint(t, storage.NewLocal(filepath.Join(root, "bkt", "ckpts")), "job", 5)
	b, err := storage.Open("eddytest://bkt/ckpts")
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := storage.Completed(b, "job"); err != nil || !slices.Equal(ids, []int64{5}) {
		t.Fatalf("Completed = %v %v", ids, err)
	}
	b, base, err := storage.OpenParent("EDDYTEST://bkt/ckpts/job/chk-5/?x=1")
	if err != nil || base != "chk-5" {
		t.Fatalf("OpenParent = %v %q %v", b, base, err)
	}
	if m, _, err := storage.Load(b, base); err != nil || m.CheckpointID != 5 {
		t.Fatalf("Load: %v %v", m, err)
	}
	if want := []string{"eddytest://bkt/ckpts", "EDDYTEST://bkt/ckpts/job?x=1"}; !slices.Equal(opened, want) {
		t.Fatalf("opened %q, want %q", opened, want)
	}
	if _, err := storage.Open("eddytest://bkt?fail=1"); err == nil || !strings.Contains(err.Error(), "cannot open") {
		t.Fatalf("failing open: %v", err)
	}
	if _, _, err := storage.OpenParent("eddytest://bkt"); err == nil || !strings.Contains(err.Error(), "no folder") {
		t.Fatalf("OpenParent of a bucket: %v", err)
	}
	if _, err := storage.Open("gs://bucket/x"); err == nil || !strings.Contains(err.Error(), "eddytest://") {
		t.Fatalf("the unsupported scheme error does not list the registered ones: %v", err)
	}

	for _, scheme := range []string{"eddytest", "EDDYTEST", "file", "", "a:b"} {
		func() {
			defer func() {
				r := recover()
				t.Logf("RegisterScheme(%q): %v", scheme, r)
				if r == nil {
					t.Errorf("RegisterScheme(%q) did not panic", scheme)
				}
			}()
			storage.RegisterScheme(scheme, open)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("RegisterScheme with a nil function did not panic")
			}
		}()
		storage.RegisterScheme("eddytest-nil", nil)
	}()
}
