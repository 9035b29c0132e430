// Package bounds refuses a project holding a value a file format cannot
// hold, so that a writer fails before it writes anything rather than
// write an overflowed number, an Inf or a NaN. Check walks every number
// and date of the project, and the dates and floats of its schedule:
//
//   - a NaN or an infinite number, anywhere;
//   - a duration, lag, amount of work, remaining duration, split, crash
//     duration, overlap, critical float or computed float longer than
//     the format holds, or than the scheduler holds (Network.Minutes
//     refuses more than 2³⁰ minutes with the project's settings),
//     whichever is less;
//   - a negative duration, remaining duration, work, split, crash
//     duration or overlap (lags may be negative: leads), a negative
//     cost, rate or units;
//   - units, rates and costs over the format's bounds;
//   - a percent complete outside 0–100, a priority over 1000, a working
//     time not within a day;
//   - a date (the project's, a task's constraint, deadline, actual and
//     manual dates, a baseline's, a calendar exception's, the scheduled
//     ones) outside the years the format's tools take;
//   - settings the scheduler refuses (Compile's own error).
//
// Its error names the task (link, resource, assignment, calendar,
// baseline) and the field, and wraps schedule.ErrBadValue,
// schedule.ErrNegative, schedule.ErrBadDate or schedule.ErrBadInterval:
// `task "A": duration 1e+300d: value out of range (MSPDI holds up to
// 1073741824 minutes)`. The writer puts its own name before it.
package bounds

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Format is what a format holds.
type Format struct {
	// Name names the format in messages: "MSPDI", "P6".
	Name string
	// FirstYear and LastYear are the years its dates may fall in.
	FirstYear, LastYear int
	// MaxMinutes bounds durations, lags, work and floats, in minutes by
	// the project's settings; Hours says the bound in hours in messages,
	// as the format counts them. The scheduler's own bound applies too.
	MaxMinutes int64
	Hours      bool
	// MaxUnits bounds the units of assignments and the maximum units of
	// resources; MaxRate the resources' standard rates and the amounts
	// of cost resources' assignments; MaxCost every other cost (tasks'
	// fixed, actual and crash costs, baselines' costs, rework costs,
	// overtime rates, costs per use). Zero is no bound but being a
	// number.
	MaxUnits, MaxRate, MaxCost float64
}

// anchor is any date the scheduler takes, for the network that converts
// durations by the project's settings.
var anchor = time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)

// Check returns an error naming the first value of p, or of r (p
// scheduled; nil when it is not), that f cannot hold, in a fixed order:
// the settings, the project's dates and options, calendars, tasks,
// links, resources, assignments, baselines, then the schedule.
func Check(p *schedule.Project, r *schedule.Result, f Format) error {
	n, err := schedule.Compile(&schedule.Project{Start: anchor, Settings: p.Settings})
	if err != nil {
		return err
	}
	c := &checker{f: f, n: n}
	c.project(p)
	for k := range p.Calendars {
		c.calendar(&p.Calendars[k])
	}
	for k := range p.Tasks {
		c.task(&p.Tasks[k])
	}
	for k := range p.Links {
		c.link(&p.Links[k])
	}
	types := make(map[string]schedule.ResourceType, len(p.Resources))
	for _, res := range p.Resources {
		types[res.ID] = res.Type
		c.resource(&res)
	}
	for _, a := range p.Assignments {
		c.assignment(&a, types[a.Resource])
	}
	for k := range p.Baselines {
		c.baseline(&p.Baselines[k])
	}
	if r != nil && c.err == nil {
		for _, tr := range r.Tasks() {
			c.scheduled(&tr)
		}
	}
	return c.err
}

type checker struct {
	f   Format
	n   *schedule.Network
	err error
}

// fail keeps the first error.
func (c *checker) fail(owner, field, format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %s "+format, append([]any{owner, field}, args...)...)
	}
}

// span says the longest duration the format holds.
func (c *checker) span() string {
	if c.f.Hours {
		return fmt.Sprintf("%s holds up to %s hours", c.f.Name, number(float64(c.f.MaxMinutes)/60))
	}
	return fmt.Sprintf("%s holds up to %d minutes", c.f.Name, c.f.MaxMinutes)
}

