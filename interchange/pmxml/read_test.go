package pmxml_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/schedule"
)

func read(t *testing.T, path string) *pmxml.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pmxml.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return f
}

// The sample's calendar: P6 writes 07:00–11:59 and 12:30–15:29 for an
// eight-hour day; read, they are 07:00–12:00 and 12:30–15:30. Its one
// activity schedules on the dates P6 saved.
func TestSample(t *testing.T) {
	f := read(t, filepath.Join("testdata", "mpxj__PredecessorCalendar.xml"))
	if len(f.Projects) != 1 {
		t.Fatalf("%d projects", len(f.Projects))
	}
	pr := f.Projects[0]
	p := pr.Project
	var cal *schedule.Calendar
	for i := range p.Calendars {
		if p.Calendars[i].Name == "Test Calendar" {
			cal = &p.Calendars[i]
		}
	}
	if cal == nil || !slices.Equal(cal.Week[time.Monday], []schedule.Interval{schedule.Span(7, 0, 12, 0), schedule.Span(12, 30, 15, 30)}) {
		t.Fatalf("calendar %+v", cal)
	}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	n := r.Network()
	checked := 0
	for i, task := range p.Tasks {
		s, ok := pr.Saved[task.ID]
		if !ok || s.Start.IsZero() {
			continue
		}
		got := r.Task(i)
		ds, _ := n.WorkBetween(n.Calendar(i), got.Start, s.Start)
		df, _ := n.WorkBetween(n.Calendar(i), got.Finish, s.Finish)
		if ds != 0 || df != 0 {
			t.Errorf("%s: %v–%v, P6 saved %v–%v", task.ID, got.Start, got.Finish, s.Start, s.Finish)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no activity with saved dates")
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"not PMXML", `<Project/>`, "not a PMXML document"},
		{"no project", `<APIBusinessObjects><Calendar><Name>x</Name></Calendar></APIBusinessObjects>`, "holds no project"},
		{"malformed", "<APIBusinessObjects>\n<Project>\n</APIBusinessObjects>", "pmxml: line 3"},
		{"binary", "\x00\x01\xff", "not a PMXML document"},
	} {
		_, err := pmxml.Read(strings.NewReader(c.doc), nil)
		var pe *pmxml.ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a ParseError naming %q", c.name, err, c.want)
		}
	}
}

// Every PMXML document of the corpus imports; every project with a start
// schedules, and baseline projects are marked.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("CRITPATH_CORPUS")
	if dir == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "interchange", "pmxml", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no PMXML files in the corpus")
	}
	baselines, scheduled := 0, 0
	for _, path := range files {
		for _, pr := range read(t, path).Projects {
			if pr.Baseline {
				baselines++
			}
			if pr.Project.Start.IsZero() {
				continue // a stub of another project: no dates at all
			}
			if _, err := schedule.Run(pr.Project); err != nil {
				t.Errorf("%s: project %q does not schedule: %v", filepath.Base(path), pr.Project.Name, err)
			}
			scheduled++
		}
	}
	if baselines != 2 || scheduled < 9 {
		t.Errorf("%d baseline projects, %d projects scheduled; want 2 and at least 9", baselines, scheduled)
	}
}

func FuzzRead(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "mpxj__PredecessorCalendar.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := pmxml.Read(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		for _, pr := range doc.Projects {
			_, _ = schedule.Compile(pr.Project) // errors are fine; panics and hangs are not
			// What is read writes; written again after a read, it is the same.
			var one, two bytes.Buffer
			if _, err := pmxml.Write(&one, pr.Project, nil); err != nil {
				continue // an ID used twice, say
			}
			back, err := pmxml.Read(bytes.NewReader(one.Bytes()), nil)
			if err != nil {
				t.Fatalf("reading our own export: %v", err)
			}
			if _, err := pmxml.Write(&two, back.Projects[0].Project, nil); err != nil {
				t.Fatalf("writing it again: %v", err)
			}
			again, err := pmxml.Read(bytes.NewReader(two.Bytes()), nil)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := testutil.Model(t, back.Projects[0].Project), testutil.Model(t, again.Projects[0].Project); a != b {
				t.Fatalf("a second round trip changed the model:\n%s", testutil.FirstDiff(a, b))
			}
		}
	})
}

// Warnings from the conversion P6's formats share name the line of the
// element they are about.
func TestWarningLines(t *testing.T) {
	doc := `<?xml version="1.0"?>
<APIBusinessObjects>
  <Project>
    <ObjectId>1</ObjectId><Id>P</Id><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>
    <Activity>
      <ObjectId>10</ObjectId><Id>A</Id><PlannedDuration>8</PlannedDuration>
      <PrimaryConstraintType>Start On or After</PrimaryConstraintType>
    </Activity>
  </Project>
</APIBusinessObjects>`
	f, err := pmxml.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(f.Warnings, func(w pmxml.Warning) bool {
		return w.Line == 5 && w.Where == "Activity" && strings.Contains(w.Message, "without a date")
	}) {
		t.Errorf("warnings %v, want one on line 5, the activity's constraint without a date", f.Warnings)
	}
}
