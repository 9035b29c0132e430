package xlsx_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// namedRows is a sheet of a workbook made for a test.
type namedRows struct {
	name string
	rows [][]any
}

// workbook makes a workbook of sheets, in their order.
func workbook(t testing.TB, sheets ...namedRows) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// asg is an assignment as a test spells it.
type asg struct {
	task, resource string
	units          float64
}

func asgs(p *schedule.Project) []asg {
	out := make([]asg, len(p.Assignments))
	for i, a := range p.Assignments {
		out[i] = asg{a.Task, a.Resource, math.Round(a.Units*1e9) / 1e9}
	}
	return out
}

// warnedAt reports whether a warning is about sheet!cell and says text.
func warnedAt(warns []xlsx.Warning, sheet, cell, text string) bool {
	return slices.ContainsFunc(warns, func(w xlsx.Warning) bool {
		return w.Where == sheet+"!"+cell && strings.Contains(w.Message, text)
	})
}

var start2027 = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)

// A task's resource names as Microsoft Project writes them in English
// (commas) and in a semicolon locale, with units and material
// quantities; a whole name known from the resources is taken before the
// cell is split; what could be read another way is a warning in the cell.
func TestReadResourceNames(t *testing.T) {
	work := func(names ...string) []schedule.Resource {
		var out []schedule.Resource
		for _, n := range names {
			out = append(out, schedule.Resource{ID: n, Name: n})
		}
		return out
	}
	cement := []schedule.Resource{{ID: "C", Name: "Cement", Type: schedule.MaterialResource}, {ID: "S", Name: "Sand", Type: schedule.MaterialResource}}
	cases := []struct {
		name  string
		cell  string
		known []schedule.Resource // ReadOptions.Base's
		want  []asg
		added []schedule.Resource // the resources the cell adds
		warn  string              // a warning at the cell saying this; "" for none
	}{
		{"English commas", "Resource2,Resource3", nil, []asg{{"A", "Resource2", 1}, {"A", "Resource3", 1}},
			work("Resource2", "Resource3"), ""},
		{"commas with units", "Mason[50%], Crew", nil, []asg{{"A", "Mason", 0.5}, {"A", "Crew", 1}}, work("Mason", "Crew"), ""},
		{"semicolons with units", "Mason[50%];Crew", nil, []asg{{"A", "Mason", 0.5}, {"A", "Crew", 1}}, work("Mason", "Crew"), ""},
		{"decimal units", "Mason[0.5],Crew[2]", nil, []asg{{"A", "Mason", 0.5}, {"A", "Crew", 2}}, work("Mason", "Crew"), ""},
		{"a new material by its label", "Cement[20 bags]", nil, []asg{{"A", "Cement", 20}},
			[]schedule.Resource{{ID: "Cement", Name: "Cement", Type: schedule.MaterialResource}}, ""},
		{"a known material", "Cement[20]", cement, []asg{{"A", "C", 20}}, nil, ""},
		{"decimal commas in semicolons", "Cement[2,5 t]; Sand[3 t]", cement, []asg{{"A", "C", 2.5}, {"A", "S", 3}}, nil, ""},
		{"a decimal comma alone", "Cement[2,5 t]", cement, []asg{{"A", "C", 2.5}}, nil, ""},
		{"an amount with a thousands comma", "Permit[$1,200.00],Crew", nil, []asg{{"A", "Permit", 1200}, {"A", "Crew", 1}},
			work("Permit", "Crew"), ""},
		{"a rate per day", "Cement[5 bags/day]", cement, []asg{{"A", "C", 5}}, nil, ""},
		{"a rate per week", "Cement[10 bags/wk]", cement, []asg{{"A", "C", 2}}, nil, ""},
		{"a rate per hour", "Cement[1/h]", cement, []asg{{"A", "C", 8}}, nil, ""},
		{"a known name with a comma", "Smith, John; Crew", work("Smith, John", "Crew"), []asg{{"A", "Smith, John", 1}, {"A", "Crew", 1}}, nil, ""},
		{"a known name with a comma, in commas", "Smith, John[50%],Crew", work("Smith, John", "Crew"),
			[]asg{{"A", "Smith, John", 0.5}, {"A", "Crew", 1}}, nil, ""},
		{"a known name with a semicolon", "A;B", work("A;B"), []asg{{"A", "A;B", 1}}, nil, ""},
		{"by ID", "m1[50%]", []schedule.Resource{{ID: "m1", Name: "Mason"}}, []asg{{"A", "m1", 0.5}}, nil, ""},
		{"regardless of case", "MASON", []schedule.Resource{{ID: "m1", Name: "Mason"}}, []asg{{"A", "m1", 1}}, nil, ""},
		{"ambiguous: a known name and its parts", "A, B", work("A", "B", "A, B"), []asg{{"A", "A, B", 1}}, nil,
			`"A, B" is read as one resource, though "A" is a resource too`},
		{"ambiguous: a known name with brackets", "Crane [50t]", work("Crane", "Crane [50t]"), []asg{{"A", "Crane [50t]", 1}}, nil,
			`"Crane [50t]" is read as the resource of that name, not "Crane" with the quantity [50t]`},
		{"ambiguous: a new name with a comma", "Smith, John; Crew", nil, []asg{{"A", "Smith, John", 1}, {"A", "Crew", 1}},
			work("Smith, John", "Crew"),
			`"Smith, John" is read as the name of one resource`},
		{"ambiguous: a new name with a bracket", "Crane [50t] north", nil, []asg{{"A", "Crane [50t] north", 1}},
			work("Crane [50t] north"),
			`"Crane [50t] north" is read as the name of one resource`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := "ID,Name,Duration,Resource names\nA,Dig,2d,\"" + c.cell + "\"\n"
			opts := &xlsx.ReadOptions{Start: start2027}
			if c.known != nil {
				opts.Base = &schedule.Project{Start: start2027, Resources: c.known}
			}
			p, warns, err := parts(xlsx.ReadCSV(strings.NewReader(in), opts))
			if err != nil {
				t.Fatal(err)
			}
			if got := asgs(p); !slices.Equal(got, c.want) {
				t.Errorf("got assignments %v, want %v", got, c.want)
			}
			if want := slices.Concat(c.known, c.added); fmt.Sprint(p.Resources) != fmt.Sprint(want) {
				t.Errorf("got resources %v, want %v", p.Resources, want)
			}
			if c.warn == "" && len(warns) > 0 {
				t.Errorf("got warnings %v, want none", warns)
			}
			if c.warn != "" && !warnedAt(warns, "CSV", "D2", c.warn) {
				t.Errorf("no warning at CSV!D2 saying %s: %v", c.warn, warns)
			}
		})
	}
}

