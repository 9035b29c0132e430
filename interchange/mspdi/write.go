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

	ol "github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// Write writes p as an MSPDI document Microsoft Project opens, valid
// against the Project 2007–2019 schema (pj15). Tasks keep their IDs as
// UIDs when the IDs are whole numbers and are numbered after the largest
// otherwise; they are written in outline order, each summary before its
// subtasks. The scheduled dates are written too when p schedules (MS
// Project recomputes them; other readers use them). It fails, writing
// nothing, on what MSPDI cannot hold: a task or resource ID used twice,
// a parent that is not a task, an outline that loops. opts may be nil.
func Write(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	if opts == nil {
		opts = &WriteOptions{}
	}
	var warnings []Warning
	px, err := build(p, opts.Result, func(element, msg string) { warnings = append(warnings, Warning{Where: element, Message: msg}) })
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return nil, err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(px); err != nil {
		return nil, err
	}
	_, err = io.WriteString(w, "\n")
	return warnings, err
}

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
			return nil, fmt.Errorf("mspdi: ID %q is used twice", id)
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

// build lays p out as MSPDI with the dates of sched (nil: p scheduled
// here, if it schedules), telling warn what MSPDI cannot hold.
func build(p *schedule.Project, sched *schedule.Result, warn func(element, msg string)) (*projectXML, error) {
	s := p.Settings
	px := &projectXML{Xmlns: namespace, SaveVersion: "14", Name: p.Name, Title: p.Name, CurrencyCode: "XXX",
		ScheduleFromStart: boolText(!p.FromFinish),
		MinutesPerDay:     strconv.Itoa(cmp.Or(s.MinutesPerDay, 480)), MinutesPerWeek: strconv.Itoa(cmp.Or(s.MinutesPerWeek, 2400)),
		DaysPerMonth: strconv.Itoa(cmp.Or(s.DaysPerMonth, 20)), DurationFormat: strconv.Itoa(fmtDays),
		HonorConstraints: boolText(p.Options.Constraints != schedule.LinksFirst)}
	px.StartDate, px.StatusDate = optDate(p.Start), optDate(p.StatusDate)
	if p.FromFinish {
		px.FinishDate = optDate(p.Finish)
	}
	fieldID, err := fieldIDs(p)
	if err != nil {
		return nil, err
	}
	if len(p.CustomFields) > 0 {
		px.ExtendedAttributes = &struct {
			Fields []fieldXML `xml:"ExtendedAttribute"`
		}{}
		for _, f := range p.CustomFields {
			px.ExtendedAttributes.Fields = append(px.ExtendedAttributes.Fields, fieldXML{FieldID: f.ID, FieldName: f.Name, Alias: f.Alias})
		}
	}
	cals, calUID := calendarXMLs(p)
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
	order, level, err := outline(p)
	if err != nil {
		return nil, err
	}
	if sched == nil {
		if r, err := schedule.Run(p); err == nil {
			sched = r
		}
	}
	base := map[string][]baselineXML{}
	for _, b := range p.Baselines {
		n := "0"
		if b.Name != "Baseline" {
			k, err := strconv.Atoi(b.Name[min(len(b.Name), len("Baseline")):])
			if len(b.Name) <= len("Baseline") || b.Name[:len("Baseline")] != "Baseline" || err != nil || k < 1 || k > 10 {
				continue // MSPDI holds Baseline and Baseline1–10 only
			}
			n = strconv.Itoa(k)
		}
		for _, bt := range b.Tasks {
			bx := baselineXML{Number: n, Cost: floatText(bt.Cost)}
			bx.Start, bx.Finish = optDate(bt.Start), optDate(bt.Finish)
			bx.Duration, bx.DurationFormat = formatXSDDuration(minutesOf(bt.Duration, s)), strconv.Itoa(formatOf(bt.Duration.Unit, bt.Duration.Elapsed))
			if !bt.Work.IsZero() {
				bx.Work = formatXSDDuration(minutesOf(bt.Work, s))
			}
			base[bt.ID] = append(base[bt.ID], bx)
		}
	}
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
	hasKids := map[string]bool{}
	for _, t := range p.Tasks {
		hasKids[t.Parent] = true
	}
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
		tx.Deadline, tx.ActualStart, tx.ActualFinish = optDate(t.Deadline), optDate(t.ActualStart), optDate(t.ActualFinish)
		if t.Manual { // what Microsoft Project keeps: it shows the task from one date to the other
			tx.ManualStart, tx.ManualDuration = optDate(t.Start), tx.Duration
		}
		if !t.ActualStart.IsZero() && t.ActualCost != nil {
			tx.ActualCost = floatText(*t.ActualCost)
		}
		if t.Remaining != nil {
			tx.RemainingDuration = formatXSDDuration(minutesOf(*t.Remaining, s))
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
		}
		asg = append(asg, ax)
	}
	asg = splitPeriods(p, sched, tuid, asg)
	if len(asg) > 0 {
		px.Assignments = &items[assignmentXML]{Items: asg}
	}
	return px, nil
}

// splitPeriods writes the splits of each split task as MS Project keeps
// them: its first assignment's timephased work (one made with no resource
// when it has none), a period of work per piece (its working time × the
// assignment's units; work done is Type 2, work to do Type 1) and a period
// of no work for each pause between them.
func splitPeriods(p *schedule.Project, sched *schedule.Result, tuid map[string]string, asg []assignmentXML) []assignmentXML {
	if sched == nil {
		return asg
	}
	n := sched.Network()
	for _, t := range p.Tasks {
		i, ok := n.Index(t.ID)
		if len(t.Splits) == 0 || !ok || !t.ActualFinish.IsZero() {
			continue
		}
		segs := sched.Segments(i)
		if len(segs) < 2 {
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
