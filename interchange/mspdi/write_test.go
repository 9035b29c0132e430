package mspdi_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

// The Dhaka Tower example — Sunday–Thursday week, Bangladesh's holidays
// (yearly ones among them), night pours on a calendar of their own,
// summaries, every link type, resources on their own calendars — written
// as MSPDI validates against the schema and, read back, schedules every
// task on the same dates.
func TestWriteDhakaTower(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	var out bytes.Buffer
	if _, err := mspdi.Write(&out, p, nil); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CRITPATH_CORPUS"); dir != "" {
		testutil.Validate(t, filepath.Join(dir, "interchange", "xsd", "mspdi_pj15_mpxj-correct-2018.xsd"), out.Bytes())
	}
	back := read(t, out.Bytes(), "export")
	if len(back.Warnings) > 0 {
		t.Errorf("reading our own export warns: %v", back.Warnings)
	}
	want, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := schedule.Run(back.Project)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]schedule.TaskResult{}
	for _, tr := range got.Tasks() {
		byName[tr.Name] = tr
	}
	for _, w := range want.Tasks() {
		g, ok := byName[w.Name]
		if !ok {
			t.Errorf("task %q is missing", w.Name)
			continue
		}
		// MSPDI dates are wall-clock times without a zone: compare clocks.
		if wall(g.Start) != wall(w.Start) || wall(g.Finish) != wall(w.Finish) || g.TotalFloat != w.TotalFloat {
			t.Errorf("task %q: %v–%v float %d, want %v–%v float %d", w.Name, g.Start, g.Finish, g.TotalFloat, w.Start, w.Finish, w.TotalFloat)
		}
	}
	if wall(got.Finish()) != wall(want.Finish()) {
		t.Errorf("finish %v, want %v", got.Finish(), want.Finish())
	}
}

func TestWriteErrors(t *testing.T) {
	start := schedule.Days(1)
	for _, c := range []struct {
		name string
		p    schedule.Project
		want string
	}{
		{"duplicate task", schedule.Project{Tasks: []schedule.Task{{ID: "a", Duration: start}, {ID: "a"}}}, `ID "a" is used twice`},
		{"unknown parent", schedule.Project{Tasks: []schedule.Task{{ID: "a", Parent: "x"}}}, `parent "x" is not a task`},
		{"loop", schedule.Project{Tasks: []schedule.Task{{ID: "a", Parent: "b"}, {ID: "b", Parent: "a"}}}, "the outline loops"},
		{"link", schedule.Project{Tasks: []schedule.Task{{ID: "a"}}, Links: []schedule.Link{{Pred: "a", Succ: "z"}}}, "no such task"},
	} {
		var out bytes.Buffer
		_, err := mspdi.Write(&out, &c.p, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || out.Len() != 0 {
			t.Errorf("%s: error %v, %d bytes written; want %q and nothing written", c.name, err, out.Len(), c.want)
		}
	}
}

func wall(t time.Time) string { return t.Format("2006-01-02T15:04") }

// Custom fields — a task's and a resource's, one with an alias — are
// written as extended attributes, valid against the schema, and read back
// as they were; one with no FieldID cannot be written.
func TestCustomFields(t *testing.T) {
	p := &schedule.Project{Name: "fields", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
		CustomFields: []schedule.CustomField{{Name: "Text1", Alias: "RAJUK file no.", ID: "188743731"}, {Name: "Number1", ID: "188743767"},
			{Name: "Text1", ID: "205520904", Resource: true}},
		Tasks:     []schedule.Task{{ID: "1", Name: "Permit", Duration: schedule.Days(5), Fields: map[string]string{"Text1": "R-2027/114", "Number1": "3.5"}}},
		Resources: []schedule.Resource{{ID: "1", Name: "Architect", Fields: map[string]string{"Text1": "BD-ARCH-0042"}}},
	}
	back := writeBack(t, p)
	if !slices.Equal(back.CustomFields, p.CustomFields) || len(back.Tasks) != 1 || !maps.Equal(back.Tasks[0].Fields, p.Tasks[0].Fields) ||
		len(back.Resources) != 1 || !maps.Equal(back.Resources[0].Fields, p.Resources[0].Fields) {
		t.Errorf("read back %v, %v, %v", back.CustomFields, back.Tasks, back.Resources)
	}
	p.CustomFields[1].ID = ""
	if _, err := mspdi.Write(&bytes.Buffer{}, p, nil); err == nil || !strings.Contains(err.Error(), `custom field "Number1" has no MS Project FieldID`) {
		t.Errorf("a field without a FieldID: %v", err)
	}
}

// A task's splits are written as MS Project keeps them — periods of work
// and of no work in its assignment's timephased data, on an assignment
// with no resource when it has none — valid against the schema, and read
// back as the same splits: the task finishes on the same day.
func TestSplits(t *testing.T) {
	p := &schedule.Project{Name: "splits", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Resources: []schedule.Resource{{ID: "1", Name: "Crew"}},
		Tasks: []schedule.Task{
			{ID: "1", Name: "Slab", Duration: schedule.Days(10), Splits: []schedule.Split{{At: schedule.Days(2), Gap: schedule.Days(3)}, {At: schedule.Days(6), Gap: schedule.Days(1)}}},
			{ID: "2", Name: "Walls", Duration: schedule.Days(4), Splits: []schedule.Split{{At: schedule.Days(1), Gap: schedule.Days(2)}}},
		},
		Assignments: []schedule.Assignment{{Task: "2", Resource: "1", Units: 1}},
	}
	back := writeBack(t, p)
	want, got := mustRun(t, p), mustRun(t, back)
	for _, id := range []string{"1", "2"} {
		w, _ := want.Lookup(id)
		g, _ := got.Lookup(id)
		k := slices.IndexFunc(back.Tasks, func(t schedule.Task) bool { return t.ID == id })
		j := slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == id })
		if !g.Finish.Equal(w.Finish) || len(back.Tasks[k].Splits) != len(p.Tasks[j].Splits) {
			t.Errorf("task %s: finishes %v with splits %v, want %v with %v", id, g.Finish, back.Tasks[k].Splits, w.Finish, p.Tasks[j].Splits)
		}
	}
}

// writeBack writes p, checks the document against the schema and reads it
// back.
func writeBack(t *testing.T, p *schedule.Project) *schedule.Project {
	t.Helper()
	var out bytes.Buffer
	if _, err := mspdi.Write(&out, p, nil); err != nil {
		t.Fatal(err)
	}
	if xsd := testutil.Schema("mspdi_pj15_mpxj-correct-2018.xsd"); xsd != "" {
		testutil.Validate(t, xsd, out.Bytes())
	}
	return read(t, out.Bytes(), "export").Project
}

func mustRun(t *testing.T, p *schedule.Project) *schedule.Result {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