// A resource names cell that reads as nothing is a problem in its cell.
func TestReadResourceNamesProblems(t *testing.T) {
	for _, c := range []struct{ cell, want string }{
		{"Mason[lots]", `resource names "Mason[lots]": "Mason[lots]": "lots" is not a number`},
		{"Crew; [50%]", `"[50%]": no resource name before the brackets`},
		{"Cement[5/fortnight]", `"5/fortnight": the rate is not per minute, hour, day, week or month`},
	} {
		in := "ID,Name,Duration,Resource names\nA,Dig,2d,\"" + c.cell + "\"\n"
		_, _, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: start2027}))
		ie, ok := errors.AsType[*xlsx.ImportError](err)
		if !ok || len(ie.Problems) != 1 || ie.Problems[0].Cell != "D2" || !strings.Contains(ie.Problems[0].Message, c.want) {
			t.Errorf("%s: got %v, want one problem at D2 saying %s", c.cell, err, c.want)
		}
	}
}

// Microsoft Project's "Export to Excel" (and Aspose's) tables: the
// resources and assignments come from their own sheets, found by their
// headers in any order, the assignments joined to tasks and resources by
// ID, unique ID or name, whichever the sheet gives.
func TestReadExportTables(t *testing.T) {
	tasks := namedRows{"Task_Table1", [][]any{
		{"ID", "Unique_ID", "Name", "Duration", "Start_Date", "Predecessors", "Resource_Names"},
		{1, 11, "Excavate", "3 days", "2027-01-04 08:00", nil, "Mason,Excavator"},
		{2, 12, "Pour footing", "2 days", "2027-01-07 08:00", "1", "Mason[50%],Cement[20 bags]"},
		{3, 13, "Cure", "1 day", "2027-01-11 08:00", "2", nil},
	}}
	resources := namedRows{"Resource_Table1", [][]any{
		{"ID", "Unique_ID", "Name", "Type", "Initials", "Material_Label", "Max_Units", "Standard_Rate"},
		{1, 101, "Mason", "Work", "M", nil, "200%", "$10.00/hr"},
		{2, 102, "Excavator", "Work", "E", nil, "100%", "$50.00/hr"},
		{3, 103, "Cement", "Material", "C", "bags", nil, "$8.00"},
	}}
	byName := namedRows{"Assignment_Table1", [][]any{
		{"Task_Name", "Resource_Name", "Units", "Work"},
		{"Excavate", "Mason", "100%", "24 hrs"},
		{"Excavate", "Excavator", "100%", "24 hrs"},
		{"Pour footing", "Mason", "50%", "8 hrs"},
		{"Pour footing", "Cement", "20 bags", nil},
	}}
	byID := namedRows{"Assignment_Table1", [][]any{
		{"Task_ID", "Resource_ID", "Units", "Work"},
		{1, 1, 1, "24h"}, {1, 2, 1, "24h"}, {2, 1, 0.5, "8h"}, {2, 3, 20, nil},
	}}
	byUID := namedRows{"Assignment_Table1", [][]any{
		{"Task_Unique_ID", "Resource_Unique_ID", "Units", "Work"},
		{11, 101, "100%", "24 hrs"}, {11, 102, "100%", "24 hrs"}, {12, 101, "50%", "8 hrs"}, {12, 103, "20 bags", nil},
	}}
	want := []asg{{"1", "1", 1}, {"1", "2", 1}, {"2", "1", 0.5}, {"2", "3", 20}}
	for _, c := range []struct {
		name   string
		sheets []namedRows
	}{
		{"by name", []namedRows{tasks, resources, byName}},
		{"by ID", []namedRows{tasks, resources, byID}},
		{"by unique ID", []namedRows{tasks, resources, byUID}},
		{"resources first", []namedRows{resources, byName, tasks}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, warns, err := parts(xlsx.Read(bytes.NewReader(workbook(t, c.sheets...)), nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Tasks) != 3 || p.Tasks[2].Name != "Cure" {
				t.Fatalf("got tasks %v", p.Tasks)
			}
			if got := asgs(p); !slices.Equal(got, want) {
				t.Fatalf("got assignments %v, want %v", got, want)
			}
			if a := p.Assignments[2]; a.Work != schedule.Hours(8) {
				t.Errorf("Pour footing's mason works %v, want 8h", a.Work)
			}
			wantRes := []schedule.Resource{
				{ID: "1", Name: "Mason", MaxUnits: 2, StandardRate: 10},
				{ID: "2", Name: "Excavator", MaxUnits: 1, StandardRate: 50},
				{ID: "3", Name: "Cement", Type: schedule.MaterialResource, StandardRate: 8},
			}
			if fmt.Sprint(p.Resources) != fmt.Sprint(wantRes) {
				t.Errorf("got resources %v, want %v", p.Resources, wantRes)
			}
			if !warnedAt(warns, "Resource_Table1", "E1", `column "Initials" is not read`) {
				t.Errorf("no warning that Initials is not read: %v", warns)
			}
			uidRead := c.name == "by unique ID"
			if warnedAt(warns, "Task_Table1", "B1", `column "Unique_ID" is not read`) == uidRead {
				t.Errorf("the task sheet's Unique_ID column read: %v; warnings %v", uidRead, warns)
			}
			if slices.ContainsFunc(warns, func(w xlsx.Warning) bool { return strings.Contains(w.Message, "differ") }) {
				t.Errorf("the resource names agree with the assignments, but: %v", warns)
			}
			if _, err := schedule.Compile(p); err != nil {
				t.Error(err)
			}
		})
	}
}

