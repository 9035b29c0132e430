package testutil

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/loss"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// Difference is one kind of field two project models hold differently:
// its kind ("task.deadline", "options.total_float", "link"), how many
// values differ and the first of them.
type Difference struct {
	Kind    string
	Count   int
	Example string
}

func (d Difference) String() string {
	return fmt.Sprintf("%s (%d, such as %s)", d.Kind, d.Count, d.Example)
}

// Diff compares what a writer was given (a) with what its file reads back
// as (b), field by field, by meaning rather than by spelling: tasks,
// resources and assignments are matched by ID (by name when the ID
// changed, which is then a difference of its own), links by their ends
// and type; the order of lists is not compared; dates are compared as
// wall clocks (the zone is the kind "project.time_zone"); durations by
// their length, and by their unit as a kind of its own ("task.duration
// unit"); settings with their defaults; calendars by the working time of
// each weekday and each day of exceptions (through their bases, over the
// years around the project), and by their base and exceptions' names and
// yearly recurrence as kinds of their own; a preset calendar written out
// under its own name is no difference. The differences are sorted by
// kind.
func Diff(a, b *schedule.Project) []Difference {
	d := &differ{a: a, b: b, kinds: map[string]*Difference{}}
	d.project()
	d.calendars()
	d.tasks()
	d.links()
	d.resources()
	d.assignments()
	d.baselines()
	d.fields()
	out := make([]Difference, 0, len(d.kinds))
	for _, k := range slices.Sorted(maps.Keys(d.kinds)) {
		out = append(out, *d.kinds[k])
	}
	return out
}

type differ struct {
	a, b   *schedule.Project
	kinds  map[string]*Difference
	taskB  map[string]string // a's task ID → b's
	rsrcB  map[string]string // a's resource ID → b's
	tasksA map[string]*schedule.Task
}

// add records a difference of kind, with where and the two values.
func (d *differ) add(kind, where string, va, vb any) {
	k := d.kinds[kind]
	if k == nil {
		k = &Difference{Kind: kind, Example: fmt.Sprintf("%s: %v ≠ %v", where, va, vb)}
		d.kinds[kind] = k
	}
	k.Count++
}

// check records kind when the two values differ.
func check[T comparable](d *differ, kind, where string, va, vb T) {
	if va != vb {
		d.add(kind, where, va, vb)
	}
}

// wall is a date as its wall clock, "none" for none.
func wall(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.Format("2006-01-02 15:04")
}

// zone names a project's time zone as loss.Zone does, "UTC" for a zone
// of no offset.
func zone(p *schedule.Project) string { return cmp.Or(loss.Zone(p), "UTC") }

func settings(s schedule.Settings) schedule.Settings {
	s.MinutesPerDay = cmp.Or(s.MinutesPerDay, 480)
	s.MinutesPerWeek = cmp.Or(s.MinutesPerWeek, 2400)
	s.DaysPerMonth = cmp.Or(s.DaysPerMonth, 20)
	return s
}

// minutes is a duration's length in minutes by the settings (a percent
// is its hundredths).
func minutes(x schedule.Duration, s schedule.Settings) float64 {
	s = settings(s)
	per := 1.0
	switch x.Unit {
	case schedule.Hour:
		per = 60
	case schedule.Day:
		per = float64(s.MinutesPerDay)
		if x.Elapsed {
			per = 1440
		}
	case schedule.Week:
		per = float64(s.MinutesPerWeek)
		if x.Elapsed {
			per = 7 * 1440
		}
	case schedule.Month:
		per = float64(s.DaysPerMonth * s.MinutesPerDay)
		if x.Elapsed {
			per = 30 * 1440
		}
	}
	return x.Amount * per
}

// duration compares two durations: by length, by elapsed or percent, and
// by unit (kind + " unit") when the length is the same.
func (d *differ) duration(kind, where string, x, y schedule.Duration) {
	if x == y || (x.IsZero() && y.IsZero()) {
		return
	}
	mx, my := minutes(x, d.a.Settings), minutes(y, d.b.Settings)
	switch {
	case (x.Unit == schedule.Percent) != (y.Unit == schedule.Percent):
		d.add(kind+" percent", where, x, y)
	case x.Elapsed != y.Elapsed && !x.IsZero() && !y.IsZero():
		d.add(kind+" elapsed", where, x, y)
	case math.Abs(mx-my) > 0.01:
		d.add(kind, where, x, y)
	case x.Unit != y.Unit:
		d.add(kind+" unit", where, x, y)
	}
}

