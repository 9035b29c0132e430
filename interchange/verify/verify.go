package verify

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/schedule"
)

// ErrNothingSaved is a project that holds no dates a tool saved (one read
// from JSON, a workbook, CSV or PSPLIB).
var ErrNothingSaved = errors.New("verify: the file holds no dates saved by another tool to verify against (verify reads Microsoft Project XML and P6 XER and PMXML)")

// Report is what Check found for one project.
type Report struct {
	// Matched of Compared tasks have the start, finish and total float the
	// tool saved; LeftOut tasks were not compared (Excluded says why).
	Matched, Compared, LeftOut int
	Mismatches                 []Mismatch
	Excluded                   []Exclusion
}

// Mismatch is a task whose dates or float differ from the saved ones.
type Mismatch struct {
	Task, Name string
	// Got is what critpath computed, Saved what the tool saved; Differs
	// says which of them differ.
	Got, Saved interchange.Saved
	Differs    Field
}

// Field is a set of the values compared.
type Field uint8

// The values compared.
const (
	Start Field = 1 << iota
	Finish
	TotalFloat
)

// layout spells dates in messages.
const layout = "Mon 2006-01-02 15:04"

// String spells the mismatch as "task A (Name): start …, saved …; total
// float 120m, saved 60m".
func (m Mismatch) String() string {
	return fmt.Sprintf("task %s (%s): %s", m.Task, m.Name, m.differences())
}

// differences spells what differs: "start …, saved …; finish …".
func (m Mismatch) differences() string {
	var diffs []string
	if m.Differs&Start != 0 {
		diffs = append(diffs, fmt.Sprintf("start %s, saved %s", m.Got.Start.Format(layout), m.Saved.Start.Format(layout)))
	}
	if m.Differs&Finish != 0 {
		diffs = append(diffs, fmt.Sprintf("finish %s, saved %s", m.Got.Finish.Format(layout), m.Saved.Finish.Format(layout)))
	}
	if m.Differs&TotalFloat != 0 {
		diffs = append(diffs, fmt.Sprintf("total float %dm, saved %dm", m.Got.TotalFloat, m.Saved.TotalFloat))
	}
	return strings.Join(diffs, "; ")
}

// Exclusion is a task, or a whole project, left out of the comparison,
// with the reason.
type Exclusion struct {
	// Task is the task left out; "" when a whole project is.
	Task string
	// Name is the task's name, or the project's; Tasks the number of
	// tasks a project's exclusion leaves out.
	Name   string
	Tasks  int
	Reason string
}

// String spells the exclusion as "task A (Name): left out: …" or
// "project "P" (12 tasks): left out: …".
func (e Exclusion) String() string {
	if e.Task == "" {
		return fmt.Sprintf("project %q (%d tasks): left out: %s", e.Name, e.Tasks, e.Reason)
	}
	return fmt.Sprintf("task %s (%s): left out: %s", e.Task, e.Name, e.Reason)
}

// Check reschedules pr.Project with the rules of the tool that wrote it
// and compares its dates with the ones the tool saved. A Microsoft
// Project task whose saved late finish is before the project finish the
// file saved, though nothing holds it there (no successor, deadline or
// late constraint, on it or a summary above it) and "calculate multiple
// critical paths" is off, kept its late dates from before the finish
// moved: it is left out, its dates reported. pr is not changed. Check
// fails with ErrNothingSaved when the project holds no saved dates, and
// with the scheduler's error when it does not schedule.
func Check(pr *interchange.Project) (*Report, error) {
	if pr.Saved == nil {
		return nil, ErrNothingSaved
	}
	v := &Report{}
	p := pr.Project
	if pr.Tool == "msproject" {
		opts, _ := schedule.Profile("msproject")
		opts.Constraints = p.Options.Constraints
		q := *p
		q.Options = opts
		p = &q
	}
	r, err := schedule.Run(p)
	if err != nil {
		return nil, err
	}
	if broken, example := brokenLinks(p, pr.Saved); broken > 0 && 4*broken >= len(p.Links) {
		n := countSaved(p, pr.Saved)
		v.Excluded = append(v.Excluded, Exclusion{Name: p.Name, Tasks: n, Reason: fmt.Sprintf("its saved dates break %d of its %d links (%s): the file's dates were not worked out again after its links changed",
			broken, len(p.Links), example)})
		v.LeftOut += n
		return v, nil
	}
	out := leftOut{stale: staleLateDates(r, p, pr)}
	odd := inconsistent(r, p, pr.Saved)
	if len(odd) > 0 && pr.Tool == "p6" {
		// A tool that ignored its calendars' holidays: every task agrees
		// with its dates once they are dropped.
		q := *p
		q.Calendars = slices.Clone(p.Calendars)
		for k := range q.Calendars {
			q.Calendars[k].Exceptions = nil
		}
		if rq, err := schedule.Run(&q); err == nil && len(inconsistent(rq, &q, pr.Saved)) == 0 {
			var first string
			for i := range odd {
				if first == "" || p.Tasks[i].ID < first {
					first = p.Tasks[i].ID
				}
			}
			// Only when every task then matches (the holidays explain the
			// file) and more than with them.
			sub, with := &Report{}, &Report{}
			compare(r, p, pr, with, out)
			if compare(rq, &q, pr, sub, out); sub.Matched == sub.Compared && sub.Matched > with.Matched {
				v.Excluded = append(v.Excluded, Exclusion{Name: p.Name, Tasks: sub.Compared, Reason: fmt.Sprintf("its saved dates ignore its calendars' holidays (%d tasks, such as %s, work through them); rescheduled without the holidays, %d of %d tasks match",
					len(odd), first, sub.Matched, sub.Compared)})
				v.LeftOut += sub.Compared + sub.LeftOut
				v.Excluded = append(v.Excluded, sub.Excluded...)
				return v, nil
			}
		}
	}
	if len(odd) > 0 && pr.Tool == "p6" && float64(len(odd)) <= maxInconsistent*float64(len(p.Tasks)) {
		// Schedule those tasks as long as the tool's dates make them, so
		// what follows them is compared fairly, and leave them out.
		q := *p
		q.Tasks = slices.Clone(p.Tasks)
		out.odd = map[string]bool{}
		for i, w := range odd {
			t := &q.Tasks[i]
			out.odd[t.ID] = true
			v.LeftOut++
			v.Excluded = append(v.Excluded, Exclusion{Task: t.ID, Name: t.Name, Reason: fmt.Sprintf("the saved dates hold %s of working time on its own calendar, its duration is %s: the tool did not schedule it by its calendar", hours(w), hours(r.Duration(i)))})
			t.Duration = schedule.Minutes(float64(w))
		}
		if r, err = schedule.Run(&q); err != nil {
			return nil, err
		}
		p = &q
	}
	compare(r, p, pr, v, out)
	return v, nil
}

