// Package demo reads the example projects of examples/projects for tests
// anywhere in the repository, so that no package keeps a copy of them.
package demo

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/schedule"
)

// Project reads the example project of that file name (e.g.
// "dhaka-tower.json") from examples/projects, found from the test's
// directory up to the repository's root; it fails the test if it cannot.
func Project(t testing.TB, name string) *schedule.Project {
	t.Helper()
	f, err := os.Open(Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := schedule.ReadJSON(f)
	if err != nil {
		t.Fatalf("demo: %s: %v", name, err)
	}
	return p
}

// Path returns the path of the example project of that file name.
func Path(t testing.TB, name string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "examples", "projects", name)
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("demo: no go.mod above the test's directory")
		}
		dir = up
	}
}
