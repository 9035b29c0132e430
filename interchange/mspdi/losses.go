package mspdi

import (
	"cmp"
	"fmt"
	"math"
	"time"

	"github.com/critpath/critpath/interchange/internal/loss"
	"github.com/critpath/critpath/schedule"
)

// What MSPDI cannot hold, or Microsoft Project would take otherwise, is
// written as near as it can be and reported once per kind (see
// loss.Tally). The elements the warnings name.
const (
	atProject    = "Project"
	atCalendar   = "Calendar"
	atTask       = "Task"
	atLink       = "PredecessorLink"
	atResource   = "Resource"
	atAssignment = "Assignment"
)

// count returns how many of p's tasks match, and the first's ID.
func count(p *schedule.Project, match func(t *schedule.Task) bool) (int, string) {
	n, first := 0, ""
	for k := range p.Tasks {
		if match(&p.Tasks[k]) {
			if n == 0 {
				first = p.Tasks[k].ID
			}
			n++
		}
	}
	return n, first
}

// affected says how many tasks are what a rule MS Project applies
// otherwise touches: "3 tasks here are in progress, such as A100", "task
// A100 is …", "no task here is …".
func affected(n int, first, what string) string {
	switch n {
	case 0:
		return fmt.Sprintf("no task here is %s", what)
	case 1:
		return fmt.Sprintf("task %s is %s", first, what)
	}
	return fmt.Sprintf("%d tasks here are %s, such as %s", n, what, first)
}

// honorConstraints chooses MSPDI's HonorConstraints for p's constraint
// rule: Microsoft Project's two rules as they are; P6's mandatory
// constraints as the nearer of the two for p — "honor constraint dates"
// when tasks have a mandatory start or finish (MSO, MFO), which it keeps
// on their dates, else cleared, under which start and finish no later
// than (SNLT, FNLT) bound the late dates alone, as in P6.
func honorConstraints(p *schedule.Project) bool {
	switch p.Options.Constraints {
	case schedule.HonorConstraints:
		return true
	case schedule.LinksFirst:
		return false
	}
	n, _ := count(p, func(t *schedule.Task) bool {
		return t.Constraint.Type == schedule.MSO || t.Constraint.Type == schedule.MFO
	})
	return n > 0
}

