package schedule

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Project is a schedule as its owner writes it: tasks, the links between
// them, calendars and resources. It is plain data; Compile checks it.
type Project struct {
	Name string
	// Start is the project start: no task starts earlier unless a
	// constraint puts it there. Its location is the project's time zone
	// unless Location is set.
	Start time.Time
	// FinishBy, when set, is the date the project must finish by: it
	// replaces the computed finish as every task's latest finish bound, so
	// missing it shows as negative float. It never moves a task.
	FinishBy time.Time
	// FromFinish schedules the project backward from Finish, as Microsoft
	// Project's "schedule from project finish date": every task without a
	// dated constraint is placed as late as possible, and the start is
	// worked out. Start may then be left zero.
	FromFinish bool
	Finish     time.Time
	// StatusDate is the date progress is reported to (P6's data date).
	// Under the P6 progress modes no remaining work is scheduled before it.
	// Actual dates after it are kept (work entered since the last update);
	// a task in progress then resumes no earlier than its actual start.
	StatusDate time.Time
	// Location is the time zone the calendars' hours are read in; nil
	// means Start's location (Finish's when scheduling backward).
	Location *time.Location
	// Calendar names the default calendar; empty means Standard.
	Calendar    string
	Settings    Settings
	Options     Options
	Calendars   []Calendar
	Tasks       []Task
	Links       []Link
	Resources   []Resource
	Assignments []Assignment
	// Baselines are saved schedules, by name (see Result.SaveBaseline).
	Baselines []Baseline
	// CustomFields define the custom fields tasks and resources carry
	// values of (Task.Fields, Resource.Fields): another tool's extra
	// columns, kept through a round trip; nothing is scheduled by them.
	CustomFields []CustomField
}

// Task is an activity, a milestone (zero duration) or, when other tasks
// name it as their Parent, a summary whose dates roll up from them.
type Task struct {
	// ID identifies the task; it is unique and stable across edits.
	ID   string
	Name string
	// Parent is the ID of the summary task above this one in the outline;
	// empty at the top level.
	Parent string
	// Duration is the task's length, in working time on its calendar or,
	// when Elapsed, round the clock. A summary's own duration is ignored.
	Duration   Duration
	Constraint Constraint
	// Deadline, when set, bounds the late finish: missing it shows as
	// negative float; it never moves the task.
	Deadline time.Time
	// Priority ranks the task for leveling, 0–1000, as Microsoft
	// Project's priority does: the lower one is delayed first, and 1000
	// is never delayed. Zero means the default, DefaultPriority (500); a
	// negative value (LowestPriority) asks for 0, the lowest. Read the
	// priority a task has with LevelingPriority, never from this field.
	Priority int
	// Calendar overrides the project calendar for this task.
	Calendar string
	// Manual marks a manually scheduled (pinned) task: it starts at Start
	// whatever its links and constraint say, and lasts its Duration; a
	// link it breaks is a Conflict. To pin its finish too, give it the
	// working time between the two as its duration (Network.WorkBetween),
	// as the MSPDI reader does with Microsoft Project's ManualFinish.
	Manual bool
	Start  time.Time
	Notes  string
	// Fields are the task's custom field values as text, by field name
	// (see Project.CustomFields).
	Fields map[string]string
	// StartMilestone makes a zero-length task sit at the start of the
	// working time that follows it (Monday 08:00), as a P6 start milestone
	// does, rather than at the end of the working time before it (Friday
	// 17:00). It tells only on other calendars' links and in the dates
	// reported.
	StartMilestone bool
	// Progress: the actual start and finish, the share of the duration
	// done (0–100), and the remaining duration when it is not the rest of
	// the duration (nil: Duration × (100 − PercentComplete) / 100). A task
	// with an actual finish is complete; with only an actual start, in
	// progress; its remaining work is scheduled as Options.Progress says.
	ActualStart     time.Time
	ActualFinish    time.Time
	PercentComplete float64
	Remaining       *Duration
	// Work and task type, for a task with work resources assigned: work
	// is duration × units per assignment. Type says which of the three
	// an edit keeps (Microsoft Project's task types); Work, when set, is
	// the task's total work, shared among its assignments by their units
	// when EffortDriven (see Assignment for how the three are resolved).
	Type         TaskType
	EffortDriven bool
	Work         Duration
	// IgnoreResourceCalendars schedules the task on its own calendar
	// alone; otherwise it works only when its calendar and all its work
	// resources' calendars do.
	IgnoreResourceCalendars bool
	// FixedCost is a cost of the task apart from its resources.
	FixedCost float64
	// ActualCost, when set, is what the task has cost so far, for earned
	// value; nil means its cost × its percent complete.
	ActualCost *float64
	// Splits are pauses in the task's work, in the order they come (see
	// Split); leveling adds them when LevelOptions allow it. NoSplit
	// forbids leveling to split the task (Microsoft Project's "leveling
	// can split" cleared); splits already given stay.
	Splits  []Split
	NoSplit bool
	// Crash, when set, says how far the task can be shortened and what it
	// then costs, for time–cost trade-offs (package optimize); the
	// scheduler itself ignores it.
	Crash *Crash
}

