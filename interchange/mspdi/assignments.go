package mspdi

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// resource reads a resource, leaving out MS Project's unnamed
// placeholder (UID 0).
func (r *reader) resource(line int, rx *resourceXML) {
	uid := strings.TrimSpace(rx.UID)
	if null, _ := parseBool(rx.IsNull); null || (uid == "0" && rx.Name == "") {
		return
	}
	if r.resources[uid] {
		r.warn(line, "UID", "resource UID %s is given twice; the second is left out", uid)
		return
	}
	r.resources[uid] = true
	res := schedule.Resource{ID: uid, Name: rx.Name, Group: rx.Group, Fields: r.values(line, "resource "+uid, rx.ExtendedAttribute, true)}
	typ := rx.Type
	switch {
	case typ == "0" && rx.IsCostResource == "1":
		res.Type = schedule.CostResource
	case typ == "0":
		res.Type = schedule.MaterialResource
	case typ == "2":
		res.Type = schedule.CostResource
	}
	num := func(el, s string) float64 {
		if s == "" {
			return 0
		}
		v, err := parseFloat(s)
		if err != nil || v < 0 {
			r.warn(line, el, "resource %s: %q; ignored", uid, s)
			return 0
		}
		return v
	}
	res.MaxUnits = num("MaxUnits", rx.MaxUnits)
	res.StandardRate = num("StandardRate", rx.StandardRate)
	res.OvertimeRate = num("OvertimeRate", rx.OvertimeRate)
	res.CostPerUse = num("CostPerUse", rx.CostPerUse)
	if c := rx.CalendarUID; c != "" && c != "-1" {
		if name, ok := r.calName[c]; ok {
			res.Calendar = name
		} else {
			r.warn(line, "CalendarUID", "resource %s: calendar UID %s is not in the file", uid, c)
		}
	}
	r.p.Resources = append(r.p.Resources, res)
}

// assignment reads an assignment of a resource to a task; MS Project's
// "no resource" ones (ResourceUID −65535, or −1) are left out. Work is
// kept only where it is not the task's duration × units. An assignment
// of a task or a resource not in the file is a warning, and left out.
func (r *reader) assignment(line int, ax *assignmentXML) {
	task, rsc := strings.TrimSpace(ax.TaskUID), strings.TrimSpace(ax.ResourceUID)
	k, isTask := r.taskAt[task]
	if _, ok := r.timephased[task]; !ok && isTask && len(ax.Timephased) > 0 {
		if r.timephased == nil {
			r.timephased = map[string]timephased{}
		}
		tp := timephased{periods: ax.Timephased, units: 1}
		if v, err := parseFloat(ax.Units); err == nil && ax.Units != "" && v > 0 {
			tp.units = v
		}
		r.timephased[task] = tp
	}
	if r.assigned == nil {
		r.assigned = map[[2]string]bool{}
	}
	switch {
	case rsc == "-65535" || rsc == "-1" || rsc == "":
		return
	case !isTask:
		r.warn(line, "TaskUID", "assignment %s: task UID %q is not a task here; left out", ax.UID, ax.TaskUID)
		return
	case !r.resources[rsc]:
		r.warn(line, "ResourceUID", "assignment %s: resource UID %q is not a resource here; left out", ax.UID, ax.ResourceUID)
		return
	case r.assigned[[2]string{task, rsc}]:
		r.warn(line, "Assignment", "assignment %s: resource %s is on task %s twice; the second is left out", ax.UID, rsc, task)
		return
	}
	r.assigned[[2]string{task, rsc}] = true
	a := schedule.Assignment{Task: task, Resource: rsc, Units: 1}
	if ax.Units != "" {
		if v, err := parseFloat(ax.Units); err == nil && v >= 0 {
			a.Units = v
		} else {
			r.warn(line, "Units", "assignment %s: %q; taken as 1", ax.UID, ax.Units)
		}
	}
	if ax.Work != "" {
		if m, err := parseXSDDuration(ax.Work); err == nil {
			if d := minutesOf(r.p.Tasks[k].Duration, r.settings); math.Abs(m-d*a.Units) > 0.5 {
				a.Work = durationOf(m, fmtHours, r.settings)
				if c := strings.TrimSpace(ax.WorkContour); c != "" && c != "0" {
					if r.contoured == nil {
						r.contoured = map[string]bool{}
					}
					r.contoured[task] = true
				}
			}
		}
	}
	r.p.Assignments = append(r.p.Assignments, a)
}

