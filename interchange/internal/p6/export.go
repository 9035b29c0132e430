package p6

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/interchange/internal/bounds"
	"github.com/critpath/critpath/interchange/internal/loss"
	ol "github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// Sheet is one of P6's tables to write: its name, its fields in P6's
// order and its rows.
type Sheet struct {
	Name   string
	Fields []string
	Rows   [][]string
}

// holds is what P6's files hold, as P6 and critpath's reader take them:
// dates from 1900 (P6's calendars count days from 1899-12-30) to 9999
// (its four-digit years), and hours, units per hour and rates up to
// maxHours, the most the reader takes (convert.go's hours). Other costs
// are not written (a warning says so) and need only be numbers.
var holds = bounds.Format{Name: "P6", FirstYear: 1900, LastYear: 9999, MaxMinutes: maxHours * 60, Hours: true,
	MaxUnits: maxHours, MaxRate: maxHours}

// layouts are the tables Export writes, in XER's order, each with its
// fields in P6's order and the values P6 writes by default (name=value).
var layouts = []struct{ name, fields string }{
	{"PROJECT", "proj_id fy_start_month_num=1 rsrc_self_add_flag=Y allow_complete_flag=Y rsrc_multi_assign_flag=Y checkout_flag=N project_flag=Y step_complete_flag=N cost_qty_recalc_flag=N batch_sum_flag=Y name_sep_char=. def_complete_pct_type=CP_Drtn proj_short_name acct_id orig_proj_id source_proj_id base_type_id clndr_id sum_base_proj_id task_code_base=1000 task_code_step=10 priority_num=10 wbs_max_sum_level=0 strgy_priority_num=500 last_checksum critical_drtn_hr_cnt=0 def_cost_per_qty=0 last_recalc_date plan_start_date plan_end_date scd_end_date add_date last_tasksum_date fcst_start_date def_duration_type=DT_FixedDUR2 task_code_prefix=A guid def_qty_type=QT_Hour add_by_name=critpath web_local_root_path proj_url def_rate_type=COST_PER_QTY add_act_remain_flag=N act_this_per_link_flag=Y def_task_type=TT_Task act_pct_link_flag=N critical_path_type=CT_TotFloat task_code_prefix_flag=Y def_rollup_dates_flag=Y use_project_baseline_flag=Y rem_target_link_flag=Y reset_planned_flag=N allow_neg_act_flag=N sum_assign_level=SL_Taskrsrc last_fin_dates_id last_baseline_update_date cr_external_key apply_actuals_date location_id loaded_scope_level=7 export_flag=Y"},
	{"CALENDAR", "clndr_id default_flag=N clndr_name proj_id base_clndr_id last_chng_date clndr_type=CA_Base day_hr_cnt week_hr_cnt month_hr_cnt year_hr_cnt rsrc_private=N clndr_data"},
	{"SCHEDOPTIONS", "schedoptions_id proj_id sched_outer_depend_type=SD_Both sched_open_critical_flag=N sched_lag_early_start_flag=Y sched_retained_logic=Y sched_setplantoforecast=N sched_float_type=FT_FF sched_calendar_on_relationship_lag=rcal_Predecessor sched_use_expect_end_flag=Y sched_progress_override=N level_float_thrs_cnt=0 level_outer_assign_flag=N level_outer_assign_priority=5 level_over_alloc_pct=0 level_within_float_flag=N level_keep_sched_date_flag=Y level_all_rsrc_flag=Y sched_use_project_end_date_for_float=Y"},
	{"PROJWBS", "wbs_id proj_id obs_id seq_num est_wt=1 proj_node_flag=N sum_data_flag=N status_code=WS_Open wbs_short_name wbs_name phase_id parent_wbs_id ev_user_pct=6 ev_etc_user_value=0.88 orig_cost=0 indep_remain_total_cost=0 ann_dscnt_rate_pct dscnt_period_type indep_remain_work_qty anticip_start_date anticip_end_date ev_compute_type=EC_Cmp_pct ev_etc_compute_type=EE_Rem_hr guid tmpl_guid plan_open_state"},
	{"RSRC", "rsrc_id parent_rsrc_id clndr_id role_id shift_id user_id pobs_id guid rsrc_seq_num email_addr employee_code office_phone other_phone rsrc_name rsrc_short_name rsrc_title_name def_qty_per_hr=1 cost_qty_type=QT_Hour ot_factor active_flag=Y auto_compute_act_flag=N def_cost_qty_link_flag=Y ot_flag=N curr_id unit_id rsrc_type=RT_Labor location_id rsrc_notes load_tasks_flag level_flag"},
	{"RSRCRATE", "rsrc_rate_id rsrc_id max_qty_per_hr cost_per_qty start_date shift_period_id cost_per_qty2 cost_per_qty3 cost_per_qty4 cost_per_qty5"},
	{"TASK", "task_id proj_id wbs_id clndr_id phys_complete_pct=0 rev_fdbk_flag=N est_wt=1 lock_plan_flag=N auto_compute_act_flag=N complete_pct_type=CP_Drtn task_type=TT_Task duration_type=DT_FixedDUR2 status_code=TK_NotStart task_code task_name rsrc_id total_float_hr_cnt free_float_hr_cnt remain_drtn_hr_cnt act_work_qty=0 remain_work_qty=0 target_work_qty=0 target_drtn_hr_cnt target_equip_qty=0 act_equip_qty=0 remain_equip_qty=0 cstr_date act_start_date act_end_date late_start_date late_end_date expect_end_date early_start_date early_end_date restart_date reend_date target_start_date target_end_date rem_late_start_date rem_late_end_date cstr_type priority_type=PT_Normal suspend_date resume_date float_path float_path_order guid tmpl_guid cstr_date2 cstr_type2 driving_path_flag=N act_this_per_work_qty=0 act_this_per_equip_qty=0 external_early_start_date external_late_end_date create_date update_date create_user update_user location_id"},
	{"TASKPRED", "task_pred_id task_id pred_task_id proj_id pred_proj_id pred_type lag_hr_cnt=0 float_path aref arls"},
	{"TASKRSRC", "taskrsrc_id task_id proj_id cost_qty_link_flag=Y role_id acct_id rsrc_id pobs_id skill_level remain_qty target_qty remain_qty_per_hr target_lag_drtn_hr_cnt=0 target_qty_per_hr act_ot_qty=0 act_reg_qty=0 relag_drtn_hr_cnt=0 ot_factor cost_per_qty cost_per_qty_source_type=ST_Rsrc target_cost act_reg_cost=0 act_ot_cost=0 remain_cost act_start_date act_end_date restart_date reend_date target_start_date target_end_date rem_late_start_date rem_late_end_date rollup_dates_flag=Y target_crv remain_crv actual_crv ts_pend_act_end_flag=N guid rate_type=COST_PER_QTY act_this_per_cost=0 act_this_per_qty=0 curv_id rsrc_type"},
}

