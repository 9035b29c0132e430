package p6

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/reconcile"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/schedule"
)

// Project is one P6 project in critpath's model, with its project ID
// (proj_short_name; "project N" by its proj_id when it has none) and
// what P6 computed.
type Project struct {
	ID      string
	Project *schedule.Project
	Saved   map[string]Saved
}

// Saved is what P6 computed for one activity: its start and finish (the
// actual ones for work done), its total float in working minutes
// (HasFloat false when the file has none) and its late finish.
type Saved = record.Saved

// Warn reports something passed over: the line, the table, the message.
type Warn func(line int, table, message string)

// Convert turns every project in the tables into critpath's model, with
// P6's rules as its SCHEDOPTIONS set them. It empties t as it goes: each
// table is dropped once the last project is done with it, so that its
// text can be freed while the rest is converted (the model shares none of
// the text of TASK, TASKPRED and TASKRSRC).
func Convert(t Tables, warn Warn) []Project {
	projects := t["PROJECT"]
	out := make([]Project, 0, projects.Len())
	for k := range projects.Len() {
		rd := &reader{warnf: warn, t: t, proj: projects.Get(k, "proj_id"), line: projects.Line(k), last: k == projects.Len()-1}
		out = append(out, rd.project(k))
	}
	clear(t)
	return out
}

type reader struct {
	warnf Warn
	t     Tables
	proj  string // proj_id
	line  int
	last  bool // the last project: the tables are dropped as they are read
	p     *schedule.Project
	out   Project

	calName map[string]string // clndr_id → name
	wbsTask map[string]string // wbs_id → its summary task's ID
	task    map[string]int32  // task_id → the activity's index in p.Tasks
}

// done drops the tables named when the reader is the last project's:
// no other will read them.
func (r *reader) done(names ...string) {
	if r.last {
		for _, name := range names {
			delete(r.t, name)
		}
	}
}

// count is the number of rows of the table that are the project's.
func (r *reader) count(table string) int {
	t, n := r.t[table], 0
	for k := range t.Len() {
		if t.Get(k, "proj_id") == r.proj {
			n++
		}
	}
	return n
}

func (r *reader) warn(line int, table, format string, args ...any) {
	r.warnf(line, table, fmt.Sprintf(format, args...))
}

