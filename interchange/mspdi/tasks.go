package mspdi

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// task reads a task, in outline order: its parent is the nearest task
// above it one outline level up. The project summary task (UID 0), blank
// rows and inactive tasks are left out. Its links to tasks read already
// are read with it; the others wait for the end of the document (links).
func (r *reader) task(line int, tx *taskXML) error {
	uid := strings.TrimSpace(tx.UID)
	if _, err := parseInt(uid); err != nil {
		r.warn(line, "UID", "task UID %q: not a whole number; the task is left out", tx.UID)
		return nil
	}
	level := 1
	if tx.OutlineLevel != "" {
		v, err := parseInt(tx.OutlineLevel)
		if err != nil || v < 0 {
			r.warn(line, "OutlineLevel", "task %s: %q; taken as 1", uid, tx.OutlineLevel)
		} else {
			level = v
		}
	}
	if level == 0 || uid == "0" {
		return nil // the project summary task
	}
	if null, _ := parseBool(tx.IsNull); null {
		return nil // a blank row
	}
	if tx.Active != "" {
		if active, err := parseBool(tx.Active); err == nil && !active {
			r.warn(line, "Active", "task %s (%s) is inactive; left out", uid, tx.Name)
			return nil
		}
	}
	if _, dup := r.taskAt[uid]; dup {
		return &ParseError{Line: line, Element: "UID", Err: fmt.Errorf("task UID %s is given twice", uid)}
	}
	r.taskAt[uid] = len(r.p.Tasks)
	r.taskLine = append(r.taskLine, line)
	if level > len(r.outline)+1 {
		r.warn(line, "OutlineLevel", "task %s: level %d under level %d; taken as %d", uid, level, len(r.outline), len(r.outline)+1)
		level = len(r.outline) + 1
	}
	r.outline = append(r.outline[:level-1], uid)
	t := r.taskOf(line, uid, tx)
	if level > 1 {
		t.Parent = r.outline[level-2]
	}
	r.p.Tasks = append(r.p.Tasks, t)
	for _, lx := range tx.PredecessorLink {
		if _, ok := r.taskAt[strings.TrimSpace(lx.PredecessorUID)]; !ok {
			// A placeholder, in its place: links stay in the file's order.
			r.pending = append(r.pending, pendingLink{at: len(r.p.Links), line: line, succ: uid, lx: lx})
			r.p.Links = append(r.p.Links, schedule.Link{})
			continue
		}
		if l, ok := r.link(line, uid, lx); ok {
			r.p.Links = append(r.p.Links, l)
		}
	}
	return nil
}

// pendingLink is a link to a task not read yet, and where its place in
// the project's links is.
type pendingLink struct {
	at, line int
	succ     string
	lx       linkXML
}

// links reads the links that waited for their predecessor, once every
// task is read; a link whose predecessor is not a task is a warning, and
// left out.
func (r *reader) links() {
	if len(r.pending) == 0 {
		return
	}
	for _, pl := range r.pending {
		if l, ok := r.link(pl.line, pl.succ, pl.lx); ok {
			r.p.Links[pl.at] = l
		}
	}
	r.p.Links = slices.DeleteFunc(r.p.Links, func(l schedule.Link) bool { return l.Succ == "" })
	r.pending = nil
}

// customField reads an extended attribute the project defines: it
// becomes a custom field named as MS Project names it ("Text1"), with its
// alias and FieldID. MS Project's task fields have IDs from 188743680,
// its resource fields from 205520896.
func (r *reader) customField(f *fieldXML) {
	if f.FieldID == "" || r.fieldByID[f.FieldID] != nil || len(r.fieldByID) >= maxFields {
		return
	}
	r.addField(f.FieldID, f.FieldName, f.Alias)
}

// maxFields bounds the custom fields of a project: MS Project has a few
// hundred, and a server's enterprise fields some more.
const maxFields = 10_000

