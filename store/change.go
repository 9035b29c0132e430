package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Change is a batch of edits from one client, applied all or none.
type Change struct {
	// Actor is who makes the change, as the caller authenticated them.
	Actor string `json:"actor"`
	// Command is the client's id for the change: the same id sent again
	// within AnswerTTL (24 hours) is answered as the first time and
	// applies nothing. Empty: no such guarantee.
	Command string `json:"command,omitempty"`
	// Base is the project's revision the client saw when it made the
	// change; an op's own Base, when set, overrides it.
	Base int64 `json:"base"`
	Ops  []Op  `json:"ops"`
}

// Op is one edit of a Change. Its Op names what it does:
//
//   - "set": Field of Task to Value (JSON; see Fields);
//   - "set_resource": Field of Resource to Value (see ResourceFields);
//   - "set_calendar": the calendar Calendar, added or replacing the one of
//     its name (its week and exceptions: a schedule field, refused when
//     stale);
//   - "add_task": the task New; "remove_task": Task;
//   - "add_link", "remove_link": Link (identified by its Pred, Succ and
//     Type; adding one that exists with another lag changes the lag);
//   - "assign", "unassign": Assignment (identified by its Task and
//     Resource; assigning again with other units changes them).
//
// Adding and removing links and assignments are idempotent by ID and
// commute: a remove takes away only what its client saw (added at or
// before its base), so that concurrent adds and removes end alike in
// any order, the add winning.
type Op struct {
	ID         string               `json:"id,omitempty"`
	Op         string               `json:"op"`
	Task       string               `json:"task,omitempty"`
	Resource   string               `json:"resource,omitempty"`
	Field      string               `json:"field,omitempty"`
	Value      json.RawMessage      `json:"value,omitempty"`
	New        *schedule.Task       `json:"new,omitempty"`
	Link       *schedule.Link       `json:"link,omitempty"`
	Assignment *schedule.Assignment `json:"assignment,omitempty"`
	Calendar   *schedule.Calendar   `json:"calendar,omitempty"`
	Base       int64                `json:"base,omitempty"`
}

// The kinds of Op.
const (
	OpSet         = "set"
	OpSetResource = "set_resource"
	OpSetCalendar = "set_calendar"
	OpAddTask     = "add_task"
	OpRemoveTask  = "remove_task"
	OpAddLink     = "add_link"
	OpRemoveLink  = "remove_link"
	OpAssign      = "assign"
	OpUnassign    = "unassign"
)

// Set returns an op setting a task's field to value, which is encoded as
// JSON: a string for names, notes, calendars and custom fields; a
// schedule.Duration for durations, work and the remaining duration; a
// schedule.Constraint; a time.Time for actual dates, deadlines and a
// manual start; a number for percent complete, priority and fixed cost;
// []schedule.Split for splits.
func Set(task, field string, value any) Op {
	raw, err := json.Marshal(value)
	if err != nil {
		raw = nil // Apply refuses the op for its missing value
	}
	return Op{Op: OpSet, Task: task, Field: field, Value: raw}
}

// SetResource returns an op setting a resource's field to value (JSON):
// a string for its name, group and calendar, a number for its units and
// rates.
func SetResource(resource, field string, value any) Op {
	op := Set("", field, value)
	op.Op, op.Resource = OpSetResource, resource
	return op
}

// SetCalendar returns an op adding c, or replacing the calendar of its
// name.
func SetCalendar(c schedule.Calendar) Op { return Op{Op: OpSetCalendar, Calendar: &c} }

// AddTask returns an op adding t.
func AddTask(t schedule.Task) Op { return Op{Op: OpAddTask, Task: t.ID, New: &t} }

// RemoveTask returns an op removing a task.
func RemoveTask(id string) Op { return Op{Op: OpRemoveTask, Task: id} }

// AddLink returns an op adding l, with an id for idempotency.
func AddLink(id string, l schedule.Link) Op { return Op{ID: id, Op: OpAddLink, Link: &l} }

// RemoveLink returns an op removing the link of l's Pred, Succ and Type.
func RemoveLink(id string, l schedule.Link) Op { return Op{ID: id, Op: OpRemoveLink, Link: &l} }

// Assign returns an op assigning a resource.
func Assign(id string, a schedule.Assignment) Op { return Op{ID: id, Op: OpAssign, Assignment: &a} }

// Unassign returns an op taking a resource off a task.
func Unassign(id, task, resource string) Op {
	return Op{ID: id, Op: OpUnassign, Assignment: &schedule.Assignment{Task: task, Resource: resource}}
}

