package optimize

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// ErrTooEarly is wrapped by CompressTo's error for a date the project
// cannot finish by, however much is spent.
var ErrTooEarly = errors.New("project cannot finish that early")

// Plan is a way to finish sooner: the tasks to shorten, what that costs
// over the normal cost, and the finish the scheduler then computes.
type Plan struct {
	Finish time.Time
	Cost   float64
	Tasks  []Shortening // in the project's order
}

// Shortening is one task crashed: from its duration to a shorter one, at
// its cost slope.
type Shortening struct {
	Task     string
	From, To schedule.Duration
	Cost     float64
}

// Edits returns the plan as edits to the project it was made for.
func (pl *Plan) Edits() []schedule.Edit {
	var out []schedule.Edit
	for _, s := range pl.Tasks {
		out = append(out, schedule.SetDuration{Task: s.Task, Duration: s.To})
	}
	return out
}

// CostSlope returns what shortening task id by one working day costs, from
// its normal point (its duration and its cost as scheduled) and its crash
// point. It fails, naming the task, for a task that cannot be crashed.
func CostSlope(p *schedule.Project, id string) (float64, error) {
	m, err := newModel(p)
	if err != nil {
		return 0, err
	}
	i, ok := m.n.Index(id)
	switch {
	case !ok:
		return 0, &schedule.InputError{Task: id, Err: schedule.ErrUnknownTask}
	case p.Tasks[i].Crash == nil:
		return 0, &schedule.InputError{Task: id, Field: "crash", Err: fmt.Errorf("no crash point: %w", ErrNotCrashable)}
	case !p.Tasks[i].ActualStart.IsZero():
		return 0, &schedule.InputError{Task: id, Field: "crash", Err: fmt.Errorf("work has started: %w", ErrNotCrashable)}
	}
	return m.slope[i] * float64(m.n.Settings().MinutesPerDay), nil
}

// CompressTo returns the cheapest plan that brings the project finish to
// date or before: exact for linear costs — the optimum of the linear
// program — and over every link type and lag, so a task whose shortening
// would lengthen the project (through start-to-start and finish-to-finish
// links) is never shortened. A date the project already meets needs an
// empty plan; one it cannot meet even fully crashed is ErrTooEarly, with
// the earliest finish it can reach.
func CompressTo(ctx context.Context, p *schedule.Project, date time.Time) (*Plan, error) {
	m, err := newModel(p)
	if err != nil {
		return nil, err
	}
	shortest, err := m.shortest()
	if err != nil {
		return nil, fmt.Errorf("optimize: the project's dates contradict its links: %w", err)
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
	// may find the plan late: tighten the target by the overshoot and
	// solve again.
	for range 8 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := m.solve(T)
		if err != nil {
			return nil, err
		}
		pl, err := m.plan(s)
		if err != nil {
			return nil, err
		}
		over, _ := m.n.WorkBetween("", date, pl.Finish)
		if over <= 0 || T-over < shortest {
			return pl, nil
		}
		T -= over
	}
	return nil, fmt.Errorf("optimize: finish by %v: the calendars keep the plan late", date)
}

// plan turns a solution into a plan, and schedules it for its finish.
func (m *model) plan(s *solution) (*Plan, error) {
	pl := &Plan{}
	set := m.n.Settings()
	ed, err := schedule.NewEditor(m.p)
	if err != nil {
		return nil, err
	}
	for i, d := range s.dur {
		if m.slope[i] == 0 && d == m.normal[i] || d >= m.normal[i] {
			continue
		}
		t := &m.p.Tasks[i]
		to := schedule.Minutes(float64(d))
		if d%int64(set.MinutesPerDay) == 0 && !t.Duration.Elapsed {
			to = schedule.Days(float64(d / int64(set.MinutesPerDay)))
		}
		to.Elapsed = t.Duration.Elapsed
		pl.Tasks = append(pl.Tasks, Shortening{Task: t.ID, From: t.Duration, To: to, Cost: m.slope[i] * float64(m.normal[i]-d)})
		pl.Cost += m.slope[i] * float64(m.normal[i]-d)
	}
	if _, err := ed.Apply(pl.Edits()...); err != nil {
		return nil, fmt.Errorf("optimize: applying the plan: %w", err)
	}
	pl.Finish = ed.Result().Finish()
	return pl, nil
}

// Point is one breakpoint of the time–cost curve: the finish, the least
// cost of reaching it, and the plan there.
type Point struct {
	Finish time.Time
	Cost   float64
	Plan   *Plan
}