// addField adds a custom field by its FieldID.
func (r *reader) addField(id, name, alias string) *schedule.CustomField {
	n, _ := strconv.ParseInt(id, 10, 64)
	resource := n>>16 == 205520896>>16 // MS Project's resource fields
	name = cmp.Or(name, "Field "+id)
	r.p.CustomFields = append(r.p.CustomFields, schedule.CustomField{Name: name, Alias: alias, ID: id, Resource: resource})
	f := &r.p.CustomFields[len(r.p.CustomFields)-1]
	if r.fieldByID == nil {
		r.fieldByID = map[string]*schedule.CustomField{}
	}
	r.fieldByID[id] = &schedule.CustomField{Name: f.Name, Alias: f.Alias, ID: f.ID, Resource: f.Resource}
	return r.fieldByID[id]
}

// values reads a task's or resource's extended attribute values into its
// custom fields; a value of a field the project does not define defines
// it.
func (r *reader) values(line int, owner string, xs []valueXML, resource bool) map[string]string {
	if len(xs) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, x := range xs {
		if x.FieldID == "" {
			r.warn(line, "ExtendedAttribute", "%s: a value without a FieldID; left out", owner)
			continue
		}
		f := r.fieldByID[x.FieldID]
		if f == nil && len(r.fieldByID) >= maxFields {
			r.warn(line, "ExtendedAttribute", "%s: a value of field %s, past the %d custom fields read; left out", owner, x.FieldID, maxFields)
			continue
		}
		if f == nil {
			f = r.addField(x.FieldID, "", "")
		}
		if _, dup := out[f.Name]; dup {
			r.warn(line, "ExtendedAttribute", "%s: a second value of %s; left out", owner, f.Name)
			continue
		}
		out[f.Name] = x.Value
	}
	return out
}

