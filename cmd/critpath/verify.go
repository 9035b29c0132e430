package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// verifyCommand reschedules an imported file with the profile of the tool
// that wrote it and compares each task's start, finish and total float
// with what the tool saved: `critpath verify FILE` prints each mismatch,
// each task left out and why, and ends with "matched N of M tasks".
func verifyCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one file", errUsage)
	}
	in, err := importFile(files[0])
	if err != nil {
		return err
	}
	if in.saved == nil {
		return fmt.Errorf("%s: holds no dates saved by another tool to verify against (verify reads Microsoft Project XML and P6 XER and PMXML)", files[0])
	}
	v := &verification{}
	for _, pr := range append([]*imported{in}, in.others...) {
		if err := verify(pr, v); err != nil {
			if len(in.others) == 0 {
				return fmt.Errorf("%s: %w", files[0], err)
			}
			v.excluded = append(v.excluded, fmt.Sprintf("project %q (%d tasks): left out: it does not schedule: %v", pr.project.Name, len(pr.project.Tasks), err))
			v.leftOut += len(pr.project.Tasks)
		}
	}
	for _, m := range v.mismatches {
		fmt.Fprintln(stdout, m)
	}
	for _, x := range v.excluded {
		fmt.Fprintln(stdout, x)
	}
	fmt.Fprintf(stdout, "matched %d of %d tasks", v.matched, v.compared)
	if v.leftOut > 0 {
		fmt.Fprintf(stdout, " (%d left out)", v.leftOut)
	}
	fmt.Fprintln(stdout)
	return nil
}

