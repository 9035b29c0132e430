package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// stamp is the version of a task, a field, a link or an assignment: the
// revision that last changed it, by whom and when.
type stamp struct {
	Rev int64     `json:"rev"`
	By  string    `json:"by,omitempty"`
	At  time.Time `json:"at"`
}

// Keys of the version table. The unit separator cannot be confused with
// an ID's own characters in practice, and the keys never leave the store.
func taskKey(id string) string         { return "t\x1f" + id }
func fieldKey(id, field string) string { return "f\x1f" + id + "\x1f" + field }
func linkKey(l *schedule.Link) string {
	return fmt.Sprintf("l\x1f%s\x1f%s\x1f%d", l.Pred, l.Succ, l.Type)
}
func assignKey(task, resource string) string { return "a\x1f" + task + "\x1f" + resource }
func resourceKey(id, field string) string    { return "r\x1f" + id + "\x1f" + field }
func calendarKey(name string) string         { return "c\x1f" + name }

// plan is a change worked out against a project's state: the engine's
// edits it makes, the ops that take effect, and what it reports.
type plan struct {
	edits       []schedule.Edit
	effective   []Op
	resolutions []Resolution
	skipped     []Skip
	conflicts   []Conflict
	stamps      map[string]stamp // versions to set once the change is accepted ({} to delete)
	opIDs       []string
}

// planner works a change out against the live project l. When trusted
// (replaying the log) the ops were accepted before: no version or op-id
// check is made, and the same edits come out as the first time.
type planner struct {
	l       *live
	ch      *Change
	trusted bool
	now     stamp
	p       plan

	tasks     map[string]*schedule.Task // working copies of the tasks set ops change
	order     []string                  // their IDs, first touched first
	added     map[string]int            // tasks added by the change: index of their AddTask edit
	removed   map[string]bool
	resources map[string]*schedule.Resource   // working copies of the resources set ops change
	links     map[string]*schedule.Link       // links as the change leaves them (nil: removed)
	assigned  map[string]*schedule.Assignment // likewise assignments
}

func (l *live) plan(ch *Change, trusted bool, now stamp) (*plan, error) {
	pl := &planner{l: l, ch: ch, trusted: trusted, now: now,
		p:     plan{stamps: map[string]stamp{}},
		tasks: map[string]*schedule.Task{}, added: map[string]int{}, removed: map[string]bool{},
		links: map[string]*schedule.Link{}, assigned: map[string]*schedule.Assignment{}, resources: map[string]*schedule.Resource{}}
	for k := range ch.Ops {
		if err := pl.op(k, &ch.Ops[k]); err != nil {
			return nil, err
		}
	}
	if len(pl.p.conflicts) > 0 {
		return &pl.p, &ConflictError{Project: l.id, Conflicts: pl.p.conflicts}
	}
	pl.valueEdits()
	return &pl.p, nil
}

func (pl *planner) fail(k int, op *Op, field string, err error) error {
	return &InputError{Project: pl.l.id, Op: k, Task: op.Task, Field: field, Err: err}
}

func (pl *planner) base(op *Op) int64 { return cmp.Or(op.Base, pl.ch.Base) }

// version is a field's version: the later of the field's and its task's
// (a task removed and added again starts afresh).
func (pl *planner) version(id, field string) stamp {
	v := pl.l.ver[taskKey(id)]
	if f, ok := pl.l.ver[fieldKey(id, field)]; ok && f.Rev > v.Rev {
		v = f
	}
	return v
}

func (pl *planner) op(k int, op *Op) error {
	switch op.Op {
	case OpSet:
		return pl.set(k, op)
	case OpSetResource:
		return pl.setResource(k, op)
	case OpSetCalendar:
		return pl.setCalendar(k, op)
	case OpAddTask:
		return pl.addTask(k, op)
	case OpRemoveTask:
		return pl.removeTask(k, op)
	case OpAddLink, OpRemoveLink:
		return pl.link(k, op)
	case OpAssign, OpUnassign:
		return pl.assign(k, op)
	}
	return pl.fail(k, op, "", fmt.Errorf("no op %q: %w", op.Op, ErrBadValue))
}

// task returns the working copy of a task for set ops.
func (pl *planner) task(k int, op *Op) (*schedule.Task, error) {
	if t, ok := pl.tasks[op.Task]; ok {
		return t, nil
	}
	if pl.removed[op.Task] {
		return nil, pl.fail(k, op, "", fmt.Errorf("removed earlier in the change: %w", schedule.ErrUnknownTask))
	}
	i, ok := pl.l.index(op.Task)
	if !ok {
		return nil, pl.fail(k, op, "", schedule.ErrUnknownTask)
	}
	t := pl.l.ed.Project().Tasks[i].Clone()
	pl.tasks[op.Task] = &t
	pl.order = append(pl.order, op.Task)
	return &t, nil
}

