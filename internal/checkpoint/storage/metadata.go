package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"sort"
	"strconv"
	"strings"
)

// MetadataFile is the name of the file that makes a checkpoint visible; it
// is written last.
const MetadataFile = "_metadata"

// magic starts every metadata file.
const magic = "EDDY-CHECKPOINT-METADATA 1\n"

// ErrCorrupt is wrapped by errors about corrupted or truncated files.
var ErrCorrupt = errors.New("corrupted or truncated checkpoint file")

// Metadata describes one complete checkpoint.
type Metadata struct {
	JobID        string `json:"job_id"`
	CheckpointID int64  `json:"checkpoint_id"`
	Kind         string `json:"kind"`      // "checkpoint" or "savepoint"
	Timestamp    int64  `json:"timestamp"` // ms, when it was triggered
	// Operators holds the state of every operator with state, by ID.
	Operators []OperatorState `json:"operators"`
}

// OperatorState is the state of one operator (all subtasks).
type OperatorState struct {
	// ID is the operator's UID, or "node-<n>" derived from the stream
	// graph node id when it has none.
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	Parallelism    int            `json:"parallelism"`
	MaxParallelism int            `json:"max_parallelism"`
	Subtasks       []SubtaskState `json:"subtasks"`
	// CoordinatorState is a source's split enumerator state (its
	// connector.EnumeratorSnapshotter encoding), base64 in the JSON.
	CoordinatorState []byte `json:"coordinator_state,omitempty"`
}

// SubtaskState is the state of one subtask of an operator.
type SubtaskState struct {
	Subtask int `json:"subtask"`
	// KeyGroups is the inclusive key-group range [start, end] of a keyed
	// operator's subtask.
	KeyGroups [2]int `json:"key_groups"`
	// KeyedState is the keyed-state stream file (docs/format/keyed-state.md),
	// relative to the checkpoint folder; empty for a non-keyed operator.
	KeyedState *FileRef `json:"keyed_state,omitempty"`
	// IncrementalState replaces KeyedState for a keyed backend that took
	// an incremental checkpoint (the lsm backend).
	IncrementalState *IncrementalState `json:"incremental_state,omitempty"`
	// ChannelState is the file of the subtask's channel state (the
	// in-flight records of an unaligned checkpoint), on the entry of the
	// task's head operator; absent when nothing was in flight.
	ChannelState *FileRef `json:"channel_state,omitempty"`
	// Source holds a source reader's split states.
	Source *SourceState `json:"source,omitempty"`
	// OperatorState holds the bytes an operator snapshotted itself
	// (operator.StateSnapshotter, e.g. a two-phase-commit sink's pending
	// committables), in the operator's own encoding; base64 in the JSON.
	OperatorState []byte `json:"operator_state,omitempty"`
}

// IncrementalState is a keyed backend's incremental checkpoint: the files
// of its checkpoint directory (docs/format/checkpoint-metadata.md). Shared
// files are stored once per lineage under the job's "shared/" folder and
// referenced by every checkpoint that lists them.
type IncrementalState struct {
	// BackendID is the lineage of the backend's shared files.
	BackendID string            `json:"backend_id"`
	Files     []IncrementalFile `json:"files"`
}

// IncrementalFile is a file of an incremental checkpoint.
type IncrementalFile struct {
	// Name is the file's name in the backend's checkpoint directory.
	Name string `json:"name"`
	// Path is where the file is stored, relative to the job's folder:
	// "shared/<backend-id>/<name>" for shared files, "chk-<n>/…" for the
	// checkpoint's private ones.
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	CRC32  uint32 `json:"crc32"` // IEEE
	Shared bool   `json:"shared,omitempty"`
}

// FileRef names a state file with its size and checksum.
type FileRef struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	CRC32 uint32 `json:"crc32"` // IEEE
}

// SourceState is the state of a source reader.
type SourceState struct {
	// Splits are the reader's splits, encoded by the source's codec.
	Splits [][]byte `json:"splits"`
	// NoMoreSplits is set when the reader was told it gets no more splits.
	NoMoreSplits bool `json:"no_more_splits"`
}