// Curve returns the project's time–cost curve, from the normal schedule
// (no cost) to the shortest it can be: piecewise linear and convex, given
// by its breakpoints, latest finish first; between two of them the cost
// is linear. It is found by evaluating the exact optimum where the
// tangents of known points meet (the sandwich method), so each breakpoint
// costs a few solves.
func Curve(ctx context.Context, p *schedule.Project) ([]Point, error) {
	m, err := newModel(p)
	if err != nil {
		return nil, err
	}
	lo, err := m.shortest()
	if err != nil {
		return nil, fmt.Errorf("optimize: the project's dates contradict its links: %w", err)
	}
	hi, _ := m.n.WorkBetween("", m.r.Start(), m.r.Finish())
	hi = max(hi, lo)
	costs := map[int64]float64{}
	cost := func(T int64) (float64, error) {
		if c, ok := costs[T]; ok {
			return c, nil
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		s, err := m.solve(T)
		if err != nil {
			return 0, err
		}
		costs[T] = s.cost
		return s.cost, nil
	}
	// Breakpoints lie on whole minutes; the curve is convex. Between two
	// points known to be breakpoints or ends, a point in the middle tells
	// whether the curve is straight there.
	var walk func(a, b int64) error
	walk = func(a, b int64) error {
		if b-a < 2 {
			return nil
		}
		ca, _ := cost(a)
		cb, _ := cost(b)
		mid := a + (b-a)/2
		cm, err := cost(mid)
		if err != nil {
			return err
		}
		line := ca + (cb-ca)*float64(mid-a)/float64(b-a)
		if math.Abs(cm-line) <= 1e-9*max(1, math.Abs(line)) {
			// Straight at mid: straight from a to b, as the curve is
			// convex and meets the chord at an inner point.
			return nil
		}
		if err := walk(a, mid); err != nil {
			return err
		}
		return walk(mid, b)
	}
	if _, err := cost(lo); err != nil {
		return nil, err
	}
	if _, err := cost(hi); err != nil {
		return nil, err
	}
	if err := walk(lo, hi); err != nil {
		return nil, err
	}
	// Keep the points where the slope changes, latest first.
	Ts := make([]int64, 0, len(costs))
	for T := range costs {
		Ts = append(Ts, T)
	}
	slices.Sort(Ts)
	var keep []int64
	for k, T := range Ts {
		if k > 0 && k < len(Ts)-1 {
			a, b := Ts[k-1], Ts[k+1]
			line := costs[a] + (costs[b]-costs[a])*float64(T-a)/float64(b-a)
			if math.Abs(costs[T]-line) <= 1e-9*max(1, math.Abs(line)) {
				continue
			}
		}
		keep = append(keep, T)
	}
	var out []Point
	for _, T := range slices.Backward(keep) {
		s, err := m.solve(T)
		if err != nil {
			return nil, err
		}
		pl, err := m.plan(s)
		if err != nil {
			return nil, err
		}
		out = append(out, Point{Finish: pl.Finish, Cost: s.cost, Plan: pl})
	}
	return out, nil
}

// CrashWithin returns the plan that finishes earliest for at most budget:
// on the time–cost curve, the earliest point within the budget, or a
// point between two breakpoints where the budget runs out.
func CrashWithin(ctx context.Context, p *schedule.Project, budget float64) (*Plan, error) {
	if math.IsNaN(budget) || budget < 0 {
		return nil, fmt.Errorf("optimize: budget %v: %w", budget, schedule.ErrBadValue)
	}
	m, err := newModel(p)
	if err != nil {
		return nil, err
	}
	lo, err := m.shortest()
	if err != nil {
		return nil, fmt.Errorf("optimize: the project's dates contradict its links: %w", err)
	}
	hi, _ := m.n.WorkBetween("", m.r.Start(), m.r.Finish())
	// The cost falls as T grows: find the least T whose cost fits.
	fits := func(T int64) (bool, *solution, error) {
		if err := ctx.Err(); err != nil {
			return false, nil, err
		}
		s, err := m.solve(T)
		if err != nil {
			return false, nil, err
		}
		return s.cost <= budget+1e-9*max(1, budget), s, nil
	}
	ok, best, err := fits(lo)
	if err != nil {
		return nil, err
	}
	if !ok {
		a, b := lo, max(hi, lo) // cost(a) > budget ≥ cost(b)
		_, best, err = fits(b)
		if err != nil {
			return nil, err
		}
		for b-a > 1 {
			mid := a + (b-a)/2
			ok, s, err := fits(mid)
			if err != nil {
				return nil, err
			}
			if ok {
				b, best = mid, s
			} else {
				a = mid
			}
		}
	}
	return m.plan(best)
}