// date reads a P6 date ("2019-07-04 08:00", seconds optional; PMXML's
// "2019-07-04T08:00:00").
func date(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-1-2 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// maxHours bounds the numbers hours reads: ten million hours, over a
// thousand years round the clock. Export writes none larger.
const maxHours = 1e7

// hours reads an hour count; a decimal comma ("70,5", as some writers
// put it) is read as a point.
func hours(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxHours {
		return 0, fmt.Errorf("%q is not a number of hours", s)
	}
	return v, nil
}

func (r *reader) project(k int) Project {
	pt := r.t["PROJECT"]
	id := cmp.Or(pt.Get(k, "proj_short_name"), "project "+r.proj)
	r.p = &schedule.Project{Name: id, Options: schedule.P6Options()}
	activities := r.count("TASK")
	r.p.Tasks = make([]schedule.Task, 0, r.count("PROJWBS")+activities)
	r.out = Project{ID: id, Project: r.p, Saved: make(map[string]Saved, activities)}
	r.calName, r.wbsTask, r.task = map[string]string{}, map[string]string{}, make(map[string]int32, activities)
	get := func(f string) string { return pt.Get(k, f) }
	for _, f := range []string{"plan_start_date", "last_recalc_date", "plan_end_date"} {
		if s := get(f); s != "" {
			d, err := date(s)
			if err != nil {
				r.warn(r.line, "PROJECT", "%s: %v", f, err)
				continue
			}
			switch f {
			case "plan_start_date":
				r.p.Start = d
			case "last_recalc_date":
				r.p.StatusDate = d
			default: // P6's "must finish by"
				r.p.FinishBy = d
			}
		}
	}
	if r.p.Start.IsZero() {
		r.p.Start = r.p.StatusDate
		r.warn(r.line, "PROJECT", "project %s has no planned start; its data date %v is taken", r.proj, r.p.Start.Format("2006-01-02 15:04"))
	}
	r.options()
	if h, err := hours(get("critical_drtn_hr_cnt")); err == nil && h != 0 {
		r.p.Options.CriticalFloat = schedule.Hours(roundHours(h))
	}
	r.calendars(get("clndr_id"))
	r.wbs()
	r.tasks()
	r.done("TASK", "PROJWBS", "CALENDAR", "SCHEDOPTIONS")
	r.links()
	r.done("TASKPRED")
	r.resources()
	r.done("TASKRSRC", "RSRC", "RSRCRATE")
	if !r.calendarsCompile() {
		_ = reconcile.Calendars(r.p, func(kind, name, msg string) { r.warn(r.line, "PROJECT", "%s %s: %s", kind, name, msg) })
	}
	return r.out
}

// calendarsCompile reports whether the project's calendars compile, and
// so do its activities that work on their resources' calendars as well as
// their own, with their assignments: when they do, reconcile.Calendars
// has nothing to change, and compiling the whole project to find that
// out (as it does: for a million activities, a third of the time of
// reading and a network as large as the project) is spared.
func (r *reader) calendarsCompile() bool {
	p := r.p
	q := &schedule.Project{Name: p.Name, Start: p.Start, StatusDate: p.StatusDate, Location: p.Location,
		Calendar: p.Calendar, Calendars: p.Calendars, Resources: p.Resources, Settings: p.Settings, Options: p.Options}
	assigned := map[string]bool{}
	for _, a := range p.Assignments {
		assigned[a.Task] = true
	}
	in := map[string]bool{}
	for _, t := range p.Tasks {
		if !t.IgnoreResourceCalendars && assigned[t.ID] {
			t.Parent = ""
			q.Tasks = append(q.Tasks, t)
			in[t.ID] = true
		}
	}
	for _, a := range p.Assignments {
		if in[a.Task] {
			q.Assignments = append(q.Assignments, a)
		}
	}
	_, err := schedule.Compile(q)
	return err == nil
}

// options reads the project's SCHEDOPTIONS into P6's options.
func (r *reader) options() {
	t := r.t["SCHEDOPTIONS"]
	if t == nil {
		return
	}
	for k := range t.Len() {
		if t.Get(k, "proj_id") != r.proj {
			continue
		}
		o := &r.p.Options
		switch t.Get(k, "sched_calendar_on_relationship_lag") {
		case "rcal_Successor":
			o.LagCalendar = schedule.LagSuccessor
		case "rcal_ProjDefault":
			o.LagCalendar = schedule.LagProject
		case "rcal_24Hour":
			o.LagCalendar = schedule.Lag24Hours
		}
		switch {
		case t.Get(k, "sched_progress_override") == "Y":
			o.Progress = schedule.ProgressOverride
		case t.Get(k, "sched_retained_logic") == "N":
			o.Progress = schedule.ActualDates
		}
		switch t.Get(k, "sched_float_type") {
		case "FT_SF", "FT_StartFloat":
			o.TotalFloat = schedule.StartFloat
		case "FT_MF", "FT_MinFloat", "FT_Smallest":
			o.TotalFloat = schedule.SmallestFloat
		}
	}
}

// maxExceptions bounds the exceptions of a project's calendars, which
// cost a hundred bytes each and a P6 file gives in thirteen.
const maxExceptions = 1 << 20

// calendars reads the global calendars, the project's own and the
// resources'; def is the project calendar's clndr_id.
func (r *reader) calendars(def string) {
	t := r.t["CALENDAR"]
	if t == nil {
		return
	}
	used := map[string]bool{}
	var rows []int
	for k := range t.Len() {
		if p := t.Get(k, "proj_id"); p != "" && p != r.proj {
			continue // another project's
		}
		id := t.Get(k, "clndr_id")
		if _, dup := r.calName[id]; dup {
			r.warn(t.Line(k), "CALENDAR", "calendar ID %q is used twice; the second is left out", id)
			continue
		}
		name := strings.Clone(cmp.Or(t.Get(k, "clndr_name"), "Calendar "+id)) // not the table's text, which holds the calendar data
		if used[name] {
			name = fmt.Sprintf("%s (%s)", name, id)
		}
		used[name] = true
		r.calName[id] = name
		rows = append(rows, k)
	}
	exceptions := 0
	for _, k := range rows {
		id, line := t.Get(k, "clndr_id"), t.Line(k)
		cal := schedule.Calendar{Name: r.calName[id]}
		if b := t.Get(k, "base_clndr_id"); b != "" {
			if name, ok := r.calName[b]; ok && b != id {
				cal.Base = name
			}
		}
		week, exs, err := CalendarData(t.Get(k, "clndr_data"))
		if err != nil {
			r.warn(line, "CALENDAR", "calendar %q: %v; P6's default week is used", cal.Name, err)
		}
		if exceptions += len(exs); exceptions > maxExceptions {
			r.warn(line, "CALENDAR", "calendar %q: its %d exceptions bring the project's calendars over %d; they are left out", cal.Name, len(exs), maxExceptions)
			exceptions, exs = exceptions-len(exs), nil
		}
		switch {
		case week != nil:
			cal.Week = week
		case cal.Base == "":
			cal.Week = p6Default()
		}
		cal.Exceptions = exs
		r.p.Calendars = append(r.p.Calendars, cal)
		if id == def {
			r.p.Calendar = cal.Name
			if h, err := hours(t.Get(k, "day_hr_cnt")); err == nil && h > 0 && h <= 24 {
				r.p.Settings.MinutesPerDay = int(math.Round(h * 60))
			}
			if h, err := hours(t.Get(k, "week_hr_cnt")); err == nil && h > 0 && h <= 168 {
				r.p.Settings.MinutesPerWeek = int(math.Round(h * 60))
			}
		}
	}
	if def != "" && r.p.Calendar == "" {
		r.warn(r.line, "PROJECT", "project calendar %s is not in the file; Standard is used", def)
	}
}

// wbs reads the project's WBS nodes as summary tasks, each ID the path of
// short names from the top ("A.1.2"); the project's root node is left
// out, and so are nodes with no activity under them.
func (r *reader) wbs() {
	t := r.t["PROJWBS"]
	if t == nil {
		return
	}
	type wnode struct {
		parent, short, name string
		root                bool
		line, seq           int
	}
	nodes := map[string]*wnode{}
	var ids []string
	for k := range t.Len() {
		if t.Get(k, "proj_id") != r.proj {
			continue
		}
		id := t.Get(k, "wbs_id")
		seq, _ := strconv.Atoi(t.Get(k, "seq_num"))
		nodes[id] = &wnode{parent: t.Get(k, "parent_wbs_id"), short: t.Get(k, "wbs_short_name"), name: t.Get(k, "wbs_name"),
			root: t.Get(k, "proj_node_flag") == "Y", line: t.Line(k), seq: seq}
		ids = append(ids, id)
	}
	// Which nodes have activities under them.
	busy := map[string]bool{}
	if tt := r.t["TASK"]; tt != nil {
		for k := range tt.Len() {
			if tt.Get(k, "proj_id") != r.proj {
				continue
			}
			for w, depth := tt.Get(k, "wbs_id"), 0; w != "" && depth < 1000 && !busy[w]; depth++ {
				busy[w] = true
				n := nodes[w]
				if n == nil {
					break
				}
				w = n.parent
			}
		}
	}
	path := map[string]string{}
	var pathOf func(id string, depth int) string
	pathOf = func(id string, depth int) string {
		n := nodes[id]
		if n == nil || n.root || depth > 1000 {
			return ""
		}
		if p, ok := path[id]; ok {
			return p
		}
		p := n.short
		if up := pathOf(n.parent, depth+1); up != "" {
			p = up + "." + n.short
		}
		path[id] = p
		return p
	}
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(nodes[a].seq, nodes[b].seq) })
	for _, id := range ids {
		n := nodes[id]
		if n.root || !busy[id] {
			continue
		}
		task := schedule.Task{ID: "WBS " + pathOf(id, 0), Name: n.name}
		if up := nodes[n.parent]; up != nil && !up.root {
			task.Parent = "WBS " + pathOf(n.parent, 0)
		}
		r.wbsTask[id] = task.ID
		r.p.Tasks = append(r.p.Tasks, task)
	}
}

