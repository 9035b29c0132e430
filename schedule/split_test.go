package schedule_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// day returns 2027-01-d at h:00 UTC; 4 January 2027 is a Monday.
func day(d, h int) time.Time { return time.Date(2027, 1, d, h, 0, 0, 0, time.UTC) }

// seg is a segment from day a at ah:00 to day b at bh:00.
func seg(a, ah, b, bh int, done bool) schedule.Segment {
	return schedule.Segment{Start: day(a, ah), Finish: day(b, bh), Done: done}
}

// splitProject is A (4 days, masons on it) then B (1 day), on the
// Standard Monday–Friday calendar from Monday 4 January 2027.
func splitProject(splits ...schedule.Split) *schedule.Project {
	return &schedule.Project{
		Start: day(4, 8),
		Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(4), Splits: splits},
			{ID: "B", Duration: schedule.Days(1)},
		},
		Links:       []schedule.Link{{Pred: "A", Succ: "B"}},
		Resources:   []schedule.Resource{{ID: "masons", StandardRate: 100}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "masons", Units: 1}},
	}
}

func runSplit(t *testing.T, p *schedule.Project) *schedule.Result {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSplits checks split tasks worked out by hand: the pauses count in
// the task's working time, the finish moves by them, the work and cost
// do not.
func TestSplits(t *testing.T) {
	cases := []struct {
		name   string
		p      *schedule.Project
		want   []schedule.Segment
		bStart time.Time
	}{{
		name:   "no split",
		p:      splitProject(),
		want:   []schedule.Segment{seg(4, 8, 7, 17, false)},
		bStart: day(8, 8),
	}, {
		// Mon–Tue, Wednesday off, Thu–Fri: B waits until Monday.
		name:   "one day off after two",
		p:      splitProject(schedule.Split{At: schedule.Days(2), Gap: schedule.Days(1)}),
		want:   []schedule.Segment{seg(4, 8, 5, 17, false), seg(7, 8, 8, 17, false)},
		bStart: day(11, 8),
	}, {
		// Two pauses: Monday afternoon off; then, after 3 days of work
		// (Thursday noon), 2 working days off over the weekend: Thursday
		// afternoon, Friday, Monday morning.
		name: "two pauses over a weekend",
		p: splitProject(schedule.Split{At: schedule.Hours(4), Gap: schedule.Hours(4)},
			schedule.Split{At: schedule.Days(3), Gap: schedule.Days(2)}),
		want:   []schedule.Segment{seg(4, 8, 4, 12, false), seg(5, 8, 7, 12, false), seg(11, 13, 12, 12, false)},
		bStart: day(12, 13),
	}, {
		name:   "a split past the end pauses nothing",
		p:      splitProject(schedule.Split{At: schedule.Days(4), Gap: schedule.Days(3)}),
		want:   []schedule.Segment{seg(4, 8, 7, 17, false)},
		bStart: day(8, 8),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runSplit(t, c.p)
			if got := r.Segments(0); !slices.Equal(got, c.want) {
				t.Errorf("segments %v, want %v", got, c.want)
			}
			a, b := r.Task(0), r.Task(1)
			if !a.Finish.Equal(c.want[len(c.want)-1].Finish) || !b.Start.Equal(c.bStart) {
				t.Errorf("A finishes %v, B starts %v; want %v, %v", a.Finish, b.Start, c.want[len(c.want)-1].Finish, c.bStart)
			}
			if r.Duration(0) != 4*480 || a.Work != 4*480 || a.Cost != 3200 {
				t.Errorf("duration %d, work %d, cost %v: want 1920, 1920, 3200 whatever the splits", r.Duration(0), a.Work, a.Cost)
			}
			if got := r.Segments(1); len(got) != 1 || !got[0].Start.Equal(c.bStart) {
				t.Errorf("B's segments %v", got)
			}
		})
	}
}