// DefaultPriority is the priority of a task whose Priority is zero:
// Microsoft Project's default.
const DefaultPriority = 500

// LowestPriority is the Priority that asks for priority 0, the lowest (a
// zero Priority means DefaultPriority), as a negative http.Server
// IdleTimeout asks for none.
const LowestPriority = -1

// LevelingPriority returns the priority t has, 0–1000: its Priority,
// DefaultPriority when that is zero, 0 when it is negative. Compile
// refuses a Priority over 1000.
func (t *Task) LevelingPriority() int { return max(0, cmp.Or(t.Priority, DefaultPriority)) }

// CustomField defines a custom field: its name in the tool that made it
// ("Text1"), the label users gave it, the tool's own identifier (MS
// Project's FieldID), and whether resources rather than tasks carry it.
type CustomField struct {
	Name, Alias, ID string
	Resource        bool
}

// Crash is a task's crash point, as the time–cost trade-off has it: the
// task can be shortened to Duration, where it costs Cost in all — or,
// when CostPerDay is set instead, each working day saved costs
// CostPerDay (a crash point gives one of the two). Its normal point is
// its Duration and its cost as scheduled (its resources and fixed cost);
// between the two the cost is linear, so each working day saved costs
// the same: the cost slope, (Cost − the normal cost) ÷ the days saved, or
// CostPerDay.
type Crash struct {
	Duration   Duration
	Cost       float64
	CostPerDay float64
}

// Split is a pause in a task's work, Microsoft Project's split task:
// after At of its work, counted from its start, the task stops for Gap,
// then goes on. Both are in the task's own time — working time on its
// calendar, or elapsed time for an elapsed task — so the pause moves
// with the task. A split within the work already done is history; one at
// or after it delays the remaining work; one at or past the end of the
// work (after the duration shrank, say) pauses nothing. A split task's finish is its start
// plus its duration plus its gaps; its work and cost are its duration's.
type Split struct {
	At, Gap Duration
}

// TaskType says which of a task's duration, units and work stays as it
// is when an edit changes another: Microsoft Project's task types.
type TaskType uint8

const (
	// FixedUnits keeps each assignment's units: a new duration changes
	// the work; new work changes the duration. Microsoft Project's
	// default.
	FixedUnits TaskType = iota
	// FixedDuration keeps the duration: new work changes the units.
	FixedDuration
	// FixedWork keeps the work: a new duration changes the units.
	FixedWork
)

var taskTypeNames = [...]string{"fixed_units", "fixed_duration", "fixed_work"}

func (t TaskType) String() string {
	if int(t) < len(taskTypeNames) {
		return taskTypeNames[t]
	}
	return fmt.Sprintf("TaskType(%d)", t)
}

// MarshalText implements encoding.TextMarshaler.
func (t TaskType) MarshalText() ([]byte, error) {
	return enumText("task type", taskTypeNames[:], int(t))
}

// UnmarshalText reads "fixed_units", "fixed_duration" or "fixed_work".
func (t *TaskType) UnmarshalText(b []byte) error {
	return enumParse("task type", taskTypeNames[:], b, (*uint8)(t))
}

// ConstraintType says how a constraint date binds a task.
type ConstraintType uint8

