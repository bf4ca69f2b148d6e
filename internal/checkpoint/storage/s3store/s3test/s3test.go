// Package s3test starts an S3-compatible server (gofakes3, in memory) on
// 127.0.0.1 for tests of the s3:// checkpoint storage, and points the AWS
// SDK's credentials at test values.
package s3test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Secret is the secret access key the server's clients use; no message may
// show it.
const Secret = "s3cr3t-never-printed"

// Server is an S3 server in memory.
type Server struct {
	srv *httptest.Server
	// Hook, when set, sees every request before the server.
	Hook atomic.Pointer[func(r *http.Request)]
}

// Start starts a server with the buckets, stopped when the test ends. It
// sets the AWS_* environment for the test (so tests using it cannot be
// parallel).
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key-id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", Secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{}
	h := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hook := s.Hook.Load(); hook != nil {
			(*hook)(r)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the s3:// URL of bucket/prefix on the server.
func (s *Server) URL(bucketAndPrefix string) string {
	return "s3://" + bucketAndPrefix + "?region=us-east-1&use_path_style=true&disable_https=true&endpoint=" + s.srv.URL
}