// TestSplitLinks checks that links bind a split task's ends: a
// finish-to-finish successor finishes with the last segment, a
// start-to-start one starts with the first; and that a split task's float
// and a percent lag count its duration, not its pauses.
func TestSplitLinks(t *testing.T) {
	p := splitProject(schedule.Split{At: schedule.Days(2), Gap: schedule.Days(1)})
	p.Tasks = append(p.Tasks, schedule.Task{ID: "C", Duration: schedule.Days(1)}, schedule.Task{ID: "D", Duration: schedule.Days(1)},
		schedule.Task{ID: "E", Duration: schedule.Days(1)})
	p.Links = append(p.Links, schedule.Link{Pred: "A", Succ: "C", Type: schedule.FF}, schedule.Link{Pred: "A", Succ: "D", Type: schedule.SS},
		schedule.Link{Pred: "A", Succ: "E", Lag: schedule.PercentOf(50)})
	r := runSplit(t, p)
	c, d, e := r.Task(2), r.Task(3), r.Task(4)
	if !c.Finish.Equal(day(8, 17)) || !d.Start.Equal(day(4, 8)) {
		t.Errorf("FF successor finishes %v (want Fri 8 17:00), SS successor starts %v (want Mon 4 08:00)", c.Finish, d.Start)
	}
	// 50 % of 4 days is 2 days after A's finish on Friday: Wednesday 13.
	if !e.Start.Equal(day(13, 8)) {
		t.Errorf("percent lag: E starts %v, want Wed 13 08:00", e.Start)
	}
	// A split moves the whole task: pushed by a constraint to Tuesday,
	// its pause moves with it.
	p.Tasks[0].Constraint = schedule.Constraint{Type: schedule.SNET, Date: day(5, 8)}
	r = runSplit(t, p)
	if got, want := r.Segments(0), []schedule.Segment{seg(5, 8, 6, 17, false), seg(8, 8, 11, 17, false)}; !slices.Equal(got, want) {
		t.Errorf("moved: segments %v, want %v", got, want)
	}
}

// TestSplitProgress checks a split task in progress: the split inside the
// work done is history, the one after it delays the remaining work, and
// the segments say which work is done.
func TestSplitProgress(t *testing.T) {
	p := splitProject(schedule.Split{At: schedule.Days(1), Gap: schedule.Days(1)}, schedule.Split{At: schedule.Days(3), Gap: schedule.Days(2)})
	p.StatusDate = day(7, 8)
	p.Tasks[0].ActualStart, p.Tasks[0].PercentComplete = day(4, 8), 50
	r := runSplit(t, p)
	// Done: Monday, then (after Tuesday off) Wednesday. To do: Thursday,
	// then (off Friday and Monday) Tuesday 12.
	want := []schedule.Segment{seg(4, 8, 4, 17, true), seg(6, 8, 6, 17, true), seg(7, 8, 7, 17, false), seg(12, 8, 12, 17, false)}
	if got := r.Segments(0); !slices.Equal(got, want) {
		t.Errorf("segments %v, want %v", got, want)
	}
	if b := r.Task(1); !b.Start.Equal(day(13, 8)) {
		t.Errorf("B starts %v, want Wed 13 08:00", b.Start)
	}
	// Under retained logic the remaining work resumes at the status date:
	// Thursday 7 still, as the work done reached it.
	p.Options.Progress = schedule.RetainedLogic
	if got := runSplit(t, p).Segments(0); !slices.Equal(got, want) {
		t.Errorf("retained logic: segments %v, want %v", got, want)
	}
	// Finished: the actual dates hold; the segments end at the actual
	// finish.
	p.Tasks[0].ActualFinish, p.Tasks[0].PercentComplete = day(6, 17), 100
	p.StatusDate = day(8, 8)
	r = runSplit(t, p)
	want = []schedule.Segment{seg(4, 8, 4, 17, true), seg(6, 8, 6, 17, true)}
	if got := r.Segments(0); !slices.Equal(got, want) || !r.Task(0).Finish.Equal(day(6, 17)) {
		t.Errorf("finished: segments %v (want %v), finish %v", got, want, r.Task(0).Finish)
	}
}

