package exec

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/eddy-streams/eddy/sql/types"
)

// The filesystem source's metadata keys and their types, as Flink's.
var fileMetadata = map[string]types.Type{
	"file.path":              types.String().NotNullable(),
	"file.name":              types.String().NotNullable(),
	"file.size":              types.BigInt().NotNullable(),
	"file.modification-time": types.TimestampLTZ(3).NotNullable(),
}

// metadataValues adds the metadata columns' values for file f (at path) to
// vals, by physical column: strings the reader casts like the files'
// fields (the modification time in UTC, as the cast reads it).
func (s *fileSource) metadataValues(f *os.File, path string, vals *map[int]*string) error {
	for j, k := range s.metaKey {
		if k == "" {
			continue
		}
		var v string
		switch k {
		case "file.path":
			v = path
		case "file.name":
			v = filepath.Base(path)
		case "file.size", "file.modification-time":
			fi, err := f.Stat()
			if err != nil {
				return fmt.Errorf("filesystem source %s: %w", path, err)
			}
			if k == "file.size" {
				v = strconv.FormatInt(fi.Size(), 10)
			} else {
				v = fi.ModTime().UTC().Format("2006-01-02 15:04:05.000")
			}
		}
		(*vals)[j] = &v
	}
	return nil
}
