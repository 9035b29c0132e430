package xlsx_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// roundTrip writes p as a workbook and reads it back.
func roundTrip(t *testing.T, p *schedule.Project) (*schedule.Project, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, nil); err != nil {
		t.Fatalf("Write: %v", err)
	}
	q, warns, err := parts(xlsx.Read(bytes.NewReader(buf.Bytes()), nil))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	for _, w := range warns {
		t.Logf("warning: %s", w)
	}
	return q, buf.Bytes()
}

// smallProject is a project of two tasks, Dig (A) then Pour (B),
// starting Monday 2027-01-04 08:00 in loc.
func smallProject(loc *time.Location) *schedule.Project {
	return &schedule.Project{
		Name:     "small",
		Start:    time.Date(2027, 1, 4, 8, 0, 0, 0, loc),
		Location: loc,
		Tasks: []schedule.Task{
			{ID: "A", Name: "Dig", Duration: schedule.Days(3)},
			{ID: "B", Name: "Pour", Duration: schedule.Days(2)},
		},
		Links: []schedule.Link{{Pred: "A", Succ: "B", Type: schedule.FS}},
	}
}

// taskByID is p's task id; the test fails without one.
func taskByID(t *testing.T, p *schedule.Project, id string) *schedule.Task {
	t.Helper()
	for k := range p.Tasks {
		if p.Tasks[k].ID == id {
			return &p.Tasks[k]
		}
	}
	t.Fatalf("no task %q", id)
	return nil
}

// inWorkbookOrder is p as a workbook holds it: its tasks in outline
// order, its links in the order of their successors; a zero lag, and a
// summary task's zero duration, in no unit; no empty custom field value
// (an empty cell); percentages to 12 significant digits (Excel keeps 15,
// and excelize reads them back rounded its own way).
func inWorkbookOrder(t *testing.T, p *schedule.Project) *schedule.Project {
	t.Helper()
	rows, err := outline.Order(p)
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	q.Tasks = make([]schedule.Task, len(rows))
	pos := map[string]int{}
	for k, r := range rows {
		q.Tasks[k] = p.Tasks[r.Task]
		pos[q.Tasks[k].ID] = k
	}
	parent := map[string]bool{}
	for _, t := range p.Tasks {
		parent[t.Parent] = true
	}
	for k := range q.Tasks {
		t := &q.Tasks[k]
		if parent[t.ID] && t.Duration.IsZero() {
			t.Duration = schedule.Duration{}
		}
		t.PercentComplete = round12(t.PercentComplete)
		if len(t.Fields) > 0 {
			t.Fields = maps.Clone(t.Fields)
			maps.DeleteFunc(t.Fields, func(_, v string) bool { return v == "" })
		}
	}
	q.Links = slices.Clone(p.Links)
	for k := range q.Links {
		if q.Links[k].Lag.IsZero() {
			q.Links[k].Lag = schedule.Duration{}
		}
	}
	slices.SortStableFunc(q.Links, func(a, b schedule.Link) int { return pos[a.Succ] - pos[b.Succ] })
	return &q
}

func round12(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return r
}

// asRead is a project read from a workbook with its percentages as
// inWorkbookOrder has them.
func asRead(q *schedule.Project) *schedule.Project {
	for k := range q.Tasks {
		q.Tasks[k].PercentComplete = round12(q.Tasks[k].PercentComplete)
	}
	return q
}

func TestRoundTripDhakaTower(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	q, _ := roundTrip(t, p)
	want, got := testutil.Model(t, inWorkbookOrder(t, p)), testutil.Model(t, asRead(q))
	if want != got {
		t.Fatalf("the workbook reads back as another project:\n%s", testutil.FirstDiff(want, got))
	}
}

// corpusProjects reads every project of the corpus's MSPDI, XER and
// PMXML files, named by file (and project, for files holding several).
func corpusProjects(t *testing.T) map[string]*schedule.Project {
	t.Helper()
	out := map[string]*schedule.Project{}
	open := func(path string) *os.File {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	for _, path := range testutil.Corpus(t, "mspdi", "*.xml") {
		f, err := mspdi.Read(open(path), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[filepath.Base(path)] = f.Project
	}
	for _, path := range testutil.Corpus(t, "xer", "*.xer") {
		f, err := xer.Read(open(path), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for k, pr := range f.Projects {
			out[fmt.Sprintf("%s#%d", filepath.Base(path), k)] = pr.Project
		}
	}
	for _, path := range testutil.Corpus(t, "pmxml", "*.xml") {
		f, err := pmxml.Read(open(path), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for k, pr := range f.Projects {
			out[fmt.Sprintf("%s#%d", filepath.Base(path), k)] = pr.Project
		}
	}
	return out
}

// Every project of the corpus that schedules comes back from its
// workbook as the same model.
func TestRoundTripCorpus(t *testing.T) {
	projects := corpusProjects(t)
	for _, name := range slices.Sorted(maps.Keys(projects)) {
		p := projects[name]
		t.Run(name, func(t *testing.T) {
			if _, err := schedule.Compile(p); err != nil {
				t.Skipf("does not schedule: %v", err)
			}
			q, _ := roundTrip(t, p)
			want, got := testutil.Model(t, inWorkbookOrder(t, p)), testutil.Model(t, asRead(q))
			if want != got {
				t.Fatalf("the workbook reads back as another project:\n%s", testutil.FirstDiff(want, got))
			}
		})
	}
}

// parts spreads a read's File into its project and warnings, for tests
// that check both.
func parts(f *xlsx.File, err error) (*schedule.Project, []xlsx.Warning, error) {
	if f == nil {
		return nil, nil, err
	}
	return f.Project, f.Warnings, err
}
