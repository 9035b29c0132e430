package schedule_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// progressProject: A is 40 % done, B started out of sequence (before A
// finished) and is 25 % done, C has not started; status at the start of
// Thursday 7 January.
func progressProject(mode schedule.ProgressMode) *schedule.Project {
	return &schedule.Project{
		Start: mon, StatusDate: wday(3),
		Options: schedule.Options{Progress: mode},
		Resources: []schedule.Resource{
			{ID: "crew", StandardRate: 100},
			{ID: "cement", Type: schedule.MaterialResource, StandardRate: 50},
		},
		Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(5), ActualStart: wday(0), PercentComplete: 40},
			{ID: "B", Duration: schedule.Days(4), ActualStart: wday(2), PercentComplete: 25},
			{ID: "C", Duration: schedule.Days(2)},
		},
		Links:       []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "B", Succ: "C"}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "crew", Units: 1}, {Task: "C", Resource: "cement", Units: 10}},
	}
}

func TestProgressModes(t *testing.T) {
	end := func(k int) time.Time { return wday(k).Add(9 * time.Hour) } // 17:00 on working day k
	for _, c := range []struct {
		mode       schedule.ProgressMode
		aF, bF, cS time.Time
		why        string
	}{
		// Remaining work follows on from the work done (Microsoft Project).
		{schedule.ActualDates, end(4), end(5), wday(6), "A: Mon–Tue done, Wed–Fri left; B: Wed done, Thu–Mon left"},
		// Nothing before the status date, and B's rest waits for A.
		{schedule.RetainedLogic, end(5), end(8), wday(9), "A: Thu–Mon; B: Tue–Thu after A; C: from Friday"},
		// Nothing before the status date; B goes on regardless of A.
		{schedule.ProgressOverride, end(5), end(5), wday(6), "A and B: Thu–Mon; C: from Tuesday"},
	} {
		r := mustRun(t, progressProject(c.mode))
		a, _ := r.Lookup("A")
		b, _ := r.Lookup("B")
		cc, _ := r.Lookup("C")
		if !a.Finish.Equal(c.aF) || !b.Finish.Equal(c.bF) || !cc.Start.Equal(c.cS) {
			t.Errorf("%v: A finishes %v, B %v, C starts %v; want %v, %v, %v (%s)", c.mode, a.Finish, b.Finish, cc.Start, c.aF, c.bF, c.cS, c.why)
		}
		if !a.Start.Equal(wday(0)) || !b.Start.Equal(wday(2)) {
			t.Errorf("%v: started tasks start %v and %v, not on their actual starts", c.mode, a.Start, b.Start)
		}
		cs := r.Conflicts()
		if len(cs) != 1 || cs[0].Kind != schedule.OutOfSequence || cs[0].Task != "B" {
			t.Errorf("%v: conflicts %v, want B out of sequence", c.mode, cs)
		}
	}
}

func TestProgressProfiles(t *testing.T) {
	// The same report under each tool's defaults: P6 keeps B's remaining
	// work behind A; Microsoft Project lets it run on.
	p := progressProject(schedule.ActualDates)
	ms, p6 := mustRun(t, withProfile(p, "msproject")), mustRun(t, withProfile(p, "p6"))
	if b, _ := ms.Lookup("B"); !b.Finish.Equal(wday(5).Add(9 * time.Hour)) {
		t.Errorf("Microsoft Project: B finishes %v", b.Finish)
	}
	if b, _ := p6.Lookup("B"); !b.Finish.Equal(wday(8).Add(9 * time.Hour)) {
		t.Errorf("P6: B finishes %v", b.Finish)
	}
}

func TestProgressRollUp(t *testing.T) {
	r := mustRun(t, progressProject(schedule.RetainedLogic))
	got := r.ProjectProgress()
	// duration: (2 + 1 + 0) / (5 + 4 + 2) days; work: A's 40 h crew, 40 %
	// done; cost: A 4,000 (40 % done) and C's cement 10/day × 2 × 50.
	want := schedule.Progress{ByDuration: 300.0 / 11, ByWork: 40, ByCost: 32}
	if math.Abs(got.ByDuration-want.ByDuration) > 1e-9 || math.Abs(got.ByWork-want.ByWork) > 1e-9 || math.Abs(got.ByCost-want.ByCost) > 1e-9 {
		t.Errorf("project progress %+v, want %+v", got, want)
	}
	if a, _ := r.Lookup("A"); a.PercentComplete != 40 {
		t.Errorf("A %v%%", a.PercentComplete)
	}
}

