package mspdi

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/reconcile"
	"github.com/critpath/critpath/interchange/internal/record"
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
	calName  map[string]string // calendar UID → name
	taskID   map[string]bool   // task UIDs kept
	line     map[string]int    // the line of each task ("T" + UID) and calendar ("C" + name)
	settings schedule.Settings
	// sawEmptyDate is set once a task's date was the empty-date sentinel.
	sawEmptyDate bool
	fieldByID    map[string]*schedule.CustomField
	sawContour   bool
	timephased   map[string]timephased // a task's first assignment's work, by task UID
	manualFinish map[string]time.Time  // a manually scheduled task's ManualFinish, by task UID
}

// emptyDate is the date third-party writers (Aspose.Tasks among them) put
// where MS Project leaves a date out: no schedule has a task event at
// midnight starting 2000.
var emptyDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func (r *reader) warn(line int, element, format string, args ...any) {
	r.f.Warnings = append(r.f.Warnings, Warning{Line: line, Where: element, Message: fmt.Sprintf(format, args...)})
}

// countingReader counts the bytes read, to refuse a file over max.
type countingReader struct {
	r      io.Reader
	n, max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, ErrTooLarge
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Read reads an MSPDI document. It is lenient, as the files MS Project and
// others write break the schema: a value it cannot read is a Warning
// naming its line and element, and the rest is read. It fails on what
// leaves no schedule — malformed XML, a root other than Project, no
// project start, a task UID given twice — with a *ParseError naming the
// line and element.
func Read(in io.Reader, opts *ReadOptions) (*File, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	cr := &countingReader{r: in, max: cmp.Or(opts.MaxBytes, DefaultMaxBytes)}
	d := xml.NewDecoder(cr)
	d.Strict = true
	var px projectXML
	if err := d.Decode(&px); err != nil {
		line, _ := d.InputPos()
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("%w: over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, cr.max)
		}
		if errors.Is(err, errTooMany) {
			return nil, &ParseError{Line: line, Err: err}
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &ParseError{Line: se.Line, Err: errors.New(se.Msg)}
		}
		var ue xml.UnmarshalError
		if errors.As(err, &ue) || strings.Contains(err.Error(), "expected element type") {
			return nil, &ParseError{Line: line, Element: "Project", Err: fmt.Errorf("not an MSPDI file: %v", err)}
		}
		return nil, &ParseError{Line: line, Err: err}
	}
	f := &File{Saved: map[string]Saved{}}
	r := &reader{p: &schedule.Project{Name: px.Name}, f: f, calName: map[string]string{}, taskID: map[string]bool{}, line: map[string]int{}}
	f.Project = r.p
	if err := r.project(&px); err != nil {
		return nil, err
	}
	r.calendars(&px)
	if uid := px.CalendarUID; uid != "" {
		if name, ok := r.calName[uid]; ok {
			r.p.Calendar = name
		} else {
			r.warn(1, "CalendarUID", "the project calendar UID %s is not in the file; Standard is used", uid)
		}
	}
	r.customFields(&px)
	if err := r.tasks(&px); err != nil {
		return nil, err
	}
	r.resources(&px)
	r.assignments(&px)
	n := r.reconcile()
	r.manualDates(n)
	r.splits(n)
	return f, nil
}

// reconcile makes the project schedulable where MS Project's calendar
// rules and critpath's differ (see package reconcile); each change is a
// warning at the task's or calendar's line.
func (r *reader) reconcile() *schedule.Network {
	return reconcile.Calendars(r.p, func(kind, name, msg string) {
		if kind == "task" {
			r.warn(r.line["T"+name], "Task", "task %s: %s", name, msg)
			return
		}
		r.warn(r.line["C"+name], "Calendar", "calendar %q: %s", name, msg)
	})
}

// project reads the project's properties.
func (r *reader) project(px *projectXML) error {
	p := r.p
	if p.Name == "" {
		p.Name = px.Title
	}
	if v, err := parseInt(px.SaveVersion); err == nil {
		r.f.SaveVersion = v
	}
	num := func(el, s string) int {
		if s == "" {
			return 0
		}
		v, err := parseInt(s)
		if err != nil || v <= 0 || v > 1<<20 {
			r.warn(1, el, "%q: want a positive whole number; the default is used", s)
			return 0
		}
		return v
	}
	r.settings = schedule.Settings{MinutesPerDay: num("MinutesPerDay", px.MinutesPerDay), MinutesPerWeek: num("MinutesPerWeek", px.MinutesPerWeek), DaysPerMonth: num("DaysPerMonth", px.DaysPerMonth)}
	p.Settings = r.settings
	date := func(el, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := parseDate(s)
		if err != nil {
			r.warn(1, el, "%v; ignored", err)
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
		return &ParseError{Line: 1, Element: "StartDate", Err: errors.New("the project has no start date")}
	}
	if honor, err := parseBool(px.HonorConstraints); err == nil && px.HonorConstraints != "" && !honor {
		p.Options.Constraints = schedule.LinksFirst // "tasks will always honor their constraint dates" cleared
	}
	return nil
}

// tasks reads the tasks in outline order: a task's parent is the nearest
// task above it one outline level up. The project summary task (UID 0),
// blank rows and inactive tasks are left out.
func (r *reader) tasks(px *projectXML) error {
	if px.Tasks == nil {
		return nil
	}
	ts := px.Tasks
	var stack []string // the task IDs of the open outline levels, from 1
	type pending struct {
		line  int
		links []linkXML
		id    string
	}
	var links []pending
	for k, tx := range ts.Items {
		line := ts.Lines[k]
		uid := strings.TrimSpace(tx.UID)
		if _, err := parseInt(uid); err != nil {
			r.warn(line, "UID", "task UID %q: not a whole number; the task is left out", tx.UID)
			continue
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
			continue // the project summary task
		}
		if null, _ := parseBool(tx.IsNull); null {
			continue // a blank row
		}
		if tx.Active != "" {
			if active, err := parseBool(tx.Active); err == nil && !active {
				r.warn(line, "Active", "task %s (%s) is inactive; left out", uid, tx.Name)
				continue
			}
		}
		if r.taskID[uid] {
			return &ParseError{Line: line, Element: "UID", Err: fmt.Errorf("task UID %s is given twice", uid)}
		}
		r.taskID[uid], r.line["T"+uid] = true, line
		if level > len(stack)+1 {
			r.warn(line, "OutlineLevel", "task %s: level %d under level %d; taken as %d", uid, level, len(stack), len(stack)+1)
			level = len(stack) + 1
		}
		stack = append(stack[:level-1], uid)
		t := r.task(line, uid, &tx)
		if level > 1 {
			t.Parent = stack[level-2]
		}
		r.p.Tasks = append(r.p.Tasks, t)
		links = append(links, pending{line, tx.PredecessorLink, uid})
	}
	for _, pl := range links {
		for _, lx := range pl.links {
			if l, ok := r.link(pl.line, pl.id, lx); ok {
				r.p.Links = append(r.p.Links, l)
			}
		}
	}
	return nil
}

// splits reads each task's splits from its assignment's timephased work
// (Type 1, work to do; Type 2, work done): MS Project writes a split as
// periods of explicitly no work between periods of work, and leaves
// non-working time without a value. The work before a gap, over the
// assignment's units, is where the split comes in the task's duration; a
// gap's length is the task calendar's working time across it. The
// periods of a task in progress are its work done and to do, in time
// order: a pause in the work done is why MS Project resumes it later than
// its actual start and the work done. Tasks finished, split already, or
// whose periods do not hold their duration are left as they are. n is the
// project compiled (nil when it does not compile: nothing is read then).
func (r *reader) splits(n *schedule.Network) {
	if len(r.timephased) == 0 || n == nil {
		return
	}
	for i := range r.p.Tasks {
		t := &r.p.Tasks[i]
		tp := r.timephased[t.ID]
		periods, units := tp.periods, tp.units
		if len(periods) == 0 || !t.ActualFinish.IsZero() || len(t.Splits) > 0 || t.Manual {
			continue
		}
		kinds := []string{"1"}
		if !t.ActualStart.IsZero() {
			kinds = append(kinds, "2")
		}
		type period struct {
			from, to time.Time
			value    string
		}
		var ps []period
		for _, tp := range periods {
			if !slices.Contains(kinds, strings.TrimSpace(tp.Type)) {
				continue
			}
			from, err1 := parseDate(tp.Start)
			to, err2 := parseDate(tp.Finish)
			if err1 != nil || err2 != nil || to.Before(from) {
				ps = nil
				break
			}
			ps = append(ps, period{from, to, strings.TrimSpace(tp.Value)})
		}
		slices.SortStableFunc(ps, func(a, b period) int { return a.from.Compare(b.from) })
		cal := n.Calendar(i)
		var splits []schedule.Split
		var worked float64 // minutes of the task's duration
		var gapFrom, gapTo time.Time
		for _, tp := range ps {
			if tp.value == "" {
				continue // non-working time
			}
			m, err := parseXSDDuration(tp.value)
			if err != nil || m < 0 {
				splits = nil
				break
			}
			switch {
			case m < 0.5 && worked > 0: // no work: a split, or more of one
				if gapFrom.IsZero() {
					gapFrom = tp.from
				}
				gapTo = tp.to
			case m >= 0.5:
				if !gapFrom.IsZero() {
					if gap, err := n.WorkBetween(cal, gapFrom, gapTo); err == nil && gap > 0 {
						splits = append(splits, schedule.Split{At: schedule.Minutes(math.Round(worked)), Gap: schedule.Minutes(float64(gap))})
					}
					gapFrom = time.Time{}
				}
				worked += m / units
			}
		}
		if d, err := n.Minutes(t.Duration); len(splits) > 0 && err == nil && !t.Duration.Elapsed && math.Abs(worked-float64(d)) <= 1 {
			t.Splits = splits
		}
	}
}

// timephased is an assignment's timephased work and its units (above 0).
type timephased struct {
	periods []timephasedXML
	units   float64
}

// customFields reads the extended attributes the project defines: each
// becomes a custom field named as MS Project names it ("Text1"), with its
// alias and FieldID. MS Project's task fields have IDs from 188743680,
// its resource fields from 205520896.
func (r *reader) customFields(px *projectXML) {
	if px.ExtendedAttributes == nil {
		return
	}
	for _, f := range px.ExtendedAttributes.Fields {
		if f.FieldID == "" || r.fieldByID[f.FieldID] != nil {
			continue
		}
		r.addField(f.FieldID, f.FieldName, f.Alias)
	}
}

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

// task converts one task.
func (r *reader) task(line int, uid string, tx *taskXML) schedule.Task {
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
	for _, bx := range tx.Baseline {
		r.baseline(line, uid, bx)
	}
	s := Saved{Start: date("Start", tx.Start), Finish: date("Finish", tx.Finish)}
	if lf, err := parseDate(tx.LateFinish); err == nil && tx.LateFinish != "" && !lf.Equal(emptyDate) {
		s.LateFinish = lf
	}
	if tx.TotalSlack != "" {
		if v, err := parseFloat(tx.TotalSlack); err == nil {
			s.TotalFloat, s.HasFloat = int64(math.Round(v/10)), true
		}
	}
	r.f.Saved[uid] = s
	return t
}

// baseline adds a task's saved baseline to the project's baselines:
// number 0 is "Baseline", 1–10 "Baseline1"… as MS Project names them.
func (r *reader) baseline(line int, uid string, bx baselineXML) {
	n := 0
	if bx.Number != "" {
		v, err := parseInt(bx.Number)
		if err != nil || v < 0 || v > 10 {
			r.warn(line, "Baseline", "task %s: baseline number %q; ignored", uid, bx.Number)
			return
		}
		n = v
	}
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
	if !r.taskID[pred] {
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

// resources reads the resources, leaving out MS Project's unnamed
// placeholder (UID 0).
func (r *reader) resources(px *projectXML) {
	if px.Resources == nil {
		return
	}
	rs := px.Resources
	seen := map[string]bool{}
	for k, rx := range rs.Items {
		line := rs.Lines[k]
		uid := strings.TrimSpace(rx.UID)
		if null, _ := parseBool(rx.IsNull); null || (uid == "0" && rx.Name == "") {
			continue
		}
		if seen[uid] {
			r.warn(line, "UID", "resource UID %s is given twice; the second is left out", uid)
			continue
		}
		seen[uid] = true
		res := schedule.Resource{ID: uid, Name: rx.Name, Group: rx.Group, Fields: r.values(line, "resource "+uid, rx.ExtendedAttribute, true)}
		typ := rx.Type
		switch {
		case typ == "0" && rx.IsCostResource == "1":
			res.Type = schedule.CostResource
		case typ == "0":
			res.Type = schedule.MaterialResource
		case typ == "2":
			res.Type = schedule.CostResource
		}
		num := func(el, s string) float64 {
			if s == "" {
				return 0
			}
			v, err := parseFloat(s)
			if err != nil || v < 0 {
				r.warn(line, el, "resource %s: %q; ignored", uid, s)
				return 0
			}
			return v
		}
		res.MaxUnits = num("MaxUnits", rx.MaxUnits)
		res.StandardRate = num("StandardRate", rx.StandardRate)
		res.OvertimeRate = num("OvertimeRate", rx.OvertimeRate)
		res.CostPerUse = num("CostPerUse", rx.CostPerUse)
		if c := rx.CalendarUID; c != "" && c != "-1" {
			if name, ok := r.calName[c]; ok {
				res.Calendar = name
			} else {
				r.warn(line, "CalendarUID", "resource %s: calendar UID %s is not in the file", uid, c)
			}
		}
		r.p.Resources = append(r.p.Resources, res)
	}
}

// assignments reads the assignments of resources to tasks; MS Project's
// "no resource" ones (ResourceUID −65535, or −1) are left out. Work is
// kept only where it is not the task's duration × units.
func (r *reader) assignments(px *projectXML) {
	if px.Assignments == nil {
		return
	}
	res := map[string]bool{}
	for _, x := range r.p.Resources {
		res[x.ID] = true
	}
	dur := map[string]schedule.Duration{}
	for _, t := range r.p.Tasks {
		dur[t.ID] = t.Duration
	}
	as := px.Assignments
	seen := map[[2]string]bool{}
	contoured := map[string]bool{} // tasks whose work a contour spreads over their duration
	defer func() {
		for k := range r.p.Tasks {
			if t := &r.p.Tasks[k]; contoured[t.ID] && t.Type != schedule.FixedDuration {
				t.Type = schedule.FixedDuration
				if !r.sawContour {
					r.sawContour = true
					r.warn(r.line["T"+t.ID], "WorkContour", "task %s: a work contour spreads its work over its duration; it is scheduled as fixed duration, keeping the duration MS Project gave it", t.ID)
				}
			}
		}
	}()
	for k, ax := range as.Items {
		line := as.Lines[k]
		task, rsc := strings.TrimSpace(ax.TaskUID), strings.TrimSpace(ax.ResourceUID)
		if _, ok := r.timephased[task]; !ok && r.taskID[task] && len(ax.Timephased) > 0 {
			if r.timephased == nil {
				r.timephased = map[string]timephased{}
			}
			tp := timephased{periods: ax.Timephased, units: 1}
			if v, err := parseFloat(ax.Units); err == nil && ax.Units != "" && v > 0 {
				tp.units = v
			}
			r.timephased[task] = tp
		}
		switch {
		case rsc == "-65535" || rsc == "-1" || rsc == "":
			continue
		case !r.taskID[task]:
			r.warn(line, "TaskUID", "assignment %s: task UID %q is not a task here; left out", ax.UID, ax.TaskUID)
			continue
		case !res[rsc]:
			r.warn(line, "ResourceUID", "assignment %s: resource UID %q is not a resource here; left out", ax.UID, ax.ResourceUID)
			continue
		case seen[[2]string{task, rsc}]:
			r.warn(line, "Assignment", "assignment %s: resource %s is on task %s twice; the second is left out", ax.UID, rsc, task)
			continue
		}
		seen[[2]string{task, rsc}] = true
		a := schedule.Assignment{Task: task, Resource: rsc, Units: 1}
		if ax.Units != "" {
			if v, err := parseFloat(ax.Units); err == nil && v >= 0 {
				a.Units = v
			} else {
				r.warn(line, "Units", "assignment %s: %q; taken as 1", ax.UID, ax.Units)
			}
		}
		if ax.Work != "" {
			if m, err := parseXSDDuration(ax.Work); err == nil {
				if d := minutesOf(dur[task], r.settings); math.Abs(m-d*a.Units) > 0.5 {
					a.Work = durationOf(m, fmtHours, r.settings)
					if c := strings.TrimSpace(ax.WorkContour); c != "" && c != "0" {
						contoured[task] = true
					}
				}
			}
		}
		r.p.Assignments = append(r.p.Assignments, a)
	}
}
