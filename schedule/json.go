package schedule

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The JSON encoding of a project. It is stable: fields are only ever added.
// Every field but "start" and "tasks" may be left out.
//
//	{
//	  "name": "Dhaka Tower",
//	  "start": "2027-01-03T08:00:00+06:00",
//	  "finish_by": "2028-12-31T17:00:00+06:00",
//	  "status_date": "2027-03-04T17:00:00+06:00",
//	  "time_zone": "Asia/Dhaka",
//	  "calendar": "Dhaka",
//	  "settings": {"minutes_per_day": 480, "minutes_per_week": 2400, "days_per_month": 20},
//	  "options": {"profile": "p6", "total_float": "smallest", "lag_calendar": "successor",
//	              "critical_float": "0d", "constraints": "honor", "summary_float": "rolled-up",
//	              "progress": "actual-dates"},
//	  "calendars": [{
//	    "name": "Dhaka", "base": "Sunday-Thursday",
//	    "week": {"saturday": ["09:00-13:00"]},
//	    "exceptions": [{"name": "Victory Day", "from": "2027-12-16", "yearly": true},
//	                   {"name": "Eid", "from": "2027-03-08", "to": "2027-03-12"}]
//	  }],
//	  "tasks": [
//	    {"id": "P", "name": "Piling"},
//	    {"id": "P1", "name": "Bored piles", "parent": "P", "duration": "20d",
//	     "constraint": {"type": "SNET", "date": "2027-02-01"},
//	     "deadline": "2027-04-30", "priority": 700, "calendar": "Night Shift", "notes": "…"},
//	    {"id": "P2", "name": "Pile caps", "parent": "P", "duration": "8d",
//	     "manual": true, "start": "2027-03-01T08:00:00+06:00",
//	     "actual_start": "2027-03-01T08:00:00+06:00", "percent_complete": 40, "remaining": "5d",
//	     "actual_cost": 52000},
//	    {"id": "P3", "name": "Pile tests", "parent": "P", "type": "fixed_work",
//	     "effort_driven": true, "work": "96h", "ignore_resource_calendars": false,
//	     "fixed_cost": 45000}
//	  ],
//	  "links": [{"from": "P1", "to": "P2", "type": "SS", "lag": "50%"}],
//	  "resources": [{"id": "crew", "name": "Piling crew", "type": "work", "max_units": 2,
//	                 "calendar": "Dhaka", "standard_rate": 1200, "group": "piling"}],
//	  "assignments": [{"task": "P1", "resource": "crew", "units": 1},
//	                  {"task": "P3", "resource": "crew", "units": 0.5, "work": "96h"}],
//	  "baselines": [{"name": "Baseline", "tasks": [
//	    {"id": "P1", "start": "2027-02-01T08:00:00+06:00", "finish": "2027-02-28T17:00:00+06:00",
//	     "duration": "20d", "work": "160h", "cost": 192000}]}]
//	}
//
// A project scheduled backward sets "from_finish": true and "finish" (then
// "start" may be left out). Progress is reported to "status_date". "profile" ("msproject" or "p6") sets every
// option to that tool's default before the other option fields apply; the
// encoder writes the options out one by one.
//
// Dates are RFC 3339. A date written without an offset is read in the
// project's time zone ("time_zone", an IANA name; without it, the offset of
// "start"); a bare day such as "2027-02-01" means the start of that day for
// "start", start constraints and actual starts, and its end for
// "finish_by", "finish", "status_date", deadlines, finish constraints and
// actual finishes. The encoder always writes full RFC 3339 in the
// project's zone. Durations and lags are written as users write them:
// "5d", "1.5h", "30m", "2w", "1mo", elapsed "2ed", and for lags "50%". A
// missing duration is zero (a milestone), a missing link type FS, a
// missing priority 500 (DefaultPriority); "priority": 0 is the lowest
// (LowestPriority in Task.Priority). Unknown fields are errors.

