package lint

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/eddy-streams/eddy/"

// forbidden maps a package (or a package tree, ending in "/...") to the
// packages it must not import, directly.
var forbidden = map[string][]string{
	// The vocabulary and user-facing leaves know nothing of the runtime or API.
	"serde":     {"...internal/...", "datastream"},
	"state":     {"...internal/...", "datastream"},
	"eventtime": {"...internal/...", "datastream"},
	"connector": {"...internal/...", "datastream"},
	"window":    {"...internal/...", "datastream"},
	// The runtime never reaches up into the API.
	"internal/...": {"datastream", "cmd/..."},
	// Within the runtime, layers point down.
	"internal/event":        {"...internal/..."},
	"internal/keygroup":     {"...internal/..."},
	"internal/statebackend": {"internal/operator", "internal/task", "internal/exchange", "internal/graph", "internal/cluster"},
	"internal/operator":     {"internal/task", "internal/exchange", "internal/graph", "internal/cluster"},
	"internal/exchange":     {"internal/task", "internal/graph", "internal/cluster"},
	"internal/task":         {"internal/graph", "internal/cluster"},
	"internal/graph":        {"internal/cluster"},
	"internal/source":       {"internal/graph", "internal/cluster"},
}

func matches(pattern, pkg string) bool {
	switch {
	case strings.HasPrefix(pattern, "...") && strings.HasSuffix(pattern, "/..."):
		return strings.HasPrefix(pkg, strings.TrimSuffix(strings.TrimPrefix(pattern, "..."), "..."))
	case strings.HasSuffix(pattern, "/..."):
		p := strings.TrimSuffix(pattern, "/...")
		return pkg == p || strings.HasPrefix(pkg, p+"/")
	default:
		return pkg == pattern
	}
}

func TestLayering(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string]map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bench") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) {
				imports[pkg][strings.TrimPrefix(p, module)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 10 {
		t.Fatalf("found only %d packages under %s; is the walk broken?", len(imports), root)
	}
	for pkg, imps := range imports {
		for imp := range imps {
			if imp == "internal/testenv" && !strings.HasPrefix(pkg, "internal/testenv") {
				t.Errorf("%s imports internal/testenv, which is for tests only", pkg)
			}
			for from, bans := range forbidden {
				if !matches(from, pkg) {
					continue
				}
				for _, ban := range bans {
					if matches(ban, imp) {
						t.Errorf("%s imports %s: DESIGN.md §2 layering forbids %s → %s", pkg, imp, from, ban)
					}
				}
			}
		}
	}
}
