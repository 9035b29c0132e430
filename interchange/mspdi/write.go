package mspdi

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/critpath/critpath/interchange/internal/bounds"
	"github.com/critpath/critpath/interchange/internal/loss"
	ol "github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// Write writes p as an MSPDI document Microsoft Project opens, valid
// against the Project 2007–2019 schema (pj15). Tasks keep their IDs as
// UIDs when the IDs are whole numbers and are numbered after the largest
// otherwise; they are written in outline order, each summary before its
// subtasks. The scheduled dates are written too when p schedules (MS
// Project recomputes them; other readers use them). What MSPDI holds only
// in part, or Microsoft Project would apply otherwise — a finish-by date,
// P6's rules, the time zone, IDs that are not whole numbers, … (see the
// package doc) — is written as near as it can be and returned as
// warnings (Line 0, Where the element), once per kind, in the same order
// for the same project. It fails, writing nothing, on what MSPDI cannot
// hold: a task or resource ID used twice, a parent that is not a task,
// an outline that loops, a custom field without a FieldID, a project
// with neither a start, a status date nor a finish-by date, a value out
// of MSPDI's range (a NaN or an infinite number, a negative duration, a
// date, given or scheduled, before 1984 or after 2149…: the package doc
// lists them), the error naming the task, link, resource, assignment,
// calendar or baseline and the field. opts may be nil.
func Write(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	if opts == nil {
		opts = &WriteOptions{}
	}
	sched := opts.Result
	if sched == nil {
		if r, err := schedule.Run(p); err == nil {
			sched = r
		}
	}
	if err := bounds.Check(p, sched, holds); err != nil {
		return nil, fmt.Errorf("mspdi: %w", err)
	}
	var warnings []Warning
	px, err := build(p, sched, func(element, msg string) { warnings = append(warnings, Warning{Where: element, Message: msg}) })
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return nil, fmt.Errorf("mspdi: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(px); err != nil {
		return nil, fmt.Errorf("mspdi: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return nil, fmt.Errorf("mspdi: %w", err)
	}
	return warnings, nil
}

// holds is what MSPDI holds, as Microsoft Project takes it: dates in
// the years it calculates with (1984 to 2149; Project 2010 and earlier
// stop at 2049), units up to its 60,000,000 per assignment, costs and
// rates up to its currency fields' 999,999,999,999.99, and durations,
// lags and work as long as the scheduler holds them (2³⁰ minutes, far
// below Project's 1,666,666,666 hours of work; MSPDI's own types, an
// xsd:duration and LinkLag's integer tenths of a minute, hold more).
var holds = bounds.Format{Name: "MSPDI", FirstYear: 1984, LastYear: 2149, MaxMinutes: 1 << 30,
	MaxUnits: 60_000_000, MaxRate: 999_999_999_999.99, MaxCost: 999_999_999_999.99}

// WriteOptions steer Write; nil means the defaults.
type WriteOptions struct {
	// Result is p scheduled, whose dates are written (nil: Write
	// schedules p, and writes no dates when it does not schedule).
	Result *schedule.Result
}

// uids numbers IDs: whole numbers keep their value, the others follow the
// largest.
func uids(ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	next := 1
	for _, id := range ids {
		if v, err := strconv.Atoi(id); err == nil && v > 0 && strconv.Itoa(v) == id {
			next = max(next, v+1)
		}
	}
	for _, id := range ids {
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("ID %q is used twice", id)
		}
		if v, err := strconv.Atoi(id); err == nil && v > 0 && strconv.Itoa(v) == id {
			out[id] = id
			continue
		}
		out[id] = strconv.Itoa(next)
		next++
	}
	return out, nil
}

// fieldIDs maps each custom field, by whether resources carry it and its
// name, to its FieldID; one without a FieldID cannot be written.
func fieldIDs(p *schedule.Project) (map[fieldKey]string, error) {
	out := map[fieldKey]string{}
	for _, f := range p.CustomFields {
		if _, err := strconv.ParseInt(f.ID, 10, 64); err != nil {
			return nil, fmt.Errorf("mspdi: custom field %q has no MS Project FieldID (%q)", f.Name, f.ID)
		}
		k := fieldKey{f.Resource, f.Name}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("mspdi: custom field %q is defined twice", f.Name)
		}
		out[k] = f.ID
	}
	return out, nil
}

type fieldKey struct {
	resource bool
	name     string
}

