package leveling

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Order is the order in which tasks keep their place when they compete
// for a resource, as Microsoft Project names its leveling orders.
type Order uint8

const (
	// Standard: less total float first (minimum slack), then the earlier
	// start, then higher priority, then the project's order.
	Standard Order = iota
	// ByPriority: higher priority first, then Standard.
	ByPriority
	// ByID: the task listed first in the project keeps its place.
	ByID
	// LatestFinish: the earlier late finish first (the LFT rule).
	LatestFinish
	// LatestStart: the earlier late start first (the LST rule).
	LatestStart
)

// LevelOptions tune Level. The zero value levels everything, in the standard
// order, beyond the tasks' float.
type LevelOptions struct {
	Order Order
	// WithinFloat delays a task only within its total float: a conflict
	// that would need more stays, reported.
	WithinFloat bool
	// Split lets leveling split a task's remaining work, as Microsoft
	// Project's "leveling can create splits in remaining work": a task
	// that has worked before a conflict keeps that work where it is and
	// pauses until the resource is free, instead of moving whole. It is
	// how a started task's remaining work is leveled. Tasks with NoSplit
	// move whole.
	Split bool
	// From and To, when set, bound the conflicts resolved to those that
	// start in [From, To).
	From, To time.Time
	// MaxDelays bounds the delays of one pass (default 100 per task).
	MaxDelays int
	// Passes is how many leveling passes to try, keeping the one that
	// leaves the fewest conflicts (then finishes first, then delays
	// least): the orders Standard, LatestFinish, LatestStart, ByPriority
	// and ByID, then Standard with its ties and near-ties broken at
	// random (seeded by Seed). One: a single pass in Order. Zero: the
	// five orders for a project of up to smallProject tasks in the
	// standard order (a pass of such a project takes milliseconds, and the
	// orders differ by weeks on a real one), else a single pass.
	Passes int
	// Schedules, when set, lets Level use Solve's search too, with that
	// budget of schedules (seeded by Seed): the project is mapped onto
	// the solver's grid (see Level), and the best schedule found is
	// brought back as delays, kept when it levels better than the passes.
	// A time budget is the context's deadline: the search then returns
	// the best it found.
	Schedules int
	Seed      uint64
}

// Delay is one task moved to resolve a conflict, and why: Resource was
// over-allocated over [ConflictFrom, ConflictTo), Winner kept its place by
// Rule, and Task now starts no earlier than To (it was at From) — or,
// when Split, its work before From stays and the rest pauses until To.
type Delay struct {
	Task                     string
	From, To                 time.Time
	Split                    bool
	Resource                 string
	ConflictFrom, ConflictTo time.Time
	Winner                   string
	Rule                     string
}

// Leveled is a leveled schedule: the project with the delays as
// start-no-earlier-than constraints, its schedule, the delays in the order
// they were made, and the conflicts that remain (those the options forbid
// resolving, or that no delay can). Split tasks carry their splits.
type Leveled struct {
	Project    *schedule.Project
	Result     *schedule.Result
	Delays     []Delay
	Unresolved []Conflict
	// Approximated says what of the project the search's grid could not
	// hold exactly, when the search ran on an approximation (then its
	// leveling is checked by the scheduler, the conflicts counted on its
	// schedule, and what the approximation left resolved after it), and
	// whether its leveling was kept.
	Approximated []string
}

// ErrLevel is wrapped by errors about what Level was asked.
var ErrLevel = errors.New("leveling")

