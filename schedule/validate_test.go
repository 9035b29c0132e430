package schedule_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

func TestInputErrors(t *testing.T) {
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)
	base := func() *schedule.Project {
		return &schedule.Project{Start: start, Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(1)}, {ID: "B", Duration: schedule.Days(2)}, {ID: "S"}, {ID: "S1", Parent: "S", Duration: schedule.Days(1)},
		}}
	}
	for _, c := range []struct {
		name   string
		change func(p *schedule.Project)
		is     error
		where  string // what the message must name
	}{
		{"unknown successor", func(p *schedule.Project) { p.Links = []schedule.Link{{Pred: "A", Succ: "Z"}} }, schedule.ErrUnknownTask, `link "A"→"Z"`},
		{"unknown predecessor", func(p *schedule.Project) { p.Links = []schedule.Link{{Pred: "Q", Succ: "A"}} }, schedule.ErrUnknownTask, `predecessor "Q"`},
		{"self link", func(p *schedule.Project) { p.Links = []schedule.Link{{Pred: "A", Succ: "A"}} }, schedule.ErrSelfLink, `link "A"→"A"`},
		{"duplicate link", func(p *schedule.Project) {
			p.Links = []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "A", Succ: "B", Lag: schedule.Days(1)}}
		}, schedule.ErrDuplicateLink, `link "A"→"B"`},
		{"duplicate task", func(p *schedule.Project) { p.Tasks = append(p.Tasks, schedule.Task{ID: "A"}) }, schedule.ErrDuplicateTask, `task "A"`},
		{"negative duration", func(p *schedule.Project) { p.Tasks[1].Duration = schedule.Days(-2) }, schedule.ErrNegative, `task "B": duration`},
		{"percent duration", func(p *schedule.Project) { p.Tasks[1].Duration = schedule.PercentOf(50) }, schedule.ErrBadUnit, `task "B": duration`},
		{"unknown calendar", func(p *schedule.Project) { p.Tasks[0].Calendar = "Moon" }, schedule.ErrUnknownCalendar, `task "A": calendar: "Moon"`},
		{"no working time", func(p *schedule.Project) {
			p.Calendars = []schedule.Calendar{{Name: "Idle", Week: map[time.Weekday][]schedule.Interval{}}}
		}, schedule.ErrNoWorkingTime, `calendar "Idle"`},
		{"base cycle", func(p *schedule.Project) {
			p.Calendars = []schedule.Calendar{{Name: "X", Base: "Y"}, {Name: "Y", Base: "X"}}
		}, schedule.ErrCalendarCycle, `calendar "X"`},
		{"unknown base", func(p *schedule.Project) { p.Calendars = []schedule.Calendar{{Name: "X", Base: "Nowhere"}} }, schedule.ErrUnknownCalendar, `base "Nowhere"`},
		{"bad interval", func(p *schedule.Project) {
			p.Calendars = []schedule.Calendar{{Name: "X", Week: map[time.Weekday][]schedule.Interval{time.Monday: {schedule.Span(13, 0, 12, 0)}}}}
		}, schedule.ErrBadInterval, `calendar "X"`},
		{"overlapping intervals", func(p *schedule.Project) {
			p.Calendars = []schedule.Calendar{{Name: "X", Week: map[time.Weekday][]schedule.Interval{time.Monday: {schedule.Span(8, 0, 12, 0), schedule.Span(11, 0, 14, 0)}}}}
		}, schedule.ErrBadInterval, "Monday"},
		{"exception backwards", func(p *schedule.Project) {
			p.Calendars = []schedule.Calendar{{Name: "X", Base: schedule.Standard, Exceptions: []schedule.Exception{
				{Name: "Eid", From: schedule.Date{Year: 2027, Month: 3, Day: 12}, To: schedule.Date{Year: 2027, Month: 3, Day: 8}}}}}
		}, schedule.ErrBadDate, `exception "Eid"`},
		{"constraint without date", func(p *schedule.Project) { p.Tasks[0].Constraint.Type = schedule.MSO }, schedule.ErrBadConstraint, `task "A": constraint.date`},
		{"date out of range", func(p *schedule.Project) { p.Tasks[0].Deadline = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) }, schedule.ErrBadDate, `task "A": deadline`},
		{"priority", func(p *schedule.Project) { p.Tasks[0].Priority = 1001 }, schedule.ErrBadValue, `task "A": priority`},
		{"unknown parent", func(p *schedule.Project) { p.Tasks[0].Parent = "Q" }, schedule.ErrUnknownTask, `task "A": parent`},
		{"parent cycle", func(p *schedule.Project) { p.Tasks[0].Parent = "B"; p.Tasks[1].Parent = "A" }, schedule.ErrParentCycle, `parent`},
		{"summary to its subtask", func(p *schedule.Project) { p.Links = []schedule.Link{{Pred: "S", Succ: "S1"}} }, schedule.ErrSummaryLink, `link "S"→"S1"`},
		{"finish-to-finish into a summary", func(p *schedule.Project) { p.Links = []schedule.Link{{Pred: "A", Succ: "S", Type: schedule.FF}} }, schedule.ErrBadValue, `link "A"→"S" FF`},
		{"must start on a summary", func(p *schedule.Project) {
			p.Tasks[2].Constraint = schedule.Constraint{Type: schedule.MSO, Date: start}
		}, schedule.ErrBadConstraint, `task "S"`},
		{"no start", func(p *schedule.Project) { p.Start = time.Time{} }, schedule.ErrBadDate, "start"},
		{"settings", func(p *schedule.Project) { p.Settings.MinutesPerDay = -1 }, schedule.ErrBadValue, "settings.minutes_per_day"},
		{"unknown resource", func(p *schedule.Project) {
			p.Assignments = []schedule.Assignment{{Task: "A", Resource: "crane", Units: 1}}
		}, nil, `assignments[0].resource: "crane"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := base()
			c.change(p)
			_, err := schedule.Compile(p)
			if err == nil {
				t.Fatal("compiled")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("%v is not %v", err, c.is)
			}
			if _, ok := errors.AsType[*schedule.InputError](err); !ok {
				t.Errorf("%v is not an *InputError", err)
			}
			if !strings.Contains(err.Error(), c.where) {
				t.Errorf("%q does not name %q", err, c.where)
			}
		})
	}
}

func TestManyProblemsReportedTogether(t *testing.T) {
	p := &schedule.Project{Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)}
	for i := range 50 {
		p.Tasks = append(p.Tasks, schedule.Task{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Duration: schedule.Days(-1)})
	}
	_, err := schedule.Compile(p)
	if n := strings.Count(err.Error(), "negative duration"); n != 20 {
		t.Errorf("reported %d problems, want the first 20", n)
	}
}
