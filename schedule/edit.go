package schedule

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Edit is one change to a scheduled project: SetDuration, SetConstraint,
// SetProgress, SetSplits, AddTask, RemoveTask, AddLink, RemoveLink, Assign
// or Unassign.
type Edit interface {
	// reshapes reports whether the edit changes the network's shape (adds
	// or removes a task, link or assignment, turns a task into a
	// milestone or to elapsed time, or involves an ALAP task): those are
	// applied by compiling the project again.
	reshapes(e *Editor) bool
	// apply makes the change to p, finding tasks with at; s is the
	// project's settings, resolved.
	apply(p *Project, at func(id string) (int, error), s Settings) error
}

// SetDuration sets a task's duration.
type SetDuration struct {
	Task     string
	Duration Duration
}

// SetConstraint sets a task's constraint.
type SetConstraint struct {
	Task       string
	Constraint Constraint
}

// SetProgress sets a task's actual dates, percent complete and remaining
// duration, as Task's fields of those names.
type SetProgress struct {
	Task                      string
	ActualStart, ActualFinish time.Time
	PercentComplete           float64
	Remaining                 *Duration
}

// SetSplits sets a task's splits (Task.Splits); none joins its work up
// again.
type SetSplits struct {
	Task   string
	Splits []Split
}

// AddTask adds a task.
type AddTask struct{ Task Task }

// RemoveTask removes a task with its links and assignments. A summary
// task cannot be removed while it has subtasks.
type RemoveTask struct{ Task string }

// AddLink adds a link.
type AddLink struct{ Link Link }

// RemoveLink removes the link from Pred to Succ. Type, when set, names
// which one where several join the two tasks (Primavera P6 allows, say, a
// start-to-start and a finish-to-finish link together); without it the
// edit fails with ErrAmbiguousLink when there are several.
type RemoveLink struct {
	Pred, Succ string
	Type       *LinkType
}

// Assign puts a resource on a task.
type Assign struct{ Assignment Assignment }

// Unassign takes a resource off a task.
type Unassign struct{ Task, Resource string }

// Change is one task's schedule before and after an edit; Old is zero for
// an added task and New for a removed one.
type Change struct {
	ID       string
	Old, New TaskResult
}

// Delta is what an edit changed: the tasks whose dates, floats, progress,
// work or cost moved (in the project's order, removed tasks last), the
// project finish before and after, and how many nodes were recomputed.
type Delta struct {
	Changes    []Change
	Finish     [2]time.Time
	Recomputed int
}

// ErrAmbiguousLink is returned by RemoveLink without a Type when several
// links join the two tasks.
var ErrAmbiguousLink = errors.New("several links join the two tasks; say which type")

// ErrNoSuchLink is returned by RemoveLink for a link the project lacks.
var ErrNoSuchLink = errors.New("no such link")

// Editor holds a project and its schedule and applies edits to both,
// recomputing only what they affect. An Editor is not safe for concurrent
// use.
type Editor struct {
	p       *Project
	c       *compiler
	r       *Result
	removed []removal     // by the edit in hand
	cache   timelineCache // the calendars compiled, for compiling again
	// shifted is set by Shift: the late dates, floats and the places of
	// as-late-as-possible tasks are those of before until Settle.
	shifted bool
}

// NewEditor schedules a copy of p for editing. It fails as Compile does.
func NewEditor(p *Project) (*Editor, error) {
	e := &Editor{p: cloneProject(p)}
	if err := e.rebuild(e.p); err != nil {
		return nil, err
	}
	return e, nil
}

// rebuild compiles and schedules p from scratch.
func (e *Editor) rebuild(p *Project) error {
	c := newCompiler(p)
	c.cache = &e.cache
	n, err := c.compile()
	if err != nil {
		return err
	}
	r := n.NewResult()
	r.Run()
	r.rollUp()
	e.p, e.c, e.r = p, c, r
	return nil
}

// Project returns the edited project. It belongs to the editor: do not
// change it.
func (e *Editor) Project() *Project { return e.p }

// Result returns the current schedule. It belongs to the editor: do not
// Run it; durations set on it with Result.SetDuration are the network's
// again after the next edit.
func (e *Editor) Result() *Result { return e.r }

