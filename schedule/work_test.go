package schedule_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// workProject is one task, "wall", with masons assigned: the small
// project on which Microsoft Project's documentation shows its task types.
func workProject(typ schedule.TaskType, effortDriven bool) *schedule.Project {
	return &schedule.Project{
		Start: time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC), // a Monday
		Tasks: []schedule.Task{{ID: "wall", Duration: schedule.Days(5), Type: typ, EffortDriven: effortDriven}},
		Resources: []schedule.Resource{
			{ID: "rahim", Type: schedule.WorkResource, StandardRate: 100},
			{ID: "karim", Type: schedule.WorkResource, StandardRate: 100},
			{ID: "bricks", Type: schedule.MaterialResource, StandardRate: 10},
		},
		Assignments: []schedule.Assignment{{Task: "wall", Resource: "rahim", Units: 1}},
	}
}

// shares returns the wall's duration in days and its assignments' units
// and work in hours.
func shares(t *testing.T, r *schedule.Result) (days float64, units, hours []float64) {
	t.Helper()
	for _, a := range r.Assignments(0) {
		if a.Resource == "bricks" {
			continue
		}
		units, hours = append(units, a.Units), append(hours, float64(a.Work)/60)
	}
	return float64(r.Duration(0)) / 480, units, hours
}

func near(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			return false
		}
	}
	return true
}

// TestTaskTypes applies Microsoft Project's task-type rules: which of
// duration, units and work an edit keeps, and how effort-driven tasks
// share their work when resources come and go.
func TestTaskTypes(t *testing.T) {
	second := schedule.Assign{Assignment: schedule.Assignment{Task: "wall", Resource: "karim", Units: 1}}
	cases := []struct {
		name   string
		typ    schedule.TaskType
		effort bool
		edit   schedule.Edit
		days   float64
		units  []float64
		hours  []float64
	}{
		// Before any edit: 5 days at 100 % is 40 hours, whatever the type.
		{"fixed units", schedule.FixedUnits, false, nil, 5, []float64{1}, []float64{40}},
		{"fixed duration", schedule.FixedDuration, false, nil, 5, []float64{1}, []float64{40}},
		{"fixed work", schedule.FixedWork, true, nil, 5, []float64{1}, []float64{40}},
		// A new duration.
		{"fixed units, longer", schedule.FixedUnits, false, schedule.SetDuration{Task: "wall", Duration: schedule.Days(10)}, 10, []float64{1}, []float64{80}},
		{"fixed duration, longer", schedule.FixedDuration, true, schedule.SetDuration{Task: "wall", Duration: schedule.Days(10)}, 10, []float64{1}, []float64{80}},
		{"fixed work, longer", schedule.FixedWork, true, schedule.SetDuration{Task: "wall", Duration: schedule.Days(10)}, 10, []float64{0.5}, []float64{40}},
		// A second mason on an effort-driven task shares the 40 hours.
		{"effort-driven fixed units, second mason", schedule.FixedUnits, true, second, 2.5, []float64{1, 1}, []float64{20, 20}},
		{"effort-driven fixed work, second mason", schedule.FixedWork, true, second, 2.5, []float64{1, 1}, []float64{20, 20}},
		{"effort-driven fixed duration, second mason", schedule.FixedDuration, true, second, 5, []float64{0.5, 0.5}, []float64{20, 20}},
		// Not effort-driven: the second mason brings his own 40 hours.
		{"fixed units, second mason", schedule.FixedUnits, false, second, 5, []float64{1, 1}, []float64{40, 40}},
		{"fixed duration, second mason", schedule.FixedDuration, false, second, 5, []float64{1, 1}, []float64{40, 40}},
		// A material changes no work.
		{"effort-driven, bricks", schedule.FixedUnits, true, schedule.Assign{Assignment: schedule.Assignment{Task: "wall", Resource: "bricks", Units: 500}}, 5, []float64{1}, []float64{40}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ed, err := schedule.NewEditor(workProject(c.typ, c.effort))
			if err != nil {
				t.Fatal(err)
			}
			if c.edit != nil {
				if _, err := ed.Apply(c.edit); err != nil {
					t.Fatal(err)
				}
			}
			days, units, hours := shares(t, ed.Result())
			if days != c.days || !near(units, c.units) || !near(hours, c.hours) {
				t.Errorf("%v days, units %v, work %v h; want %v days, units %v, work %v h", days, units, hours, c.days, c.units, c.hours)
			}
			// The edited project, scheduled afresh, agrees.
			r, err := schedule.Run(ed.Project())
			if err != nil {
				t.Fatal(err)
			}
			if d2, u2, h2 := shares(t, r); d2 != days || !near(u2, units) || !near(h2, hours) {
				t.Errorf("rescheduled: %v days, units %v, work %v h", d2, u2, h2)
			}
		})
	}
}

