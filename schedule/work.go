package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// work resolves task i's duration, units and work from what the project
// gives (see Assignment), and its calendar from its work resources'; its
// assignments are m's, resolved in place.
func (c *compiler) work(i int32, m *taskMore) {
	p, n := c.p, c.n
	t, info := &p.Tasks[i], &n.tasks[i]
	fail := func(field string, err error) { c.fail(&InputError{Task: t.ID, Field: field, Err: err}) }
	total, err := workMinutes(t.Work, n.settings)
	if err != nil {
		fail("work", err)
		return
	}
	var sh []share    // the work resources' assignments
	var at []int32    // and their places in m.assign
	var cals []string // the calendars the task works on
	for k := range m.assign {
		a := &m.assign[k]
		in := &p.Assignments[a.index]
		a.units, a.work = in.Units, 0
		res := &n.resources[a.resource]
		if res.Type != WorkResource {
			continue
		}
		w, err := workMinutes(in.Work, n.settings)
		if err != nil {
			c.fail(&InputError{Task: t.ID, Field: fmt.Sprintf("assignments[%d].work", a.index), Err: err})
			return
		}
		sh, at = append(sh, share{units: in.Units, work: w}), append(at, int32(k))
		cals = append(cals, cmp.Or(res.Calendar, p.Calendar, Standard))
	}
	if info.summary && total > 0 {
		fail("work", fmt.Errorf("a summary task's work comes from its subtasks: %w", ErrBadValue))
		return
	}
	if info.summary {
		return
	}
	d, bad, err := resolveShares(t.Type, c.mins[i], total, sh)
	switch {
	case err != nil && bad < 0:
		fail("work", err)
		return
	case err != nil:
		c.fail(&InputError{Task: t.ID, Field: fmt.Sprintf("assignments[%d].work", m.assign[at[bad]].index), Err: err})
		return
	case len(sh) == 0:
		return
	}
	c.mins[i] = d
	for k, s := range sh {
		a := &m.assign[at[k]]
		a.units, a.work = s.units, s.work
	}
	if _, known := c.hours[t.Calendar]; !t.IgnoreResourceCalendars && (t.Calendar == "" || known) {
		if t.Calendar != "" {
			cals = append(cals, t.Calendar)
		}
		slices.Sort(cals)
		tl, err := c.intersection(slices.Compact(cals))
		if err != nil {
			fail("calendar", err)
			return
		}
		c.cal[i], info.cal = tl, tl
	}
}

// share is one work resource's assignment to a task: its units, and its
// work in minutes (zero: not given).
type share struct {
	units float64
	work  int64
}

// resolveShares works out a task's duration and its shares' units and
// work, as Assignment describes, from the task's type, duration (d) and
// total work (zero: not given). On an error, bad is the share at fault,
// or -1 for the task.
func resolveShares(typ TaskType, d, total int64, sh []share) (dur int64, bad int, err error) {
	var units float64
	var given int64
	for _, s := range sh {
		units, given = units+s.units, given+s.work
	}
	switch {
	case len(sh) == 0 && total > 0:
		return 0, -1, fmt.Errorf("%v of work needs a work resource assigned: %w", hoursOf(total), ErrBadValue)
	case total > 0 && given > 0 && total != given:
		return 0, -1, fmt.Errorf("%v, but its assignments' work adds up to %v: %w", hoursOf(total), hoursOf(given), ErrBadValue)
	case total > 0 && given == 0: // shared by units
		if units == 0 {
			return 0, -1, fmt.Errorf("%v to share among assignments without units: %w", hoursOf(total), ErrBadValue)
		}
		for k := range sh {
			sh[k].work = int64(math.Round(float64(total) * sh[k].units / units))
		}
		given = total
	}
	if given > 0 && typ != FixedDuration { // the units stand: the longest assignment sets the duration
		d = 0
		for k, s := range sh {
			if s.work == 0 {
				continue
			}
			if s.units == 0 {
				return 0, k, fmt.Errorf("%v of work at 0 units: %w", hoursOf(s.work), ErrBadValue)
			}
			d = max(d, int64(math.Round(float64(s.work)/s.units)))
		}
		if d > maxMinutes {
			return 0, -1, fmt.Errorf("work ÷ units is a duration of %d minutes: %w", d, ErrBadValue)
		}
	}
	for k := range sh {
		s := &sh[k]
		switch {
		case s.work == 0:
			s.work = int64(math.Round(float64(d) * s.units))
		case typ == FixedDuration: // the duration stands: the work sets the units
			if d == 0 {
				return 0, k, fmt.Errorf("%v of work on a fixed-duration task of no duration: %w", hoursOf(s.work), ErrBadValue)
			}
			s.units = float64(s.work) / float64(d)
		}
	}
	return d, -1, nil
}

func hoursOf(minutes int64) Duration { return Hours(float64(minutes) / 60) }

// workMinutes converts a work amount to minutes: working time, not
// negative, not a percentage.
func workMinutes(w Duration, s Settings) (int64, error) {
	if w.Elapsed || w.Unit == Percent {
		return 0, fmt.Errorf("%v: work is counted in working time: %w", w, ErrBadUnit)
	}
	m, err := w.minutes(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%v: %w", err, ErrBadValue)
	case m < 0:
		return 0, fmt.Errorf("%v: %w", w, ErrNegative)
	}
	return m, nil
}

// ErrNoSharedTime is returned for a task whose calendar and resources'
// calendars have no working time in common.
var ErrNoSharedTime = errors.New("the calendars share no working time")

// intersection returns the timeline of the time in which all the named
// calendars work, compiling it the first time.
func (c *compiler) intersection(names []string) (int32, error) {
	key := strings.Join(names, " ∩ ")
	if tl, ok := c.tlOf[key]; ok {
		return tl, nil
	}
	_, tl, err := c.compiled(key, func() (*hours, error) {
		h := c.hours[names[0]]
		for _, name := range names[1:] {
			h = h.intersect(c.hours[name])
		}
		return h, nil
	})
	switch {
	case errors.Is(err, ErrNoWorkingTime):
		return 0, fmt.Errorf("%s: %w", key, ErrNoSharedTime)
	case err != nil:
		return 0, err
	case len(c.n.tls) >= maxTimelines:
		return 0, fmt.Errorf("%s: more than %d calendars and combinations of them: %w", key, maxTimelines-1, ErrBadValue)
	}
	n := c.n
	if tl.identity {
		c.tlOf[key] = 0
		return 0, nil
	}
	c.tlOf[key] = int32(len(n.tls))
	n.tls = append(n.tls, tl)
	n.calNames = append(n.calNames, key)
	return c.tlOf[key], nil
}

// AssignmentResult is one resource's share of a task as scheduled: its
// units and, for a work resource, its work in minutes.
type AssignmentResult struct {
	Resource string
	Units    float64
	Work     int64
}

// Assignments returns task i's assignments, in the project's order, with
// their units and work resolved as Assignment describes.
func (r *Result) Assignments(i int) []AssignmentResult {
	n := r.net
	as := n.tasks[i].extra().assign
	out := make([]AssignmentResult, len(as))
	for k, a := range as {
		out[k] = AssignmentResult{Resource: n.resources[a.resource].ID, Units: a.units, Work: a.work}
	}
	return out
}
