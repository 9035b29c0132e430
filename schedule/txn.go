package schedule

import (
	"errors"
	"slices"
	"time"
)

// txn is one incremental change in the making. Its edits are made in
// place: in the editor's project, its network's nodes, edges and task
// infos, its compiler's per-task values and timelines, and its result.
// Each change is recorded, as it is made, in one undo list: rollback runs
// the list backward and puts everything back as it was (for a rejected
// edit, a preview, or before compiling the project again); commit keeps
// the changes.
type txn struct {
	e        *Editor
	undo     []func()  // in the order the changes were made
	edited   []int32   // the tasks whose values the edits set, as first touched
	reshaped []string  // the tasks whose nodes or edges structural edits changed
	removed  []removal // the tasks removed, with their last schedule, for the delta
	finish   time.Time // the project finish before
}

// errFull reports a change the network cannot take in place: the editor
// undoes it and makes the edits by compiling the project again.
var errFull = errors.New("compile again")

// errRerun reports a change that reaches the whole schedule: the network
// keeps it, and the editor runs the whole schedule again.
var errRerun = errors.New("run the whole schedule again")

// newTxn starts a change of the editor's project and schedule.
func (e *Editor) newTxn() *txn {
	tx := &txn{e: e, finish: e.r.Finish()}
	tx.keepTimelines()
	return tx
}

// onUndo records how to undo the change just made.
func (tx *txn) onUndo(undo func()) { tx.undo = append(tx.undo, undo) }

// rollback undoes every change, the last first.
func (tx *txn) rollback() {
	for _, undo := range slices.Backward(tx.undo) {
		undo()
	}
	tx.undo = nil
}

// commit keeps the changes.
func (tx *txn) commit() { tx.undo = nil }

// apply makes the edits, compiles the tasks they edited into the network
// again and updates the schedule in the cone of what they touched,
// returning what changed. It fails with errFull or errRerun when the
// change reaches further than that.
func (tx *txn) apply(edits []Edit) (Delta, error) {
	if err := tx.edit(edits); err != nil {
		return Delta{}, err
	}
	if err := tx.compileTasks(); err != nil {
		return Delta{}, err
	}
	return tx.updateCone(tx.renode())
}

// edit makes each edit in the project, and a structural one (a task, a
// link or an assignment added or removed) in the network too. A
// structural edit the network cannot take in place fails with errFull.
func (tx *txn) edit(edits []Edit) error {
	for _, ed := range edits {
		var ids []string
		var err error
		switch x := ed.(type) {
		case taskEdit:
			ids, err = x.retask(tx)
		case assignEdit:
			err = x.reassign(tx)
		case linkEdit:
			ids, err = x.relink(tx)
		default:
			err = ed.apply(tx.e.p, tx.at, tx.e.c.n.settings)
		}
		if err != nil {
			return err
		}
		tx.reshaped = append(tx.reshaped, ids...)
	}
	return nil
}

// compileTasks checks the edited tasks and works out their durations,
// calendars and work again, as Compile does. A task now counted on
// another calendar, or turned into a milestone or back, has nodes and
// edges of another shape: that fails with errFull.
func (tx *txn) compileTasks() error {
	c := tx.e.c
	before := tx.keepTasks()
	c.p, c.errs = tx.e.p, nil
	for _, i := range tx.edited {
		c.task(i)
	}
	if len(c.errs) > 0 {
		return c.err()
	}
	for k, i := range tx.edited {
		if s := &before[k]; c.cal[i] != s.cal || (c.mins[i] == 0) != (s.mins == 0) {
			return errFull
		}
	}
	return nil
}

// renode sets the edited tasks' constraints, durations and progress on
// their nodes, and works out again the flags of the nodes the edits
// touched and of their neighbours. It returns the touched nodes: the
// edited tasks' and those of the tasks structural edits reshaped.
func (tx *txn) renode() []int32 {
	c, n, r := tx.e.c, tx.e.c.n, tx.e.r
	var touched []int32
	for _, id := range tx.reshaped {
		if i, ok := n.byID[id]; ok {
			t := &n.tasks[i]
			touched = append(touched, t.node, t.first, t.last)
		}
	}
	touched = slices.Compact(slices.Sorted(slices.Values(touched)))
	for _, i := range tx.edited {
		c.constrain(i)
		t := &n.tasks[i]
		for _, v := range [...]int32{t.node, t.first, t.last} {
			if !slices.Contains(touched, v) {
				touched = append(touched, v)
			}
		}
	}
	for _, v := range touched {
		r.dur[v] = n.dur[v]
	}
	// A task done now, or no longer, changes its successors' flags under
	// P6's modes.
	tx.e.refresh(touched...)
	if len(n.late) > 0 { // constrain listed an edited ALAP task again
		slices.Sort(n.late)
		n.late = slices.Compact(n.late)
	}
	return touched
}