// taskOf converts one task.
func (r *reader) taskOf(line int, uid string, tx *taskXML) schedule.Task {
	t := schedule.Task{ID: uid, Name: tx.Name, Notes: tx.Notes, Fields: r.values(line, "task "+uid, tx.ExtendedAttribute, false)}
	warn := func(el string, err error) { r.warn(line, el, "task %s: %v; ignored", uid, err) }
	date := func(el, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		d, err := parseDate(s)
		if err != nil {
			warn(el, err)
		}
		if d.Equal(emptyDate) {
			if !r.sawEmptyDate {
				r.sawEmptyDate = true
				r.warn(line, el, "task %s: %s is taken as no date, as third-party writers mark an empty one", uid, s)
			}
			return time.Time{}
		}
		return d
	}
	code := func(el, s string) int {
		if s == "" {
			return 0
		}
		v, err := parseInt(s)
		if err != nil {
			warn(el, err)
		}
		return v
	}
	duration := func(el, s string, format int) (schedule.Duration, bool) {
		if s == "" {
			return schedule.Duration{}, false
		}
		m, err := parseXSDDuration(s)
		if err != nil || m < 0 {
			warn(el, fmt.Errorf("%q is not a duration", s))
			return schedule.Duration{}, false
		}
		return durationOf(m, format, r.settings), true
	}
	format := code("DurationFormat", tx.DurationFormat)
	t.Duration, _ = duration("Duration", tx.Duration, format)
	if tx.Priority != "" {
		if v, err := parseInt(tx.Priority); err == nil && v >= 0 && v <= 1000 {
			t.Priority = cmp.Or(v, schedule.LowestPriority)
		} else {
			warn("Priority", fmt.Errorf("%q: want 0 to 1000", tx.Priority))
		}
	}
	if ms, _ := parseBool(tx.Milestone); ms && t.Duration.Amount != 0 {
		r.warn(line, "Milestone", "task %s is marked a milestone but lasts %v; critpath schedules it by its duration", uid, t.Duration)
	}
	switch typ := code("Type", tx.Type); typ {
	case 0, 1, 2:
		t.Type = schedule.TaskType(typ)
	default:
		warn("Type", fmt.Errorf("task type %d", typ))
	}
	t.EffortDriven, _ = parseBool(tx.EffortDriven)
	// ConstraintType: 0 ASAP, 1 ALAP, 2 MSO, 3 MFO, 4 SNET, 5 SNLT, 6 FNET, 7 FNLT.
	kinds := [...]schedule.ConstraintType{schedule.ASAP, schedule.ALAP, schedule.MSO, schedule.MFO, schedule.SNET, schedule.SNLT, schedule.FNET, schedule.FNLT}
	if c := code("ConstraintType", tx.ConstraintType); c >= 0 && c < len(kinds) {
		t.Constraint.Type = kinds[c]
		if c >= 2 {
			t.Constraint.Date = date("ConstraintDate", tx.ConstraintDate)
			if t.Constraint.Date.IsZero() {
				r.warn(line, "ConstraintDate", "task %s: a %v constraint without a date; taken as ASAP", uid, t.Constraint.Type)
				t.Constraint.Type = schedule.ASAP
			}
		}
	} else {
		warn("ConstraintType", fmt.Errorf("constraint type %d", c))
	}
	if c := tx.CalendarUID; c != "" && c != "-1" {
		if name, ok := r.calName[c]; ok {
			t.Calendar = name
		} else {
			r.warn(line, "CalendarUID", "task %s: calendar UID %s is not in the file; the project calendar is used", uid, c)
		}
	}
	t.Deadline = date("Deadline", tx.Deadline)
	if manual, _ := parseBool(tx.Manual); manual {
		t.Manual = true
		t.Start = date("ManualStart", tx.ManualStart)
		if t.Start.IsZero() {
			t.Start = date("Start", tx.Start)
		}
		finish := date("ManualFinish", tx.ManualFinish)
		if finish.IsZero() {
			finish = date("Finish", tx.Finish)
		}
		if !finish.IsZero() {
			if r.manualFinish == nil {
				r.manualFinish = map[string]time.Time{}
			}
			r.manualFinish[uid] = finish
		}
	}
	t.IgnoreResourceCalendars, _ = parseBool(tx.IgnoreResourceCalendar)
	if tx.FixedCost != "" {
		if v, err := parseFloat(tx.FixedCost); err == nil {
			t.FixedCost = v
		} else {
			warn("FixedCost", err)
		}
	}
	// Progress.
	t.ActualStart = date("ActualStart", tx.ActualStart)
	t.ActualFinish = date("ActualFinish", tx.ActualFinish)
	if tx.PercentComplete != "" {
		if v, err := parseFloat(tx.PercentComplete); err == nil && v >= 0 && v <= 100 {
			t.PercentComplete = v
		} else {
			warn("PercentComplete", fmt.Errorf("%q: want 0 to 100", tx.PercentComplete))
		}
	}
	if t.PercentComplete > 0 && t.ActualStart.IsZero() {
		r.warn(line, "PercentComplete", "task %s is %v%% complete without an actual start; its progress is ignored", uid, t.PercentComplete)
		t.PercentComplete = 0
	}
	if !t.ActualStart.IsZero() && t.ActualFinish.IsZero() {
		if rem, ok := duration("RemainingDuration", tx.RemainingDuration, format); ok {
			t.Remaining = &rem
		}
	}
	if !t.ActualStart.IsZero() && tx.ActualCost != "" {
		if v, err := parseFloat(tx.ActualCost); err == nil {
			t.ActualCost = &v
		}
	}
	if split, err := parseBool(tx.LevelingCanSplit); err == nil && tx.LevelingCanSplit != "" && !split {
		t.NoSplit = true
	}
	var baselines [11]bool // the numbers given
	for _, bx := range tx.Baseline {
		r.baseline(line, uid, bx, &baselines)
	}
	s := Saved{Start: date("Start", tx.Start), Finish: date("Finish", tx.Finish)}
	if lf, err := parseDate(tx.LateFinish); err == nil && tx.LateFinish != "" && !lf.Equal(emptyDate) {
		s.LateFinish = lf
	}
	if tx.TotalSlack != "" {
		if v, err := parseFloat(tx.TotalSlack); err == nil && math.Abs(v) <= maxMinutes*10 {
			s.TotalFloat, s.HasFloat = int64(math.Round(v/10)), true
		}
	}
	r.f.Saved[uid] = s
	return t
}