func (d *differ) number(kind, where string, x, y float64) {
	if math.Abs(x-y) > 1e-6*max(1, math.Abs(x)) {
		d.add(kind, where, x, y)
	}
}

func (d *differ) project() {
	a, b := d.a, d.b
	check(d, "project.name", "project", a.Name, b.Name)
	if !a.FromFinish || !b.FromFinish {
		check(d, "project.start", "project", wall(a.Start), wall(b.Start))
	}
	check(d, "project.finish_by", "project", wall(a.FinishBy), wall(b.FinishBy))
	check(d, "project.from_finish", "project", a.FromFinish, b.FromFinish)
	if a.FromFinish && b.FromFinish {
		check(d, "project.finish", "project", wall(a.Finish), wall(b.Finish))
	}
	check(d, "project.status_date", "project", wall(a.StatusDate), wall(b.StatusDate))
	check(d, "project.time_zone", "project", zone(a), zone(b))
	check(d, "project.calendar", "project", cmp.Or(a.Calendar, schedule.Standard), cmp.Or(b.Calendar, schedule.Standard))
	sa, sb := settings(a.Settings), settings(b.Settings)
	check(d, "settings.minutes_per_day", "settings", sa.MinutesPerDay, sb.MinutesPerDay)
	check(d, "settings.minutes_per_week", "settings", sa.MinutesPerWeek, sb.MinutesPerWeek)
	check(d, "settings.days_per_month", "settings", sa.DaysPerMonth, sb.DaysPerMonth)
	oa, ob := a.Options, b.Options
	check(d, "options.total_float", "options", oa.TotalFloat, ob.TotalFloat)
	check(d, "options.lag_calendar", "options", oa.LagCalendar, ob.LagCalendar)
	d.duration("options.critical_float", "options", oa.CriticalFloat, ob.CriticalFloat)
	check(d, "options.constraints", "options", oa.Constraints, ob.Constraints)
	check(d, "options.summary_float", "options", oa.SummaryFloat, ob.SummaryFloat)
	check(d, "options.progress", "options", oa.Progress, ob.Progress)
	check(d, "options.alap", "options", oa.ALAP, ob.ALAP)
	check(d, "options.late_dates", "options", oa.LateDates, ob.LateDates)
	check(d, "options.cross_calendar", "options", oa.CrossCalendar, ob.CrossCalendar)
	check(d, "options.float_calendar", "options", oa.FloatCalendar, ob.FloatCalendar)
}

// calendarOf finds a calendar of p by name, a preset when p defines none.
func calendarOf(p *schedule.Project, name string) (schedule.Calendar, bool) {
	if k := slices.IndexFunc(p.Calendars, func(c schedule.Calendar) bool { return c.Name == name }); k >= 0 {
		return p.Calendars[k], true
	}
	return schedule.Preset(name)
}

// week is a calendar's working time on each weekday, through its bases.
func week(p *schedule.Project, c schedule.Calendar) [7]string {
	var out [7]string
	for day := time.Sunday; day <= time.Saturday; day++ {
		cal := c
		for range 20 {
			if ivs, ok := cal.Week[day]; ok {
				out[day] = intervals(ivs)
				break
			}
			base, ok := calendarOf(p, cal.Base)
			if cal.Base == "" || !ok {
				out[day] = intervals(nil)
				break
			}
			cal = base
		}
	}
	return out
}

func intervals(ivs []schedule.Interval) string {
	if len(ivs) == 0 {
		return "off"
	}
	s := make([]string, len(ivs))
	for i, iv := range ivs {
		s[i] = iv.String()
	}
	return strings.Join(s, ",")
}

// dayEntry is an exception's working time on one day, and its name.
type dayEntry struct{ working, name string }