// TestSplitElapsed checks that an elapsed task pauses in elapsed time.
func TestSplitElapsed(t *testing.T) {
	p := splitProject(schedule.Split{At: schedule.ElapsedDays(1), Gap: schedule.ElapsedDays(1)})
	p.Tasks[0].Duration = schedule.ElapsedDays(3)
	r := runSplit(t, p)
	want := []schedule.Segment{seg(4, 8, 5, 8, false), seg(6, 8, 8, 8, false)}
	if got := r.Segments(0); !slices.Equal(got, want) {
		t.Errorf("segments %v, want %v", got, want)
	}
}

// TestSplitErrors checks that bad splits are rejected with the task and
// the field named.
func TestSplitErrors(t *testing.T) {
	d := schedule.Days
	cases := []struct {
		name  string
		edit  func(p *schedule.Project)
		field string
		want  error
	}{
		{"zero gap", func(p *schedule.Project) { p.Tasks[0].Splits = []schedule.Split{{At: d(1), Gap: d(0)}} }, "splits[0].gap", schedule.ErrBadValue},
		{"at zero", func(p *schedule.Project) { p.Tasks[0].Splits = []schedule.Split{{At: d(0), Gap: d(1)}} }, "splits[0].at", schedule.ErrBadValue},
		{"negative gap", func(p *schedule.Project) { p.Tasks[0].Splits = []schedule.Split{{At: d(1), Gap: d(-1)}} }, "splits[0].gap", schedule.ErrBadValue},
		{"out of order", func(p *schedule.Project) {
			p.Tasks[0].Splits = []schedule.Split{{At: d(2), Gap: d(1)}, {At: d(1), Gap: d(1)}}
		}, "splits[1].at", schedule.ErrBadValue},
		{"percent", func(p *schedule.Project) {
			p.Tasks[0].Splits = []schedule.Split{{At: schedule.PercentOf(50), Gap: d(1)}}
		}, "splits[0].at", schedule.ErrBadUnit},
		{"elapsed on a working-time task", func(p *schedule.Project) {
			p.Tasks[0].Splits = []schedule.Split{{At: d(1), Gap: schedule.ElapsedDays(1)}}
		}, "splits[0].gap", schedule.ErrBadUnit},
		{"summary", func(p *schedule.Project) {
			p.Tasks = append(p.Tasks, schedule.Task{ID: "S", Splits: []schedule.Split{{At: d(1), Gap: d(1)}}})
			p.Tasks[1].Parent = "S"
		}, "splits", schedule.ErrBadValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := splitProject()
			c.edit(p)
			_, err := schedule.Run(p)
			var ie *schedule.InputError
			if !errors.As(err, &ie) || ie.Field != c.field || !errors.Is(err, c.want) {
				t.Fatalf("got %v, want an input error on %s: %v", err, c.field, c.want)
			}
		})
	}
}

// TestSetSplits edits a task's splits through an editor: the preview
// tells what moves, the edit is made in place, and taking the splits
// away again restores the schedule.
func TestSetSplits(t *testing.T) {
	e, err := schedule.NewEditor(splitProject())
	if err != nil {
		t.Fatal(err)
	}
	split := schedule.SetSplits{Task: "A", Splits: []schedule.Split{{At: schedule.Days(2), Gap: schedule.Days(1)}}}
	if !schedule.InPlace(e, split) {
		t.Error("a split is not made in place")
	}
	d, err := e.Apply(split)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Changes) != 2 || !d.Finish[1].Equal(day(11, 17)) {
		t.Errorf("changes %v, finish %v: want A and B, Mon 11 17:00", d.Changes, d.Finish)
	}
	if got := e.Result().Segments(0); len(got) != 2 {
		t.Errorf("segments %v", got)
	}
	if _, err := e.Apply(schedule.SetSplits{Task: "A", Splits: []schedule.Split{{At: schedule.Days(1)}}}); err == nil {
		t.Error("a zero gap was accepted")
	}
	if d, err = e.Apply(schedule.SetSplits{Task: "A"}); err != nil || !d.Finish[1].Equal(day(8, 17)) {
		t.Errorf("joined up: finish %v, %v", d.Finish, err)
	}
}

