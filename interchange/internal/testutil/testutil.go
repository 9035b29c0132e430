// Package testutil holds what the interchange packages' tests share:
// schema validation with xmllint, a project's model as text, and where two
// texts first differ.
package testutil

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/schedule"
)

// Corpus returns the files of the shared corpus under interchange/dir
// matching pattern, skipping the test when CRITPATH_CORPUS is unset.
func Corpus(t *testing.T, dir, pattern string) []string {
	t.Helper()
	root := os.Getenv("CRITPATH_CORPUS")
	if root == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	files, err := filepath.Glob(filepath.Join(root, "interchange", dir, pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s files under %s: %v", pattern, root, err)
	}
	return files
}

// Schema returns the path of a schema of the corpus ("" when
// CRITPATH_CORPUS is unset).
func Schema(name string) string {
	root := os.Getenv("CRITPATH_CORPUS")
	if root == "" {
		return ""
	}
	return filepath.Join(root, "interchange", "xsd", name)
}

// Validate checks doc against the schema with xmllint (Debian package
// libxml2-utils), skipping when xmllint is missing.
func Validate(t *testing.T, xsd string, doc []byte) {
	t.Helper()
	ValidateAll(t, xsd, map[string][]byte{"out": doc})
}

// ValidateAll checks documents against the schema in one run of xmllint
// (reading the schema takes it longer than most documents), each named
// in its errors.
func ValidateAll(t *testing.T, xsd string, docs map[string][]byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (Debian package libxml2-utils)")
	}
	dir := t.TempDir()
	args := []string{"--noout", "--schema", xsd}
	for name, doc := range docs {
		f := filepath.Join(dir, strings.Map(func(r rune) rune {
			if r == '/' || r == os.PathSeparator {
				return '_'
			}
			return r
		}, name)+".xml")
		if err := os.WriteFile(f, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	out, err := exec.Command("xmllint", args...).CombinedOutput()
	if err != nil {
		var bad []string
		for line := range strings.SplitSeq(string(out), "\n") {
			if !strings.HasSuffix(line, " validates") && line != "" {
				bad = append(bad, strings.TrimPrefix(line, dir+string(os.PathSeparator)))
			}
		}
		t.Fatalf("exports do not validate: %v\n%s", err, strings.Join(bad[:min(20, len(bad))], "\n"))
	}
}

// Example reads an example project of examples/projects, from a test in
// a package below the repository's root.
func Example(t *testing.T, name string) *schedule.Project {
	t.Helper()
	return demo.Project(t, name)
}

// Model returns p as critpath's JSON: two models are the same when their
// texts are.
func Model(t *testing.T, p *schedule.Project) string {
	t.Helper()
	var b bytes.Buffer
	if err := schedule.WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// FirstDiff shows the lines around the first difference of two texts.
func FirstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			lo := max(0, i-3)
			return "before: " + strings.Join(la[lo:min(len(la), i+3)], "\n") + "\nafter:  " + strings.Join(lb[lo:min(len(lb), i+3)], "\n")
		}
	}
	return "lengths differ"
}