// duration checks a span of time: a length (not negative) or, lag, a
// lead too. A percent is checked as the scheduler reads it (a lag's
// share of its predecessor, in basis points); a percent where a length
// is wanted is only checked to be a number (the writers say what they
// make of it).
func (c *checker) duration(owner, field string, d schedule.Duration, lag bool) {
	if c.err != nil || d.IsZero() && d.Unit <= schedule.Percent {
		return
	}
	if d.Unit == schedule.Percent && !lag {
		if math.IsNaN(d.Amount) || math.IsInf(d.Amount, 0) {
			c.fail(owner, field, "%v: %w", d, schedule.ErrBadValue)
		}
		return
	}
	m, err := c.n.Minutes(d)
	switch {
	case err != nil || (d.Unit != schedule.Percent && (m > c.f.MaxMinutes || m < -c.f.MaxMinutes)):
		c.fail(owner, field, "%v: %w (%s)", d, schedule.ErrBadValue, c.span())
	case m < 0 && !lag:
		c.fail(owner, field, "%v: %w", d, schedule.ErrNegative)
	}
}

// minutes checks a float the scheduler worked out.
func (c *checker) minutes(owner, field string, m int64) {
	if c.err == nil && (m > c.f.MaxMinutes || m < -c.f.MaxMinutes) {
		span := strconv.FormatInt(m, 10) + " minutes"
		if c.f.Hours {
			span = number(float64(m)/60) + " hours"
		}
		c.fail(owner, field, "%s: %w (%s)", span, schedule.ErrBadValue, c.span())
	}
}

// amount checks a number that is not negative and at most most (none
// when zero); what names the bound in messages.
func (c *checker) amount(owner, field string, v, most float64, what string) {
	switch {
	case c.err != nil:
	case math.IsNaN(v) || math.IsInf(v, 0):
		c.fail(owner, field, "%v: %w", v, schedule.ErrBadValue)
	case v < 0:
		c.fail(owner, field, "%v: %w: want 0 or more", v, schedule.ErrBadValue)
	case most > 0 && v > most:
		c.fail(owner, field, "%v: %w (%s holds %s up to %s)", v, schedule.ErrBadValue, c.f.Name, what, number(most))
	}
}

// date checks a date, if there is one.
func (c *checker) date(owner, field string, t time.Time) {
	if c.err == nil && !t.IsZero() && (t.Year() < c.f.FirstYear || t.Year() > c.f.LastYear) {
		c.fail(owner, field, "%s: %w (%s holds the years %d to %d)", t.Format("2006-01-02 15:04"), schedule.ErrBadDate, c.f.Name, c.f.FirstYear, c.f.LastYear)
	}
}

func (c *checker) project(p *schedule.Project) {
	c.date("project", "start", p.Start)
	c.date("project", "finish", p.Finish)
	c.date("project", "finish-by date", p.FinishBy)
	c.date("project", "status date", p.StatusDate)
	c.duration("project", "critical float", p.Options.CriticalFloat, true)
}

