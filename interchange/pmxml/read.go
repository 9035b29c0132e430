package pmxml

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/charset"
	"github.com/critpath/critpath/interchange/internal/p6"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/interchange/internal/xmlstream"
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
// P6 release (and one writer leaves it out), so none is matched. The
// document (APIBusinessObjects) holds calendars, resources, their rates
// and relationships for every project, and the projects and baseline
// projects, each with its own calendars, WBS, activities, relationships
// and assignments. Read walks it element by element, decoding one
// activity (relationship, …) at a time into the row of P6's table it
// stands for.

// projectXML is a project's (or baseline project's) own fields.
type projectXML struct {
	ObjectId                        string
	Id                              string
	Name                            string
	PlannedStartDate                string
	DataDate                        string
	ActivityDefaultCalendarObjectId string
	MustFinishByDate                string
	CriticalActivityFloatLimit      string
}

// Field returns the field a child element of a project of that name goes
// to (nil for one not read).
func (p *projectXML) Field(name string) *string {
	switch name {
	case "ObjectId":
		return &p.ObjectId
	case "Id":
		return &p.Id
	case "Name":
		return &p.Name
	case "PlannedStartDate":
		return &p.PlannedStartDate
	case "DataDate":
		return &p.DataDate
	case "ActivityDefaultCalendarObjectId":
		return &p.ActivityDefaultCalendarObjectId
	case "MustFinishByDate":
		return &p.MustFinishByDate
	case "CriticalActivityFloatLimit":
		return &p.CriticalActivityFloatLimit
	}
	return nil
}