// values writes a task's or resource's custom field values, by field name.
func values(fields map[string]string, ids map[fieldKey]string, resource bool, owner string) ([]valueXML, error) {
	names := slices.Sorted(maps.Keys(fields))
	var out []valueXML
	for _, name := range names {
		id, ok := ids[fieldKey{resource, name}]
		if !ok {
			return nil, fmt.Errorf("mspdi: %s: custom field %q is not defined", owner, name)
		}
		out = append(out, valueXML{FieldID: id, Value: fields[name]})
	}
	return out, nil
}

// build lays p out as MSPDI with the dates of sched (nil: none), telling warn what MSPDI cannot hold, once per
// kind, in a fixed order: the project's settings, calendars, tasks,
// links, resources, assignments, baselines.
func build(p *schedule.Project, sched *schedule.Result, warn func(element, msg string)) (*projectXML, error) {
	var lt loss.Tally
	s := p.Settings
	px := &projectXML{Xmlns: namespace, SaveVersion: "14", Name: p.Name, Title: p.Name, CurrencyCode: "XXX",
		ScheduleFromStart: boolText(!p.FromFinish),
		MinutesPerDay:     strconv.Itoa(cmp.Or(s.MinutesPerDay, 480)), MinutesPerWeek: strconv.Itoa(cmp.Or(s.MinutesPerWeek, 2400)),
		DaysPerMonth: strconv.Itoa(cmp.Or(s.DaysPerMonth, 20)), DurationFormat: strconv.Itoa(fmtDays),
		HonorConstraints: boolText(honorConstraints(p))}
	px.StartDate, px.StatusDate = optDate(p.Start), optDate(p.StatusDate)
	if p.FromFinish {
		px.FinishDate = optDate(p.Finish)
	} else if start := cmp.Or(p.StatusDate, p.FinishBy); p.Start.IsZero() && !start.IsZero() { // a P6 stub: MSPDI needs a start
		px.StartDate = formatDate(start)
		lt.Add("start", atProject, fmt.Sprintf("the project has no start date, which MSPDI needs: %s is written", formatDate(start)), "", "")
	}
	fieldID, err := fieldIDs(p)
	if err != nil {
		return nil, err
	}
	hasKids := map[string]bool{}
	for _, t := range p.Tasks {
		hasKids[t.Parent] = true
	}
	projectLosses(p, hasKids, &lt)
	deadline := finishBy(p, hasKids, sched, &lt)
	if len(p.CustomFields) > 0 {
		px.ExtendedAttributes = &struct {
			Fields []fieldXML `xml:"ExtendedAttribute"`
		}{}
		for _, f := range p.CustomFields {
			px.ExtendedAttributes.Fields = append(px.ExtendedAttributes.Fields, fieldXML{FieldID: f.ID, FieldName: f.Name, Alias: f.Alias})
		}
	}
	cals, calUID := calendarXMLs(p, &lt)
	px.Calendars = &items[calendarXML]{Items: cals}
	px.CalendarUID = calUID[cmp.Or(p.Calendar, schedule.Standard)]

	var taskIDs []string
	for _, t := range p.Tasks {
		taskIDs = append(taskIDs, t.ID)
	}
	tuid, err := uids(taskIDs)
	if err != nil {
		return nil, fmt.Errorf("mspdi: tasks: %w", err)
	}
	for _, t := range p.Tasks {
		if u := tuid[t.ID]; u != t.ID {
			lt.Add("task id", atTask, "task IDs that are not whole numbers are written as MS Project's unique IDs, numbered after the largest, and read back so", "task", fmt.Sprintf("%s → %s", t.ID, u))
		}
	}
	order, level, err := outline(p)
	if err != nil {
		return nil, err
	}
	for _, t := range p.Tasks {
		taskLosses(&t, hasKids[t.ID], &lt)
	}
	linkLosses(p, &lt)
	preds := map[string][]linkXML{}
	for _, l := range p.Links {
		pu, ok1 := tuid[l.Pred]
		_, ok2 := tuid[l.Succ]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("mspdi: link %v: no such task", &l)
		}
		lx := linkXML{PredecessorUID: pu, Type: [...]string{schedule.FS: "1", schedule.SS: "3", schedule.FF: "0", schedule.SF: "2"}[l.Type]}
		if l.Lag.Unit == schedule.Percent {
			lx.LinkLag, lx.LagFormat = strconv.FormatInt(int64(math.Round(l.Lag.Amount*10)), 10), strconv.Itoa(fmtPercent)
		} else {
			lx.LinkLag, lx.LagFormat = strconv.FormatInt(int64(math.Round(minutesOf(l.Lag, s)*10)), 10), strconv.Itoa(formatOf(l.Lag.Unit, l.Lag.Elapsed))
		}
		preds[l.Succ] = append(preds[l.Succ], lx)
	}
	base := baselines(p, &lt)
	tasks := []taskXML{{UID: "0", ID: "0", Name: p.Name, OutlineLevel: "0", Summary: "1"}}
	for id, k := range order {
		t := &p.Tasks[k]
		tx := taskXML{UID: tuid[t.ID], ID: strconv.Itoa(id + 1), Name: t.Name, Type: strconv.Itoa(int(t.Type)),
			OutlineLevel: strconv.Itoa(level[k]), Priority: strconv.Itoa(t.LevelingPriority()),
			Duration: formatXSDDuration(minutesOf(t.Duration, s)), DurationFormat: strconv.Itoa(formatOf(t.Duration.Unit, t.Duration.Elapsed)),
			EffortDriven: boolText(t.EffortDriven), Milestone: boolText(t.Duration.Amount == 0 && !hasKids[t.ID]), Summary: boolText(hasKids[t.ID]),
			PercentComplete: strconv.Itoa(int(math.Round(t.PercentComplete))), Notes: t.Notes,
			ConstraintType: strconv.Itoa(constraintCode(t.Constraint.Type)), IgnoreResourceCalendar: boolText(t.IgnoreResourceCalendars),
			PredecessorLink: preds[t.ID], Baseline: base[t.ID], Manual: boolText(t.Manual)}
		if tx.ExtendedAttribute, err = values(t.Fields, fieldID, false, "task "+t.ID); err != nil {
			return nil, err
		}
		if t.FixedCost != 0 {
			tx.FixedCost = floatText(t.FixedCost)
		}
		if t.Constraint.Type >= schedule.SNET {
			tx.ConstraintDate = formatDate(t.Constraint.Date)
		}
		if t.Calendar != "" {
			tx.CalendarUID = calUID[t.Calendar]
		}
		tx.Deadline, tx.ActualStart, tx.ActualFinish = optDate(cmp.Or(deadline[t.ID], t.Deadline)), optDate(t.ActualStart), optDate(t.ActualFinish)
		if !t.Work.IsZero() {
			tx.Work = formatXSDDuration(minutesOf(t.Work, s))
		}
		if t.Manual { // what Microsoft Project keeps: it shows the task from one date to the other
			tx.ManualStart, tx.ManualDuration = optDate(t.Start), tx.Duration
		}
		if !t.ActualStart.IsZero() && t.ActualCost != nil {
			tx.ActualCost = floatText(*t.ActualCost)
		}
		switch {
		case t.Remaining != nil:
			tx.RemainingDuration = formatXSDDuration(minutesOf(*t.Remaining, s))
		case !t.ActualStart.IsZero() && t.ActualFinish.IsZero(): // what the percent leaves, kept whole though the percent is rounded
			tx.RemainingDuration = formatXSDDuration(minutesOf(t.Duration, s) * (100 - t.PercentComplete) / 100)
		}
		if t.NoSplit {
			tx.LevelingCanSplit = "0"
		}
		if sched != nil {
			tr := sched.Task(k)
			tx.Start, tx.Finish = formatDate(tr.Start), formatDate(tr.Finish)
			tx.EarlyStart, tx.EarlyFinish = formatDate(tr.EarlyStart), formatDate(tr.EarlyFinish)
			tx.LateStart, tx.LateFinish = formatDate(tr.LateStart), formatDate(tr.LateFinish)
			tx.TotalSlack = strconv.FormatInt(tr.TotalFloat*10, 10)
			if t.Manual {
				tx.ManualFinish = tx.Finish
			}
		}
		tasks = append(tasks, tx)
	}
	px.Tasks = &items[taskXML]{Items: tasks}

	var resIDs []string
	for _, r := range p.Resources {
		resIDs = append(resIDs, r.ID)
	}
	ruid, err := uids(resIDs)
	if err != nil {
		return nil, fmt.Errorf("mspdi: resources: %w", err)
	}
	for _, r := range p.Resources {
		if u := ruid[r.ID]; u != r.ID {
			lt.Add("resource id", atResource, "resource IDs that are not whole numbers are written as MS Project's unique IDs, numbered after the largest, and read back so", "resource", fmt.Sprintf("%s → %s", r.ID, u))
		}
	}
	var res []resourceXML
	for _, r := range p.Resources {
		rx := resourceXML{UID: ruid[r.ID], ID: ruid[r.ID], Name: r.Name, Group: r.Group, Type: "1",
			StandardRate: floatText(r.StandardRate), StandardRateFormat: "2", OvertimeRate: floatText(r.OvertimeRate), OvertimeRateFormat: "2",
			CostPerUse: floatText(r.CostPerUse)}
		if rx.ExtendedAttribute, err = values(r.Fields, fieldID, true, "resource "+r.ID); err != nil {
			return nil, err
		}
		switch r.Type {
		case schedule.MaterialResource:
			rx.Type = "0"
		case schedule.CostResource:
			rx.Type, rx.IsCostResource = "0", "1"
		}
		if r.MaxUnits != 0 {
			rx.MaxUnits = floatText(r.MaxUnits)
		}
		if r.Calendar != "" {
			rx.CalendarUID = calUID[r.Calendar]
		}
		res = append(res, rx)
	}
	if len(res) > 0 {
		px.Resources = &items[resourceXML]{Items: res}
	}
	var asg []assignmentXML
	for k, a := range p.Assignments {
		tu, ok1 := tuid[a.Task]
		ru, ok2 := ruid[a.Resource]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("mspdi: assignment of %q to %q: no such task or resource", a.Resource, a.Task)
		}
		ax := assignmentXML{UID: strconv.Itoa(k + 1), TaskUID: tu, ResourceUID: ru, Units: floatText(a.Units)}
		if !a.Work.IsZero() {
			ax.Work = formatXSDDuration(minutesOf(a.Work, s))
			if a.Work.Unit != schedule.Hour || a.Work.Elapsed {
				lt.Add("work unit", atAssignment, "assignments' work is written in hours, MSPDI's unit for work, and read back in hours", "assignment", fmt.Sprintf("%s on %s: %v", a.Resource, a.Task, a.Work))
			}
		}
		asg = append(asg, ax)
	}
	asg = splitPeriods(p, sched, tuid, asg, &lt)
	if len(asg) > 0 {
		px.Assignments = &items[assignmentXML]{Items: asg}
	}
	if px.StartDate == "" && !p.FromFinish {
		return nil, fmt.Errorf("mspdi: the project has no start date, and MSPDI needs one")
	}
	for _, w := range lt.Warnings() {
		warn(w.Where, w.Message)
	}
	return px, nil
}

