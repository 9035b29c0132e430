package leveling

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Order is the order in which tasks keep their place when they compete
// for a resource, as Microsoft Project names its leveling orders.
type Order uint8

const (
	// Standard: higher priority first, then less total float, then the
	// earlier start, then the ID.
	Standard Order = iota
	// ByPriority: higher priority first, then Standard.
	ByPriority
	// ByID: the task listed first in the project keeps its place.
	ByID
)

// LevelOptions tune Level. The zero value levels everything, in the standard
// order, beyond the tasks' float.
type LevelOptions struct {
	Order Order
	// WithinFloat delays a task only within its total float: a conflict
	// that would need more stays, reported.
	WithinFloat bool
	// From and To, when set, bound the conflicts resolved to those that
	// start in [From, To).
	From, To time.Time
	// MaxDelays bounds the work (default 100 per task).
	MaxDelays int
}

// Delay is one task moved to resolve a conflict, and why: Resource was
// over-allocated over [ConflictFrom, ConflictTo), Winner kept its place by
// Rule, and Task now starts no earlier than To (it was at From).
type Delay struct {
	Task                     string
	From, To                 time.Time
	Resource                 string
	ConflictFrom, ConflictTo time.Time
	Winner                   string
	Rule                     string
}

// Leveled is a leveled schedule: the project with the delays as
// start-no-earlier-than constraints, its schedule, the delays in the order
// they were made, and the conflicts that remain (those the options forbid
// resolving, or that no delay can).
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
// to the earliest finish among those that stay; then it reschedules (only
// the delayed task's cone, through schedule.Editor) and goes on until no
// conflict is left that it may resolve. Tasks never shortened nor split;
// it never delays a task of priority 1000, a manually scheduled task, a
// started one, or one whose constraint is neither ASAP nor SNET.
func Level(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	limit := cmp.Or(opts.MaxDelays, 100*max(1, len(p.Tasks)))
	out := &Leveled{}
	stuck := map[string]bool{} // conflicts left as they are, by resource and start
	for len(out.Delays) < limit {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q, r := ed.Project(), ed.Result()
		cs, err := Conflicts(q, r)
		if err != nil {
			return nil, err
		}
		c, ok := firstToResolve(cs, opts, stuck)
		if !ok {
			break
		}
		d, ok := choose(q, r, c, opts)
		if !ok {
			stuck[key(c)] = true
			continue
		}
		i, _ := r.Network().Index(d.Task)
		con := schedule.Constraint{Type: schedule.SNET, Date: d.To}
		if old := q.Tasks[i].Constraint; old.Type == schedule.SNET && old.Date.After(d.To) {
			con = old
		}
		if _, err := ed.Apply(schedule.SetConstraint{Task: d.Task, Constraint: con}); err != nil {
			return nil, fmt.Errorf("leveling: delaying %s: %w", d.Task, err)
		}
		out.Delays = append(out.Delays, d)
	}
	out.Project, out.Result = ed.Project(), ed.Result()
	cs, err := Conflicts(out.Project, out.Result)
	if err != nil {
		return nil, err
	}
	out.Unresolved = cs
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

// choose picks the task to delay in conflict c, and how far: the tasks in
// the order's sequence keep their place while the resource can carry
// them; the first that does not fit and may move is delayed to the
// earliest finish of the tasks that stay.
func choose(p *schedule.Project, r *schedule.Result, c Conflict, opts LevelOptions) (Delay, bool) {
	n := r.Network()
	type cand struct {
		i     int
		use   Use
		tr    schedule.TaskResult
		fixed bool // may not move
	}
	var cands []cand
	for _, u := range c.Uses {
		i, _ := n.Index(u.Task)
		t := &p.Tasks[i]
		fixed := t.Priority >= 1000 || t.Manual || !t.ActualStart.IsZero() ||
			t.Constraint.Type != schedule.ASAP && t.Constraint.Type != schedule.SNET
		cands = append(cands, cand{i, u, r.Task(i), fixed})
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
		switch opts.Order {
		case ByID:
			return cmp.Compare(a.i, b.i)
		case ByPriority:
			if x := cmp.Compare(tb.Priority, ta.Priority); x != 0 {
				return x
			}
		}
		return cmp.Or(cmp.Compare(tb.Priority, ta.Priority), cmp.Compare(a.tr.TotalFloat, b.tr.TotalFloat),
			a.tr.Start.Compare(b.tr.Start), cmp.Compare(a.i, b.i))
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
		if !until.After(x.tr.Start) {
			continue
		}
		if opts.WithinFloat {
			w, err := n.WorkBetween(n.Calendar(x.i), x.tr.Start, until)
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
		return Delay{Task: x.tr.ID, From: x.tr.Start, To: until, Resource: c.Resource,
			ConflictFrom: c.From, ConflictTo: c.To, Winner: winner.tr.ID, Rule: why}, true
	}
	return Delay{}, false
}

func orderName(o Order) string {
	switch o {
	case ByID:
		return "order by ID"
	case ByPriority:
		return "order by priority"
	}
	return "standard order: priority, then least total float, then earliest start"
}

// Move is one change of a leveling plan, as an edit a caller can apply to
// the original project (schedule.Editor.Apply), and why.
type Move struct {
	Edit schedule.Edit
	Why  Delay
}

// Plan returns the leveling as moves: for each delayed task, in the order
// of its last delay, the constraint that holds it where leveling put it.
// Applied to the project Level was given, they give the leveled schedule.
func (l *Leveled) Plan() []Move {
	last := map[string]int{}
	for k, d := range l.Delays {
		last[d.Task] = k
	}
	var moves []Move
	for k, d := range l.Delays {
		if last[d.Task] != k {
			continue
		}
		i := slices.IndexFunc(l.Project.Tasks, func(t schedule.Task) bool { return t.ID == d.Task })
		moves = append(moves, Move{Edit: schedule.SetConstraint{Task: d.Task, Constraint: l.Project.Tasks[i].Constraint}, Why: d})
	}
	return moves
}
