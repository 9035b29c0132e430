package schedule_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Each difference between Microsoft Project and Primavera P6 on one small
// project, with both answers. Dates are on the Standard calendar from
// Monday 4 January 2027; floats are in working days.

var mon = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)

// wday is the start of working day k after mon (Monday to Friday).
func wday(k int) time.Time {
	return mon.AddDate(0, 0, k/5*7+k%5)
}

func withProfile(p *schedule.Project, name string) *schedule.Project {
	q := *p
	q.Options, _ = schedule.Profile(name)
	return &q
}

func floatDays(t *testing.T, r *schedule.Result, id string) float64 {
	t.Helper()
	tr, ok := r.Lookup(id)
	if !ok {
		t.Fatalf("no task %q", id)
	}
	return float64(tr.TotalFloat) / 480
}

func TestProfileTotalFloat(t *testing.T) {
	// An elapsed task over a weekend: its float counts elapsed time, as
	// Microsoft Project saves it (mspdiduration.xml in the corpus), so its
	// start float and finish float agree though they span different
	// working time.
	p := &schedule.Project{Start: wday(4), Tasks: []schedule.Task{ // Friday
		{ID: "cure", Duration: schedule.ElapsedDays(2)},
		{ID: "long", Duration: schedule.Days(4)},
	}}
	// cure: Fri 08:00 → Sun 08:00; the project ends Wed 17:00 (long), so
	// cure may finish as late as Wed 17:00 and start as late as Mon 17:00:
	// 81 hours either way.
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	for name, r := range map[string]*schedule.Result{"Microsoft Project (smallest)": ms, "P6 (finish float)": p6} {
		if tr, _ := r.Lookup("cure"); tr.TotalFloat != 81*60 {
			t.Errorf("%s: cure float %d minutes, want 81 hours", name, tr.TotalFloat)
		}
	}
}

func TestProfileLagCalendar(t *testing.T) {
	// A one-day lag from a Standard-calendar task to a 24-hour one: on the
	// successor's calendar (Microsoft Project) it is 8 hours round the
	// clock; on the predecessor's (P6) one working day.
	p := &schedule.Project{Start: mon, Tasks: []schedule.Task{
		{ID: "pour", Duration: schedule.Days(1)},
		{ID: "pump", Duration: schedule.Hours(4), Calendar: schedule.TwentyFourHours},
	}, Links: []schedule.Link{{Pred: "pour", Succ: "pump", Lag: schedule.Days(1)}}}
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	if got, _ := ms.Lookup("pump"); !got.Start.Equal(mon.Add(17 * time.Hour)) { // Mon 17:00 + 8 h = Tue 01:00
		t.Errorf("Microsoft Project: pump starts %v, want Tuesday 01:00", got.Start)
	}
	if got, _ := p6.Lookup("pump"); !got.Start.Equal(wday(1).Add(9 * time.Hour)) { // Tue 17:00
		t.Errorf("P6: pump starts %v, want Tuesday 17:00", got.Start)
	}
}

func TestProfileLateConstraint(t *testing.T) {
	// Logic wants "permit" to start on Thursday; it must start no later
	// than Tuesday. Microsoft Project holds it on Tuesday and breaks the
	// link; P6 schedules it by logic with negative float.
	p := &schedule.Project{Start: mon, Tasks: []schedule.Task{
		{ID: "survey", Duration: schedule.Days(3)},
		{ID: "permit", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.SNLT, Date: wday(1)}},
	}, Links: []schedule.Link{{Pred: "survey", Succ: "permit"}}}
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	if got, _ := ms.Lookup("permit"); !got.Start.Equal(wday(1)) || len(ms.Conflicts()) != 1 || ms.Conflicts()[0].Kind != schedule.LinkBroken {
		t.Errorf("Microsoft Project: permit starts %v, conflicts %v; want Tuesday and the link broken", got.Start, ms.Conflicts())
	}
	if got, _ := p6.Lookup("permit"); !got.Start.Equal(wday(3)) || floatDays(t, p6, "permit") != -2 || floatDays(t, p6, "survey") != -2 {
		t.Errorf("P6: permit starts %v with float %g, survey %g; want Thursday, -2d, -2d", got.Start, floatDays(t, p6, "permit"), floatDays(t, p6, "survey"))
	}
}

