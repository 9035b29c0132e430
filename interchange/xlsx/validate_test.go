package xlsx_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// book is a workbook critpath wrote, open for editing.
type book struct {
	t *testing.T
	f *excelize.File
}

// bookOf is p's workbook, open for editing.
func bookOf(t *testing.T, p *schedule.Project) *book {
	t.Helper()
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return &book{t, f}
}

// dhakaBook is the Dhaka Tower's workbook, open for editing.
func dhakaBook(t *testing.T) *book {
	t.Helper()
	return bookOf(t, testutil.Example(t, "dhaka-tower.json"))
}

// cell is the reference of the cell under header in the row whose first
// column matching key holds id (row 1 for an empty id: the header).
func (b *book) cell(sheet, key, id, header string) string {
	b.t.Helper()
	rows, err := b.f.GetRows(sheet)
	if err != nil {
		b.t.Fatal(err)
	}
	kc, hc := slices.Index(rows[0], key), slices.Index(rows[0], header)
	if kc < 0 || hc < 0 {
		b.t.Fatalf("%s has no column %q or %q: %q", sheet, key, header, rows[0])
	}
	for r, row := range rows {
		if kc < len(row) && row[kc] == id {
			ref, _ := excelize.CoordinatesToCellName(hc+1, r+1)
			return ref
		}
	}
	b.t.Fatalf("%s: no row with %s %q", sheet, key, id)
	return ""
}

func (b *book) set(sheet, ref string, v any) {
	b.t.Helper()
	if err := b.f.SetCellValue(sheet, ref, v); err != nil {
		b.t.Fatal(err)
	}
}

// project reads the workbook back as it is now.
func (b *book) project() (*schedule.Project, error) {
	b.t.Helper()
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		b.t.Fatal(err)
	}
	p, _, err := parts(xlsx.Read(buf, nil))
	return p, err
}

// read reads the workbook back and gives the problems of its
// *ImportError, and the error; a project read with them fails the test.
func (b *book) read() ([]xlsx.Problem, error) {
	b.t.Helper()
	p, err := b.project()
	ie, ok := errors.AsType[*xlsx.ImportError](err)
	if !ok {
		return nil, err
	}
	if p != nil {
		b.t.Error("a project came back with the problems")
	}
	return ie.Problems, err
}

// Each kind of bad cell is reported in its cell, all of them at once, and
// nothing is imported.
func TestReadProblems(t *testing.T) {
	b := dhakaBook(t)
	type want struct{ sheet, ref, text string }
	var wants []want
	bad := func(sheet, key, id, header string, v any, text string) {
		ref := b.cell(sheet, key, id, header)
		b.set(sheet, ref, v)
		wants = append(wants, want{sheet, ref, text})
	}
	bad("Tasks", "ID", "D1", "Duration", "5x", `duration "5x" is not a duration`)
	bad("Tasks", "ID", "D2", "% Complete", "150", `percent complete "150" is not a percentage from 0 to 100`)
	bad("Tasks", "ID", "D3", "Predecessors", "NOPE", `"NOPE": no task has that ID`)
	bad("Tasks", "ID", "D4", "Predecessors", "D3SS+2q", `"D3SS+2q"`)
	bad("Tasks", "ID", "D5", "Constraint", "SOON", `constraint "SOON"`)
	dup := b.cell("Tasks", "ID", "R2", "ID") // reported where it comes again
	b.set("Tasks", b.cell("Tasks", "ID", "R1", "ID"), "R2")
	wants = append(wants, want{"Tasks", dup, `ID "R2" is also the task's of row`})
	bad("Tasks", "ID", "T5", "ID", "", `the task's ID is empty`)
	bad("Resources", "ID", "eng", "Max units", "lots", `max units "lots" is not a number`)
	bad("Resources", "ID", "fore", "Type", "robot", `type "robot"`)
	bad("Assignments", "Task ID", "D1", "Units", "half", `units "half" is not a number`)
	bad("Calendars", "Calendar", "Night Pour", "Working time", "8-12", `working "8-12" is not working times`)
	bad("Project", "Property", "Time zone", "Value", "Asia/Nowhere", `time zone "Asia/Nowhere" is not known`)
	problems, err := b.read()
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range wants {
		i := slices.IndexFunc(problems, func(p xlsx.Problem) bool {
			return p.Sheet == w.sheet && p.Cell == w.ref && strings.Contains(p.Message, w.text)
		})
		if i < 0 {
			t.Errorf("no problem %s!%s: …%s…", w.sheet, w.ref, w.text)
		}
	}
	if len(problems) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%s", len(problems), len(wants), problems)
	}
}