// constraintTypes maps P6's constraint codes. Start On and Finish On
// (CS_MSO, CS_MEO) are not mandatory in P6: they bound the early dates
// from below and the late dates from above, so they are read as Start or
// Finish No Earlier Than with a deadline (see onDate).
var constraintTypes = map[string]schedule.ConstraintType{
	"CS_MSOA": schedule.SNET, "CS_MSOB": schedule.SNLT, "CS_MEOA": schedule.FNET, "CS_MEOB": schedule.FNLT,
	"CS_MANDSTART": schedule.MSO, "CS_MANDFIN": schedule.MFO, "CS_MSO": schedule.SNET, "CS_MEO": schedule.FNET, "CS_ALAP": schedule.ALAP,
}

// onDate makes a Start On or Finish On constraint's upper bound a
// deadline: the date itself for Finish On and for a Start On milestone;
// a Start On activity with a duration keeps only its lower bound, with a
// warning.
func (r *reader) onDate(task *schedule.Task, code string, line int) {
	switch {
	case code == "CS_MEO", code == "CS_MSO" && task.Duration.IsZero():
		if task.Deadline.IsZero() || task.Constraint.Date.Before(task.Deadline) {
			task.Deadline = task.Constraint.Date
		}
	case code == "CS_MSO":
		r.warn(line, "TASK", "activity %s: Start On is read as Start On or After; its late-start bound is not modelled", task.ID)
	}
}