// The constraint types of Microsoft Project. Start No Later Than, Finish No
// Later Than and deadlines bound the late dates only (missing them is
// negative float); Must Start On and Must Finish On fix both early and late
// dates, overriding links (a violated link is reported by Conflicts).
const (
	ASAP ConstraintType = iota // as soon as possible: no date
	ALAP                       // as late as possible: no date
	SNET                       // start no earlier than
	SNLT                       // start no later than
	FNET                       // finish no earlier than
	FNLT                       // finish no later than
	MSO                        // must start on
	MFO                        // must finish on
)

var constraintNames = [...]string{"ASAP", "ALAP", "SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"}

func (c ConstraintType) String() string {
	if int(c) < len(constraintNames) {
		return constraintNames[c]
	}
	return fmt.Sprintf("ConstraintType(%d)", c)
}

// MarshalText implements encoding.TextMarshaler.
func (c ConstraintType) MarshalText() ([]byte, error) {
	return enumText("constraint type", constraintNames[:], int(c))
}

// UnmarshalText reads "ASAP", "SNET", … (case-insensitive).
func (c *ConstraintType) UnmarshalText(text []byte) error {
	return enumParse("constraint type", constraintNames[:], text, (*uint8)(c))
}

// dated reports whether the type needs a date.
func (c ConstraintType) dated() bool { return c >= SNET }

// Constraint is a task's date constraint. Date is ignored for ASAP and ALAP.
type Constraint struct {
	Type ConstraintType
	Date time.Time
}

// LinkType says which ends of two tasks a link ties.
type LinkType uint8

// The four link types; the zero value is finish-to-start.
const (
	FS LinkType = iota // successor starts after predecessor finishes
	SS                 // successor starts after predecessor starts
	FF                 // successor finishes after predecessor finishes
	SF                 // successor finishes after predecessor starts
)

var linkNames = [...]string{"FS", "SS", "FF", "SF"}

func (t LinkType) String() string {
	if int(t) < len(linkNames) {
		return linkNames[t]
	}
	return fmt.Sprintf("LinkType(%d)", t)
}

// MarshalText implements encoding.TextMarshaler.
func (t LinkType) MarshalText() ([]byte, error) { return enumText("link type", linkNames[:], int(t)) }

// UnmarshalText reads "FS", "SS", "FF" or "SF" (case-insensitive).
func (t *LinkType) UnmarshalText(text []byte) error {
	return enumParse("link type", linkNames[:], text, (*uint8)(t))
}

// fromFinish reports whether the link leaves the predecessor's finish.
func (t LinkType) fromFinish() bool { return t == FS || t == FF }

// toFinish reports whether the link binds the successor's finish.
func (t LinkType) toFinish() bool { return t == FF || t == SF }

// Link is a dependency: Succ's start or finish follows Pred's start or
// finish, as Type says, shifted by Lag (negative for a lead). A lag in
// working time runs on the lag calendar (Options.LagCalendar); a Percent
// lag is that share of the predecessor's duration. Two tasks may be joined
// by one link of each type, as Primavera P6 allows (a start-to-start and a
// finish-to-finish link together, say); two of one type is an error.
type Link struct {
	Pred, Succ string
	Type       LinkType
	Lag        Duration
	// Overlap is how far fast-tracking may let the successor of a
	// finish-to-start link start before the predecessor finishes (plus
	// the lag), in working time; ReworkCost what each working day of
	// overlap is expected to cost in rework (package optimize). The
	// scheduler itself ignores both.
	Overlap    Duration
	ReworkCost float64
}

func (l *Link) String() string {
	s := fmt.Sprintf("%q→%q %s", l.Pred, l.Succ, l.Type)
	if !l.Lag.IsZero() {
		if l.Lag.Amount > 0 {
			s += "+"
		}
		s += l.Lag.String()
	}
	return s
}

