package pmxml

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"

	"github.com/critpath/critpath/interchange/internal/p6"
	"github.com/critpath/critpath/schedule"
)

// Namespace is the PMXML namespace Write declares: P6 22.12's, the one
// its schema declares. P6 reads the documents of earlier releases.
const Namespace = "http://xmlns.oracle.com/Primavera/P6/V22.12/API/BusinessObjects"

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// The document written, each element's children in the schema's order
// (alphabetical, lists last).
type outDocument struct {
	XMLName   xml.Name      `xml:"APIBusinessObjects"`
	Xmlns     string        `xml:"xmlns,attr"`
	XSI       string        `xml:"xmlns:xsi,attr"`
	Calendars []outCalendar `xml:"Calendar"`
	Resources []outResource `xml:"Resource"`
	Rates     []outRate     `xml:"ResourceRate"`
	Projects  []outProject  `xml:"Project"`
}

type outCalendar struct {
	BaseCalendarObjectId string `xml:",omitempty"`
	HoursPerDay          string
	HoursPerMonth        string
	HoursPerWeek         string
	HoursPerYear         string
	IsDefault            bool
	IsPersonal           bool
	Name                 string
	ObjectId             string
	Type                 string
	Week                 *struct {
		Days []outDay `xml:"StandardWorkHours"`
	} `xml:"StandardWorkWeek"`
	Exceptions *struct {
		Days []outException `xml:"HolidayOrException"`
	} `xml:"HolidayOrExceptions"`
}

type outDay struct {
	DayOfWeek string
	WorkTime  []outWorkTime
}

type outException struct {
	Date     string
	WorkTime []outWorkTime
}

// outWorkTime is a span of working time; a day without one has a single
// nil WorkTime.
type outWorkTime struct {
	Nil    string `xml:"xsi:nil,attr,omitempty"`
	Start  string `xml:",omitempty"`
	Finish string `xml:",omitempty"`
}

type outResource struct {
	CalendarObjectId    string `xml:",omitempty"`
	DefaultUnitsPerTime string `xml:",omitempty"`
	Id                  string
	IsActive            bool
	MaxUnitsPerTime     string `xml:",omitempty"`
	Name                string
	ObjectId            string
	PricePerUnit        string `xml:",omitempty"`
	ResourceType        string
}

type outRate struct {
	EffectiveDate    string
	MaxUnitsPerTime  string `xml:",omitempty"`
	ObjectId         string
	PricePerUnit     string
	ResourceObjectId string
}

type outProject struct {
	ActivityDefaultCalendarObjectId string `xml:",omitempty"`
	CriticalActivityFloatLimit      string `xml:",omitempty"`
	DataDate                        string `xml:",omitempty"`
	Id                              string
	MustFinishByDate                string `xml:",omitempty"`
	Name                            string
	ObjectId                        string
	PlannedStartDate                string `xml:",omitempty"`
	ScheduleOptions                 outOptions
	ScheduledFinishDate             string `xml:",omitempty"`
	Status                          string
	WBSObjectId                     string
	WBS                             []outWBS        `xml:"WBS"`
	Activities                      []outActivity   `xml:"Activity"`
	Assignments                     []outAssignment `xml:"ResourceAssignment"`
	Relationships                   []outLink       `xml:"Relationship"`
}

type outOptions struct {
	ComputeTotalFloatType     string
	OutOfSequenceScheduleType string
	ProjectObjectId           string
	RelationshipLagCalendar   string
}

type outWBS struct {
	Code            string
	Name            string
	ObjectId        string
	ParentObjectId  string `xml:",omitempty"`
	ProjectObjectId string
	SequenceNumber  string
	Status          string
}

type outActivity struct {
	ActualFinishDate         string `xml:",omitempty"`
	ActualStartDate          string `xml:",omitempty"`
	CalendarObjectId         string `xml:",omitempty"`
	DurationType             string
	EarlyFinishDate          string `xml:",omitempty"`
	EarlyStartDate           string `xml:",omitempty"`
	FinishDate               string `xml:",omitempty"`
	FreeFloat                string `xml:",omitempty"`
	Id                       string
	LateFinishDate           string `xml:",omitempty"`
	LateStartDate            string `xml:",omitempty"`
	LevelingPriority         string
	Name                     string
	ObjectId                 string
	PercentCompleteType      string
	PhysicalPercentComplete  string
	PlannedDuration          string
	PlannedFinishDate        string `xml:",omitempty"`
	PlannedStartDate         string `xml:",omitempty"`
	PrimaryConstraintDate    string `xml:",omitempty"`
	PrimaryConstraintType    string `xml:",omitempty"`
	ProjectObjectId          string
	RemainingDuration        string
	RemainingEarlyFinishDate string `xml:",omitempty"`
	RemainingEarlyStartDate  string `xml:",omitempty"`
	RemainingLateFinishDate  string `xml:",omitempty"`
	RemainingLateStartDate   string `xml:",omitempty"`
	SecondaryConstraintDate  string `xml:",omitempty"`
	SecondaryConstraintType  string `xml:",omitempty"`
	StartDate                string `xml:",omitempty"`
	Status                   string
	TotalFloat               string `xml:",omitempty"`
	Type                     string
	WBSObjectId              string `xml:",omitempty"`
}