// verification is what verify found.
type verification struct {
	matched, compared int
	mismatches        []string
	excluded          []string
	leftOut           int // tasks left out
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
func inconsistent(r *schedule.Result, p *schedule.Project, saved map[string]savedDates) map[int]int64 {
	n := r.Network()
	assigned := map[string]bool{}
	for _, a := range p.Assignments {
		assigned[a.Task] = true
	}
	odd := map[int]int64{}
	for i, t := range p.Tasks {
		sd, ok := saved[t.ID]
		tr := r.Task(i)
		if !ok || tr.Summary || sd.start.IsZero() || sd.finish.IsZero() || !t.ActualStart.IsZero() || len(t.Splits) > 0 ||
			t.Manual || t.Duration.Elapsed || assigned[t.ID] && !t.IgnoreResourceCalendars {
			continue
		}
		w, err := n.WorkBetween(n.Calendar(i), sd.start, sd.finish)
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
func brokenLinks(p *schedule.Project, saved map[string]savedDates) (int, string) {
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
		from := ps.finish
		if l.Type == schedule.SS || l.Type == schedule.SF {
			from = ps.start
		}
		to := ss.start
		if l.Type == schedule.FF || l.Type == schedule.SF {
			to = ss.finish
		}
		if to.Before(from) {
			n++
			if first == "" {
				verb := "starts"
				if l.Type == schedule.FF || l.Type == schedule.SF {
					verb = "finishes"
				}
				first = fmt.Sprintf("task %s %s %s, before its predecessor %s allows (%v)", l.Succ, verb, to.Format(dateFormat), l.Pred, l.Type)
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
func staleLateDates(r *schedule.Result, p *schedule.Project, in *imported) map[string]time.Time {
	if in.tool != "msproject" || in.finish.IsZero() || in.openEndsCritical {
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
		sd, ok := in.saved[t.ID]
		if !ok || sd.lateFinish.IsZero() || !sd.hasFloat || r.Task(i).Summary || !t.ActualFinish.IsZero() || bounded(i) {
			continue
		}
		if w, err := n.WorkBetween(n.Calendar(i), sd.lateFinish, in.finish); err == nil && w > 0 {
			if out == nil {
				out = map[string]time.Time{}
			}
			out[t.ID] = sd.lateFinish
		}
	}
	return out
}

// countSaved counts the tasks with saved dates.
func countSaved(p *schedule.Project, saved map[string]savedDates) int {
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

// verify reschedules an import with the rules of the tool that wrote it
// (Microsoft Project's; P6's as the file's schedule options set them) and
// adds to v how its dates compare with the ones the file saved. A moment
// matches when no working time lies between the two (17:00 one day is
// 08:00 the next); total float when it is equal to the minute.
func verify(in *imported, v *verification) error {
	p := in.project
	if in.tool == "msproject" {
		opts, _ := schedule.Profile("msproject")
		opts.Constraints = p.Options.Constraints
		p.Options = opts
	}
	r, err := schedule.Run(p)
	if err != nil {
		return err
	}
	if broken, example := brokenLinks(p, in.saved); broken > 0 && 4*broken >= len(p.Links) {
		v.excluded = append(v.excluded, fmt.Sprintf("project %q (%d tasks): left out: its saved dates break %d of its %d links (%s): the file's dates were not worked out again after its links changed",
			p.Name, countSaved(p, in.saved), broken, len(p.Links), example))
		v.leftOut += countSaved(p, in.saved)
		return nil
	}
	out := leftOut{stale: staleLateDates(r, p, in)}
	odd := inconsistent(r, p, in.saved)
	if len(odd) > 0 && in.tool == "p6" {
		// A tool that ignored its calendars' holidays: every task agrees
		// with its dates once they are dropped.
		q := *p
		q.Calendars = slices.Clone(p.Calendars)
		for k := range q.Calendars {
			q.Calendars[k].Exceptions = nil
		}
		if rq, err := schedule.Run(&q); err == nil && len(inconsistent(rq, &q, in.saved)) == 0 {
			var first string
			for i := range odd {
				if first == "" || p.Tasks[i].ID < first {
					first = p.Tasks[i].ID
				}
			}
			sub := &verification{}
			// Only when every task then matches (the holidays explain the
			// file) and more than with them.
			with := &verification{}
			compare(r, p, in, with, out)
			if compare(rq, &q, in, sub, out); sub.matched == sub.compared && sub.matched > with.matched {
				v.excluded = append(v.excluded, fmt.Sprintf("project %q (%d tasks): left out: its saved dates ignore its calendars' holidays (%d tasks, such as %s, work through them); rescheduled without the holidays, %d of %d tasks match",
					p.Name, sub.compared, len(odd), first, sub.matched, sub.compared))
				v.leftOut += sub.compared + sub.leftOut
				v.excluded = append(v.excluded, sub.excluded...)
				return nil
			}
		}
	}
	if len(odd) > 0 && in.tool == "p6" && float64(len(odd)) <= maxInconsistent*float64(len(p.Tasks)) {
		// Schedule those tasks as long as the tool's dates make them, so
		// what follows them is compared fairly, and leave them out.
		q := *p
		q.Tasks = slices.Clone(p.Tasks)
		out.odd = map[string]bool{}
		for i, w := range odd {
			t := &q.Tasks[i]
			out.odd[t.ID] = true
			v.leftOut++
			v.excluded = append(v.excluded, fmt.Sprintf("task %s (%s): left out: the saved dates hold %s of working time on its own calendar, its duration is %s: the tool did not schedule it by its calendar", t.ID, t.Name, hours(w), hours(r.Duration(i))))
			t.Duration = schedule.Minutes(float64(w))
		}
		if r, err = schedule.Run(&q); err != nil {
			return err
		}
		p = &q
	}
	compare(r, p, in, v, out)
	return nil
}

// compare adds to v how the scheduled tasks compare with the saved ones,
// leaving out those out names.
func compare(r *schedule.Result, p *schedule.Project, in *imported, v *verification, out leftOut) {
	n := r.Network()
	for i, t := range p.Tasks {
		if out.odd[t.ID] {
			continue
		}
		saved, ok := in.saved[t.ID]
		switch {
		case !ok && in.tool == "p6" && strings.HasPrefix(t.ID, "WBS "):
			continue // a WBS node: P6 saves no dates for it
		case !ok || saved.start.IsZero() || saved.finish.IsZero():
			v.excluded = append(v.excluded, fmt.Sprintf("task %s (%s): left out: the file saved no dates for it", t.ID, t.Name))
			v.leftOut++
			continue
		}
		v.compared++
		got := r.Task(i)
		cal := n.Calendar(i)
		same := func(a, b time.Time) bool {
			w, err := n.WorkBetween(cal, a, b)
			return err == nil && w == 0
		}
		var diffs []string
		if !same(got.Start, saved.start) {
			diffs = append(diffs, fmt.Sprintf("start %s, saved %s", got.Start.Format(dateFormat), saved.start.Format(dateFormat)))
		}
		if !same(got.Finish, saved.finish) {
			diffs = append(diffs, fmt.Sprintf("finish %s, saved %s", got.Finish.Format(dateFormat), saved.finish.Format(dateFormat)))
		}
		if lf, ok := out.stale[t.ID]; ok {
			v.compared--
			v.leftOut++
			msg := fmt.Sprintf("task %s (%s): left out: its saved late finish, %s, is before the project finish saved, %s, though no successor, deadline or late constraint holds it there: Microsoft Project did not work its late dates out again after the finish moved, and its saved total float (%dm) counts to that date",
				t.ID, t.Name, lf.Format(dateFormat), in.finish.Format(dateFormat), saved.totalFloat)
			if len(diffs) == 0 {
				msg += "; its start and finish match"
			} else {
				msg += "; its dates differ too: " + strings.Join(diffs, "; ")
			}
			v.excluded = append(v.excluded, msg)
			continue
		}
		if saved.hasFloat && saved.totalFloat != got.TotalFloat {
			diffs = append(diffs, fmt.Sprintf("total float %dm, saved %dm", got.TotalFloat, saved.totalFloat))
		}
		if len(diffs) == 0 {
			v.matched++
			continue
		}
		msg := fmt.Sprintf("task %s (%s):", t.ID, t.Name)
		for _, d := range diffs {
			msg += " " + d + ";"
		}
		v.mismatches = append(v.mismatches, msg[:len(msg)-1])
	}
}
