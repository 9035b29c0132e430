package mspdi_test

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
	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// covers says which of the MSPDI writer's warnings report each kind of
// difference between a project and its file read back.
var covers = testutil.Covers{
	"project.time_zone":           {"time zone"},
	"project.start":               {"no start date"},
	"project.finish_by":           {"finish-by date"},
	"task.deadline":               {"finish-by date"},
	"options.total_float":         {"total float as"},
	"options.lag_calendar":        {"lags counted on"},
	"options.critical_float":      {"critical float"},
	"options.critical_float unit": {"critical float"},
	"options.constraints":         {"constraint rule"},
	"options.summary_float":       {"summary float"},
	"options.progress":            {"goes on with a task in progress"},
	"options.alap":                {"as-late-as-possible"},
	"options.late_dates":          {"late dates from the links"},
	"options.cross_calendar":      {"other calendars read as P6"},
	"options.float_calendar":      {"float counted on the calendar"},
	"calendar.exception.yearly":   {"yearly exceptions"},
	"calendar.exceptions":         {"yearly exceptions"},
	"task.id":                     {"task IDs that are not whole numbers"},
	"summary.id":                  {"task IDs that are not whole numbers"},
	"resource.id":                 {"resource IDs that are not whole numbers"},
	"task.start_milestone":        {"start milestones"},
	"task.percent_complete":       {"whole percent"},
	"task.work":                   {"tasks' own work"},
	"task.work unit":              {"tasks' own work"},
	"summary.work":                {"tasks' own work"},
	"task.crash":                  {"crash durations"},
	"summary.crash":               {"crash durations"},
	"task.remaining unit":         {"remaining durations"},
	"task.remaining elapsed":      {"remaining durations"},
	"task.actual_cost":            {"actual costs of tasks not started"},
	"task.splits":                 {"splits"},
	"link.overlap":                {"fast-tracking"},
	"link.rework_cost":            {"fast-tracking"},
	"assignment.work unit":        {"assignments' work is written in hours"},
	"baseline":                    {"baselines beyond", "baselines are written as MS Project's"},
	"baseline.work unit":          {"baseline work"},
}

// info are the words of the warnings about what Microsoft Project does on
// import, which critpath reads back as it was.
var info = []string{"MS Project keeps one link between two tasks"}

// writeRead writes p as MSPDI and reads it back.
func writeRead(p *schedule.Project) (*schedule.Project, []mspdi.Warning, error) {
	var out bytes.Buffer
	ws, err := mspdi.Write(&out, p, nil)
	if err != nil {
		return nil, nil, err
	}
	f, err := mspdi.Read(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		return nil, nil, err
	}
	return f.Project, ws, nil
}

