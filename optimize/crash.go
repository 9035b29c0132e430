package optimize

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/critpath/critpath/schedule"
)

// ErrTooEarly is wrapped by Compress's error for a date the project
// cannot finish by, however much is spent (a *TooEarlyError).
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
	T, err := m.n.WorkBetween("", m.r.Start(), date)
	if err != nil {
		return nil, err
	}
	// The least length, by Bellman–Ford, only when a date turns out too
	// early or the calendars make a plan late.
	shortest, known := int64(0), false
	least := func() (int64, error) {
		if !known {
			shortest, err = m.shortest()
			known = err == nil
		}
		return shortest, err
	}
	// The time axis is exact on one calendar; on several, the scheduler
	// may find the plan late: tighten the target below the plan's length
	// on the axis by the overshoot and solve again; late even at the
	// shortest, the date is too early.
	for range 8 {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("optimize: %w", err)
		}
		s, err := m.solve(ctx, T)
		if errors.Is(err, errInfeasible) { // the dates contradict the links, or the date is too early
			sh, err := least()
			if err != nil {
				return nil, err
			}
			if T < sh {
				at, _ := m.n.AddWork("", m.r.Start(), sh)
				return nil, m.tooEarly(date, at)
			}
			return nil, fmt.Errorf("optimize: finish by %s: %w", m.day(date), errInfeasible)
		}
		if err != nil {
			return nil, err
		}
		pl, err := m.plan(s)
		if err != nil {
			return nil, err
		}
		over, _ := m.n.WorkBetween("", date, pl.Finish)
		if over <= 0 {
			return pl, nil
		}
		sh, err := least()
		if err != nil {
			return nil, err
		}
		if min(T, s.length) <= sh { // the calendars keep even the shortest plan late
			return nil, m.tooEarly(date, pl.Finish)
		}
		T = max(min(T, s.length)-over, sh) // tighter than the plan's own length on the axis
	}
	return nil, fmt.Errorf("optimize: finish by %s: the calendars keep the plan late", m.day(date))
}

// TooEarlyError is Compress's error for a date the project cannot finish
// by, however much is spent: the date, and the earliest finish there is.
// It wraps ErrTooEarly.
type TooEarlyError struct {
	Date, Earliest time.Time
}

// dayLayout is how messages give dates: as critpath prints them.
const dayLayout = "Mon 2006-01-02 15:04"

func (e *TooEarlyError) Error() string {
	return fmt.Sprintf("optimize: finish by %s: the earliest is %s: %v", e.Date.Format(dayLayout), e.Earliest.Format(dayLayout), ErrTooEarly)
}

func (e *TooEarlyError) Unwrap() error { return ErrTooEarly }

// tooEarly is the error for date, earliest being the earliest finish,
// both in the project's time zone.
func (m *model) tooEarly(date, earliest time.Time) error {
	loc := m.r.Start().Location()
	return &TooEarlyError{Date: date.In(loc), Earliest: earliest.In(loc)}
}

// day spells a date for a message, in the project's time zone.
func (m *model) day(t time.Time) string { return t.In(m.r.Start().Location()).Format(dayLayout) }

// plan turns a solution into a plan, and previews it on the project for
// its finish.
func (m *model) plan(s *solution) (*Plan, error) {
	pl := &Plan{}
	for i, d := range s.dur {
		if d >= m.normal[i] {
			continue
		}
		t := &m.p.Tasks[i]
		to := m.inUnits(d, t.Duration)
		pl.Tasks = append(pl.Tasks, Shortening{Task: t.ID, From: t.Duration, To: to, Cost: m.slope[i] * float64(m.normal[i]-d)})
	}
	for k, o := range m.overlaps {
		used := s.overlap[k]
		if used == 0 {
			continue
		}
		l := &m.p.Links[o.link]
		like := l.Lag
		if like.IsZero() || like.Unit == schedule.Percent {
			like = l.Overlap
		}
		pl.Links = append(pl.Links, Overlap{Pred: l.Pred, Succ: l.Succ, Lag: l.Lag, NewLag: m.inUnits(o.lag-used, like),
			Overlap: m.inUnits(used, l.Overlap), Rework: o.rework * float64(used)})
		pl.Rework += o.rework * float64(used)
	}
	pl.Cost = s.cost // the shortenings' and the overlaps' costs, as solution sums them
	finish, err := m.finish(pl, s)
	if err != nil {
		return nil, fmt.Errorf("optimize: applying the plan: %w", err)
	}
	pl.Finish = finish
	pl.Saved, _ = m.n.WorkBetween("", pl.Finish, m.r.Finish())
	return pl, nil
}