type scheduleOptionsXML struct {
	ComputeTotalFloatType, OutOfSequenceScheduleType, RelationshipLagCalendar string
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

// The flat elements are read by the names of their fields, without
// reflection (TestFieldNames checks each name against the field's):
// Field returns the field a child element of that name goes to, nil for
// one not read.
func (s *scheduleOptionsXML) Field(name string) *string {
	switch name {
	case "ComputeTotalFloatType":
		return &s.ComputeTotalFloatType
	case "OutOfSequenceScheduleType":
		return &s.OutOfSequenceScheduleType
	case "RelationshipLagCalendar":
		return &s.RelationshipLagCalendar
	}
	return nil
}

func (w *wbsXML) Field(name string) *string {
	switch name {
	case "ObjectId":
		return &w.ObjectId
	case "ParentObjectId":
		return &w.ParentObjectId
	case "ProjectObjectId":
		return &w.ProjectObjectId
	case "Code":
		return &w.Code
	case "Name":
		return &w.Name
	case "SequenceNumber":
		return &w.SequenceNumber
	}
	return nil
}

func (a *activityXML) Field(name string) *string {
	switch name {
	case "ObjectId":
		return &a.ObjectId
	case "ProjectObjectId":
		return &a.ProjectObjectId
	case "WBSObjectId":
		return &a.WBSObjectId
	case "CalendarObjectId":
		return &a.CalendarObjectId
	case "Id":
		return &a.Id
	case "Name":
		return &a.Name
	case "Type":
		return &a.Type
	case "Status":
		return &a.Status
	case "PlannedDuration":
		return &a.PlannedDuration
	case "RemainingDuration":
		return &a.RemainingDuration
	case "TotalFloat":
		return &a.TotalFloat
	case "ActualStartDate":
		return &a.ActualStartDate
	case "ActualFinishDate":
		return &a.ActualFinishDate
	case "StartDate":
		return &a.StartDate
	case "FinishDate":
		return &a.FinishDate
	case "PrimaryConstraintType":
		return &a.PrimaryConstraintType
	case "PrimaryConstraintDate":
		return &a.PrimaryConstraintDate
	case "SecondaryConstraintType":
		return &a.SecondaryConstraintType
	case "SecondaryConstraintDate":
		return &a.SecondaryConstraintDate
	case "LevelingPriority":
		return &a.LevelingPriority
	}
	return nil
}

func (l *linkXML) Field(name string) *string {
	switch name {
	case "PredecessorActivityObjectId":
		return &l.PredecessorActivityObjectId
	case "SuccessorActivityObjectId":
		return &l.SuccessorActivityObjectId
	case "Type":
		return &l.Type
	case "Lag":
		return &l.Lag
	}
	return nil
}

func (r *resourceXML) Field(name string) *string {
	switch name {
	case "ObjectId":
		return &r.ObjectId
	case "Id":
		return &r.Id
	case "Name":
		return &r.Name
	case "ResourceType":
		return &r.ResourceType
	case "CalendarObjectId":
		return &r.CalendarObjectId
	}
	return nil
}

func (r *rateXML) Field(name string) *string {
	switch name {
	case "ResourceObjectId":
		return &r.ResourceObjectId
	case "EffectiveDate":
		return &r.EffectiveDate
	case "MaxUnitsPerTime":
		return &r.MaxUnitsPerTime
	case "PricePerUnit":
		return &r.PricePerUnit
	}
	return nil
}

func (a *assignmentXML) Field(name string) *string {
	switch name {
	case "ActivityObjectId":
		return &a.ActivityObjectId
	case "ResourceObjectId":
		return &a.ResourceObjectId
	case "PlannedUnitsPerTime":
		return &a.PlannedUnitsPerTime
	}
	return nil
}

// lined is an element with the line of its start tag: the conversion's
// warnings name it.
type lined[T any] struct {
	V    T
	Line int
}

// document is what Read gathers: the elements every project shares, and
// each project with the rows of its own tables.
type document struct {
	calendars     []lined[calendarXML]
	resources     []lined[resourceXML]
	rates         []lined[rateXML]
	relationships []lined[linkXML]
	projects      []*project // the projects, then the baseline projects
}

// project is a project of the document: its fields, its calendars, and
// the rows of its tables read so far (PROJWBS, TASK, TASKPRED,
// TASKRSRC), whose proj_id is filled in at its end.
type project struct {
	line      int
	px        projectXML
	options   []scheduleOptionsXML
	calendars []lined[calendarXML]
	t         p6.Tables
	baseline  bool
}

// maxItems bounds the elements of one list (the activities of a project,
// the elements of a calendar…): a project of more activities than this
// is not a schedule anyone wrote.
const maxItems = 1 << 20

// Read reads a PMXML document: every project and baseline project with
// its calendars (global, its own, its resources'), WBS (as summary tasks),
// activities, relationships, resources and assignments, scheduled with
// P6's rules. It is lenient as the XER reader is (they share their
// conversion); it fails, with a *ParseError naming the line, on what is
// not PMXML or holds no project. The document is read as a stream, one
// activity (relationship, …) at a time, in UTF-8, UTF-16, ISO-8859-1 or
// windows-1252 (another encoding it declares is a *ParseError naming it),
// and bounded: over ReadOptions.MaxBytes is ErrTooLarge, over 1,048,576
// elements in one list (the activities of a project…) a *ParseError.
// opts may be nil.
func Read(in io.Reader, opts *ReadOptions) (*File, error) { return read(in, opts, maxItems) }

// read is Read with lists of at most max elements.
func read(in io.Reader, opts *ReadOptions, max int) (*File, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	cr := &xmlstream.Sized{R: in, Max: cmp.Or(opts.MaxBytes, DefaultMaxBytes), TooLarge: ErrTooLarge}
	d := xmlstream.NewDecoder(cr, max)
	doc, err := readDocument(d)
	if err != nil {
		return nil, failure(d, cr, err)
	}
	if len(doc.projects) == 0 {
		return nil, &ParseError{Line: 1, Err: errors.New("the document holds no project")}
	}
	f := &File{}
	warn := func(line int, table, msg string) {
		f.Warnings = append(f.Warnings, Warning{Line: line, Where: elementOf[table], Message: msg})
	}
	doc.references(warn)
	for k, pr := range doc.projects {
		for _, c := range p6.Convert(doc.tables(pr), warn) {
			f.Projects = append(f.Projects, Project{ID: c.ID, Project: c.Project, Saved: c.Saved, Baseline: pr.baseline})
		}
		doc.projects[k] = nil // its rows are garbage now
	}
	return f, nil
}

// failure is the error Read returns for err, met reading the document.
func failure(d *xmlstream.Decoder, cr *xmlstream.Sized, err error) error {
	line, _ := d.InputPos()
	var se *xml.SyntaxError
	var ce *charset.Error
	var le *xmlstream.LimitError
	switch {
	case cr.Err != nil: // reading failed: not the document's fault
		return fmt.Errorf("pmxml: %w", cr.Err)
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("%w: over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, cr.Max)
	case errors.As(err, new(*ParseError)):
		return err
	case errors.As(err, &ce):
		return &ParseError{Line: line, Err: ce}
	case errors.As(err, &le):
		return &ParseError{Line: le.Line, Err: fmt.Errorf("%s: %w", le.Element, le)}
	case errors.As(err, &se):
		return &ParseError{Line: se.Line, Err: fmt.Errorf("malformed XML: %s", se.Msg)}
	}
	return &ParseError{Line: line, Err: err}
}

// readDocument walks the document's root, APIBusinessObjects.
func readDocument(d *xmlstream.Decoder) (*document, error) {
	root, err := d.Root()
	switch {
	case err == io.EOF:
		return nil, &ParseError{Line: 1, Err: errors.New("not a PMXML document: no XML element in it")}
	case err != nil:
		line, _ := d.InputPos()
		return nil, &ParseError{Line: line, Err: fmt.Errorf("not a PMXML document: %v", err)}
	case root.Name.Local != "APIBusinessObjects":
		line, _ := d.InputPos()
		return nil, &ParseError{Line: line, Err: fmt.Errorf("not a PMXML document: the root element is <%s>, not <APIBusinessObjects>", root.Name.Local)}
	}
	doc := &document{}
	counts := map[string]int{}
	var baselines []*project
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			doc.projects = append(doc.projects, baselines...)
			return doc, nil
		case xml.StartElement:
			name := t.Name.Local
			line, _ := d.InputPos()
			switch name {
			case "Calendar", "Resource", "ResourceRate", "Relationship", "Project", "BaselineProject":
				if counts[name]++; counts[name] > d.Max {
					return nil, d.TooMany(name)
				}
			}
			switch name {
			case "Calendar":
				doc.calendars, err = decodeLined(d, doc.calendars, line, t)
			case "Resource":
				doc.resources, err = appendLined(d, doc.resources, line)
			case "ResourceRate":
				doc.rates, err = appendLined(d, doc.rates, line)
			case "Relationship":
				doc.relationships, err = appendLined(d, doc.relationships, line)
			case "Project", "BaselineProject":
				pr := &project{line: line, baseline: name == "BaselineProject", t: p6.Tables{}}
				if err = pr.read(d); pr.baseline {
					baselines = append(baselines, pr)
				} else {
					doc.projects = append(doc.projects, pr)
				}
			default:
				err = d.Skip()
			}
			if err != nil {
				return nil, err
			}
		}
	}
}

