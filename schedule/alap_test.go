package schedule_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

func TestALAP(t *testing.T) {
	// B (1d) feeds C with a 2-day margin against A (3d); placed as late as
	// possible it starts Wednesday and keeps its float (counted from
	// Monday); its successor D, which had two days of float, is pushed to
	// Thursday with it and has none left.
	p := &schedule.Project{Start: mon, Tasks: []schedule.Task{
		{ID: "A", Duration: schedule.Days(3)},
		{ID: "B", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.ALAP}},
		{ID: "C", Duration: schedule.Days(1)},
		{ID: "D", Duration: schedule.Days(1)},
	}, Links: []schedule.Link{{Pred: "A", Succ: "C"}, {Pred: "B", Succ: "C"}, {Pred: "B", Succ: "D"}}}
	r := mustRun(t, p)
	b, _ := r.Lookup("B")
	if !b.Start.Equal(wday(2)) || !b.EarlyStart.Equal(wday(0)) || !b.LateStart.Equal(wday(2)) || b.TotalFloat != 2*480 {
		t.Errorf("B: start %v early %v late %v float %d; want Wednesday, Monday, Wednesday, 2d", b.Start, b.EarlyStart, b.LateStart, b.TotalFloat)
	}
	if d, _ := r.Lookup("D"); !d.Start.Equal(wday(3)) || d.TotalFloat != 0 {
		t.Errorf("D: start %v float %d; want Thursday, 0", d.Start, d.TotalFloat)
	}
	i, _ := r.Network().Index("B")
	if x := r.Explain(i); len(x.Early) != 1 || x.Early[0].Kind != schedule.AsLateAsPossible {
		t.Errorf("B is explained by %v", x.Early)
	}
}

func TestManualTask(t *testing.T) {
	// "crane" is pinned to Tuesday though its predecessor runs to
	// Wednesday: it stays, the link is reported, and its successor follows
	// the pinned dates.
	p := &schedule.Project{Start: mon, Tasks: []schedule.Task{
		{ID: "base", Duration: schedule.Days(3)},
		{ID: "crane", Duration: schedule.Days(2), Manual: true, Start: wday(1)},
		{ID: "lift", Duration: schedule.Days(1)},
	}, Links: []schedule.Link{{Pred: "base", Succ: "crane"}, {Pred: "crane", Succ: "lift"}}}
	r := mustRun(t, p)
	if c, _ := r.Lookup("crane"); !c.Start.Equal(wday(1)) {
		t.Errorf("crane starts %v, want its pinned Tuesday", c.Start)
	}
	if l, _ := r.Lookup("lift"); !l.Start.Equal(wday(3)) {
		t.Errorf("lift starts %v, want Thursday", l.Start)
	}
	cs := r.Conflicts()
	if len(cs) != 1 || cs[0].Kind != schedule.LinkBroken || cs[0].Link.Pred != "base" {
		t.Errorf("conflicts %v, want base→crane broken", cs)
	}
	i, _ := r.Network().Index("crane")
	if x := r.Explain(i); len(x.Early) != 1 || x.Early[0].Kind != schedule.ByManual {
		t.Errorf("crane is explained by %v", x.Early)
	}
}

func TestScheduleFromFinish(t *testing.T) {
	// Backward from Friday 15 January 17:00: everything as late as
	// possible; the start is worked out; a task with float sits at its
	// late dates and keeps its float.
	p := &schedule.Project{FromFinish: true, Finish: wday(9).Add(9 * time.Hour), Tasks: []schedule.Task{
		{ID: "design", Duration: schedule.Days(4)},
		{ID: "permit", Duration: schedule.Days(2)},
		{ID: "build", Duration: schedule.Days(5)},
		{ID: "signage", Duration: schedule.Days(1)},
	}, Links: []schedule.Link{{Pred: "design", Succ: "permit"}, {Pred: "permit", Succ: "build"}, {Pred: "design", Succ: "signage"}}}
	r := mustRun(t, p)
	jan1 := time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC) // 11 working days back: Friday 1 January
	if !r.Start().Equal(jan1) {
		t.Errorf("start %v, want Friday 1 January 08:00", r.Start())
	}
	if !r.Finish().Equal(wday(9).Add(9 * time.Hour)) {
		t.Errorf("finish %v", r.Finish())
	}
	want := map[string]time.Time{"design": jan1, "permit": wday(3), "build": wday(5), "signage": wday(9)}
	for id, start := range want {
		if tr, _ := r.Lookup(id); !tr.Start.Equal(start) {
			t.Errorf("%s starts %v, want %v", id, tr.Start, start)
		}
	}
	if s, _ := r.Lookup("signage"); s.TotalFloat != 6*480 || !s.EarlyStart.Equal(wday(3)) {
		t.Errorf("signage float %d early %v; want 6d from Thursday", s.TotalFloat, s.EarlyStart)
	}
	// A start constraint still holds in a backward schedule.
	p.Tasks[2].Constraint = schedule.Constraint{Type: schedule.SNET, Date: wday(6)}
	r = mustRun(t, p)
	if b, _ := r.Lookup("build"); !b.Start.Equal(wday(6)) {
		t.Errorf("build starts %v, want its SNET Tuesday", b.Start)
	}
}

