package p6_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

// covers says which warnings of the P6 writers report each kind of
// difference between a project and its file read back.
var covers = testutil.Covers{
	"project.name":                {"project IDs are cut", "tabs and line breaks"},
	"project.start":               {"scheduled from its finish"},
	"project.finish_by":           {"scheduled from its finish"},
	"project.from_finish":         {"scheduled from its finish"},
	"project.finish":              {"scheduled from its finish"},
	"project.time_zone":           {"time zone"},
	"project.calendar":            {"calendar names are cut"},
	"settings.minutes_per_day":    {"hours per day and week", "hours per period"},
	"settings.minutes_per_week":   {"hours per day and week", "hours per period"},
	"settings.days_per_month":     {"days per month"},
	"options.constraints":         {"constraint rule"},
	"options.summary_float":       {"summary float"},
	"options.alap":                {"as-late-as-possible"},
	"options.late_dates":          {"late dates from the links"},
	"options.cross_calendar":      {"other calendars read strictly"},
	"options.float_calendar":      {"float counted on the task's own calendar"},
	"options.critical_float unit": {"critical float"},
	"calendar":                    {"calendar names are cut"},
	"calendar.exception.name":     {"exceptions' names"},
	"calendar.exception.yearly":   {"yearly exceptions"},
	"calendar.exceptions":         {"exceptions before 1900", "exceptions beyond", "half hours"},
	"calendar.week":               {"half hours"},
	"task.id":                     {"activity IDs are cut", "activity IDs that are another's", "tabs and line breaks"},
	"task.name":                   {"activity names are cut", "tabs and line breaks"},
	"task.calendar":               {"calendar names are cut"},
	"task.duration":               {"not a length of time"},
	"task.duration unit":          {"durations are written in hours"},
	"task.remaining unit":         {"durations are written in hours"},
	"task.duration elapsed":       {"elapsed durations"},
	"task.remaining elapsed":      {"elapsed durations"},
	"task.priority":               {"P6's five levels"},
	"task.manual":                 {"manually scheduled"},
	"task.start":                  {"manually scheduled"},
	"task.splits":                 {"splits are left out"},
	"task.no_split":               {"no-split"},
	"task.notes":                  {"notes are not written"},
	"task.type":                   {"task types are not kept"},
	"task.effort_driven":          {"effort-driven"},
	"task.work":                   {"own work"},
	"task.fixed_cost":             {"fixed costs"},
	"task.actual_cost":            {"actual costs"},
	"task.crash":                  {"crash durations"},
	"task.fields":                 {"custom fields"},
	"task.actual_start":           {"without an actual start"},
	"task.percent_complete":       {"percent complete is read back", "written complete"},
	"summary.id":                  {"summary tasks are written as WBS nodes", "WBS codes are cut", "WBS codes that are another's"},
	"summary.name":                {"WBS names are cut", "tabs and line breaks"},
	"summary.constraint":          {"summary tasks' constraints"},
	"summary.deadline":            {"summary tasks' deadlines"},
	"summary.priority":            {"summary tasks' priorities"},
	"summary.calendar":            {"summary tasks' calendars"},
	"summary.notes":               {"summary tasks' notes"},
	"summary.manual":              {"summary tasks' manual"},
	"summary.start":               {"summary tasks' manual"},
	"summary.fields":              {"custom fields"},
	"summary.actual_start":        {"summary tasks' progress"},
	"summary.actual_finish":       {"summary tasks' progress"},
	"summary.percent_complete":    {"summary tasks' progress"},
	"summary.type":                {"summary tasks' task types"},
	"summary.effort_driven":       {"summary tasks' task types"},
	"summary.work":                {"summary tasks' task types"},
	"summary.work unit":           {"summary tasks' task types"},
	"summary.fixed_cost":          {"summary tasks' fixed and actual costs"},
	"summary.actual_cost":         {"summary tasks' fixed and actual costs"},
	"summary.splits":              {"summary tasks' splits"},
	"summary.no_split":            {"summary tasks' splits"},
	"summary.crash":               {"summary tasks' crash points"},
	"link":                        {"links to and from summary tasks", "second link"},
	"link.lag unit":               {"lags are written in hours"},
	"link.lag elapsed":            {"elapsed lags"},
	"link.lag percent":            {"percent lags"},
	"link.overlap":                {"fast-tracking"},
	"link.rework_cost":            {"fast-tracking"},
	"resource":                    {"no activity uses"},
	"resource.type":               {"cost resources"},
	"resource.max_units":          {"cost resources"},
	"resource.name":               {"resource names are cut", "tabs and line breaks"},
	"resource.id":                 {"resource IDs are cut"},
	"resource.overtime_rate":      {"overtime rates"},
	"resource.cost_per_use":       {"costs per use"},
	"resource.group":              {"resource groups"},
	"resource.fields":             {"custom fields"},
	"assignment":                  {"assignments to summary tasks", "no activity uses"},
	"assignment.work":             {"assignments' work"},
	"baseline":                    {"baselines are not written"},
	"custom_field":                {"custom fields"},
}