// Options choose between the ways the scheduling tools compute. The zero
// value is Microsoft Project's behaviour; P6Options returns Primavera P6's.
type Options struct {
	// TotalFloat chooses the total float formula. Default: the smaller of
	// start float and finish float, as Microsoft Project computes it.
	TotalFloat FloatKind
	// LagCalendar chooses the calendar working-time lags run on. Default:
	// the successor's, as Microsoft Project does.
	LagCalendar LagCalendar
	// CriticalFloat is the total float at or below which a task is
	// critical, in working time. Default 0.
	CriticalFloat Duration
	// Constraints chooses what the late and mandatory constraints can
	// override. Default: Microsoft Project's "tasks will always honor their
	// constraint dates".
	Constraints ConstraintMode
	// SummaryFloat chooses how a summary task's total float is found.
	// Default: from its rolled-up dates, as Microsoft Project does.
	SummaryFloat SummaryFloatKind
	// Progress chooses how the remaining work of tasks in progress is
	// scheduled. Default: as Microsoft Project does (ActualDates).
	Progress ProgressMode
	// ALAP chooses how late an as-late-as-possible task is placed.
	// Default: at its late dates, as Microsoft Project does.
	ALAP ALAPMode
	// LateDates chooses what bounds late dates. Default: the project
	// finish bounds every task, as Microsoft Project and P6 do.
	LateDates LateDatesMode
	// CrossCalendar chooses how a link between tasks on different
	// calendars reads the moments at the edges of working time. Default:
	// strictly, as wall-clock moments.
	CrossCalendar CrossCalendarMode
	// FloatCalendar chooses the calendar the float of a task scheduled on
	// its resources' calendars is counted on. Default: the task's own
	// calendar (the project's when it names none), as Microsoft Project
	// counts Total Slack and Free Slack.
	FloatCalendar FloatCalendarMode
}

// FloatCalendarMode chooses the calendar a task's total and free float
// are counted on when it works on its resources' calendars.
type FloatCalendarMode uint8

const (
	// FloatTaskCalendar counts it on the task's own calendar, the
	// project's when it names none, as Microsoft Project does: a task
	// whose resource works round the clock still counts its slack in the
	// project's working days.
	FloatTaskCalendar FloatCalendarMode = iota
	// FloatWorkCalendar counts it on the calendar the task is scheduled
	// on: its own together with its work resources' (as P6 counts a
	// resource-dependent activity's float on its dates).
	FloatWorkCalendar
)

var floatCalendarNames = [...]string{"task", "work"}

// MarshalText implements encoding.TextMarshaler.
func (m FloatCalendarMode) MarshalText() ([]byte, error) {
	return enumText("float calendar", floatCalendarNames[:], int(m))
}

// UnmarshalText reads "task" or "work".
func (m *FloatCalendarMode) UnmarshalText(b []byte) error {
	return enumParse("float calendar", floatCalendarNames[:], b, (*uint8)(m))
}

// CrossCalendarMode chooses how the backward pass reads a successor's
// late date across calendars, where the end of one working period and the
// start of the next are the same working time (Friday 17:00 and Monday
// 08:00).
type CrossCalendarMode uint8

const (
	// CrossStrict reads moments as wall-clock time: a predecessor bound by
	// a successor's start starts no later than that moment, and a
	// milestone's date is the moment work resumes (Monday 08:00).
	CrossStrict CrossCalendarMode = iota
	// CrossP6 reads them as P6 does: a milestone's late date is the end of
	// the working time before it on its own calendar (Friday 17:00), and a
	// start at the end of a working period may be the start of the next.
	// With predecessors on other calendars this can leave them negative
	// float where nothing is missed, as P6 shows.
	CrossP6
)

var crossCalendarNames = [...]string{"strict", "p6"}

// MarshalText implements encoding.TextMarshaler.
func (m CrossCalendarMode) MarshalText() ([]byte, error) {
	return enumText("cross-calendar mode", crossCalendarNames[:], int(m))
}

// UnmarshalText reads "strict" or "p6".
func (m *CrossCalendarMode) UnmarshalText(b []byte) error {
	return enumParse("cross-calendar mode", crossCalendarNames[:], b, (*uint8)(m))
}

// LateDatesMode chooses what bounds the late dates of the backward pass.
type LateDatesMode uint8

const (
	// LateCapped bounds every task's late finish by the project finish
	// (or finish-by date), as Microsoft Project and P6 do: a predecessor
	// joined by a start-to-start or start-to-finish link never has a late
	// finish after the project's.
	LateCapped LateDatesMode = iota
	// LateByLinks takes late dates from the links alone, as textbook CPM
	// does: a long predecessor of a start-to-start link may finish late
	// after the project, its float counting that.
	LateByLinks
)