// tasks reads the project's activities.
func (r *reader) tasks() {
	t := r.t["TASK"]
	if t == nil {
		return
	}
	// An ID is taken when a summary task or an activity has it: each
	// activity has one in Saved.
	summaries := make(map[string]bool, len(r.p.Tasks))
	for _, task := range r.p.Tasks {
		summaries[task.ID] = true
	}
	taken := func(id string) bool {
		_, ok := r.out.Saved[id]
		return ok || summaries[id]
	}
	warned := map[string]bool{}
	for k := range t.Len() {
		if t.Get(k, "proj_id") != r.proj {
			continue
		}
		line := t.Line(k)
		get := func(f string) string { return t.Get(k, f) }
		// The model's text is copied out of the table's, which is
		// dropped once read.
		id := strings.Clone(cmp.Or(get("task_code"), "task "+get("task_id")))
		if taken(id) {
			id = fmt.Sprintf("%s (%s)", id, get("task_id"))
			r.warn(line, "TASK", "activity ID %q is used twice; this one is %q", get("task_code"), id)
		}
		if first, dup := r.task[get("task_id")]; dup {
			first := r.p.Tasks[first].ID
			r.warn(line, "TASK", "activity %s: task_id %s is %s's too; relationships and assignments naming it go to %s", id, get("task_id"), first, first)
		} else {
			r.task[strings.Clone(get("task_id"))] = int32(len(r.p.Tasks))
		}
		task := schedule.Task{ID: id, Name: strings.Clone(get("task_name")), Parent: r.wbsTask[get("wbs_id")],
			IgnoreResourceCalendars: get("task_type") != "TT_Rsrc"}
		num := func(f string) float64 {
			s := get(f)
			if s == "" {
				return 0
			}
			h, err := hours(s)
			if err != nil {
				r.warn(line, "TASK", "activity %s: %s: %v", id, f, err)
			}
			return h
		}
		when := func(f string) time.Time {
			s := get(f)
			if s == "" {
				return time.Time{}
			}
			d, err := date(s)
			if err != nil {
				r.warn(line, "TASK", "activity %s: %s: %v", id, f, err)
			}
			return d
		}
		target := num("target_drtn_hr_cnt")
		switch typ := get("task_type"); typ {
		case "TT_Mile", "TT_FinMile":
			target = 0
			task.StartMilestone = typ == "TT_Mile"
		case "TT_LOE", "TT_WBS":
			if !warned[typ] {
				r.warn(line, "TASK", "%s activities (such as %s) are scheduled as ordinary ones with their planned duration", typ, id)
				warned[typ] = true
			}
		}
		task.Duration = schedule.Hours(roundHours(target))
		if target == 0 { // a milestone works by no calendar of its resources
			task.IgnoreResourceCalendars = true
		}
		if c := get("clndr_id"); c != "" {
			if name, ok := r.calName[c]; ok {
				task.Calendar = name
			} else {
				r.warn(line, "TASK", "activity %s: calendar %s is not in the file", id, c)
			}
		}
		if ct := get("cstr_type"); ct != "" {
			if typ, ok := constraintTypes[ct]; ok {
				task.Constraint.Type = typ
				if typ != schedule.ALAP {
					task.Constraint.Date = when("cstr_date")
					if task.Constraint.Date.IsZero() {
						r.warn(line, "TASK", "activity %s: constraint %s without a date; left out", id, ct)
						task.Constraint = schedule.Constraint{}
					}
				}
			} else {
				r.warn(line, "TASK", "activity %s: constraint type %q; left out", id, ct)
			}
		}
		switch ct := get("cstr_type2"); ct {
		case "":
		case "CS_MEOB": // finish on or before, on late dates only: a deadline
			task.Deadline = when("cstr_date2")
		default:
			r.warn(line, "TASK", "activity %s: its secondary constraint %s is not modelled", id, ct)
		}
		if ct := get("cstr_type"); (ct == "CS_MSO" || ct == "CS_MEO") && !task.Constraint.Date.IsZero() {
			r.onDate(&task, ct, line)
		}
		if p, ok := readPriority[get("priority_type")]; ok {
			task.Priority = cmp.Or(p, schedule.LowestPriority)
		}
		saved := Saved{Start: when("early_start_date"), Finish: when("early_end_date"), LateFinish: when("late_end_date")}
		status := get("status_code")
		if (status == "TK_Active" || status == "TK_Complete") && when("act_start_date").IsZero() {
			r.warn(line, "TASK", "activity %s is marked %s without an actual start; taken as not started", id, status)
			status = "TK_NotStart"
		}
		switch status {
		case "TK_Active":
			task.ActualStart = when("act_start_date")
			rem := num("remain_drtn_hr_cnt")
			// Nothing left (rem 0) it stays in progress: P6 ends it at the
			// data date and still counts its float.
			task.Remaining = new(schedule.Hours(roundHours(rem)))
			if target > 0 {
				task.PercentComplete = max(0, min(100, 100*(target-rem)/target))
			}
			saved.Start = task.ActualStart
		case "TK_Complete":
			task.ActualStart, task.ActualFinish, task.PercentComplete = when("act_start_date"), when("act_end_date"), 100
			saved.Start, saved.Finish = task.ActualStart, task.ActualFinish
		}
		if s := get("total_float_hr_cnt"); s != "" {
			if h, err := hours(s); err == nil {
				saved.TotalFloat, saved.HasFloat = int64(math.Round(h*60)), true
			}
		}
		r.out.Saved[id] = saved
		r.p.Tasks = append(r.p.Tasks, task)
	}
}