// Outcome is the answer to an accepted change.
type Outcome struct {
	// Revision is the project's revision the change made.
	Revision int64 `json:"revision"`
	// Delta is what the change moved: the tasks whose dates, floats,
	// progress, work or cost changed, old and new, and the project
	// finish before and after.
	Delta schedule.Delta `json:"delta"`
	// Resolutions are the descriptive fields the change overwrote though
	// its client had not seen their last value: its value won, and each
	// says what it overwrote and whose it was.
	Resolutions []Resolution `json:"resolutions,omitempty"`
	// Skipped are the set ops that changed nothing: done before (their ID
	// seen), removing what is not there, or removing what was added after
	// the client's base.
	Skipped []Skip `json:"skipped,omitempty"`
	// Duplicate is true when the change's command was answered before:
	// this is that answer, and nothing was applied again.
	Duplicate bool `json:"duplicate,omitempty"`
	// DeltaOmitted is true on a duplicate's answer whose delta was too
	// large to keep (over 64 KiB as JSON: a change that moved most of a
	// large project): Delta holds only the project finish; the client
	// reads the schedule at Revision instead.
	DeltaOmitted bool `json:"delta_omitted,omitempty"`
}

// Resolution reports a descriptive field decided by last writer wins.
type Resolution struct {
	Op       int             `json:"op"`
	Task     string          `json:"task,omitempty"`
	Resource string          `json:"resource,omitempty"`
	Field    string          `json:"field"`
	Value    json.RawMessage `json:"value"`   // the value that won (this change's)
	Lost     json.RawMessage `json:"lost"`    // the value it overwrote
	LostBy   string          `json:"lost_by"` // who had set it
	Version  int64           `json:"version"` // the revision that had set it
	LostAt   time.Time       `json:"lost_at"` // when
}

// Skip reports an op that changed nothing, and why.
type Skip struct {
	Op     int    `json:"op"`
	Reason string `json:"reason"`
}

// Errors of Apply. Each comes wrapped in an *InputError or a
// *ConflictError that says where.
var (
	// ErrUnknownField: a set of a field there is not.
	ErrUnknownField = errors.New("no such field")
	// ErrDerived: a set of a computed value (dates, floats, critical).
	ErrDerived = errors.New("computed by the scheduler, never written")
	// ErrBadValue: a value of the wrong type or out of range.
	ErrBadValue = errors.New("bad value")
	// ErrTooLarge: a change over the store's limits.
	ErrTooLarge = errors.New("change too large")
	// ErrFuture: a base revision the project has not reached.
	ErrFuture = errors.New("revision from the future")
	// ErrConflict: a stale write of a field that moves the schedule.
	ErrConflict = errors.New("store: conflict")
)

// InputError is a change the store refused as it stands: it names the
// project and, where it can, the op (its index in Change.Ops), the task
// and the field. Nothing was written.
type InputError struct {
	Project string
	Op      int // -1 for the change as a whole
	Task    string
	Field   string
	Err     error
}

func (e *InputError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "store: project %q", e.Project)
	if e.Op >= 0 {
		fmt.Fprintf(&b, ", op %d", e.Op)
	}
	if e.Task != "" {
		fmt.Fprintf(&b, ", task %q", e.Task)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", field %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// ConflictError refuses a change that would overwrite, unseen, a field
// that moves the schedule. Nothing was written; each Conflict carries the
// current value, its version and who set it, for the client to decide.
type ConflictError struct {
	Project   string
	Conflicts []Conflict
}

// Conflict is one stale write.
type Conflict struct {
	Op       int             `json:"op"`
	Task     string          `json:"task,omitempty"`
	Resource string          `json:"resource,omitempty"`
	Calendar string          `json:"calendar,omitempty"`
	Field    string          `json:"field"`
	Current  json.RawMessage `json:"current"`
	Version  int64           `json:"version"` // the revision that set Current
	By       string          `json:"by"`
	At       time.Time       `json:"at"`
	Base     int64           `json:"base"` // the revision the client saw
}

func (e *ConflictError) Error() string {
	c := e.Conflicts[0]
	more := ""
	if len(e.Conflicts) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(e.Conflicts)-1)
	}
	what := fmt.Sprintf("task %q", c.Task)
	if c.Resource != "" {
		what = fmt.Sprintf("resource %q", c.Resource)
	}
	if c.Calendar != "" {
		what = fmt.Sprintf("calendar %q", c.Calendar)
	}
	return fmt.Sprintf("store: project %q, op %d: %s %s was changed at revision %d by %s, after revision %d the change was made from%s",
		e.Project, c.Op, what, c.Field, c.Version, c.By, c.Base, more)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