// Apply makes the edits, in order, and returns what they changed. If one
// is rejected (an unknown task, a cycle, a bad value) none is made, and
// the error says why.
func (e *Editor) Apply(edits ...Edit) (Delta, error) {
	return e.change(edits, false)
}

// Preview returns what the edits would change, changing nothing.
func (e *Editor) Preview(edits ...Edit) (Delta, error) {
	return e.change(edits, true)
}

func (e *Editor) change(edits []Edit, preview bool) (Delta, error) {
	e.Settle()
	n := e.c.n
	if e.r.gap != nil { // SetDuration was called on the editor's Result: take it back
		copy(e.r.dur, n.dur)
		e.r.gap = nil
		e.r.Run()
	}
	removes := slices.ContainsFunc(edits, func(ed Edit) bool { _, ok := ed.(RemoveTask); return ok })
	if n.backward || removes && len(edits) > 1 || // a removal renumbers the tasks the others name
		len(n.late) > 0 && slices.ContainsFunc(edits, func(ed Edit) bool { return !valueEdit(ed) }) ||
		slices.ContainsFunc(edits, func(ed Edit) bool { return ed.reshapes(e) }) {
		return e.full(edits, preview)
	}
	return e.incremental(edits, preview, false)
}

// valueEdit reports whether ed changes only a task's values, not the
// network's shape: with ALAP tasks in the project (which the cone update
// does not place) the editor makes such edits in place and runs the whole
// schedule again rather than compiling it again.
func valueEdit(ed Edit) bool {
	switch ed.(type) {
	case SetDuration, SetConstraint, SetProgress, SetSplits:
		return true
	}
	return false
}

// full applies the edits to a copy of the project, schedules it from
// scratch and compares every task.
func (e *Editor) full(edits []Edit, preview bool) (Delta, error) {
	next := cloneProject(e.p)
	at := func(id string) (int, error) {
		if i := slices.IndexFunc(next.Tasks, func(t Task) bool { return t.ID == id }); i >= 0 {
			return i, nil
		}
		return 0, &InputError{Task: id, Err: ErrUnknownTask}
	}
	for _, ed := range edits {
		if err := ed.apply(next, at, e.c.n.settings); err != nil {
			return Delta{}, err
		}
	}
	old := *e
	if err := e.rebuild(next); err != nil {
		*e = old
		return Delta{}, err
	}
	d := diff(old.r, e.r)
	d.Recomputed = len(e.r.net.kind)
	if preview {
		*e = old
	}
	return d, nil
}

