package optimize

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/critpath/critpath/schedule"
)

// ErrTooEarly is wrapped by Compress's error for a date the project
// cannot finish by, however much is spent.
var ErrTooEarly = errors.New("project cannot finish that early")

// Plan is a way to finish sooner: the tasks to shorten and the links to
// overlap, what that costs over the normal cost (the shortenings' cost
// and the overlaps' rework exposure), and the finish the scheduler then
// computes, Saved working minutes (on the project calendar) before the
// finish as planned.
type Plan struct {
	Finish time.Time
	Saved  int64
	Cost   float64
	Rework float64      // the part of Cost that is rework
	Tasks  []Shortening // in the project's order
	Links  []Overlap    // in the project's order
}

// Overlap is one finish-to-start link fast-tracked: its successor starts
// Overlap (working time) sooner relative to its predecessor's finish —
// the link's lag goes from Lag to NewLag — exposing Rework.
type Overlap struct {
	Pred, Succ  string
	Lag, NewLag schedule.Duration
	Overlap     schedule.Duration
	Rework      float64
}

// Shortening is one task crashed: from its duration to a shorter one, at
// its cost slope.
type Shortening struct {
	Task     string
	From, To schedule.Duration
	Cost     float64
}

// Edits returns the plan as edits to the project it was made for: a new
// duration for each task shortened, each overlapped link replaced by one
// with its new lag.
func (pl *Plan) Edits(p *schedule.Project) []schedule.Edit {
	var out []schedule.Edit
	for _, s := range pl.Tasks {
		out = append(out, schedule.SetDuration{Task: s.Task, Duration: s.To})
	}
	for _, o := range pl.Links {
		for _, l := range p.Links {
			if l.Pred == o.Pred && l.Succ == o.Succ {
				l.Lag = o.NewLag
				out = append(out, schedule.RemoveLink{Pred: l.Pred, Succ: l.Succ, Type: &l.Type}, schedule.AddLink{Link: l})
			}
		}
	}
	return out
}

// CostSlope returns what shortening task id by one working day costs, from
// its normal point (its duration and its cost as scheduled) and its crash
// point. It fails, naming the task, for a task that cannot be crashed.
func CostSlope(p *schedule.Project, id string) (float64, error) {
	r, err := schedule.Run(p)
	if err != nil {
		return 0, err
	}
	n := r.Network()
	i, ok := n.Index(id)
	if !ok {
		return 0, &schedule.InputError{Task: id, Err: schedule.ErrUnknownTask}
	}
	t, tr := &p.Tasks[i], r.Task(i)
	why := ""
	switch {
	case t.Crash == nil:
		why = "no crash point"
	case tr.Summary:
		why = "a summary task's duration comes from its subtasks"
	case !t.ActualStart.IsZero():
		why = "work has started"
	}
	if why != "" {
		return 0, &schedule.InputError{Task: id, Field: "crash", Err: fmt.Errorf("%s: %w", why, ErrNotCrashable)}
	}
	_, k, err := crashPoint(n, t, r.Duration(i), tr.Cost)
	return k * float64(n.Settings().MinutesPerDay), err
}

// Compress returns the cheapest plan that brings the project finish to
// date or before by what opts allow — crashing (the default),
// fast-tracking, or both weighed against each other in one linear
// program: exact for linear costs, and over every link type and lag, so a
// task whose shortening would lengthen the project (through
// start-to-start and finish-to-finish links) is never shortened. A date
// the project already meets needs an empty plan; one it cannot meet even
// fully crashed is ErrTooEarly, with the earliest finish it can reach.
func Compress(ctx context.Context, p *schedule.Project, date time.Time, opts Options) (*Plan, error) {
	m, err := newModel(p, opts)
	if err != nil {
		return nil, err
	}
	shortest, err := m.shortest()
	if err != nil {
		return nil, err
	}
	T, err := m.n.WorkBetween("", m.r.Start(), date)
	if err != nil {
		return nil, err
	}
	if T < shortest {
		at, _ := m.n.AddWork("", m.r.Start(), shortest)
		return nil, fmt.Errorf("optimize: finish by %v: the earliest is %v: %w", date, at, ErrTooEarly)
	}
	// The time axis is exact on one calendar; on several, the scheduler
	// may find the plan late: tighten the target below the plan's length
	// on the axis by the overshoot and solve again; late even at the
	// shortest, the date is too early.
	for range 8 {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("optimize: %w", err)
		}
		s, err := m.solve(T)
		if err != nil {
			return nil, fmt.Errorf("optimize: finish by %v: %w", date, err)
		}
		pl, err := m.plan(s)
		if err != nil {
			return nil, err
		}
		over, _ := m.n.WorkBetween("", date, pl.Finish)
		switch {
		case over <= 0:
			return pl, nil
		case min(T, s.length) <= shortest: // the calendars keep even the shortest plan late
			return nil, fmt.Errorf("optimize: finish by %v: the earliest is %v: %w", date, pl.Finish, ErrTooEarly)
		}
		T = max(min(T, s.length)-over, shortest) // tighter than the plan's own length on the axis
	}
	return nil, fmt.Errorf("optimize: finish by %v: the calendars keep the plan late", date)
}

