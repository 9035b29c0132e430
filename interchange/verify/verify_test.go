package verify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/schedule"
)

func at(d, h int) time.Time { return time.Date(2027, 1, d, h, 0, 0, 0, time.UTC) }

// The holidays explain a P6 project only when every task then matches: a
// task saved a week late stays a mismatch, and nothing is left out.
func TestHolidayHypothesis(t *testing.T) {
	site := schedule.StandardCalendar()
	site.Name = "Site"
	site.Exceptions = []schedule.Exception{{From: schedule.Date{Year: 2027, Month: 1, Day: 5}}}
	p := &schedule.Project{Name: "p", Start: at(4, 8), Options: schedule.P6Options(), Calendar: "Site", Calendars: []schedule.Calendar{site},
		Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(2), IgnoreResourceCalendars: true}, {ID: "B", Duration: schedule.Days(1), IgnoreResourceCalendars: true}}}
	pr := &interchange.Project{Project: p, Tool: "p6", Saved: map[string]interchange.Saved{
		"A": {Start: at(4, 8), Finish: at(5, 17)},   // works through the holiday
		"B": {Start: at(11, 8), Finish: at(11, 17)}, // a week late
	}}
	v, err := Check(pr)
	if err != nil {
		t.Fatal(err)
	}
	if v.LeftOut != 0 || v.Compared != 2 || v.Matched != 0 {
		t.Errorf("matched %d of %d, %d left out (%v); want 0 of 2, none left out", v.Matched, v.Compared, v.LeftOut, v.Excluded)
	}
	// Without B's lateness the holidays explain everything: left out.
	pr.Saved["B"] = interchange.Saved{Start: at(4, 8), Finish: at(4, 17)}
	if v, err = Check(pr); err != nil {
		t.Fatal(err)
	}
	if v.LeftOut != 2 || v.Compared != 0 || len(v.Excluded) != 1 || !strings.Contains(v.Excluded[0].String(), "ignore its calendars' holidays") {
		t.Errorf("matched %d of %d, %d left out (%v); want the project left out", v.Matched, v.Compared, v.LeftOut, v.Excluded)
	}
}

// A Microsoft Project task without successors saved with a late finish
// before the project finish kept its late dates from before the finish
// moved: left out, with its reason; a task saved with the project finish
// is compared.
func TestStaleLateDates(t *testing.T) {
	p := &schedule.Project{Name: "p", Start: at(4, 8),
		Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}, {ID: "B", Duration: schedule.Days(5)}}}
	pr := &interchange.Project{Project: p, Tool: "msproject", Finish: at(8, 17), Saved: map[string]interchange.Saved{
		"A": {Start: at(4, 8), Finish: at(4, 17), TotalFloat: 2 * 480, HasFloat: true, LateFinish: at(6, 17)}, // the finish was Wednesday's
		"B": {Start: at(4, 8), Finish: at(8, 17), HasFloat: true, LateFinish: at(8, 17)},
	}}
	v, err := Check(pr)
	if err != nil {
		t.Fatal(err)
	}
	if v.LeftOut != 1 || v.Compared != 1 || v.Matched != 1 || len(v.Excluded) != 1 || !strings.Contains(v.Excluded[0].Reason, "did not work its late dates out again") {
		t.Errorf("matched %d of %d, %d left out (%v); want A left out, B matched", v.Matched, v.Compared, v.LeftOut, v.Excluded)
	}
	// Under "calculate multiple critical paths" a late finish before the
	// project finish is no sign: A is compared (and differs).
	pr.MultipleCriticalPaths = true
	if v, err = Check(pr); err != nil {
		t.Fatal(err)
	}
	if v.LeftOut != 0 || v.Compared != 2 || v.Matched != 1 || len(v.Mismatches) != 1 || v.Mismatches[0].Task != "A" || v.Mismatches[0].Differs != TotalFloat {
		t.Errorf("matched %d of %d, %d left out, mismatches %v; want both compared and A's float differing", v.Matched, v.Compared, v.LeftOut, v.Mismatches)
	}
	if got, want := v.Mismatches[0].String(), "task A (): total float 1920m, saved 960m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Check leaves the project it is given as it was: the Microsoft Project
// profile is applied to a copy.
func TestCheckLeavesProject(t *testing.T) {
	p := &schedule.Project{Name: "p", Start: at(4, 8), Options: schedule.P6Options(), Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}}}
	before := p.Options
	if _, err := Check(&interchange.Project{Project: p, Tool: "msproject", Saved: map[string]interchange.Saved{"A": {Start: at(4, 8), Finish: at(4, 17)}}}); err != nil {
		t.Fatal(err)
	}
	if p.Options != before {
		t.Errorf("options changed to %+v", p.Options)
	}
}

// TestCheckErrors: a project without saved dates is ErrNothingSaved,
// whose message starts with "verify: " and reads alone; one that does not
// schedule gives the scheduler's error, starting with "schedule: ".
func TestCheckErrors(t *testing.T) {
	one := &schedule.Project{Name: "p", Start: at(4, 8), Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}}}
	loop := &schedule.Project{Name: "p", Start: at(4, 8), Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}, {ID: "B", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "B", Succ: "A"}}}
	saved := map[string]interchange.Saved{"A": {Start: at(4, 8), Finish: at(4, 17)}}
	cases := []struct {
		name   string
		pr     *interchange.Project
		prefix string
		is     error
	}{
		{"nothing saved", &interchange.Project{Project: one}, "verify: ", ErrNothingSaved},
		{"a loop", &interchange.Project{Project: loop, Tool: "msproject", Saved: saved}, "schedule: ", nil},
	}
	for _, c := range cases {
		_, err := Check(c.pr)
		if err == nil || !strings.HasPrefix(err.Error(), c.prefix) || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: got %v, want an error starting with %q wrapping %v", c.name, err, c.prefix, c.is)
		}
	}
}
