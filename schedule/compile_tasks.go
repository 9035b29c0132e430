package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// tasks indexes the tasks by ID, refusing an empty or repeated one, and
// makes the per-task arrays the compile fills.
func (c *compiler) tasks() {
	p, n := c.p, c.n
	n.byID = make(map[string]int32, len(p.Tasks))
	n.tasks = make([]taskInfo, len(p.Tasks))
	c.mins = make([]int64, len(p.Tasks))
	c.rem = make([]int64, len(p.Tasks))
	c.cal = make([]int32, len(p.Tasks))
	for i := range p.Tasks {
		t := &p.Tasks[i]
		n.tasks[i] = taskInfo{id: t.ID, name: t.Name, parent: -1}
		if t.ID == "" {
			c.fail(&InputError{Field: fmt.Sprintf("tasks[%d].id", i), Err: errors.New("task has no id")})
			continue
		}
		if _, dup := n.byID[t.ID]; dup {
			c.fail(&InputError{Task: t.ID, Err: ErrDuplicateTask})
			continue
		}
		n.byID[t.ID] = int32(i)
	}
	if len(c.errs) > 0 {
		return
	}
	c.ids = make([]int32, len(n.tasks))
	for i := range c.ids {
		c.ids[i] = int32(i)
	}
	slices.SortFunc(c.ids, func(a, b int32) int { return cmp.Compare(n.tasks[a].id, n.tasks[b].id) })
	c.rank = make([]int32, len(n.tasks))
	for r, i := range c.ids {
		c.rank[i] = int32(r)
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		if t.Parent == "" {
			continue
		}
		par, ok := n.byID[t.Parent]
		if !ok {
			c.fail(&InputError{Task: t.ID, Field: "parent", Err: fmt.Errorf("%q: %w", t.Parent, ErrUnknownTask)})
			continue
		}
		n.tasks[i].parent = par
		n.tasks[par].summary = true
	}
	if len(c.errs) > 0 {
		return
	}
	c.outline()
}

