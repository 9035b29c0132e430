package mspdi_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

func read(t *testing.T, data []byte, name string) *mspdi.File {
	t.Helper()
	f, err := mspdi.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// Every corpus file imports and schedules; exported, it validates against
// the MSPDI schema; imported again, it is the same model: tasks, links
// and lags, constraints, calendars and exceptions, resources,
// assignments, baselines.
func TestCorpusRoundTrip(t *testing.T) {
	xsd := filepath.Join(os.Getenv("CRITPATH_CORPUS"), "interchange", "xsd", "mspdi_pj15_mpxj-correct-2018.xsd")
	for _, path := range testutil.Corpus(t, "mspdi", "*.xml") {
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
			if _, err := mspdi.Write(&out, first.Project, nil); err != nil {
				t.Fatal(err)
			}
			testutil.Validate(t, xsd, out.Bytes())
			second := read(t, out.Bytes(), name+" exported")
			if a, b := testutil.Model(t, first.Project), testutil.Model(t, second.Project); a != b {
				t.Errorf("the model changed on the round trip:\n%s", testutil.FirstDiff(a, b))
			}
		})
	}
}