// Level resolves p's over-allocations by delaying tasks, as Microsoft
// Project's leveling does, with every delay explained: the tasks that come
// first in the chosen order keep their place, and the others wait for
// them. It goes in two steps. First it places the tasks one at a time in
// the order — each once what it follows is placed, so that its dates are
// then final — delaying each that clashes with those placed before to the
// first moment from which all its work fits among them (or, with Split,
// pausing the remaining work of one that worked before the clash until
// then): a task is delayed once, at most a few times. Then it takes the
// conflicts left, earliest first (what the estimate of a task's new dates
// missed, what a task that may not move ran into): those of the tasks in
// the order that the resource can carry keep their place, and each other
// waits until it fits among all the others, or else until the resource
// frees enough for it. Tasks placed as late as possible stay where they
// are meanwhile; then they are placed at their late dates again and what
// that moved is leveled in turn, a few rounds at most (such a task moves
// with the finish, so its conflicts may remain). Rescheduling after a
// delay costs only what the delay moves (schedule.Editor.Shift), and a
// conflict is looked for only where a delay moved work. Tasks are never
// shortened; it never moves a task of priority 1000, a manually scheduled
// one or one whose constraint is neither ASAP nor SNET, nor one that
// would move one keeping its place, and it moves a started task only by
// splitting it, after its work done; a task that alone asks more of a
// resource than it has is not delayed for it (no delay helps).
//
// With opts.Schedules, and in the standard order by default when the
// project fits exactly, Level also runs Solve's search (its fast default
// without a budget) on the project mapped onto the solver's grid: time in
// periods of the project calendar's working time from the start, one job
// per task that may move whole, links of every type and lag (and links
// through summaries) as lags between starts, constraint dates and the
// tasks that may not move as releases, the work of those tasks as busy
// periods, fractional units in hundredths. What the grid cannot hold —
// other calendars, elapsed time, a task's splits, tasks placed as late as
// possible, more than 64 resources — is approximated and said in
// Approximated. The search's best schedule comes back as delays to
// start-no-earlier-than dates, each naming the resource and the task it
// waited for in that schedule; the conflicts it leaves are resolved as
// above; and its leveling is kept when it finishes no later and leaves no
// more over-allocation than the passes', and does better in one. The
// search knows neither float nor dates to level within: with WithinFloat,
// From or To it is not run.
func Level(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	best, err := levelPasses(ctx, p, opts)
	if err != nil || opts.Schedules <= 0 && opts.Order != Standard {
		return best, err
	}
	if opts.WithinFloat || !opts.From.IsZero() || !opts.To.IsZero() {
		if opts.Schedules > 0 {
			best.Approximated = append(best.Approximated, "the search levels neither within float nor within dates: it was not run")
		}
		return best, nil
	}
	l, err := levelOnce(ctx, p, opts, nil, true)
	switch {
	case errors.Is(err, errInexact):
		return best, nil
	case err != nil && ctx.Err() != nil:
		return nil, err
	case err != nil: // the project does not fit the grid: the passes' leveling stands
		best.Approximated = append(best.Approximated, err.Error())
		return best, nil
	case dominates(l, best):
		return l, nil
	case opts.Schedules > 0:
		best.Approximated = append(l.Approximated, "the search's leveling was not better: the passes' is kept")
	}
	return best, nil
}

// dominates reports whether leveling a is better than b in one way and
// worse in none: it finishes no later and leaves no more over-allocation
// (excess units times its length), and does either strictly less. The
// count of conflicts left says little here: one task that works where its
// resource does not makes one per night wherever it goes.
func dominates(a, b *Leveled) bool {
	fa, fb := a.Result.Finish(), b.Result.Finish()
	oa, ob := overload(a.Unresolved), overload(b.Unresolved)
	switch {
	case fa.After(fb) || oa > ob*(1+1e-9)+tolerance:
		return false
	case fa.Before(fb):
		return true
	}
	return oa < ob*(1-1e-9)-tolerance
}

// overload is the over-allocation of conflicts: excess units times hours.
func overload(cs []Conflict) float64 {
	var sum float64
	for _, c := range cs {
		sum += c.Excess * c.To.Sub(c.From).Hours()
	}
	return sum
}

// smallProject is the most tasks a project may have for Level to try
// every order by default.
const smallProject = 500