// leftOut are the tasks of one project compare leaves out: those the tool
// left inconsistent with their calendar (odd), and those whose saved late
// finish is stale, by ID.
type leftOut struct {
	odd   map[string]bool
	stale map[string]time.Time
}

// maxInconsistent is the share of tasks verify may leave out as
// inconsistent with their own calendar: beyond it, the fault more likely
// lies in reading the calendars, and every task is compared.
const maxInconsistent = 0.05

// inconsistent finds the tasks the writing tool left inconsistent with
// their own calendar: not started, not split, working by their own
// calendar alone, whose saved start and finish hold a different amount of
// working time on it than their duration. It returns their working time
// between the saved dates, by task index.
func inconsistent(r *schedule.Result, p *schedule.Project, saved map[string]interchange.Saved) map[int]int64 {
	n := r.Network()
	assigned := map[string]bool{}
	for _, a := range p.Assignments {
		assigned[a.Task] = true
	}
	odd := map[int]int64{}
	for i, t := range p.Tasks {
		sd, ok := saved[t.ID]
		tr := r.Task(i)
		if !ok || tr.Summary || sd.Start.IsZero() || sd.Finish.IsZero() || !t.ActualStart.IsZero() || len(t.Splits) > 0 ||
			t.Manual || t.Duration.Elapsed || assigned[t.ID] && !t.IgnoreResourceCalendars {
			continue
		}
		w, err := n.WorkBetween(n.Calendar(i), sd.Start, sd.Finish)
		if err == nil && w != r.Duration(i) {
			odd[i] = w
		}
	}
	return odd
}

// brokenLinks counts the links the saved dates break outright: between
// tasks not started, the successor free to move (as soon or late as
// possible, or no earlier than a date; not manual), a link with no
// negative lag whose successor's saved date is before its predecessor's.
// It returns the count and the first such link, described.
func brokenLinks(p *schedule.Project, saved map[string]interchange.Saved) (int, string) {
	tasks := map[string]*schedule.Task{}
	for i := range p.Tasks {
		tasks[p.Tasks[i].ID] = &p.Tasks[i]
	}
	free := func(t *schedule.Task) bool {
		c := t.Constraint.Type
		return t.ActualStart.IsZero() && !t.Manual && (c == schedule.ASAP || c == schedule.ALAP || c == schedule.SNET || c == schedule.FNET)
	}
	n, first := 0, ""
	for _, l := range p.Links {
		pt, st := tasks[l.Pred], tasks[l.Succ]
		ps, ok1 := saved[l.Pred]
		ss, ok2 := saved[l.Succ]
		if pt == nil || st == nil || !ok1 || !ok2 || l.Lag.Amount < 0 || !pt.ActualStart.IsZero() || !free(st) {
			continue
		}
		from := ps.Finish
		if l.Type == schedule.SS || l.Type == schedule.SF {
			from = ps.Start
		}
		to := ss.Start
		if l.Type == schedule.FF || l.Type == schedule.SF {
			to = ss.Finish
		}
		if to.Before(from) {
			n++
			if first == "" {
				verb := "starts"
				if l.Type == schedule.FF || l.Type == schedule.SF {
					verb = "finishes"
				}
				first = fmt.Sprintf("task %s %s %s, before its predecessor %s allows (%v)", l.Succ, verb, to.Format(layout), l.Pred, l.Type)
			}
		}
	}
	return n, first
}