// TestEffortDrivenUnassign takes the second mason off again: the first
// takes up all the work.
func TestEffortDrivenUnassign(t *testing.T) {
	p := workProject(schedule.FixedUnits, true)
	p.Assignments = append(p.Assignments, schedule.Assignment{Task: "wall", Resource: "karim", Units: 1})
	p.Tasks[0].Work = schedule.Hours(40)
	ed, err := schedule.NewEditor(p)
	if err != nil {
		t.Fatal(err)
	}
	if days, _, hours := shares(t, ed.Result()); days != 2.5 || !near(hours, []float64{20, 20}) {
		t.Fatalf("two masons: %v days, %v h", days, hours)
	}
	if _, err := ed.Apply(schedule.Unassign{Task: "wall", Resource: "karim"}); err != nil {
		t.Fatal(err)
	}
	if days, _, hours := shares(t, ed.Result()); days != 5 || !near(hours, []float64{40}) {
		t.Errorf("one mason left: %v days, %v h; want 5 days, 40 h", days, hours)
	}
	if tr := ed.Result().Task(0); tr.Work != 40*60 || tr.Cost != 4000 {
		t.Errorf("work %d min, cost %v; want 2400 min, 4000", tr.Work, tr.Cost)
	}
}

// TestWorkGiven resolves work given on the task or per assignment.
func TestWorkGiven(t *testing.T) {
	p := workProject(schedule.FixedUnits, false)
	p.Assignments = append(p.Assignments, schedule.Assignment{Task: "wall", Resource: "karim", Units: 0.5, Work: schedule.Hours(30)})
	p.Assignments[0].Work = schedule.Hours(16)
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	// Karim at half time needs 60 working hours for his 30: the task's
	// duration is the longer assignment, 7.5 days.
	if days, units, hours := shares(t, r); days != 7.5 || !near(units, []float64{1, 0.5}) || !near(hours, []float64{16, 30}) {
		t.Errorf("%v days, units %v, work %v h", days, units, hours)
	}
	p.Tasks[0].Type = schedule.FixedDuration // the 5 days stand: units follow
	r, err = schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	if days, units, hours := shares(t, r); days != 5 || !near(units, []float64{0.4, 0.75}) || !near(hours, []float64{16, 30}) {
		t.Errorf("fixed duration: %v days, units %v, work %v h", days, units, hours)
	}
}

func TestWorkErrors(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *schedule.Project)
		field string
	}{
		{"work without a work resource", func(p *schedule.Project) {
			p.Assignments = []schedule.Assignment{{Task: "wall", Resource: "bricks", Units: 1}}
			p.Tasks[0].Work = schedule.Hours(8)
		}, "work"},
		{"work totals disagree", func(p *schedule.Project) {
			p.Tasks[0].Work = schedule.Hours(8)
			p.Assignments[0].Work = schedule.Hours(9)
		}, "work"},
		{"work at zero units", func(p *schedule.Project) {
			p.Assignments[0].Work, p.Assignments[0].Units = schedule.Hours(9), 0
		}, "assignments[0].work"},
		{"elapsed work", func(p *schedule.Project) { p.Tasks[0].Work = schedule.ElapsedDays(1) }, "work"},
		{"negative work", func(p *schedule.Project) { p.Assignments[0].Work = schedule.Hours(-1) }, "assignments[0].work"},
		{"negative fixed cost", func(p *schedule.Project) { p.Tasks[0].FixedCost = -1 }, "fixed_cost"},
		{"no shared working time", func(p *schedule.Project) {
			p.Tasks[0].Calendar = schedule.NightShift
		}, "calendar"},
	}
	for _, c := range cases {
		p := workProject(schedule.FixedUnits, false)
		c.edit(p)
		_, err := schedule.Run(p)
		var ie *schedule.InputError
		if !errors.As(err, &ie) || ie.Task != "wall" || ie.Field != c.field {
			t.Errorf("%s: %v; want an error on task wall, field %s", c.name, err, c.field)
		}
	}
}