// decodeLined reads one more element of a list, at line, by reflection.
func decodeLined[T any](d *xmlstream.Decoder, list []lined[T], line int, start xml.StartElement) ([]lined[T], error) {
	var v T
	if err := d.Decode(&v, start); err != nil {
		return list, err
	}
	return append(list, lined[T]{v, line}), nil
}

// appendLined reads one more flat element of a list, at line, by the
// names of its fields.
func appendLined[T any, P xmlstream.Named[T]](d *xmlstream.Decoder, list []lined[T], line int) ([]lined[T], error) {
	var v T
	if err := d.Fields(P(&v).Field, nil); err != nil {
		return list, err
	}
	return append(list, lined[T]{v, line}), nil
}

// read reads a project's element, whose start was just read: its fields,
// and its lists as the rows of its tables.
func (pr *project) read(d *xmlstream.Decoder) error {
	counts := map[string]int{}
	return d.Fields(pr.px.Field, func(start xml.StartElement) (bool, error) {
		name := start.Name.Local
		switch name {
		case "ScheduleOptions", "Calendar", "WBS", "Activity", "Relationship", "ResourceAssignment":
		default:
			return false, nil
		}
		if counts[name]++; counts[name] > d.Max {
			return true, d.TooMany(name)
		}
		line, _ := d.InputPos()
		var err error
		switch name {
		case "ScheduleOptions":
			var o scheduleOptionsXML
			if err = d.Fields(o.Field, nil); err == nil {
				pr.options = append(pr.options, o)
			}
		case "Calendar":
			pr.calendars, err = decodeLined(d, pr.calendars, line, start)
		case "WBS":
			var w wbsXML
			if err = d.Fields(w.Field, nil); err == nil {
				pr.add("PROJWBS", line, map[string]string{"wbs_id": w.ObjectId, "parent_wbs_id": w.ParentObjectId, "proj_id": "",
					"wbs_short_name": w.Code, "wbs_name": w.Name, "seq_num": w.SequenceNumber})
			}
		case "Activity":
			var a activityXML
			if err = d.Fields(a.Field, nil); err == nil {
				pr.add("TASK", line, map[string]string{"task_id": a.ObjectId, "proj_id": "", "wbs_id": a.WBSObjectId, "clndr_id": a.CalendarObjectId,
					"task_code": a.Id, "task_name": a.Name, "task_type": activityTypes[a.Type], "status_code": statuses[a.Status],
					"target_drtn_hr_cnt": a.PlannedDuration, "remain_drtn_hr_cnt": a.RemainingDuration, "total_float_hr_cnt": a.TotalFloat,
					"act_start_date": a.ActualStartDate, "act_end_date": a.ActualFinishDate, "early_start_date": a.StartDate, "early_end_date": a.FinishDate,
					"cstr_type": constraints[a.PrimaryConstraintType], "cstr_date": a.PrimaryConstraintDate, "cstr_type2": constraints[a.SecondaryConstraintType],
					"cstr_date2": a.SecondaryConstraintDate, "priority_type": priorities[a.LevelingPriority]})
			}
		case "Relationship":
			var l linkXML
			if err = d.Fields(l.Field, nil); err == nil {
				pr.add("TASKPRED", line, relationshipRow(&l))
			}
		case "ResourceAssignment":
			var a assignmentXML
			if err = d.Fields(a.Field, nil); err == nil {
				pr.add("TASKRSRC", line, map[string]string{"task_id": a.ActivityObjectId, "rsrc_id": a.ResourceObjectId, "target_qty_per_hr": a.PlannedUnitsPerTime})
			}
		}
		return true, err
	})
}