// updateCone updates the schedule from the touched nodes, as far as the
// change reaches, and returns what changed. When it reaches the whole
// schedule (the project finish moves, moving every late date), or ALAP
// tasks are to be placed again, it leaves the schedule as it was and
// fails with errRerun.
func (tx *txn) updateCone(touched []int32) (Delta, error) {
	r := tx.e.r
	if len(r.net.late) > 0 {
		return Delta{}, errRerun
	}
	j := r.begin()
	if !r.update(touched, j) {
		r.undo(j)
		return Delta{}, errRerun
	}
	tx.onUndo(func() { r.undo(j) })
	return tx.delta(coneChanges(r, j), j.visited), nil
}

// rerun runs the whole schedule again, on the network as edited, and
// returns what changed.
func (tx *txn) rerun() Delta {
	n, r := tx.e.c.n, tx.e.r
	old := r.snapshot()
	tx.onUndo(func() { r.restoreSnapshot(old) })
	r.Run()
	r.rolled = false
	r.rollUp()
	return tx.delta(diffTasks(n, old.tasks, r.tasks).Changes, len(n.kind))
}

// coneChanges returns the tasks whose results the update in j changed,
// in the project's order.
func coneChanges(r *Result, j *journal) []Change {
	order := make([]int, 0, len(j.taskIdx))
	for k, i := range j.taskIdx {
		if !sameResult(j.taskOld[k], r.tasks[i]) {
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return int(j.taskIdx[a] - j.taskIdx[b]) })
	changes := make([]Change, len(order))
	for x, k := range order {
		i := j.taskIdx[k]
		changes[x] = Change{ID: r.net.tasks[i].id, Old: j.taskOld[k], New: r.tasks[i]}
	}
	return changes
}

// delta is the change's Delta: the tasks changed, then those removed;
// the project finish before and after; the nodes recomputed.
func (tx *txn) delta(changes []Change, recomputed int) Delta {
	d := Delta{Changes: changes, Finish: [2]time.Time{tx.finish, tx.e.r.Finish()}, Recomputed: recomputed}
	for _, rm := range tx.removed {
		d.Changes = append(d.Changes, Change{ID: rm.id, Old: rm.old})
	}
	return d
}

// at finds a task for an edit that sets its values and, the first time,
// records its value for undo.
func (tx *txn) at(id string) (int, error) {
	e := tx.e
	i, ok := e.c.n.byID[id]
	if !ok {
		return 0, &InputError{Task: id, Err: ErrUnknownTask}
	}
	if !slices.Contains(tx.edited, i) {
		old := e.p.Tasks[i]
		tx.edited = append(tx.edited, i)
		tx.onUndo(func() { e.p.Tasks[i] = old })
	}
	return int(i), nil
}

// keepTimelines records how many timelines the network has, so that
// rollback drops the calendar intersections compiled meanwhile.
func (tx *txn) keepTimelines() {
	c, n := tx.e.c, tx.e.c.n
	keep := len(n.tls)
	tx.onUndo(func() {
		if len(n.tls) == keep {
			return
		}
		for name, tl := range c.tlOf {
			if tl >= int32(keep) {
				delete(c.tlOf, name)
			}
		}
		n.tls, n.calNames = n.tls[:keep], n.calNames[:keep]
	})
}

// taskValues is what compiling a task worked out for it.
type taskValues struct {
	info      taskInfo
	mins, rem int64
	cal       int32
}