var lateDatesNames = [...]string{"capped", "by-links"}

// MarshalText implements encoding.TextMarshaler.
func (m LateDatesMode) MarshalText() ([]byte, error) {
	return enumText("late dates mode", lateDatesNames[:], int(m))
}

// UnmarshalText reads "capped" or "by-links".
func (m *LateDatesMode) UnmarshalText(b []byte) error {
	return enumParse("late dates mode", lateDatesNames[:], b, (*uint8)(m))
}

// ALAPMode chooses where an as-late-as-possible task goes.
type ALAPMode uint8

const (
	// ALAPTotalFloat places it at its late dates, as Microsoft Project
	// does: it uses up its total float, and what follows it moves later
	// with it.
	ALAPTotalFloat ALAPMode = iota
	// ALAPFreeFloat places it as late as it can go without delaying any
	// successor's early dates, as Primavera P6 does: it uses up its free
	// float only, and its early dates and float are those of where it is
	// placed. Its summaries' rolled-up dates do not hold it back.
	ALAPFreeFloat
)

var alapNames = [...]string{"total-float", "free-float"}

// MarshalText implements encoding.TextMarshaler.
func (m ALAPMode) MarshalText() ([]byte, error) { return enumText("ALAP mode", alapNames[:], int(m)) }

// UnmarshalText reads "total-float" or "free-float".
func (m *ALAPMode) UnmarshalText(b []byte) error {
	return enumParse("ALAP mode", alapNames[:], b, (*uint8)(m))
}

// ProgressMode chooses how remaining work is scheduled, after the three
// modes Primavera P6 names.
type ProgressMode uint8

const (
	// ActualDates is Microsoft Project's behaviour: a task in progress
	// keeps its actual start and its remaining work follows on from the
	// work done, whatever its links and the status date; tasks not started
	// are scheduled by their links, before the status date if the links
	// allow.
	ActualDates ProgressMode = iota
	// RetainedLogic is P6's default: no remaining work before the status
	// date, and the remaining work of a task in progress still waits for
	// its predecessors (an out-of-sequence task waits for the work it
	// skipped).
	RetainedLogic
	// ProgressOverride: no remaining work before the status date; a task
	// in progress goes on from the status date whatever its predecessors.
	ProgressOverride
)

// ConstraintMode says how hard the constraints that can contradict links
// are: Start/Finish No Later Than and Must Start/Finish On.
type ConstraintMode uint8

const (
	// HonorConstraints is Microsoft Project's default ("tasks will always
	// honor their constraint dates"): SNLT and FNLT hold a task at their
	// date even when its links want it later, and MSO and MFO fix its
	// early and late dates, so negative float does not flow through them
	// to their predecessors. A link they break is a Conflict.
	HonorConstraints ConstraintMode = iota
	// LinksFirst is Microsoft Project with that option cleared: links win;
	// SNLT, FNLT and the late side of MSO and MFO only bound late dates
	// (negative float), and MSO and MFO also give an earliest date.
	LinksFirst
	// MandatoryConstraints is Primavera P6: SNLT and FNLT only bound late
	// dates; MSO and MFO (P6's mandatory start and finish) override links
	// on the early side and bound the late side, so negative float from
	// later work still flows through them to their predecessors.
	MandatoryConstraints
)

// SummaryFloatKind chooses a summary task's total float.
type SummaryFloatKind uint8

const (
	// RolledUpFloat: the working time between the rolled-up early and late
	// finish (and start) on the summary's calendar, as Microsoft Project
	// computes it.
	RolledUpFloat SummaryFloatKind = iota
	// SubtaskFloat: the least total float of its subtasks, as P6 shows for
	// a WBS band.
	SubtaskFloat
)

// P6Options returns Primavera P6's defaults: finish float, lags on the
// predecessor's calendar, mandatory constraints, WBS float from the
// activities, and retained logic.
func P6Options() Options {
	return Options{TotalFloat: FinishFloat, LagCalendar: LagPredecessor, Constraints: MandatoryConstraints,
		SummaryFloat: SubtaskFloat, Progress: RetainedLogic, ALAP: ALAPFreeFloat, CrossCalendar: CrossP6,
		FloatCalendar: FloatWorkCalendar}
}

