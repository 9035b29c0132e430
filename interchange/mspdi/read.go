package mspdi

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/critpath/critpath/interchange/internal/charset"
	"github.com/critpath/critpath/interchange/internal/reconcile"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/interchange/internal/xmlstream"
	"github.com/critpath/critpath/schedule"
)

// File is an MSPDI document read into critpath's model.
type File struct {
	Project *schedule.Project
	// Saved holds, by task ID, the dates and total float Microsoft Project
	// saved in the file: what it computed, for checking a reschedule.
	Saved map[string]Saved
	// Finish is the project finish Microsoft Project saved (FinishDate),
	// and MultipleCriticalPaths its "calculate multiple critical paths"
	// option, under which the late finish of a task without successors is
	// its early finish rather than the project finish.
	Finish                time.Time
	MultipleCriticalPaths bool
	// SaveVersion is the version of Microsoft Project that wrote the file
	// (12 is 2007, 14 is 2010 and later; 0 when the file does not say).
	SaveVersion int
	// Warnings are what the reader passed over: values it could not read,
	// elements critpath does not model.
	Warnings []Warning
}

// Saved is what Microsoft Project computed for one task: its start and
// finish, its total slack in working minutes (HasFloat false when the
// file has none) and its late finish (zero when none). It is the type
// xer.Saved and pmxml.Saved name too.
type Saved = record.Saved

// Warning is something the reader passed over, with the line of the
// element it was in and the element (Where), or something the writer
// could not carry (line 0). It is interchange.Warning, the type every
// format package's warnings are.
type Warning = record.Warning

// ParseError is a file that is not MSPDI or not a schedule: malformed
// XML, another root element, no tasks' worth of meaning.
type ParseError struct {
	Line    int
	Element string
	Err     error
}