// Problems only the scheduler finds — a loop of links, an unknown
// calendar, an assignment to no task — are put in their cells too.
func TestReadScheduleProblems(t *testing.T) {
	cases := []struct {
		name                      string
		sheet, key, id, header, v string
		text                      string
		cellSheet, cellHeader     string
	}{
		{"cycle", "Tasks", "ID", "D2", "Predecessors", "D3FS", "cycle", "Tasks", "Predecessors"},
		{"calendar", "Tasks", "ID", "D1", "Calendar", "Moon", "unknown calendar", "Tasks", "Calendar"},
		{"assigned task", "Assignments", "Task ID", "D1", "Task ID", "ZZ", `no task has ID "ZZ"`, "Assignments", "Task ID"},
		{"assigned resource", "Assignments", "Task ID", "D1", "Resource ID", "nobody", `no resource has ID or name "nobody"`, "Assignments", "Resource ID"},
		{"weekday", "Calendars", "Calendar", "Night Pour", "Weekday", "Funday", `"Funday" is not a day of the week`, "Calendars", "Weekday"},
		{"date", "Tasks", "ID", "D1", "Deadline", "2027-13-45", `deadline "2027-13-45" is not a date`, "Tasks", "Deadline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := dhakaBook(t)
			ref := b.cell(c.sheet, c.key, c.id, c.header)
			b.set(c.sheet, ref, c.v)
			problems, err := b.read()
			if len(problems) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			p := problems[0]
			if p.Sheet != c.cellSheet || p.Cell != ref || !strings.Contains(p.Message, c.text) {
				t.Errorf("got %s, want %s!%s: …%s…", p, c.cellSheet, ref, c.text)
			}
		})
	}
}

// The scheduler's complaints about resources and assignments are put in
// their cells on the Resources and Assignments sheets: a calendar no
// project has, negative units.
func TestReadResourceProblemsInTheirCells(t *testing.T) {
	p := smallProject(time.UTC)
	p.Resources = []schedule.Resource{{ID: "mason", Name: "Mason"}}
	p.Assignments = []schedule.Assignment{{Task: "A", Resource: "mason", Units: 1}}
	b := bookOf(t, p)
	if v, _ := b.f.GetCellValue("Resources", "E1"); v != "Calendar" {
		t.Fatalf("Resources!E1 is %q", v)
	}
	b.set("Resources", "E2", "Moon")
	if v, _ := b.f.GetCellValue("Assignments", "E1"); v != "Units" {
		t.Fatalf("Assignments!E1 is %q", v)
	}
	b.set("Assignments", "E2", -1)
	_, err := b.project()
	ie, ok := errors.AsType[*xlsx.ImportError](err)
	if !ok {
		t.Fatalf("got %v, want an *ImportError", err)
	}
	want := map[string]bool{"Resources!E2": false, "Assignments!E2": false}
	for _, pr := range ie.Problems {
		if _, ok := want[pr.Sheet+"!"+pr.Cell]; ok {
			want[pr.Sheet+"!"+pr.Cell] = true
		}
	}
	for ref, found := range want {
		if !found {
			t.Errorf("no problem at %s; got %q", ref, ie.Problems)
		}
	}
}
