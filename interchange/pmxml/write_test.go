package pmxml_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

const schema = "p6apibo_v22.12_mpxj-2023.xsd"

// roundTrip writes p as PMXML and reads it back, failing on a difference
// in the model; it returns the document.
func roundTrip(t *testing.T, p *schedule.Project) []byte {
	t.Helper()
	var out bytes.Buffer
	warnings, err := pmxml.Write(&out, p, nil)
	if err != nil {
		t.Fatalf("%s: %v", p.Name, err)
	}
	for _, w := range warnings {
		t.Logf("%s: %v", p.Name, w)
	}
	back, err := pmxml.Read(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		t.Fatalf("%s: reading the export: %v", p.Name, err)
	}
	if len(back.Projects) != 1 {
		t.Fatalf("%s: %d projects read back", p.Name, len(back.Projects))
	}
	if a, b := testutil.Model(t, p), testutil.Model(t, back.Projects[0].Project); a != b {
		t.Errorf("%s: the round trip changed the model:\n%s", p.Name, testutil.FirstDiff(a, b))
	}
	return out.Bytes()
}

// Every project and baseline project of every PMXML document of the
// corpus, and every project of every XER file, exported as PMXML,
// validates against P6's schema and reads back as the same model.
func TestCorpusRoundTrip(t *testing.T) {
	docs := map[string][]byte{}
	for _, path := range testutil.Corpus(t, "pmxml", "*.xml") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := pmxml.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, pr := range f.Projects {
				docs[fmt.Sprintf("%s-%d", filepath.Base(path), k)] = roundTrip(t, pr.Project)
			}
		})
	}
	for _, path := range testutil.Corpus(t, "xer", "*.xer") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := xer.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, pr := range f.Projects {
				docs[fmt.Sprintf("%s-%d", filepath.Base(path), k)] = roundTrip(t, pr.Project)
			}
		})
	}
}

// The Dhaka Tower example, written as PMXML, validates, and reports what
// P6 cannot hold.
func TestWriteDhakaTower(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	var out bytes.Buffer
	warnings, err := pmxml.Write(&out, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, w := range warnings {
		text = append(text, w.String())
	}
	for _, want := range []string{"yearly exceptions", "(link M-APPR→PIL FS)", "percent lags"} {
		if !slices.ContainsFunc(text, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no warning says %q; warnings:\n%s", want, strings.Join(text, "\n"))
		}
	}
	if xsd := testutil.Schema(schema); xsd != "" {
		testutil.Validate(t, xsd, out.Bytes())
	}
	back, err := pmxml.Read(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if q := back.Projects[0].Project; len(q.Tasks) != len(p.Tasks) || len(q.Assignments) != len(p.Assignments) {
		t.Errorf("read back %d tasks, %d assignments; want %d, %d", len(q.Tasks), len(q.Assignments), len(p.Tasks), len(p.Assignments))
	}
}

// Working times between half hours are rounded out to them, with a
// warning: PMXML's schema holds nothing finer.
func TestWriteHalfHours(t *testing.T) {
	week := map[time.Weekday][]schedule.Interval{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		week[d] = []schedule.Interval{}
	}
	week[time.Monday] = []schedule.Interval{schedule.Span(8, 15, 12, 0), schedule.Span(12, 10, 16, 45), schedule.Span(22, 0, 24, 0)}
	p := &schedule.Project{Name: "quarters", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Calendar: "Quarters", Options: schedule.P6Options(),
		Calendars: []schedule.Calendar{{Name: "Quarters", Week: week}},
		Tasks:     []schedule.Task{{ID: "A", Duration: schedule.Hours(4)}}}
	var out bytes.Buffer
	warnings, err := pmxml.Write(&out, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].String(), "08:15-12:00 is written as 08:00-12:00") {
		t.Errorf("warnings %v", warnings)
	}
	if xsd := testutil.Schema(schema); xsd != "" {
		testutil.Validate(t, xsd, out.Bytes())
	}
	back, err := pmxml.Read(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Projects[0].Project.Calendars[0].Week[time.Monday]
	if want := []schedule.Interval{schedule.Span(8, 0, 17, 0), schedule.Span(22, 0, 24, 0)}; !slices.Equal(got, want) {
		t.Errorf("Monday %v, want %v", got, want)
	}
}