// baseline adds a task's saved baseline to the project's baselines:
// number 0 is "Baseline", 1–10 "Baseline1"… as MS Project names them.
// A number given twice is a warning, the second left out; given marks
// the numbers given.
func (r *reader) baseline(line int, uid string, bx baselineXML, given *[11]bool) {
	n := 0
	if bx.Number != "" {
		v, err := parseInt(bx.Number)
		if err != nil || v < 0 || v > 10 {
			r.warn(line, "Baseline", "task %s: baseline number %q; ignored", uid, bx.Number)
			return
		}
		n = v
	}
	if given[n] {
		r.warn(line, "Baseline", "task %s: baseline %d is given twice; the second is left out", uid, n)
		return
	}
	given[n] = true
	name := "Baseline"
	if n > 0 {
		name += strconv.Itoa(n)
	}
	bt := schedule.BaselineTask{ID: uid}
	bt.Start, _ = parseDate(bx.Start)
	bt.Finish, _ = parseDate(bx.Finish)
	format := fmtDays
	if v, err := parseInt(bx.DurationFormat); err == nil {
		format = v
	}
	if m, err := parseXSDDuration(bx.Duration); err == nil && bx.Duration != "" {
		bt.Duration = durationOf(m, format, r.settings)
	}
	if m, err := parseXSDDuration(bx.Work); err == nil && m != 0 {
		bt.Work = durationOf(m, fmtHours, r.settings)
	}
	if v, err := parseFloat(bx.Cost); err == nil {
		bt.Cost = v
	}
	k := slices.IndexFunc(r.p.Baselines, func(b schedule.Baseline) bool { return b.Name == name })
	if k < 0 {
		r.p.Baselines = append(r.p.Baselines, schedule.Baseline{Name: name})
		k = len(r.p.Baselines) - 1
	}
	r.p.Baselines[k].Tasks = append(r.p.Baselines[k].Tasks, bt)
}

// link converts a PredecessorLink of task succ.
func (r *reader) link(line int, succ string, lx linkXML) (schedule.Link, bool) {
	pred := strings.TrimSpace(lx.PredecessorUID)
	if _, ok := r.taskAt[pred]; !ok {
		r.warn(line, "PredecessorLink", "task %s: predecessor UID %q is not a task here; the link is left out", succ, lx.PredecessorUID)
		return schedule.Link{}, false
	}
	l := schedule.Link{Pred: pred, Succ: succ}
	// Type: 0 FF, 1 FS, 2 SF, 3 SS; missing means FS.
	switch lx.Type {
	case "0":
		l.Type = schedule.FF
	case "", "1":
		l.Type = schedule.FS
	case "2":
		l.Type = schedule.SF
	case "3":
		l.Type = schedule.SS
	default:
		r.warn(line, "PredecessorLink", "task %s: link type %q; taken as FS", succ, lx.Type)
	}
	if lx.LinkLag != "" {
		tenths, err := parseFloat(lx.LinkLag)
		if err == nil && math.Abs(tenths) > maxMinutes*10 {
			err = fmt.Errorf("%q is out of range", lx.LinkLag)
		}
		if err != nil {
			r.warn(line, "LinkLag", "task %s: %v; no lag", succ, err)
			return l, true
		}
		format := fmtDays
		if v, err := parseInt(lx.LagFormat); err == nil {
			format = v
		}
		switch format {
		case fmtPercent, fmtElapsedPercent, fmtPercent + fmtEstimated, fmtElapsedPercent + fmtEstimated:
			l.Lag = schedule.PercentOf(roundAmount(tenths / 10))
		default:
			l.Lag = durationOf(tenths/10, format, r.settings)
		}
	}
	return l, true
}