// staleLateDates finds the tasks whose late dates Microsoft Project did
// not work out again after the project finish moved: not finished, with
// no successor, no deadline and no late constraint (Start or Finish No
// Later Than, Must Start or Finish On), nor a summary above them with
// any, yet saved with a late finish before the project finish the file
// saved, working time on their calendar lying between the two. Such a
// task's late finish is the project finish, as the late dates of every
// other task without successors in the file show, unless "calculate
// multiple critical paths" makes it the early finish; its saved total
// float counts to the stale date instead. It returns the saved late
// finish of each, by task ID.
func staleLateDates(r *schedule.Result, p *schedule.Project, pr *interchange.Project) map[string]time.Time {
	if pr.Tool != "msproject" || pr.Finish.IsZero() || pr.MultipleCriticalPaths {
		return nil
	}
	n := r.Network()
	bound := map[string]bool{} // tasks something after them bounds
	for _, l := range p.Links {
		bound[l.Pred] = true
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		switch t.Constraint.Type {
		case schedule.SNLT, schedule.FNLT, schedule.MSO, schedule.MFO:
			bound[t.ID] = true
		}
		if !t.Deadline.IsZero() {
			bound[t.ID] = true
		}
	}
	bounded := func(i int) bool { // it or a summary above it (Run has refused outline loops)
		for ok := true; ok; i, ok = n.Index(p.Tasks[i].Parent) {
			if bound[p.Tasks[i].ID] {
				return true
			}
		}
		return false
	}
	var out map[string]time.Time
	for i := range p.Tasks {
		t := &p.Tasks[i]
		sd, ok := pr.Saved[t.ID]
		if !ok || sd.LateFinish.IsZero() || !sd.HasFloat || r.Task(i).Summary || !t.ActualFinish.IsZero() || bounded(i) {
			continue
		}
		if w, err := n.WorkBetween(n.Calendar(i), sd.LateFinish, pr.Finish); err == nil && w > 0 {
			if out == nil {
				out = map[string]time.Time{}
			}
			out[t.ID] = sd.LateFinish
		}
	}
	return out
}

// countSaved counts the tasks with saved dates.
func countSaved(p *schedule.Project, saved map[string]interchange.Saved) int {
	n := 0
	for _, t := range p.Tasks {
		if _, ok := saved[t.ID]; ok {
			n++
		}
	}
	return n
}

// hours spells working minutes as hours ("112h", "7.5h").
func hours(m int64) string { return strconv.FormatFloat(float64(m)/60, 'f', -1, 64) + "h" }

// compare adds to v how the scheduled tasks compare with the saved ones,
// leaving out those out names.
func compare(r *schedule.Result, p *schedule.Project, pr *interchange.Project, v *Report, out leftOut) {
	n := r.Network()
	for i, t := range p.Tasks {
		if out.odd[t.ID] {
			continue
		}
		saved, ok := pr.Saved[t.ID]
		switch {
		case !ok && pr.Tool == "p6" && strings.HasPrefix(t.ID, "WBS "):
			continue // a WBS node: P6 saves no dates for it
		case !ok || saved.Start.IsZero() || saved.Finish.IsZero():
			v.Excluded = append(v.Excluded, Exclusion{Task: t.ID, Name: t.Name, Reason: "the file saved no dates for it"})
			v.LeftOut++
			continue
		}
		got := r.Task(i)
		cal := n.Calendar(i)
		same := func(a, b time.Time) bool {
			w, err := n.WorkBetween(cal, a, b)
			return err == nil && w == 0
		}
		m := Mismatch{Task: t.ID, Name: t.Name, Saved: saved, Got: interchange.Saved{Start: got.Start, Finish: got.Finish, TotalFloat: got.TotalFloat, HasFloat: true, LateFinish: got.LateFinish}}
		if !same(got.Start, saved.Start) {
			m.Differs |= Start
		}
		if !same(got.Finish, saved.Finish) {
			m.Differs |= Finish
		}
		if lf, ok := out.stale[t.ID]; ok {
			v.LeftOut++
			reason := fmt.Sprintf("its saved late finish, %s, is before the project finish saved, %s, though no successor, deadline or late constraint holds it there: Microsoft Project did not work its late dates out again after the finish moved, and its saved total float (%dm) counts to that date",
				lf.Format(layout), pr.Finish.Format(layout), saved.TotalFloat)
			if m.Differs == 0 {
				reason += "; its start and finish match"
			} else {
				reason += "; its dates differ too: " + m.differences()
			}
			v.Excluded = append(v.Excluded, Exclusion{Task: t.ID, Name: t.Name, Reason: reason})
			continue
		}
		v.Compared++
		if saved.HasFloat && saved.TotalFloat != got.TotalFloat {
			m.Differs |= TotalFloat
		}
		if m.Differs == 0 {
			v.Matched++
			continue
		}
		v.Mismatches = append(v.Mismatches, m)
	}
}
