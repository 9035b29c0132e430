package critpath_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/critpath/critpath"

// allowed returns whether package pkg (a path inside the module) may
// import dep, per the design's dependency rules.
func allowed(pkg, dep string) bool {
	std := !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".")
	local, inModule := strings.CutPrefix(dep, module+"/")
	top := strings.SplitN(pkg, "/", 2)[0]
	switch top {
	case "schedule", "leveling", "optimize", "risk":
		if std {
			return dep != "net" && !strings.HasPrefix(dep, "net/") && dep != "os/exec" && dep != "database/sql"
		}
		if strings.HasPrefix(dep, "gonum.org/v1/gonum/") || strings.HasPrefix(dep, "golang.org/x/exp/") {
			return true
		}
		if !inModule {
			return false
		}
		// Downward only: schedule at the bottom, the algorithms on it.
		switch top {
		case "schedule":
			return strings.HasPrefix(local, "internal/") && local != "internal/randnet"
		default:
			return local == "schedule" || strings.HasPrefix(local, "schedule/") || strings.HasPrefix(local, "internal/")
		}
	case "store":
		// The live side's core: the standard library and the module's
		// engine, never an adapter's dependency.
		if inModule {
			d := strings.SplitN(local, "/", 2)[0]
			return d != "adapters" && d != "examples" && d != "cmd" && d != "benchmarks" && d != "interchange"
		}
		return std
	case "interchange", "jobs", "notify", "realtime":
		if inModule {
			d := strings.SplitN(local, "/", 2)[0]
			return d != "adapters" && d != "examples" && d != "cmd" && d != "benchmarks"
		}
		return true
	}
	return true
}

// TestDependencyRules walks `go list -deps` for every package of the
// module and fails on an import the design forbids.
func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		pkg, ok := strings.CutPrefix(f[0], module+"/")
		if !ok {
			continue
		}
		checked++
		for _, dep := range f[1:] {
			if !allowed(pkg, dep) {
				t.Errorf("%s imports %s, which the design forbids", pkg, dep)
			}
		}
	}
	if checked == 0 {
		t.Fatal("go list found no packages")
	}
}

// TestNoLayerFolders rejects the folder names the design rules out.
func TestNoLayerFolders(t *testing.T) {
	banned := map[string]bool{"services": true, "domain": true, "infrastructure": true, "models": true, "util": true, "utils": true, "types": true}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "node_modules") {
			return filepath.SkipDir // hidden folders, and npm's for the benchmarks against Node.js libraries
		}
		if d.IsDir() && banned[d.Name()] {
			t.Errorf("%s: layer and util folders are not part of the design", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRulesCanFail(t *testing.T) {
	for _, c := range []struct {
		pkg, dep string
		ok       bool
	}{
		{"schedule", "fmt", true},
		{"schedule", "net/http", false},
		{"schedule", "github.com/redis/go-redis/v9", false},
		{"schedule", module + "/leveling", false},
		{"leveling", module + "/schedule", true},
		{"risk", "gonum.org/v1/gonum/stat/distuv", true},
		{"risk", module + "/adapters/redis", false},
		{"interchange/xer", module + "/cmd/critpath", false},
	} {
		if got := allowed(c.pkg, c.dep); got != c.ok {
			t.Errorf("allowed(%s, %s) = %v, want %v", c.pkg, c.dep, got, c.ok)
		}
	}
}