// exceptionDays lays a calendar's exceptions out day by day over the
// years first to last, its own over its bases': a dated exception beats
// a yearly one, a later one an earlier one of its kind.
func exceptionDays(p *schedule.Project, c schedule.Calendar, first, last, depth int) map[schedule.Date]dayEntry {
	out := map[schedule.Date]dayEntry{}
	if base, ok := calendarOf(p, c.Base); ok && c.Base != "" && depth < 20 {
		for day, e := range exceptionDays(p, base, first, last, depth+1) {
			out[day] = dayEntry{working: e.working}
		}
	}
	own := map[schedule.Date]dayEntry{}
	for _, yearly := range []bool{true, false} {
		for _, x := range c.Exceptions {
			if x.Yearly != yearly {
				continue
			}
			from := time.Date(x.From.Year, x.From.Month, x.From.Day, 0, 0, 0, 0, time.UTC)
			to := from
			if !x.To.IsZero() {
				to = time.Date(x.To.Year, x.To.Month, x.To.Day, 0, 0, 0, 0, time.UTC)
			}
			for t := from; !t.After(to) && t.Sub(from) < 400*24*time.Hour; t = t.AddDate(0, 0, 1) {
				if !yearly {
					own[schedule.DateOf(t)] = dayEntry{intervals(x.Working), x.Name}
					continue
				}
				for y := max(first, x.From.Year); y <= last; y++ {
					at := time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
					if at.Day() == t.Day() && !at.Before(from) {
						own[schedule.DateOf(at)] = dayEntry{intervals(x.Working), x.Name}
					}
				}
			}
		}
	}
	maps.Copy(out, own)
	return out
}

// years are the years calendars are compared over: from the year before
// the project to ten after its finish, as the P6 writers lay yearly
// exceptions out.
func years(p *schedule.Project) (first, last int) {
	start := cmp.Or(p.Start, p.Finish, p.StatusDate)
	finish := start
	if r, err := schedule.Run(p); err == nil {
		finish = r.Finish()
		if r.Start().Before(start) {
			start = r.Start()
		}
	}
	return start.Year() - 1, finish.Year() + 10
}

