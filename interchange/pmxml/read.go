package pmxml

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/p6"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/schedule"
)

// File is a PMXML document: its projects and baseline projects.
type File struct {
	Projects []Project
	Warnings []Warning
}

// Project is one project of the file in critpath's model, with what P6
// computed for it.
type Project struct {
	// ID is the project's ID in P6 (its Id element, else its Name), which
	// is also its Project.Name.
	ID      string
	Project *schedule.Project
	// Saved holds, by activity ID, P6's dates (actual ones for work done)
	// and total float in working minutes.
	Saved map[string]Saved
	// Baseline marks a baseline project (a BaselineProject element).
	Baseline bool
}

// Saved is what P6 computed for one activity: its start and finish (the
// actual ones for work done), its total float in working minutes and its
// late finish; the type mspdi.Saved and xer.Saved name too.
type Saved = p6.Saved

// Warning is something the reader passed over, with the line of the
// element it was in and the element (Where; line 0 when the shared
// conversion does not know it), or something the writer could not carry.
// It is interchange.Warning, the type every format package's warnings
// are.
type Warning = record.Warning

// ParseError is a document that is not PMXML or holds no project.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("pmxml: line %d: %v", e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

// ReadOptions steer Read; nil means the defaults.
type ReadOptions struct {
	// MaxBytes bounds the document's size (default DefaultMaxBytes): a
	// larger one is refused with ErrTooLarge before it is read whole.
	MaxBytes int64
}

// DefaultMaxBytes is the size of the largest document Read takes by
// default.
const DefaultMaxBytes = 256 << 20

// ErrTooLarge is a document over ReadOptions.MaxBytes; the error wrapping
// it says the limit.
var ErrTooLarge = errors.New("pmxml: file too large")

// The elements read, by local name: PMXML's namespace changes with each
// P6 release (and one writer leaves it out), so none is matched.
type documentXML struct {
	XMLName       xml.Name             `xml:"APIBusinessObjects"`
	Calendars     []lined[calendarXML] `xml:"Calendar"`
	Resources     []lined[resourceXML] `xml:"Resource"`
	Rates         []lined[rateXML]     `xml:"ResourceRate"`
	Relationships []lined[linkXML]     `xml:"Relationship"`
	Projects      []lined[projectXML]  `xml:"Project"`
	Baselines     []lined[projectXML]  `xml:"BaselineProject"`
}

type projectXML struct {
	ObjectId                        string
	Id                              string
	Name                            string
	PlannedStartDate                string
	DataDate                        string
	ActivityDefaultCalendarObjectId string
	MustFinishByDate                string
	CriticalActivityFloatLimit      string
	ScheduleOptions                 []struct {
		ComputeTotalFloatType, OutOfSequenceScheduleType, RelationshipLagCalendar string
	}
	Calendars     []lined[calendarXML]   `xml:"Calendar"`
	WBS           []lined[wbsXML]        `xml:"WBS"`
	Activities    []lined[activityXML]   `xml:"Activity"`
	Relationships []lined[linkXML]       `xml:"Relationship"`
	Assignments   []lined[assignmentXML] `xml:"ResourceAssignment"`
}

type calendarXML struct {
	ObjectId             string
	Name                 string
	BaseCalendarObjectId string
	ProjectObjectId      string
	HoursPerDay          string
	HoursPerWeek         string
	Week                 []struct {
		DayOfWeek string
		WorkTime  []workTimeXML `xml:"WorkTime"`
	} `xml:"StandardWorkWeek>StandardWorkHours"`
	Exceptions []struct {
		Date     string
		WorkTime []workTimeXML `xml:"WorkTime"`
	} `xml:"HolidayOrExceptions>HolidayOrException"`
}

type workTimeXML struct {
	Start, Finish string
}

type wbsXML struct {
	ObjectId, ParentObjectId, ProjectObjectId, Code, Name, SequenceNumber string
}

