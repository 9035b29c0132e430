package optimize_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// curing is a slab on the Sunday–Thursday week whose concrete cures for
// seven elapsed days — round the clock, weekends included — between the
// pour and the stripping; the other tasks can be crashed.
func curing(cure schedule.Duration, lag schedule.Duration) *schedule.Project {
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))
	return &schedule.Project{Name: "slab", Start: start, Calendar: "Sunday-Thursday",
		Tasks: []schedule.Task{
			{ID: "excavate", Duration: schedule.Days(6), FixedCost: 60000, Crash: &schedule.Crash{Duration: schedule.Days(4), Cost: 84000}},
			{ID: "formwork", Duration: schedule.Days(5), FixedCost: 40000, Crash: &schedule.Crash{Duration: schedule.Days(3), CostPerDay: 9000}},
			{ID: "pour", Duration: schedule.Days(1)},
			{ID: "cure", Duration: cure},
			{ID: "strip", Duration: schedule.Days(2), FixedCost: 8000, Crash: &schedule.Crash{Duration: schedule.Days(1), CostPerDay: 6000}},
		},
		Links: []schedule.Link{{Pred: "excavate", Succ: "formwork"}, {Pred: "formwork", Succ: "pour"}, {Pred: "pour", Succ: "cure"}, {Pred: "cure", Succ: "strip", Lag: lag}},
	}
}

// TestElapsedTime: elapsed minutes were taken as working minutes, so that
// Compress found any date too early, "the earliest" weeks late. A task
// of whole weeks in elapsed time spans the same working time wherever it
// falls on a weekly calendar: every finish the curve reaches can be asked
// of Compress, at the curve's cost, and a date before the curve's
// shortest is too early with the curve's shortest as the earliest.
func TestElapsedTime(t *testing.T) {
	p := curing(schedule.ElapsedDays(7), schedule.Duration{})
	curve, err := optimize.Curve(t.Context(), p, optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) < 3 {
		t.Fatalf("a curve of %d points", len(curve))
	}
	for _, pt := range curve {
		pl, err := optimize.Compress(t.Context(), p, pt.Finish, optimize.Options{})
		if err != nil {
			t.Errorf("Compress to the curve's %v: %v", pt.Finish, err)
			continue
		}
		if pl.Finish.After(pt.Finish) || math.Abs(pl.Cost-pt.Cost) > 1e-6 {
			t.Errorf("Compress to %v: finish %v for %.2f; the curve: %.2f", pt.Finish, pl.Finish, pl.Cost, pt.Cost)
		}
	}
	last := curve[len(curve)-1]
	_, err = optimize.Compress(t.Context(), p, last.Finish.Add(-24*time.Hour), optimize.Options{})
	te, ok := errors.AsType[*optimize.TooEarlyError](err)
	if !ok || !te.Earliest.Equal(last.Finish) {
		t.Errorf("a day before the shortest (%v): %v", last.Finish, err)
	}
	// Other elapsed spans (a task of days, a lag) span more or less
	// working time as a plan moves them: approximated where they are
	// scheduled, each plan checked by the scheduler. Every breakpoint of
	// the curve but its shortest gives a plan that meets it; at the
	// shortest, Compress may answer too early by up to the approximation
	// (a day here), which optimize's doc states.
	for _, c := range []struct {
		name      string
		cure, lag schedule.Duration
	}{{"task of days", schedule.ElapsedDays(5), schedule.Duration{}}, {"lag", schedule.Days(1), schedule.ElapsedDays(3)}, {"both", schedule.ElapsedDays(4), schedule.ElapsedDays(2)}} {
		q := curing(c.cure, c.lag)
		curve, err := optimize.Curve(t.Context(), q, optimize.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, pt := range curve[:len(curve)-1] {
			pl, err := optimize.Compress(t.Context(), q, pt.Finish, optimize.Options{})
			if err != nil || pl.Finish.After(pt.Finish) {
				t.Errorf("%s: Compress to the curve's %v: %v", c.name, pt.Finish, err)
			}
		}
	}
	p.Tasks[3].Crash = &schedule.Crash{Duration: schedule.ElapsedDays(5), CostPerDay: 1000}
	if _, err := optimize.Curve(t.Context(), p, optimize.Options{}); !errors.Is(err, optimize.ErrUnsupported) {
		t.Errorf("crashing a task in elapsed time: %v, want ErrUnsupported", err)
	}
}