func (pl *planner) set(k int, op *Op) error {
	f, err := fieldOf(op.Field)
	if err != nil {
		return pl.fail(k, op, op.Field, err)
	}
	t, err := pl.task(k, op)
	if err != nil {
		return err
	}
	_, fresh := pl.added[op.Task]
	return setField(pl, k, op, f, t, fieldKey(op.Task, op.Field), pl.version(op.Task, op.Field), fresh)
}

// setField sets a field of o (a task's or a resource's working copy) as
// op says, under the rules when the field's version v is newer than the
// op's base: a scheduling field's write is a conflict, a descriptive
// one's wins and is reported. A fresh o (added by the change) has no
// rules to keep.
func setField[O any](pl *planner, k int, op *Op, f fieldOn[O], o *O, key string, v stamp, fresh bool) error {
	before, _ := json.Marshal(f.get(o))
	if err := f.set(o, op.Value); err != nil {
		return &InputError{Project: pl.l.id, Op: k, Task: op.Task, Field: op.Field, Err: err}
	}
	if !pl.trusted && !fresh && v.Rev > pl.base(op) {
		if f.class == scheduling {
			pl.p.conflicts = append(pl.p.conflicts, Conflict{Op: k, Task: op.Task, Resource: op.Resource, Field: op.Field,
				Current: before, Version: v.Rev, By: v.By, At: v.At, Base: pl.base(op)})
			return nil
		}
		after, _ := json.Marshal(f.get(o))
		pl.p.resolutions = append(pl.p.resolutions, Resolution{Op: k, Task: op.Task, Resource: op.Resource, Field: op.Field,
			Value: after, Lost: before, LostBy: v.By, Version: v.Rev, LostAt: v.At})
	}
	pl.p.stamps[key] = pl.now
	pl.p.effective = append(pl.p.effective, *op)
	return nil
}

func (pl *planner) setResource(k int, op *Op) error {
	f, ok := resourceFields[op.Field]
	if !ok {
		return &InputError{Project: pl.l.id, Op: k, Field: op.Field, Err: ErrUnknownField}
	}
	r, ok := pl.resources[op.Resource]
	if !ok {
		res := pl.l.ed.Project().Resources
		i := slices.IndexFunc(res, func(r schedule.Resource) bool { return r.ID == op.Resource })
		if i < 0 {
			return &InputError{Project: pl.l.id, Op: k, Field: "resource", Err: fmt.Errorf("%q: %w", op.Resource, schedule.ErrUnknownResource)}
		}
		c := res[i]
		c.Fields = maps.Clone(c.Fields)
		r = &c
		pl.resources[op.Resource] = r
		pl.p.edits = append(pl.p.edits, schedule.UpdateResource{Resource: op.Resource, Set: func(x *schedule.Resource) { *x = *r }})
	}
	key := resourceKey(op.Resource, op.Field)
	return setField(pl, k, op, f, r, key, pl.l.ver[key], false)
}

func (pl *planner) setCalendar(k int, op *Op) error {
	c := op.Calendar
	if c == nil || c.Name == "" {
		return &InputError{Project: pl.l.id, Op: k, Field: "calendar", Err: fmt.Errorf("a calendar with a name: %w", ErrBadValue)}
	}
	key := calendarKey(c.Name)
	if v := pl.l.ver[key]; !pl.trusted && v.Rev > pl.base(op) {
		cals := pl.l.ed.Project().Calendars
		var current json.RawMessage
		if i := slices.IndexFunc(cals, func(x schedule.Calendar) bool { return x.Name == c.Name }); i >= 0 {
			current, _ = json.Marshal(cals[i])
		}
		pl.p.conflicts = append(pl.p.conflicts, Conflict{Op: k, Calendar: c.Name, Field: "calendar",
			Current: current, Version: v.Rev, By: v.By, At: v.At, Base: pl.base(op)})
		return nil
	}
	pl.p.edits = append(pl.p.edits, schedule.SetCalendar{Calendar: *c})
	pl.p.stamps[key] = pl.now
	pl.p.effective = append(pl.p.effective, *op)
	return nil
}

func (pl *planner) addTask(k int, op *Op) error {
	if op.New == nil || op.New.ID == "" {
		return pl.fail(k, op, "new", fmt.Errorf("a task to add, with an ID: %w", ErrBadValue))
	}
	id := op.New.ID
	if _, ok := pl.l.index(id); (ok && !pl.removed[id]) || pl.tasks[id] != nil {
		return &InputError{Project: pl.l.id, Op: k, Task: id, Err: schedule.ErrDuplicateTask}
	}
	t := op.New.Clone()
	pl.tasks[id] = &t
	delete(pl.removed, id)
	pl.added[id] = len(pl.p.edits)
	pl.p.edits = append(pl.p.edits, nil) // made once its set ops are in (valueEdits)
	pl.p.stamps[taskKey(id)] = pl.now
	pl.p.effective = append(pl.p.effective, *op)
	return nil
}