type activityXML struct {
	ObjectId, ProjectObjectId, WBSObjectId, CalendarObjectId string
	Id, Name, Type, Status                                   string
	PlannedDuration, RemainingDuration, TotalFloat           string
	ActualStartDate, ActualFinishDate, StartDate, FinishDate string
	PrimaryConstraintType, PrimaryConstraintDate             string
	SecondaryConstraintType, SecondaryConstraintDate         string
	LevelingPriority                                         string
}

type linkXML struct {
	PredecessorActivityObjectId, SuccessorActivityObjectId, Type, Lag string
}

type resourceXML struct {
	ObjectId, Id, Name, ResourceType, CalendarObjectId string
}

type rateXML struct {
	ResourceObjectId, EffectiveDate, MaxUnitsPerTime, PricePerUnit string
}

type assignmentXML struct {
	ActivityObjectId, ResourceObjectId, PlannedUnitsPerTime string
}

// lined is an element with the line of its start tag: the conversion's
// warnings name it.
type lined[T any] struct {
	V    T
	Line int
}

func (l *lined[T]) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	l.Line, _ = d.InputPos()
	return d.DecodeElement(&l.V, &start)
}

// Read reads a PMXML document: every project and baseline project with
// its calendars (global, its own, its resources'), WBS (as summary tasks),
// activities, relationships, resources and assignments, scheduled with
// P6's rules. It is lenient as the XER reader is (they share their
// conversion); it fails, with a *ParseError naming the line, on what is
// not PMXML or holds no project. opts may be nil.
func Read(in io.Reader, opts *ReadOptions) (*File, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	maxBytes := cmp.Or(opts.MaxBytes, DefaultMaxBytes)
	data, err := io.ReadAll(io.LimitReader(in, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, maxBytes)
	}
	d := xml.NewDecoder(strings.NewReader(string(data)))
	var doc documentXML
	if err := d.Decode(&doc); err != nil {
		line, _ := d.InputPos()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line = se.Line
		}
		return nil, &ParseError{Line: line, Err: fmt.Errorf("not a PMXML document: %v", err)}
	}
	if len(doc.Projects)+len(doc.Baselines) == 0 {
		return nil, &ParseError{Line: 1, Err: errors.New("the document holds no project")}
	}
	f := &File{}
	warn := func(line int, table, msg string) {
		f.Warnings = append(f.Warnings, Warning{Line: line, Where: elementOf[table], Message: msg})
	}
	for k, px := range append(doc.Projects, doc.Baselines...) {
		t := tablesOf(&doc, &px)
		for _, pr := range p6.Convert(t, warn) {
			f.Projects = append(f.Projects, Project{ID: pr.ID, Project: pr.Project, Saved: pr.Saved, Baseline: k >= len(doc.Projects)})
		}
	}
	return f, nil
}

// elementOf names the PMXML element of each of P6's tables, for warnings.
var elementOf = map[string]string{"PROJECT": "Project", "CALENDAR": "Calendar", "PROJWBS": "WBS", "TASK": "Activity",
	"TASKPRED": "Relationship", "RSRC": "Resource", "TASKRSRC": "ResourceAssignment", "SCHEDOPTIONS": "Project"}