// Under P6's ALAP a task goes only as late as delays no successor's early
// dates (its free float); under Microsoft Project's it goes to its late
// dates and takes its successors with it.
func TestALAPFreeFloat(t *testing.T) {
	mon := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	day := func(k int) time.Time { return mon.AddDate(0, 0, k) }
	build := func(mode schedule.ALAPMode) *schedule.Project {
		return &schedule.Project{Start: mon, Options: schedule.Options{ALAP: mode}, Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(2), Constraint: schedule.Constraint{Type: schedule.ALAP}},
			{ID: "D", Duration: schedule.Days(1)},
			{ID: "B", Duration: schedule.Days(5)},
			{ID: "C", Duration: schedule.Days(1)},
			{ID: "E", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.ALAP}}, // an open end
		}, Links: []schedule.Link{{Pred: "A", Succ: "D"}, {Pred: "D", Succ: "C"}, {Pred: "B", Succ: "C"}}}
	}
	for _, c := range []struct {
		mode           schedule.ALAPMode
		aStart, dStart time.Time
	}{
		{schedule.ALAPTotalFloat, day(2), day(4)},
		{schedule.ALAPFreeFloat, day(0), day(2)},
	} {
		r, err := schedule.Run(build(c.mode))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := r.Lookup("A")
		d, _ := r.Lookup("D")
		e, _ := r.Lookup("E")
		if !a.Start.Equal(c.aStart) || !d.Start.Equal(c.dStart) {
			t.Errorf("%v: A starts %v, D %v; want %v and %v", c.mode, a.Start, d.Start, c.aStart, c.dStart)
		}
		if !e.Finish.Equal(r.Finish()) || a.TotalFloat != 2*480 {
			t.Errorf("%v: the open-ended E finishes %v (project %v); A's float %d, want 960", c.mode, e.Finish, r.Finish(), a.TotalFloat)
		}
	}
}

// An ALAP task inside a summary that has successors goes no later than
// what follows the summary allows, under either placement: it never
// delays the project.
func TestALAPInsideLinkedSummary(t *testing.T) {
	for _, o := range []schedule.ALAPMode{schedule.ALAPTotalFloat, schedule.ALAPFreeFloat} {
		p := &schedule.Project{Start: mon, Options: schedule.Options{ALAP: o},
			Tasks: []schedule.Task{{ID: "S"}, {ID: "A", Parent: "S", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.ALAP}},
				{ID: "C", Parent: "S", Duration: schedule.Days(2)}, {ID: "X", Duration: schedule.Days(5)}},
			Links: []schedule.Link{{Pred: "S", Succ: "X"}}}
		r := mustRun(t, p)
		a, _ := r.Lookup("A")
		if want := wday(6).Add(9 * time.Hour); !r.Finish().Equal(want) || !a.Finish.Equal(wday(1).Add(9*time.Hour)) {
			t.Errorf("%v: project finishes %v, A %v; want %v and A with C on day 2", o, r.Finish(), a.Finish, want)
		}
	}
}

// Under P6's rules a link from an ALAP task to a complete task bounds
// nothing (the complete task's logic does not hold work before it back
// to the project finish): V is placed where it is without the link.
func TestALAPLinkToCompleteTask(t *testing.T) {
	place := func(withLink bool) time.Time {
		p := &schedule.Project{Start: mon, StatusDate: wday(2), Options: schedule.P6Options(), Tasks: []schedule.Task{
			{ID: "C", Duration: schedule.Days(1), ActualStart: wday(0), ActualFinish: wday(0).Add(9 * time.Hour), PercentComplete: 100},
			{ID: "V", Duration: schedule.Days(5), Constraint: schedule.Constraint{Type: schedule.ALAP}},
			{ID: "X", Duration: schedule.Days(10)},
			{ID: "U", Duration: schedule.Days(1)},
		}, Links: []schedule.Link{{Pred: "X", Succ: "U"}, {Pred: "V", Succ: "U", Type: schedule.SS}}}
		if withLink {
			p.Links = append(p.Links, schedule.Link{Pred: "V", Succ: "C"})
		}
		v, _ := mustRun(t, p).Lookup("V")
		return v.Start
	}
	if with, without := place(true), place(false); !with.Equal(without) {
		t.Errorf("V starts %v with a link to the complete task, %v without", with, without)
	}
}