// layout is a table's fields in order and their defaults.
type layout struct {
	fields   []string
	defaults []string
}

// tableLayouts are the layouts parsed, by table name.
var tableLayouts = func() map[string]layout {
	out := map[string]layout{}
	for _, l := range layouts {
		var lay layout
		for f := range strings.FieldsSeq(l.fields) {
			f, v, _ := strings.Cut(f, "=")
			lay.fields, lay.defaults = append(lay.fields, f), append(lay.defaults, v)
		}
		out[l.name] = lay
	}
	return out
}()

// Export lays p out as P6's tables, in XER's order: the project with its
// scheduling options, calendars (every one the project names, presets
// included), the WBS (from summary tasks; the project's own node first),
// resources with their limits and rates, activities with the dates and
// floats critpath computes, relationships and assignments. What P6 cannot
// hold, or what P6 (and critpath reading the file back) would take
// otherwise, is written as near as it can be and reported through warn
// (table, message), once per kind with how many things it hit and the
// first, in a fixed order: the time zone, rules that are not P6's,
// durations and lags in other units than hours, elapsed ones, percent
// lags, summary tasks (WBS nodes: their IDs, links, constraints and other
// values), priorities between P6's five levels, splits, manual
// scheduling, task types, costs, notes, custom fields, baselines, cost
// resources, overtime rates, assignment work, and so on (the table "What
// each format keeps" in interchange/README.md lists them). It fails, writing nothing, on what no P6
// file can hold: a task, calendar or resource defined twice, a parent or
// a link's end that is not a task, an outline that loops, a value out of
// P6's range (package bounds, with holds: a NaN or an infinite number
// anywhere, a negative duration, hours past 10,000,000, a date before
// 1900 or after 9999…; a percent lag past those hours). The dates are r's
// (nil: p is scheduled here).
func Export(p *schedule.Project, r *schedule.Result, warn func(table, message string)) ([]*Sheet, error) {
	e := &exporter{p: p, s: p.Settings, calID: map[string]string{}, taskID: map[string]string{}, wbsID: map[string]string{}, sheets: map[string]*Sheet{}, codes: map[string]bool{}}
	e.s.MinutesPerDay = cmp.Or(e.s.MinutesPerDay, 480)
	e.s.MinutesPerWeek = cmp.Or(e.s.MinutesPerWeek, 2400)
	e.s.DaysPerMonth = cmp.Or(e.s.DaysPerMonth, 20)
	if err := e.outline(); err != nil {
		return nil, err
	}
	var err error
	if r == nil {
		r, err = schedule.Run(p)
	}
	if err := bounds.Check(p, r, holds); err != nil {
		return nil, err
	}
	if err == nil {
		e.dates = map[string]schedule.TaskResult{}
		for _, tr := range r.Tasks() {
			e.dates[tr.ID] = tr
		}
		e.finish = r.Finish()
	} else if !p.Start.IsZero() || !p.StatusDate.IsZero() || p.FromFinish {
		// (A stub with no dates at all has none to lose.)
		e.warn("PROJECT", "the project does not schedule (%v); no early or late dates are written", err)
	}
	e.project()
	if err := e.calendars(); err != nil {
		return nil, err
	}
	e.options()
	e.wbs()
	if err := e.resources(); err != nil {
		return nil, err
	}
	e.tasks()
	if err := e.links(); err != nil {
		return nil, err
	}
	e.assignments()
	for _, w := range e.loss.Warnings() {
		warn(w.Where, w.Message)
	}
	return e.out, nil
}

type exporter struct {
	p      *schedule.Project
	s      schedule.Settings
	dates  map[string]schedule.TaskResult
	finish time.Time
	out    []*Sheet
	sheets map[string]*Sheet

	summary map[string]bool   // task IDs with subtasks
	index   map[string]int    // task ID → index in p.Tasks
	order   []int             // tasks, each summary before its subtasks
	calID   map[string]string // calendar name → clndr_id
	taskID  map[string]string // activity's task ID → task_id
	wbsID   map[string]string // summary's task ID → wbs_id
	rsrcID  map[string]string // resource ID → rsrc_id
	codes   map[string]bool   // activity IDs written
	wbsPath map[string]string // summary's task ID → the ID it reads back as
	short   string            // the project's ID as written
	loss    loss.Tally
}

// warn reports something of the project as a whole, once.
func (e *exporter) warn(table, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e.loss.Add(msg, table, msg, "", "")
}

// note counts one thing of a kind P6 cannot hold (see loss.Tally): the
// message is formatted from the first.
func (e *exporter) note(kind, table, noun, example, format string, args ...any) {
	e.loss.Addf(kind, table, noun, example, format, args...)
}

// add appends a row to the table, starting it when it is new.
func (e *exporter) add(name string, values map[string]string) {
	s := e.sheets[name]
	if s == nil {
		s = &Sheet{Name: name, Fields: tableLayouts[name].fields}
		e.sheets[name] = s
		e.out = append(e.out, s)
	}
	lay := tableLayouts[name]
	row := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		v, ok := values[f]
		if !ok {
			v = lay.defaults[i]
		}
		row[i] = clean(v)
		if row[i] != v {
			e.note("clean", name, "text", strconv.Quote(v), "tabs and line breaks are written as spaces: P6's tables hold none")
		}
	}
	s.Rows = append(s.Rows, row)
}

