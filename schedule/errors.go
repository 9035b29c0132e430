package schedule

import (
	"errors"
	"fmt"
	"strings"
)

// Conditions that Compile reports, each wrapped in an *InputError that says
// where: test for them with errors.Is.
var (
	ErrUnknownTask     = errors.New("unknown task")
	ErrDuplicateTask   = errors.New("duplicate task id")
	ErrUnknownResource = errors.New("unknown resource")
	ErrDuplicateLink   = errors.New("duplicate link")
	ErrSelfLink        = errors.New("task linked to itself")
	ErrSummaryLink     = errors.New("link between a summary task and its own subtask")
	ErrNegative        = errors.New("negative duration")
	ErrBadUnit         = errors.New("unit not allowed here")
	ErrUnknownCalendar = errors.New("unknown calendar")
	ErrCalendarCycle   = errors.New("calendar is its own base")
	ErrNoWorkingTime   = errors.New("calendar has no working time")
	ErrBadInterval     = errors.New("bad working interval")
	ErrBadDate         = errors.New("date out of range")
	ErrBadConstraint   = errors.New("bad constraint")
	ErrBadValue        = errors.New("value out of range")
	ErrParentCycle     = errors.New("task is its own outline ancestor")
	ErrNoStatusDate    = errors.New("the project has no status date")
)

// InputError says which part of a project is wrong and why. Exactly the
// fields that locate the problem are set.
type InputError struct {
	Task     string // the task's ID
	Link     *Link  // the link, as given
	Calendar string // the calendar's name
	Field    string // the field, as named in the JSON encoding
	Err      error  // the condition; often one of the Err variables
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString("schedule: ")
	switch {
	case e.Link != nil:
		fmt.Fprintf(&b, "link %s: ", e.Link)
	case e.Task != "":
		fmt.Fprintf(&b, "task %q: ", e.Task)
	case e.Calendar != "":
		fmt.Fprintf(&b, "calendar %q: ", e.Calendar)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "%s: ", e.Field)
	}
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "schedule: "))
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// CycleError reports that the links (with the outline: a summary task
// starts before and finishes after its subtasks) form a loop. Tasks lists
// one loop's tasks in link order, starting from the smallest ID; the last
// task leads back to the first. The message names them all for a short
// loop; for a long one, its length and the first and last few tasks.
type CycleError struct {
	Tasks []string
}

// cycleShown is how many tasks the message of a long loop names at each
// end.
const cycleShown = 5

func (e *CycleError) Error() string {
	ids := e.Tasks
	switch {
	case len(ids) == 0:
		return "schedule: the links form a cycle"
	case len(ids) <= 2*cycleShown+1:
		return fmt.Sprintf("schedule: the links form a cycle: %s → %s", strings.Join(ids, " → "), ids[0])
	}
	return fmt.Sprintf("schedule: the links form a cycle of %d tasks: %s → … → %s → %s", len(ids),
		strings.Join(ids[:cycleShown], " → "), strings.Join(ids[len(ids)-cycleShown:], " → "), ids[0])
}

// maxReported bounds how many input problems Compile reports at once.
const maxReported = 20
