package leveling

import (
	"slices"

	"github.com/critpath/critpath/schedule"
)

// Step is one task on the resource-constrained critical path and what
// ties it to the step before: a link, a resource it waited for (the
// task that held it), or nothing (the path starts there: the project
// start, a constraint, progress).
type Step struct {
	Task     string
	Link     *schedule.Link // the driving link from the step before, if any
	Resource string         // the resource it waited for, if any
}

// CriticalPath returns the resource-constrained critical path of a
// leveled schedule: from a task that finishes the project back through
// what fixes each start — a driving link, or the leveling delay that made
// it wait for a resource and the task that held it; for a task leveling
// split, the pause that made its work wait — in time order. It is
// the chain to shorten to finish sooner; float off it stays meaningful.
func (l *Leveled) CriticalPath() []Step {
	r := l.Result
	n := r.Network()
	waited := map[string]Delay{} // each task's last delay
	paused := map[string]Delay{} // and its last split
	for _, d := range l.Delays {
		if d.Split {
			paused[d.Task] = d
		} else {
			waited[d.Task] = d
		}
	}
	// The task finishing last (the first in the project's order on a tie).
	last, lastIdx := r.Finish(), -1
	for i, tr := range r.Tasks() {
		if !tr.Summary && tr.Finish.Equal(last) {
			lastIdx = i
			break
		}
	}
	if lastIdx < 0 {
		return nil
	}
	var path []Step
	seen := map[string]bool{}
	for i := lastIdx; i >= 0; {
		id := n.ID(i)
		if seen[id] {
			break
		}
		seen[id] = true
		step := Step{Task: id}
		next := -1
		if w, ok := paused[id]; ok { // its finish waits on its pause
			step.Resource = w.Resource
			next, _ = n.Index(w.Winner)
			path = append(path, step)
			i = next
			continue
		}
		for _, d := range r.Drivers(i) {
			switch {
			case d.Kind == schedule.ByLink && d.Task != "":
				step.Link = d.Link
				next, _ = n.Index(d.Task)
			case d.Kind == schedule.ByConstraint:
				if w, ok := waited[id]; ok {
					step.Resource = w.Resource
					next, _ = n.Index(w.Winner)
				}
			}
			if next >= 0 {
				break
			}
		}
		path = append(path, step)
		i = next
	}
	slices.Reverse(path) // each step's tie is to the step before it
	return path
}