func (d *differ) calendars() {
	first, last := years(d.a)
	names := map[string]bool{}
	for _, c := range d.a.Calendars {
		names[c.Name] = true
	}
	for _, c := range d.b.Calendars {
		names[c.Name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		ca, okA := calendarOf(d.a, name)
		cb, okB := calendarOf(d.b, name)
		where := fmt.Sprintf("calendar %q", name)
		if !okA || !okB {
			d.add("calendar", where, okA, okB)
			continue
		}
		check(d, "calendar.base", where, ca.Base, cb.Base)
		wa, wb := week(d.a, ca), week(d.b, cb)
		for day := range wa {
			check(d, "calendar.week", fmt.Sprintf("%s %v", where, time.Weekday(day)), wa[day], wb[day])
		}
		xa, xb := exceptionDays(d.a, ca, first, last, 0), exceptionDays(d.b, cb, first, last, 0)
		days := map[schedule.Date]bool{}
		for day := range xa {
			days[day] = true
		}
		for day := range xb {
			days[day] = true
		}
		dated := datedDays(ca)
		for _, day := range slices.SortedFunc(maps.Keys(days), func(x, y schedule.Date) int { return strings.Compare(x.String(), y.String()) }) {
			if (day.Year < first || day.Year > last) && !dated[day] {
				continue // yearly exceptions are compared over the years around the project
			}
			ea, inA := xa[day]
			eb, inB := xb[day]
			at := fmt.Sprintf("%s %v", where, day)
			switch {
			case !inA && !inB:
			case !inA:
				check(d, "calendar.exceptions", at, wa[weekdayOf(day)], eb.working)
			case !inB:
				check(d, "calendar.exceptions", at, ea.working, wb[weekdayOf(day)])
			default:
				check(d, "calendar.exceptions", at, ea.working, eb.working)
				check(d, "calendar.exception.name", at, ea.name, eb.name)
			}
		}
		check(d, "calendar.exception.yearly", where, yearlyDays(ca), yearlyDays(cb))
	}
}

// datedDays are the days of a calendar's own dated exceptions.
func datedDays(c schedule.Calendar) map[schedule.Date]bool {
	out := map[schedule.Date]bool{}
	for _, x := range c.Exceptions {
		if x.Yearly {
			continue
		}
		from := time.Date(x.From.Year, x.From.Month, x.From.Day, 0, 0, 0, 0, time.UTC)
		to := from
		if !x.To.IsZero() {
			to = time.Date(x.To.Year, x.To.Month, x.To.Day, 0, 0, 0, 0, time.UTC)
		}
		for t := from; !t.After(to) && t.Sub(from) < 400*24*time.Hour; t = t.AddDate(0, 0, 1) {
			out[schedule.DateOf(t)] = true
		}
	}
	return out
}

func weekdayOf(day schedule.Date) time.Weekday {
	return time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// yearlyDays spells a calendar's yearly exceptions' days ("12-16").
func yearlyDays(c schedule.Calendar) string {
	var s []string
	for _, x := range c.Exceptions {
		if x.Yearly {
			s = append(s, fmt.Sprintf("%02d-%02d", x.From.Month, x.From.Day))
		}
	}
	slices.Sort(s)
	return strings.Join(s, " ")
}

// match pairs a's items with b's by ID, then those left by name, in
// their order; it returns a's ID → b's.
func match(idsA, namesA, idsB, namesB []string) map[string]string {
	out := map[string]string{}
	inB := map[string]bool{}
	for _, id := range idsB {
		inB[id] = true
	}
	taken := map[string]bool{}
	for _, id := range idsA {
		if inB[id] {
			out[id], taken[id] = id, true
		}
	}
	count := func(names, ids []string, skip func(string) bool) map[string][]string {
		m := map[string][]string{}
		for k, n := range names {
			if !skip(ids[k]) {
				m[n] = append(m[n], ids[k])
			}
		}
		return m
	}
	leftA := count(namesA, idsA, func(id string) bool { _, ok := out[id]; return ok })
	leftB := count(namesB, idsB, func(id string) bool { return taken[id] })
	for name, as := range leftA {
		for k, b := range leftB[name][:min(len(as), len(leftB[name]))] {
			out[as[k]] = b
		}
	}
	return out
}

// taskKeys are a project's task IDs in outline order, each with the path
// of names from the top ("Floor 1/Formwork"), to match tasks whose IDs
// changed.
func taskKeys(p *schedule.Project) (ids, paths []string) {
	byID := map[string]*schedule.Task{}
	for k := range p.Tasks {
		byID[p.Tasks[k].ID] = &p.Tasks[k]
	}
	path := func(t *schedule.Task) string {
		names := []string{t.Name}
		for up, depth := byID[t.Parent], 0; up != nil && depth < len(p.Tasks); up, depth = byID[up.Parent], depth+1 {
			names = append(names, up.Name)
		}
		slices.Reverse(names)
		return strings.Join(names, "/")
	}
	rows, err := outline.Order(p)
	if err != nil {
		for k := range p.Tasks {
			rows = append(rows, outline.Row{Task: k})
		}
	}
	for _, r := range rows {
		ids, paths = append(ids, p.Tasks[r.Task].ID), append(paths, path(&p.Tasks[r.Task]))
	}
	return ids, paths
}

func (d *differ) tasks() {
	byB := map[string]*schedule.Task{}
	for k, t := range d.b.Tasks {
		byB[t.ID] = &d.b.Tasks[k]
	}
	idsA, pathsA := taskKeys(d.a)
	idsB, pathsB := taskKeys(d.b)
	d.taskB = match(idsA, pathsA, idsB, pathsB)
	d.tasksA = map[string]*schedule.Task{}
	summary, working := map[string]bool{}, map[string]bool{}
	for _, t := range d.a.Tasks {
		summary[t.Parent] = true
	}
	for _, as := range d.a.Assignments {
		if k := slices.IndexFunc(d.a.Resources, func(r schedule.Resource) bool { return r.ID == as.Resource }); k >= 0 && d.a.Resources[k].Type == schedule.WorkResource {
			working[as.Task] = true
		}
	}
	matched := map[string]bool{}
	for k := range d.a.Tasks {
		ta := &d.a.Tasks[k]
		d.tasksA[ta.ID] = ta
		idB, ok := d.taskB[ta.ID]
		where := "task " + ta.ID
		if !ok {
			d.add("task", where, "a task", "none")
			continue
		}
		matched[idB] = true
		tb := byB[idB]
		task := "task."
		if summary[ta.ID] {
			task, where = "summary.", "summary task "+ta.ID
		}
		check(d, task+"id", where, ta.ID, tb.ID)
		check(d, task+"name", where, ta.Name, tb.Name)
		check(d, task+"parent", where, d.taskB[ta.Parent], tb.Parent)
		if !summary[ta.ID] {
			d.duration(task+"duration", where, ta.Duration, tb.Duration)
		}
		check(d, task+"constraint", where, ta.Constraint.Type, tb.Constraint.Type)
		if ta.Constraint.Type == tb.Constraint.Type && ta.Constraint.Type >= schedule.SNET {
			check(d, task+"constraint date", where, wall(ta.Constraint.Date), wall(tb.Constraint.Date))
		}
		check(d, task+"deadline", where, wall(ta.Deadline), wall(tb.Deadline))
		check(d, task+"priority", where, ta.LevelingPriority(), tb.LevelingPriority())
		check(d, task+"calendar", where, ta.Calendar, tb.Calendar)
		check(d, task+"manual", where, ta.Manual, tb.Manual)
		if ta.Manual || tb.Manual {
			check(d, task+"start", where, wall(ta.Start), wall(tb.Start))
		}
		check(d, task+"notes", where, ta.Notes, tb.Notes)
		check(d, task+"fields", where, fieldsText(ta.Fields), fieldsText(tb.Fields))
		if ta.Duration.IsZero() && !summary[ta.ID] {
			check(d, task+"start_milestone", where, ta.StartMilestone, tb.StartMilestone)
		}
		check(d, task+"actual_start", where, wall(ta.ActualStart), wall(tb.ActualStart))
		check(d, task+"actual_finish", where, wall(ta.ActualFinish), wall(tb.ActualFinish))
		d.number(task+"percent_complete", where, ta.PercentComplete, tb.PercentComplete)
		if !ta.ActualStart.IsZero() && ta.ActualFinish.IsZero() {
			d.duration(task+"remaining", where, remaining(ta), remaining(tb))
		}
		check(d, task+"type", where, ta.Type, tb.Type)
		check(d, task+"effort_driven", where, ta.EffortDriven, tb.EffortDriven)
		d.duration(task+"work", where, ta.Work, tb.Work)
		if working[ta.ID] && !ta.Duration.IsZero() {
			check(d, task+"ignore_resource_calendars", where, ta.IgnoreResourceCalendars, tb.IgnoreResourceCalendars)
		}
		d.number(task+"fixed_cost", where, ta.FixedCost, tb.FixedCost)
		check(d, task+"actual_cost", where, costText(ta.ActualCost), costText(tb.ActualCost))
		check(d, task+"splits", where, d.splitsText(ta, d.a), d.splitsText(tb, d.b))
		check(d, task+"no_split", where, ta.NoSplit, tb.NoSplit)
		check(d, task+"crash", where, crashText(ta.Crash, d.a), crashText(tb.Crash, d.b))
	}
	for _, t := range d.b.Tasks {
		if !matched[t.ID] {
			d.add("task", "task "+t.ID, "none", "a task")
		}
	}
}

func fieldsText(f map[string]string) string {
	var s []string
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if f[k] != "" {
			s = append(s, k+"="+f[k])
		}
	}
	return strings.Join(s, "; ")
}

// remaining is a task's remaining duration, worked out when not given.
func remaining(t *schedule.Task) schedule.Duration {
	if t.Remaining != nil {
		return *t.Remaining
	}
	r := t.Duration
	r.Amount *= (100 - t.PercentComplete) / 100
	return r
}

func costText(c *float64) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("%.6g", *c)
}

