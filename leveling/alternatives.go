package leveling

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// AlternativeKind says how an alternative resolves a conflict.
type AlternativeKind uint8

const (
	// Substitute: another resource of the same group, free over the
	// task's whole span, takes the task's assignment.
	Substitute AlternativeKind = iota
	// AddCapacity: more units of the resource (overtime, a hired crew)
	// during the conflict; nothing moves.
	AddCapacity
	// DelayTask: one task waits until the others free the resource.
	DelayTask
	// SplitTask: one task that began before the conflict keeps the work
	// done by then where it is and pauses until the others free the
	// resource.
	SplitTask
)

var alternativeNames = [...]string{"substitute", "add capacity", "delay", "split"}

// kindRank orders the kinds of alternative that move the finish alike.
var kindRank = [...]int{Substitute: 0, AddCapacity: 1, SplitTask: 2, DelayTask: 3}

func (k AlternativeKind) String() string {
	if int(k) < len(alternativeNames) {
		return alternativeNames[k]
	}
	return fmt.Sprintf("AlternativeKind(%d)", k)
}

// Alternative is one way to resolve a conflict, with its effect on the
// project finish and the edits that make it (none for AddCapacity, which
// changes the resource).
type Alternative struct {
	Kind AlternativeKind
	Task string // the task delayed or reassigned
	// Resource is the substitute (Substitute) or the resource whose
	// capacity grows by Units (AddCapacity).
	Resource string
	Units    float64
	// Delay is how far the task moves (DelayTask) or how long it pauses
	// (SplitTask), in working minutes on its calendar.
	Delay int64
	// Cost is what added capacity costs over the conflict's working
	// hours, at the resource's overtime rate (its standard rate when it
	// has none).
	Cost float64
	// Finish is the project finish with the alternative; FinishMoves how
	// much later that is than now.
	Finish      time.Time
	FinishMoves time.Duration
	Edits       []schedule.Edit
}

// Alternatives returns the ways to resolve conflict c of schedule r of
// project p, ranked: those that move the project finish least first,
// then substitutes before added capacity before splits (the task finishes
// sooner than delayed whole) before delays, then the smaller delay. Tasks of priority 1000, manually scheduled ones
// and those with a constraint other than ASAP or SNET are never moved; a
// started task is only split, after its work done; a task with NoSplit
// is never split.
func Alternatives(p *schedule.Project, r *schedule.Result, c Conflict) ([]Alternative, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	n := r.Network()
	finish := r.Finish()
	res := slices.IndexFunc(p.Resources, func(x schedule.Resource) bool { return x.ID == c.Resource })
	if res < 0 {
		return nil, fmt.Errorf("%w: conflict on unknown resource %q", ErrLevel, c.Resource)
	}
	var out []Alternative
	// Delays: each task waits for the earliest finish of the others.
	for _, u := range c.Uses {
		i, ok := n.Index(u.Task)
		if !ok {
			return nil, fmt.Errorf("%w: conflict names unknown task %q", ErrLevel, u.Task)
		}
		tr := r.Task(i)
		var until time.Time
		for _, o := range c.Uses {
			if o.Task == u.Task {
				continue
			}
			j, _ := n.Index(o.Task)
			if f := r.Task(j).Finish; until.IsZero() || f.Before(until) {
				until = f
			}
		}
		m := mobilityOf(&p.Tasks[i])
		if until.IsZero() {
			continue
		}
		try := func(kind AlternativeKind, from time.Time, edit schedule.Edit) {
			d, err := ed.Preview(edit)
			if err != nil {
				return
			}
			delay, _ := n.WorkBetween(n.Calendar(i), from, until)
			out = append(out, Alternative{Kind: kind, Task: u.Task, Delay: delay, Finish: d.Finish[1],
				FinishMoves: d.Finish[1].Sub(finish), Edits: []schedule.Edit{edit}})
		}
		if m.whole && until.After(tr.Start) {
			try(DelayTask, tr.Start, schedule.SetConstraint{Task: u.Task, Constraint: schedule.Constraint{Type: schedule.SNET, Date: until}})
		}
		if m.split && workedBefore(r, i, c.From) {
			if splits, err := r.SplitAt(i, c.From, until); err == nil {
				try(SplitTask, c.From, schedule.SetSplits{Task: u.Task, Splits: splits})
			}
		}
	}
	// Substitutes: a resource of the same group that is free.
	if group := p.Resources[res].Group; group != "" {
		for _, sub := range p.Resources {
			if sub.ID == c.Resource || sub.Group != group || sub.Type != schedule.WorkResource {
				continue
			}
			for _, u := range c.Uses {
				edits := []schedule.Edit{schedule.Unassign{Task: u.Task, Resource: c.Resource},
					schedule.Assign{Assignment: schedule.Assignment{Task: u.Task, Resource: sub.ID, Units: u.Units}}}
				if alt, ok := substitute(p, edits, c, sub.ID, u.Task); ok {
					alt.FinishMoves = alt.Finish.Sub(finish)
					out = append(out, alt)
				}
			}
		}
	}
	// Added capacity over the conflict's working time.
	rate := cmp.Or(p.Resources[res].OvertimeRate, p.Resources[res].StandardRate)
	minutes, err := n.WorkBetween(p.Resources[res].Calendar, c.From, c.To)
	if err != nil {
		return nil, fmt.Errorf("%w: resource %q: %v", ErrLevel, c.Resource, err)
	}
	out = append(out, Alternative{Kind: AddCapacity, Resource: c.Resource, Units: c.Excess,
		Cost: c.Excess * rate * float64(minutes) / 60, Finish: finish})
	slices.SortStableFunc(out, func(a, b Alternative) int {
		return cmp.Or(cmp.Compare(a.FinishMoves, b.FinishMoves), cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]), cmp.Compare(a.Delay, b.Delay))
	})
	return out, nil
}

// substitute tries edits (moving task's assignment to resource sub) on a
// copy of p: it is an alternative when the conflict's resource is no
// longer over-allocated at the conflict's start and sub is nowhere
// over-allocated while the task runs.
func substitute(p *schedule.Project, edits []schedule.Edit, c Conflict, sub, task string) (Alternative, bool) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return Alternative{}, false
	}
	if _, err := ed.Apply(edits...); err != nil {
		return Alternative{}, false
	}
	q, r := ed.Project(), ed.Result()
	cs, err := Conflicts(q, r)
	if err != nil {
		return Alternative{}, false
	}
	tr, _ := r.Lookup(task)
	for _, x := range cs {
		if x.Resource == c.Resource && !c.From.Before(x.From) && c.From.Before(x.To) {
			return Alternative{}, false
		}
		if x.Resource == sub && x.From.Before(tr.Finish) && tr.Start.Before(x.To) {
			return Alternative{}, false
		}
	}
	return Alternative{Kind: Substitute, Task: task, Resource: sub, Finish: r.Finish(), Edits: edits}, true
}