// clean keeps a value on its line: XER has no escape for a tab or a line
// break.
func clean(s string) string {
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// outline checks IDs and parents and orders the tasks, each summary
// before its subtasks.
func (e *exporter) outline() error {
	p := e.p
	e.index, e.summary = map[string]int{}, map[string]bool{}
	for k, t := range p.Tasks {
		if _, dup := e.index[t.ID]; dup {
			return fmt.Errorf("task %q is defined twice", t.ID)
		}
		e.index[t.ID] = k
	}
	for _, t := range p.Tasks {
		if t.Parent == "" {
			continue
		}
		if _, ok := e.index[t.Parent]; !ok {
			return fmt.Errorf("task %q: parent %q is not a task", t.ID, t.Parent)
		}
		e.summary[t.Parent] = true
	}
	rows, err := ol.Order(p)
	if err != nil {
		return err
	}
	for _, r := range rows {
		e.order = append(e.order, r.Task)
	}
	return nil
}

// tableOf is the table each kind of text fit cuts is in.
var tableOf = map[string]string{"project ID": "PROJECT", "calendar name": "CALENDAR", "WBS code": "PROJWBS", "WBS name": "PROJWBS",
	"resource name": "RSRC", "resource ID": "RSRC", "activity ID": "TASK", "activity name": "TASK"}

// fit cuts text to P6's limit of n characters, reporting it once per
// kind.
func (e *exporter) fit(kind, s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	e.note("long "+kind, tableOf[kind], kind, strconv.Quote(s), "%ss are cut to P6's %d characters", kind, n)
	return cut(s, n)
}

// cut cuts s to n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// periodHours writes a calendar's hours per period within what P6 holds
// (1 to the hours in the period), reporting it once.
func (e *exporter) periodHours(h, most float64) string {
	if h < 1 || h > most {
		e.note("period hours", "CALENDAR", "", "", "hours per period %v are kept within P6's 1 to %v", h, most)
		h = min(most, max(1, h))
	}
	return number(h)
}

// code returns an activity ID within P6's 40 characters, unique: one cut
// short ends in ~ and a number if it has to.
func (e *exporter) code(id string) string {
	return e.unique(e.codes, "activity ID", id, 40)
}

// unique returns text within P6's limit of n characters and without tabs
// or line breaks, unique in used (one cut short or cleaned ends in ~ and a
// number if it has to).
func (e *exporter) unique(used map[string]bool, kind, s string, n int) string {
	if clean(s) != s {
		e.note("clean", tableOf[kind], "text", strconv.Quote(s), "tabs and line breaks are written as spaces: P6's tables hold none")
	}
	c := e.fit(kind, clean(s), n)
	base := []rune(c)
	for k := 1; used[c]; k++ {
		suffix := fmt.Sprintf("~%d", k)
		c = string(base[:min(len(base), n-len(suffix))]) + suffix
	}
	if c != string(base) {
		e.note("unique "+kind, tableOf[kind], kind, fmt.Sprintf("%q → %q", s, c), "%ss that are another's once cut short or cleaned end in ~ and a number", kind)
	}
	used[c] = true
	return c
}

// stamp spells a date as P6 does; the zero date is empty.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04")
}

