package schedule_test

import (
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// TestSummaryLinks checks links on summary tasks as Microsoft Project
// treats them: a link into a summary holds every subtask back; a link from
// a summary leaves its finish (the last subtask's) or its start (the first
// subtask's); the summary's dates and float roll up from its subtasks.
func TestSummaryLinks(t *testing.T) {
	mon := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) // a Monday
	day := func(d, h int) time.Time { return mon.AddDate(0, 0, d).Add(time.Duration(h-8) * time.Hour) }
	p := &schedule.Project{
		Start: mon,
		Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(2)},
			{ID: "X", Duration: schedule.Days(5)},
			{ID: "S"},
			{ID: "S1", Parent: "S", Duration: schedule.Days(3)},
			{ID: "S2", Parent: "S", Duration: schedule.Days(1)},
			{ID: "T", Duration: schedule.Days(1)},
			{ID: "U", Duration: schedule.Days(1)},
		},
		Links: []schedule.Link{
			{Pred: "A", Succ: "S"},
			{Pred: "X", Succ: "S2"},
			{Pred: "S", Succ: "T"},
			{Pred: "S", Succ: "U", Type: schedule.SS, Lag: schedule.Days(1)},
		},
	}
	r := mustRun(t, p)
	const d = 480
	for _, w := range []struct {
		id             string
		es, ef, ls, lf time.Time
		tf, ff         int64
	}{
		{"A", day(0, 8), day(1, 17), day(1, 8), day(2, 17), 1 * d, 0},
		{"X", day(0, 8), day(4, 17), day(0, 8), day(4, 17), 0, 0},
		{"S1", day(2, 8), day(4, 17), day(3, 8), day(7, 17), 1 * d, 0},
		{"S2", day(7, 8), day(7, 17), day(7, 8), day(7, 17), 0, 0},
		{"S", day(2, 8), day(7, 17), day(3, 8), day(7, 17), 0, 0},
		{"T", day(8, 8), day(8, 17), day(8, 8), day(8, 17), 0, 0},
		{"U", day(3, 8), day(3, 17), day(8, 8), day(8, 17), 3 * d, 3 * d},
	} {
		tr, _ := r.Lookup(w.id)
		got := []time.Time{tr.EarlyStart, tr.EarlyFinish, tr.LateStart, tr.LateFinish}
		if !slices.EqualFunc(got, []time.Time{w.es, w.ef, w.ls, w.lf}, time.Time.Equal) || tr.TotalFloat != w.tf || tr.FreeFloat != w.ff {
			t.Errorf("%s: got %v TF %d FF %d, want %v %v %v %v TF %d FF %d", w.id, got, tr.TotalFloat, tr.FreeFloat, w.es, w.ef, w.ls, w.lf, w.tf, w.ff)
		}
	}
	if got, want := r.LongestPath(), []string{"X", "S2", "T"}; !slices.Equal(got, want) {
		t.Errorf("longest path %v, want %v", got, want)
	}
	if s, _ := r.Lookup("S"); !s.Summary || !s.Critical {
		t.Errorf("S: summary %v critical %v", s.Summary, s.Critical)
	}
}

// TestNestedSummaries: a link into an outer summary reaches the subtasks of
// an inner one; a summary's start constraint holds its subtasks back; a
// deadline on a summary that its subtasks miss shows as negative float.
func TestNestedSummaries(t *testing.T) {
	mon := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	p := &schedule.Project{
		Start: mon,
		Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(2)},
			{ID: "O", Deadline: mon.AddDate(0, 0, 4).Add(9 * time.Hour)}, // Friday 17:00
			{ID: "I", Parent: "O", Constraint: schedule.Constraint{Type: schedule.SNET, Date: mon.AddDate(0, 0, 3)}},
			{ID: "I1", Parent: "I", Duration: schedule.Days(1)},
			{ID: "O1", Parent: "O", Duration: schedule.Days(1)},
		},
		Links: []schedule.Link{{Pred: "A", Succ: "O"}},
	}
	r := mustRun(t, p)
	check := func(id string, es time.Time, tf int64) {
		t.Helper()
		tr, _ := r.Lookup(id)
		if !tr.EarlyStart.Equal(es) || tr.TotalFloat != tf {
			t.Errorf("%s: ES %v TF %d, want %v TF %d", id, tr.EarlyStart, tr.TotalFloat, es, tf)
		}
	}
	// The project finishes Thursday (I1), before O's Friday deadline.
	check("O1", mon.AddDate(0, 0, 2), 480)                        // after A: Wednesday
	check("I1", mon.AddDate(0, 0, 3), 0)                          // held to Thursday by I's constraint
	check("O", mon.AddDate(0, 0, 2), 0)                           // rolled up: the least float of its subtasks
	p.Tasks[1].Deadline = mon.AddDate(0, 0, 2).Add(9 * time.Hour) // Wednesday 17:00
	r = mustRun(t, p)
	check("I1", mon.AddDate(0, 0, 3), -1*480)
	if cs := r.Conflicts(); len(cs) != 1 || cs[0].Kind != schedule.DeadlineMissed || cs[0].Task != "O" {
		t.Errorf("conflicts %v, want O's deadline missed", cs)
	}
}

