package xlsx_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// readFile reads a workbook of testdata.
func readFile(t *testing.T, name string, opts *xlsx.ReadOptions) (*schedule.Project, []xlsx.Warning) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, warns, err := parts(xlsx.Read(f, opts))
	if err != nil {
		t.Fatal(err)
	}
	return p, warns
}

// A workbook Excel wrote from Microsoft Project with a macro, in a
// Russian locale (testdata/msp2excel-sample.xlsx, from the corpus: see
// its MANIFEST): the Gantt sheet is found by its headers, "№" is the ID,
// the outline comes from the names' indents, dates are "Mon 03.01.22",
// durations "5,75 days?", rates "55,00 ₽/h"; resources come from the
// Resources sheet and the tasks' resource names.
func TestReadMSProjectMacroWorkbook(t *testing.T) {
	p, warns := readFile(t, "msp2excel-sample.xlsx", nil)
	if len(p.Tasks) != 48 || len(p.Links) != 48 || len(p.Resources) != 6 || len(p.Assignments) != 47 {
		t.Fatalf("got %d tasks, %d links, %d resources, %d assignments; want 48, 48, 6, 47",
			len(p.Tasks), len(p.Links), len(p.Resources), len(p.Assignments))
	}
	task := func(id string) schedule.Task {
		i := slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == id })
		if i < 0 {
			t.Fatalf("no task %s", id)
		}
		return p.Tasks[i]
	}
	if k := task("5"); k.Name != "Kick-off meeting" || k.Parent != "4" || task("4").Parent != "3" || k.PercentComplete != 100 ||
		k.Duration != schedule.Days(1) || !k.ActualStart.Equal(time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("task 5 reads as %+v", k)
	}
	if !slices.Contains(p.Links, schedule.Link{Pred: "5", Succ: "6"}) {
		t.Error("task 6 does not follow task 5")
	}
	if r := p.Resources[0]; r.Name != "Customer" || r.StandardRate != 55 || r.OvertimeRate != 56 || r.MaxUnits != 1 {
		t.Errorf("the first resource reads as %+v", r)
	}
	if !p.Start.Equal(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("project start %v, want the earliest task start 2022-01-01", p.Start)
	}
	if !slices.ContainsFunc(warns, func(w xlsx.Warning) bool { return w.Where == "Gantt!B1" }) {
		t.Errorf("no warning that Gantt!B1 (Unique ID) is not read: %v", warns)
	}
	// Its "Unique ID" column holds outline numbers: mapped to the WBS
	// field, the outline comes out the same.
	q, _ := readFile(t, "msp2excel-sample.xlsx", &xlsx.ReadOptions{Columns: map[string]string{"Unique ID": "wbs"}})
	for k := range p.Tasks {
		if p.Tasks[k].Parent != q.Tasks[k].Parent {
			t.Errorf("task %s: parent %q by indent, %q by WBS", p.Tasks[k].ID, p.Tasks[k].Parent, q.Tasks[k].Parent)
		}
	}
	n, err := schedule.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := n.NewResult()
	r.Run()
	if got := r.Finish(); got.Before(time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the project finishes %v, before May 2022", got)
	}
}