// keepTasks records the edited tasks' compiled values, and the network's
// values on their nodes and their neighbours', for rollback. It returns
// the tasks' values, in the order of tx.edited.
func (tx *txn) keepTasks() []taskValues {
	c, n, r := tx.e.c, tx.e.c.n, tx.e.r
	before := make([]taskValues, len(tx.edited))
	for k, i := range tx.edited {
		info := n.tasks[i].owned() // c.work resolves its assignments in place
		before[k] = taskValues{info, c.mins[i], c.rem[i], c.cal[i]}
	}
	tx.onUndo(func() {
		for k, i := range tx.edited {
			s := &before[k]
			n.tasks[i], c.mins[i], c.rem[i], c.cal[i] = s.info, s.mins, s.rem, s.cal
		}
	})
	saved := saveNodes(n, tx.edited)
	tx.onUndo(func() {
		saved.restore(n)
		for _, v := range saved.nodes {
			r.dur[v] = n.dur[v]
		}
	})
	return before
}

// nodeSaves keeps the network state an edit may change on some nodes.
type nodeSaves struct {
	nodes []int32
	ctype []ConstraintType
	fop   []fwdOp
	bop   []bwdOp
	cdate []int64
	dead  []int64
	dur   []int64
	gap   []int64
	act   [][2]int64
	plain []uint8
	edges []edge // out-edges of the nodes and of their predecessors, in order
}

// saveNodes keeps the state of the tasks' nodes, their predecessors and
// their successors.
func saveNodes(n *Network, tasks []int32) *nodeSaves {
	s := &nodeSaves{}
	for _, i := range tasks {
		t := &n.tasks[i]
		for _, v := range [...]int32{t.node, t.first, t.last} {
			if !slices.Contains(s.nodes, v) {
				s.nodes = append(s.nodes, v)
			}
		}
	}
	with := slices.Clone(s.nodes)
	for _, v := range s.nodes {
		for _, p := range n.in[n.inOff[v]:n.inOff[v+1]] {
			if !slices.Contains(with, p.node) {
				with = append(with, p.node)
			}
		}
		for _, q := range n.out[n.outOff[v]:n.outOff[v+1]] { // their plain bits follow its progress under P6's modes
			if !slices.Contains(with, q.node) {
				with = append(with, q.node)
			}
		}
	}
	s.nodes = with
	for _, v := range s.nodes {
		s.ctype = append(s.ctype, n.ctype[v])
		s.fop = append(s.fop, n.fop[v])
		s.bop = append(s.bop, n.bop[v])
		s.cdate = append(s.cdate, n.cdate[v])
		s.dead = append(s.dead, n.dead[v])
		s.dur = append(s.dur, n.dur[v])
		s.gap = append(s.gap, n.gap[v])
		s.plain = append(s.plain, n.plain[v])
		if n.act != nil {
			s.act = append(s.act, n.act[v])
		}
		s.edges = append(s.edges, n.out[n.outOff[v]:n.outOff[v+1]]...)
	}
	return s
}

func (s *nodeSaves) restore(n *Network) {
	k := 0
	for x, v := range s.nodes {
		n.ctype[v], n.fop[v], n.bop[v], n.cdate[v], n.dead[v], n.dur[v], n.gap[v], n.plain[v] = s.ctype[x], s.fop[x], s.bop[x], s.cdate[x], s.dead[x], s.dur[x], s.gap[x], s.plain[x]
		if x < len(s.act) {
			n.act[v] = s.act[x]
		}
		k += copy(n.out[n.outOff[v]:n.outOff[v+1]], s.edges[k:])
	}
}

// snapshot is a copy of a Result's computed values.
type snapshot struct {
	early, late, free [][2]int64
	ff, maxEF, pf     []int64
	done, doneLate    []int64
	finish            int64
	tasks             []TaskResult
}

func (r *Result) snapshot() *snapshot {
	return &snapshot{slices.Clone(r.early), slices.Clone(r.late), slices.Clone(r.free),
		slices.Clone(r.ff), slices.Clone(r.maxEF), slices.Clone(r.pf),
		slices.Clone(r.done), slices.Clone(r.doneLate), r.finish, slices.Clone(r.tasks)}
}

func (r *Result) restoreSnapshot(s *snapshot) {
	copy(r.early, s.early)
	copy(r.late, s.late)
	copy(r.free, s.free)
	copy(r.ff, s.ff)
	copy(r.maxEF, s.maxEF)
	copy(r.pf, s.pf)
	copy(r.done, s.done)
	copy(r.doneLate, s.doneLate)
	r.finish = s.finish
	copy(r.tasks, s.tasks)
}