// TestSummarySpansItsSubtasks: a summary's dates are its subtasks' span,
// even where the project start or the status date is later than work that
// is complete: a link from the summary leaves its last subtask's finish,
// and the project finishes with its last task, not where a link into the
// summary would hold back subtasks that are already done. So every date
// has a driver and the longest path ends on a task.
func TestSummarySpansItsSubtasks(t *testing.T) {
	mon := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) // a Monday, Standard calendar
	day := func(d, h int) time.Time { return mon.AddDate(0, 0, d).Add(time.Duration(h-8) * time.Hour) }
	done := func(id, parent string, from, to time.Time) schedule.Task {
		return schedule.Task{ID: id, Parent: parent, ActualStart: from, ActualFinish: to}
	}
	for _, c := range []struct {
		name   string
		p      schedule.Project
		finish time.Time
		path   []string
		// task's early start and what drives it: a link from pred (through
		// via), or, with no pred, the status date.
		task, pred, via string
		start           time.Time
	}{{
		name: "link from a summary of complete work leaves its subtask's finish",
		p: schedule.Project{
			Start: mon, StatusDate: day(16, 8), Options: schedule.Options{Progress: schedule.ProgressOverride},
			Tasks: []schedule.Task{{ID: "S"}, done("A", "S", day(1, 8), day(14, 17)), {ID: "M"}},
			Links: []schedule.Link{{Pred: "S", Succ: "M", Lag: schedule.Days(3)}},
		},
		// A finishes Monday 18th 17:00, three working days later is
		// Thursday 21st 17:00 (not three days after the status date).
		finish: day(17, 17), path: []string{"A", "M"},
		task: "M", pred: "A", via: "S", start: day(17, 17),
	}, {
		name: "link from a summary of complete work, before the status date",
		p: schedule.Project{
			Start: mon, StatusDate: day(18, 8), Options: schedule.Options{Progress: schedule.RetainedLogic},
			Tasks: []schedule.Task{{ID: "S"}, done("A", "S", day(1, 8), day(14, 17)), {ID: "M"}},
			Links: []schedule.Link{{Pred: "S", Succ: "M", Lag: schedule.Days(3)}},
		},
		finish: day(18, 8), path: []string{"M"},
		task: "M", start: day(18, 8),
	}, {
		name: "complete work before the status date finishes the project",
		p: schedule.Project{
			Start: mon, StatusDate: day(39, 8), Options: schedule.Options{Progress: schedule.ProgressOverride},
			Tasks: []schedule.Task{{ID: "S"}, done("A", "S", day(28, 8), day(31, 17))},
		},
		finish: day(31, 17), path: []string{"A"},
	}, {
		name: "a link into a summary of complete work moves no finish",
		p: schedule.Project{
			Start: mon,
			Tasks: []schedule.Task{done("X", "", day(0, 8), day(4, 17)), {ID: "S"}, done("A", "S", day(0, 8), day(2, 17))},
			Links: []schedule.Link{{Pred: "X", Succ: "S", Lag: schedule.Days(5)}},
		},
		finish: day(4, 17), path: []string{"X"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			r := mustRun(t, &c.p)
			if !r.Finish().Equal(c.finish) {
				t.Errorf("project finish %v, want %v", r.Finish(), c.finish)
			}
			if got := r.LongestPath(); !slices.Equal(got, c.path) {
				t.Errorf("longest path %v, want %v", got, c.path)
			}
			if fp := r.FloatPaths(1); len(fp) != 1 || !slices.Equal(fp[0].Tasks, c.path) {
				t.Errorf("first float path %v, want the longest path %v", fp, c.path)
			}
			for i := range r.Network().Len() {
				if x := r.Explain(i); !x.Task.Summary && (len(x.Early) == 0 || len(x.Late) == 0) {
					t.Errorf("%s unexplained: early %v, late %v", x.Task.ID, x.Early, x.Late)
				}
			}
			if c.task == "" {
				return
			}
			i, _ := r.Network().Index(c.task)
			x := r.Explain(i)
			if !x.Task.EarlyStart.Equal(c.start) {
				t.Errorf("%s starts %v, want %v", c.task, x.Task.EarlyStart, c.start)
			}
			want := schedule.Driver{Kind: schedule.ByStatusDate}
			if c.pred != "" {
				want = schedule.Driver{Kind: schedule.ByLink, Task: c.pred, Via: c.via}
			}
			if len(x.Early) != 1 || x.Early[0].Kind != want.Kind || x.Early[0].Task != want.Task || x.Early[0].Via != want.Via {
				t.Errorf("%s early drivers %v, want one %v from %q through %q", c.task, x.Early, want.Kind, want.Task, want.Via)
			}
		})
	}
}