// TestSplitAt splits a task where a caller drags its bar apart: the work
// before stays, a pause that begins where another ends joins it, and
// work done or the task's start cannot be split.
func TestSplitAt(t *testing.T) {
	p := splitProject()
	r := runSplit(t, p)
	splits, err := r.SplitAt(0, day(6, 8), day(7, 8))
	if err != nil {
		t.Fatal(err)
	}
	if want := []schedule.Split{{At: schedule.Minutes(960), Gap: schedule.Minutes(480)}}; !slices.Equal(splits, want) {
		t.Fatalf("splits %v, want %v", splits, want)
	}
	p.Tasks[0].Splits = splits
	r = runSplit(t, p)
	if got, want := r.Segments(0), []schedule.Segment{seg(4, 8, 5, 17, false), seg(7, 8, 8, 17, false)}; !slices.Equal(got, want) {
		t.Errorf("segments %v, want %v", got, want)
	}
	// Splitting again where the work resumes makes the pause longer.
	if splits, err = r.SplitAt(0, day(7, 8), day(8, 8)); err != nil || len(splits) != 1 || splits[0].Gap != schedule.Minutes(960) {
		t.Errorf("joined: %v, %v", splits, err)
	}
	// A split past the end of the work stays, pausing nothing, when
	// another is made.
	p.Tasks[0].Splits = append(p.Tasks[0].Splits, schedule.Split{At: schedule.Days(6), Gap: schedule.Days(2)})
	r = runSplit(t, p)
	if splits, err = r.SplitAt(0, day(7, 8), day(8, 8)); err != nil || len(splits) != 2 || splits[1] != (schedule.Split{At: schedule.Minutes(2880), Gap: schedule.Minutes(960)}) {
		t.Errorf("past the end: %v, %v", splits, err)
	}
	p.Tasks[0].Splits = p.Tasks[0].Splits[:1]
	r = runSplit(t, p)
	// A second pause, in the afternoon of Thursday.
	if splits, err = r.SplitAt(0, day(7, 13), day(8, 13)); err != nil || len(splits) != 2 || splits[1] != (schedule.Split{At: schedule.Minutes(1200), Gap: schedule.Minutes(480)}) {
		t.Errorf("second: %v, %v", splits, err)
	}
	for _, c := range []struct {
		name     string
		from, to time.Time
	}{{"at the start", day(4, 8), day(5, 8)}, {"after the finish", day(11, 8), day(12, 8)}, {"backwards", day(5, 8), day(4, 12)}} {
		if _, err := r.SplitAt(0, c.from, c.to); !errors.Is(err, schedule.ErrBadValue) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// In progress: done Monday and Tuesday; the split can only come later.
	p.Tasks[0].Splits = nil
	p.StatusDate, p.Tasks[0].ActualStart, p.Tasks[0].PercentComplete = day(6, 8), day(4, 8), 50
	r = runSplit(t, p)
	if _, err := r.SplitAt(0, day(5, 8), day(6, 8)); !errors.Is(err, schedule.ErrBadValue) {
		t.Errorf("split in work done: %v", err)
	}
	if splits, err = r.SplitAt(0, day(6, 8), day(7, 8)); err != nil || splits[0] != (schedule.Split{At: schedule.Minutes(960), Gap: schedule.Minutes(480)}) {
		t.Errorf("split at the stop: %v, %v", splits, err)
	}
}