// roundHours drops float noise (8.0000001 hours) below a hundredth of a
// minute.
func roundHours(h float64) float64 { return math.Round(h*6000) / 6000 }

// links reads the relationships between the project's activities; one to
// an activity outside the file is left out with a warning.
func (r *reader) links() {
	t := r.t["TASKPRED"]
	if t == nil {
		return
	}
	succs, n := r.activities(t)
	r.p.Links = slices.Grow(r.p.Links, n)
	type ends struct {
		pred, succ int32
		typ        schedule.LinkType
	}
	seen := make(map[ends]bool, n)
	for k, succ := range succs {
		if succ < 0 {
			continue
		}
		line, succID := t.Line(k), r.p.Tasks[succ].ID
		pred, ok := r.task[t.Get(k, "pred_task_id")]
		if !ok {
			r.warn(line, "TASKPRED", "activity %s: predecessor %s is outside the project; the link is left out", succID, t.Get(k, "pred_task_id"))
			continue
		}
		predID := r.p.Tasks[pred].ID
		typ, ok := linkTypes[t.Get(k, "pred_type")]
		if !ok {
			r.warn(line, "TASKPRED", "activity %s: link type %q; taken as FS", succID, t.Get(k, "pred_type"))
		}
		key := ends{pred, succ, typ}
		if seen[key] {
			r.warn(line, "TASKPRED", "activity %s: a second %v link from %s; left out", succID, typ, predID)
			continue
		}
		seen[key] = true
		l := schedule.Link{Pred: predID, Succ: succID, Type: typ}
		if s := t.Get(k, "lag_hr_cnt"); s != "" {
			h, err := hours(s)
			if err != nil {
				r.warn(line, "TASKPRED", "activity %s: lag: %v; none", succID, err)
			}
			l.Lag = schedule.Hours(roundHours(h))
		}
		r.p.Links = append(r.p.Links, l)
	}
}