// plan turns a solution into a plan, and previews it on the project for
// its finish.
func (m *model) plan(s *solution) (*Plan, error) {
	pl := &Plan{}
	set := m.n.Settings()
	for i, d := range s.dur {
		if d >= m.normal[i] {
			continue
		}
		t := &m.p.Tasks[i]
		to := inUnits(d, set, t.Duration.Elapsed)
		pl.Tasks = append(pl.Tasks, Shortening{Task: t.ID, From: t.Duration, To: to, Cost: m.slope[i] * float64(m.normal[i]-d)})
	}
	for k, o := range m.overlaps {
		used := s.overlap[k]
		if used == 0 {
			continue
		}
		l := &m.p.Links[o.link]
		pl.Links = append(pl.Links, Overlap{Pred: l.Pred, Succ: l.Succ, Lag: l.Lag, NewLag: inUnits(o.lag-used, set, false),
			Overlap: inUnits(used, set, false), Rework: o.rework * float64(used)})
		pl.Rework += o.rework * float64(used)
	}
	pl.Cost = s.cost // the shortenings' and the overlaps' costs, as solution sums them
	d, err := m.ed.Preview(pl.Edits(m.p)...)
	if err != nil {
		return nil, fmt.Errorf("optimize: applying the plan: %w", err)
	}
	pl.Finish = d.Finish[1]
	pl.Saved, _ = m.n.WorkBetween("", pl.Finish, m.r.Finish())
	return pl, nil
}

// inUnits spells minutes as whole days when they are, else as minutes.
func inUnits(minutes int64, set schedule.Settings, elapsed bool) schedule.Duration {
	d := schedule.Minutes(float64(minutes))
	if day := int64(set.MinutesPerDay); !elapsed && minutes%day == 0 {
		d = schedule.Days(float64(minutes / day))
	}
	d.Elapsed = elapsed
	return d
}

// Point is one breakpoint of the time–cost curve: the finish, the least
// cost of reaching it, and the plan there.
type Point struct {
	Finish time.Time
	Cost   float64
	Plan   *Plan
}

// Curve returns the project's time–cost curve, from the longest finish
// that costs nothing to the shortest the project can be: piecewise linear
// and convex, given by its breakpoints, latest first; between two of them
// the cost is linear. It is computed in one sweep (Fulkerson's
// parametric flow): from the cheapest flow with no deadline, each shortest
// path from the project's end back to its start is the next breakpoint.
func Curve(ctx context.Context, p *schedule.Project, opts Options) ([]Point, error) {
	var out []Point
	err := sweep(ctx, p, opts, func(m *model, s *solution) (bool, error) {
		pl, err := m.plan(s)
		if err != nil {
			return false, err
		}
		out = append(out, Point{Finish: pl.Finish, Cost: s.cost, Plan: pl})
		return true, nil
	})
	return out, err
}

// sweep calls each with the optimal schedule at each breakpoint of p's
// time–cost curve, latest first, until it returns false or an error.
func sweep(ctx context.Context, p *schedule.Project, opts Options, each func(*model, *solution) (bool, error)) error {
	m, err := newModel(p, opts)
	if err != nil {
		return err
	}
	if _, err := m.shortest(); err != nil {
		return err
	}
	g := m.net(-1)
	p0, err := g.feasible()
	if err != nil {
		return fmt.Errorf("optimize: the project's dates contradict its links: %w", err)
	}
	var ferr error
	g.solve(p0).parametric(nodeS, nodeE, func(pot []int64) bool {
		if err := ctx.Err(); err != nil {
			ferr = fmt.Errorf("optimize: %w", err)
			return false
		}
		var more bool
		more, ferr = each(m, m.solution(pot))
		return more && ferr == nil
	})
	return ferr
}

// Within returns the plan that finishes earliest for at most budget by
// what opts allow: the earliest breakpoint of the time–cost curve within
// the budget, or the point between two breakpoints where the budget runs
// out (to the whole minute that keeps within it).
func Within(ctx context.Context, p *schedule.Project, budget float64, opts Options) (*Plan, error) {
	if math.IsNaN(budget) || budget < 0 {
		return nil, fmt.Errorf("optimize: budget %v: %w", budget, schedule.ErrBadValue)
	}
	var best *solution
	var mod *model
	err := sweep(ctx, p, opts, func(m *model, s *solution) (bool, error) {
		mod = m
		if s.cost <= budget+1e-9*max(1, budget) {
			best = s
			return true, nil
		}
		// The budget runs out between the last point and this one, where
		// the cost is linear: the least whole minute within it.
		if best == nil {
			return false, nil
		}
		frac := (budget - best.cost) / (s.cost - best.cost)
		T := best.length - int64(math.Floor(frac*float64(best.length-s.length)))
		if T < best.length {
			x, err := m.solve(T)
			if err != nil {
				return false, fmt.Errorf("optimize: budget %v: %w", budget, err)
			}
			best = x
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if best == nil { // cannot happen: the first breakpoint costs nothing
		return nil, fmt.Errorf("optimize: no plan within %v", budget)
	}
	return mod.plan(best)
}