// info are the words of the warnings about what the model does not hold.
var info = []string{"does not schedule"}

// trip writes p in one of P6's formats and reads it back.
type trip struct {
	name string
	do   func(p *schedule.Project) (*schedule.Project, []xer.Warning, error)
}

var trips = []trip{
	{"XER", func(p *schedule.Project) (*schedule.Project, []xer.Warning, error) {
		var out bytes.Buffer
		ws, err := xer.Write(&out, p, nil)
		if err != nil {
			return nil, nil, err
		}
		f, err := xer.Read(bytes.NewReader(out.Bytes()), nil)
		if err != nil {
			return nil, nil, err
		}
		return f.Projects[0].Project, ws, nil
	}},
	{"PMXML", func(p *schedule.Project) (*schedule.Project, []xer.Warning, error) {
		var out bytes.Buffer
		ws, err := pmxml.Write(&out, p, nil)
		if err != nil {
			return nil, nil, err
		}
		f, err := pmxml.Read(bytes.NewReader(out.Bytes()), nil)
		if err != nil {
			return nil, nil, err
		}
		return f.Projects[0].Project, ws, nil
	}},
}

// corpus reads every project of the corpus's files of one format.
func corpus(t *testing.T, dir, pattern string) map[string]*schedule.Project {
	t.Helper()
	out := map[string]*schedule.Project{}
	for _, path := range testutil.Corpus(t, dir, pattern) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		switch dir {
		case "mspdi":
			f, err := mspdi.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[name] = f.Project
		case "xer":
			f, err := xer.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k, pr := range f.Projects {
				out[fmt.Sprintf("%s#%d", name, k)] = pr.Project
			}
		case "pmxml":
			f, err := pmxml.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k, pr := range f.Projects {
				out[fmt.Sprintf("%s#%d", name, k)] = pr.Project
			}
		}
	}
	return out
}

// Every warning the P6 writers give is true — what it reports is not
// read back the same — and whatever is not read back the same is
// reported, for every corpus project in XER, PMXML and MSPDI and the
// Dhaka Tower, written as XER and as PMXML; a project read from P6 warns
// about nothing, written in either of P6's formats.
func TestWarningsTrue(t *testing.T) {
	sources := map[string]map[string]*schedule.Project{"dhaka": {"dhaka-tower.json": testutil.Example(t, "dhaka-tower.json")}}
	if os.Getenv("CRITPATH_CORPUS") != "" {
		for _, dir := range []string{"xer", "pmxml", "mspdi"} {
			pattern := "*.xml"
			if dir == "xer" {
				pattern = "*.xer"
			}
			sources[dir] = corpus(t, dir, pattern)
		}
	}
	for _, dir := range []string{"dhaka", "xer", "pmxml", "mspdi"} {
		for _, name := range slices.Sorted(maps.Keys(sources[dir])) {
			p := sources[dir][name]
			for _, tr := range trips {
				back, ws, err := tr.do(p)
				if err != nil {
					t.Errorf("%s as %s: %v", name, tr.name, err)
					continue
				}
				if (dir == "xer" || dir == "pmxml") && len(ws) > 0 && !(len(ws) == 1 && strings.Contains(ws[0].Message, "does not schedule")) {
					t.Errorf("%s as %s: a P6 project warns: %v", name, tr.name, ws)
				}
				testutil.CheckWarnings(t, name+" as "+tr.name, p, back, ws, covers, info...)
			}
		}
	}
}