// contours schedules the tasks whose work a contour spreads over their
// duration as fixed duration, keeping the duration MS Project gave them
// (one warning, at the first).
func (r *reader) contours() {
	for k := range r.p.Tasks {
		if t := &r.p.Tasks[k]; r.contoured[t.ID] && t.Type != schedule.FixedDuration {
			t.Type = schedule.FixedDuration
			if !r.sawContour {
				r.sawContour = true
				r.warn(r.taskLine[k], "WorkContour", "task %s: a work contour spreads its work over its duration; it is scheduled as fixed duration, keeping the duration MS Project gave it", t.ID)
			}
		}
	}
}

// splits reads each task's splits from its assignment's timephased work
// (Type 1, work to do; Type 2, work done): MS Project writes a split as
// periods of explicitly no work between periods of work, and leaves
// non-working time without a value. The work before a gap, over the
// assignment's units, is where the split comes in the task's duration; a
// gap's length is the task calendar's working time across it. The
// periods of a task in progress are its work done and to do, in time
// order: a pause in the work done is why MS Project resumes it later than
// its actual start and the work done. Tasks finished, split already, or
// whose periods do not hold their duration are left as they are. n is the
// project compiled (nil when it does not compile: nothing is read then).
func (r *reader) splits(n *schedule.Network) {
	if len(r.timephased) == 0 || n == nil {
		return
	}
	for i := range r.p.Tasks {
		t := &r.p.Tasks[i]
		tp := r.timephased[t.ID]
		periods, units := tp.periods, tp.units
		if len(periods) == 0 || !t.ActualFinish.IsZero() || len(t.Splits) > 0 || t.Manual {
			continue
		}
		kinds := []string{"1"}
		if !t.ActualStart.IsZero() {
			kinds = append(kinds, "2")
		}
		type period struct {
			from, to time.Time
			value    string
		}
		var ps []period
		for _, tp := range periods {
			if !slices.Contains(kinds, strings.TrimSpace(tp.Type)) {
				continue
			}
			from, err1 := parseDate(tp.Start)
			to, err2 := parseDate(tp.Finish)
			if err1 != nil || err2 != nil || to.Before(from) {
				ps = nil
				break
			}
			ps = append(ps, period{from, to, strings.TrimSpace(tp.Value)})
		}
		slices.SortStableFunc(ps, func(a, b period) int { return a.from.Compare(b.from) })
		cal := n.Calendar(i)
		var splits []schedule.Split
		var worked float64 // minutes of the task's duration
		var gapFrom, gapTo time.Time
		for _, tp := range ps {
			if tp.value == "" {
				continue // non-working time
			}
			m, err := parseXSDDuration(tp.value)
			if err != nil || m < 0 {
				splits = nil
				break
			}
			switch {
			case m < 0.5 && worked > 0: // no work: a split, or more of one
				if gapFrom.IsZero() {
					gapFrom = tp.from
				}
				gapTo = tp.to
			case m >= 0.5:
				if !gapFrom.IsZero() {
					if gap, err := n.WorkBetween(cal, gapFrom, gapTo); err == nil && gap > 0 {
						splits = append(splits, schedule.Split{At: schedule.Minutes(math.Round(worked)), Gap: schedule.Minutes(float64(gap))})
					}
					gapFrom = time.Time{}
				}
				worked += m / units
			}
		}
		if d, err := n.Minutes(t.Duration); len(splits) > 0 && err == nil && !t.Duration.Elapsed && math.Abs(worked-float64(d)) <= 1 {
			t.Splits = splits
		}
	}
}

// timephased is an assignment's timephased work and its units (above 0).
type timephased struct {
	periods []timephasedXML
	units   float64
}