// When a task's resource names and the assignment sheet disagree, the
// assignment sheet is read and the names cell says so.
func TestReadAssignmentSheetWins(t *testing.T) {
	book := workbook(t,
		namedRows{"Task_Table1", [][]any{
			{"ID", "Name", "Duration", "Resource Names"},
			{1, "Excavate", "3 days", "Mason"},
			{2, "Pour", "2 days", "Mason[50%]"},
			{3, "Cure", "1 day", "Mason[lots]"},
		}},
		namedRows{"Assignment_Table1", [][]any{
			{"Task ID", "Resource Name", "Units"},
			{1, "Mason", "100%"}, {1, "Excavator", "100%"}, {2, "Mason", "50%"},
		}})
	p, warns, err := parts(xlsx.Read(bytes.NewReader(book), &xlsx.ReadOptions{Start: start2027}))
	if err != nil {
		t.Fatal(err)
	}
	want := []asg{{"1", "Mason", 1}, {"1", "Excavator", 1}, {"2", "Mason", 0.5}}
	if got := asgs(p); !slices.Equal(got, want) {
		t.Errorf("got assignments %v, want %v", got, want)
	}
	if !warnedAt(warns, "Task_Table1", "D2", `resource names "Mason" differ from the Assignment_Table1 sheet's assignments (Mason; Excavator): the Assignment_Table1 sheet is read`) {
		t.Errorf("no warning at D2: %v", warns)
	}
	if !warnedAt(warns, "Task_Table1", "D4", `(none)`) {
		t.Errorf("no warning at D4: %v", warns)
	}
	if warnedAt(warns, "Task_Table1", "D3", "") {
		t.Errorf("a warning at D3, where they agree: %v", warns)
	}
}

