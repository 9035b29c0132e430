package xlsx_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

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
		return w.Sheet == sheet && w.Cell == cell && strings.Contains(w.Message, text)
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
			p, warns, err := xlsx.ReadCSV(strings.NewReader(in), opts)
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
		_, _, err := xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: start2027})
		ie, ok := errors.AsType[*xlsx.ImportError](err)
		if !ok || len(ie.Problems) != 1 || ie.Problems[0].Cell != "D2" || !strings.Contains(ie.Problems[0].Message, c.want) {
			t.Errorf("%s: got %v, want one problem at D2 saying %s", c.cell, err, c.want)
		}
	}
}