// Operator returns the state of the operator id.
func (m *Metadata) Operator(id string) (*OperatorState, bool) {
	for i := range m.Operators {
		if m.Operators[i].ID == id {
			return &m.Operators[i], true
		}
	}
	return nil, false
}

// EncodeMetadata returns the metadata file: the magic line, the JSON body,
// and a line "crc32 <8 hex digits>" of the body.
func EncodeMetadata(m *Metadata) ([]byte, error) {
	sort.Slice(m.Operators, func(i, j int) bool { return m.Operators[i].ID < m.Operators[j].ID })
	for _, op := range m.Operators {
		sort.Slice(op.Subtasks, func(i, j int) bool { return op.Subtasks[i].Subtask < op.Subtasks[j].Subtask })
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write(body)
	fmt.Fprintf(&b, "\ncrc32 %08x\n", crc32.ChecksumIEEE(body))
	return b.Bytes(), nil
}

// DecodeMetadata parses and checks a metadata file.
func DecodeMetadata(data []byte) (*Metadata, error) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok {
		return nil, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	i := bytes.LastIndex(rest, []byte("\ncrc32 "))
	if i < 0 || !bytes.HasSuffix(rest, []byte("\n")) {
		return nil, fmt.Errorf("%w: no checksum line", ErrCorrupt)
	}
	body := rest[:i]
	sum, err := strconv.ParseUint(strings.TrimSpace(string(rest[i+len("\ncrc32 "):])), 16, 32)
	if err != nil {
		return nil, fmt.Errorf("%w: bad checksum line", ErrCorrupt)
	}
	if uint32(sum) != crc32.ChecksumIEEE(body) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &m, nil
}

// CheckpointDir is the folder of checkpoint id of a job: "<job>/chk-<id>".
func CheckpointDir(jobID string, id int64) string {
	return fmt.Sprintf("%s/chk-%d", jobID, id)
}

// ParseCheckpointDir returns the id of a folder named "chk-<id>".
func ParseCheckpointDir(name string) (int64, bool) {
	s, ok := strings.CutPrefix(name, "chk-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Completed returns the ids of the complete checkpoints (those with a
// metadata file) of a job in blob, in increasing order.
func Completed(b Blob, jobID string) ([]int64, error) {
	paths, err := b.List(jobID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, p := range paths {
		dir, file, ok := cutLast(p)
		if !ok || file != MetadataFile {
			continue
		}
		_, chk, _ := cutLast(dir)
		if id, ok := ParseCheckpointDir(chk); ok {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

func cutLast(p string) (string, string, bool) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p, false
	}
	return p[:i], p[i+1:], true
}

// Load reads and checks the metadata of the checkpoint folder dir and every
// state file it names (size and CRC32), returning the metadata and the
// state files' contents by name. An error names the file at fault.
func Load(b Blob, dir string) (*Metadata, map[string][]byte, error) {
	mp := dir + "/" + MetadataFile
	data, err := b.Get(mp)
	if err != nil {
		return nil, nil, fmt.Errorf("reading checkpoint metadata %s/%s: %w", b, mp, err)
	}
	m, err := DecodeMetadata(data)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint metadata %s/%s: %w", b, mp, err)
	}
	files := map[string][]byte{}
	for _, op := range m.Operators {
		for _, st := range op.Subtasks {
			for _, f := range []*FileRef{st.KeyedState, st.ChannelState} {
				if f == nil {
					continue
				}
				p := dir + "/" + f.Name
				d, err := b.Get(p)
				if err != nil {
					return nil, nil, fmt.Errorf("reading state file %s/%s: %w", b, p, err)
				}
				if int64(len(d)) != f.Size || crc32.ChecksumIEEE(d) != f.CRC32 {
					return nil, nil, fmt.Errorf("state file %s/%s: %w (size %d, want %d; or checksum mismatch)", b, p, ErrCorrupt, len(d), f.Size)
				}
				files[f.Name] = d
			}
		}
	}
	return m, files, nil
}