// tablesOf lays one project of the document out as P6's tables.
func tablesOf(doc *documentXML, lp *lined[projectXML]) p6.Tables {
	px := &lp.V
	t := p6.Tables{}
	add := func(name string, line int, values map[string]string) {
		if t[name] == nil {
			t[name] = &p6.Table{}
		}
		t[name].Add(line, values)
	}
	add("PROJECT", lp.Line, map[string]string{"proj_id": px.ObjectId, "proj_short_name": cmp.Or(px.Id, px.Name),
		"plan_start_date": px.PlannedStartDate, "last_recalc_date": px.DataDate, "clndr_id": px.ActivityDefaultCalendarObjectId,
		"plan_end_date": px.MustFinishByDate, "critical_drtn_hr_cnt": px.CriticalActivityFloatLimit})
	for _, o := range px.ScheduleOptions {
		v := map[string]string{"proj_id": px.ObjectId, "sched_float_type": floatTypes[o.ComputeTotalFloatType],
			"sched_calendar_on_relationship_lag": lagCalendars[o.RelationshipLagCalendar]}
		switch o.OutOfSequenceScheduleType {
		case "Progress Override":
			v["sched_progress_override"] = "Y"
		case "Actual Dates":
			v["sched_retained_logic"] = "N"
		}
		add("SCHEDOPTIONS", lp.Line, v)
	}
	global := len(doc.Calendars)
	for k, lc := range append(doc.Calendars, px.Calendars...) {
		c := lc.V
		proj := c.ProjectObjectId
		if k >= global {
			proj = px.ObjectId // a calendar inside the project is the project's
		}
		add("CALENDAR", lc.Line, map[string]string{"clndr_id": c.ObjectId, "clndr_name": c.Name, "proj_id": proj,
			"base_clndr_id": c.BaseCalendarObjectId, "day_hr_cnt": c.HoursPerDay, "week_hr_cnt": c.HoursPerWeek, "clndr_data": clndrData(&c)})
	}
	for _, lw := range px.WBS {
		w := lw.V
		add("PROJWBS", lw.Line, map[string]string{"wbs_id": w.ObjectId, "parent_wbs_id": w.ParentObjectId, "proj_id": px.ObjectId,
			"wbs_short_name": w.Code, "wbs_name": w.Name, "seq_num": w.SequenceNumber})
	}
	for _, la := range px.Activities {
		a := la.V
		add("TASK", la.Line, map[string]string{"task_id": a.ObjectId, "proj_id": px.ObjectId, "wbs_id": a.WBSObjectId, "clndr_id": a.CalendarObjectId,
			"task_code": a.Id, "task_name": a.Name, "task_type": activityTypes[a.Type], "status_code": statuses[a.Status],
			"target_drtn_hr_cnt": a.PlannedDuration, "remain_drtn_hr_cnt": a.RemainingDuration, "total_float_hr_cnt": a.TotalFloat,
			"act_start_date": a.ActualStartDate, "act_end_date": a.ActualFinishDate, "early_start_date": a.StartDate, "early_end_date": a.FinishDate,
			"cstr_type": constraints[a.PrimaryConstraintType], "cstr_date": a.PrimaryConstraintDate, "cstr_type2": constraints[a.SecondaryConstraintType],
			"cstr_date2": a.SecondaryConstraintDate, "priority_type": priorities[a.LevelingPriority]})
	}
	for _, ll := range append(px.Relationships, doc.Relationships...) {
		l := ll.V
		add("TASKPRED", ll.Line, map[string]string{"task_id": l.SuccessorActivityObjectId, "pred_task_id": l.PredecessorActivityObjectId,
			"pred_type": linkTypes[l.Type], "lag_hr_cnt": l.Lag})
	}
	for _, lr := range doc.Resources {
		r := lr.V
		add("RSRC", lr.Line, map[string]string{"rsrc_id": r.ObjectId, "rsrc_short_name": r.Id, "rsrc_name": r.Name,
			"rsrc_type": resourceTypes[r.ResourceType], "clndr_id": r.CalendarObjectId})
	}
	for _, lr := range doc.Rates {
		r := lr.V
		add("RSRCRATE", lr.Line, map[string]string{"rsrc_id": r.ResourceObjectId, "start_date": r.EffectiveDate, "max_qty_per_hr": r.MaxUnitsPerTime, "cost_per_qty": r.PricePerUnit})
	}
	for _, la := range px.Assignments {
		a := la.V
		add("TASKRSRC", la.Line, map[string]string{"task_id": a.ActivityObjectId, "rsrc_id": a.ResourceObjectId, "target_qty_per_hr": a.PlannedUnitsPerTime})
	}
	return t
}