// activities gives, for each row of the table, the index in p.Tasks of
// the activity its task_id names (-1: another project's), and how many
// rows name one of the project's.
func (r *reader) activities(t *Table) ([]int32, int) {
	of, n := make([]int32, t.Len()), 0
	for k := range t.Len() {
		i, ok := r.task[t.Get(k, "task_id")]
		if !ok {
			i = -1
		} else {
			n++
		}
		of[k] = i
	}
	return of, n
}

// linkTypes maps P6's relationship types.
var linkTypes = map[string]schedule.LinkType{"PR_FS": schedule.FS, "PR_SS": schedule.SS, "PR_FF": schedule.FF, "PR_SF": schedule.SF}

// rate reads a resource's limit and standard rate from RSRCRATE: the rate
// in force at the project start (else its first).
func (r *reader) rate(res *schedule.Resource, rid string) {
	t := r.t["RSRCRATE"]
	if t == nil {
		return
	}
	best, bestDate := -1, time.Time{}
	for k := range t.Len() {
		if t.Get(k, "rsrc_id") != rid {
			continue
		}
		d, _ := date(t.Get(k, "start_date"))
		switch {
		case best < 0,
			!d.After(r.p.Start) && (bestDate.After(r.p.Start) || d.After(bestDate)),
			d.Before(bestDate) && bestDate.After(r.p.Start):
			best, bestDate = k, d
		}
	}
	if best < 0 {
		return
	}
	if v, err := hours(t.Get(best, "max_qty_per_hr")); err == nil && v > 0 {
		res.MaxUnits = v
	}
	if v, err := hours(t.Get(best, "cost_per_qty")); err == nil && v >= 0 {
		res.StandardRate = v
	}
}

// resources reads the resources the project's activities use, and the
// assignments.
func (r *reader) resources() {
	rt, at := r.t["RSRC"], r.t["TASKRSRC"]
	if rt == nil || at == nil {
		return
	}
	byID := map[string]int{}
	for k := range rt.Len() {
		byID[rt.Get(k, "rsrc_id")] = k
	}
	added := map[string]string{} // rsrc_id → our ID
	type pair struct {
		task     int32
		resource string
	}
	tasks, n := r.activities(at)
	r.p.Assignments = slices.Grow(r.p.Assignments, n)
	seen := make(map[pair]bool, n)
	for k, ti := range tasks {
		if ti < 0 {
			continue
		}
		line, task := at.Line(k), r.p.Tasks[ti].ID
		rid := at.Get(k, "rsrc_id")
		if rid == "" {
			continue // a role, not yet staffed
		}
		rk, ok := byID[rid]
		if !ok {
			r.warn(line, "TASKRSRC", "activity %s: resource %s is not in the file; left out", task, rid)
			continue
		}
		id, ok := added[rid]
		if !ok {
			id = strings.Clone(cmp.Or(rt.Get(rk, "rsrc_short_name"), "resource "+rid))
			res := schedule.Resource{ID: id, Name: strings.Clone(rt.Get(rk, "rsrc_name"))}
			if rt.Get(rk, "rsrc_type") == "RT_Mat" {
				res.Type = schedule.MaterialResource
			}
			if c := rt.Get(rk, "clndr_id"); c != "" {
				res.Calendar = r.calName[c]
			}
			r.rate(&res, rid)
			r.p.Resources = append(r.p.Resources, res)
			added[rid] = id
		}
		if seen[pair{ti, id}] {
			continue
		}
		seen[pair{ti, id}] = true
		a := schedule.Assignment{Task: task, Resource: id, Units: 1}
		if s := at.Get(k, "target_qty_per_hr"); s != "" {
			if v, err := hours(s); err == nil && v >= 0 {
				a.Units = v
			}
		}
		r.p.Assignments = append(r.p.Assignments, a)
	}
}
