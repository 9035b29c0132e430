package bounds_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

// writers are the writers that check a project with bounds.
var writers = []struct {
	name  string
	write func(w io.Writer, p *schedule.Project) error
}{
	{"mspdi", func(w io.Writer, p *schedule.Project) error { _, err := mspdi.Write(w, p, nil); return err }},
	{"xer", func(w io.Writer, p *schedule.Project) error { _, err := xer.Write(w, p, nil); return err }},
	{"pmxml", func(w io.Writer, p *schedule.Project) error { _, err := pmxml.Write(w, p, nil); return err }},
}

// project is a small project every writer writes: two tasks linked, a
// resource on one, a calendar with a holiday, a baseline.
func project() *schedule.Project {
	day := func(d int) time.Time { return time.Date(2027, 1, d, 8, 0, 0, 0, time.UTC) }
	return &schedule.Project{Name: "bounds", Start: day(4),
		Calendars: []schedule.Calendar{{Name: "Site", Base: schedule.Standard,
			Exceptions: []schedule.Exception{{Name: "Holiday", From: schedule.Date{Year: 2027, Month: 1, Day: 6}}}}},
		Tasks: []schedule.Task{
			{ID: "A", Name: "Dig", Duration: schedule.Days(2), Calendar: "Site"},
			{ID: "B", Name: "Pour", Duration: schedule.Days(100)},
		},
		Links:       []schedule.Link{{Pred: "B", Succ: "A", Type: schedule.FS}},
		Resources:   []schedule.Resource{{ID: "R", Name: "Crew", MaxUnits: 2, StandardRate: 10}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "R", Units: 1}},
		Baselines:   []schedule.Baseline{{Name: "Baseline", Tasks: []schedule.BaselineTask{{ID: "A", Start: day(4), Finish: day(5), Duration: schedule.Days(2), Cost: 100}}}},
	}
}

