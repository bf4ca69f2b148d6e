package exec

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// Partitioned filesystem tables keep their rows in folders named by the
// partition columns, k1=v1/k2=v2, as Flink (and Hive) lay them out: values
// rendered as strings with the characters that cannot be in a path
// escaped as %XX, NULL and empty values as the default partition name.

// defaultPartitionName is Flink's partition.default-name.
const defaultPartitionName = "__DEFAULT_PARTITION__"

func partitionDefaultName(opts map[string]string) string {
	if n := opts["partition.default-name"]; n != "" {
		return n
	}
	return defaultPartitionName
}

// escapePartitionValue escapes what Flink's path escaping escapes: control
// characters and " # % ' * / : = ? \ { [ ] ^ and DEL.
func escapePartitionValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescapePartitionValue undoes escapePartitionValue; a malformed escape
// is kept as it is.
func unescapePartitionValue(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) {
			if x, err := strconv.ParseUint(v[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(x))
				i += 2
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// partitioner splits chunks by the partition their rows go to.
type partitioner struct {
	cols        []int // the partition columns in the chunk
	names       []string
	types       []types.Type
	defaultName string
}

// split calls each once per partition of c's live rows, with a view of c
// whose live rows are that partition's (no rows are copied).
func (p *partitioner) split(c *vector.Chunk, each func(bucket string, part *vector.Chunk) error) error {
	var order []string
	rows := map[string][]int32{}
	var b strings.Builder
	var err error
	c.ForEachLive(func(i int) {
		key := p.bucket(&b, func(k int) any { return c.Cols[p.cols[k]].Get(i) })
		if _, ok := rows[key]; !ok {
			order = append(order, key)
		}
		rows[key] = append(rows[key], int32(i))
	})
	for _, key := range order {
		view := &vector.Chunk{Cols: c.Cols, Kinds: c.Kinds, Sel: rows[key]}
		view.SetLen(c.Len())
		if err = each(key, view); err != nil {
			return err
		}
	}
	return nil
}

// bucket returns the folder of the partition whose values value gives,
// by partition column: k1=v1/k2=v2, escaped, a NULL or empty value named
// as the default partition.
func (p *partitioner) bucket(b *strings.Builder, value func(k int) any) string {
	b.Reset()
	for k := range p.cols {
		if k > 0 {
			b.WriteByte('/')
		}
		b.WriteString(escapePartitionValue(p.names[k]))
		b.WriteByte('=')
		s := ""
		if v := value(k); v != nil {
			s = FormatValue(p.types[k], v)
		}
		if s == "" {
			s = p.defaultName
		}
		b.WriteString(escapePartitionValue(s))
	}
	return b.String()
}

// partitionValues reads the partition values of a file of a partitioned
// table from its folders below the table's root, by physical column.
func (s *fileSource) partitionValues(path string) (map[int]*string, error) {
	var keys int
	for _, k := range s.partKey {
		if k != "" {
			keys++
		}
	}
	if keys == 0 {
		return map[int]*string{}, nil
	}
	rel, err := filepath.Rel(s.root, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("filesystem source %s: %w", path, err)
	}
	found := map[string]*string{}
	for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
		k, v, ok := strings.Cut(seg, "=")
		if !ok {
			continue
		}
		v = unescapePartitionValue(v)
		if v == s.defaultPart {
			found[unescapePartitionValue(k)] = nil
			continue
		}
		found[unescapePartitionValue(k)] = &v
	}
	out := make(map[int]*string, keys)
	for j, k := range s.partKey {
		if k != "" {
			out[j] = found[k] // a file outside the partition folders: NULL
		}
	}
	return out, nil
}
