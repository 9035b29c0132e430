package leveling

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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
	// MaxDelays bounds the work of one pass (default 100 per task).
	MaxDelays int
	// Passes is how many leveling passes to try, keeping the one that
	// leaves the fewest conflicts (then finishes first, then delays
	// least): the orders Standard, LatestFinish, LatestStart, ByPriority
	// and ByID, then Standard with its ties and near-ties broken at
	// random (seeded by Seed). Zero or one: a single pass in Order.
	Passes int
	Seed   uint64
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
}

// ErrLevel is wrapped by errors about what Level was asked.
var ErrLevel = errors.New("leveling")

// Level resolves p's over-allocations by delaying tasks, as Microsoft
// Project's leveling does, with every delay explained: it takes the
// earliest conflict, lets the tasks that come first in the chosen order
// keep their place up to the resource's capacity, and delays the others
// to the earliest finish among those that stay — or, with Split, pauses
// the remaining work of one that began before the conflict until then;
// then it reschedules (only the changed task's cone, through
// schedule.Editor) and goes on until no conflict is left that it may
// resolve. Tasks are never shortened; it never moves a task of priority
// 1000, a manually scheduled one or one whose constraint is neither ASAP
// nor SNET, and it moves a started task only by splitting it, after its
// work done.
func Level(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	if opts.Passes <= 1 {
		return levelOnce(ctx, p, opts, nil)
	}
	orders := []Order{Standard, LatestFinish, LatestStart, ByPriority, ByID}
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
		l, err := levelOnce(ctx, p, o, jitter)
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

// levelOnce is one leveling pass; jitter, when set, is added to each
// task's total float in the Standard order.
func levelOnce(ctx context.Context, p *schedule.Project, opts LevelOptions, jitter map[string]float64) (*Leveled, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	limit := cmp.Or(opts.MaxDelays, 100*max(1, len(p.Tasks)))
	out := &Leveled{}
	stuck := map[string]bool{} // conflicts left as they are, by resource and start
	// The order is fixed from the schedule before leveling: a task can
	// then only wait for tasks ranked above it, never they for it, and
	// the passes end.
	rank := make([]schedule.TaskResult, len(p.Tasks))
	for i, tr := range ed.Result().Tasks() {
		rank[i] = tr
	}
	cs, err := Conflicts(ed.Project(), ed.Result())
	if err != nil {
		return nil, err
	}
	for len(out.Delays) < limit {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q, r := ed.Project(), ed.Result()
		c, ok := firstToResolve(cs, opts, stuck)
		if !ok {
			break
		}
		d, edit, ok := choose(q, r, c, opts, rank, jitter, func(edit schedule.Edit, stay []string) bool {
			d, err := ed.Preview(edit)
			if err != nil {
				return true
			}
			for _, ch := range d.Changes {
				if slices.Contains(stay, ch.ID) && !ch.Old.Start.Equal(ch.New.Start) {
					return true
				}
			}
			return false
		})
		if !ok {
			stuck[key(c)] = true
			continue
		}
		if _, err := ed.Apply(edit); err != nil {
			return nil, fmt.Errorf("leveling: delaying %s: %w", d.Task, err)
		}
		out.Delays = append(out.Delays, d)
		if cs, err = Conflicts(ed.Project(), ed.Result()); err != nil {
			return nil, err
		}
	}
	out.Project, out.Result, out.Unresolved = ed.Project(), ed.Result(), cs
	return out, nil
}

func key(c Conflict) string { return c.Resource + "@" + c.From.String() }

// firstToResolve returns the earliest conflict the options let Level
// resolve and that has not proved stuck.
func firstToResolve(cs []Conflict, opts LevelOptions, stuck map[string]bool) (Conflict, bool) {
	var best Conflict
	found := false
	for _, c := range cs {
		switch {
		case stuck[key(c)], !opts.From.IsZero() && c.From.Before(opts.From), !opts.To.IsZero() && !c.From.Before(opts.To):
			continue
		}
		if !found || c.From.Before(best.From) {
			best, found = c, true
		}
	}
	return best, found
}

// choose picks the task to move in conflict c, how far, and the edit that
// moves it: the tasks in the order's sequence keep their place while the
// resource can carry them; the first that does not fit and may move is
// delayed to the earliest finish of the tasks that stay, or split there
// when it worked before the conflict and the options allow.
func choose(p *schedule.Project, r *schedule.Result, c Conflict, opts LevelOptions, rank []schedule.TaskResult, jitter map[string]float64,
	drags func(edit schedule.Edit, stay []string) bool) (Delay, schedule.Edit, bool) {
	n := r.Network()
	type cand struct {
		i     int
		use   Use
		tr    schedule.TaskResult
		fixed bool // may not move
		split bool // moves by splitting
	}
	var cands []cand
	for _, u := range c.Uses {
		i, _ := n.Index(u.Task)
		m := mobilityOf(&p.Tasks[i])
		split := opts.Split && m.split && workedBefore(r, i, c.From)
		cands = append(cands, cand{i, u, r.Task(i), !m.whole && !split, split})
	}
	rule := orderName(opts.Order)
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.fixed != b.fixed { // what may not move keeps its place first
			if a.fixed {
				return -1
			}
			return 1
		}
		ta, tb := &p.Tasks[a.i], &p.Tasks[b.i]
		ra, rb := &rank[a.i], &rank[b.i] // as before leveling
		standard := func() int {
			fa, fb := float64(ra.TotalFloat)+jitter[ra.ID], float64(rb.TotalFloat)+jitter[rb.ID]
			return cmp.Or(cmp.Compare(fa, fb), ra.Start.Compare(rb.Start), cmp.Compare(tb.LevelingPriority(), ta.LevelingPriority()), cmp.Compare(a.i, b.i))
		}
		switch opts.Order {
		case ByID:
			return cmp.Compare(a.i, b.i)
		case ByPriority:
			return cmp.Or(cmp.Compare(tb.LevelingPriority(), ta.LevelingPriority()), standard())
		case LatestFinish:
			return cmp.Or(ra.LateFinish.Compare(rb.LateFinish), standard())
		case LatestStart:
			return cmp.Or(ra.LateStart.Compare(rb.LateStart), standard())
		}
		return standard()
	})
	var load float64
	var stay []cand
	for _, x := range cands {
		if load+x.use.Units <= c.Available+tolerance || x.fixed {
			load += x.use.Units
			stay = append(stay, x)
			continue
		}
		if len(stay) == 0 {
			continue // it cannot fit even alone: no delay helps
		}
		until := stay[0].tr.Finish
		for _, s := range stay[1:] {
			if s.tr.Finish.Before(until) {
				until = s.tr.Finish
			}
		}
		from := x.tr.Start
		var edit schedule.Edit
		if x.split {
			splits, err := r.SplitAt(x.i, c.From, until)
			if err != nil {
				continue
			}
			from, edit = c.From, schedule.SetSplits{Task: x.tr.ID, Splits: splits}
		} else { // x works at c.From, so starts before until: a later start
			edit = schedule.SetConstraint{Task: x.tr.ID, Constraint: schedule.Constraint{Type: schedule.SNET, Date: until}}
		}
		var ids []string
		for _, s := range stay {
			ids = append(ids, s.tr.ID)
		}
		if drags(edit, ids) { // it leads them: moving it would push them too
			continue
		}
		if opts.WithinFloat {
			w, err := n.WorkBetween(n.Calendar(x.i), from, until)
			if err != nil || w > x.tr.TotalFloat {
				continue
			}
		}
		winner := stay[0]
		for _, s := range stay {
			if s.tr.Finish.Equal(until) {
				winner = s
				break
			}
		}
		why := rule
		if winner.fixed {
			why = "may not move"
		}
		return Delay{Task: x.tr.ID, From: from, To: until, Split: x.split, Resource: c.Resource,
			ConflictFrom: c.From, ConflictTo: c.To, Winner: winner.tr.ID, Rule: why}, edit, true
	}
	return Delay{}, nil, false
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
