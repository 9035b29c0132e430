package kinds

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// projectDiff is the change that makes one project what another says,
// as store ops, with what it counts and what it cannot carry.
type projectDiff struct {
	ops     []store.Op
	changes SyncChanges
	notes   []string
}

// diff works out the ops that make cur (the store's project) what next
// (a file's) says, matching tasks by ID, links by their ends and type,
// assignments by task and resource. Durations are compared in minutes,
// each project's by its own settings. Ops come in an order the store can
// apply at once: tasks added (in next's order, so parents first), fields
// set, links and assignments added, then assignments, links and tasks
// (children first) removed. Link and assignment ops get IDs made of
// idPrefix. What the store's edits cannot change — calendars, resources,
// a task's place in the outline — is noted, not changed; a task, an
// assignment or a calendar naming what cur does not have is noted and
// left out (a new task then goes on the project calendar).
func diff(cur, next *schedule.Project, idPrefix string) projectDiff {
	var d projectDiff
	note := func(format string, args ...any) { d.notes = append(d.notes, fmt.Sprintf(format, args...)) }
	calendars := map[string]bool{"": true}
	for _, c := range cur.Calendars {
		calendars[c.Name] = true
	}
	hasCalendar := func(name string) bool {
		_, preset := schedule.Preset(name)
		return calendars[name] || preset
	}
	resources := map[string]bool{}
	for _, r := range cur.Resources {
		resources[r.ID] = true
	}
	old := map[string]*schedule.Task{}
	for i := range cur.Tasks {
		old[cur.Tasks[i].ID] = &cur.Tasks[i]
	}
	summary := map[string]bool{}
	for _, t := range next.Tasks {
		if t.Parent != "" {
			summary[t.Parent] = true
		}
	}
	for _, t := range cur.Tasks {
		if t.Parent != "" {
			summary[t.Parent] = true
		}
	}
	inNext := map[string]bool{}
	var sets []store.Op
	for _, t := range next.Tasks {
		inNext[t.ID] = true
		o, ok := old[t.ID]
		if !ok {
			if !hasCalendar(t.Calendar) {
				note("task %q names calendar %q, which the project does not have: added on the project calendar", t.ID, t.Calendar)
				t.Calendar = ""
			}
			d.ops = append(d.ops, store.AddTask(t))
			d.changes.TasksAdded = append(d.changes.TasksAdded, t.ID)
			continue
		}
		if o.Parent != t.Parent {
			note("task %q moved in the outline (from under %q to under %q): not synced", t.ID, o.Parent, t.Parent)
		}
		ops := taskOps(o, &t, cur.Settings, next.Settings, summary[t.ID], hasCalendar, note)
		if len(ops) > 0 {
			sets = append(sets, ops...)
			d.changes.TasksChanged = append(d.changes.TasksChanged, t.ID)
		}
	}
	d.ops = append(d.ops, sets...)

	// Links.
	type linkKey struct {
		pred, succ string
		typ        schedule.LinkType
	}
	oldLinks := map[linkKey]schedule.Link{}
	for _, l := range cur.Links {
		oldLinks[linkKey{l.Pred, l.Succ, l.Type}] = l
	}
	n := 0
	opID := func() string { n++; return fmt.Sprintf("%s:%d", idPrefix, n) }
	nextLinks := map[linkKey]bool{}
	for _, l := range next.Links {
		k := linkKey{l.Pred, l.Succ, l.Type}
		nextLinks[k] = true
		o, ok := oldLinks[k]
		switch {
		case !ok:
			d.ops = append(d.ops, store.AddLink(opID(), l))
			d.changes.LinksAdded++
		case !sameDuration(o.Lag, l.Lag, cur.Settings, next.Settings):
			l.Lag = inSettings(l.Lag, cur.Settings, next.Settings)
			d.ops = append(d.ops, store.AddLink(opID(), l)) // an existing link's lag changes
			d.changes.LinksChanged++
		}
	}

	// Assignments.
	type assignKey struct{ task, resource string }
	oldAssign := map[assignKey]schedule.Assignment{}
	for _, a := range cur.Assignments {
		oldAssign[assignKey{a.Task, a.Resource}] = a
	}
	nextAssign := map[assignKey]bool{}
	for _, a := range next.Assignments {
		k := assignKey{a.Task, a.Resource}
		nextAssign[k] = true
		if !resources[a.Resource] {
			note("task %q is assigned resource %q, which the project does not have: not synced", a.Task, a.Resource)
			continue
		}
		o, ok := oldAssign[k]
		switch {
		case !ok:
			a.Work = inSettings(a.Work, cur.Settings, next.Settings)
			d.ops = append(d.ops, store.Assign(opID(), a))
			d.changes.AssignmentsAdded++
		case !near(o.Units, a.Units) || !sameDuration(o.Work, a.Work, cur.Settings, next.Settings):
			a.Work = inSettings(a.Work, cur.Settings, next.Settings)
			d.ops = append(d.ops, store.Assign(opID(), a))
			d.changes.AssignmentsChanged++
		}
	}
	for _, a := range cur.Assignments {
		if !nextAssign[assignKey{a.Task, a.Resource}] && inNext[a.Task] {
			d.ops = append(d.ops, store.Unassign(opID(), a.Task, a.Resource))
			d.changes.AssignmentsRemoved++
		}
	}
	for _, l := range cur.Links {
		if !nextLinks[linkKey{l.Pred, l.Succ, l.Type}] && inNext[l.Pred] && inNext[l.Succ] {
			d.ops = append(d.ops, store.RemoveLink(opID(), l))
			d.changes.LinksRemoved++
		}
	}
	for _, t := range slices.Backward(cur.Tasks) {
		if !inNext[t.ID] {
			d.ops = append(d.ops, store.RemoveTask(t.ID))
			d.changes.TasksRemoved = append(d.changes.TasksRemoved, t.ID)
		}
	}

	// What the store's edits do not change.
	for _, c := range next.Calendars {
		k := slices.IndexFunc(cur.Calendars, func(o schedule.Calendar) bool { return o.Name == c.Name })
		if k < 0 {
			note("calendar %q is in the file, not in the project: calendars are not synced", c.Name)
		} else if !reflect.DeepEqual(cur.Calendars[k], c) {
			note("calendar %q differs in the file: calendars are not synced", c.Name)
		}
	}
	for _, r := range next.Resources {
		k := slices.IndexFunc(cur.Resources, func(o schedule.Resource) bool { return o.ID == r.ID })
		if k < 0 {
			note("resource %q is in the file, not in the project: resources are not synced", r.ID)
		} else if !reflect.DeepEqual(cur.Resources[k], r) {
			note("resource %q differs in the file: resources are not synced", r.ID)
		}
	}
	if !next.Start.IsZero() && !next.Start.Equal(cur.Start) {
		note("the project start is %s in the file, %s in the project: not synced", next.Start.Format(time.RFC3339), cur.Start.Format(time.RFC3339))
	}
	return d
}

