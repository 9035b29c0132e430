package schedule

import (
	"errors"
	"slices"
	"time"
)

// Shift makes edits of task values — SetDuration, SetConstraint,
// SetProgress, SetSplits — as Apply does, but recomputes only the early
// dates they move, in their cone: tasks placed as late as possible keep
// the late dates they were placed at (what precedes them can still push
// them later), and late dates, floats and the project's late bound stay
// those of before until Settle (or the next Apply or Preview, which
// settles first). It is for a caller that moves many tasks one after
// another and reads only where they go, as leveling does: each shift costs
// what it moves, even when it moves the project finish, and the results
// of the tasks it moved are worked out when they are read. It returns the
// tasks whose dates it recomputed, in the project's order: every task
// that moved is among them. Edits of another kind, and projects scheduled
// backward from their finish, are applied as Apply applies them, after
// settling what was shifted before (the tasks returned then count from
// before the settling). A rejected edit changes nothing but that.
func (e *Editor) Shift(edits ...Edit) ([]int, error) {
	n := e.c.n
	if e.r.gap == nil && !n.backward && !slices.ContainsFunc(edits, func(ed Edit) bool { return !valueEdit(ed) || ed.reshapes(e) }) {
		tx := e.newTxn()
		out, err := tx.shift(edits)
		switch {
		case err == nil:
			tx.commit()
			return out, nil
		case !errors.Is(err, errFull):
			tx.rollback()
			return nil, err
		}
		tx.rollback() // a task's calendar or milestone shape changed: as Apply, below
	}
	settled := e.Settle()
	d, err := e.change(edits, false)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, c := range append(settled.Changes, d.Changes...) {
		if i, ok := e.c.n.byID[c.ID]; ok {
			out = append(out, int(i))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// shift makes value edits in place and moves the early dates they move,
// in their cone (Result.shift), returning the tasks whose dates it
// recomputed, in the project's order. It fails with errFull as apply does.
func (tx *txn) shift(edits []Edit) ([]int, error) {
	if err := tx.edit(edits); err != nil {
		return nil, err
	}
	if err := tx.compileTasks(); err != nil {
		return nil, err
	}
	touched := tx.renode()
	r := tx.e.r
	j := r.begin()
	r.shift(touched, j)
	tx.e.shifted = true
	out := make([]int, len(j.taskIdx))
	for k, i := range j.taskIdx {
		out[k] = int(i)
	}
	slices.Sort(out)
	return out, nil
}

// Settle brings a shifted schedule up to date: late dates, floats, and the
// tasks placed as late as possible at their late dates again (what follows
// them with them). It returns what changed since the shifts, as Apply
// would; nothing when nothing was shifted.
func (e *Editor) Settle() Delta {
	if !e.shifted {
		return Delta{}
	}
	e.shifted = false
	r := e.r
	oldFinish := r.Finish()
	r.rollUp()
	old := slices.Clone(r.tasks)
	r.Run()
	r.rolled = false
	r.rollUp()
	d := diffTasks(r.net, old, r.tasks)
	d.Finish = [2]time.Time{oldFinish, r.Finish()}
	d.Recomputed = len(r.net.kind)
	return d
}

// shift recomputes the early dates that the nodes in touched move, in
// topological order, stopping wherever they do not; as-late-as-possible
// nodes stay at the late dates they were placed at. It keeps the latest
// early finish of each timeline and the project finish, and marks the
// results of the tasks that moved stale (j.taskIdx lists them); it leaves
// late and free dates as they are.
func (r *Result) shift(touched []int32, j *journal) {
	n := r.net
	fw := &j.forward
	for _, v := range touched {
		fw.add(v)
		j.note(r, v)
	}
	r.placing = true // as the second forward pass of placeLate
	for v := fw.next(); v >= 0; v = fw.next() {
		j.visited++
		od := r.doneMark(v, r.done)
		if od != noDate {
			j.note(r, v)
		}
		e := r.earlyOf(v, n.floor[v])
		if e == r.early[v] && r.doneMark(v, r.done) == od && !slices.Contains(touched, v) {
			continue
		}
		if e != r.early[v] {
			j.note(r, v)
			r.early[v] = e
			j.moved = append(j.moved, v)
		}
		for _, o := range n.out[n.outOff[v]:n.outOff[v+1]] {
			fw.add(o.node)
		}
	}
	r.placing = false
	r.finishKept(j)
	// The tasks whose nodes changed, and their summaries: their results
	// are worked out when read.
	if len(r.stale) != len(n.tasks) { // first shift, or tasks added or removed since
		r.stale = make([]bool, len(n.tasks))
	}
	for _, s := range j.nodes {
		for i := n.owner[s.v]; i >= 0 && j.tseen[i] != j.gen; i = n.tasks[i].parent {
			j.tseen[i] = j.gen
			j.taskIdx = append(j.taskIdx, i)
			r.stale[i] = true
			r.staleAny = true
		}
	}
}

// Drivers returns what drives task i's early start, as Explain's Early:
// without the chains, it costs only the task's own links.
func (r *Result) Drivers(i int) []Driver {
	return r.earlyDrivers(r.net.tasks[i].node)
}
