package schedule_test

import (
	"errors"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Two links of different types between the same tasks — P6's SS and FF
// "ladder" — both bind: B starts a day after A starts and finishes no
// earlier than A. Removing one needs its type; the editor's network then
// equals a fresh compile's.
func TestLadderLinks(t *testing.T) {
	ss, ff := schedule.SS, schedule.FF
	p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{
		{ID: "A", Duration: schedule.Days(5)}, {ID: "B", Duration: schedule.Days(2)},
	}, Links: []schedule.Link{{Pred: "A", Succ: "B", Type: ss, Lag: schedule.Days(1)}, {Pred: "A", Succ: "B", Type: ff}}}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Lookup("B")
	if want := time.Date(2027, 1, 7, 8, 0, 0, 0, time.UTC); !b.Start.Equal(want) || !b.Finish.Equal(time.Date(2027, 1, 8, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("B %v–%v, want Thu 08:00 to Fri 17:00 (the FF link holds it)", b.Start, b.Finish)
	}
	e, err := schedule.NewEditor(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Apply(schedule.RemoveLink{Pred: "A", Succ: "B"}); !errors.Is(err, schedule.ErrAmbiguousLink) {
		t.Errorf("removing without a type: %v, want ErrAmbiguousLink", err)
	}
	if _, err := e.Apply(schedule.RemoveLink{Pred: "A", Succ: "B", Type: &ff}); err != nil {
		t.Fatal(err)
	}
	b, _ = e.Result().Lookup("B")
	if want := time.Date(2027, 1, 5, 8, 0, 0, 0, time.UTC); !b.Start.Equal(want) {
		t.Errorf("after removing the FF link B starts %v, want %v", b.Start, want)
	}
	if _, err := e.Apply(schedule.AddLink{Link: schedule.Link{Pred: "A", Succ: "B", Type: ss}}); !errors.Is(err, schedule.ErrDuplicateLink) {
		t.Errorf("a second SS link: %v, want ErrDuplicateLink", err)
	}
	if _, err := e.Apply(schedule.AddLink{Link: schedule.Link{Pred: "A", Succ: "B", Type: ff, Lag: schedule.Days(1)}}); err != nil {
		t.Fatal(err)
	}
	fresh, err := schedule.Run(e.Project())
	if err != nil {
		t.Fatal(err)
	}
	for i, tr := range fresh.Tasks() {
		if got := e.Result().Task(i); got != tr {
			t.Errorf("task %s: editor %+v, fresh %+v", tr.ID, got, tr)
		}
	}
}

// A start milestone sits at the start of the working time after it: on a
// Monday–Friday calendar at the end of Friday's work, its successor on a
// seven-day calendar starts on Monday morning; a finish milestone's starts
// on Saturday morning.
func TestStartMilestone(t *testing.T) {
	seven := schedule.Calendar{Name: "Seven", Week: map[time.Weekday][]schedule.Interval{}}
	for d := time.Sunday; d <= time.Saturday; d++ {
		seven.Week[d] = []schedule.Interval{schedule.Span(8, 0, 16, 0)}
	}
	for _, c := range []struct {
		start bool
		want  time.Time
	}{
		{false, time.Date(2027, 1, 9, 8, 0, 0, 0, time.UTC)},
		{true, time.Date(2027, 1, 11, 8, 0, 0, 0, time.UTC)},
	} {
		p := &schedule.Project{Start: mon, Calendars: []schedule.Calendar{seven},
			Tasks: []schedule.Task{
				{ID: "W", Duration: schedule.Days(5)},
				{ID: "M", StartMilestone: c.start},
				{ID: "S", Duration: schedule.Days(1), Calendar: "Seven"},
			},
			Links: []schedule.Link{{Pred: "W", Succ: "M"}, {Pred: "M", Succ: "S"}},
		}
		r := mustRun(t, p)
		s, _ := r.Lookup("S")
		if !s.Start.Equal(c.want) {
			t.Errorf("start milestone %v: S starts %v, want %v", c.start, s.Start, c.want)
		}
	}
}