func (pl *planner) removeTask(k int, op *Op) error {
	_, known := pl.l.index(op.Task)
	if _, fresh := pl.added[op.Task]; fresh || !known || pl.removed[op.Task] {
		return pl.fail(k, op, "", fmt.Errorf("%w (tasks added in a change cannot be removed in it)", schedule.ErrUnknownTask))
	}
	delete(pl.tasks, op.Task)
	pl.order = slices.DeleteFunc(pl.order, func(id string) bool { return id == op.Task })
	pl.removed[op.Task] = true
	pl.p.edits = append(pl.p.edits, schedule.RemoveTask{Task: op.Task})
	pl.p.stamps[taskKey(op.Task)] = pl.now
	pl.p.effective = append(pl.p.effective, *op)
	return nil
}

// seen reports (and records) an op id of a set op: an op done before is
// skipped.
func (pl *planner) seen(k int, op *Op) bool {
	if op.ID == "" || pl.trusted {
		return false
	}
	if _, ok := pl.l.ops[op.ID]; ok || slices.Contains(pl.p.opIDs, op.ID) {
		pl.p.skipped = append(pl.p.skipped, Skip{Op: k, Reason: fmt.Sprintf("op %q was applied before", op.ID)})
		return true
	}
	pl.p.opIDs = append(pl.p.opIDs, op.ID)
	return false
}

func (pl *planner) link(k int, op *Op) error {
	if op.Link == nil || op.Link.Pred == "" || op.Link.Succ == "" {
		return pl.fail(k, op, "link", fmt.Errorf("a link with a predecessor and a successor: %w", ErrBadValue))
	}
	if pl.seen(k, op) {
		return nil
	}
	l := *op.Link
	key := linkKey(&l)
	cur, ok := pl.links[key]
	if !ok {
		cur = pl.l.link(&l)
	}
	v := pl.l.ver[key]
	stale := !pl.trusted && v.Rev > pl.base(op)
	typ := l.Type
	remove := schedule.RemoveLink{Pred: l.Pred, Succ: l.Succ, Type: &typ}
	switch {
	case op.Op == OpRemoveLink && cur == nil:
		pl.p.skipped = append(pl.p.skipped, Skip{Op: k, Reason: "no such link"})
		return nil
	case op.Op == OpRemoveLink && stale:
		pl.p.skipped = append(pl.p.skipped, Skip{Op: k, Reason: fmt.Sprintf("the link was added or changed at revision %d, after revision %d", v.Rev, pl.base(op))})
		return nil
	case op.Op == OpRemoveLink:
		pl.p.edits = append(pl.p.edits, remove)
		pl.links[key] = nil
		pl.p.stamps[key] = stamp{}
	case cur == nil:
		pl.p.edits = append(pl.p.edits, schedule.AddLink{Link: l})
		pl.links[key] = &l
		pl.p.stamps[key] = pl.now
	case cur.Lag == l.Lag && cur.Overlap == l.Overlap && cur.ReworkCost == l.ReworkCost:
		pl.p.stamps[key] = pl.now // there already: the add refreshes it, and wins over a remove of before
	case stale:
		lag, _ := json.Marshal(cur.Lag)
		pl.p.conflicts = append(pl.p.conflicts, Conflict{Op: k, Task: l.Succ, Field: "lag of " + l.String(),
			Current: lag, Version: v.Rev, By: v.By, At: v.At, Base: pl.base(op)})
		return nil
	default:
		pl.p.edits = append(pl.p.edits, remove, schedule.AddLink{Link: l})
		pl.links[key] = &l
		pl.p.stamps[key] = pl.now
	}
	pl.p.effective = append(pl.p.effective, *op)
	return nil
}

