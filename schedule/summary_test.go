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