func (c *checker) calendar(cal *schedule.Calendar) {
	owner := fmt.Sprintf("calendar %q", cal.Name)
	times := func(ivs []schedule.Interval) {
		for _, iv := range ivs {
			if c.err == nil && (iv.Start < 0 || iv.Start >= iv.End || iv.End > 1440) {
				c.fail(owner, "working time", "%v is not within a day: %w", iv, schedule.ErrBadInterval)
			}
		}
	}
	for _, ivs := range cal.Week {
		times(ivs)
	}
	for _, x := range cal.Exceptions {
		day := func(d schedule.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
		c.date(owner, "exception", day(x.From))
		if !x.To.IsZero() {
			c.date(owner, "exception", day(x.To))
		}
		times(x.Working)
	}
}

func (c *checker) task(t *schedule.Task) {
	owner := fmt.Sprintf("task %q", t.ID)
	c.duration(owner, "duration", t.Duration, false)
	if t.Remaining != nil {
		c.duration(owner, "remaining duration", *t.Remaining, false)
	}
	c.duration(owner, "work", t.Work, false)
	for _, s := range t.Splits {
		c.duration(owner, "split", s.At, false)
		c.duration(owner, "split", s.Gap, false)
	}
	if t.Crash != nil {
		c.duration(owner, "crash duration", t.Crash.Duration, false)
		c.amount(owner, "crash cost", t.Crash.Cost, c.f.MaxCost, "costs")
		c.amount(owner, "crash cost per day", t.Crash.CostPerDay, c.f.MaxCost, "costs")
	}
	if c.err == nil && (math.IsNaN(t.PercentComplete) || t.PercentComplete < 0 || t.PercentComplete > 100) {
		c.fail(owner, "percent complete", "%v: %w: want 0 to 100", t.PercentComplete, schedule.ErrBadValue)
	}
	if c.err == nil && t.Priority > 1000 {
		c.fail(owner, "priority", "%d: %w: want at most 1000", t.Priority, schedule.ErrBadValue)
	}
	c.amount(owner, "fixed cost", t.FixedCost, c.f.MaxCost, "costs")
	if t.ActualCost != nil {
		c.amount(owner, "actual cost", *t.ActualCost, c.f.MaxCost, "costs")
	}
	if t.Constraint.Type >= schedule.SNET {
		c.date(owner, "constraint date", t.Constraint.Date)
	}
	c.date(owner, "deadline", t.Deadline)
	c.date(owner, "actual start", t.ActualStart)
	c.date(owner, "actual finish", t.ActualFinish)
	if t.Manual {
		c.date(owner, "start", t.Start)
	}
}

func (c *checker) link(l *schedule.Link) {
	owner := fmt.Sprintf("link %v", l)
	c.duration(owner, "lag", l.Lag, true)
	c.duration(owner, "overlap", l.Overlap, false)
	c.amount(owner, "rework cost", l.ReworkCost, c.f.MaxCost, "costs")
}

func (c *checker) resource(r *schedule.Resource) {
	owner := fmt.Sprintf("resource %q", r.ID)
	c.amount(owner, "maximum units", r.MaxUnits, c.f.MaxUnits, "units")
	c.amount(owner, "standard rate", r.StandardRate, c.f.MaxRate, "rates")
	c.amount(owner, "overtime rate", r.OvertimeRate, c.f.MaxCost, "costs")
	c.amount(owner, "cost per use", r.CostPerUse, c.f.MaxCost, "costs")
}

func (c *checker) assignment(a *schedule.Assignment, typ schedule.ResourceType) {
	owner := fmt.Sprintf("assignment of %q to %q", a.Resource, a.Task)
	if typ == schedule.CostResource { // its units are the amount charged
		c.amount(owner, "amount", a.Units, c.f.MaxRate, "a cost resource's amounts")
	} else {
		c.amount(owner, "units", a.Units, c.f.MaxUnits, "units")
	}
	c.duration(owner, "work", a.Work, false)
}

func (c *checker) baseline(b *schedule.Baseline) {
	for _, bt := range b.Tasks {
		owner := fmt.Sprintf("baseline %q: task %q", b.Name, bt.ID)
		c.date(owner, "start", bt.Start)
		c.date(owner, "finish", bt.Finish)
		c.duration(owner, "duration", bt.Duration, false)
		c.duration(owner, "work", bt.Work, false)
		c.amount(owner, "cost", bt.Cost, c.f.MaxCost, "costs")
	}
}

// scheduled checks a task's scheduled dates and floats.
func (c *checker) scheduled(tr *schedule.TaskResult) {
	owner := fmt.Sprintf("task %q", tr.ID)
	for _, d := range []struct {
		field string
		t     time.Time
	}{{"scheduled start", tr.Start}, {"scheduled finish", tr.Finish}, {"early start", tr.EarlyStart}, {"early finish", tr.EarlyFinish},
		{"late start", tr.LateStart}, {"late finish", tr.LateFinish}} {
		c.date(owner, d.field, d.t)
	}
	c.minutes(owner, "total float", tr.TotalFloat)
	c.minutes(owner, "free float", tr.FreeFloat)
}

// number spells a bound or an amount without an exponent.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