func (pl *planner) assign(k int, op *Op) error {
	a := op.Assignment
	if a == nil || a.Task == "" || a.Resource == "" {
		return pl.fail(k, op, "assignment", fmt.Errorf("an assignment with a task and a resource: %w", ErrBadValue))
	}
	if pl.seen(k, op) {
		return nil
	}
	key := assignKey(a.Task, a.Resource)
	cur, ok := pl.assigned[key]
	if !ok {
		cur = pl.l.assignment(a.Task, a.Resource)
	}
	v := pl.l.ver[key]
	stale := !pl.trusted && v.Rev > pl.base(op)
	un := schedule.Unassign{Task: a.Task, Resource: a.Resource}
	switch {
	case op.Op == OpUnassign && cur == nil:
		pl.p.skipped = append(pl.p.skipped, Skip{Op: k, Reason: "no such assignment"})
		return nil
	case op.Op == OpUnassign && stale:
		pl.p.skipped = append(pl.p.skipped, Skip{Op: k, Reason: fmt.Sprintf("the assignment was made or changed at revision %d, after revision %d", v.Rev, pl.base(op))})
		return nil
	case op.Op == OpUnassign:
		pl.p.edits = append(pl.p.edits, un)
		pl.assigned[key] = nil
		pl.p.stamps[key] = stamp{}
	case cur == nil:
		pl.p.edits = append(pl.p.edits, schedule.Assign{Assignment: *a})
		pl.assigned[key] = a
		pl.p.stamps[key] = pl.now
	case cur.Units == a.Units && cur.Work == a.Work:
		pl.p.stamps[key] = pl.now
	case stale:
		units, _ := json.Marshal(cur.Units)
		pl.p.conflicts = append(pl.p.conflicts, Conflict{Op: k, Task: a.Task, Field: "units of " + a.Resource,
			Current: units, Version: v.Rev, By: v.By, At: v.At, Base: pl.base(op)})
		return nil
	default:
		pl.p.edits = append(pl.p.edits, un, schedule.Assign{Assignment: *a})
		pl.assigned[key] = a
		pl.p.stamps[key] = pl.now
	}
	pl.p.effective = append(pl.p.effective, *op)
	return nil
}

// valueEdits turns the working copies into the engine's edits: added
// tasks whole, in their place; for the others SetDuration, SetConstraint,
// SetProgress and SetSplits where those values changed (they keep the
// work as the task's type says and are made in place) and an UpdateTask
// for the rest, first.
func (pl *planner) valueEdits() {
	for id, at := range pl.added {
		pl.p.edits[at] = schedule.AddTask{Task: *pl.tasks[id]}
	}
	p := pl.l.ed.Project()
	for _, id := range pl.order {
		if _, fresh := pl.added[id]; fresh {
			continue
		}
		i, _ := pl.l.index(id)
		old, t := &p.Tasks[i], pl.tasks[id]
		rest := t.Clone()
		rest.Duration, rest.Constraint, rest.Splits = old.Duration, old.Constraint, old.Splits
		rest.ActualStart, rest.ActualFinish, rest.PercentComplete, rest.Remaining = old.ActualStart, old.ActualFinish, old.PercentComplete, old.Remaining
		if !sameTask(old, &rest) {
			pl.p.edits = append(pl.p.edits, schedule.UpdateTask{Task: id, Set: func(t *schedule.Task) {
				keep := *t
				*t = rest.Clone()
				t.Duration, t.Constraint, t.Splits = keep.Duration, keep.Constraint, keep.Splits
				t.ActualStart, t.ActualFinish, t.PercentComplete, t.Remaining = keep.ActualStart, keep.ActualFinish, keep.PercentComplete, keep.Remaining
			}})
		}
		if t.Duration != old.Duration {
			pl.p.edits = append(pl.p.edits, schedule.SetDuration{Task: id, Duration: t.Duration})
		}
		if t.Constraint != old.Constraint {
			pl.p.edits = append(pl.p.edits, schedule.SetConstraint{Task: id, Constraint: t.Constraint})
		}
		if !t.ActualStart.Equal(old.ActualStart) || !t.ActualFinish.Equal(old.ActualFinish) || t.PercentComplete != old.PercentComplete || !sameRemaining(t.Remaining, old.Remaining) {
			pl.p.edits = append(pl.p.edits, schedule.SetProgress{Task: id, ActualStart: t.ActualStart, ActualFinish: t.ActualFinish, PercentComplete: t.PercentComplete, Remaining: t.Remaining})
		}
		if !slices.Equal(t.Splits, old.Splits) {
			pl.p.edits = append(pl.p.edits, schedule.SetSplits{Task: id, Splits: t.Splits})
		}
	}
}

func sameRemaining(a, b *schedule.Duration) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func sameTask(a, b *schedule.Task) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// engineError places an error of the engine's Apply: on the op whose task
// it names, when it names one.
func (l *live) engineError(ch *Change, err error) error {
	if cyc, ok := errors.AsType[*schedule.CycleError](err); ok {
		return &InputError{Project: l.id, Op: -1, Err: fmt.Errorf("the change would close a loop: %w", cyc)}
	}
	if in, ok := errors.AsType[*schedule.InputError](err); ok {
		for k, op := range ch.Ops {
			if op.Task == in.Task || op.Link != nil && (op.Link.Pred == in.Task || op.Link.Succ == in.Task) || op.Assignment != nil && op.Assignment.Task == in.Task {
				return &InputError{Project: l.id, Op: k, Task: in.Task, Field: in.Field, Err: err}
			}
		}
		return &InputError{Project: l.id, Op: -1, Task: in.Task, Field: in.Field, Err: err}
	}
	return &InputError{Project: l.id, Op: -1, Err: err}
}
