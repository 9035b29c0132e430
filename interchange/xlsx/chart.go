package xlsx

import (
	"slices"
	"time"

	"github.com/critpath/critpath/internal/instant"

	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// period is one column of a timescale: [from, to).
type period struct{ from, to time.Time }

// maxPeriods bounds a timescale's columns (Excel has 16,384).
const maxPeriods = 1500

// timescale cuts [from, to) into days, weeks (starting on weekStart) or
// months, the finest that fits in maxPeriods and shows the project on a
// screen or two: days up to half a year, weeks up to three years.
func timescale(from, to time.Time, ws time.Weekday) (string, []period) {
	switch days := to.Sub(from).Hours() / 24; {
	case days <= 184:
		return "day", steps(dayOf(from), to, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) })
	case days <= 3*366:
		return "week", steps(weekOf(from, ws), to, week)
	}
	return "month", steps(time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, from.Location()), to,
		func(t time.Time) time.Time { return t.AddDate(0, 1, 0) })
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// weekOf is the start of t's week, weeks starting on ws.
func weekOf(t time.Time, ws time.Weekday) time.Time {
	return dayOf(t).AddDate(0, 0, -((int(t.Weekday()) - int(ws) + 7) % 7))
}

func week(t time.Time) time.Time { return t.AddDate(0, 0, 7) }

// steps cuts [from, to) at next, at most maxPeriods times.
func steps(from, to time.Time, next func(time.Time) time.Time) []period {
	var ps []period
	for t := from; t.Before(to) && len(ps) < maxPeriods; t = next(t) {
		ps = append(ps, period{t, next(t)})
	}
	return ps
}

// weekStart is the first working weekday after a day off on the project
// calendar (Monday for Monday–Friday, Sunday for Sunday–Thursday).
func weekStart(n *schedule.Network, around time.Time) time.Weekday {
	d0 := dayOf(around)
	var works [7]bool
	for i := range 7 {
		d := d0.AddDate(0, 0, i)
		m, err := n.WorkBetween("", d, d.AddDate(0, 0, 1))
		works[d.Weekday()] = err == nil && m > 0
	}
	for d := range 7 {
		if works[d] && !works[(d+6)%7] {
			return time.Weekday(d)
		}
	}
	return time.Monday
}

// gantt draws the schedule with cell fills: a row per task in outline
// order, a column per day, week or month, bars blue (critical red,
// summaries dark, the done part darker), milestones as diamonds.
func (wr *writer) gantt() error {
	p, r, st := wr.p, wr.r, wr.st
	n := r.Network()
	unit, ps := timescale(r.Start(), r.Finish().Add(time.Minute), weekStart(n, r.Start()))
	s, err := wr.newSheet(sheetGantt)
	if err != nil {
		return err
	}
	width := map[string]float64{"day": 2.7, "week": 3.6, "month": 4.5}[unit]
	if err := s.widths(10, 36); err != nil {
		return err
	}
	if len(ps) > 0 {
		if err := s.sw.SetColWidth(3, 2+len(ps), width); err != nil {
			return err
		}
	}
	if err := s.freeze(2, 2); err != nil {
		return err
	}
	top := []any{excelize.Cell{StyleID: st.title, Value: p.Name}, nil}
	scale := []any{excelize.Cell{StyleID: st.header, Value: "WBS"}, excelize.Cell{StyleID: st.header, Value: "Name"}}
	off := make([]bool, len(ps)) // a day off on the project calendar
	for i, pd := range ps {
		var label, sub any
		switch unit {
		case "day":
			if i == 0 || pd.from.Day() == 1 {
				label = pd.from.Format("Jan 2006")
			}
			sub = pd.from.Day()
			m, err := n.WorkBetween("", pd.from, pd.to)
			off[i] = err == nil && m == 0
		case "week":
			if i == 0 || pd.from.Month() != ps[i-1].from.Month() {
				label = pd.from.Format("Jan 2006")
			}
			sub = pd.from.Day()
		default:
			if i == 0 || pd.from.Month() == time.January {
				label = pd.from.Year()
			}
			sub = pd.from.Format("Jan")[:1]
		}
		top = append(top, label)
		scale = append(scale, excelize.Cell{StyleID: st.header, Value: sub})
	}
	if err := s.put(top); err != nil {
		return err
	}
	if err := s.put(scale); err != nil {
		return err
	}
	// One row slice and one boxed value per style serve every row: the
	// stream writer encodes a row as it is given.
	var (
		bar, critical, summary, done = any(excelize.Cell{StyleID: st.bar}), any(excelize.Cell{StyleID: st.critical}),
			any(excelize.Cell{StyleID: st.summary}), any(excelize.Cell{StyleID: st.done})
		weekend, diamond = any(excelize.Cell{StyleID: st.weekend}), any(excelize.Cell{StyleID: st.milestone, Value: "◆"})
		cells            = make([]any, 2+len(ps))
	)
	for _, row := range wr.rows {
		tr := wr.results[row.Task]
		cells[0], cells[1] = row.WBS, excelize.Cell{StyleID: st.name(row.Depth), Value: tr.Name}
		doneBy := time.Unix(tr.Start.Unix()+int64(float64(tr.Finish.Unix()-tr.Start.Unix())*tr.PercentComplete/100), 0) // seconds: a Duration saturates
		for i, pd := range ps {
			var c any
			switch {
			case tr.Milestone:
				if !tr.Start.Before(pd.from) && tr.Start.Before(pd.to) {
					c = diamond
				}
			case tr.Start.Before(pd.to) && tr.Finish.After(pd.from):
				switch {
				case tr.Summary:
					c = summary
				case !pd.to.After(doneBy):
					c = done
				case tr.Critical:
					c = critical
				default:
					c = bar
				}
			}
			if c == nil && off[i] {
				c = weekend
			}
			cells[2+i] = c
		}
		if err := s.put(cells); err != nil {
			return err
		}
	}
	if len(ps) == maxPeriods {
		wr.warn(sheetGantt, "the timescale is cut at %d %ss", maxPeriods, unit)
	}
	return s.sw.Flush()
}

