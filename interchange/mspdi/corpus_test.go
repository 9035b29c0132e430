package mspdi_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

// corpus returns the MSPDI files of the shared corpus, skipping when
// CRITPATH_CORPUS is unset.
func corpus(t *testing.T) []string {
	t.Helper()
	dir := os.Getenv("CRITPATH_CORPUS")
	if dir == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "interchange", "mspdi", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no MSPDI files under %s: %v", dir, err)
	}
	return files
}

func read(t *testing.T, data []byte, name string) *mspdi.File {
	t.Helper()
	f, err := mspdi.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func encode(t *testing.T, p *schedule.Project) string {
	t.Helper()
	var b bytes.Buffer
	if err := schedule.WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every corpus file imports and schedules; exported, it validates against
// the MSPDI schema; imported again, it is the same model: tasks, links
// and lags, constraints, calendars and exceptions, resources,
// assignments, baselines.
func TestCorpusRoundTrip(t *testing.T) {
	xsd := filepath.Join(os.Getenv("CRITPATH_CORPUS"), "interchange", "xsd", "mspdi_pj15_mpxj-correct-2018.xsd")
	for _, path := range corpus(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			first := read(t, data, name)
			if _, err := schedule.Run(first.Project); err != nil {
				t.Fatalf("the import does not schedule: %v", err)
			}
			var out bytes.Buffer
			if err := mspdi.Write(&out, first.Project); err != nil {
				t.Fatal(err)
			}
			validate(t, xsd, out.Bytes())
			second := read(t, out.Bytes(), name+" exported")
			if a, b := encode(t, first.Project), encode(t, second.Project); a != b {
				t.Errorf("the model changed on the round trip:\n%s", firstDiff(a, b))
			}
		})
	}
}

// validate checks an exported document against the schema with xmllint.
func validate(t *testing.T, xsd string, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (Debian package libxml2-utils)")
	}
	f := filepath.Join(t.TempDir(), "out.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Fatalf("the export does not validate: %v\n%s", err, firstLines(string(out), 10))
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// firstDiff shows where two texts first differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			lo := max(0, i-3)
			return "before: " + strings.Join(la[lo:min(len(la), i+3)], "\n") + "\nafter:  " + strings.Join(lb[lo:min(len(lb), i+3)], "\n")
		}
	}
	return "lengths differ"
}