// finish returns the project's finish with the plan made. A plan that
// only shortens tasks, none to nothing and none with assignments whose
// work the new duration rewrites, runs on a schedule of the model's
// network with the new durations set, as the editor would update it;
// any other is previewed on the editor.
func (m *model) finish(pl *Plan, s *solution) (time.Time, error) {
	fast := len(pl.Links) == 0
	for i, d := range s.dur {
		if d < m.normal[i] && (d == 0 || m.assigned[i]) {
			fast = false
			break
		}
	}
	if !fast {
		d, err := m.ed.Preview(pl.Edits(m.p)...)
		return d.Finish[1], err
	}
	if m.fast == nil {
		m.fast = m.n.NewResult()
	}
	for _, i := range m.shortened { // back to normal
		if err := m.fast.SetDuration(i, m.normal[i]); err != nil {
			return time.Time{}, err
		}
	}
	m.shortened = m.shortened[:0]
	for i, d := range s.dur {
		if d < m.normal[i] {
			if err := m.fast.SetDuration(i, d); err != nil {
				return time.Time{}, err
			}
			m.shortened = append(m.shortened, i)
		}
	}
	m.fast.Run()
	return m.fast.Finish(), nil
}

// inUnits spells minutes of working time (or elapsed time, as like
// counts) in like's unit when that takes at most two decimals, as 3.5d
// for a task given in days; else in hours, or else in minutes.
func (m *model) inUnits(minutes int64, like schedule.Duration) schedule.Duration {
	for _, u := range []schedule.Unit{like.Unit, schedule.Hour} {
		d := schedule.Duration{Amount: 1, Unit: u, Elapsed: like.Elapsed}
		per, err := m.n.Minutes(d)
		if err != nil || u == schedule.Percent || per <= 0 || minutes*100%per != 0 {
			continue
		}
		d.Amount = float64(minutes*100/per) / 100
		return d
	}
	return schedule.Duration{Amount: float64(minutes), Unit: schedule.Minute, Elapsed: like.Elapsed}
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
// the cost is linear. It is computed in one sweep (parametric network
// simplex): from the cheapest schedule with no deadline, the deadline
// comes down through the ranges over which one tree of the simplex stays
// optimal, and a breakpoint is where the curve's slope changes.
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
	if _, err := m.solve(ctx, inf); err != nil {
		if errors.Is(err, errInfeasible) {
			err = fmt.Errorf("optimize: the project's dates contradict its links: %w", err)
		}
		return err
	}
	var ferr error
	err = m.sx.sweep(ctx, func(_ int64, pot []int64) bool {
		var more bool
		more, ferr = each(m, m.solution(pot))
		return more && ferr == nil
	})
	return cmp.Or(ferr, err)
}

// Within returns the plan that finishes earliest for at most budget by
// what opts allow: the earliest breakpoint of the time–cost curve within
// the budget, or the point between two breakpoints where the budget runs
// out (to the whole minute that keeps within it).
func Within(ctx context.Context, p *schedule.Project, budget float64, opts Options) (*Plan, error) {
	if math.IsNaN(budget) || budget < 0 {
		return nil, fmt.Errorf("optimize: budget %v: %w", budget, schedule.ErrBadValue)
	}
	within := func(cost float64) bool { return cost <= budget+1e-9*max(1, budget) }
	var best *solution
	var mod *model
	err := sweep(ctx, p, opts, func(m *model, s *solution) (bool, error) {
		mod = m
		if within(s.cost) {
			best = s
			return true, nil
		}
		if best == nil { // cannot happen: the first breakpoint costs nothing
			return false, nil
		}
		// The budget runs out between the last breakpoint and this one,
		// where the cost is linear: the least whole minute within it.
		// The share of the way the budget reaches, rounded, may be a
		// minute off either way: the costs at the minutes either side
		// decide, each solved from the tree at hand.
		frac := (budget - best.cost) / (s.cost - best.cost)
		span := best.length - s.length
		step := int64(math.Floor(frac * float64(span)))
		for _, k := range []int64{step + 1, step, step - 1} {
			if k <= 0 || k >= span {
				continue
			}
			x, err := m.solve(ctx, best.length-k)
			if err != nil {
				return false, err
			}
			if within(x.cost) {
				best = x
				break
			}
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