// usage is the work of each work resource by week, in hours, spread
// evenly over the working time of each task's pieces of work.
func (wr *writer) usage() error {
	p, r, st := wr.p, wr.r, wr.st
	n := r.Network()
	weeks := steps(weekOf(r.Start(), weekStart(n, r.Start())), r.Finish().Add(time.Minute), week)
	row := make(map[string]int, len(p.Resources))
	var ids []string
	for _, res := range p.Resources {
		if res.Type == schedule.WorkResource {
			row[res.ID] = len(ids)
			ids = append(ids, res.ID)
		}
	}
	hours := make([][]float64, len(ids))
	for i := range hours {
		hours[i] = make([]float64, len(weeks))
	}
	for i, tr := range r.Tasks() {
		if tr.Summary || tr.Milestone {
			continue
		}
		cal := n.Calendar(i) // the calendar it works on: its own with its resources'

		// The task's working minutes in each week it spans, once for all
		// its assignments.
		type share struct {
			week    int
			minutes int64
		}
		var shares []share
		var total int64
		for _, sg := range r.Segments(i) {
			first, _ := slices.BinarySearchFunc(weeks, sg.Start, func(wk period, t time.Time) int { return wk.to.Compare(t) })
			for w := first; w < len(weeks) && weeks[w].from.Before(sg.Finish); w++ {
				from, to := instant.Later(sg.Start, weeks[w].from), instant.Earlier(sg.Finish, weeks[w].to)
				if !from.Before(to) {
					continue
				}
				m, err := n.WorkBetween(cal, from, to)
				if err != nil {
					return err
				}
				shares, total = append(shares, share{w, m}), total+m
			}
		}
		if total <= 0 {
			continue
		}
		for _, a := range r.Assignments(i) {
			if k, ok := row[a.Resource]; ok && a.Work > 0 {
				for _, sh := range shares {
					hours[k][sh.week] += float64(a.Work) * float64(sh.minutes) / float64(total) / 60
				}
			}
		}
	}
	s, err := wr.newSheet(sheetUsage)
	if err != nil {
		return err
	}
	if err := s.widths(12, 28); err != nil {
		return err
	}
	if len(weeks) > 0 {
		if err := s.sw.SetColWidth(3, 3+len(weeks), 11); err != nil {
			return err
		}
	}
	if err := s.freeze(2, 1); err != nil {
		return err
	}
	head := []any{excelize.Cell{StyleID: st.header, Value: "Resource ID"}, excelize.Cell{StyleID: st.header, Value: "Resource name"}}
	for _, wk := range weeks {
		head = append(head, excelize.Cell{StyleID: st.header, Value: wk.from.Format("2006-01-02")})
	}
	head = append(head, excelize.Cell{StyleID: st.header, Value: "Total hours"})
	if err := s.put(head); err != nil {
		return err
	}
	names := make(map[string]string, len(p.Resources))
	for _, res := range p.Resources {
		names[res.ID] = res.Name
	}
	for k, id := range ids {
		cells := []any{id, names[id]}
		var sum float64
		for _, h := range hours[k] {
			sum += h
			cells = append(cells, styled(st.hours, number(h)))
		}
		cells = append(cells, styled(st.hours, sum))
		if err := s.put(cells); err != nil {
			return err
		}
	}
	return s.sw.Flush()
}