func (d *differ) splitsText(t *schedule.Task, p *schedule.Project) string {
	var s []string
	for _, x := range t.Splits {
		s = append(s, fmt.Sprintf("%.0fm+%.0fm", minutes(x.At, p.Settings), minutes(x.Gap, p.Settings)))
	}
	return strings.Join(s, "; ")
}

func crashText(c *schedule.Crash, p *schedule.Project) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("%.0fm %.6g %.6g a day", minutes(c.Duration, p.Settings), c.Cost, c.CostPerDay)
}

func (d *differ) links() {
	type key struct {
		pred, succ string
		typ        schedule.LinkType
	}
	inB := map[key]*schedule.Link{}
	for k, l := range d.b.Links {
		inB[key{l.Pred, l.Succ, l.Type}] = &d.b.Links[k]
	}
	matched := map[key]bool{}
	for _, la := range d.a.Links {
		where := fmt.Sprintf("link %s→%s %v", la.Pred, la.Succ, la.Type)
		k := key{d.taskB[la.Pred], d.taskB[la.Succ], la.Type}
		lb, ok := inB[k]
		if !ok {
			d.add("link", where, "a link", "none")
			continue
		}
		matched[k] = true
		if la.Lag.Unit == schedule.Percent && lb.Lag.Unit != schedule.Percent {
			d.add("link.lag percent", where, la.Lag, lb.Lag)
		} else {
			d.duration("link.lag", where, la.Lag, lb.Lag)
		}
		d.duration("link.overlap", where, la.Overlap, lb.Overlap)
		d.number("link.rework_cost", where, la.ReworkCost, lb.ReworkCost)
	}
	for k := range inB {
		if !matched[k] {
			d.add("link", fmt.Sprintf("link %s→%s %v", k.pred, k.succ, k.typ), "none", "a link")
		}
	}
}