// projectLosses reports the project's settings MSPDI cannot hold: its
// time zone, and the scheduling rules that are not Microsoft Project's.
// summary holds the IDs of the summary tasks.
func projectLosses(p *schedule.Project, summary map[string]bool, lt *loss.Tally) {
	if zone := loss.Zone(p); zone != "" {
		lt.Add("time zone", atProject, fmt.Sprintf("the project's time zone %s is not written: MSPDI dates are wall-clock times without a zone (read back as UTC)", zone), "", "")
	}
	o, ms := p.Options, schedule.Options{}
	rule := func(key, text string) { lt.Add(key, atProject, text, "", "") }
	if o.TotalFloat != ms.TotalFloat {
		name := map[schedule.FloatKind]string{schedule.FinishFloat: "finish float (late finish − early finish)", schedule.StartFloat: "start float (late start − early start)"}[o.TotalFloat]
		rule("total float", fmt.Sprintf("total float as %s is not written: MS Project's total slack is the smaller of start and finish slack", name))
	}
	if o.LagCalendar != ms.LagCalendar {
		name := map[schedule.LagCalendar]string{schedule.LagPredecessor: "the predecessor's calendar", schedule.Lag24Hours: "a 24-hour calendar", schedule.LagProject: "the project calendar"}[o.LagCalendar]
		n, first := lagsAcross(p)
		rule("lag calendar", fmt.Sprintf("lags counted on %s are not written: MS Project counts them on the successor's calendar (%s)", name, affected(n, first, "the successor of a working-time lag from another calendar")))
	}
	if !o.CriticalFloat.IsZero() {
		rule("critical float", fmt.Sprintf("the critical float %v is not written: MSPDI has no such setting, and MS Project takes tasks with no slack as critical", o.CriticalFloat))
	}
	switch {
	case o.Constraints != schedule.MandatoryConstraints:
	case honorConstraints(p):
		n, first := count(p, func(t *schedule.Task) bool {
			return t.Constraint.Type == schedule.SNLT || t.Constraint.Type == schedule.FNLT || t.Constraint.Type == schedule.MSO || t.Constraint.Type == schedule.MFO
		})
		rule("constraints", fmt.Sprintf("P6's constraint rule is written as MS Project's \"tasks will always honor their constraint dates\", which keeps mandatory starts and finishes (MSO, MFO) on their dates but makes start and finish no later than (SNLT, FNLT) hard too, and stops negative float at MSO and MFO (%s)", affected(n, first, "so constrained")))
	default:
		rule("constraints", "P6's constraint rule is written as MS Project's with \"tasks will always honor their constraint dates\" cleared, which has start and finish no later than (SNLT, FNLT) bound the late dates alone, as P6 does (no task here has a mandatory start or finish)")
	}
	if o.SummaryFloat != ms.SummaryFloat {
		n, first := count(p, func(t *schedule.Task) bool { return summary[t.ID] })
		rule("summary float", fmt.Sprintf("summary float as the least of the subtasks' is not written: MS Project works a summary's slack out from its rolled-up dates (%s)", affected(n, first, "a summary")))
	}
	if o.Progress != ms.Progress {
		name := map[schedule.ProgressMode]string{schedule.RetainedLogic: "retained logic", schedule.ProgressOverride: "progress override"}[o.Progress]
		n, first := count(p, func(t *schedule.Task) bool { return !t.ActualStart.IsZero() && t.ActualFinish.IsZero() })
		rule("progress", fmt.Sprintf("P6's %s is not written: MS Project goes on with a task in progress from its work done, and schedules no remaining work after the status date by itself (%s)", name, affected(n, first, "in progress")))
	}
	if o.ALAP != ms.ALAP {
		n, first := count(p, func(t *schedule.Task) bool { return t.Constraint.Type == schedule.ALAP })
		rule("alap", fmt.Sprintf("as-late-as-possible tasks placed by their free float (P6) are not written: MS Project places them at their late dates (%s)", affected(n, first, "as late as possible")))
	}
	if o.LateDates != ms.LateDates {
		rule("late dates", "late dates from the links alone are not written: MS Project bounds every late finish by the project's finish")
	}
	if o.CrossCalendar != ms.CrossCalendar {
		rule("cross calendar", "links between tasks on other calendars read as P6 reads them are not written: MS Project reads the moments at the edges of working time as they are")
	}
	if o.FloatCalendar != ms.FloatCalendar {
		rule("float calendar", "float counted on the calendar a task is scheduled on is not written: MS Project counts a task's slack on its own calendar")
	}
}

// lagsAcross counts the successors of working-time lags between tasks on
// other calendars: where the lag calendar tells.
func lagsAcross(p *schedule.Project) (int, string) {
	cal := map[string]string{}
	for _, t := range p.Tasks {
		cal[t.ID] = cmp.Or(t.Calendar, p.Calendar, schedule.Standard)
	}
	n, first := 0, ""
	seen := map[string]bool{}
	for _, l := range p.Links {
		if l.Lag.IsZero() || l.Lag.Elapsed || l.Lag.Unit == schedule.Percent || cal[l.Pred] == cal[l.Succ] || seen[l.Succ] {
			continue
		}
		if n == 0 {
			first = l.Succ
		}
		seen[l.Succ] = true
		n++
	}
	return n, first
}