type outAssignment struct {
	ActivityObjectId      string
	ObjectId              string
	PlannedFinishDate     string `xml:",omitempty"`
	PlannedStartDate      string `xml:",omitempty"`
	PlannedUnits          string
	PlannedUnitsPerTime   string
	ProjectObjectId       string
	RateSource            string
	RemainingUnits        string
	RemainingUnitsPerTime string
	ResourceObjectId      string
	ResourceType          string
}

type outLink struct {
	Lag                         string
	ObjectId                    string
	PredecessorActivityObjectId string
	PredecessorProjectObjectId  string
	SuccessorActivityObjectId   string
	SuccessorProjectObjectId    string
	Type                        string
}

// WriteOptions steer Write; nil means the defaults.
type WriteOptions struct {
	// Result is p scheduled, whose dates are written (nil: Write
	// schedules p, and writes no dates when it does not schedule).
	Result *schedule.Result
}

// Write writes p as a PMXML document P6 imports, valid against P6's
// schema (namespace Namespace): the project with its scheduling options,
// calendars (the presets it names included), WBS (from its summary
// tasks), resources with their limits and rates, activities with the
// dates and floats critpath computes, relationships and assignments. It
// holds what the XER writer holds, and loses what that loses (returned as
// warnings, Line 0, Where the element, once per kind as xer.Write says);
// PMXML's working times run in half hours, so a calendar's times are
// rounded out to them, with a warning. It fails,
// writing nothing, where xer.Write does (a value out of P6's range among
// them, the error naming the task, link, resource, assignment, calendar
// or baseline and the field). opts may be nil.
func Write(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	if opts == nil {
		opts = &WriteOptions{}
	}
	var warnings []Warning
	warn := func(element, msg string) { warnings = append(warnings, Warning{Where: element, Message: msg}) }
	sheets, err := p6.Export(p, opts.Result, func(table, msg string) { warn(elementOf[table], msg) })
	if err != nil {
		return nil, fmt.Errorf("pmxml: %w", err)
	}
	b := &builder{warn: warn, sheets: map[string]*p6.Sheet{}}
	for _, s := range sheets {
		b.sheets[s.Name] = s
	}
	doc := b.document()
	if b.err != nil {
		return nil, b.err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return nil, fmt.Errorf("pmxml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("pmxml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return nil, fmt.Errorf("pmxml: %w", err)
	}
	return warnings, nil
}

type builder struct {
	warn    func(element, msg string)
	sheets  map[string]*p6.Sheet
	rounded bool
	err     error
}

// rows calls f with a getter for each row of the named table.
func (b *builder) rows(name string, f func(get func(field string) string)) {
	s := b.sheets[name]
	if s == nil {
		return
	}
	index := make(map[string]int, len(s.Fields))
	for i, f := range s.Fields {
		index[f] = i
	}
	for _, row := range s.Rows {
		f(func(field string) string {
			if i, ok := index[field]; ok {
				return row[i]
			}
			return ""
		})
	}
}

// invert turns a map from PMXML's names to XER's codes around.
func invert(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

var (
	outActivityTypes = invert(activityTypes)
	outStatuses      = invert(statuses)
	outConstraints   = invert(constraints)
	outLinkTypes     = invert(linkTypes)
	outResourceTypes = invert(resourceTypes)
	outPriorities    = invert(priorities)
	outLagCalendars  = invert(lagCalendars)
	outFloatTypes    = invert(floatTypes)
)

// stamp turns XER's "2006-01-02 15:04" into PMXML's dateTime.
func stamp(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		return ""
	}
	return t.Format("2006-01-02T15:04:05")
}

func (b *builder) document() *outDocument {
	doc := &outDocument{Xmlns: Namespace, XSI: xsiNamespace}
	b.rows("CALENDAR", func(get func(string) string) { doc.Calendars = append(doc.Calendars, b.calendar(get)) })
	b.rows("RSRC", func(get func(string) string) {
		doc.Resources = append(doc.Resources, outResource{CalendarObjectId: get("clndr_id"), DefaultUnitsPerTime: get("def_qty_per_hr"),
			Id: get("rsrc_short_name"), IsActive: true, Name: get("rsrc_name"), ObjectId: get("rsrc_id"), ResourceType: outResourceTypes[get("rsrc_type")]})
	})
	b.rows("RSRCRATE", func(get func(string) string) {
		doc.Rates = append(doc.Rates, outRate{EffectiveDate: stamp(get("start_date")), MaxUnitsPerTime: get("max_qty_per_hr"),
			ObjectId: get("rsrc_rate_id"), PricePerUnit: get("cost_per_qty"), ResourceObjectId: get("rsrc_id")})
	})
	var px outProject
	b.rows("PROJECT", func(get func(string) string) {
		px = outProject{ActivityDefaultCalendarObjectId: get("clndr_id"), CriticalActivityFloatLimit: get("critical_drtn_hr_cnt"),
			DataDate: stamp(get("last_recalc_date")), Id: get("proj_short_name"), MustFinishByDate: stamp(get("plan_end_date")),
			Name: get("proj_short_name"), ObjectId: get("proj_id"), PlannedStartDate: stamp(get("plan_start_date")),
			ScheduledFinishDate: stamp(get("scd_end_date")), Status: "Active"}
	})
	b.rows("SCHEDOPTIONS", func(get func(string) string) {
		order := "Retained Logic"
		switch {
		case get("sched_progress_override") == "Y":
			order = "Progress Override"
		case get("sched_retained_logic") == "N":
			order = "Actual Dates"
		}
		px.ScheduleOptions = outOptions{ComputeTotalFloatType: outFloatTypes[get("sched_float_type")], OutOfSequenceScheduleType: order,
			ProjectObjectId: get("proj_id"), RelationshipLagCalendar: outLagCalendars[get("sched_calendar_on_relationship_lag")]}
	})
	root := ""
	b.rows("PROJWBS", func(get func(string) string) {
		if get("proj_node_flag") == "Y" { // the project's own node
			root = get("wbs_id")
			px.WBSObjectId = root
			return
		}
		parent := get("parent_wbs_id")
		if parent == root {
			parent = ""
		}
		px.WBS = append(px.WBS, outWBS{Code: get("wbs_short_name"), Name: get("wbs_name"), ObjectId: get("wbs_id"), ParentObjectId: parent,
			ProjectObjectId: get("proj_id"), SequenceNumber: get("seq_num"), Status: "Active"})
	})
	b.rows("TASK", func(get func(string) string) {
		a := outActivity{ActualFinishDate: stamp(get("act_end_date")), ActualStartDate: stamp(get("act_start_date")), CalendarObjectId: get("clndr_id"),
			DurationType: "Fixed Duration and Units/Time", EarlyFinishDate: stamp(get("early_end_date")), EarlyStartDate: stamp(get("early_start_date")),
			FreeFloat: get("free_float_hr_cnt"), Id: get("task_code"), LateFinishDate: stamp(get("late_end_date")), LateStartDate: stamp(get("late_start_date")),
			LevelingPriority: outPriorities[get("priority_type")], Name: get("task_name"), ObjectId: get("task_id"), PercentCompleteType: "Duration",
			PhysicalPercentComplete: get("phys_complete_pct"), PlannedDuration: get("target_drtn_hr_cnt"), PlannedFinishDate: stamp(get("target_end_date")),
			PlannedStartDate: stamp(get("target_start_date")), PrimaryConstraintDate: stamp(get("cstr_date")), PrimaryConstraintType: outConstraints[get("cstr_type")],
			ProjectObjectId: get("proj_id"), RemainingDuration: get("remain_drtn_hr_cnt"), RemainingEarlyFinishDate: stamp(get("reend_date")),
			RemainingEarlyStartDate: stamp(get("restart_date")), RemainingLateFinishDate: stamp(get("rem_late_end_date")),
			RemainingLateStartDate: stamp(get("rem_late_start_date")), SecondaryConstraintDate: stamp(get("cstr_date2")),
			SecondaryConstraintType: outConstraints[get("cstr_type2")], Status: outStatuses[get("status_code")], TotalFloat: get("total_float_hr_cnt"),
			Type: outActivityTypes[get("task_type")]}
		if w := get("wbs_id"); w != root {
			a.WBSObjectId = w
		}
		a.StartDate, a.FinishDate = a.EarlyStartDate, a.EarlyFinishDate
		if a.ActualStartDate != "" {
			a.StartDate = a.ActualStartDate
		}
		if a.ActualFinishDate != "" {
			a.FinishDate = a.ActualFinishDate
		}
		px.Activities = append(px.Activities, a)
	})
	b.rows("TASKRSRC", func(get func(string) string) {
		px.Assignments = append(px.Assignments, outAssignment{ActivityObjectId: get("task_id"), ObjectId: get("taskrsrc_id"),
			PlannedFinishDate: stamp(get("target_end_date")), PlannedStartDate: stamp(get("target_start_date")), PlannedUnits: get("target_qty"),
			PlannedUnitsPerTime: get("target_qty_per_hr"), ProjectObjectId: get("proj_id"), RateSource: "Resource", RemainingUnits: get("remain_qty"),
			RemainingUnitsPerTime: get("remain_qty_per_hr"), ResourceObjectId: get("rsrc_id"), ResourceType: outResourceTypes[get("rsrc_type")]})
	})
	b.rows("TASKPRED", func(get func(string) string) {
		px.Relationships = append(px.Relationships, outLink{Lag: get("lag_hr_cnt"), ObjectId: get("task_pred_id"),
			PredecessorActivityObjectId: get("pred_task_id"), PredecessorProjectObjectId: get("pred_proj_id"),
			SuccessorActivityObjectId: get("task_id"), SuccessorProjectObjectId: get("proj_id"), Type: outLinkTypes[get("pred_type")]})
	})
	doc.Projects = []outProject{px}
	return doc
}

var dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// calendar writes a calendar row: its week and exceptions from the
// structured text the XER layout holds.
func (b *builder) calendar(get func(string) string) outCalendar {
	c := outCalendar{BaseCalendarObjectId: get("base_clndr_id"), HoursPerDay: get("day_hr_cnt"), HoursPerMonth: get("month_hr_cnt"),
		HoursPerWeek: get("week_hr_cnt"), HoursPerYear: get("year_hr_cnt"), IsDefault: get("default_flag") == "Y",
		Name: get("clndr_name"), ObjectId: get("clndr_id"), Type: "Global"}
	if get("clndr_type") == "CA_Rsrc" {
		c.Type = "Resource"
	}
	week, exs, err := p6.CalendarData(get("clndr_data"))
	if err != nil { // Export checked the calendar: a fault of critpath's
		b.err = fmt.Errorf("pmxml: calendar %q: %v", c.Name, err)
		return c
	}
	if week != nil {
		c.Week = &struct {
			Days []outDay `xml:"StandardWorkHours"`
		}{}
		for d := time.Sunday; d <= time.Saturday; d++ {
			c.Week.Days = append(c.Week.Days, outDay{DayOfWeek: dayNames[d], WorkTime: b.workTimes(c.Name, week[d])})
		}
	}
	if len(exs) > 0 {
		c.Exceptions = &struct {
			Days []outException `xml:"HolidayOrException"`
		}{}
		for _, x := range exs {
			d := time.Date(x.From.Year, x.From.Month, x.From.Day, 0, 0, 0, 0, time.UTC)
			c.Exceptions.Days = append(c.Exceptions.Days, outException{Date: d.Format("2006-01-02T15:04:05"), WorkTime: b.workTimes(c.Name, x.Working)})
		}
	}
	return c
}

// workTimes writes a day's working times as P6 does: in half hours, each
// end as its last minute (12:00 is 11:59). Times between half hours are
// rounded out to them; a day without work has one nil WorkTime.
func (b *builder) workTimes(calendar string, ivs []schedule.Interval) []outWorkTime {
	if len(ivs) == 0 {
		return []outWorkTime{{Nil: "true"}}
	}
	var out []outWorkTime
	for _, iv := range ivs {
		start, end := iv.Start/30*30, (iv.End+29)/30*30
		if (start != iv.Start || end != iv.End) && !b.rounded {
			b.rounded = true
			b.warn("Calendar", fmt.Sprintf("calendar %q: working time %v is written as %v: PMXML holds half hours", calendar, iv, schedule.Interval{Start: start, End: end}))
		}
		if n := len(out); n > 0 && out[n-1].Finish >= fmt.Sprintf("%02d:%02d:00", (start-1)/60, (start-1)%60) {
			// rounding joined it to the one before
			out[n-1].Finish = fmt.Sprintf("%02d:%02d:00", (end-1)/60, (end-1)%60)
			continue
		}
		out = append(out, outWorkTime{Start: fmt.Sprintf("%02d:%02d:00", start/60, start%60), Finish: fmt.Sprintf("%02d:%02d:00", (end-1)/60, (end-1)%60)})
	}
	return out
}