// incremental makes the edits in place, applies the edited tasks to the
// network and updates the schedule from them.
func (e *Editor) incremental(edits []Edit, preview, early bool) (Delta, error) {
	c, n, r := e.c, e.c.n, e.r
	var tasks []int32 // the tasks the edits touched
	var olds []Task   // and their values before
	at := func(id string) (int, error) {
		i, ok := n.byID[id]
		if !ok {
			return 0, &InputError{Task: id, Err: ErrUnknownTask}
		}
		if !slices.Contains(tasks, i) {
			tasks, olds = append(tasks, i), append(olds, e.p.Tasks[i])
		}
		return int(i), nil
	}
	put := func() {
		for k, i := range tasks {
			e.p.Tasks[i] = olds[k]
		}
	}
	tlsLen := len(n.tls)
	oldFinish := r.Finish()
	e.removed = e.removed[:0]
	var undos []func()      // of the structural edits, in order
	var touchedIDs []string // the tasks whose nodes they touched
	unlink := func() {
		for _, u := range slices.Backward(undos) {
			u()
		}
	}
	for _, ed := range edits {
		var err error
		var ids []string
		var undo func()
		switch x := ed.(type) {
		case taskEdit:
			ids, undo, err = x.retask(e, at)
		case assignEdit:
			undo, err = x.reassign(e, at)
		case linkEdit:
			ids, undo, err = x.relink(e)
		default:
			err = ed.apply(e.p, at, e.c.n.settings)
		}
		if err == nil && undo != nil {
			undos, touchedIDs = append(undos, undo), append(touchedIDs, ids...)
		}
		if err != nil {
			put()
			unlink()
			if errors.Is(err, errFull) {
				return e.full(edits, preview)
			}
			return Delta{}, err
		}
	}
	saved := saveNodes(n, tasks)
	type taskSave struct {
		info           taskInfo
		mins, rem, cal int64
	}
	savedTasks := make([]taskSave, len(tasks))
	for k, i := range tasks {
		info := n.tasks[i]
		info.assign = slices.Clone(info.assign) // c.work resolves them in place
		savedTasks[k] = taskSave{info, c.mins[i], c.rem[i], int64(c.cal[i])}
	}
	restore := func() {
		saved.restore(n)
		for _, v := range saved.nodes {
			r.dur[v] = n.dur[v]
		}
		for k, i := range tasks {
			s := savedTasks[k]
			n.tasks[i], c.mins[i], c.rem[i], c.cal[i] = s.info, s.mins, s.rem, int32(s.cal)
		}
		put()
		unlink()
		if len(n.tls) > tlsLen { // drop calendar intersections made meanwhile
			for name, tl := range c.tlOf {
				if tl >= int32(tlsLen) {
					delete(c.tlOf, name)
				}
			}
			n.tls, n.calNames = n.tls[:tlsLen], n.calNames[:tlsLen]
		}
	}
	// Check the edited tasks as Compile checks them.
	c.p, c.errs = e.p, nil
	for _, i := range tasks {
		c.task(i)
	}
	if len(c.errs) > 0 {
		err := c.err()
		restore()
		return Delta{}, err
	}
	for k, i := range tasks {
		// A task now counted on another calendar, or turned into a
		// milestone or back, has nodes and edges of another shape.
		if s := &savedTasks[k]; int64(c.cal[i]) != s.cal || (c.mins[i] == 0) != (s.mins == 0) {
			restore()
			return e.full(edits, preview)
		}
	}
	var touched []int32
	for _, id := range touchedIDs {
		if i, ok := n.byID[id]; ok {
			t := &n.tasks[i]
			touched = append(touched, t.node, t.first, t.last)
		}
	}
	touched = slices.Compact(slices.Sorted(slices.Values(touched)))
	for _, i := range tasks {
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
		n.markNoBack(v)
		for _, p := range n.in[n.inOff[v]:n.inOff[v+1]] {
			n.markNoBack(p.node)
		}
	}
	for _, v := range touched {
		n.setPlain(v)
		for _, p := range n.in[n.inOff[v]:n.inOff[v+1]] {
			n.setPlain(p.node)
		}
		for _, s := range n.out[n.outOff[v]:n.outOff[v+1]] { // a task done now, or no longer, under P6's modes
			n.setPlain(s.node)
		}
	}
	if len(n.late) > 0 { // constrain listed an edited ALAP task again
		slices.Sort(n.late)
		n.late = slices.Compact(n.late)
	}
	j := r.begin()
	if early {
		r.shift(touched, j)
		e.shifted = true
		return Delta{Finish: [2]time.Time{oldFinish, r.Finish()}, Recomputed: j.visited}, nil
	}
	if len(n.late) > 0 || !r.update(touched, j) {
		// The finish moved, everything's late dates moving with it; or
		// ALAP tasks must be placed again.
		r.undo(j)
		old := r.snapshot()
		r.Run()
		r.rolled = false
		r.rollUp()
		d := diffTasks(n, old.tasks, r.tasks)
		d.Finish = [2]time.Time{oldFinish, r.Finish()}
		for _, rm := range e.removed {
			d.Changes = append(d.Changes, Change{ID: rm.id, Old: rm.old})
		}
		d.Recomputed = len(n.kind)
		if preview {
			r.restoreSnapshot(old)
			restore()
		}
		return d, nil
	}
	d := Delta{Finish: [2]time.Time{oldFinish, r.Finish()}, Recomputed: j.visited}
	order := make([]int, 0, len(j.taskIdx)) // the changed ones, in the project's order
	for k, i := range j.taskIdx {
		if !sameResult(j.taskOld[k], r.tasks[i]) {
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return int(j.taskIdx[a] - j.taskIdx[b]) })
	d.Changes = make([]Change, len(order))
	for x, k := range order {
		i := j.taskIdx[k]
		d.Changes[x] = Change{ID: n.tasks[i].id, Old: j.taskOld[k], New: r.tasks[i]}
	}
	for _, rm := range e.removed {
		d.Changes = append(d.Changes, Change{ID: rm.id, Old: rm.old})
	}
	if preview {
		r.undo(j)
		restore()
	}
	return d, nil
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

// diff compares two schedules task by task, by ID.
func diff(old, new *Result) Delta {
	d := Delta{Finish: [2]time.Time{old.Finish(), new.Finish()}}
	old.rollUp()
	new.rollUp()
	for i, t := range new.tasks {
		j, ok := old.net.byID[t.ID]
		switch {
		case !ok:
			d.Changes = append(d.Changes, Change{ID: t.ID, New: t})
		case !sameResult(old.tasks[j], t):
			d.Changes = append(d.Changes, Change{ID: t.ID, Old: old.tasks[j], New: new.tasks[i]})
		}
	}
	for _, t := range old.tasks {
		if _, ok := new.net.byID[t.ID]; !ok {
			d.Changes = append(d.Changes, Change{ID: t.ID, Old: t})
		}
	}
	return d
}

// diffTasks compares two sets of results of one network.
func diffTasks(n *Network, old, new []TaskResult) Delta {
	var d Delta
	for i := range new {
		if !sameResult(old[i], new[i]) {
			d.Changes = append(d.Changes, Change{ID: n.tasks[i].id, Old: old[i], New: new[i]})
		}
	}
	return d
}

func sameResult(a, b TaskResult) bool {
	return a.ID == b.ID && a.Start.Equal(b.Start) && a.Finish.Equal(b.Finish) &&
		a.EarlyStart.Equal(b.EarlyStart) && a.EarlyFinish.Equal(b.EarlyFinish) &&
		a.LateStart.Equal(b.LateStart) && a.LateFinish.Equal(b.LateFinish) &&
		a.TotalFloat == b.TotalFloat && a.FreeFloat == b.FreeFloat && a.Critical == b.Critical &&
		a.Milestone == b.Milestone && a.Summary == b.Summary && a.PercentComplete == b.PercentComplete &&
		a.Work == b.Work && a.Cost == b.Cost
}

// cloneProject copies p deeply enough that edits to the copy never reach
// p: the lists are copied (their elements are values).
func cloneProject(p *Project) *Project {
	q := *p
	q.Calendars = slices.Clone(p.Calendars)
	q.Tasks = slices.Clone(p.Tasks)
	q.Links = slices.Clone(p.Links)
	q.Resources = slices.Clone(p.Resources)
	q.Assignments = slices.Clone(p.Assignments)
	q.Baselines = slices.Clone(p.Baselines)
	return &q
}

// current returns the editor's task of that ID, if any.
func (e *Editor) current(id string) (*Task, bool) {
	i, ok := e.c.n.byID[id]
	if !ok {
		return nil, false
	}
	return &e.p.Tasks[i], true
}

func (s SetDuration) reshapes(e *Editor) bool {
	t, ok := e.current(s.Task)
	if !ok {
		return false
	}
	// A task turning into a milestone, or to or from elapsed time, counts
	// time another way.
	oldMin, _ := t.Duration.minutes(e.c.n.settings)
	newMin, _ := s.Duration.minutes(e.c.n.settings)
	if (oldMin == 0) != (newMin == 0) || t.Duration.Elapsed != s.Duration.Elapsed {
		return true
	}
	// Work that must be rewritten in the assignments.
	n := e.c.n
	for _, a := range n.tasks[n.byID[s.Task]].assign {
		if n.resources[a.resource].Type == WorkResource && (t.Type == FixedWork || !t.Work.IsZero() || !e.p.Assignments[a.index].Work.IsZero()) {
			return true
		}
	}
	return false
}

// apply sets the duration and keeps the work as the task's type says: a
// fixed-work task keeps its work and its units follow; otherwise the units
// stay and the work follows.
func (s SetDuration) apply(p *Project, at func(string) (int, error), set Settings) error {
	i, err := at(s.Task)
	if err != nil {
		return err
	}
	t := &p.Tasks[i]
	_, idx, sh, werr := workOf(p, i, set)
	t.Duration = s.Duration
	if werr != nil || len(idx) == 0 {
		return nil // Compile reports what is wrong
	}
	d, derr := s.Duration.minutes(set)
	t.Work = Duration{}
	for k, ai := range idx {
		a := &p.Assignments[ai]
		a.Work = Duration{}
		if t.Type == FixedWork && derr == nil && d > 0 {
			a.Work, a.Units = hoursOf(sh[k].work), float64(sh[k].work)/float64(d)
		}
	}
	return nil
}

func (s SetConstraint) reshapes(e *Editor) bool {
	t, ok := e.current(s.Task)
	return ok && (t.Constraint.Type == ALAP || s.Constraint.Type == ALAP)
}

func (s SetConstraint) apply(p *Project, at func(string) (int, error), _ Settings) error {
	i, err := at(s.Task)
	if err == nil {
		p.Tasks[i].Constraint = s.Constraint
	}
	return err
}

func (s SetProgress) reshapes(e *Editor) bool {
	t, ok := e.current(s.Task)
	return ok && t.Constraint.Type == ALAP // progress takes an ALAP task off the late list, or puts it back
}

func (s SetProgress) apply(p *Project, at func(string) (int, error), _ Settings) error {
	i, err := at(s.Task)
	if err == nil {
		t := &p.Tasks[i]
		t.ActualStart, t.ActualFinish, t.PercentComplete, t.Remaining = s.ActualStart, s.ActualFinish, s.PercentComplete, s.Remaining
	}
	return err
}

func (s SetSplits) reshapes(*Editor) bool { return false }

func (s SetSplits) apply(p *Project, at func(string) (int, error), _ Settings) error {
	i, err := at(s.Task)
	if err == nil {
		p.Tasks[i].Splits = slices.Clone(s.Splits)
	}
	return err
}

func (a AddTask) apply(p *Project, at func(string) (int, error), _ Settings) error {
	if _, err := at(a.Task.ID); err == nil {
		return &InputError{Task: a.Task.ID, Err: ErrDuplicateTask}
	}
	p.Tasks = append(p.Tasks, a.Task)
	return nil
}

func (rm RemoveTask) apply(p *Project, at func(string) (int, error), _ Settings) error {
	i, err := at(rm.Task)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(p.Tasks, func(t Task) bool { return t.Parent == rm.Task }) {
		return &InputError{Task: rm.Task, Err: fmt.Errorf("a summary task with subtasks cannot be removed: %w", ErrBadValue)}
	}
	p.Tasks = slices.Delete(p.Tasks, i, i+1)
	p.Links = slices.DeleteFunc(p.Links, func(l Link) bool { return l.Pred == rm.Task || l.Succ == rm.Task })
	p.Assignments = slices.DeleteFunc(p.Assignments, func(a Assignment) bool { return a.Task == rm.Task })
	return nil
}

func (a AddLink) apply(p *Project, _ func(string) (int, error), _ Settings) error {
	p.Links = append(p.Links, a.Link)
	return nil
}

func (rm RemoveLink) apply(p *Project, _ func(string) (int, error), _ Settings) error {
	k, err := rm.in(p.Links)
	if err != nil {
		return err
	}
	p.Links = slices.Delete(p.Links, k, k+1)
	return nil
}

// matches reports whether the edit names link l.
func (rm RemoveLink) matches(l *Link) bool {
	return l.Pred == rm.Pred && l.Succ == rm.Succ && (rm.Type == nil || l.Type == *rm.Type)
}

// in finds the link the edit names in links.
func (rm RemoveLink) in(links []Link) (int, error) {
	k := slices.IndexFunc(links, func(l Link) bool { return rm.matches(&l) })
	if k < 0 {
		return 0, &InputError{Link: &Link{Pred: rm.Pred, Succ: rm.Succ}, Err: ErrNoSuchLink}
	}
	if rm.Type == nil && slices.ContainsFunc(links[k+1:], func(l Link) bool { return rm.matches(&l) }) {
		return 0, &InputError{Link: &Link{Pred: rm.Pred, Succ: rm.Succ}, Err: ErrAmbiguousLink}
	}
	return k, nil
}

func (a Assign) reshapes(e *Editor) bool { return e.summaryOrUnknown(a.Assignment.Task) }

// apply adds the assignment. On an effort-driven task the work stays as
// it was, shared again by units (so the duration, or for a fixed-duration
// task the units, shrink); otherwise the new resource brings its own work.
func (a Assign) apply(p *Project, at func(string) (int, error), s Settings) error {
	i, err := at(a.Assignment.Task)
	if err != nil {
		return err
	}
	_, idx, sh, werr := workOf(p, i, s)
	p.Assignments = append(p.Assignments, a.Assignment)
	if werr == nil && len(idx) > 0 && isWorkResource(p, a.Assignment.Resource) {
		reshare(p, i, idx, sh, p.Tasks[i].EffortDriven && a.Assignment.Work.IsZero())
	}
	return nil
}

// reshare rewrites task i's work after an assignment comes or goes: shared
// again by units when effortDriven, else as each remaining assignment has
// it. idx and sh are the task's work assignments before the change.
func reshare(p *Project, i int, idx []int, sh []share, effortDriven bool) {
	t := &p.Tasks[i]
	var total int64
	for k := range sh {
		total += sh[k].work
	}
	t.Work = Duration{}
	if effortDriven {
		t.Work = hoursOf(total)
	}
	for k, ai := range idx {
		if ai < len(p.Assignments) && p.Assignments[ai].Task == t.ID {
			p.Assignments[ai].Work = Duration{}
			if !effortDriven {
				p.Assignments[ai].Work = hoursOf(sh[k].work)
			}
		}
	}
}

func (u Unassign) reshapes(e *Editor) bool { return e.summaryOrUnknown(u.Task) }

// summaryOrUnknown reports whether the task is a summary or not in the
// project: edits to its assignments go the full way.
func (e *Editor) summaryOrUnknown(id string) bool {
	i, ok := e.c.n.byID[id]
	return !ok || e.c.n.tasks[i].summary
}

// apply removes the assignment. On an effort-driven task the remaining
// work resources take up its work; otherwise its work goes with it.
func (u Unassign) apply(p *Project, at func(string) (int, error), s Settings) error {
	i, err := at(u.Task)
	if err != nil {
		return err
	}
	k := slices.IndexFunc(p.Assignments, func(a Assignment) bool { return a.Task == u.Task && a.Resource == u.Resource })
	if k < 0 {
		return &InputError{Task: u.Task, Field: "assignments", Err: fmt.Errorf("resource %q is not assigned", u.Resource)}
	}
	_, idx, sh, werr := workOf(p, i, s)
	p.Assignments = slices.Delete(p.Assignments, k, k+1)
	if werr != nil || !isWorkResource(p, u.Resource) {
		return nil
	}
	x := slices.Index(idx, k) // the removed share: drop it, and renumber the rest
	idx, kept := slices.Delete(idx, x, x+1), slices.Delete(slices.Clone(sh), x, x+1)
	for j := range idx {
		if idx[j] > k {
			idx[j]--
		}
	}
	if len(idx) == 0 {
		p.Tasks[i].Work = Duration{}
		return nil
	}
	if p.Tasks[i].EffortDriven {
		kept[0].work += sh[x].work // the total stays
	}
	reshare(p, i, idx, kept, p.Tasks[i].EffortDriven)
	return nil
}

// workOf returns task i's work-resource assignments in p (their indexes)
// and their shares as resolved, with the task's duration in minutes.
func workOf(p *Project, i int, s Settings) (int64, []int, []share, error) {
	t := &p.Tasks[i]
	var idx []int
	var sh []share
	for k, a := range p.Assignments {
		if a.Task != t.ID || !isWorkResource(p, a.Resource) {
			continue
		}
		w, err := workMinutes(a.Work, s)
		if err != nil {
			return 0, nil, nil, err
		}
		idx, sh = append(idx, k), append(sh, share{units: a.Units, work: w})
	}
	d, err := t.Duration.minutes(s)
	if err != nil {
		return 0, nil, nil, err
	}
	total, err := workMinutes(t.Work, s)
	if err != nil {
		return 0, nil, nil, err
	}
	d, _, err = resolveShares(t.Type, d, total, sh)
	return d, idx, sh, err
}

func isWorkResource(p *Project, id string) bool {
	k := slices.IndexFunc(p.Resources, func(r Resource) bool { return r.ID == id })
	return k >= 0 && p.Resources[k].Type == WorkResource
}