type projectJSON struct {
	Name        string           `json:"name,omitempty"`
	Start       string           `json:"start"`
	FinishBy    string           `json:"finish_by,omitempty"`
	FromFinish  bool             `json:"from_finish,omitempty"`
	Finish      string           `json:"finish,omitempty"`
	StatusDate  string           `json:"status_date,omitempty"`
	TimeZone    string           `json:"time_zone,omitempty"`
	Calendar    string           `json:"calendar,omitempty"`
	Settings    *settingsJSON    `json:"settings,omitempty"`
	Options     *optionsJSON     `json:"options,omitempty"`
	Calendars   []calendarJSON   `json:"calendars,omitempty"`
	Tasks       []taskJSON       `json:"tasks"`
	Links       []linkJSON       `json:"links,omitempty"`
	Resources   []resourceJSON   `json:"resources,omitempty"`
	Assignments []assignmentJSON `json:"assignments,omitempty"`
	Baselines   []baselineJSON   `json:"baselines,omitempty"`
	Fields      []fieldJSON      `json:"custom_fields,omitempty"`
}

type fieldJSON struct {
	Name     string `json:"name"`
	Alias    string `json:"alias,omitempty"`
	ID       string `json:"id,omitempty"`
	Resource bool   `json:"resource,omitempty"`
}

type baselineJSON struct {
	Name  string             `json:"name"`
	Tasks []baselineTaskJSON `json:"tasks"`
}

type baselineTaskJSON struct {
	ID       string  `json:"id"`
	Start    string  `json:"start"`
	Finish   string  `json:"finish"`
	Duration string  `json:"duration,omitempty"`
	Work     string  `json:"work,omitempty"`
	Cost     float64 `json:"cost,omitempty"`
}

type settingsJSON struct {
	MinutesPerDay  int `json:"minutes_per_day,omitempty"`
	MinutesPerWeek int `json:"minutes_per_week,omitempty"`
	DaysPerMonth   int `json:"days_per_month,omitempty"`
}

type optionsJSON struct {
	Profile       string             `json:"profile,omitempty"`
	TotalFloat    *FloatKind         `json:"total_float,omitempty"`
	LagCalendar   *LagCalendar       `json:"lag_calendar,omitempty"`
	CriticalFloat string             `json:"critical_float,omitempty"`
	Constraints   *ConstraintMode    `json:"constraints,omitempty"`
	SummaryFloat  *SummaryFloatKind  `json:"summary_float,omitempty"`
	Progress      *ProgressMode      `json:"progress,omitempty"`
	ALAP          *ALAPMode          `json:"alap,omitempty"`
	LateDates     *LateDatesMode     `json:"late_dates,omitempty"`
	CrossCalendar *CrossCalendarMode `json:"cross_calendar,omitempty"`
	FloatCalendar *FloatCalendarMode `json:"float_calendar,omitempty"`
}

type calendarJSON struct {
	Name       string                `json:"name"`
	Base       string                `json:"base,omitempty"`
	Week       map[string][]Interval `json:"week,omitempty"`
	Exceptions []exceptionJSON       `json:"exceptions,omitempty"`
}

type exceptionJSON struct {
	Name    string     `json:"name,omitempty"`
	From    Date       `json:"from"`
	To      *Date      `json:"to,omitempty"`
	Working []Interval `json:"working,omitempty"`
	Yearly  bool       `json:"yearly,omitempty"`
}

type taskJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name,omitempty"`
	Parent     string            `json:"parent,omitempty"`
	Duration   string            `json:"duration,omitempty"`
	Constraint *constraintJSON   `json:"constraint,omitempty"`
	Deadline   string            `json:"deadline,omitempty"`
	Priority   *int              `json:"priority,omitempty"`
	Calendar   string            `json:"calendar,omitempty"`
	Manual     bool              `json:"manual,omitempty"`
	Start      string            `json:"start,omitempty"`
	Notes      string            `json:"notes,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
	StartMS    bool              `json:"start_milestone,omitempty"`
	// Progress.
	ActualStart     string  `json:"actual_start,omitempty"`
	ActualFinish    string  `json:"actual_finish,omitempty"`
	PercentComplete float64 `json:"percent_complete,omitempty"`
	Remaining       string  `json:"remaining,omitempty"`
	// Work.
	Type                    TaskType    `json:"type,omitempty"`
	EffortDriven            bool        `json:"effort_driven,omitempty"`
	Work                    string      `json:"work,omitempty"`
	IgnoreResourceCalendars bool        `json:"ignore_resource_calendars,omitempty"`
	FixedCost               float64     `json:"fixed_cost,omitempty"`
	ActualCost              *float64    `json:"actual_cost,omitempty"`
	Splits                  []splitJSON `json:"splits,omitempty"`
	NoSplit                 bool        `json:"no_split,omitempty"`
	Crash                   *crashJSON  `json:"crash,omitempty"`
}

type crashJSON struct {
	Duration string  `json:"duration"`
	Cost     float64 `json:"cost"`
}

type splitJSON struct {
	At  string `json:"at"`
	Gap string `json:"gap"`
}

type constraintJSON struct {
	Type ConstraintType `json:"type"`
	Date string         `json:"date,omitempty"`
}

type linkJSON struct {
	From       string    `json:"from"`
	To         string    `json:"to"`
	Type       *LinkType `json:"type,omitempty"`
	Lag        string    `json:"lag,omitempty"`
	Overlap    string    `json:"overlap,omitempty"`
	ReworkCost float64   `json:"rework_cost,omitempty"`
}

type resourceJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name,omitempty"`
	Type         ResourceType      `json:"type"`
	MaxUnits     float64           `json:"max_units,omitempty"`
	Calendar     string            `json:"calendar,omitempty"`
	StandardRate float64           `json:"standard_rate,omitempty"`
	OvertimeRate float64           `json:"overtime_rate,omitempty"`
	CostPerUse   float64           `json:"cost_per_use,omitempty"`
	Group        string            `json:"group,omitempty"`
	Fields       map[string]string `json:"fields,omitempty"`
}

type assignmentJSON struct {
	Task     string  `json:"task"`
	Resource string  `json:"resource"`
	Units    float64 `json:"units"`
	Work     string  `json:"work,omitempty"`
}

var weekdayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// ParseError reports JSON that cannot be read: where (line and column,
// counted from 1, of the byte where reading stopped, or the field), and why.
type ParseError struct {
	Line, Column int
	Field        string // e.g. `tasks[3].duration`
	Err          error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("schedule: json")
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d column %d", e.Line, e.Column)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " %s", e.Field)
	}
	fmt.Fprintf(&b, ": %s", strings.TrimPrefix(e.Err.Error(), "schedule: "))
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// maxJSON bounds the size of a project document ReadJSON accepts.
const maxJSON = 1 << 30

// ReadJSON reads a project in the JSON encoding. It fails with a
// *ParseError naming the line and column or the field, and reads at most
// 1 GiB. The project is not checked beyond its encoding; Compile checks it.
func ReadJSON(r io.Reader) (*Project, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("schedule: reading json: %w", err)
	}
	if len(data) > maxJSON {
		return nil, &ParseError{Err: fmt.Errorf("document larger than %d bytes", maxJSON)}
	}
	p := new(Project)
	if err := p.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return p, nil
}

// WriteJSON writes p in the JSON encoding, indented.
func WriteJSON(w io.Writer, p *Project) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// UnmarshalJSON implements json.Unmarshaler with the encoding above.
func (p *Project) UnmarshalJSON(data []byte) error {
	w, err := readProjectJSON(data)
	if err != nil {
		return err
	}
	d := decoder{}
	q, err := d.project(w)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

type decoder struct {
	loc  *time.Location
	errs []error
}

func (d *decoder) fail(field string, err error) {
	if len(d.errs) < maxReported {
		d.errs = append(d.errs, &ParseError{Field: field, Err: err})
	}
}

// date reads an RFC 3339 date, or one without an offset (in the project's
// zone), or a bare day (its start, or its end when end is set). field
// names the value for an error; it is called only then.
func (d *decoder) date(field func() string, s string, end bool) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, d.loc); err == nil {
			return t
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, d.loc); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t
	}
	d.fail(field(), fmt.Errorf("%q is not a date: want RFC 3339, e.g. 2027-01-03T08:00:00+06:00", s))
	return time.Time{}
}

