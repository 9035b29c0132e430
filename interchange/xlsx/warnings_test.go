package xlsx_test

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// workbookCovers says which of Write's warnings report each kind of
// difference between a project and its workbook read back.
var workbookCovers = testutil.Covers{
	"link.overlap":     {"fast-tracking"},
	"link.rework_cost": {"fast-tracking"},
	"task.notes":       {"texts are cut", "control character"},
	"task.name":        {"texts are cut", "control character"},
	"summary.notes":    {"texts are cut", "control character"},
	"summary.name":     {"texts are cut", "control character"},
}

// csvCovers does for WriteCSV, read back with ReadOptions.Base; the kinds
// after the first few are those only Base gives back.
var csvCovers = testutil.Covers{
	"link.overlap":              {"fast-tracking"},
	"link.rework_cost":          {"fast-tracking"},
	"project.from_finish":       {"scheduled from its finish"},
	"project.finish":            {"scheduled from its finish"},
	"project.start":             {"scheduled from its finish"},
	"baseline":                  {"baselines are not in a CSV"},
	"assignment.work":           {"assignments' work is not in a CSV", "share their name"},
	"task.constraint":           {"start-no-earlier-than"},
	"project.name":              {"task table alone"},
	"project.status_date":       {"status date and finish-by date"},
	"project.finish_by":         {"status date and finish-by date"},
	"project.time_zone":         {"the time zone"},
	"project.calendar":          {"project calendar"},
	"settings.minutes_per_day":  {"settings"},
	"settings.minutes_per_week": {"settings"},
	"settings.days_per_month":   {"settings"},
	"options.total_float":       {"scheduling options"},
	"options.lag_calendar":      {"scheduling options"},
	"options.constraints":       {"scheduling options"},
	"options.summary_float":     {"scheduling options"},
	"options.progress":          {"scheduling options"},
	"options.alap":              {"scheduling options"},
	"options.cross_calendar":    {"scheduling options"},
	"options.float_calendar":    {"scheduling options"},
	"calendar":                  {"calendars"},
	"calendar.week":             {"calendars"},
	"calendar.exceptions":       {"calendars"},
	"calendar.exception.name":   {"calendars"},
	"calendar.exception.yearly": {"calendars"},
	"calendar.base":             {"calendars"},
	"resource.type":             {"resources ("},
	"resource.max_units":        {"resources ("},
	"resource.calendar":         {"resources ("},
	"resource.standard_rate":    {"resources ("},
	"resource.overtime_rate":    {"resources ("},
	"resource.cost_per_use":     {"resources ("},
	"resource.group":            {"resources ("},
	"resource.fields":           {"resources (", "custom fields' definitions"},
	"resource.id":               {"resources ("},
	"resource":                  {"resources ("},
	"assignment":                {"resources (", "share their name"},
	"assignment.units":          {"share their name"},
	"task.name":                 {"trimmed"},
	"task.notes":                {"trimmed"},
	"summary.name":              {"trimmed"},
	"summary.notes":             {"trimmed"},
	"custom_field.alias":        {"custom fields' definitions"},
	"custom_field.id":           {"custom fields' definitions"},
	"custom_field":              {"custom fields' definitions"},
}

// writeRead writes p as a workbook and reads it back.
func writeRead(p *schedule.Project) (*schedule.Project, []xlsx.Warning, error) {
	var buf bytes.Buffer
	ws, err := xlsx.Write(&buf, p, nil)
	if err != nil {
		return nil, nil, err
	}
	q, _, err := parts(xlsx.Read(bytes.NewReader(buf.Bytes()), nil))
	return q, ws, err
}

// writeReadCSV writes p as CSV and reads it back with base.
func writeReadCSV(p, base *schedule.Project) (*schedule.Project, []xlsx.Warning, error) {
	var buf bytes.Buffer
	ws, err := xlsx.WriteCSV(&buf, p, nil)
	if err != nil {
		return nil, nil, err
	}
	q, _, err := parts(xlsx.ReadCSV(bytes.NewReader(buf.Bytes()), &xlsx.ReadOptions{Base: base}))
	return q, ws, err
}

// baseOf is what ReadOptions.Base is to give a CSV of p: p without its
// tasks, links, assignments and baselines.
func baseOf(p *schedule.Project) *schedule.Project {
	b := *p
	b.Tasks, b.Links, b.Assignments, b.Baselines = nil, nil, nil, nil
	return &b
}