// base is a small P6 project that P6's formats hold whole: written, it
// warns about nothing.
func base() *schedule.Project {
	return &schedule.Project{Name: "base", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Options: schedule.P6Options(),
		Calendars: []schedule.Calendar{{Name: "Site", Base: schedule.Standard, Exceptions: []schedule.Exception{{From: schedule.Date{Year: 2027, Month: 1, Day: 12}}}}},
		Calendar:  "Site",
		Tasks: []schedule.Task{{ID: "WBS S", Name: "Structure"}, {ID: "A", Name: "Piles", Parent: "WBS S", Duration: schedule.Hours(16), IgnoreResourceCalendars: true},
			{ID: "B", Name: "Caps", Parent: "WBS S", Duration: schedule.Hours(8), IgnoreResourceCalendars: true}},
		Links:       []schedule.Link{{Pred: "A", Succ: "B"}},
		Resources:   []schedule.Resource{{ID: "R", Name: "Rig", MaxUnits: 1, StandardRate: 100}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "R", Units: 1}},
	}
}

// A test per kind of warning: each change to the base project gives the
// warning that says so, once, however many tasks it hits, with their
// count and the first; every warning is true (see TestWarningsTrue); the
// same project gives the same warnings in the same order.
func TestWarningPerKind(t *testing.T) {
	task := func(p *schedule.Project, id string) *schedule.Task {
		return &p.Tasks[slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == id })]
	}
	dhaka, _ := time.LoadLocation("Asia/Dhaka")
	long := strings.Repeat("x", 300)
	cases := []struct {
		name   string
		change func(p *schedule.Project)
		want   string
	}{
		{"time zone", func(p *schedule.Project) { p.Location = dhaka; p.Start = time.Date(2027, 1, 4, 8, 0, 0, 0, dhaka) }, "time zone Asia/Dhaka is not written"},
		{"from finish", func(p *schedule.Project) {
			p.FromFinish, p.Finish, p.Start = true, time.Date(2027, 3, 1, 17, 0, 0, 0, time.UTC), time.Time{}
		}, "scheduled from its finish"},
		{"days per month", func(p *schedule.Project) { p.Settings.DaysPerMonth = 22 }, "22 working days per month"},
		{"no project calendar", func(p *schedule.Project) { p.Calendar, p.Settings.MinutesPerDay = "", 600 }, "the project names none"},
		{"critical float in days", func(p *schedule.Project) { p.Options.CriticalFloat = schedule.Days(1) }, "critical float 1d is written as 8h"},
		{"constraint rule", func(p *schedule.Project) { p.Options.Constraints = schedule.HonorConstraints }, "constraint rule is not P6's"},
		{"summary float", func(p *schedule.Project) { p.Options.SummaryFloat = schedule.RolledUpFloat }, "summary float from the rolled-up dates"},
		{"ALAP", func(p *schedule.Project) { p.Options.ALAP = schedule.ALAPTotalFloat }, "as-late-as-possible tasks placed"},
		{"late dates", func(p *schedule.Project) { p.Options.LateDates = schedule.LateByLinks }, "late dates from the links alone"},
		{"cross calendar", func(p *schedule.Project) { p.Options.CrossCalendar = schedule.CrossStrict }, "other calendars read strictly"},
		{"float calendar", func(p *schedule.Project) { p.Options.FloatCalendar = schedule.FloatTaskCalendar }, "float counted on the task's own calendar"},
		{"baselines", func(p *schedule.Project) {
			p.Baselines = []schedule.Baseline{{Name: "Original Plan", Tasks: []schedule.BaselineTask{{ID: "A", Start: p.Start, Finish: p.Start.Add(32 * time.Hour), Duration: schedule.Hours(16)}}}, {Name: "Update 1"}}
		}, `baselines are not written: P6 keeps a baseline as a project of its own (2 baselines, such as "Original Plan")`},
		{"custom fields", func(p *schedule.Project) {
			p.CustomFields = []schedule.CustomField{{Name: "Zone"}}
			task(p, "A").Fields = map[string]string{"Zone": "North"}
		}, `custom fields and their values are not written`},
		{"calendar name", func(p *schedule.Project) { p.Calendars[0].Name, p.Calendar = long, long }, "calendar names are cut to P6's 255 characters"},
		{"period hours", func(p *schedule.Project) { p.Settings.MinutesPerDay = 30 * 60 }, "hours per period 30 are kept within P6's 1 to 24"},
		{"far exceptions", func(p *schedule.Project) {
			p.Calendars[0].Exceptions = append(p.Calendars[0].Exceptions, schedule.Exception{From: schedule.Date{Year: 2500, Month: 1, Day: 4}})
		}, "exceptions before 1900 or after 2447 are left out"},
		{"yearly exceptions", func(p *schedule.Project) { p.Calendars[0].Exceptions[0].Yearly = true }, "yearly exceptions are written for each year"},
		{"exception names", func(p *schedule.Project) { p.Calendars[0].Exceptions[0].Name = "Holiday" }, `exceptions' names are not written: P6's exceptions are days without names (exception "Holiday" of "Site")`},
		{"summary IDs", func(p *schedule.Project) {
			task(p, "WBS S").ID, task(p, "A").Parent, task(p, "B").Parent = "S", "S", "S"
		}, "(summary task S → WBS S)"},
		{"summary constraint", func(p *schedule.Project) {
			task(p, "WBS S").Constraint = schedule.Constraint{Type: schedule.SNET, Date: p.Start}
		}, "summary tasks' constraints are left out"},
		{"summary deadline", func(p *schedule.Project) { task(p, "WBS S").Deadline = p.Start.AddDate(0, 1, 0) }, "summary tasks' deadlines are left out"},
		{"summary notes", func(p *schedule.Project) { task(p, "WBS S").Notes = "piling" }, "summary tasks' notes are left out"},
		{"long activity ID", func(p *schedule.Project) {
			task(p, "A").ID, p.Links[0].Pred, p.Assignments[0].Task = long, long, long
		}, "activity IDs are cut to P6's 40 characters"},
		{"tab in a name", func(p *schedule.Project) { task(p, "A").Name = "Piles\tnorth" }, `tabs and line breaks are written as spaces`},
		{"durations in days", func(p *schedule.Project) {
			task(p, "A").Duration, task(p, "B").Duration = schedule.Days(2), schedule.Days(1)
		}, "durations are written in hours, P6's unit, and read back in hours (2 activities, such as A: 2d → 16h)"},
		{"elapsed duration", func(p *schedule.Project) { task(p, "A").Duration = schedule.ElapsedDays(2) }, "elapsed durations are written as as many working hours: P6 has no elapsed time (activity A: 2ed → 48h)"},
		{"priority", func(p *schedule.Project) { task(p, "A").Priority = 1000 }, "(activity A: 1000 → Top)"},
		{"manual", func(p *schedule.Project) { task(p, "A").Manual, task(p, "A").Start = true, p.Start }, "manually scheduled tasks are written as scheduled ones"},
		{"splits", func(p *schedule.Project) {
			task(p, "A").Splits = []schedule.Split{{At: schedule.Hours(8), Gap: schedule.Hours(8)}}
		}, "splits are left out"},
		{"no split", func(p *schedule.Project) { task(p, "A").NoSplit = true }, "no-split flags"},
		{"notes", func(p *schedule.Project) { task(p, "A").Notes = "bored piles" }, "notes are not written"},
		{"task type", func(p *schedule.Project) { task(p, "A").Type = schedule.FixedWork }, "task types are not kept"},
		{"effort driven", func(p *schedule.Project) { task(p, "A").EffortDriven = true }, "effort-driven flags are not written"},
		{"task work", func(p *schedule.Project) { task(p, "A").Work = schedule.Hours(16) }, "tasks' own work is not written"},
		{"fixed cost", func(p *schedule.Project) { task(p, "A").FixedCost = 5000 }, "fixed costs are not written"},
		{"actual cost", func(p *schedule.Project) {
			task(p, "A").ActualStart, task(p, "A").PercentComplete = p.Start, 50
			task(p, "A").ActualCost = new(1200.0)
		}, "actual costs are not written"},
		{"crash", func(p *schedule.Project) {
			task(p, "A").Crash = &schedule.Crash{Duration: schedule.Hours(8), Cost: 900}
		}, "crash durations and costs"},
		{"complete", func(p *schedule.Project) {
			task(p, "A").ActualStart, task(p, "A").ActualFinish, task(p, "A").PercentComplete = p.Start, p.Start.Add(32*time.Hour), 90
		}, "tasks with an actual finish are written complete, 100%"},
		{"percent and remaining disagree", func(p *schedule.Project) {
			task(p, "A").ActualStart, task(p, "A").PercentComplete, task(p, "A").Remaining = p.Start, 50, new(schedule.Hours(4))
		}, "(activity A: 50% → 75%)"},
		{"summary link", func(p *schedule.Project) {
			p.Tasks = append(p.Tasks, schedule.Task{ID: "C", Duration: schedule.Hours(8), IgnoreResourceCalendars: true})
			p.Links = append(p.Links, schedule.Link{Pred: "WBS S", Succ: "C"})
		}, "links to and from summary tasks are left out"},
		{"lag in days", func(p *schedule.Project) { p.Links[0].Lag = schedule.Days(1) }, "lags are written in hours"},
		{"elapsed lag", func(p *schedule.Project) { p.Links[0].Lag = schedule.ElapsedDays(1) }, "elapsed lags are written as as many working hours"},
		{"percent lag", func(p *schedule.Project) { p.Links[0].Type, p.Links[0].Lag = schedule.SS, schedule.PercentOf(50) }, "(link A→B SS: 50% → 8h)"},
		{"overlap", func(p *schedule.Project) { p.Links[0].Overlap, p.Links[0].ReworkCost = schedule.Hours(4), 100 }, "fast-tracking overlaps"},
		{"cost resource", func(p *schedule.Project) { p.Resources[0].Type = schedule.CostResource }, "cost resources are written as nonlabor resources"},
		{"unused resource", func(p *schedule.Project) {
			p.Resources = append(p.Resources, schedule.Resource{ID: "Q", Name: "Crane"})
		}, "resources no activity uses"},
		{"overtime rate", func(p *schedule.Project) { p.Resources[0].OvertimeRate = 150 }, "overtime rates are not written"},
		{"cost per use", func(p *schedule.Project) { p.Resources[0].CostPerUse = 500 }, "costs per use are not written"},
		{"resource group", func(p *schedule.Project) { p.Resources[0].Group = "piling" }, "resource groups are not written"},
		{"resource name", func(p *schedule.Project) { p.Resources[0].Name = long }, "resource names are cut to P6's 255 characters"},
		{"summary assignment", func(p *schedule.Project) {
			p.Assignments = append(p.Assignments, schedule.Assignment{Task: "WBS S", Resource: "R", Units: 1})
		}, "assignments to summary tasks are left out"},
		{"assignment work", func(p *schedule.Project) { p.Assignments[0].Work = schedule.Hours(24) }, "assignments' work is written as their planned units"},
	}
	for _, tr := range trips {
		if back, ws, err := tr.do(base()); err != nil || len(ws) > 0 || len(testutil.Diff(base(), back)) > 0 {
			t.Fatalf("%s: the base project: %v, warnings %v, differences %v", tr.name, err, ws, testutil.Diff(base(), back))
		}
		for _, c := range cases {
			p := base()
			c.change(p)
			back, ws, err := tr.do(p)
			if err != nil {
				t.Errorf("%s, %s: %v", c.name, tr.name, err)
				continue
			}
			n := 0
			for _, w := range ws {
				if strings.Contains(w.Message, c.want) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s, %s: %d warnings say %q; warnings:\n%s", c.name, tr.name, n, c.want, texts(ws))
			}
			testutil.CheckWarnings(t, c.name+", "+tr.name, p, back, ws, covers, info...)
			if _, again, _ := tr.do(p); texts(again) != texts(ws) {
				t.Errorf("%s, %s: written again, other warnings:\n%s\nthen\n%s", c.name, tr.name, texts(ws), texts(again))
			}
		}
	}
}

func texts(ws []xer.Warning) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.String())
	}
	return strings.Join(s, "\n")
}