// Every warning the MSPDI writer gives is true — what it reports is not
// read back the same — and whatever is not read back the same is
// reported, for every corpus project in MSPDI, XER and PMXML and the
// Dhaka Tower; a project read from MSPDI warns about nothing.
func TestWarningsTrue(t *testing.T) {
	sources := map[string]*schedule.Project{"dhaka-tower.json": testutil.Example(t, "dhaka-tower.json")}
	fromMSPDI := map[string]bool{}
	if os.Getenv("CRITPATH_CORPUS") != "" {
		for _, path := range testutil.Corpus(t, "mspdi", "*.xml") {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			sources[name], fromMSPDI[name] = read(t, data, name).Project, true
		}
		for _, path := range testutil.Corpus(t, "xer", "*.xer") {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			x, err := xer.Read(f, nil)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			for k, pr := range x.Projects {
				sources[fmt.Sprintf("%s#%d", filepath.Base(path), k)] = pr.Project
			}
		}
		for _, path := range testutil.Corpus(t, "pmxml", "*.xml") {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			x, err := pmxml.Read(f, nil)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			for k, pr := range x.Projects {
				sources[fmt.Sprintf("%s#%d", filepath.Base(path), k)] = pr.Project
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sources)) {
		p := sources[name]
		back, ws, err := writeRead(p)
		if err != nil {
			if p.Start.IsZero() && p.StatusDate.IsZero() && strings.Contains(err.Error(), "no start date") {
				continue // a P6 stub with no dates at all
			}
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fromMSPDI[name] && len(ws) > 0 {
			t.Errorf("%s: an MSPDI project warns: %v", name, ws)
		}
		testutil.CheckWarnings(t, name, p, back, ws, covers, info...)
	}
}

// base is a small project MSPDI holds whole: written, it warns about
// nothing.
func base() *schedule.Project {
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	return &schedule.Project{Name: "base", Start: start,
		Calendars: []schedule.Calendar{{Name: "Site", Base: schedule.Standard, Exceptions: []schedule.Exception{{Name: "Holiday", From: schedule.Date{Year: 2027, Month: 1, Day: 12}}}}},
		Calendar:  "Site",
		Tasks: []schedule.Task{{ID: "1", Name: "Structure"}, {ID: "2", Name: "Piles", Parent: "1", Duration: schedule.Days(2)},
			{ID: "3", Name: "Caps", Parent: "1", Duration: schedule.Days(1)}},
		Links:       []schedule.Link{{Pred: "2", Succ: "3", Lag: schedule.Days(1)}},
		Resources:   []schedule.Resource{{ID: "1", Name: "Rig", MaxUnits: 1, StandardRate: 100}},
		Assignments: []schedule.Assignment{{Task: "2", Resource: "1", Units: 1}},
		Baselines:   []schedule.Baseline{{Name: "Baseline", Tasks: []schedule.BaselineTask{{ID: "2", Start: start, Finish: start.Add(32 * time.Hour), Duration: schedule.Days(2), Work: schedule.Hours(16)}}}},
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
	cases := []struct {
		name   string
		change func(p *schedule.Project)
		want   string
	}{
		{"time zone", func(p *schedule.Project) { p.Location, p.Start = dhaka, time.Date(2027, 1, 4, 8, 0, 0, 0, dhaka) }, "time zone Asia/Dhaka is not written"},
		{"no start", func(p *schedule.Project) {
			p.Start, p.StatusDate = time.Time{}, time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
		}, "the project has no start date, which MSPDI needs: 2027-01-04T08:00:00 is written"},
		{"finish by", func(p *schedule.Project) { p.FinishBy = time.Date(2027, 1, 5, 17, 0, 0, 0, time.UTC) }, "written as the deadline of every task not finished that has none earlier (2 tasks, such as 2), which bounds every task's late finish by it as P6 does, keeping its float: the project finishes 2027-01-07 17:00, after it"},
		{"total float", func(p *schedule.Project) { p.Options.TotalFloat = schedule.FinishFloat }, "total float as finish float"},
		{"lag calendar", func(p *schedule.Project) {
			p.Options.LagCalendar, task(p, "3").Calendar = schedule.LagPredecessor, schedule.TwentyFourHours
		}, "lags counted on the predecessor's calendar are not written: MS Project counts them on the successor's calendar (task 3 is the successor"},
		{"critical float", func(p *schedule.Project) { p.Options.CriticalFloat = schedule.Days(1) }, "the critical float 1d is not written"},
		{"mandatory constraints", func(p *schedule.Project) { p.Options.Constraints = schedule.MandatoryConstraints }, `"tasks will always honor their constraint dates" cleared`},
		{"mandatory constraints with MSO", func(p *schedule.Project) {
			p.Options.Constraints = schedule.MandatoryConstraints
			task(p, "3").Constraint = schedule.Constraint{Type: schedule.MSO, Date: time.Date(2027, 1, 8, 8, 0, 0, 0, time.UTC)}
		}, "keeps mandatory starts and finishes (MSO, MFO) on their dates"},
		{"summary float", func(p *schedule.Project) { p.Options.SummaryFloat = schedule.SubtaskFloat }, "summary float as the least of the subtasks'"},
		{"progress", func(p *schedule.Project) { p.Options.Progress = schedule.RetainedLogic }, "P6's retained logic is not written"},
		{"ALAP", func(p *schedule.Project) { p.Options.ALAP = schedule.ALAPFreeFloat }, "placed by their free float"},
		{"late dates", func(p *schedule.Project) { p.Options.LateDates = schedule.LateByLinks }, "late dates from the links alone"},
		{"cross calendar", func(p *schedule.Project) { p.Options.CrossCalendar = schedule.CrossP6 }, "other calendars read as P6 reads them"},
		{"float calendar", func(p *schedule.Project) { p.Options.FloatCalendar = schedule.FloatWorkCalendar }, "float counted on the calendar a task is scheduled on"},
		{"yearly exception", func(p *schedule.Project) { p.Calendars[0].Exceptions[0].Yearly = true }, `yearly recurrences of 40 years from their first (none past 2149), and read back as the days of those years (yearly exception "Holiday" of "Site")`},
		{"task IDs", func(p *schedule.Project) {
			task(p, "2").ID, task(p, "3").ID, p.Links[0], p.Assignments[0].Task = "PIL", "CAP", schedule.Link{Pred: "PIL", Succ: "CAP", Lag: schedule.Days(1)}, "PIL"
			p.Baselines[0].Tasks[0].ID = "PIL"
		}, "(2 tasks, such as PIL → 2)"},
		{"resource IDs", func(p *schedule.Project) { p.Resources[0].ID, p.Assignments[0].Resource = "rig", "rig" }, "(resource rig → 1)"},
		{"start milestone", func(p *schedule.Project) {
			p.Tasks = append(p.Tasks, schedule.Task{ID: "4", Name: "Start", Parent: "1", StartMilestone: true})
		}, "start milestones are written as milestones"},
		{"fractional percent", func(p *schedule.Project) {
			p.StatusDate = time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)
			task(p, "2").ActualStart, task(p, "2").PercentComplete = p.Start, 37.5
		}, "(task 2: 37.5% → 38%)"},
		{"task work", func(p *schedule.Project) { task(p, "2").Work = schedule.Hours(16) }, "tasks' own work is written"},
		{"crash", func(p *schedule.Project) { task(p, "2").Crash = &schedule.Crash{Duration: schedule.Days(1), Cost: 900} }, "crash durations and costs"},
		{"remaining unit", func(p *schedule.Project) {
			p.StatusDate = time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)
			task(p, "2").ActualStart, task(p, "2").PercentComplete, task(p, "2").Remaining = p.Start, 50, new(schedule.Hours(4))
		}, "remaining durations are written in the unit of the task's duration"},
		{"actual cost not started", func(p *schedule.Project) { task(p, "2").ActualCost = new(100.0) }, "actual costs of tasks not started"},
		{"splits of a finished task", func(p *schedule.Project) {
			p.StatusDate = time.Date(2027, 1, 11, 17, 0, 0, 0, time.UTC)
			tk := task(p, "2")
			tk.ActualStart, tk.ActualFinish, tk.PercentComplete = p.Start, time.Date(2027, 1, 6, 17, 0, 0, 0, time.UTC), 100
			tk.Splits = []schedule.Split{{At: schedule.Days(1), Gap: schedule.Days(1)}}
		}, "splits of finished tasks are not written"},
		{"overlap", func(p *schedule.Project) { p.Links[0].Overlap = schedule.Days(1) }, "fast-tracking overlaps"},
		{"two links", func(p *schedule.Project) {
			p.Links = append(p.Links, schedule.Link{Pred: "2", Succ: "3", Type: schedule.FF})
		}, "(pair of tasks 2→3 FS and FF)"},
		{"assignment work in days", func(p *schedule.Project) { p.Assignments[0].Work = schedule.Days(3) }, "assignments' work is written in hours"},
		{"baseline name", func(p *schedule.Project) { p.Baselines[0].Name = "Original Plan" }, `(baseline "Original Plan" → Baseline)`},
		{"baseline work in days", func(p *schedule.Project) { p.Baselines[0].Tasks[0].Work = schedule.Days(2) }, "baseline work is written in hours"},
		{"too many baselines", func(p *schedule.Project) {
			for k := range 11 {
				p.Baselines = append(p.Baselines, schedule.Baseline{Name: fmt.Sprintf("Update %d", k+1)})
			}
		}, `baselines beyond MSPDI's eleven (Baseline, Baseline1–10) are left out (baseline "Update 11")`},
	}
	if back, ws, err := writeRead(base()); err != nil || len(ws) > 0 || len(testutil.Diff(base(), back)) > 0 {
		t.Fatalf("the base project: %v, warnings %v, differences %v", err, ws, testutil.Diff(base(), back))
	}
	for _, c := range cases {
		p := base()
		c.change(p)
		back, ws, err := writeRead(p)
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
			t.Errorf("%s: %d warnings say %q; warnings:\n%s", c.name, n, c.want, texts(ws))
		}
		testutil.CheckWarnings(t, c.name, p, back, ws, covers, info...)
		if _, again, _ := writeRead(p); texts(again) != texts(ws) {
			t.Errorf("%s: written again, other warnings:\n%s\nthen\n%s", c.name, texts(ws), texts(again))
		}
	}
}