// An assignment row that finds no task or resource is a problem in the
// cell that names it.
func TestReadAssignmentSheetProblems(t *testing.T) {
	tasks := namedRows{"Tasks", [][]any{
		{"ID", "Name", "Duration"}, {1, "Pour", "1d"}, {2, "Pour", "1d"}, {3, "Cure", "1d"},
	}}
	resources := namedRows{"Resource_Table1", [][]any{
		{"Unique ID", "Name", "Max Units"}, {101, "Mason", "100%"},
	}}
	cases := []struct {
		name string
		rows [][]any
		cell string
		want string
	}{
		{"a name two tasks have", [][]any{{"Task Name", "Resource Name"}, {"Pour", "Mason"}}, "A2",
			`2 tasks are named "Pour" (Tasks rows 2, 3): give the task's ID`},
		{"a name no task has", [][]any{{"Task Name", "Resource Name"}, {"Dig", "Mason"}}, "A2", `no task is named "Dig"`},
		{"an ID no task has", [][]any{{"Task ID", "Resource Name"}, {9, "Mason"}}, "A2", `no task has ID "9"`},
		{"a unique ID, with none on the task sheet", [][]any{{"Task Unique ID", "Resource Name"}, {11, "Mason"}}, "A2",
			`task unique ID "11": the task sheet Tasks has no Unique ID column`},
		{"a resource unique ID no resource has", [][]any{{"Task Name", "Resource Unique ID"}, {"Cure", 999}}, "B2",
			`no resource has unique ID "999"`},
		{"units", [][]any{{"Task Name", "Resource Name", "Units"}, {"Cure", "Mason", "half"}}, "C2", `units "half" is not a number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			book := workbook(t, tasks, resources, namedRows{"Assignment_Table1", c.rows})
			_, _, err := parts(xlsx.Read(bytes.NewReader(book), &xlsx.ReadOptions{Start: start2027}))
			ie, ok := errors.AsType[*xlsx.ImportError](err)
			if !ok || len(ie.Problems) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			if p := ie.Problems[0]; p.Sheet != "Assignment_Table1" || p.Cell != c.cell || !strings.Contains(p.Message, c.want) {
				t.Errorf("got %s, want Assignment_Table1!%s: …%s…", p, c.cell, c.want)
			}
		})
	}
}

// critpath's own workbook and CSV give back the assignments of resources
// whose names hold separators and brackets; the workbook's resource names
// agree with its Assignments sheet, and once edited say they differ.
func TestRoundTripResourceNames(t *testing.T) {
	p := &schedule.Project{Start: start2027,
		Tasks: []schedule.Task{{ID: "A", Name: "Dig", Duration: schedule.Days(2)}, {ID: "B", Name: "Pour", Duration: schedule.Days(1)}},
		Resources: []schedule.Resource{{ID: "sj", Name: "Smith, John"}, {ID: "ab", Name: "A;B"}, {ID: "cr", Name: "Crane [50t]"},
			{ID: "c", Name: "Crane"}, {ID: "cem", Name: "Cement", Type: schedule.MaterialResource}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "sj", Units: 0.5}, {Task: "A", Resource: "ab", Units: 1},
			{Task: "A", Resource: "cr", Units: 1.0 / 3}, {Task: "B", Resource: "c", Units: 1}, {Task: "B", Resource: "cem", Units: 2.5}},
	}
	want := asgs(p)
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	q, warns, err := parts(xlsx.Read(bytes.NewReader(buf.Bytes()), nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := asgs(q); !slices.Equal(got, want) {
		t.Errorf("workbook: got %v, want %v", got, want)
	}
	if len(warns) > 0 {
		t.Errorf("workbook: got warnings %v", warns)
	}
	var csv bytes.Buffer
	if _, err := xlsx.WriteCSV(&csv, p, nil); err != nil {
		t.Fatal(err)
	}
	q, _, err = parts(xlsx.ReadCSV(&csv, &xlsx.ReadOptions{Base: p}))
	if err != nil {
		t.Fatal(err)
	}
	if got := asgs(q); !slices.Equal(got, want) {
		t.Errorf("CSV: got %v, want %v\n%s", got, want, csv.String())
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Tasks")
	col := slices.Index(rows[0], "Resource names")
	cell, _ := excelize.CoordinatesToCellName(col+1, 3) // task B
	if v, _ := f.GetCellValue("Tasks", cell); v != "Crane; Cement[2.5]" {
		t.Fatalf("Tasks!%s holds %q", cell, v)
	}
	f.SetCellValue("Tasks", cell, "Crane; Cement[3]")
	edited, _ := f.WriteToBuffer()
	q, warns, err = parts(xlsx.Read(edited, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := asgs(q); !slices.Equal(got, want) {
		t.Errorf("edited: got %v, want the Assignments sheet's %v", got, want)
	}
	if !warnedAt(warns, "Tasks", cell, "the Assignments sheet is read") {
		t.Errorf("no warning at Tasks!%s: %v", cell, warns)
	}
}