// TestResourceCalendars schedules a task on its calendar intersected with
// its resources' calendars, unless told to ignore them.
func TestResourceCalendars(t *testing.T) {
	p := workProject(schedule.FixedUnits, false)
	p.Start = time.Date(2027, 3, 4, 8, 0, 0, 0, time.UTC) // a Thursday
	p.Tasks[0].Duration = schedule.Days(3)
	p.Resources[0].Calendar = schedule.SundayThursday
	finish := func() (time.Time, string) {
		t.Helper()
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		return r.Task(0).Finish, r.Network().Calendar(0)
	}
	// Task on the project's Standard week, mason on Sunday–Thursday: the
	// mason's calendar alone (as Microsoft Project schedules an assignment
	// on its resource's calendar): Thu 4, Sun 7, Mon 8.
	if f, cal := finish(); !f.Equal(time.Date(2027, 3, 8, 17, 0, 0, 0, time.UTC)) || cal != schedule.SundayThursday {
		t.Errorf("resource calendar: finish %v on %q", f, cal)
	}
	// With its own Standard calendar the task works Monday to Thursday
	// only: Thu 4, Mon 8, Tue 9.
	p.Tasks[0].Calendar = schedule.Standard
	if f, cal := finish(); !f.Equal(time.Date(2027, 3, 9, 17, 0, 0, 0, time.UTC)) || cal != schedule.Standard+" ∩ "+schedule.SundayThursday {
		t.Errorf("intersection: finish %v on %q", f, cal)
	}
	// Ignoring resource calendars: Thu 4, Fri 5, Mon 8.
	p.Tasks[0].IgnoreResourceCalendars = true
	if f, cal := finish(); !f.Equal(time.Date(2027, 3, 8, 17, 0, 0, 0, time.UTC)) || cal != "" {
		t.Errorf("ignored: finish %v on %q", f, cal)
	}
}

// TestWorkProperties checks, on random projects, that each work
// assignment's work is its units over the task's duration at most, and
// that the longest one fills the duration exactly; and that a summary's
// work and cost are its subtasks'.
func TestWorkProperties(t *testing.T) {
	checked := 0
	for seed := range uint64(300) {
		p := randnet.Project(randnet.Config{Tasks: 2 + int(seed%50), Mixed: true, Seed: seed})
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		types := map[string]schedule.ResourceType{}
		for _, res := range p.Resources {
			types[res.ID] = res.Type
		}
		for i, tr := range r.Tasks() {
			if tr.Summary {
				continue
			}
			d := float64(r.Duration(i))
			if tk := p.Tasks[i]; tk.Duration.Elapsed || tr.Milestone || !tk.ActualStart.IsZero() {
				continue
			}
			fill, sum := 0.0, int64(0)
			for _, a := range r.Assignments(i) {
				if types[a.Resource] != schedule.WorkResource {
					continue
				}
				sum += a.Work
				if full := d * a.Units; float64(a.Work) > full+1 {
					t.Errorf("seed %d: %s: %s works %d minutes, more than %v units over %v minutes", seed, tr.ID, a.Resource, a.Work, a.Units, d)
				} else {
					fill = max(fill, float64(a.Work)-full)
				}
				checked++
			}
			if sum > 0 && math.Abs(fill) > 1 {
				t.Errorf("seed %d: %s: no assignment fills its %v minutes", seed, tr.ID, d)
			}
			if sum != tr.Work {
				t.Errorf("seed %d: %s: work %d, assignments' %d", seed, tr.ID, tr.Work, sum)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	if checked < 500 {
		t.Errorf("only %d assignments checked", checked)
	}
}

// Microsoft Project counts the slack of a task its resource schedules
// round the clock in the project's working days; P6 on the calendar the
// task works on.
func TestFloatCalendar(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2027, 1, d, h, 0, 0, 0, time.UTC) }
	p := &schedule.Project{Name: "p", Start: at(4, 8),
		Resources:   []schedule.Resource{{ID: "R", Calendar: schedule.TwentyFourHours}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "R", Units: 1}},
		Tasks:       []schedule.Task{{ID: "A", Duration: schedule.Days(2)}, {ID: "B", Duration: schedule.Days(5)}}}
	for _, c := range []struct {
		mode schedule.FloatCalendarMode
		want int64
	}{
		{schedule.FloatTaskCalendar, 4 * 480}, // Mon 24:00 (Mon 17:00) to Fri 17:00 on the project's calendar
		{schedule.FloatWorkCalendar, 89 * 60}, // Tue 00:00 to Fri 17:00 round the clock
	} {
		p.Options.FloatCalendar = c.mode
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := r.Lookup("A")
		if !a.EarlyFinish.Equal(at(5, 0)) || a.TotalFloat != c.want || a.FreeFloat != c.want {
			t.Errorf("%v: A finishes %v with float %d (free %d); want %v, %d", c.mode, a.EarlyFinish, a.TotalFloat, a.FreeFloat, at(5, 0), c.want)
		}
	}
	if o := schedule.P6Options(); o.FloatCalendar != schedule.FloatWorkCalendar {
		t.Errorf("P6 counts float on %v", o.FloatCalendar)
	}
}
