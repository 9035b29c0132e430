package mspdi

import (
	"fmt"
	"time"

	"github.com/critpath/critpath/schedule"
)

// manualDates schedules each manually scheduled task from its ManualStart
// to its ManualFinish, as Microsoft Project shows it: where the file's
// duration says otherwise (GanttProject writes PT24H for a day from 00:00
// to the next 00:00 on an 8-hour calendar), the task's duration becomes
// the working time between the two on the calendar it works on (elapsed
// time for an elapsed task), in the unit it was given in, and a task
// whose work is given keeps it as fixed duration, its units following.
// One warning names the first such task and counts them. A task started
// keeps its actual dates; a finish before the start is a warning. n is
// the project compiled (nil when it does not compile: nothing is done).
func (r *reader) manualDates(n *schedule.Network) {
	if len(r.manualFinish) == 0 || n == nil {
		return
	}
	worked := map[string]bool{} // tasks with work given
	for _, a := range r.p.Assignments {
		if !a.Work.IsZero() {
			worked[a.Task] = true
		}
	}
	res := n.NewResult()
	var first *schedule.Task // the first task changed, and what it said
	var said string
	changed := 0
	for k := range r.p.Tasks {
		t := &r.p.Tasks[k]
		finish, ok := r.manualFinish[t.ID]
		i, known := n.Index(t.ID)
		if !ok || !known || !t.Manual || t.Start.IsZero() || !t.ActualStart.IsZero() {
			continue
		}
		if finish.Before(t.Start) {
			r.warn(r.lineOf(t.ID), "ManualFinish", "task %s: %s is before its ManualStart %s; it lasts its duration", t.ID, formatDate(finish), formatDate(t.Start))
			continue
		}
		span := int64(finish.Sub(t.Start) / time.Minute)
		if !t.Duration.Elapsed {
			w, err := n.WorkBetween(n.Calendar(i), t.Start, finish)
			if err != nil {
				continue
			}
			span = w
		}
		if span == res.Duration(i) {
			continue
		}
		if first == nil {
			first, said = t, fmt.Sprintf("its duration, %v, is not the %s of working time between its ManualStart %s and ManualFinish %s",
				t.Duration, formatXSDDuration(float64(span)), formatDate(t.Start), formatDate(finish))
		}
		changed++
		t.Duration = durationOf(float64(span), formatOf(t.Duration.Unit, t.Duration.Elapsed), r.settings)
		if (worked[t.ID] || !t.Work.IsZero()) && span > 0 {
			t.Type = schedule.FixedDuration
		}
	}
	if first != nil {
		more := ""
		if changed > 1 {
			more = fmt.Sprintf(" (so are %d other manually scheduled tasks)", changed-1)
		}
		r.warn(r.lineOf(first.ID), "ManualFinish", "task %s: %s; it is scheduled from one to the other, as Microsoft Project shows it%s", first.ID, said, more)
	}
}