// number spells an amount without float noise (to 15 significant
// digits).
func number(v float64) string {
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// hours converts a duration to P6's hours of working time. An elapsed one
// becomes as many working hours as it has clock hours; a percent is
// refused (ok false).
func (e *exporter) hours(d schedule.Duration) (h float64, elapsed, ok bool) {
	switch d.Unit {
	case schedule.Minute:
		h = d.Amount / 60
	case schedule.Hour:
		h = d.Amount
	case schedule.Day:
		h = d.Amount * float64(e.s.MinutesPerDay) / 60
		if d.Elapsed {
			h = d.Amount * 24
		}
	case schedule.Week:
		h = d.Amount * float64(e.s.MinutesPerWeek) / 60
		if d.Elapsed {
			h = d.Amount * 7 * 24
		}
	case schedule.Month:
		h = d.Amount * float64(e.s.DaysPerMonth*e.s.MinutesPerDay) / 60
		if d.Elapsed {
			h = d.Amount * 30 * 24
		}
	default:
		return 0, false, false
	}
	return h, d.Elapsed, true
}

const projID = "1"

func (e *exporter) project() {
	p := e.p
	short := cmp.Or(p.Name, "critpath")
	start, finishBy := p.Start, p.FinishBy
	if p.FromFinish {
		// P6 schedules forward; the finish still bounds the late dates.
		finishBy = cmp.Or(finishBy, p.Finish)
		e.warn("PROJECT", "the project is scheduled from its finish; P6 schedules forward from the planned start, so it is written with its scheduled start as the planned start and its finish %s as the must-finish-by date", stamp(p.Finish))
	}
	if tr, ok := e.earliest(); ok && start.IsZero() {
		start = tr
	}
	if zone := loss.Zone(p); zone != "" {
		e.warn("PROJECT", "the project's time zone %s is not written: P6's dates are wall-clock times without a zone (read back as UTC)", zone)
	}
	e.short = e.fit("project ID", short, 40)
	e.add("PROJECT", map[string]string{"proj_id": projID, "proj_short_name": e.short, "clndr_id": e.calendarID(e.p.Calendar),
		"critical_drtn_hr_cnt": e.floatHours(p.Options.CriticalFloat), "last_recalc_date": stamp(p.StatusDate),
		"plan_start_date": stamp(start), "plan_end_date": stamp(finishBy), "scd_end_date": stamp(e.finish),
		"add_date": stamp(start)})
	if c := p.Options.CriticalFloat; !c.IsZero() && c.Unit != schedule.Hour {
		e.warn("PROJECT", "the critical float %v is written as %sh: P6 keeps it in hours", c, e.floatHours(c))
	}
	if d := cmp.Or(p.Settings.DaysPerMonth, 20); d != 20 {
		e.warn("CALENDAR", "%d working days per month are not kept: P6 gives each calendar its hours per month, which are written but not read back (a month reads back as 20 days)", d)
	}
	if s := p.Settings; p.Calendar == "" && (cmp.Or(s.MinutesPerDay, 480) != 480 || cmp.Or(s.MinutesPerWeek, 2400) != 2400) {
		e.warn("PROJECT", "the hours per day and week are kept with the project calendar; the project names none, so P6's 8 and 40 are read back")
	}
	if len(p.Baselines) > 0 {
		e.note("baselines", "PROJECT", "baseline", strconv.Quote(p.Baselines[0].Name), "baselines are not written: P6 keeps a baseline as a project of its own")
		for range p.Baselines[1:] {
			e.note("baselines", "PROJECT", "baseline", "", "")
		}
	}
	if len(p.CustomFields) > 0 {
		e.note("fields", "PROJECT", "custom field", strconv.Quote(p.CustomFields[0].Name), "custom fields and their values are not written: P6's user-defined fields are not carried yet")
		for range p.CustomFields[1:] {
			e.note("fields", "PROJECT", "custom field", "", "")
		}
	}
}

// earliest returns the earliest scheduled start.
func (e *exporter) earliest() (time.Time, bool) {
	var first time.Time
	for _, tr := range e.dates {
		if first.IsZero() || tr.Start.Before(first) {
			first = tr.Start
		}
	}
	return first, !first.IsZero()
}

func (e *exporter) floatHours(d schedule.Duration) string {
	h, _, ok := e.hours(d)
	if !ok {
		return "0"
	}
	return number(h)
}

// calendarID numbers a calendar name (the numbers follow the order names
// are first asked for; calendars writes them all).
func (e *exporter) calendarID(name string) string {
	if name == "" {
		return ""
	}
	if id, ok := e.calID[name]; ok {
		return id
	}
	id := strconv.Itoa(len(e.calID) + 1)
	e.calID[name] = id
	return id
}

// calendars writes every calendar the project defines or names: the
// presets it uses without defining them, as critpath has them. A project
// or task naming no calendar is written with none, which P6 reads as its
// default calendar.
func (e *exporter) calendars() error {
	p := e.p
	byName := map[string]schedule.Calendar{}
	var names []string
	for _, c := range p.Calendars {
		if _, dup := byName[c.Name]; dup {
			return fmt.Errorf("calendar %q is defined twice", c.Name)
		}
		byName[c.Name] = c
		names = append(names, c.Name)
	}
	used := []string{e.p.Calendar}
	for _, t := range p.Tasks {
		used = append(used, t.Calendar)
	}
	resourceOnly := map[string]bool{}
	for _, r := range p.Resources {
		if r.Calendar != "" && !slices.Contains(used, r.Calendar) {
			resourceOnly[r.Calendar] = true
		}
		used = append(used, r.Calendar)
	}
	used = append(used, names...)    // a calendar nothing uses still has its base
	for k := 0; k < len(used); k++ { // bases of the used, too
		name := used[k]
		if name == "" {
			continue
		}
		if _, ok := byName[name]; !ok {
			c, ok := schedule.Preset(name)
			if !ok {
				continue // compile reports it; nothing to write
			}
			byName[name] = c
			names = append(names, name)
		}
		if b := byName[name].Base; b != "" && !slices.Contains(used, b) {
			used = append(used, b)
		}
	}
	first, last := e.span()
	day := float64(e.s.MinutesPerDay) / 60
	for _, name := range names {
		c := byName[name]
		id := e.calendarID(name)
		v := map[string]string{"clndr_id": id, "clndr_name": e.fit("calendar name", name, 255), "base_clndr_id": e.calendarID(c.Base),
			"day_hr_cnt": e.periodHours(day, 24), "week_hr_cnt": e.periodHours(float64(e.s.MinutesPerWeek)/60, 168),
			"month_hr_cnt": e.periodHours(day*float64(e.s.DaysPerMonth), 744), "year_hr_cnt": e.periodHours(day*float64(e.s.DaysPerMonth)*12, 8784),
			"clndr_data": e.clndrData(c, byName, first, last)}
		if name == e.p.Calendar {
			v["default_flag"] = "Y"
		}
		if resourceOnly[name] {
			v["clndr_type"] = "CA_Rsrc"
		}
		e.add("CALENDAR", v)
	}
	return nil
}

// span returns the years a yearly exception is written for: from a year
// before the project to ten after its finish.
func (e *exporter) span() (first, last int) {
	start := e.p.Start
	if t, ok := e.earliest(); ok && (start.IsZero() || t.Before(start)) {
		start = t
	}
	if start.IsZero() {
		start = cmp.Or(e.p.StatusDate, e.finish)
	}
	end := cmp.Or(e.finish, start)
	if end.Before(start) {
		end = start
	}
	return start.Year() - 1, end.Year() + 10
}

// maxExceptionDays bounds the days a calendar's exceptions are written
// out to; maxDayNumber is the last day P6's readers take (2447).
const (
	maxExceptionDays = 50_000
	maxDayNumber     = 200_000
)

// clndrData writes a calendar's week and exceptions as P6's structured
// text. A weekday the calendar leaves to its base is written as the
// base's; exceptions are written day by day (P6 has no ranges and no
// yearly holidays: those are written for the years around the project).
func (e *exporter) clndrData(c schedule.Calendar, byName map[string]schedule.Calendar, first, last int) string {
	var b strings.Builder
	b.WriteString("(0||CalendarData()(")
	times := func(ivs []schedule.Interval) {
		for k, iv := range ivs {
			fmt.Fprintf(&b, "(0||%d(s|%02d:%02d|f|%02d:%02d)())", k, iv.Start/60, iv.Start%60, iv.End/60%24, iv.End%60)
		}
	}
	if len(c.Week) > 0 || c.Base == "" {
		b.WriteString("(0||DaysOfWeek()(")
		for d := time.Sunday; d <= time.Saturday; d++ {
			fmt.Fprintf(&b, "(0||%d()(", int(d)+1)
			times(weekday(c, d, byName))
			b.WriteString("))")
		}
		b.WriteString("))")
	}
	type day struct {
		n       int
		working []schedule.Interval
	}
	var days []day
	seen := map[int]int{} // day number → index in days
	dated := map[int]bool{}
	full := false
	// put sets a day: a dated exception replaces anything before it, a
	// yearly one only another yearly one (as the scheduler reads them).
	put := func(d time.Time, working []schedule.Interval, yearly bool) {
		n := DayNumber(d)
		if n < 0 || n > maxDayNumber {
			e.note("day range", "CALENDAR", "exception day", fmt.Sprintf("%s in %q", d.Format(time.DateOnly), c.Name), "exceptions before 1900 or after 2447 are left out (P6's day numbers)")
			return
		}
		if k, ok := seen[n]; ok {
			if !yearly || !dated[n] {
				days[k].working = working
				dated[n] = dated[n] || !yearly
			}
			return
		}
		if len(days) >= maxExceptionDays {
			full = true
			e.note("exceptions", "CALENDAR", "calendar", strconv.Quote(c.Name), "exceptions beyond %d days are left out", maxExceptionDays)
			return
		}
		seen[n], dated[n] = len(days), !yearly
		days = append(days, day{n, working})
	}
	date := func(d schedule.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
	for _, x := range c.Exceptions {
		if x.Name != "" {
			e.note("exception names", "CALENDAR", "exception", fmt.Sprintf("%q of %q", x.Name, c.Name), "exceptions' names are not written: P6's exceptions are days without names")
		}
	}
	// Dated exceptions first (the later of two wins), then yearly ones.
	for _, yearly := range []bool{false, true} {
		for _, x := range c.Exceptions {
			if x.Yearly != yearly || full {
				continue
			}
			from, to := date(x.From), date(x.From)
			if !x.To.IsZero() {
				to = date(x.To)
			}
			if to.Sub(from) > maxExceptionDays*24*time.Hour {
				to = from.AddDate(0, 0, maxExceptionDays)
			}
			if !yearly {
				for d := from; !d.After(to) && !full; d = d.AddDate(0, 0, 1) {
					put(d, x.Working, false)
				}
				continue
			}
			e.note("yearly", "CALENDAR", "yearly exception", fmt.Sprintf("%q of %q", x.Name, c.Name), "yearly exceptions are written for each year from the year before the project to ten years after its finish, %d to %d: P6 has no yearly exceptions", first, last)
			for y := max(first, x.From.Year); y <= last && !full; y++ {
				for d := from; !d.After(to) && !full; d = d.AddDate(0, 0, 1) {
					// The same month and day in year y; a Feb 29 only in leap years.
					at := time.Date(d.Year()+y-x.From.Year, d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
					if at.Day() == d.Day() {
						put(at, x.Working, true)
					}
				}
			}
		}
	}
	if len(days) > 0 {
		b.WriteString("(0||Exceptions()(")
		for k, d := range days {
			fmt.Fprintf(&b, "(0||%d(d|%d)(", k, d.n)
			times(d.working)
			b.WriteString("))")
		}
		b.WriteString("))")
	}
	b.WriteString("))")
	return b.String()
}

// weekday returns a calendar's working time on a weekday, looking through
// its bases.
func weekday(c schedule.Calendar, d time.Weekday, byName map[string]schedule.Calendar) []schedule.Interval {
	for range len(byName) + 1 {
		if ivs, ok := c.Week[d]; ok {
			return ivs
		}
		base, ok := byName[c.Base]
		if !ok {
			return nil
		}
		c = base
	}
	return nil
}

// options writes the project's scheduling options.
func (e *exporter) options() {
	o := e.p.Options
	v := map[string]string{"schedoptions_id": "1", "proj_id": projID}
	v["sched_calendar_on_relationship_lag"] = map[schedule.LagCalendar]string{schedule.LagSuccessor: "rcal_Successor",
		schedule.LagPredecessor: "rcal_Predecessor", schedule.Lag24Hours: "rcal_24Hour", schedule.LagProject: "rcal_ProjDefault"}[o.LagCalendar]
	switch o.Progress {
	case schedule.ActualDates:
		v["sched_retained_logic"] = "N"
	case schedule.ProgressOverride:
		v["sched_retained_logic"], v["sched_progress_override"] = "N", "Y"
	}
	v["sched_float_type"] = map[schedule.FloatKind]string{schedule.FinishFloat: "FT_FF", schedule.StartFloat: "FT_SF", schedule.SmallestFloat: "FT_MF"}[o.TotalFloat]
	e.add("SCHEDOPTIONS", v)
	p6 := schedule.P6Options()
	for _, r := range []struct {
		differs bool
		text    string
	}{
		{o.Constraints != p6.Constraints, "the project's constraint rule is not P6's: P6 makes only its mandatory start and finish (MSO, MFO) override links, and start and finish no later than (SNLT, FNLT) bound the late dates alone"},
		{o.SummaryFloat != p6.SummaryFloat, "summary float from the rolled-up dates is not P6's: P6 shows a WBS node's float as the least of its activities'"},
		{o.ALAP != p6.ALAP, "as-late-as-possible tasks placed at their late dates are not P6's: P6 places them as late as their free float allows"},
		{o.LateDates != p6.LateDates, "late dates from the links alone are not P6's: P6 bounds every late finish by the project's finish"},
		{o.CrossCalendar != p6.CrossCalendar, "links between tasks on other calendars read strictly as wall-clock moments are not P6's: P6 takes the end of one working period as the start of the next"},
		{o.FloatCalendar != p6.FloatCalendar, "float counted on the task's own calendar is not P6's: P6 counts a resource-dependent activity's float on the calendar it is scheduled on"},
	} {
		if r.differs {
			e.warn("SCHEDOPTIONS", "%s; P6 will use its own", r.text)
		}
	}
}

// wbs writes the project's node and a node for each summary task. A
// summary's short name is its ID less its parent's ("WBS A.1.2" under
// "WBS A.1" is "2"), so WBS read from P6 comes back as it was.
func (e *exporter) wbs() {
	p := e.p
	e.add("PROJWBS", map[string]string{"wbs_id": "1", "proj_id": projID, "seq_num": "0", "proj_node_flag": "Y",
		"wbs_short_name": e.short, "wbs_name": cut(cmp.Or(p.Name, "critpath"), 100)}) // (the project's node is not read back)
	siblings := map[string]map[string]bool{} // WBS codes by parent wbs_id
	for _, k := range e.order {
		t := &p.Tasks[k]
		if !e.summary[t.ID] {
			continue
		}
		id := strconv.Itoa(len(e.wbsID) + 2)
		e.wbsID[t.ID] = id
		short := strings.TrimPrefix(t.ID, "WBS ")
		if t.Parent != "" {
			up := strings.TrimPrefix(t.Parent, "WBS ") + "."
			if rest, ok := strings.CutPrefix(short, up); ok && rest != "" {
				short = rest
			}
		}
		parent := cmp.Or(e.wbsID[t.Parent], "1")
		if siblings[parent] == nil {
			siblings[parent] = map[string]bool{}
		}
		code := e.unique(siblings[parent], "WBS code", short, 40)
		e.add("PROJWBS", map[string]string{"wbs_id": id, "proj_id": projID, "seq_num": strconv.Itoa(k + 1),
			"wbs_short_name": code, "wbs_name": e.fit("WBS name", t.Name, 100), "parent_wbs_id": parent})
		// A WBS node reads back as "WBS " and the path of codes from the top.
		path := code
		if up, ok := e.wbsPath[t.Parent]; ok {
			path = strings.TrimPrefix(up, "WBS ") + "." + code
		}
		if e.wbsPath == nil {
			e.wbsPath = map[string]string{}
		}
		e.wbsPath[t.ID] = "WBS " + path
		if e.wbsPath[t.ID] != t.ID {
			e.note("wbs id", "PROJWBS", "summary task", fmt.Sprintf("%s → %s", t.ID, e.wbsPath[t.ID]), "summary tasks are written as WBS nodes, which read back with the ID \"WBS\" and their path of WBS codes")
		}
		e.summaryLosses(t)
	}
}

// summaryLosses reports what a summary task holds that a WBS node does
// not: each kind of value once.
func (e *exporter) summaryLosses(t *schedule.Task) {
	for _, l := range []struct {
		has  bool
		what string
	}{
		{t.Constraint.Type != schedule.ASAP, "constraints"},
		{!t.Deadline.IsZero(), "deadlines"},
		{t.LevelingPriority() != schedule.DefaultPriority, "priorities"},
		{t.Calendar != "", "calendars"},
		{t.Notes != "", "notes"},
		{t.Manual, "manual scheduling"},
		{!t.ActualStart.IsZero() || !t.ActualFinish.IsZero() || t.PercentComplete != 0, "progress"},
		{t.Type != schedule.FixedUnits || t.EffortDriven || !t.Work.IsZero(), "task types, effort-driven flags and work"},
		{t.FixedCost != 0 || t.ActualCost != nil, "fixed and actual costs"},
		{len(t.Splits) > 0 || t.NoSplit, "splits"},
		{t.Crash != nil, "crash points"},
	} {
		if l.has {
			e.note("summary "+l.what, "PROJWBS", "summary task", t.ID, "summary tasks' %s are left out: a WBS node has none", l.what)
		}
	}
}

// resources writes the resources, each with its limit and standard rate.
func (e *exporter) resources() error {
	e.rsrcID = map[string]string{}
	used := map[string]bool{} // resources some activity uses
	for _, a := range e.p.Assignments {
		if k, ok := e.index[a.Task]; ok && !e.summary[e.p.Tasks[k].ID] {
			used[a.Resource] = true
		}
	}
	for k, r := range e.p.Resources {
		if _, dup := e.rsrcID[r.ID]; dup {
			return fmt.Errorf("resource %q is defined twice", r.ID)
		}
		id := strconv.Itoa(k + 1)
		e.rsrcID[r.ID] = id
		typ := "RT_Labor"
		switch r.Type {
		case schedule.MaterialResource:
			typ = "RT_Mat"
		case schedule.CostResource:
			typ = "RT_Equip"
		}
		units := r.MaxUnits
		if units == 0 && r.Type == schedule.WorkResource {
			units = 1
		}
		if used[r.ID] {
			e.resourceLosses(r)
		} else { // none of it is read back
			e.note("unused resource", "RSRC", "resource", r.ID, "resources no activity uses are written to P6's resource dictionary, but a project read from P6 holds only the resources its activities use")
		}
		e.add("RSRC", map[string]string{"rsrc_id": id, "clndr_id": e.calID[r.Calendar], "rsrc_seq_num": strconv.Itoa(k + 1),
			"rsrc_name": e.fit("resource name", cmp.Or(r.Name, r.ID), 255), "rsrc_short_name": e.fit("resource ID", r.ID, 255), "def_qty_per_hr": number(max(units, 1)), "rsrc_type": typ})
		if r.MaxUnits != 0 || r.StandardRate != 0 { // P6's rates from its first day
			limit := "" // none: a material's or cost's without a limit
			if units != 0 {
				limit = number(units)
			}
			e.add("RSRCRATE", map[string]string{"rsrc_rate_id": id, "rsrc_id": id, "max_qty_per_hr": limit,
				"cost_per_qty": number(r.StandardRate), "start_date": "1984-01-01 00:00"})
		}
	}
	return nil
}

// resourceLosses reports what a resource holds that P6 does not.
func (e *exporter) resourceLosses(r schedule.Resource) {
	for _, l := range []struct {
		has       bool
		key, text string
	}{
		{r.Type == schedule.CostResource, "cost", "cost resources are written as nonlabor resources, read back as work resources: P6 has no cost resources"},
		{r.OvertimeRate != 0, "overtime", "overtime rates are not written: P6 has an overtime factor, not carried yet"},
		{r.CostPerUse != 0, "cost per use", "costs per use are not written: P6 has none"},
		{r.Group != "", "group", "resource groups are not written: P6's roles are not carried yet"},
	} {
		if l.has {
			e.note(l.key, "RSRC", "resource", r.ID, "%s", l.text)
		}
	}
}

// priorityType maps critpath's priority (Task.LevelingPriority: 0–1000,
// 500 normal) to P6's five levels; readPriority maps them back, the
// lowest to 0, Microsoft Project's lowest too. P6 levels every activity,
// so 1000 (never delay) reads back as the top level's 900.
func priorityType(p int) string {
	switch {
	case p >= 800:
		return "PT_Top"
	case p >= 600:
		return "PT_High"
	case p >= 400:
		return "PT_Normal"
	case p >= 200:
		return "PT_Low"
	}
	return "PT_Lowest"
}

var readPriority = map[string]int{"PT_Top": 900, "PT_High": 700, "PT_Normal": 500, "PT_Low": 300, "PT_Lowest": 0}

// writeConstraint is the P6 code of each constraint: Must Start and Must
// Finish On are P6's mandatory ones.
var writeConstraint = map[schedule.ConstraintType]string{schedule.SNET: "CS_MSOA", schedule.SNLT: "CS_MSOB", schedule.FNET: "CS_MEOA",
	schedule.FNLT: "CS_MEOB", schedule.MSO: "CS_MANDSTART", schedule.MFO: "CS_MANDFIN", schedule.ALAP: "CS_ALAP"}

// tasks writes the activities: every task with no subtasks, in the
// project's order.
func (e *exporter) tasks() {
	p := e.p
	for k := range p.Tasks {
		t := &p.Tasks[k]
		if e.summary[t.ID] {
			continue
		}
		id := strconv.Itoa(len(e.taskID) + 1)
		e.taskID[t.ID] = id
		dur, elapsed, ok := e.hours(t.Duration)
		switch {
		case !ok:
			e.note("not time", "TASK", "activity", fmt.Sprintf("%s: %v", t.ID, t.Duration), "durations that are not a length of time are written as 0")
		case elapsed:
			e.note("elapsed", "TASK", "activity", fmt.Sprintf("%s: %v → %sh", t.ID, t.Duration, number(dur)), "elapsed durations are written as as many working hours: P6 has no elapsed time")
		default:
			e.inHours("activity", t.ID, t.Duration)
		}
		v := map[string]string{"task_id": id, "proj_id": projID, "wbs_id": cmp.Or(e.wbsID[t.Parent], "1"),
			"clndr_id": e.calID[t.Calendar], "task_code": e.code(t.ID), "task_name": e.fit("activity name", t.Name, 120),
			"target_drtn_hr_cnt": number(dur), "remain_drtn_hr_cnt": number(dur), "priority_type": priorityType(t.LevelingPriority())}
		switch {
		case dur == 0 && t.StartMilestone:
			v["task_type"] = "TT_Mile"
		case dur == 0:
			v["task_type"] = "TT_FinMile"
		case !t.IgnoreResourceCalendars:
			v["task_type"] = "TT_Rsrc"
		}
		if c := t.Constraint; c.Type != schedule.ASAP {
			v["cstr_type"] = writeConstraint[c.Type]
			v["cstr_date"] = stamp(c.Date)
		}
		if !t.Deadline.IsZero() {
			v["cstr_type2"], v["cstr_date2"] = "CS_MEOB", stamp(t.Deadline)
		}
		e.activityLosses(t)
		tr, scheduled := e.dates[t.ID]
		if scheduled {
			v["early_start_date"], v["early_end_date"] = stamp(tr.EarlyStart), stamp(tr.EarlyFinish)
			v["late_start_date"], v["late_end_date"] = stamp(tr.LateStart), stamp(tr.LateFinish)
			v["restart_date"], v["reend_date"] = stamp(tr.EarlyStart), stamp(tr.EarlyFinish)
			v["rem_late_start_date"], v["rem_late_end_date"] = stamp(tr.LateStart), stamp(tr.LateFinish)
			v["target_start_date"], v["target_end_date"] = stamp(tr.Start), stamp(tr.Finish)
			v["total_float_hr_cnt"], v["free_float_hr_cnt"] = number(float64(tr.TotalFloat)/60), number(float64(tr.FreeFloat)/60)
			if tr.Critical {
				v["driving_path_flag"] = "Y"
			}
		}
		e.progress(t, tr, scheduled, dur, v)
		e.add("TASK", v)
	}
}

// inHours reports a duration in another unit than hours: P6 has hours
// only, and so do the projects read from it.
func (e *exporter) inHours(noun, id string, d schedule.Duration) {
	if d.Unit == schedule.Hour || d.IsZero() || d.Unit == schedule.Percent {
		return
	}
	h, _, _ := e.hours(d)
	e.note("hours", "TASK", noun, fmt.Sprintf("%s: %v → %sh", id, d, number(h)), "durations are written in hours, P6's unit, and read back in hours")
}

// activityLosses reports what an activity holds that P6 does not, or
// holds otherwise.
func (e *exporter) activityLosses(t *schedule.Task) {
	if p := t.LevelingPriority(); readPriority[priorityType(p)] != p {
		level := priorityType(p)
		e.note("priority", "TASK", "activity", fmt.Sprintf("%s: %d → %s", t.ID, p, strings.TrimPrefix(level, "PT_")), "priorities are written as the nearest of P6's five levels, read back as 0, 300, 500, 700 or 900; 1000, never delayed by leveling, becomes Top, which P6 levels")
	}
	for _, l := range []struct {
		has       bool
		key, text string
	}{
		{t.Manual, "manual", "manually scheduled tasks are written as scheduled ones, their own start left out: P6 has no manual scheduling"},
		{len(t.Splits) > 0, "splits", "splits are left out: P6 has none"},
		{t.NoSplit, "no split", "no-split flags (leveling may not split the task) are left out: P6 has none"},
		{t.Notes != "", "notes", "notes are not written: P6's notebook topics are not carried yet"},
		{t.Type != schedule.FixedUnits, "task type", "task types are not kept: every activity is written as P6's fixed duration and units, read back as fixed units"},
		{t.EffortDriven, "effort driven", "effort-driven flags are not written: P6 has none"},
		{!t.Work.IsZero(), "work", "tasks' own work is not written: P6 keeps work on the assignments"},
		{t.FixedCost != 0, "fixed cost", "fixed costs are not written: P6's expenses are not carried yet"},
		{t.ActualCost != nil, "actual cost", "actual costs are not written: P6 works them out from the assignments"},
		{t.Crash != nil, "crash", "crash durations and costs (for time–cost trade-offs) are not written: P6 has none"},
	} {
		if l.has {
			e.note(l.key, "TASK", "activity", t.ID, "%s", l.text)
		}
	}
}

// progress writes an activity's status: complete when it has an actual
// finish, in progress when it has an actual start or some progress, its
// remaining duration given or worked out from the percent complete. One
// done but with no actual finish is in progress with nothing left, which
// P6 ends at the data date.
func (e *exporter) progress(t *schedule.Task, tr schedule.TaskResult, scheduled bool, dur float64, v map[string]string) {
	started := !t.ActualStart.IsZero() || !t.ActualFinish.IsZero() || t.PercentComplete > 0
	if !started {
		return
	}
	v["phys_complete_pct"] = number(t.PercentComplete)
	as := t.ActualStart
	if as.IsZero() && scheduled {
		as = tr.Start
		e.note("no actual start", "TASK", "activity", fmt.Sprintf("%s: %s", t.ID, stamp(as)), "progress without an actual start is written with the scheduled start as the actual start: P6 needs one")
	}
	v["act_start_date"], v["restart_date"] = stamp(as), ""
	if !t.ActualFinish.IsZero() {
		v["status_code"], v["act_end_date"], v["remain_drtn_hr_cnt"], v["reend_date"] = "TK_Complete", stamp(t.ActualFinish), "0", ""
		v["phys_complete_pct"] = "100"
		v["total_float_hr_cnt"], v["free_float_hr_cnt"] = "", ""
		if t.PercentComplete != 100 {
			e.note("complete", "TASK", "activity", fmt.Sprintf("%s: %v%%", t.ID, t.PercentComplete), "tasks with an actual finish are written complete, 100%%")
		}
		return
	}
	v["status_code"] = "TK_Active"
	rem := dur * (1 - t.PercentComplete/100)
	if t.Remaining != nil {
		if h, elapsed, ok := e.hours(*t.Remaining); ok {
			rem = h
			if elapsed {
				e.note("elapsed", "TASK", "activity", fmt.Sprintf("%s: %v → %sh", t.ID, *t.Remaining, number(h)), "elapsed durations are written as as many working hours: P6 has no elapsed time")
			} else {
				e.inHours("activity", t.ID, *t.Remaining)
			}
		}
	}
	v["remain_drtn_hr_cnt"] = number(rem)
	// P6 keeps the remaining duration and works the percent out from it.
	if pc := max(0, min(100, 100*(dur-rem)/dur)); dur > 0 && math.Abs(pc-t.PercentComplete) > 1e-6 {
		e.note("percent", "TASK", "activity", fmt.Sprintf("%s: %v%% → %s%%", t.ID, t.PercentComplete, number(math.Round(pc*100)/100)),
			"percent complete is read back from the remaining duration, as P6 works it out, where the two disagree")
	}
}

// links writes the relationships between activities. A link to or from a
// summary task is left out (a WBS node has none); a percent lag becomes
// that share of the predecessor's duration.
func (e *exporter) links() error {
	p := e.p
	n := 0
	type key struct {
		pred, succ string
		typ        schedule.LinkType
	}
	seen := map[key]bool{}
	for _, l := range p.Links {
		if k := (key{l.Pred, l.Succ, l.Type}); seen[k] {
			e.note("second link", "TASKPRED", "link", fmt.Sprintf("%s→%s %v", l.Pred, l.Succ, l.Type), "a second link of one type between two tasks is left out")
			continue
		} else {
			seen[k] = true
		}
		pred, ok1 := e.taskID[l.Pred]
		succ, ok2 := e.taskID[l.Succ]
		if !ok1 || !ok2 {
			for _, id := range []string{l.Pred, l.Succ} {
				if _, ok := e.index[id]; !ok {
					return fmt.Errorf("link %s→%s: no such task %q", l.Pred, l.Succ, id)
				}
			}
			e.note("summary link", "TASKPRED", "link", fmt.Sprintf("%s→%s %v", l.Pred, l.Succ, l.Type), "links to and from summary tasks are left out: a WBS node has no relationships")
			continue
		}
		lag, elapsed, ok := e.hours(l.Lag)
		name := fmt.Sprintf("%s→%s %v", l.Pred, l.Succ, l.Type)
		switch {
		case !ok: // a percent of the predecessor's duration
			d, _, _ := e.hours(p.Tasks[e.index[l.Pred]].Duration)
			lag = d * l.Lag.Amount / 100
			e.note("percent lag", "TASKPRED", "link", fmt.Sprintf("%s: %v → %sh", name, l.Lag, number(lag)), "percent lags are written as that share of the predecessor's duration, in hours: P6 has no percent lags")
		case elapsed:
			e.note("elapsed lag", "TASKPRED", "link", fmt.Sprintf("%s: %v → %sh", name, l.Lag, number(lag)), "elapsed lags are written as as many working hours: P6 has no elapsed time")
		case l.Lag.Unit != schedule.Hour && !l.Lag.IsZero():
			e.note("lag hours", "TASKPRED", "link", fmt.Sprintf("%s: %v → %sh", name, l.Lag, number(lag)), "lags are written in hours, P6's unit, and read back in hours")
		}
		if math.Abs(lag) > maxHours {
			return fmt.Errorf("link %v: lag %v, %sh of its predecessor: %w (P6 holds up to %s hours)", &l, l.Lag, number(lag), schedule.ErrBadValue, number(maxHours))
		}
		if !l.Overlap.IsZero() || l.ReworkCost != 0 {
			e.note("overlap", "TASKPRED", "link", name, "fast-tracking overlaps and rework costs are not written: P6 has none")
		}
		n++
		e.add("TASKPRED", map[string]string{"task_pred_id": strconv.Itoa(n), "task_id": succ, "pred_task_id": pred,
			"proj_id": projID, "pred_proj_id": projID, "pred_type": "PR_" + l.Type.String(), "lag_hr_cnt": number(lag)})
	}
	return nil
}

// assignments writes the resource assignments of activities.
func (e *exporter) assignments() {
	p := e.p
	res := map[string]schedule.Resource{}
	for _, r := range p.Resources {
		res[r.ID] = r
	}
	n := 0
	for _, a := range p.Assignments {
		task, ok1 := e.taskID[a.Task]
		rsrc, ok2 := e.rsrcID[a.Resource]
		if !ok1 || !ok2 {
			e.note("summary assignment", "TASKRSRC", "assignment", fmt.Sprintf("%s on %s", a.Resource, a.Task), "assignments to summary tasks are left out: a WBS node has none")
			continue
		}
		t := &p.Tasks[e.index[a.Task]]
		dur, _, _ := e.hours(t.Duration)
		work := dur * a.Units
		if w, _, ok := e.hours(a.Work); ok && !a.Work.IsZero() {
			work = w
			if math.Abs(w-dur*a.Units) > 1.0/120 {
				e.note("assignment work", "TASKRSRC", "assignment", fmt.Sprintf("%s on %s: %v", a.Resource, a.Task, a.Work), "assignments' work is written as their planned units, but a project read from P6 takes its assignments' units per hour, and their work as the duration × units")
			}
		}
		remain := work * (1 - t.PercentComplete/100)
		r := res[a.Resource]
		typ := map[schedule.ResourceType]string{schedule.WorkResource: "RT_Labor", schedule.MaterialResource: "RT_Mat", schedule.CostResource: "RT_Equip"}[r.Type]
		n++
		v := map[string]string{"taskrsrc_id": strconv.Itoa(n), "task_id": task, "proj_id": projID, "rsrc_id": rsrc,
			"remain_qty": number(remain), "target_qty": number(work), "remain_qty_per_hr": number(a.Units), "target_qty_per_hr": number(a.Units),
			"cost_per_qty": number(r.StandardRate), "target_cost": number(work * r.StandardRate), "remain_cost": number(remain * r.StandardRate), "rsrc_type": typ}
		if tr, ok := e.dates[a.Task]; ok {
			v["target_start_date"], v["target_end_date"] = stamp(tr.Start), stamp(tr.Finish)
		}
		e.add("TASKRSRC", v)
	}
}