func (d *differ) resources() {
	var idsA, namesA, idsB, namesB []string
	for _, r := range d.a.Resources {
		idsA, namesA = append(idsA, r.ID), append(namesA, r.Name)
	}
	byB := map[string]*schedule.Resource{}
	for k, r := range d.b.Resources {
		idsB, namesB = append(idsB, r.ID), append(namesB, r.Name)
		byB[r.ID] = &d.b.Resources[k]
	}
	d.rsrcB = match(idsA, namesA, idsB, namesB)
	matched := map[string]bool{}
	units := func(r *schedule.Resource) float64 {
		if r.MaxUnits == 0 && r.Type == schedule.WorkResource {
			return 1
		}
		return r.MaxUnits
	}
	for k := range d.a.Resources {
		ra := &d.a.Resources[k]
		where := "resource " + ra.ID
		idB, ok := d.rsrcB[ra.ID]
		if !ok {
			d.add("resource", where, "a resource", "none")
			continue
		}
		matched[idB] = true
		rb := byB[idB]
		check(d, "resource.id", where, ra.ID, rb.ID)
		check(d, "resource.name", where, ra.Name, rb.Name)
		check(d, "resource.type", where, ra.Type, rb.Type)
		d.number("resource.max_units", where, units(ra), units(rb))
		check(d, "resource.calendar", where, ra.Calendar, rb.Calendar)
		d.number("resource.standard_rate", where, ra.StandardRate, rb.StandardRate)
		d.number("resource.overtime_rate", where, ra.OvertimeRate, rb.OvertimeRate)
		d.number("resource.cost_per_use", where, ra.CostPerUse, rb.CostPerUse)
		check(d, "resource.group", where, ra.Group, rb.Group)
		check(d, "resource.fields", where, fieldsText(ra.Fields), fieldsText(rb.Fields))
	}
	for _, r := range d.b.Resources {
		if !matched[r.ID] {
			d.add("resource", "resource "+r.ID, "none", "a resource")
		}
	}
}

func (d *differ) assignments() {
	type key struct{ task, resource string }
	inB := map[key]*schedule.Assignment{}
	for k, as := range d.b.Assignments {
		inB[key{as.Task, as.Resource}] = &d.b.Assignments[k]
	}
	durB := map[string]schedule.Duration{}
	for _, t := range d.b.Tasks {
		durB[t.ID] = t.Duration
	}
	matched := map[key]bool{}
	for _, aa := range d.a.Assignments {
		where := fmt.Sprintf("assignment %s on %s", aa.Resource, aa.Task)
		k := key{d.taskB[aa.Task], d.rsrcB[aa.Resource]}
		ab, ok := inB[k]
		if !ok {
			d.add("assignment", where, "an assignment", "none")
			continue
		}
		matched[k] = true
		d.number("assignment.units", where, aa.Units, ab.Units)
		// No work is the task's duration × units: compared by length.
		wa, wb := aa.Work, ab.Work
		if wa.IsZero() == wb.IsZero() {
			d.duration("assignment.work", where, wa, wb)
			continue
		}
		if t := d.tasksA[aa.Task]; wa.IsZero() && t != nil {
			wa = schedule.Minutes(minutes(t.Duration, d.a.Settings) * aa.Units)
		}
		if wb.IsZero() {
			wb = schedule.Minutes(minutes(durB[ab.Task], d.b.Settings) * ab.Units)
		}
		d.number("assignment.work", where, minutes(wa, d.a.Settings), minutes(wb, d.b.Settings))
	}
	for k := range inB {
		if !matched[k] {
			d.add("assignment", fmt.Sprintf("assignment %s on %s", k.resource, k.task), "none", "an assignment")
		}
	}
}