// levelPasses runs the leveling passes opts asks for and keeps the best.
func levelPasses(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	orders := []Order{Standard, LatestFinish, LatestStart, ByPriority, ByID}
	if opts.Passes == 0 && opts.Order == Standard && len(p.Tasks) <= smallProject {
		opts.Passes = len(orders)
	}
	if opts.Passes <= 1 {
		return levelOnce(ctx, p, opts, nil, false)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x1e7e1))
	var best *Leveled
	for pass := range opts.Passes {
		o := opts
		var jitter map[string]float64
		if pass < len(orders) {
			o.Order = orders[pass]
		} else {
			o.Order, jitter = Standard, map[string]float64{}
			for _, t := range p.Tasks {
				jitter[t.ID] = rng.Float64() * 8 * 60 // up to a day of float
			}
		}
		l, err := levelOnce(ctx, p, o, jitter, false)
		if err != nil {
			return nil, err
		}
		if best == nil || better(l, best) {
			best = l
		}
	}
	return best, nil
}

func better(a, b *Leveled) bool {
	if len(a.Unresolved) != len(b.Unresolved) {
		return len(a.Unresolved) < len(b.Unresolved)
	}
	if fa, fb := a.Result.Finish(), b.Result.Finish(); !fa.Equal(fb) {
		return fa.Before(fb)
	}
	return len(a.Delays) < len(b.Delays)
}

// mobility is how leveling may move a task: whole (delayed), or by a
// split of its remaining work (when the options allow splits).
type mobility struct{ whole, split bool }

// mobilityOf says how t may move: not at all when of priority 1000 or
// manually scheduled; whole when not started and its constraint is ASAP or
// SNET; by a split when it may move whole or has started, unless NoSplit.
func mobilityOf(t *schedule.Task) mobility {
	if t.LevelingPriority() >= 1000 || t.Manual {
		return mobility{}
	}
	started := !t.ActualStart.IsZero()
	whole := !started && (t.Constraint.Type == schedule.ASAP || t.Constraint.Type == schedule.SNET)
	return mobility{whole: whole, split: (whole || started) && !t.NoSplit}
}

// workedBefore reports whether task i has work before moment at and none
// done after it: it can pause there.
func workedBefore(r *schedule.Result, i int, at time.Time) bool {
	before := false
	for _, s := range r.Segments(i) {
		if s.Done && s.Finish.After(at) {
			return false
		}
		before = before || s.Start.Before(at)
	}
	return before
}

func orderName(o Order) string {
	switch o {
	case ByID:
		return "order by ID"
	case ByPriority:
		return "order by priority, then least total float"
	case LatestFinish:
		return "earliest late finish first"
	case LatestStart:
		return "earliest late start first"
	}
	return "standard order: least total float, then earliest start, then priority"
}

// Move is one change of a leveling plan, as an edit a caller can apply to
// the original project (schedule.Editor.Apply), and why.
type Move struct {
	Edit schedule.Edit
	Why  Delay
}

// Plan returns the leveling as moves: for each delayed task, in the order
// of its last delay, the constraint that holds it where leveling put it;
// for each split one, in the order of its last split, its splits.
// Applied to the project Level was given, they give the leveled schedule.
func (l *Leveled) Plan() []Move {
	type kind struct {
		task  string
		split bool
	}
	last := map[kind]int{}
	for k, d := range l.Delays {
		last[kind{d.Task, d.Split}] = k
	}
	var moves []Move
	for k, d := range l.Delays {
		if last[kind{d.Task, d.Split}] != k {
			continue
		}
		i, _ := l.Result.Network().Index(d.Task)
		t := &l.Project.Tasks[i]
		var edit schedule.Edit = schedule.SetConstraint{Task: d.Task, Constraint: t.Constraint}
		if d.Split {
			edit = schedule.SetSplits{Task: d.Task, Splits: t.Splits}
		}
		moves = append(moves, Move{Edit: edit, Why: d})
	}
	return moves
}