// Every warning Write and WriteCSV give is true — what it reports is not
// read back the same — and whatever is not read back the same is
// reported, for the Dhaka Tower and every corpus project that schedules
// (a CSV read back with ReadOptions.Base); a workbook warns about
// nothing for any of them.
func TestWarningsTrue(t *testing.T) {
	projects := map[string]*schedule.Project{"dhaka-tower.json": testutil.Example(t, "dhaka-tower.json")}
	if testutil.Schema("x") != "" {
		maps.Copy(projects, corpusProjects(t))
	}
	for _, name := range slices.Sorted(maps.Keys(projects)) {
		p := projects[name]
		if _, err := schedule.Compile(p); err != nil {
			continue // a workbook is written from the schedule
		}
		back, ws, err := writeRead(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(ws) > 0 {
			t.Errorf("%s: the workbook warns: %v", name, ws)
		}
		testutil.CheckWarnings(t, name, inWorkbookOrder(t, p), asRead(back), ws, workbookCovers)
		back, ws, err = writeReadCSV(p, baseOf(p))
		if err != nil {
			t.Errorf("%s as CSV: %v", name, err)
			continue
		}
		testutil.CheckWarnings(t, name+" as CSV", inWorkbookOrder(t, p), asRead(back), ws, csvCovers, "task table alone")
	}
}

// Read back with a base that knows no more than the calendars' names, a
// CSV has lost what its first warning lists: the calendars' working time,
// the resources' details, the project's settings and dates.
func TestCSVTableAlone(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	p.StatusDate = time.Date(2027, 3, 4, 17, 0, 0, 0, p.Start.Location())
	p.Options = schedule.P6Options()
	names := &schedule.Project{Start: p.Start}
	for _, c := range p.Calendars {
		names.Calendars = append(names.Calendars, schedule.Calendar{Name: c.Name, Base: schedule.Standard})
	}
	back, ws, err := writeReadCSV(p, names)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) == 0 || !strings.Contains(ws[0].Message, "a CSV holds the task table alone: 3 calendars, 27 resources (the resource names column gives names and units only), the status date and finish-by date, the time zone, project calendar, settings and scheduling options are read back from ReadOptions.Base, or lost") {
		t.Errorf("warnings %v", ws)
	}
	diffs := testutil.CheckWarnings(t, "CSV", inWorkbookOrder(t, p), asRead(back), ws, csvCovers)
	for _, kind := range []string{"calendar.week", "calendar.exceptions", "resource.standard_rate", "project.status_date", "project.time_zone", "options.total_float"} {
		if !slices.ContainsFunc(diffs, func(d testutil.Difference) bool { return d.Kind == kind }) {
			t.Errorf("%s is read back the same: %v", kind, diffs)
		}
	}
}

// A test per kind of warning of Write and WriteCSV: each change to the
// Dhaka Tower gives the warning that says so, once, with its count and
// first; the same project gives the same warnings in the same order.
func TestWarningPerKind(t *testing.T) {
	task := func(p *schedule.Project, id string) *schedule.Task {
		return &p.Tasks[slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == id })]
	}
	cases := []struct {
		name   string
		csv    bool
		change func(p *schedule.Project)
		want   string
	}{
		{"overlap", false, func(p *schedule.Project) { p.Links[0].Overlap, p.Links[1].ReworkCost = schedule.Days(1), 500 }, "fast-tracking overlaps and rework costs are not carried: the predecessors column has no place for them (2 links, such as"},
		{"long notes", false, func(p *schedule.Project) {
			task(p, "R4").Notes, task(p, "R5").Notes = strings.Repeat("n", 40000), strings.Repeat("m", 33000)
		}, "texts are cut to Excel's 32767 characters (2 cells, such as Tasks!"},
		{"control characters", false, func(p *schedule.Project) { task(p, "R4").Notes = "line\vbreak" }, "control character U+000B cannot be held in a workbook: it reads back as \uFFFD (cell Tasks!"},
		{"from finish", true, func(p *schedule.Project) {
			p.FromFinish, p.Finish, p.Start = true, time.Date(2029, 6, 28, 17, 0, 0, 0, p.Start.Location()), time.Time{}
		}, "the project is scheduled from its finish; a CSV reads back scheduled forward from its start"},
		{"baselines", true, func(p *schedule.Project) {
			r, err := schedule.Run(p)
			if err != nil {
				t.Fatal(err)
			}
			p.SetBaseline(r.SaveBaseline("Baseline"))
		}, `baselines are not in a CSV (the workbook's Baselines sheet holds them) (baseline "Baseline")`},
		{"assignment work", true, func(p *schedule.Project) { p.Assignments[0].Work = schedule.Hours(100) }, "assignments' work is not in a CSV"},
		{"late start", true, func(p *schedule.Project) {
			p.Tasks = append(p.Tasks, schedule.Task{ID: "X", Name: "Night work", Duration: schedule.Hours(2), Calendar: schedule.NightShift})
		}, "start-no-earlier-than at that start: a CSV does not say why they start then (task X: "},
	}
	for _, c := range cases {
		p := testutil.Example(t, "dhaka-tower.json")
		c.change(p)
		back, ws, err := writeRead(p)
		covers := workbookCovers
		var info []string
		if c.csv {
			back, ws, err = writeReadCSV(p, baseOf(p))
			covers, info = csvCovers, []string{"task table alone"}
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		n := 0
		for _, w := range ws {
			if strings.Contains(w.Message, c.want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d warnings say %q; warnings: %v", c.name, n, c.want, ws)
		}
		testutil.CheckWarnings(t, c.name, inWorkbookOrder(t, p), asRead(back), ws, covers, info...)
	}
}

// A read gives its warnings in the same order every time (the columns'
// order, not a map's).
func TestReadWarningsInTheSameOrder(t *testing.T) {
	in := "ID,Name,Duration,Colour,Zone,Crew size,Foreman,Site,Phase\nA,x,1d,r,1,2,3,4,5\n"
	opts := &xlsx.ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	var first string
	for i := range 20 {
		_, warns, err := parts(xlsx.ReadCSV(strings.NewReader(in), opts))
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprint(warns)
		if i == 0 {
			first = s
		} else if s != first {
			t.Fatalf("warnings differ between reads:\n%s\n%s", first, s)
		}
	}
}