// add adds a row to the project's table name.
func (pr *project) add(name string, line int, values map[string]string) {
	t := pr.t[name]
	if t == nil {
		t = &p6.Table{}
		pr.t[name] = t
	}
	t.Add(line, values)
}

func relationshipRow(l *linkXML) map[string]string {
	return map[string]string{"task_id": l.SuccessorActivityObjectId, "pred_task_id": l.PredecessorActivityObjectId,
		"pred_type": linkTypes[l.Type], "lag_hr_cnt": l.Lag}
}

// references warns of what the conversion, which reads the document
// project by project, would pass over without a word: a relationship
// whose successor, or an assignment whose activity, is not an activity of
// its project (for a relationship of the whole document, of any project).
func (doc *document) references(warn p6.Warn) {
	owner := map[string]int{} // the first project of each activity ObjectId
	own := make([]map[string]bool, len(doc.projects))
	for i, pr := range doc.projects {
		own[i] = map[string]bool{}
		if tt := pr.t["TASK"]; tt != nil {
			for k := range tt.Len() {
				id := tt.Get(k, "task_id")
				own[i][id] = true
				if _, ok := owner[id]; !ok {
					owner[id] = i
				}
			}
		}
	}
	where := func(id string) string {
		if i, ok := owner[id]; ok {
			px := &doc.projects[i].px
			return fmt.Sprintf("is in project %s, not this one", cmp.Or(px.Id, px.Name, px.ObjectId))
		}
		return "is not in the file"
	}
	for i, pr := range doc.projects {
		for _, c := range []struct{ table, what string }{
			{"TASKPRED", "its successor, activity %s, %s; the relationship is left out"},
			{"TASKRSRC", "its activity %s %s; the assignment is left out"},
		} {
			rt := pr.t[c.table]
			if rt == nil {
				continue
			}
			for k := range rt.Len() {
				if id := rt.Get(k, "task_id"); !own[i][id] {
					warn(rt.Line(k), c.table, fmt.Sprintf(c.what, id, where(id)))
				}
			}
		}
	}
	for _, l := range doc.relationships {
		if _, ok := owner[l.V.SuccessorActivityObjectId]; !ok {
			id := l.V.SuccessorActivityObjectId
			warn(l.Line, "TASKPRED", fmt.Sprintf("its successor, activity %s, is not in the file; the relationship is left out", id))
		}
	}
}