func (d *decoder) duration(field func() string, s string) Duration {
	if s == "" {
		return Duration{}
	}
	v, err := ParseDuration(s)
	if err != nil {
		d.fail(field(), err)
	}
	return v
}

func named(s string) func() string { return func() string { return s } }

func (d *decoder) project(w *projectJSON) (*Project, error) {
	p := &Project{Name: w.Name, Calendar: w.Calendar}
	d.loc = time.UTC
	if w.TimeZone != "" {
		loc, err := time.LoadLocation(w.TimeZone)
		if err != nil {
			return nil, &ParseError{Field: "time_zone", Err: fmt.Errorf("%q: %w", w.TimeZone, err)}
		}
		d.loc, p.Location = loc, loc
	} else if t, err := time.Parse(time.RFC3339, cmp.Or(w.Start, w.Finish)); err == nil {
		d.loc = t.Location()
	}
	if w.Start == "" && !w.FromFinish {
		d.fail("start", errors.New("the project has no start date"))
	}
	p.Start = d.date(named("start"), w.Start, false)
	p.FinishBy = d.date(named("finish_by"), w.FinishBy, true)
	p.FromFinish, p.Finish = w.FromFinish, d.date(named("finish"), w.Finish, true)
	p.StatusDate = d.date(named("status_date"), w.StatusDate, true)
	if p.Location == nil && !p.Start.IsZero() {
		p.Start = p.Start.In(d.loc)
	}
	if s := w.Settings; s != nil {
		p.Settings = Settings{MinutesPerDay: s.MinutesPerDay, MinutesPerWeek: s.MinutesPerWeek, DaysPerMonth: s.DaysPerMonth}
	}
	if o := w.Options; o != nil {
		if o.Profile != "" {
			opts, ok := Profile(o.Profile)
			if !ok {
				d.fail("options.profile", fmt.Errorf("%q: want msproject or p6", o.Profile))
			}
			p.Options = opts
		}
		if o.Constraints != nil {
			p.Options.Constraints = *o.Constraints
		}
		if o.SummaryFloat != nil {
			p.Options.SummaryFloat = *o.SummaryFloat
		}
		if o.Progress != nil {
			p.Options.Progress = *o.Progress
		}
		if o.ALAP != nil {
			p.Options.ALAP = *o.ALAP
		}
		if o.LateDates != nil {
			p.Options.LateDates = *o.LateDates
		}
		if o.CrossCalendar != nil {
			p.Options.CrossCalendar = *o.CrossCalendar
		}
		if o.FloatCalendar != nil {
			p.Options.FloatCalendar = *o.FloatCalendar
		}
		if o.TotalFloat != nil {
			p.Options.TotalFloat = *o.TotalFloat
		}
		if o.LagCalendar != nil {
			p.Options.LagCalendar = *o.LagCalendar
		}
		p.Options.CriticalFloat = d.duration(named("options.critical_float"), o.CriticalFloat)
	}
	for i, c := range w.Calendars {
		cal := Calendar{Name: c.Name, Base: c.Base}
		if c.Week != nil {
			cal.Week = map[time.Weekday][]Interval{}
		}
		for name, ivs := range c.Week {
			found := false
			for wd, n := range weekdayNames {
				if strings.EqualFold(name, n) {
					cal.Week[time.Weekday(wd)] = nonNil(ivs)
					found = true
				}
			}
			if !found {
				d.fail(fmt.Sprintf("calendars[%d].week", i), fmt.Errorf("%q is not a weekday: want sunday … saturday", name))
			}
		}
		for _, e := range c.Exceptions {
			ex := Exception{Name: e.Name, From: e.From, Working: e.Working, Yearly: e.Yearly}
			if e.To != nil {
				ex.To = *e.To
			}
			cal.Exceptions = append(cal.Exceptions, ex)
		}
		p.Calendars = append(p.Calendars, cal)
	}
	p.Tasks = make([]Task, 0, len(w.Tasks))
	for i := range w.Tasks {
		t := &w.Tasks[i]
		task := Task{ID: t.ID, Name: t.Name, Parent: t.Parent, Calendar: t.Calendar, Notes: t.Notes, Manual: t.Manual, Fields: t.Fields, StartMilestone: t.StartMS}
		at := func(f string) func() string {
			return func() string {
				if t.ID != "" {
					return fmt.Sprintf("task %q %s", t.ID, f)
				}
				return fmt.Sprintf("tasks[%d].%s", i, f)
			}
		}
		task.Duration = d.duration(at("duration"), t.Duration)
		task.Deadline = d.date(at("deadline"), t.Deadline, true)
		task.Start = d.date(at("start"), t.Start, false)
		task.ActualStart = d.date(at("actual_start"), t.ActualStart, false)
		task.ActualFinish = d.date(at("actual_finish"), t.ActualFinish, true)
		task.PercentComplete = t.PercentComplete
		task.Type, task.EffortDriven, task.IgnoreResourceCalendars, task.FixedCost, task.ActualCost = t.Type, t.EffortDriven, t.IgnoreResourceCalendars, t.FixedCost, t.ActualCost
		task.Work = d.duration(at("work"), t.Work)
		task.NoSplit = t.NoSplit
		if c := t.Crash; c != nil {
			task.Crash = &Crash{Duration: d.duration(at("crash.duration"), c.Duration), Cost: c.Cost}
		}
		for k, s := range t.Splits {
			task.Splits = append(task.Splits, Split{At: d.duration(at(fmt.Sprintf("splits[%d].at", k)), s.At),
				Gap: d.duration(at(fmt.Sprintf("splits[%d].gap", k)), s.Gap)})
		}
		if t.Remaining != "" {
			task.Remaining = new(d.duration(at("remaining"), t.Remaining))
		}
		if t.Priority != nil {
			if v := *t.Priority; v < 0 || v > 1000 {
				d.fail(at("priority")(), fmt.Errorf("%d: want 0 to 1000", v))
			}
			task.Priority = cmp.Or(*t.Priority, LowestPriority)
		}
		if c := t.Constraint; c != nil {
			task.Constraint.Type = c.Type
			end := c.Type == FNET || c.Type == FNLT || c.Type == MFO
			task.Constraint.Date = d.date(at("constraint.date"), c.Date, end)
		}
		p.Tasks = append(p.Tasks, task)
	}
	p.Links = make([]Link, 0, len(w.Links))
	for i, l := range w.Links {
		link := Link{Pred: l.From, Succ: l.To}
		if l.Type != nil {
			link.Type = *l.Type
		}
		link.Lag = d.duration(func() string { return fmt.Sprintf("links[%d].lag", i) }, l.Lag)
		link.Overlap = d.duration(func() string { return fmt.Sprintf("links[%d].overlap", i) }, l.Overlap)
		link.ReworkCost = l.ReworkCost
		p.Links = append(p.Links, link)
	}
	for _, r := range w.Resources {
		p.Resources = append(p.Resources, Resource{ID: r.ID, Name: r.Name, Type: r.Type, MaxUnits: r.MaxUnits,
			Calendar: r.Calendar, StandardRate: r.StandardRate, OvertimeRate: r.OvertimeRate, CostPerUse: r.CostPerUse, Group: r.Group, Fields: r.Fields})
	}
	for _, f := range w.Fields {
		p.CustomFields = append(p.CustomFields, CustomField{Name: f.Name, Alias: f.Alias, ID: f.ID, Resource: f.Resource})
	}
	for i, a := range w.Assignments {
		work := d.duration(func() string { return fmt.Sprintf("assignments[%d].work", i) }, a.Work)
		p.Assignments = append(p.Assignments, Assignment{Task: a.Task, Resource: a.Resource, Units: a.Units, Work: work})
	}
	for i, b := range w.Baselines {
		bl := Baseline{Name: b.Name, Tasks: make([]BaselineTask, len(b.Tasks))}
		for k, t := range b.Tasks {
			at := func(f string) func() string {
				return func() string { return fmt.Sprintf("baselines[%d].tasks[%d].%s", i, k, f) }
			}
			bl.Tasks[k] = BaselineTask{ID: t.ID, Start: d.date(at("start"), t.Start, false), Finish: d.date(at("finish"), t.Finish, true),
				Duration: d.duration(at("duration"), t.Duration), Work: d.duration(at("work"), t.Work), Cost: t.Cost}
		}
		p.Baselines = append(p.Baselines, bl)
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return p, nil
}

func nonNil(ivs []Interval) []Interval {
	if ivs == nil {
		return []Interval{}
	}
	return ivs
}

// MarshalJSON implements json.Marshaler with the encoding above.
func (p Project) MarshalJSON() ([]byte, error) {
	loc := p.Location
	if loc == nil {
		loc = p.Start.Location()
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	dur := func(d Duration) (string, error) {
		if d.IsZero() && d.Unit == Minute && !d.Elapsed {
			return "", nil
		}
		b, err := d.MarshalText()
		return string(b), err
	}
	w := projectJSON{Name: p.Name, Start: date(p.Start), FinishBy: date(p.FinishBy), Calendar: p.Calendar,
		FromFinish: p.FromFinish, Finish: date(p.Finish), StatusDate: date(p.StatusDate)}
	if p.Location != nil {
		w.TimeZone = p.Location.String()
	}
	if p.Settings != (Settings{}) {
		w.Settings = &settingsJSON{MinutesPerDay: p.Settings.MinutesPerDay, MinutesPerWeek: p.Settings.MinutesPerWeek, DaysPerMonth: p.Settings.DaysPerMonth}
	}
	if p.Options != (Options{}) {
		o := &optionsJSON{}
		if p.Options.TotalFloat != SmallestFloat {
			o.TotalFloat = &p.Options.TotalFloat
		}
		if p.Options.LagCalendar != LagSuccessor {
			o.LagCalendar = &p.Options.LagCalendar
		}
		if p.Options.Constraints != HonorConstraints {
			o.Constraints = &p.Options.Constraints
		}
		if p.Options.SummaryFloat != RolledUpFloat {
			o.SummaryFloat = &p.Options.SummaryFloat
		}
		if p.Options.Progress != ActualDates {
			o.Progress = &p.Options.Progress
		}
		if p.Options.ALAP != ALAPTotalFloat {
			o.ALAP = &p.Options.ALAP
		}
		if p.Options.LateDates != LateCapped {
			o.LateDates = &p.Options.LateDates
		}
		if p.Options.CrossCalendar != CrossStrict {
			o.CrossCalendar = &p.Options.CrossCalendar
		}
		if p.Options.FloatCalendar != FloatTaskCalendar {
			o.FloatCalendar = &p.Options.FloatCalendar
		}
		cf, err := dur(p.Options.CriticalFloat)
		if err != nil {
			return nil, err
		}
		o.CriticalFloat = cf
		w.Options = o
	}
	for _, c := range p.Calendars {
		cj := calendarJSON{Name: c.Name, Base: c.Base}
		if c.Week != nil {
			cj.Week = map[string][]Interval{}
			for wd, ivs := range c.Week {
				if wd < time.Sunday || wd > time.Saturday {
					return nil, fmt.Errorf("schedule: calendar %q: weekday %d", c.Name, wd)
				}
				cj.Week[weekdayNames[wd]] = nonNil(ivs)
			}
		}
		for _, e := range c.Exceptions {
			ej := exceptionJSON{Name: e.Name, From: e.From, Working: e.Working, Yearly: e.Yearly}
			if !e.To.IsZero() {
				ej.To = &e.To
			}
			cj.Exceptions = append(cj.Exceptions, ej)
		}
		w.Calendars = append(w.Calendars, cj)
	}
	w.Tasks = make([]taskJSON, 0, len(p.Tasks))
	for _, t := range p.Tasks {
		tj := taskJSON{ID: t.ID, Name: t.Name, Parent: t.Parent, Deadline: date(t.Deadline), Calendar: t.Calendar, Notes: t.Notes, Fields: t.Fields, StartMS: t.StartMilestone,
			Manual: t.Manual, Start: date(t.Start),
			ActualStart: date(t.ActualStart), ActualFinish: date(t.ActualFinish), PercentComplete: t.PercentComplete,
			Type: t.Type, EffortDriven: t.EffortDriven, IgnoreResourceCalendars: t.IgnoreResourceCalendars, FixedCost: t.FixedCost,
			ActualCost: t.ActualCost, NoSplit: t.NoSplit}
		for k, s := range t.Splits {
			var sj splitJSON
			var err error
			if sj.At, err = dur(s.At); err == nil {
				sj.Gap, err = dur(s.Gap)
			}
			if err != nil {
				return nil, fmt.Errorf("schedule: task %q: splits[%d]: %w", t.ID, k, err)
			}
			tj.Splits = append(tj.Splits, sj)
		}
		if c := t.Crash; c != nil {
			d, err := dur(c.Duration)
			if err != nil {
				return nil, fmt.Errorf("schedule: task %q: crash.duration: %w", t.ID, err)
			}
			tj.Crash = &crashJSON{Duration: d, Cost: c.Cost}
		}
		if t.Remaining != nil {
			rem, err := t.Remaining.MarshalText()
			if err != nil {
				return nil, fmt.Errorf("schedule: task %q: remaining: %w", t.ID, err)
			}
			tj.Remaining = string(rem)
		}
		var err error
		if tj.Duration, err = dur(t.Duration); err != nil {
			return nil, fmt.Errorf("schedule: task %q: %w", t.ID, err)
		}
		if tj.Work, err = dur(t.Work); err != nil {
			return nil, fmt.Errorf("schedule: task %q: work: %w", t.ID, err)
		}
		if v := t.LevelingPriority(); v != DefaultPriority {
			tj.Priority = &v
		}
		if t.Constraint.Type != ASAP || !t.Constraint.Date.IsZero() {
			tj.Constraint = &constraintJSON{Type: t.Constraint.Type, Date: date(t.Constraint.Date)}
		}
		w.Tasks = append(w.Tasks, tj)
	}
	for _, l := range p.Links {
		lj := linkJSON{From: l.Pred, To: l.Succ}
		if l.Type != FS {
			lj.Type = &l.Type
		}
		var err error
		if lj.Lag, err = dur(l.Lag); err != nil {
			return nil, fmt.Errorf("schedule: link %s: %w", &l, err)
		}
		if lj.Overlap, err = dur(l.Overlap); err != nil {
			return nil, fmt.Errorf("schedule: link %s: overlap: %w", &l, err)
		}
		lj.ReworkCost = l.ReworkCost
		w.Links = append(w.Links, lj)
	}
	for _, r := range p.Resources {
		w.Resources = append(w.Resources, resourceJSON{ID: r.ID, Name: r.Name, Type: r.Type, MaxUnits: r.MaxUnits,
			Calendar: r.Calendar, StandardRate: r.StandardRate, OvertimeRate: r.OvertimeRate, CostPerUse: r.CostPerUse, Group: r.Group, Fields: r.Fields})
	}
	for _, f := range p.CustomFields {
		w.Fields = append(w.Fields, fieldJSON{Name: f.Name, Alias: f.Alias, ID: f.ID, Resource: f.Resource})
	}
	for _, a := range p.Assignments {
		work, err := dur(a.Work)
		if err != nil {
			return nil, fmt.Errorf("schedule: assignment of %q to %q: work: %w", a.Resource, a.Task, err)
		}
		w.Assignments = append(w.Assignments, assignmentJSON{Task: a.Task, Resource: a.Resource, Units: a.Units, Work: work})
	}
	for _, b := range p.Baselines {
		bj := baselineJSON{Name: b.Name, Tasks: make([]baselineTaskJSON, len(b.Tasks))}
		for k, t := range b.Tasks {
			tj := baselineTaskJSON{ID: t.ID, Start: date(t.Start), Finish: date(t.Finish), Cost: t.Cost}
			var err error
			if tj.Duration, err = dur(t.Duration); err != nil {
				return nil, fmt.Errorf("schedule: baseline %q: task %q: duration: %w", b.Name, t.ID, err)
			}
			if tj.Work, err = dur(t.Work); err != nil {
				return nil, fmt.Errorf("schedule: baseline %q: task %q: work: %w", b.Name, t.ID, err)
			}
			bj.Tasks[k] = tj
		}
		w.Baselines = append(w.Baselines, bj)
	}
	return json.Marshal(w)
}