// taskOps are the sets that make task o what t says. A summary's
// duration, work and progress roll up from its subtasks: they are not
// compared.
func taskOps(o, t *schedule.Task, so, sn schedule.Settings, summary bool, hasCalendar func(string) bool, note func(string, ...any)) []store.Op {
	var ops []store.Op
	set := func(field string, v any) { ops = append(ops, store.Set(t.ID, field, v)) }
	if o.Name != t.Name {
		set("name", t.Name)
	}
	if o.Notes != t.Notes {
		set("notes", t.Notes)
	}
	for _, k := range slices.Sorted(maps.Keys(t.Fields)) {
		if o.Fields[k] != t.Fields[k] {
			set("fields."+k, t.Fields[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(o.Fields)) {
		if _, ok := t.Fields[k]; !ok {
			set("fields."+k, "")
		}
	}
	if o.Calendar != t.Calendar {
		if hasCalendar(t.Calendar) {
			set("calendar", t.Calendar)
		} else {
			note("task %q names calendar %q, which the project does not have: its calendar is not synced", t.ID, t.Calendar)
		}
	}
	if o.Constraint.Type != t.Constraint.Type || !o.Constraint.Date.Equal(t.Constraint.Date) {
		set("constraint", t.Constraint)
	}
	if !o.Deadline.Equal(t.Deadline) {
		set("deadline", t.Deadline)
	}
	if o.LevelingPriority() != t.LevelingPriority() {
		set("priority", t.Priority)
	}
	if o.Manual != t.Manual {
		set("manual", t.Manual)
	}
	if t.Manual && !o.Start.Equal(t.Start) {
		set("manual_start", t.Start)
	}
	if summary {
		return ops
	}
	if !sameDuration(o.Duration, t.Duration, so, sn) {
		set("duration", inSettings(t.Duration, so, sn))
	}
	if !sameDuration(o.Work, t.Work, so, sn) {
		set("work", inSettings(t.Work, so, sn))
	}
	if o.Type != t.Type {
		set("type", t.Type)
	}
	if o.EffortDriven != t.EffortDriven {
		set("effort_driven", t.EffortDriven)
	}
	if !near(o.FixedCost, t.FixedCost) {
		set("fixed_cost", t.FixedCost)
	}
	if !near(o.PercentComplete, t.PercentComplete) {
		set("percent_complete", t.PercentComplete)
	}
	if !o.ActualStart.Equal(t.ActualStart) {
		set("actual_start", t.ActualStart)
	}
	if !o.ActualFinish.Equal(t.ActualFinish) {
		set("actual_finish", t.ActualFinish)
	}
	switch {
	case (o.Remaining == nil) != (t.Remaining == nil):
		if t.Remaining == nil {
			set("remaining", nil)
		} else {
			set("remaining", inSettings(*t.Remaining, so, sn))
		}
	case t.Remaining != nil && !sameDuration(*o.Remaining, *t.Remaining, so, sn):
		set("remaining", inSettings(*t.Remaining, so, sn))
	}
	if !sameSplits(o.Splits, t.Splits, so, sn) {
		splits := make([]schedule.Split, len(t.Splits))
		for k, s := range t.Splits {
			splits[k] = schedule.Split{At: inSettings(s.At, so, sn), Gap: inSettings(s.Gap, so, sn)}
		}
		set("splits", splits)
	}
	return ops
}

// minutes is d in minutes by settings s (working minutes, or elapsed
// ones for an elapsed d); a percentage is its amount.
func minutes(d schedule.Duration, s schedule.Settings) float64 {
	perDay := float64(cmp.Or(s.MinutesPerDay, 480))
	perWeek := float64(cmp.Or(s.MinutesPerWeek, 2400))
	perMonth := float64(cmp.Or(s.DaysPerMonth, 20)) * perDay
	if d.Elapsed {
		perDay, perWeek, perMonth = 1440, 7*1440, 30*1440
	}
	switch d.Unit {
	case schedule.Hour:
		return d.Amount * 60
	case schedule.Day:
		return d.Amount * perDay
	case schedule.Week:
		return d.Amount * perWeek
	case schedule.Month:
		return d.Amount * perMonth
	}
	return d.Amount // minutes, or a percentage
}

// sameDuration reports whether a (by settings sa) and b (by sb) are the
// same length of the same kind of time, to a hundredth of a minute.
func sameDuration(a, b schedule.Duration, sa, sb schedule.Settings) bool {
	if a.Elapsed != b.Elapsed || (a.Unit == schedule.Percent) != (b.Unit == schedule.Percent) {
		return false
	}
	return math.Abs(minutes(a, sa)-minutes(b, sb)) < 0.01
}

// inSettings gives d, written by the settings from, as the project of
// the settings to reads it: as it is when they agree, else in minutes.
func inSettings(d schedule.Duration, to, from schedule.Settings) schedule.Duration {
	if d.Unit == schedule.Percent || d.Unit == schedule.Minute || d.Unit == schedule.Hour || d.Elapsed || to == from {
		return d
	}
	return schedule.Duration{Amount: minutes(d, from), Unit: schedule.Minute}
}

func sameSplits(a, b []schedule.Split, sa, sb schedule.Settings) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !sameDuration(a[k].At, b[k].At, sa, sb) || !sameDuration(a[k].Gap, b[k].Gap, sa, sb) {
			return false
		}
	}
	return true
}

// near reports whether two amounts agree to a millionth.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*max(1, math.Abs(a), math.Abs(b)) }