// PMXML's names for what XER codes.
var (
	activityTypes = map[string]string{"Task Dependent": "TT_Task", "Resource Dependent": "TT_Rsrc", "Start Milestone": "TT_Mile",
		"Finish Milestone": "TT_FinMile", "Level of Effort": "TT_LOE", "WBS Summary": "TT_WBS"}
	statuses    = map[string]string{"Not Started": "TK_NotStart", "In Progress": "TK_Active", "Completed": "TK_Complete"}
	constraints = map[string]string{"Start On or After": "CS_MSOA", "Start On or Before": "CS_MSOB", "Finish On or After": "CS_MEOA",
		"Finish On or Before": "CS_MEOB", "Mandatory Start": "CS_MANDSTART", "Mandatory Finish": "CS_MANDFIN", "Start On": "CS_MSO",
		"Finish On": "CS_MEO", "As Late As Possible": "CS_ALAP"}
	linkTypes     = map[string]string{"Finish to Start": "PR_FS", "Start to Start": "PR_SS", "Finish to Finish": "PR_FF", "Start to Finish": "PR_SF"}
	resourceTypes = map[string]string{"Labor": "RT_Labor", "Nonlabor": "RT_Equip", "Material": "RT_Mat"}
	priorities    = map[string]string{"Top": "PT_Top", "High": "PT_High", "Normal": "PT_Normal", "Low": "PT_Low", "Lowest": "PT_Lowest"}
	lagCalendars  = map[string]string{"Predecessor Activity Calendar": "rcal_Predecessor", "Successor Activity Calendar": "rcal_Successor",
		"24 Hour Calendar": "rcal_24Hour", "Project Default Calendar": "rcal_ProjDefault"}
	floatTypes = map[string]string{"Start Float = Late Start - Early Start": "FT_SF", "Finish Float = Late Finish - Early Finish": "FT_FF",
		"Smallest of Start Float and Finish Float": "FT_MF"}
)

var dayNumbers = map[string]int{"Sunday": 1, "Monday": 2, "Tuesday": 3, "Wednesday": 4, "Thursday": 5, "Friday": 6, "Saturday": 7}

// clndrData writes a PMXML calendar's week and exceptions as P6's
// structured text, the form the shared conversion reads. P6 writes a work
// time's end as its last minute (11:59 for noon): a minute is added back.
func clndrData(c *calendarXML) string {
	var b strings.Builder
	b.WriteString("(0||CalendarData()(")
	times := func(wts []workTimeXML) {
		for k, w := range wts {
			if strings.TrimSpace(w.Start) == "" && strings.TrimSpace(w.Finish) == "" {
				continue // <WorkTime xsi:nil="true"/>: none
			}
			fmt.Fprintf(&b, "(0||%d(s|%s|f|%s)())", k, clock(w.Start, false), clock(w.Finish, true))
		}
	}
	if len(c.Week) > 0 {
		days := map[int][]workTimeXML{}
		for _, d := range c.Week {
			if n, ok := dayNumbers[strings.TrimSpace(d.DayOfWeek)]; ok {
				days[n] = d.WorkTime
			}
		}
		b.WriteString("(0||DaysOfWeek()(")
		for n := 1; n <= 7; n++ {
			fmt.Fprintf(&b, "(0||%d()(", n)
			times(days[n])
			b.WriteString("))")
		}
		b.WriteString("))")
	}
	if len(c.Exceptions) > 0 {
		b.WriteString("(0||Exceptions()(")
		for k, e := range c.Exceptions {
			d, err := time.Parse("2006-01-02T15:04:05", strings.TrimSpace(e.Date))
			if err != nil {
				continue
			}
			fmt.Fprintf(&b, "(0||%d(d|%d)(", k, p6.DayNumber(d))
			times(e.WorkTime)
			b.WriteString("))")
		}
		b.WriteString("))")
	}
	b.WriteString("))")
	return b.String()
}

// clock turns "07:00:00" into "07:00"; an end given as its last minute
// becomes the minute after ("11:59:00" is "12:00", "15:29:00" is "15:30",
// "23:59:00" is "00:00", the midnight that ends the day). P6 works in
// quarter hours at the finest, so an end one minute short of a quarter is
// such a last minute.
func clock(s string, end bool) string {
	t, err := time.Parse("15:04:05", strings.TrimSpace(s))
	if err != nil {
		if t, err = time.Parse("15:04", strings.TrimSpace(s)); err != nil {
			return s
		}
	}
	m := t.Hour()*60 + t.Minute()
	if end && m%15 == 14 {
		m++
	}
	return fmt.Sprintf("%02d:%02d", m/60%24, m%60)
}