func texts(ws []mspdi.Warning) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.String())
	}
	return strings.Join(s, "\n")
}

// Issue 16: a P6 project's finish-by date is written to MSPDI as the
// deadline of every task not finished, with a warning, and the dates do
// not move. The P6 takt schedule (30 activities and WBS nodes, 25
// activities, finishing 2022-02-21 17:00) read back and scheduled:
//
//   - with the date two weeks before its finish (−10 working days), every
//     one of the 25 activities keeps its total float (the critical ones
//     −10d), under P6's rules as under MS Project's;
//   - with the date two weeks after, no deadline extends a late finish
//     past the project's finish in MS Project: every activity's float is
//     10 working days (4,800 minutes) less than P6's, the working time
//     between the two dates, as the warning says.
func TestFinishByFromP6(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "xernative__sample.xer"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := xer.Read(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	p6 := x.Projects[0].Project
	finish := mustRun(t, p6).Finish()
	for _, c := range []struct {
		name     string
		finishBy time.Time
		less     int64 // minutes of float lost by every activity
		says     string
	}{
		{"two weeks early", finish.AddDate(0, 0, -14), 0, "keeping its float: the project finishes 2022-02-21 17:00, after it"},
		{"two weeks late", finish.AddDate(0, 0, 14), 4800, "floats read back are less by up to 10d on the project calendar"},
	} {
		p := *p6
		p.FinishBy = c.finishBy
		var out bytes.Buffer
		ws, err := mspdi.Write(&out, &p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if xsd := testutil.Schema("mspdi_pj15_mpxj-correct-2018.xsd"); xsd != "" {
			testutil.Validate(t, xsd, out.Bytes())
		}
		if !strings.Contains(texts(ws), "finish-by date "+c.finishBy.Format("2006-01-02 15:04")+" is not written as such") || !strings.Contains(texts(ws), c.says) {
			t.Errorf("%s: no warning says so:\n%s", c.name, texts(ws))
		}
		back := read(t, out.Bytes(), c.name).Project
		want := mustRun(t, &p)
		msRules := mustRun(t, back)
		q := *back
		q.Options = p.Options
		p6Rules := mustRun(t, &q)
		rows, err := outline.Order(&p) // the order MSPDI writes and reads tasks in
		if err != nil {
			t.Fatal(err)
		}
		activities := 0
		for k, row := range rows {
			w, _ := want.Lookup(p.Tasks[row.Task].ID)
			tb := back.Tasks[k]
			if w.Summary {
				continue
			}
			activities++
			if !tb.Deadline.Equal(c.finishBy) {
				t.Errorf("%s: task %s: deadline %v, want the finish-by date", c.name, w.ID, tb.Deadline)
			}
			for rules, r := range map[string]*schedule.Result{"P6's": p6Rules, "MS Project's": msRules} {
				g, _ := r.Lookup(tb.ID)
				if !g.Start.Equal(w.Start) || !g.Finish.Equal(w.Finish) || g.TotalFloat != w.TotalFloat-c.less {
					t.Errorf("%s, %s rules: task %s: %v–%v float %d, want %v–%v float %d", c.name, rules, w.ID, g.Start, g.Finish, g.TotalFloat, w.Start, w.Finish, w.TotalFloat-c.less)
				}
			}
		}
		if activities != 25 {
			t.Errorf("%s: %d activities, want 25", c.name, activities)
		}
	}
}
