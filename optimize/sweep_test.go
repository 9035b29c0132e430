package optimize_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// TestWithinOnTheCurve: on random instances, the plan Within finds for a
// budget costs at most the budget, costs what Compress finds for its
// finish (it is optimal there), and a minute sooner costs more than the
// budget or cannot be had; a budget past the shortest finish's cost buys
// the shortest finish.
func TestWithinOnTheCurve(t *testing.T) {
	checked := 0
	for seed := range uint64(40) {
		p := randomInstance(700+seed, 3+int(seed%25))
		opts := []optimize.Options{{}, {FastTrack: true}}[seed%2]
		pts, err := optimize.Curve(t.Context(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		top := pts[len(pts)-1]
		for _, share := range []float64{0.1, 0.37, 0.7, 1, 1.5} {
			budget := share * top.Cost
			pl, err := optimize.Within(t.Context(), p, budget, opts)
			if err != nil {
				t.Fatalf("seed %d, budget %v: %v", seed, budget, err)
			}
			if pl.Cost > budget*(1+1e-9)+1e-9 {
				t.Fatalf("seed %d, budget %v: the plan costs %v", seed, budget, pl.Cost)
			}
			at, err := optimize.Compress(t.Context(), p, pl.Finish, opts)
			if err != nil || math.Abs(at.Cost-pl.Cost) > 1e-9*max(1, pl.Cost) {
				t.Fatalf("seed %d, budget %v: the plan finishes %v for %v; Compress there: %v, %v", seed, budget, pl.Finish, pl.Cost, at, err)
			}
			if share >= 1 && !pl.Finish.Equal(top.Finish) {
				t.Fatalf("seed %d, budget %v: finish %v, want the shortest, %v", seed, budget, pl.Finish, top.Finish)
			}
			sooner, err := optimize.Compress(t.Context(), p, pl.Finish.Add(-time.Minute), opts)
			if err == nil && sooner.Cost <= budget*(1+1e-9)+1e-9 {
				t.Fatalf("seed %d, budget %v: the plan finishes %v for %v, but a minute sooner costs %v", seed, budget, pl.Finish, pl.Cost, sooner.Cost)
			}
			if err != nil && !errors.Is(err, optimize.ErrTooEarly) {
				t.Fatal(err)
			}
			checked++
		}
	}
	if checked < 200 {
		t.Errorf("%d budgets checked", checked)
	}
}

// TestPlanFinishAsEditor: a plan's finish is what the scheduler computes
// with its edits made, on projects with everything in them (calendars,
// elapsed (not crashed) and hour durations, constraints, ALAP and manual tasks,
// splits, progress options, summaries): Curve works out most plans'
// finishes on a schedule of its own rather than through the editor, and
// the two must agree.
func TestPlanFinishAsEditor(t *testing.T) {
	points := 0
	for seed := range uint64(100) {
		p := randnet.Project(randnet.Config{Tasks: 20 + int(seed%40), Mixed: true, Seed: seed})
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Tasks {
			tk := &p.Tasks[i]
			tk.Crash = nil
			if d := r.Duration(i); !r.Task(i).Summary && tk.ActualStart.IsZero() && !tk.Duration.Elapsed && d >= 2 && i%3 != 0 { // elapsed tasks are not crashed (ErrUnsupported)
				tk.Crash = &schedule.Crash{Duration: schedule.Duration{Amount: float64(d / 2)}, CostPerDay: float64(100 + 37*(i%9))}
			}
		}
		pts, err := optimize.Curve(t.Context(), p, optimize.Options{})
		if err != nil {
			if errors.Is(err, optimize.ErrUnsupported) || strings.Contains(err.Error(), "contradict") {
				continue
			}
			t.Fatalf("seed %d: %v", seed, err)
		}
		for k, pt := range pts {
			ed, err := schedule.NewEditor(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ed.Apply(pt.Plan.Edits(p)...); err != nil {
				t.Fatalf("seed %d point %d: %v", seed, k, err)
			}
			if got := ed.Result().Finish(); !got.Equal(pt.Finish) {
				t.Fatalf("seed %d point %d: the plan says %v, the editor %v", seed, k, pt.Finish, got)
			}
			points++
		}
	}
	t.Logf("%d points checked", points)
	if points < 120 {
		t.Errorf("%d points checked", points)
	}
}

// TestCostPerDay: the five tasks with their crash points given as costs
// per day saved have the curve they have with the totals; CostSlope is
// the cost per day; a crash point with both, or with a cost per day that
// is not a number or below zero, is refused naming the field.
func TestCostPerDay(t *testing.T) {
	p := fiveTasks()
	for i := range p.Tasks {
		if c := p.Tasks[i].Crash; c != nil {
			saved := p.Tasks[i].Duration.Amount - c.Duration.Amount
			c.Cost, c.CostPerDay = 0, c.Cost/saved
		}
	}
	pts, err := optimize.Curve(t.Context(), p, optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := optimize.Curve(t.Context(), fiveTasks(), optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d", len(pts), len(want))
	}
	for k := range pts {
		if !pts[k].Finish.Equal(want[k].Finish) || math.Abs(pts[k].Cost-want[k].Cost) > 1e-9 {
			t.Errorf("point %d: %v for %v, want %v for %v", k, pts[k].Finish, pts[k].Cost, want[k].Finish, want[k].Cost)
		}
	}
	if k, err := optimize.CostSlope(p, "A"); err != nil || k != 3 {
		t.Errorf("slope of A: %v, %v; want 3", k, err)
	}
	for _, c := range []schedule.Crash{
		{Duration: schedule.Days(2), Cost: 6, CostPerDay: 3},
		{Duration: schedule.Days(2), CostPerDay: -3},
		{Duration: schedule.Days(2), CostPerDay: math.NaN()},
	} {
		bad := fiveTasks()
		bad.Tasks[0].Crash = &c
		_, err := optimize.Compress(t.Context(), bad, days(9), optimize.Options{})
		if ie, ok := errors.AsType[*schedule.InputError](err); !ok || ie.Task != "A" || ie.Field != "crash.cost_per_day" || !errors.Is(err, schedule.ErrBadValue) {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

// TestTooEarlyError: a date the project cannot make is a *TooEarlyError
// with the date and the earliest finish, in the project's time zone, and
// says both as critpath prints dates.
func TestTooEarlyError(t *testing.T) {
	p := fiveTasks()
	p.Calendar, p.Settings = schedule.Standard, schedule.Settings{}
	dhaka := time.FixedZone("+06", 6*3600)
	p.Start = time.Date(2027, 1, 4, 8, 0, 0, 0, dhaka)  // a Monday
	by := time.Date(2027, 1, 11, 11, 0, 0, 0, time.UTC) // Monday 17:00 in Dhaka: day 6 of the 8 the shortest takes
	_, err := optimize.Compress(t.Context(), p, by, optimize.Options{})
	te, ok := errors.AsType[*optimize.TooEarlyError](err)
	if !ok || !errors.Is(err, optimize.ErrTooEarly) {
		t.Fatalf("got %v", err)
	}
	if want := time.Date(2027, 1, 13, 17, 0, 0, 0, dhaka); !te.Date.Equal(by) || te.Date.Location() != dhaka || !te.Earliest.Equal(want) {
		t.Errorf("date %v, earliest %v; want %v, %v", te.Date, te.Earliest, by.In(dhaka), want)
	}
	if want := "optimize: finish by Mon 2027-01-11 17:00: the earliest is Wed 2027-01-13 17:00: project cannot finish that early"; err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
}

// TestUnits: a plan gives each new duration in the unit the task was
// given in when that takes at most two decimals — hours stay hours, days
// days, half days 0.5d — and otherwise in hours or minutes.
func TestUnits(t *testing.T) {
	p := project(schedule.Task{ID: "A", Duration: schedule.Hours(40), Crash: &schedule.Crash{Duration: schedule.Hours(10), CostPerDay: 24}},
		task("B", 4, 1, 1), schedule.Task{ID: "C", Duration: schedule.Days(1), Crash: &schedule.Crash{Duration: schedule.Minutes(100), CostPerDay: 1000}})
	p.Links = []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "B", Succ: "C"}}
	cases := []struct {
		by   time.Duration // after the start
		want string
	}{
		{40*time.Hour + 84*time.Hour + 24*time.Hour, "map[A:40h B:3.5d C:1d]"},
		{30*time.Hour + 24*time.Hour + 24*time.Hour, "map[A:30h B:1d C:1d]"},
		{10*time.Hour + 24*time.Hour + 5*time.Hour, "map[A:10h B:1d C:5h]"},
		{10*time.Hour + 24*time.Hour + 101*time.Minute, "map[A:10h B:1d C:101m]"},
	}
	for _, c := range cases {
		pl, err := optimize.Compress(t.Context(), p, start.Add(c.by), optimize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{"A": "40h", "B": "4d", "C": "1d"}
		for _, s := range pl.Tasks {
			got[s.Task] = s.To.String()
		}
		if m := fmtMap(got); m != c.want {
			t.Errorf("by %v: %s, want %s", c.by, m, c.want)
		}
	}
}

func fmtMap(m map[string]string) string {
	return "map[A:" + m["A"] + " B:" + m["B"] + " C:" + m["C"] + "]"
}

// TestNoTasks: a project with no tasks finishes at its start: a curve of
// that one point, nothing to spend, and a date before it too early.
func TestNoTasks(t *testing.T) {
	pts, err := optimize.Curve(t.Context(), project(), optimize.Options{})
	if err != nil || len(pts) != 1 || !pts[0].Finish.Equal(start) || pts[0].Cost != 0 {
		t.Errorf("curve: %+v, %v", pts, err)
	}
	if pl, err := optimize.Within(t.Context(), project(), 10, optimize.Options{}); err != nil || !pl.Finish.Equal(start) || pl.Cost != 0 {
		t.Errorf("within: %+v, %v", pl, err)
	}
	if pl, err := optimize.Compress(t.Context(), project(), days(2), optimize.Options{}); err != nil || !pl.Finish.Equal(start) || len(pl.Tasks) != 0 {
		t.Errorf("by day 2: %+v, %v", pl, err)
	}
	if _, err := optimize.Compress(t.Context(), project(), days(-2), optimize.Options{}); !errors.Is(err, optimize.ErrTooEarly) {
		t.Errorf("by day −2: %v", err)
	}
}