// outline computes depths, rejects loops of parents, and lists children.
func (c *compiler) outline() {
	n := c.n
	const unknown, visiting = -1, -2
	for i := range n.tasks {
		n.tasks[i].depth = unknown
	}
	var depth func(i int32) int32
	depth = func(i int32) int32 {
		// Walk up iteratively to stay safe on deep outlines.
		var path []int32
		for j := i; ; j = n.tasks[j].parent {
			if j < 0 {
				break
			}
			if d := n.tasks[j].depth; d >= 0 {
				break
			} else if d == visiting {
				c.fail(&InputError{Task: n.tasks[j].id, Field: "parent", Err: ErrParentCycle})
				for _, k := range path {
					n.tasks[k].depth = 0
				}
				return 0
			}
			n.tasks[j].depth = visiting
			path = append(path, j)
		}
		for _, k := range slices.Backward(path) {
			d := int32(0)
			if par := n.tasks[k].parent; par >= 0 {
				d = n.tasks[par].depth + 1
			}
			n.tasks[k].depth = d
		}
		return n.tasks[i].depth
	}
	for i := range n.tasks {
		depth(int32(i))
	}
	// Children in canonical (ID) order.
	counts := make([]int32, len(n.tasks)+1)
	for _, t := range n.tasks {
		if t.parent >= 0 {
			counts[t.parent+1]++
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	n.kidOf = counts
	n.kids = make([]int32, counts[len(counts)-1])
	fill := slices.Clone(counts[:len(counts)-1])
	for i, t := range n.tasks {
		if t.parent >= 0 {
			n.kids[fill[t.parent]] = int32(i)
			fill[t.parent]++
		}
	}
	for i := range n.tasks {
		k := n.kids[n.kidOf[i]:n.kidOf[i+1]]
		slices.SortFunc(k, func(a, b int32) int { return cmp.Compare(n.tasks[a].id, n.tasks[b].id) })
		if n.tasks[i].summary {
			n.up = append(n.up, int32(i))
		}
	}
	slices.SortStableFunc(n.up, func(a, b int32) int {
		return cmp.Or(cmp.Compare(n.tasks[b].depth, n.tasks[a].depth), cmp.Compare(n.tasks[a].id, n.tasks[b].id))
	})
}

// task checks one task's duration, calendar and dates.
func (c *compiler) task(i int32) {
	p, n := c.p, c.n
	t, info := &p.Tasks[i], &n.tasks[i]
	fail := func(field string, err error) { c.fail(&InputError{Task: t.ID, Field: field, Err: err}) }
	tl, ok := c.timelineOf(t.Calendar)
	if !ok {
		fail("calendar", fmt.Errorf("%q: %w", t.Calendar, ErrUnknownCalendar))
	}
	info.name = t.Name
	c.cal[i], info.cal, info.own, info.elapsed, info.startMS = tl, tl, tl, t.Duration.Elapsed, t.StartMilestone
	if !info.summary {
		switch m, err := t.Duration.minutes(n.settings); {
		case t.Duration.Unit == Percent:
			fail("duration", fmt.Errorf("%v: %w", t.Duration, ErrBadUnit))
		case err != nil:
			fail("duration", fmt.Errorf("%v: %w", err, ErrBadValue))
		case m < 0:
			fail("duration", fmt.Errorf("%v: %w", t.Duration, ErrNegative))
		default:
			c.mins[i] = m
		}
	}
	m := info.extra() // its assignments, from linksAndResources; the rest worked out here
	c.work(i, &m)
	m.fixedCost, m.actualCost = t.FixedCost, -1
	if math.IsNaN(t.FixedCost) || math.IsInf(t.FixedCost, 0) || t.FixedCost < 0 {
		fail("fixed_cost", fmt.Errorf("%v: %w", t.FixedCost, ErrBadValue))
	}
	if ac := t.ActualCost; ac != nil {
		if math.IsNaN(*ac) || math.IsInf(*ac, 0) || *ac < 0 {
			fail("actual_cost", fmt.Errorf("%v: %w", *ac, ErrBadValue))
		}
		m.actualCost = *ac
	}
	if t.Priority > 1000 {
		fail("priority", fmt.Errorf("%d: want at most 1000: %w", t.Priority, ErrBadValue))
	}
	if ct := t.Constraint.Type; ct > MFO {
		fail("constraint.type", fmt.Errorf("%d: %w", ct, ErrBadConstraint))
	} else if ct.dated() && t.Constraint.Date.IsZero() {
		fail("constraint.date", fmt.Errorf("%v needs a date: %w", ct, ErrBadConstraint))
	} else if ct.dated() && !inRange(t.Constraint.Date) {
		fail("constraint.date", fmt.Errorf("%v: %w", t.Constraint.Date, ErrBadDate))
	} else if info.summary && (ct == ALAP || ct == FNET || ct == MSO || ct == MFO) {
		fail("constraint.type", fmt.Errorf("%v on a summary task: only ASAP, SNET, SNLT and FNLT are allowed: %w", ct, ErrBadConstraint))
	}
	if !t.Deadline.IsZero() && !inRange(t.Deadline) {
		fail("deadline", fmt.Errorf("%v: %w", t.Deadline, ErrBadDate))
	}
	c.progress(i, &m)
	c.splits(i, &m)
	info.setExtra(m)
	switch {
	case t.Manual && info.summary:
		fail("manual", fmt.Errorf("a summary task cannot be manually scheduled here: %w", ErrBadValue))
	case t.Manual && t.Start.IsZero():
		fail("start", fmt.Errorf("a manually scheduled task needs its start: %w", ErrBadDate))
	case t.Manual && !inRange(t.Start):
		fail("start", fmt.Errorf("%v: %w", t.Start, ErrBadDate))
	}
}

// progress checks task i's actual dates, percent complete and remaining
// duration, and works out its remaining minutes, and its progress into m.
func (c *compiler) progress(i int32, m *taskMore) {
	p, n := c.p, c.n
	t, info := &p.Tasks[i], &n.tasks[i]
	fail := func(field string, err error) { c.fail(&InputError{Task: t.ID, Field: field, Err: err}) }
	as, af := t.ActualStart, t.ActualFinish
	m.pct, m.as, m.af, c.rem[i] = 0, noDate, noDate, 0
	if as.IsZero() && af.IsZero() && t.PercentComplete == 0 && t.Remaining == nil {
		return
	}
	switch {
	case info.summary:
		fail("actual_start", fmt.Errorf("a summary task's progress comes from its subtasks: %w", ErrBadValue))
		return
	case math.IsNaN(t.PercentComplete) || t.PercentComplete < 0 || t.PercentComplete > 100:
		fail("percent_complete", fmt.Errorf("%v: want 0 to 100: %w", t.PercentComplete, ErrBadValue))
		return
	case !af.IsZero() && as.IsZero():
		fail("actual_finish", fmt.Errorf("an actual finish needs an actual start: %w", ErrBadDate))
		return
	case !as.IsZero() && !inRange(as), !af.IsZero() && !inRange(af):
		fail("actual_start", fmt.Errorf("actual dates %v, %v: %w", as, af, ErrBadDate))
		return
	case !af.IsZero() && af.Before(as):
		fail("actual_finish", fmt.Errorf("%v is before the actual start %v: %w", af, as, ErrBadDate))
		return
	case as.IsZero():
		fail("actual_start", fmt.Errorf("progress needs an actual start: %w", ErrBadDate))
		return
	case !as.IsZero() && af.IsZero() && n.status == noDate && n.opts.Progress != ActualDates:
		fail("actual_start", fmt.Errorf("in progress, its remaining work needs a status date to start from: %w", ErrNoStatusDate))
		return
	}
	m.pct = t.PercentComplete
	m.as = wallMinutes(as, n.loc)
	if !af.IsZero() {
		m.pct, m.af = 100, wallMinutes(af, n.loc)
	}
	if t.Remaining != nil {
		rem, err := t.Remaining.minutes(n.settings)
		switch {
		case err != nil || t.Remaining.Unit == Percent:
			fail("remaining", fmt.Errorf("%v: %w", t.Remaining, ErrBadValue))
		case rem < 0:
			fail("remaining", fmt.Errorf("%v: %w", t.Remaining, ErrNegative))
		default:
			c.rem[i] = rem
			if tot := c.mins[i]; af.IsZero() && tot > 0 {
				m.pct = 100 * float64(max(0, tot-rem)) / float64(tot)
			}
		}
		return
	}
	c.rem[i] = int64(math.Round(float64(c.mins[i]) * (100 - t.PercentComplete) / 100))
}

// splits checks task i's splits and converts them to minutes, into m.
func (c *compiler) splits(i int32, m *taskMore) {
	t, info := &c.p.Tasks[i], &c.n.tasks[i]
	m.splits, m.live = nil, 0
	if len(t.Splits) == 0 {
		return
	}
	if info.summary {
		c.fail(&InputError{Task: t.ID, Field: "splits", Err: fmt.Errorf("a summary task cannot be split: %w", ErrBadValue)})
		return
	}
	total := c.mins[i] // the work, done and remaining
	if m.as != noDate && m.af == noDate {
		total = max(c.mins[i], c.rem[i])
	}
	splits := make([]pause, 0, len(t.Splits))
	var prev, span int64
	for k, s := range t.Splits {
		var at [2]int64 // at and gap
		for j, d := range [2]Duration{s.At, s.Gap} {
			fail := func(err error) {
				c.fail(&InputError{Task: t.ID, Field: fmt.Sprintf("splits[%d].%s", k, [2]string{"at", "gap"}[j]), Err: err})
			}
			var err error
			switch at[j], err = d.minutes(c.n.settings); {
			case d.Unit == Percent:
				fail(fmt.Errorf("%v: %w", d, ErrBadUnit))
			case d.Elapsed != t.Duration.Elapsed && !d.IsZero():
				fail(fmt.Errorf("%v: a split counts in the task's own time (elapsed: %v): %w", d, t.Duration.Elapsed, ErrBadUnit))
			case err != nil:
				fail(fmt.Errorf("%v: %w", err, ErrBadValue))
			case at[j] <= 0:
				fail(fmt.Errorf("%v: want more than zero: %w", d, ErrBadValue))
			case j == 0 && at[j] <= prev:
				fail(fmt.Errorf("%v: not after the split before it: %w", d, ErrBadValue))
			case j == 1 && span+at[j] > maxMinutes:
				fail(fmt.Errorf("%v: the pauses add up to more than can be scheduled: %w", d, ErrBadValue))
			default:
				continue
			}
			return
		}
		prev, span = at[0], span+at[1]
		splits = append(splits, pause{at[0], at[1]})
		if at[0] < total { // one at or past the end of the work pauses nothing
			m.live++
		}
	}
	m.splits = splits
}

// taskDates is what constrain reads of a task besides its compiled
// values: its constraint, a manual task's start, its deadline and its
// actual dates, as wall minutes. The zero value is a task with none.
type taskDates struct {
	ct                            ConstraintType
	manual, started, finished     bool
	hasDeadline                   bool
	date, start, deadline, as, af int64
}

// datesOf returns what constrain reads of task t.
func (c *compiler) datesOf(t *Task) taskDates {
	loc := c.n.loc
	d := taskDates{ct: t.Constraint.Type, manual: t.Manual, started: !t.ActualStart.IsZero(), finished: !t.ActualFinish.IsZero(), hasDeadline: !t.Deadline.IsZero()}
	if d.ct.dated() {
		d.date = wallMinutes(t.Constraint.Date, loc)
	}
	if d.manual {
		d.start = wallMinutes(t.Start, loc)
	}
	if d.hasDeadline {
		d.deadline = wallMinutes(t.Deadline, loc)
	}
	if d.started {
		d.as = wallMinutes(t.ActualStart, loc)
	}
	if d.finished {
		d.af = wallMinutes(t.ActualFinish, loc)
	}
	return d
}

// keepDates keeps what constrain reads of the tasks that have any of it,
// for when the project is gone.
func (c *compiler) keepDates() {
	c.dated = map[int32]taskDates{}
	for i := range c.p.Tasks {
		if d := c.datesOf(&c.p.Tasks[i]); d != (taskDates{}) {
			c.dated[int32(i)] = d
		}
	}
}

// taskDates returns what constrain reads of task i: from the project, or
// from what keepDates kept of it once the project is gone.
func (c *compiler) taskDates(i int32) taskDates {
	if c.p == nil {
		return c.dated[i]
	}
	return c.datesOf(&c.p.Tasks[i])
}
