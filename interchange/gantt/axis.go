package gantt

import (
	"fmt"
	"math"
	"time"

	"github.com/critpath/critpath/schedule"
)

// unit is a timescale's finest division: days, weeks from Monday, or
// months alone.
type unit int

const (
	days unit = iota
	weeks
	months
)

// unitFor returns the finest unit whose labels fit when a day is perDay
// wide (a day's number takes 1.5 font sizes, a week's 2.8).
func unitFor(m metrics, perDay float64) unit {
	switch {
	case perDay >= 1.5*m.font:
		return days
	case perDay*7 >= 2.8*m.font:
		return weeks
	}
	return months
}

// floor returns the start of the unit t falls in.
func (u unit) floor(t time.Time) time.Time {
	y, mo, d := t.Date()
	switch u {
	case months:
		return time.Date(y, mo, 1, 0, 0, 0, 0, t.Location())
	case weeks:
		return time.Date(y, mo, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, t.Location())
	}
	return time.Date(y, mo, d, 0, 0, 0, 0, t.Location())
}

// ceil returns the start of the first unit that starts at or after t.
func (u unit) ceil(t time.Time) time.Time {
	f := u.floor(t)
	if f.Equal(t) {
		return f
	}
	switch u {
	case months:
		return f.AddDate(0, 1, 0)
	case weeks:
		return f.AddDate(0, 0, 7)
	}
	return f.AddDate(0, 0, 1)
}

// window is a time the caller fixes the chart to; a zero end is fitted.
type window struct{ from, to time.Time }

// extent returns the earliest and latest of the dates the chart draws:
// each row's bar (a started task's runs from its actual start), summary
// bracket or milestone (at its finish), its baseline bar, and the status
// date; false when there are none. The project start is not among them:
// a P6 project's planned start may lie years before its first activity.
func extent(p *schedule.Project, rows []row, base map[string]schedule.BaselineTask) (first, last time.Time, ok bool) {
	add := func(t time.Time) {
		if !ok || t.Before(first) {
			first = t
		}
		if !ok || t.After(last) {
			last = t
		}
		ok = true
	}
	for _, rw := range rows {
		a, b := rw.span()
		add(a)
		add(b)
		if bt, has := base[rw.tr.ID]; has && !bt.Start.IsZero() && !bt.Finish.IsZero() {
			add(bt.Start)
			add(bt.Finish)
		}
	}
	if !p.StatusDate.IsZero() {
		add(p.StatusDate)
	}
	return first, last, ok
}

// span returns the time a row's bar, bracket or milestone is drawn on: a
// milestone's is its finish.
func (rw row) span() (a, b time.Time) {
	if rw.tr.Milestone && !rw.tr.Summary {
		return rw.tr.Finish, rw.tr.Finish
	}
	return rw.tr.Start, rw.tr.Finish
}

// drawsIn reports whether any of rows draws between from and to: a
// milestone, or a bar, bracket or baseline bar wholly or at least least
// seconds of it (an end that crosses in by less is not worth a page).
func drawsIn(rows []row, base map[string]schedule.BaselineTask, from, to time.Time, least int64) bool {
	in := func(a, b time.Time) bool {
		if a.Equal(b) {
			return !b.Before(from) && !a.After(to)
		}
		return min(b.Unix(), to.Unix())-max(a.Unix(), from.Unix()) >= min(least, b.Unix()-a.Unix())
	}
	for _, rw := range rows {
		if in(rw.span()) {
			return true
		}
		if bt, has := base[rw.tr.ID]; has && !bt.Start.IsZero() && !bt.Finish.IsZero() && in(bt.Start, bt.Finish) {
			return true
		}
	}
	return false
}

// axis returns the time a chart shows, from left to right. Each end the
// window leaves zero is fitted: the extent of the dates drawn (the
// project's start and finish when nothing is drawn), widened by a margin
// of two font sizes (room for most of a milestone's date label) and at least
// a day, and rounded out to whole units of the timescale that results.
// perDay is a day's width for a chart of n days. It fails when the
// window's from is not before its to.
func axis(p *schedule.Project, r *schedule.Result, rows []row, base map[string]schedule.BaselineTask,
	win window, m metrics, perDay func(n float64) float64) (from, to time.Time, err error) {
	first, last, ok := extent(p, rows, base)
	if !ok {
		first, last = r.Start(), r.Finish()
		if last.Before(first) {
			first, last = last, first
		}
	}
	loc := first.Location()
	length := func(a, b time.Time) float64 { return math.Max(1, float64(b.Unix()-a.Unix())/86400) }
	margin := int64(86400 * math.Max(1, 2*m.font/perDay(length(first, last))))
	from = time.Unix(first.Unix()-margin, 0).In(loc)
	to = time.Unix(last.Unix()+margin, 0).In(loc)
	// Rounding out to a coarser unit only widens the chart, so the unit
	// it asks for never gets finer again.
	u := unitFor(m, perDay(length(from, to)))
	for {
		f, t := u.floor(from), u.ceil(to)
		if next := unitFor(m, perDay(length(f, t))); next > u {
			u = next
			continue
		}
		from, to = f, t
		break
	}
	if !win.from.IsZero() {
		from = win.from.In(loc)
	}
	if !win.to.IsZero() {
		to = win.to.In(loc)
	}
	if !from.Before(to) {
		return time.Time{}, time.Time{}, fmt.Errorf("gantt: window from %s is not before to %s", from.Format(time.DateTime), to.Format(time.DateTime))
	}
	return from, to, nil
}