func TestProfileMandatoryConstraint(t *testing.T) {
	// A lenient Must Start On in the middle (a day of slack before it) and
	// a deadline at the end that is missed by a day: Microsoft Project
	// stops the negative float at the constraint, so t1 keeps its day; P6
	// lets the missed day flow on to t1, which loses it.
	p := &schedule.Project{Start: mon, Tasks: []schedule.Task{
		{ID: "t1", Duration: schedule.Days(2)},
		{ID: "t2", Duration: schedule.Days(2), Constraint: schedule.Constraint{Type: schedule.MSO, Date: wday(3)}},
		{ID: "t3", Duration: schedule.Days(2), Deadline: wday(6)}, // Tuesday 08:00: by Monday's end
	}, Links: []schedule.Link{{Pred: "t1", Succ: "t2"}, {Pred: "t2", Succ: "t3"}}}
	// t2 Thu–Fri, t3 Mon–Tue: a day late for the deadline.
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	for _, c := range []struct {
		r          *schedule.Result
		tool       string
		t1, t2, t3 float64
	}{{ms, "Microsoft Project", 1, 0, -1}, {p6, "P6", 0, -1, -1}} {
		if a, b, d := floatDays(t, c.r, "t1"), floatDays(t, c.r, "t2"), floatDays(t, c.r, "t3"); a != c.t1 || b != c.t2 || d != c.t3 {
			t.Errorf("%s: floats t1 %g t2 %g t3 %g, want %g %g %g", c.tool, a, b, d, c.t1, c.t2, c.t3)
		}
	}
}

func TestProfileSummaryFloat(t *testing.T) {
	// Summary S holds A (float 6d, no successors) and B (critical). From
	// its rolled-up dates (Microsoft Project) S has 2d of float; as the
	// least float of its activities (a P6 WBS band), none.
	p := &schedule.Project{Start: mon, Tasks: []schedule.Task{
		{ID: "X", Duration: schedule.Days(3)},
		{ID: "S"},
		{ID: "A", Parent: "S", Duration: schedule.Days(2)},
		{ID: "B", Parent: "S", Duration: schedule.Days(3)},
		{ID: "Z", Duration: schedule.Days(2)},
	}, Links: []schedule.Link{{Pred: "X", Succ: "B"}, {Pred: "B", Succ: "Z"}}}
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	if got := floatDays(t, ms, "S"); got != 2 {
		t.Errorf("Microsoft Project: S float %gd, want 2d", got)
	}
	if got := floatDays(t, p6, "S"); got != 0 {
		t.Errorf("P6: S float %gd, want 0d", got)
	}
}

func TestLinksFirst(t *testing.T) {
	// Microsoft Project with "tasks will always honor their constraint
	// dates" cleared: the link wins over Must Start On, and the missed
	// date shows as negative float and a conflict.
	p := &schedule.Project{Start: mon, Options: schedule.Options{Constraints: schedule.LinksFirst}, Tasks: []schedule.Task{
		{ID: "a", Duration: schedule.Days(3)},
		{ID: "b", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.MSO, Date: wday(1)}},
	}, Links: []schedule.Link{{Pred: "a", Succ: "b"}}}
	r := mustRun(t, p)
	if got, _ := r.Lookup("b"); !got.Start.Equal(wday(3)) || floatDays(t, r, "b") != -2 {
		t.Errorf("b starts %v with float %g, want Thursday and -2d", got.Start, floatDays(t, r, "b"))
	}
	if cs := r.Conflicts(); len(cs) != 1 || cs[0].Kind != schedule.ConstraintMissed {
		t.Errorf("conflicts %v, want the MSO missed", cs)
	}
}

// A start-no-earlier-than date before the project start: Microsoft
// Project puts the task there (mpxj's assignments-project2002 file saves
// it so); P6 keeps it at the project start.
func TestProfileEarlySNET(t *testing.T) {
	p := &schedule.Project{Start: wday(5), Tasks: []schedule.Task{
		{ID: "early", Duration: schedule.Days(2), Constraint: schedule.Constraint{Type: schedule.SNET, Date: mon}},
	}}
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	if tr, _ := ms.Lookup("early"); !tr.Start.Equal(mon) {
		t.Errorf("Microsoft Project: starts %v, want %v", tr.Start, mon)
	}
	if tr, _ := p6.Lookup("early"); !tr.Start.Equal(wday(5)) {
		t.Errorf("P6: starts %v, want the project start %v", tr.Start, wday(5))
	}
}
