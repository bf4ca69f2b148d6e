package storage_test

import (
	"testing"

	"github.com/eddy-streams/eddy/internal/checkpoint/storage"
	"github.com/eddy-streams/eddy/internal/checkpoint/storage/storagetest"
)

func TestLocalBlobContract(t *testing.T) {
	storagetest.BlobContract(t, storage.NewLocal(t.TempDir()))
}