// finishBy writes a P6 project's finish-by date as Microsoft Project can
// hold it: MS Project has no "must finish by", and its nearest, which
// moves no task, is a deadline. Every task not finished whose own
// deadline is none or later gets the finish-by date as its deadline, so
// that its late finish is bound by it as P6 binds it: when the project
// finishes after the date, the negative float is the same; when it
// finishes before, MS Project counts float to the project's finish, not
// to the later date. It returns the deadlines, by task ID.
func finishBy(p *schedule.Project, summary map[string]bool, sched *schedule.Result, lt *loss.Tally) map[string]time.Time {
	if p.FinishBy.IsZero() {
		return nil
	}
	out := map[string]time.Time{}
	n, first := 0, ""
	for _, t := range p.Tasks {
		if summary[t.ID] || !t.ActualFinish.IsZero() || (!t.Deadline.IsZero() && !t.Deadline.After(p.FinishBy)) {
			continue
		}
		out[t.ID] = p.FinishBy
		if n == 0 {
			first = t.ID
		}
		n++
	}
	given := fmt.Sprintf("%d tasks, such as %s", n, first)
	switch n {
	case 0:
		given = "none is"
	case 1:
		given = "task " + first
	}
	msg := fmt.Sprintf("the project's finish-by date %s is not written as such: MS Project has no \"must finish by\"; it is written as the deadline of every task not finished that has none earlier (%s)",
		p.FinishBy.Format("2006-01-02 15:04"), given)
	if sched != nil {
		switch fin := sched.Finish(); {
		case fin.After(p.FinishBy):
			msg += fmt.Sprintf(", which bounds every task's late finish by it as P6 does, keeping its float: the project finishes %s, after it", fin.Format("2006-01-02 15:04"))
		case fin.Before(p.FinishBy):
			gap := "the working time between the two"
			if m, err := sched.Network().WorkBetween(cmp.Or(p.Calendar, schedule.Standard), fin, p.FinishBy); err == nil {
				gap = fmt.Sprintf("%gd on the project calendar", math.Round(float64(m)/float64(cmp.Or(p.Settings.MinutesPerDay, 480))*100)/100)
			}
			msg += fmt.Sprintf("; the project finishes %s, before it, and MS Project counts float to that finish, not to the finish-by date: floats read back are less by up to %s", fin.Format("2006-01-02 15:04"), gap)
		}
	}
	lt.Add("finish by", atProject, msg, "", "")
	return out
}

// taskLosses reports what a task holds that MSPDI does not, or holds
// otherwise.
func taskLosses(t *schedule.Task, summary bool, lt *loss.Tally) {
	if t.Duration.IsZero() && t.StartMilestone && !summary {
		lt.Add("start milestone", atTask, "start milestones are written as milestones: MS Project has one kind, which sits at the end of the working time before it, not at the start of the working time after it", "task", t.ID)
	}
	if pc := t.PercentComplete; pc != math.Round(pc) {
		lt.Add("percent", atTask, "percent complete is rounded to a whole percent: MSPDI holds no fractions", "task", fmt.Sprintf("%s: %v%% → %v%%", t.ID, pc, math.Round(pc)))
	}
	if !t.Work.IsZero() {
		lt.Add("work", atTask, "tasks' own work is written, but MS Project, and critpath reading the file, take a task's work from its assignments", "task", t.ID)
	}
	if t.Crash != nil {
		lt.Add("crash", atTask, "crash durations and costs (for time–cost trade-offs) are not written: MSPDI has none", "task", t.ID)
	}
	if r := t.Remaining; r != nil && !t.ActualStart.IsZero() && t.ActualFinish.IsZero() && !r.IsZero() &&
		(r.Unit != t.Duration.Unit || r.Elapsed != t.Duration.Elapsed) && !t.Duration.IsZero() {
		lt.Add("remaining unit", atTask, "remaining durations are written in the unit of the task's duration: MSPDI gives a task one duration format", "task", fmt.Sprintf("%s: %v", t.ID, *r))
	}
	if t.ActualCost != nil && t.ActualStart.IsZero() {
		lt.Add("actual cost", atTask, "actual costs of tasks not started are not written", "task", t.ID)
	}
}

// linkLosses reports what a link holds that MSPDI does not, and the
// links Microsoft Project would not take: it keeps one link between two
// tasks.
func linkLosses(p *schedule.Project, lt *loss.Tally) {
	pairs := map[[2]string]schedule.LinkType{}
	for _, l := range p.Links {
		name := fmt.Sprintf("%s→%s %v", l.Pred, l.Succ, l.Type)
		if !l.Overlap.IsZero() || l.ReworkCost != 0 {
			lt.Add("overlap", atLink, "fast-tracking overlaps and rework costs are not written: MSPDI has none", "link", name)
		}
		k := [2]string{l.Pred, l.Succ}
		if first, ok := pairs[k]; ok {
			lt.Add("two links", atLink, "two tasks joined by links of two types (as P6 allows) are written so, but MS Project keeps one link between two tasks and may drop the other on import", "pair of tasks", fmt.Sprintf("%s→%s %v and %v", l.Pred, l.Succ, first, l.Type))
			continue
		}
		pairs[k] = l.Type
	}
}