// Every writer refuses, writing nothing, a value its format cannot hold,
// naming what holds it and the field; what one format holds and another
// does not (P6's dates run to 9999, MSPDI's to 2149; MSPDI's durations
// to the scheduler's 2³⁰ minutes, P6's to ten million hours) is written
// by the one and refused by the other.
func TestRefused(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	year := func(y int) time.Time { return time.Date(y, 3, 1, 8, 0, 0, 0, time.UTC) }
	all := map[string]bool{"mspdi": true, "xer": true, "pmxml": true}
	mspdiOnly := map[string]bool{"mspdi": true}
	p6Only := map[string]bool{"xer": true, "pmxml": true}
	for _, c := range []struct {
		name    string
		edit    func(p *schedule.Project)
		refused map[string]bool // by writer
		where   string          // what the error names
		field   string
		want    error
	}{
		{"duration 1e300d", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Days(1e300) }, all, `task "A"`, "duration 1e+300d", schedule.ErrBadValue},
		{"duration +Inf", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Days(inf) }, all, `task "A"`, "duration +Infd", schedule.ErrBadValue},
		{"duration NaN", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Days(nan) }, all, `task "A"`, "duration NaNd", schedule.ErrBadValue},
		{"duration -8h", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Hours(-8) }, all, `task "A"`, "duration -8h", schedule.ErrNegative},
		{"duration unknown unit", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Duration{Amount: 1, Unit: 9} }, all, `task "A"`, "duration", schedule.ErrBadValue},
		{"duration 2e7h", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Hours(2e7) }, all, `task "A"`, "duration 2e+07h", schedule.ErrBadValue},
		{"summary duration NaN", func(p *schedule.Project) {
			p.Tasks[0].Parent = "B"
			p.Links = nil
			p.Tasks[1].Duration = schedule.Days(nan)
		}, all, `task "B"`, "duration NaNd", schedule.ErrBadValue},
		{"remaining 1e300d", func(p *schedule.Project) {
			p.StatusDate = year(2027)
			p.Tasks[0].ActualStart, p.Tasks[0].Remaining = year(2027), new(schedule.Days(1e300))
		}, all, `task "A"`, "remaining duration 1e+300d", schedule.ErrBadValue},
		{"remaining -1d", func(p *schedule.Project) {
			p.StatusDate = year(2027)
			p.Tasks[0].ActualStart, p.Tasks[0].Remaining = year(2027), new(schedule.Days(-1))
		}, all, `task "A"`, "remaining duration -1d", schedule.ErrNegative},
		{"work NaN", func(p *schedule.Project) { p.Tasks[0].Work = schedule.Hours(nan) }, all, `task "A"`, "work NaNh", schedule.ErrBadValue},
		{"split gap +Inf", func(p *schedule.Project) {
			p.Tasks[0].Splits = []schedule.Split{{At: schedule.Days(1), Gap: schedule.Days(inf)}}
		}, all, `task "A"`, "split +Infd", schedule.ErrBadValue},
		{"crash duration NaN", func(p *schedule.Project) { p.Tasks[0].Crash = &schedule.Crash{Duration: schedule.Days(nan)} }, all, `task "A"`, "crash duration NaNd", schedule.ErrBadValue},
		{"crash cost -1", func(p *schedule.Project) { p.Tasks[0].Crash = &schedule.Crash{Duration: schedule.Days(1), Cost: -1} }, all, `task "A"`, "crash cost -1", schedule.ErrBadValue},
		{"percent complete 150", func(p *schedule.Project) { p.Tasks[0].PercentComplete = 150 }, all, `task "A"`, "percent complete 150", schedule.ErrBadValue},
		{"percent complete NaN", func(p *schedule.Project) { p.Tasks[0].PercentComplete = nan }, all, `task "A"`, "percent complete NaN", schedule.ErrBadValue},
		{"priority 5000", func(p *schedule.Project) { p.Tasks[0].Priority = 5000 }, all, `task "A"`, "priority 5000", schedule.ErrBadValue},
		{"fixed cost +Inf", func(p *schedule.Project) { p.Tasks[0].FixedCost = inf }, all, `task "A"`, "fixed cost +Inf", schedule.ErrBadValue},
		{"fixed cost 1e15", func(p *schedule.Project) { p.Tasks[0].FixedCost = 1e15 }, mspdiOnly, `task "A"`, "fixed cost 1e+15", schedule.ErrBadValue},
		{"actual cost NaN", func(p *schedule.Project) { p.Tasks[0].ActualCost = new(nan) }, all, `task "A"`, "actual cost NaN", schedule.ErrBadValue},
		{"constraint date 1850", func(p *schedule.Project) {
			p.Tasks[0].Constraint = schedule.Constraint{Type: schedule.SNET, Date: year(1850)}
		}, all, `task "A"`, "constraint date 1850-03-01 08:00", schedule.ErrBadDate},
		{"constraint date 12000", func(p *schedule.Project) {
			p.Tasks[0].Constraint = schedule.Constraint{Type: schedule.SNET, Date: year(12000)}
		}, all, `task "A"`, "constraint date", schedule.ErrBadDate},
		{"deadline 2300", func(p *schedule.Project) { p.Tasks[0].Deadline = year(2300) }, mspdiOnly, `task "A"`, "deadline 2300-03-01 08:00", schedule.ErrBadDate},
		{"actual start 1970", func(p *schedule.Project) {
			p.StatusDate, p.Tasks[0].ActualStart = year(2027), year(1970)
		}, mspdiOnly, `task "A"`, "actual start 1970", schedule.ErrBadDate},
		{"manual start 1899", func(p *schedule.Project) { p.Tasks[0].Manual, p.Tasks[0].Start = true, year(1899) }, all, `task "A"`, "start 1899", schedule.ErrBadDate},
		{"scheduled past 2149", func(p *schedule.Project) { p.Tasks[1].Duration = schedule.Days(100_000) }, mspdiOnly, `task "A"`, "scheduled start 24", schedule.ErrBadDate},
		{"project start 1970", func(p *schedule.Project) { p.Start = year(1970) }, mspdiOnly, "project", "start 1970-03-01 08:00", schedule.ErrBadDate},
		{"status date 2500", func(p *schedule.Project) { p.StatusDate = year(2500) }, mspdiOnly, "project", "status date 2500", schedule.ErrBadDate},
		{"finish-by date 10000", func(p *schedule.Project) { p.FinishBy = year(10000) }, all, "project", "finish-by date", schedule.ErrBadDate},
		{"critical float NaN", func(p *schedule.Project) { p.Options.CriticalFloat = schedule.Days(nan) }, all, "project", "critical float NaNd", schedule.ErrBadValue},
		{"minutes per day -5", func(p *schedule.Project) { p.Settings.MinutesPerDay = -5 }, all, "schedule: settings.minutes_per_day", "-5", schedule.ErrBadValue},
		{"lag 1e300d", func(p *schedule.Project) { p.Links[0].Lag = schedule.Days(1e300) }, all, `link "B"→"A" FS+1e+300d`, "lag 1e+300d", schedule.ErrBadValue},
		{"lag -Inf", func(p *schedule.Project) { p.Links[0].Lag = schedule.Days(math.Inf(-1)) }, all, `link "B"→"A"`, "lag -Infd", schedule.ErrBadValue},
		{"lag NaN%", func(p *schedule.Project) { p.Links[0].Lag = schedule.PercentOf(nan) }, all, `link "B"→"A"`, "lag NaN%", schedule.ErrBadValue},
		{"lag -1.5e7h", func(p *schedule.Project) { p.Links[0].Lag = schedule.Hours(-1.5e7) }, p6Only, `link "B"→"A"`, "lag -1.5e+07h", schedule.ErrBadValue},
		{"lag -2e6%", func(p *schedule.Project) { p.Links[0].Lag = schedule.PercentOf(-2e6) }, p6Only, `link "B"→"A"`, "lag -2e+06%, -16000000h", schedule.ErrBadValue},
		{"overlap -1d", func(p *schedule.Project) { p.Links[0].Overlap = schedule.Days(-1) }, all, `link "B"→"A"`, "overlap -1d", schedule.ErrNegative},
		{"rework cost NaN", func(p *schedule.Project) { p.Links[0].ReworkCost = nan }, all, `link "B"→"A"`, "rework cost NaN", schedule.ErrBadValue},
		{"maximum units NaN", func(p *schedule.Project) { p.Resources[0].MaxUnits = nan }, all, `resource "R"`, "maximum units NaN", schedule.ErrBadValue},
		{"maximum units 1e8", func(p *schedule.Project) { p.Resources[0].MaxUnits = 1e8 }, all, `resource "R"`, "maximum units 1e+08", schedule.ErrBadValue},
		{"standard rate +Inf", func(p *schedule.Project) { p.Resources[0].StandardRate = inf }, all, `resource "R"`, "standard rate +Inf", schedule.ErrBadValue},
		{"standard rate 5e7", func(p *schedule.Project) { p.Resources[0].StandardRate = 5e7 }, p6Only, `resource "R"`, "standard rate 5e+07", schedule.ErrBadValue},
		{"overtime rate NaN", func(p *schedule.Project) { p.Resources[0].OvertimeRate = nan }, all, `resource "R"`, "overtime rate NaN", schedule.ErrBadValue},
		{"cost per use -5", func(p *schedule.Project) { p.Resources[0].CostPerUse = -5 }, all, `resource "R"`, "cost per use -5", schedule.ErrBadValue},
		{"units NaN", func(p *schedule.Project) { p.Assignments[0].Units = nan }, all, `assignment of "R" to "A"`, "units NaN", schedule.ErrBadValue},
		{"units -1", func(p *schedule.Project) { p.Assignments[0].Units = -1 }, all, `assignment of "R" to "A"`, "units -1", schedule.ErrBadValue},
		{"assignment work +Inf", func(p *schedule.Project) { p.Assignments[0].Work = schedule.Hours(inf) }, all, `assignment of "R" to "A"`, "work +Infh", schedule.ErrBadValue},
		{"cost amount 2e7", func(p *schedule.Project) {
			p.Resources[0].Type, p.Resources[0].MaxUnits, p.Assignments[0].Units = schedule.CostResource, 0, 2e7
		}, p6Only, `assignment of "R" to "A"`, "amount 2e+07", schedule.ErrBadValue},
		{"baseline duration NaN", func(p *schedule.Project) { p.Baselines[0].Tasks[0].Duration = schedule.Days(nan) }, all, `baseline "Baseline": task "A"`, "duration NaNd", schedule.ErrBadValue},
		{"baseline cost +Inf", func(p *schedule.Project) { p.Baselines[0].Tasks[0].Cost = inf }, all, `baseline "Baseline": task "A"`, "cost +Inf", schedule.ErrBadValue},
		{"baseline start 1850", func(p *schedule.Project) { p.Baselines[0].Tasks[0].Start = year(1850) }, all, `baseline "Baseline": task "A"`, "start 1850", schedule.ErrBadDate},
		{"exception 1850", func(p *schedule.Project) {
			p.Calendars[0].Exceptions[0].From = schedule.Date{Year: 1850, Month: 1, Day: 1}
		}, all, `calendar "Site"`, "exception 1850-01-01", schedule.ErrBadDate},
		{"exception 2200", func(p *schedule.Project) {
			p.Calendars[0].Exceptions[0].To = schedule.Date{Year: 2200, Month: 1, Day: 1}
		}, mspdiOnly, `calendar "Site"`, "exception 2200-01-01", schedule.ErrBadDate},
		{"working time backwards", func(p *schedule.Project) {
			p.Calendars[0].Week = map[time.Weekday][]schedule.Interval{time.Monday: {{Start: 600, End: 500}}}
		}, all, `calendar "Site"`, "working time 10:00-08:20 is not within a day", schedule.ErrBadInterval},
	} {
		for _, w := range writers {
			t.Run(c.name+"/"+w.name, func(t *testing.T) {
				p := project()
				c.edit(p)
				var out bytes.Buffer
				err := w.write(&out, p)
				if !c.refused[w.name] {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					for _, bad := range []string{"NaN", "Inf", "-922337203685477"} {
						if bytes.Contains(out.Bytes(), []byte(bad)) {
							t.Errorf("written with %q in it", bad)
						}
					}
					return
				}
				if err == nil {
					t.Fatalf("written, want an error naming %s and %s", c.where, c.field)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, w.name+": "+c.where) || !strings.Contains(msg, c.field) || !errors.Is(err, c.want) {
					t.Errorf("error %q, want %q naming %s and %q, wrapping %q", msg, w.name+": "+c.where, c.where, c.field, c.want)
				}
				if out.Len() > 0 {
					t.Errorf("%d bytes written before the error", out.Len())
				}
			})
		}
	}
}

// The project every case starts from is written by every writer: what
// TestRefused refuses is the case's edit.
func TestProjectWritten(t *testing.T) {
	for _, w := range writers {
		if err := w.write(io.Discard, project()); err != nil {
			t.Errorf("%s: %v", w.name, err)
		}
	}
}