// baselines lays the baselines out by task: MSPDI holds Baseline and
// Baseline1–10 (numbers 0–10); one of another name ("Original Plan", a P6
// project's) is written as the first number free, with a warning, and
// left out when none is.
func baselines(p *schedule.Project, lt *loss.Tally) map[string][]baselineXML {
	number := func(name string) (int, bool) {
		rest, ok := strings.CutPrefix(name, "Baseline")
		if !ok {
			return 0, false
		}
		if rest = strings.TrimSpace(rest); rest == "" {
			return 0, true
		}
		k, err := strconv.Atoi(rest)
		return k, err == nil && k >= 1 && k <= 10 && strconv.Itoa(k) == rest
	}
	nameOf := func(k int) string {
		if k == 0 {
			return "Baseline"
		}
		return "Baseline" + strconv.Itoa(k)
	}
	taken := map[int]bool{}
	for _, b := range p.Baselines {
		if k, ok := number(b.Name); ok {
			taken[k] = true
		}
	}
	s := p.Settings
	out := map[string][]baselineXML{}
	for _, b := range p.Baselines {
		k, ok := number(b.Name)
		if !ok {
			for k = 0; k <= 10 && taken[k]; k++ {
			}
			if k > 10 {
				lt.Add("baseline left out", atTask, "baselines beyond MSPDI's eleven (Baseline, Baseline1–10) are left out", "baseline", strconv.Quote(b.Name))
				continue
			}
			taken[k] = true
		}
		if nameOf(k) != b.Name {
			lt.Add("baseline name", atTask, "baselines are written as MS Project's Baseline and Baseline1–10, and read back so named", "baseline", fmt.Sprintf("%q → %s", b.Name, nameOf(k)))
		}
		for _, bt := range b.Tasks {
			bx := baselineXML{Number: strconv.Itoa(k), Cost: floatText(bt.Cost)}
			bx.Start, bx.Finish = optDate(bt.Start), optDate(bt.Finish)
			bx.Duration, bx.DurationFormat = formatXSDDuration(minutesOf(bt.Duration, s)), strconv.Itoa(formatOf(bt.Duration.Unit, bt.Duration.Elapsed))
			if !bt.Work.IsZero() {
				bx.Work = formatXSDDuration(minutesOf(bt.Work, s))
				if bt.Work.Unit != schedule.Hour || bt.Work.Elapsed {
					lt.Add("baseline work unit", atTask, "baseline work is written in hours, MSPDI's unit for work, and read back in hours", "baseline task", fmt.Sprintf("%s of %q: %v", bt.ID, b.Name, bt.Work))
				}
			}
			out[bt.ID] = append(out[bt.ID], bx)
		}
	}
	return out
}