func (e *ParseError) Error() string {
	if e.Element != "" {
		return fmt.Sprintf("mspdi: line %d: %s: %v", e.Line, e.Element, e.Err)
	}
	return fmt.Sprintf("mspdi: line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ReadOptions steer Read; nil means the defaults.
type ReadOptions struct {
	// MaxBytes bounds the file's size (default DefaultMaxBytes): a larger
	// one is refused with ErrTooLarge before it is read whole.
	MaxBytes int64
}

// DefaultMaxBytes is the size of the largest file Read takes by default.
const DefaultMaxBytes = 256 << 20

// ErrTooLarge is a file over ReadOptions.MaxBytes; the error wrapping it
// says the limit.
var ErrTooLarge = errors.New("mspdi: file too large")

// reader carries one file's conversion.
type reader struct {
	p        *schedule.Project
	f        *File
	px       projectXML        // the project's properties (its lists are read one item at a time)
	lines    map[string]int    // the line of each property of the project read
	calName  map[string]string // calendar UID → name
	calUsed  map[string]bool   // the calendar names given
	calLine  map[string]int    // the line of each calendar, by name
	taskAt   map[string]int    // the index in p.Tasks of each task kept, by UID
	taskLine []int             // the line of each task of p.Tasks
	outline  []string          // the task UIDs of the open outline levels, from 1
	pending  []pendingLink     // links to a task not read yet
	settings schedule.Settings
	// settled is set once the first list began: the settings are read.
	settled bool
	// section is the furthest of the project's lists begun (a
	// section), for telling a list out of the schema's order.
	section int
	// sawEmptyDate is set once a task's date was the empty-date sentinel.
	sawEmptyDate bool
	fieldByID    map[string]*schedule.CustomField
	sawContour   bool
	resources    map[string]bool       // the resources kept, by UID
	assigned     map[[2]string]bool    // the assignments kept, by task and resource UID
	contoured    map[string]bool       // tasks whose work a contour spreads over their duration
	timephased   map[string]timephased // a task's first assignment's work, by task UID
	manualFinish map[string]time.Time  // a manually scheduled task's ManualFinish, by task UID
	laidOut      int                   // the days calendars' exceptions lay out over, all calendars
	dropped      int                   // warnings over the bound, counted
	lim          limits
}

// emptyDate is the date third-party writers (Aspose.Tasks among them) put
// where MS Project leaves a date out: no schedule has a task event at
// midnight starting 2000.
var emptyDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// warn adds a warning; past the bound they are counted, and the count is
// the last warning.
func (r *reader) warn(line int, element, format string, args ...any) {
	if len(r.f.Warnings) >= r.lim.warnings {
		r.dropped++
		return
	}
	r.f.Warnings = append(r.f.Warnings, Warning{Line: line, Where: element, Message: fmt.Sprintf(format, args...)})
}

// Read reads an MSPDI document. It is lenient, as the files MS Project and
// others write break the schema: a value it cannot read is a Warning
// naming its line and element, and the rest is read. It fails on what
// leaves no schedule — malformed XML, a root other than Project, no
// project start, a task UID given twice — with a *ParseError naming the
// line and element. It reads UTF-8, UTF-16 (with a byte-order mark or
// without), ISO-8859-1 and windows-1252; another encoding the document
// declares is a *ParseError naming it. The document is read as a stream,
// one task (resource, assignment) at a time, and bounded: over
// ReadOptions.MaxBytes is ErrTooLarge, over 1,048,576 elements in one
// list (tasks, a task's links…) a *ParseError.
func Read(in io.Reader, opts *ReadOptions) (*File, error) { return read(in, opts, defaults) }

// read is Read within lim.
func read(in io.Reader, opts *ReadOptions, lim limits) (*File, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	cr := &xmlstream.Sized{R: in, Max: cmp.Or(opts.MaxBytes, DefaultMaxBytes), TooLarge: ErrTooLarge}
	d := &decoder{xmlstream.NewDecoder(cr, lim.items)}
	f := &File{Saved: map[string]Saved{}}
	r := &reader{p: &schedule.Project{}, f: f, lines: map[string]int{}, calName: map[string]string{}, calUsed: map[string]bool{},
		calLine: map[string]int{}, taskAt: map[string]int{}, resources: map[string]bool{}, lim: lim}
	f.Project = r.p
	if err := r.document(d); err != nil {
		return nil, failure(d.Decoder.Decoder, cr, err)
	}
	if err := r.project(); err != nil {
		return nil, err
	}
	r.links()
	r.contours()
	n := r.reconcile()
	r.manualDates(n)
	r.splits(n)
	if r.dropped > 0 {
		r.f.Warnings = append(r.f.Warnings, Warning{Message: fmt.Sprintf("%d more warning(s) not listed: only the first %d are", r.dropped, r.lim.warnings)})
	}
	return f, nil
}

// failure is the error Read returns for err, met reading the document.
func failure(d *xml.Decoder, cr *xmlstream.Sized, err error) error {
	line, _ := d.InputPos()
	var se *xml.SyntaxError
	var ce *charset.Error
	var le *xmlstream.LimitError
	switch {
	case cr.Err != nil: // reading failed: not the document's fault
		return fmt.Errorf("mspdi: %w", cr.Err)
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("%w: over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, cr.Max)
	case errors.As(err, &ce):
		return &ParseError{Line: line, Err: ce}
	case errors.As(err, &le):
		return &ParseError{Line: le.Line, Element: le.Element, Err: le}
	case errors.As(err, new(*ParseError)):
		return err
	case errors.As(err, &se):
		return &ParseError{Line: se.Line, Err: errors.New(se.Msg)}
	}
	return &ParseError{Line: line, Err: err}
}

// The project's lists, in the schema's order (section 0 is the project's
// properties): each list is read as it comes, with what came before it,
// one item at a time.
var sections = map[string]struct {
	order int
	item  string
}{
	"ExtendedAttributes": {1, "ExtendedAttribute"},
	"Calendars":          {2, "Calendar"},
	"Tasks":              {3, "Task"},
	"Resources":          {4, "Resource"},
	"Assignments":        {5, "Assignment"},
}

// document reads the document: the root element Project, its properties
// and its lists.
func (r *reader) document(d *decoder) error {
	root, err := d.Root()
	if err == io.EOF {
		return &ParseError{Line: 1, Err: errors.New("not an MSPDI file: no XML element in it")}
	}
	if err != nil {
		return err
	}
	if root.Name.Local != "Project" {
		line, _ := d.InputPos()
		return &ParseError{Line: line, Element: "Project", Err: fmt.Errorf("not an MSPDI file: the root element is <%s>", root.Name.Local)}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			r.settle()
			return nil
		case xml.StartElement:
			line, _ := d.InputPos()
			name := t.Name.Local
			if s, ok := sections[name]; ok {
				r.settle()
				if s.order < r.section {
					r.warn(line, name, "the list comes after a list the schema puts after it; what was read before it does not refer to it")
				}
				r.section = max(r.section, s.order)
				err = r.list(d, name, s.item)
			} else if v := r.px.Field(name); v != nil {
				err = r.property(d, line, name, v)
			} else {
				err = d.Skip()
			}
			if err != nil {
				return err
			}
		}
	}
}

// property reads a property of the project into v. The settings that
// durations are read by (MinutesPerDay, MinutesPerWeek, DaysPerMonth)
// come before the lists in the schema; one after them is a warning.
func (r *reader) property(d *decoder, line int, name string, v *string) error {
	s, err := d.Text()
	if err != nil {
		return err
	}
	switch name {
	case "MinutesPerDay", "MinutesPerWeek", "DaysPerMonth":
		if r.settled {
			r.warn(line, name, "%q comes after the project's lists, whose durations were read without it; ignored", s)
			return nil
		}
	}
	*v, r.lines[name] = s, line
	return nil
}

// list reads a list element of the project item by item, refusing more
// items than the bound.
func (r *reader) list(d *decoder, name, item string) error {
	var cals []calendarXML // calendars are converted together: they name their bases
	var calLines []int
	n := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if name == "Calendars" {
				r.calendars(cals, calLines)
			}
			return nil
		case xml.StartElement:
			if t.Name.Local != item {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			line, _ := d.InputPos()
			if n++; n > d.Max {
				return d.TooMany(item)
			}
			switch name {
			case "ExtendedAttributes":
				var fx fieldXML
				err = d.Fields(fx.Field, nil)
				r.customField(&fx)
			case "Calendars":
				var cx calendarXML
				err = d.calendar(&cx, t)
				cals, calLines = append(cals, cx), append(calLines, line)
			case "Tasks":
				var tx taskXML
				if err = d.task(&tx); err == nil {
					err = r.task(line, &tx)
				}
			case "Resources":
				var rx resourceXML
				if err = d.resource(&rx); err == nil {
					r.resource(line, &rx)
				}
			case "Assignments":
				var ax assignmentXML
				if err = d.assignment(&ax); err == nil {
					r.assignment(line, &ax)
				}
			}
			if err != nil {
				return err
			}
		}
	}
}

// reconcile makes the project schedulable where MS Project's calendar
// rules and critpath's differ (see package reconcile); each change is a
// warning at the task's or calendar's line. It returns the project
// compiled, for the manual tasks' dates and the splits; nil when it does
// not compile, or when nothing needs it: a project without assignments,
// manual dates or timephased work whose calendars all compile is left as
// it is, without compiling it whole (which would take as much memory
// again as the project).
func (r *reader) reconcile() *schedule.Network {
	if len(r.p.Assignments) == 0 && len(r.manualFinish) == 0 && len(r.timephased) == 0 {
		cals := *r.p
		cals.Tasks, cals.Links, cals.Resources, cals.Baselines = nil, nil, nil, nil
		if _, err := schedule.Compile(&cals); err == nil {
			return nil
		}
	}
	return reconcile.Calendars(r.p, func(kind, name, msg string) {
		if kind == "task" {
			r.warn(r.lineOf(name), "Task", "task %s: %s", name, msg)
			return
		}
		r.warn(r.calLine[name], "Calendar", "calendar %q: %s", name, msg)
	})
}

// lineOf is the line of the task with UID id (0 for none).
func (r *reader) lineOf(id string) int {
	if k, ok := r.taskAt[id]; ok {
		return r.taskLine[k]
	}
	return 0
}

// settle reads the settings durations are read by, once, before the
// first list (or at the end of a project without one).
func (r *reader) settle() {
	if r.settled {
		return
	}
	r.settled = true
	px := &r.px
	num := func(el, s string) int {
		if s == "" {
			return 0
		}
		v, err := parseInt(s)
		if err != nil || v <= 0 || v > 1<<20 {
			r.warn(r.lines[el], el, "%q: want a positive whole number; the default is used", s)
			return 0
		}
		return v
	}
	r.settings = schedule.Settings{MinutesPerDay: num("MinutesPerDay", px.MinutesPerDay), MinutesPerWeek: num("MinutesPerWeek", px.MinutesPerWeek), DaysPerMonth: num("DaysPerMonth", px.DaysPerMonth)}
}

// project reads the project's properties, once the document is read.
func (r *reader) project() error {
	p, px := r.p, &r.px
	p.Name = cmp.Or(px.Name, px.Title)
	if v, err := parseInt(px.SaveVersion); err == nil {
		r.f.SaveVersion = v
	}
	p.Settings = r.settings
	date := func(el, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := parseDate(s)
		if err != nil {
			r.warn(r.lines[el], el, "%v; ignored", err)
		}
		return t
	}
	p.Start = date("StartDate", px.StartDate)
	p.StatusDate = date("StatusDate", px.StatusDate)
	if fin, err := parseDate(px.FinishDate); err == nil && px.FinishDate != "" {
		r.f.Finish = fin
	}
	r.f.MultipleCriticalPaths, _ = parseBool(px.MultipleCritical)
	if fromStart, err := parseBool(px.ScheduleFromStart); err == nil && px.ScheduleFromStart != "" && !fromStart {
		p.FromFinish, p.Finish = true, date("FinishDate", px.FinishDate)
	}
	if p.Start.IsZero() && !p.FromFinish {
		return &ParseError{Line: max(1, r.lines["StartDate"]), Element: "StartDate", Err: errors.New("the project has no start date")}
	}
	if honor, err := parseBool(px.HonorConstraints); err == nil && px.HonorConstraints != "" && !honor {
		p.Options.Constraints = schedule.LinksFirst // "tasks will always honor their constraint dates" cleared
	}
	if uid := px.CalendarUID; uid != "" {
		if name, ok := r.calName[uid]; ok {
			p.Calendar = name
		} else {
			r.warn(max(1, r.lines["CalendarUID"]), "CalendarUID", "the project calendar UID %s is not in the file; Standard is used", uid)
		}
	}
	return nil
}