func TestProgressFinishedAndFloat(t *testing.T) {
	p := progressProject(schedule.RetainedLogic)
	p.Tasks[0].ActualFinish = wday(1).Add(9 * time.Hour) // A done Tuesday evening
	r := mustRun(t, p)
	a, _ := r.Lookup("A")
	if a.TotalFloat != 0 || !a.Finish.Equal(wday(1).Add(9*time.Hour)) || a.PercentComplete != 100 {
		t.Errorf("finished A: finish %v float %d %v%%", a.Finish, a.TotalFloat, a.PercentComplete)
	}
	// B (in progress, 3 days left from Thursday) now runs Thu–Mon.
	if b, _ := r.Lookup("B"); !b.Finish.Equal(wday(5).Add(9 * time.Hour)) {
		t.Errorf("B finishes %v", b.Finish)
	}
	if cs := r.Conflicts(); len(cs) != 0 {
		t.Errorf("conflicts %v: B started after A finished", cs)
	}
	i, _ := r.Network().Index("A")
	if x := r.Explain(i); x.Early[0].Kind != schedule.ByActual || x.Late[0].Kind != schedule.ByActual {
		t.Errorf("A explained by %v / %v", x.Early, x.Late)
	}
}

// Progress recorded after the status date (P6 files carry it when work
// was entered after the last schedule run) is kept: a finished task keeps
// its actual dates, and a task in progress resumes no earlier than its
// actual start — at it with retained logic or progress override, as P6
// does, after the work done otherwise.
func TestProgressAfterStatusDate(t *testing.T) {
	end := func(k int) time.Time { return wday(k).Add(9 * time.Hour) }
	for _, c := range []struct {
		mode    schedule.ProgressMode
		xFinish time.Time
	}{
		{schedule.RetainedLogic, end(7)},
		{schedule.ProgressOverride, end(7)},
		{schedule.ActualDates, end(8)},
	} {
		p := &schedule.Project{Start: mon, StatusDate: wday(3), Options: schedule.Options{Progress: c.mode},
			Tasks: []schedule.Task{
				{ID: "X", Duration: schedule.Days(4), ActualStart: wday(5), PercentComplete: 25},
				{ID: "Z", Duration: schedule.Days(1), ActualStart: wday(4), ActualFinish: end(5)},
				{ID: "After", Duration: schedule.Days(1)},
			},
			Links: []schedule.Link{{Pred: "X", Succ: "After"}},
		}
		r := mustRun(t, p)
		x, _ := r.Lookup("X")
		z, _ := r.Lookup("Z")
		after, _ := r.Lookup("After")
		if !x.Start.Equal(wday(5)) || !x.Finish.Equal(c.xFinish) || !after.Start.Equal(c.xFinish.Add(15*time.Hour)) {
			t.Errorf("%v: X %v–%v, After from %v; want %v–%v, then the next morning", c.mode, x.Start, x.Finish, after.Start, wday(5), c.xFinish)
		}
		if !z.Start.Equal(wday(4)) || !z.Finish.Equal(end(5)) {
			t.Errorf("%v: Z %v–%v, want its actual dates", c.mode, z.Start, z.Finish)
		}
	}
}

func TestProgressErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(p *schedule.Project)
		want   string
	}{
		{"finish before start", func(p *schedule.Project) { p.Tasks[0].ActualFinish = mon.Add(-time.Hour) }, `task "A": actual_finish`},
		{"finish without start", func(p *schedule.Project) { p.Tasks[2].ActualFinish = wday(1) }, `task "C": actual_finish: an actual finish needs an actual start`},
		{"percent", func(p *schedule.Project) { p.Tasks[0].PercentComplete = 140 }, `task "A": percent_complete: 140`},
		{"percent without start", func(p *schedule.Project) { p.Tasks[2].PercentComplete = 10 }, `task "C": actual_start: progress needs an actual start`},
		{"no status date", func(p *schedule.Project) { p.StatusDate = time.Time{} }, `task "A": actual_start: in progress, its remaining work needs a status date to start from: the project has no status date`},
		{"negative remaining", func(p *schedule.Project) { p.Tasks[0].Remaining = new(schedule.Days(-1)) }, `task "A": remaining`},
	} {
		p := progressProject(schedule.RetainedLogic)
		c.change(p)
		_, err := schedule.Compile(p)
		if _, ok := errors.AsType[*schedule.InputError](err); !ok || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an InputError mentioning %q", c.name, err, c.want)
		}
		if c.name == "no status date" && !errors.Is(err, schedule.ErrNoStatusDate) {
			t.Errorf("%s: %v, want ErrNoStatusDate", c.name, err)
		}
	}
}