// splitPeriods writes the splits of each split task as MS Project keeps
// them: its first assignment's timephased work (one made with no resource
// when it has none), a period of work per piece (its working time × the
// assignment's units; work done is Type 2, work to do Type 1) and a period
// of no work for each pause between them.
func splitPeriods(p *schedule.Project, sched *schedule.Result, tuid map[string]string, asg []assignmentXML, lt *loss.Tally) []assignmentXML {
	for _, t := range p.Tasks {
		if len(t.Splits) == 0 {
			continue
		}
		lost := func(key, text string) { lt.Add(key, atTask, text, "task", t.ID) }
		switch {
		case sched == nil:
			lost("splits unscheduled", "splits are not written: MS Project keeps them in the scheduled work, and the project does not schedule")
			continue
		case !t.ActualFinish.IsZero():
			lost("splits finished", "splits of finished tasks are not written: MS Project keeps them in the work done, which critpath does not read back as splits")
			continue
		case t.Manual:
			lost("splits manual", "splits of manually scheduled tasks are written but not read back: critpath reads a manual task from its start and finish")
		case t.Duration.Elapsed:
			lost("splits elapsed", "splits of elapsed tasks are written but not read back: critpath reads splits in working time")
		}
		n := sched.Network()
		i, ok := n.Index(t.ID)
		if !ok {
			continue
		}
		segs := sched.Segments(i)
		if len(segs) < 2 {
			lost("splits idle", "splits that pause no work (at or past the end of the task's work) are not written")
			continue
		}
		k := slices.IndexFunc(asg, func(a assignmentXML) bool { return a.TaskUID == tuid[t.ID] })
		if k < 0 {
			asg = append(asg, assignmentXML{UID: strconv.Itoa(len(asg) + 1), TaskUID: tuid[t.ID], ResourceUID: "-65535", Units: "1"})
			k = len(asg) - 1
		}
		cal := n.Calendar(i)
		units := 1.0 // work is working time × the assignment's units
		if v, err := parseFloat(asg[k].Units); err == nil && v > 0 {
			units = v
		}
		var periods []timephasedXML
		kind := func(done bool) string { // work done is Type 2, work to do Type 1
			if done {
				return "2"
			}
			return "1"
		}
		for j, sg := range segs {
			if j > 0 && sg.Start.After(segs[j-1].Finish) {
				periods = append(periods, timephasedXML{Type: kind(sg.Done), UID: asg[k].UID, Start: formatDate(segs[j-1].Finish), Finish: formatDate(sg.Start), Unit: "2", Value: "PT0H0M0S"})
			}
			w, err := n.WorkBetween(cal, sg.Start, sg.Finish)
			if err != nil {
				periods = nil
				break
			}
			periods = append(periods, timephasedXML{Type: kind(sg.Done), UID: asg[k].UID, Start: formatDate(sg.Start), Finish: formatDate(sg.Finish), Unit: "2", Value: formatXSDDuration(float64(w) * units)})
		}
		asg[k].Timephased = periods
	}
	return asg
}

// constraintCode is MSPDI's ConstraintType for a constraint type.
func constraintCode(c schedule.ConstraintType) int {
	return [...]int{schedule.ASAP: 0, schedule.ALAP: 1, schedule.MSO: 2, schedule.MFO: 3, schedule.SNET: 4, schedule.SNLT: 5, schedule.FNET: 6, schedule.FNLT: 7}[c]
}

// outline orders the tasks as MSPDI needs them, each summary followed by
// its subtasks (in their order in p), and gives each its outline level.
func outline(p *schedule.Project) (order []int, level map[int]int, err error) {
	index := map[string]bool{}
	for _, t := range p.Tasks {
		index[t.ID] = true
	}
	for _, t := range p.Tasks {
		if t.Parent != "" && !index[t.Parent] {
			return nil, nil, fmt.Errorf("mspdi: task %q: parent %q is not a task", t.ID, t.Parent)
		}
	}
	rows, err := ol.Order(p)
	if err != nil {
		return nil, nil, fmt.Errorf("mspdi: %w", err)
	}
	level = make(map[int]int, len(rows))
	for _, r := range rows {
		order, level[r.Task] = append(order, r.Task), r.Depth+1
	}
	return order, level, nil
}
