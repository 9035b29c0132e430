package schedule

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"
)

// Edit is one change to a scheduled project: SetDuration, SetConstraint,
// SetProgress, SetSplits, UpdateTask, UpdateResource, SetCalendar,
// AddTask, RemoveTask, AddLink, RemoveLink, Assign or Unassign.
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

// UpdateTask changes a task's other values — its name, notes, custom
// fields, calendar, work, type, deadline, priority and the rest — with
// Set, which is given a copy of the task to change (its Fields and Splits
// its own) and must not change its ID. Changes of the name, notes, custom
// fields, priority, crash data or NoSplit are made in place; others
// compile the project again. SetDuration, SetConstraint, SetProgress and
// SetSplits are the edits for those values: they keep the task's work as
// its type says and are made in place.
type UpdateTask struct {
	Task string
	Set  func(t *Task)
}

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
// recomputing only what they affect. It changes its project, its Result
// and that Result's Network in place: Apply changes them, Preview changes
// them and puts them back, and an Apply that reshapes the network replaces
// the Result and Network with new ones. An Editor is not safe for
// concurrent use, and no other goroutine may use its Project, Result or
// Result().Network() while it applies or previews edits; a Result made
// from its Network with NewResult holds only until its next Apply.
type Editor struct {
	p     *Project
	c     *compiler
	r     *Result
	cache timelineCache // the calendars compiled, for compiling again
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
	n.linkList() // the editor changes them in place
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
// again after the next edit. The editor changes it in place on every
// Apply and Preview, or replaces it: call Result again after an Apply.
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

// change makes the edits, or previews them, in one of three ways, chosen
// here and only here: in place, updating the schedule in the cone of the
// tasks they touch; in place, running the whole schedule again when the
// change reaches it all (the project finish moves, moving every late
// date, or ALAP tasks are to be placed again); or by compiling the project
// again, when the edits change the network's shape.
func (e *Editor) change(edits []Edit, preview bool) (Delta, error) {
	e.Settle()
	if e.r.gap != nil { // SetDuration was called on the editor's Result: take it back
		copy(e.r.dur, e.c.n.dur)
		e.r.gap = nil
		e.r.Run()
	}
	if e.reshapes(edits) {
		return e.full(edits, preview)
	}
	tx := e.newTxn()
	d, err := tx.apply(edits)
	if errors.Is(err, errRerun) {
		d, err = tx.rerun(), nil
	}
	if err != nil {
		tx.rollback()
		if errors.Is(err, errFull) { // the shape changes after all: a calendar, a milestone, a removed task holding the finish
			return e.full(edits, preview)
		}
		return Delta{}, err
	}
	if preview {
		tx.rollback()
	} else {
		tx.commit()
	}
	return d, nil
}

// reshapes reports whether the edits, as far as can be told before making
// them, change the network's shape or more than the editor makes in place
// (a removal among other edits, a structural edit with ALAP tasks in the
// project, a backward schedule): then they are made by compiling the
// project again.
func (e *Editor) reshapes(edits []Edit) bool {
	n := e.c.n
	removes := slices.ContainsFunc(edits, func(ed Edit) bool { _, ok := ed.(RemoveTask); return ok })
	return n.backward || removes && len(edits) > 1 || // a removal renumbers the tasks the others name
		len(n.late) > 0 && slices.ContainsFunc(edits, func(ed Edit) bool { return !valueEdit(ed) }) ||
		slices.ContainsFunc(edits, func(ed Edit) bool { return ed.reshapes(e) })
}

// valueEdit reports whether ed changes only a task's values, not the
// network's shape: with ALAP tasks in the project (which the cone update
// does not place) the editor makes such edits in place and runs the whole
// schedule again rather than compiling it again.
func valueEdit(ed Edit) bool {
	switch ed.(type) {
	case SetDuration, SetConstraint, SetProgress, SetSplits, UpdateTask:
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
	differ := make([]bool, len(new)) // counted first: a Change is large, and growing the list was most of a rerun's time
	count := 0
	for i := range new {
		differ[i] = !sameResult(old[i], new[i])
		if differ[i] {
			count++
		}
	}
	d := Delta{Changes: make([]Change, 0, count)}
	for i := range new {
		if differ[i] {
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
	for _, a := range n.tasks[n.byID[s.Task]].extra().assign {
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

func (u UpdateTask) reshapes(e *Editor) bool {
	t, ok := e.current(u.Task)
	if !ok || u.Set == nil {
		return false // apply reports it
	}
	after := t.Clone()
	u.Set(&after)
	before := *t
	// The values the network does not hold.
	before.Name, before.Notes, before.Fields, before.Priority, before.Crash, before.NoSplit = "", "", nil, 0, nil, false
	after.Name, after.Notes, after.Fields, after.Priority, after.Crash, after.NoSplit = "", "", nil, 0, nil, false
	return !reflect.DeepEqual(before, after)
}

func (u UpdateTask) apply(p *Project, at func(string) (int, error), _ Settings) error {
	i, err := at(u.Task)
	if err != nil {
		return err
	}
	if u.Set == nil {
		return &InputError{Task: u.Task, Err: fmt.Errorf("an update without a Set function: %w", ErrBadValue)}
	}
	t := p.Tasks[i].Clone()
	u.Set(&t)
	if t.ID != u.Task {
		return &InputError{Task: u.Task, Err: fmt.Errorf("an update cannot change the task's ID (to %q): %w", t.ID, ErrBadValue)}
	}
	p.Tasks[i] = t
	return nil
}

// UpdateResource changes a resource's values — its name, units,
// calendar, rates and the rest — with Set, which is given a copy of the
// resource to change and must not change its ID. The project is compiled
// again.
type UpdateResource struct {
	Resource string
	Set      func(r *Resource)
}

func (u UpdateResource) reshapes(*Editor) bool { return true }

func (u UpdateResource) apply(p *Project, _ func(string) (int, error), _ Settings) error {
	i := slices.IndexFunc(p.Resources, func(r Resource) bool { return r.ID == u.Resource })
	switch {
	case i < 0:
		return &InputError{Field: "resources", Err: fmt.Errorf("%q: %w", u.Resource, ErrUnknownResource)}
	case u.Set == nil:
		return &InputError{Field: "resources", Err: fmt.Errorf("%q: an update without a Set function: %w", u.Resource, ErrBadValue)}
	}
	r := p.Resources[i]
	r.Fields = maps.Clone(r.Fields)
	u.Set(&r)
	if r.ID != u.Resource {
		return &InputError{Field: "resources", Err: fmt.Errorf("%q: an update cannot change the resource's ID (to %q): %w", u.Resource, r.ID, ErrBadValue)}
	}
	p.Resources[i] = r
	return nil
}

// SetCalendar adds a calendar, or replaces the project's calendar of the
// same name: its week and its exceptions (days off for rain, say). The
// project is compiled again; a calendar that does not compile (a missing
// base, a loop of bases, no working time) is refused.
type SetCalendar struct{ Calendar Calendar }

func (SetCalendar) reshapes(*Editor) bool { return true }

func (c SetCalendar) apply(p *Project, _ func(string) (int, error), _ Settings) error {
	if c.Calendar.Name == "" {
		return &InputError{Field: "calendars", Err: fmt.Errorf("a calendar needs a name: %w", ErrBadValue)}
	}
	cal := c.Calendar
	cal.Week = maps.Clone(cal.Week)
	cal.Exceptions = slices.Clone(cal.Exceptions)
	p.Calendars = slices.Clone(p.Calendars)
	if i := slices.IndexFunc(p.Calendars, func(x Calendar) bool { return x.Name == cal.Name }); i >= 0 {
		p.Calendars[i] = cal
	} else {
		p.Calendars = append(p.Calendars, cal)
	}
	return nil
}

// Clone returns a copy of t with its own Fields, Splits and pointed-to
// values, which changes to t do not reach.
func (t Task) Clone() Task {
	t.Fields = maps.Clone(t.Fields)
	t.Splits = slices.Clone(t.Splits)
	if t.Remaining != nil {
		t.Remaining = new(*t.Remaining)
	}
	if t.ActualCost != nil {
		t.ActualCost = new(*t.ActualCost)
	}
	if t.Crash != nil {
		t.Crash = new(*t.Crash)
	}
	return t
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