func (d *differ) baselines() {
	for _, ba := range d.a.Baselines {
		bb, ok := d.b.Baseline(ba.Name)
		if !ok {
			d.add("baseline", "baseline "+ba.Name, "a baseline", "none")
			continue
		}
		inB := map[string]schedule.BaselineTask{}
		for _, t := range bb.Tasks {
			inB[t.ID] = t
		}
		for _, ta := range ba.Tasks {
			where := fmt.Sprintf("baseline %s task %s", ba.Name, ta.ID)
			tb, ok := inB[d.taskB[ta.ID]]
			if !ok {
				d.add("baseline.task", where, "a task", "none")
				continue
			}
			check(d, "baseline.start", where, wall(ta.Start), wall(tb.Start))
			check(d, "baseline.finish", where, wall(ta.Finish), wall(tb.Finish))
			d.duration("baseline.duration", where, ta.Duration, tb.Duration)
			d.duration("baseline.work", where, ta.Work, tb.Work)
			d.number("baseline.cost", where, ta.Cost, tb.Cost)
		}
	}
	for _, bb := range d.b.Baselines {
		if _, ok := d.a.Baseline(bb.Name); !ok {
			d.add("baseline", "baseline "+bb.Name, "none", "a baseline")
		}
	}
}

func (d *differ) fields() {
	type key struct {
		resource bool
		name     string
	}
	inB := map[key]schedule.CustomField{}
	for _, f := range d.b.CustomFields {
		inB[key{f.Resource, f.Name}] = f
	}
	for _, fa := range d.a.CustomFields {
		where := "custom field " + fa.Name
		fb, ok := inB[key{fa.Resource, fa.Name}]
		if !ok {
			d.add("custom_field", where, "a field", "none")
			continue
		}
		delete(inB, key{fa.Resource, fa.Name})
		check(d, "custom_field.alias", where, fa.Alias, fb.Alias)
		check(d, "custom_field.id", where, fa.ID, fb.ID)
	}
	for _, k := range slices.SortedFunc(maps.Keys(inB), func(x, y key) int { return strings.Compare(x.name, y.name) }) {
		d.add("custom_field", "custom field "+k.name, "none", "a field")
	}
}

// Covers maps each kind of Difference to the words of the warnings that
// report it: a difference is reported when some warning holds one of
// them.
type Covers map[string][]string

// CheckWarnings checks a writer's warnings against what its file reads
// back as: every difference between p and back must be reported by a
// warning (covers says which words report which kind), and every warning
// must report a difference, but for those holding one of info's words
// (warnings about something the model does not hold: dates not written,
// what the target tool does on import). It returns the differences.
func CheckWarnings(t *testing.T, name string, p, back *schedule.Project, warnings []record.Warning, covers Covers, info ...string) []Difference {
	t.Helper()
	diffs := Diff(p, back)
	says := func(w record.Warning, words []string) bool {
		return slices.ContainsFunc(words, func(s string) bool { return strings.Contains(w.Message, s) })
	}
	for _, d := range diffs {
		words, ok := covers[d.Kind]
		if !ok {
			t.Errorf("%s: %v: no warning can report this kind", name, d)
			continue
		}
		if !slices.ContainsFunc(warnings, func(w record.Warning) bool { return says(w, words) }) {
			t.Errorf("%s: %v: no warning reports it", name, d)
		}
	}
	for _, w := range warnings {
		if says(w, info) {
			continue
		}
		if !slices.ContainsFunc(diffs, func(d Difference) bool { return says(w, covers[d.Kind]) }) {
			t.Errorf("%s: warning %q: nothing it reports differs when the file is read back", name, w)
		}
	}
	return diffs
}