// elementOf names the PMXML element of each of P6's tables, for warnings.
var elementOf = map[string]string{"PROJECT": "Project", "CALENDAR": "Calendar", "PROJWBS": "WBS", "TASK": "Activity",
	"TASKPRED": "Relationship", "RSRC": "Resource", "TASKRSRC": "ResourceAssignment", "SCHEDOPTIONS": "Project"}

// tables lays one project of the document out as P6's tables: its own
// rows, with its proj_id, and the document's calendars (before its own),
// resources, rates and relationships (after its own).
func (doc *document) tables(pr *project) p6.Tables {
	px := &pr.px
	t := pr.t
	for _, name := range []string{"PROJWBS", "TASK"} {
		if tb := t[name]; tb != nil {
			tb.SetColumn("proj_id", px.ObjectId)
		}
	}
	add := func(name string, line int, values map[string]string) {
		if t[name] == nil {
			t[name] = &p6.Table{}
		}
		t[name].Add(line, values)
	}
	add("PROJECT", pr.line, map[string]string{"proj_id": px.ObjectId, "proj_short_name": cmp.Or(px.Id, px.Name),
		"plan_start_date": px.PlannedStartDate, "last_recalc_date": px.DataDate, "clndr_id": px.ActivityDefaultCalendarObjectId,
		"plan_end_date": px.MustFinishByDate, "critical_drtn_hr_cnt": px.CriticalActivityFloatLimit})
	for _, o := range pr.options {
		v := map[string]string{"proj_id": px.ObjectId, "sched_float_type": floatTypes[o.ComputeTotalFloatType],
			"sched_calendar_on_relationship_lag": lagCalendars[o.RelationshipLagCalendar]}
		switch o.OutOfSequenceScheduleType {
		case "Progress Override":
			v["sched_progress_override"] = "Y"
		case "Actual Dates":
			v["sched_retained_logic"] = "N"
		}
		add("SCHEDOPTIONS", pr.line, v)
	}
	for k, lc := range append(slices.Clip(doc.calendars), pr.calendars...) {
		c := lc.V
		proj := c.ProjectObjectId
		if k >= len(doc.calendars) {
			proj = px.ObjectId // a calendar inside the project is the project's
		}
		add("CALENDAR", lc.Line, map[string]string{"clndr_id": c.ObjectId, "clndr_name": c.Name, "proj_id": proj,
			"base_clndr_id": c.BaseCalendarObjectId, "day_hr_cnt": c.HoursPerDay, "week_hr_cnt": c.HoursPerWeek, "clndr_data": clndrData(&c)})
	}
	for _, ll := range doc.relationships {
		add("TASKPRED", ll.Line, relationshipRow(&ll.V))
	}
	for _, lr := range doc.resources {
		r := lr.V
		add("RSRC", lr.Line, map[string]string{"rsrc_id": r.ObjectId, "rsrc_short_name": r.Id, "rsrc_name": r.Name,
			"rsrc_type": resourceTypes[r.ResourceType], "clndr_id": r.CalendarObjectId})
	}
	for _, lr := range doc.rates {
		r := lr.V
		add("RSRCRATE", lr.Line, map[string]string{"rsrc_id": r.ResourceObjectId, "start_date": r.EffectiveDate, "max_qty_per_hr": r.MaxUnitsPerTime, "cost_per_qty": r.PricePerUnit})
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