// Profile returns the options of a named tool: "msproject" or "p6".
func Profile(name string) (Options, bool) {
	switch strings.ToLower(name) {
	case "msproject", "ms-project", "microsoft project":
		return Options{}, true
	case "p6", "primavera", "primavera p6":
		return P6Options(), true
	}
	return Options{}, false
}

// FloatKind chooses a total float formula.
type FloatKind uint8

const (
	SmallestFloat FloatKind = iota // min(LS−ES, LF−EF), Microsoft Project
	FinishFloat                    // LF−EF, Primavera P6's default
	StartFloat                     // LS−ES
)

// LagCalendar chooses the calendar on which working-time lags are counted.
type LagCalendar uint8

const (
	LagSuccessor   LagCalendar = iota // the successor's calendar (Microsoft Project)
	LagPredecessor                    // the predecessor's calendar (Primavera P6's default)
	Lag24Hours                        // round the clock
	LagProject                        // the project's default calendar
)

var floatNames = [...]string{"smallest", "finish", "start"}
var lagCalNames = [...]string{"successor", "predecessor", "24h", "project"}
var constraintModeNames = [...]string{"honor", "links-first", "mandatory"}
var summaryFloatNames = [...]string{"rolled-up", "subtasks"}
var progressNames = [...]string{"actual-dates", "retained-logic", "progress-override"}

// MarshalText implements encoding.TextMarshaler.
func (m ProgressMode) MarshalText() ([]byte, error) {
	return enumText("progress mode", progressNames[:], int(m))
}

// UnmarshalText reads "actual-dates", "retained-logic" or "progress-override".
func (m *ProgressMode) UnmarshalText(b []byte) error {
	return enumParse("progress mode", progressNames[:], b, (*uint8)(m))
}

// MarshalText implements encoding.TextMarshaler.
func (m ConstraintMode) MarshalText() ([]byte, error) {
	return enumText("constraint mode", constraintModeNames[:], int(m))
}

// UnmarshalText reads "honor", "links-first" or "mandatory".
func (m *ConstraintMode) UnmarshalText(b []byte) error {
	return enumParse("constraint mode", constraintModeNames[:], b, (*uint8)(m))
}

// MarshalText implements encoding.TextMarshaler.
func (k SummaryFloatKind) MarshalText() ([]byte, error) {
	return enumText("summary float", summaryFloatNames[:], int(k))
}

// UnmarshalText reads "rolled-up" or "subtasks".
func (k *SummaryFloatKind) UnmarshalText(b []byte) error {
	return enumParse("summary float", summaryFloatNames[:], b, (*uint8)(k))
}

// MarshalText implements encoding.TextMarshaler.
func (f FloatKind) MarshalText() ([]byte, error) {
	return enumText("total float", floatNames[:], int(f))
}

// UnmarshalText reads "smallest", "finish" or "start".
func (f *FloatKind) UnmarshalText(b []byte) error {
	return enumParse("total float", floatNames[:], b, (*uint8)(f))
}

// MarshalText implements encoding.TextMarshaler.
func (l LagCalendar) MarshalText() ([]byte, error) {
	return enumText("lag calendar", lagCalNames[:], int(l))
}

// UnmarshalText reads "successor", "predecessor", "24h" or "project".
func (l *LagCalendar) UnmarshalText(b []byte) error {
	return enumParse("lag calendar", lagCalNames[:], b, (*uint8)(l))
}

// enumText spells value v of an enumeration named what.
func enumText(what string, names []string, v int) ([]byte, error) {
	if v < 0 || v >= len(names) {
		return nil, fmt.Errorf("schedule: %s %d out of range", what, v)
	}
	return []byte(names[v]), nil
}

// enumParse reads one of names, case-insensitively, into *dst.
func enumParse(what string, names []string, b []byte, dst *uint8) error {
	for i, n := range names {
		if strings.EqualFold(string(b), n) {
			*dst = uint8(i)
			return nil
		}
	}
	return fmt.Errorf("schedule: %s %q: want one of %s", what, b, strings.Join(names, ", "))
}
