package leveling

import (
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Smoothed is a smoothed schedule: the project with the moves as
// start-no-earlier-than constraints, its schedule, the moves, and the
// sum of squared daily usage (unit-hours per resource and day) before
// and after, the measure smoothing lowers.
type Smoothed struct {
	Project       *schedule.Project
	Result        *schedule.Result
	Moves         []Move
	Before, After float64
}

// Smooth lowers the peaks and the day-to-day swings of p's work resources
// without moving the project finish (Burgess's method): task by task,
// latest first, it slides a task later within its free float, whole
// working days at a time, to where the sum over resources and days of the
// squared usage is least; it goes over the tasks again while that helps,
// four times at most.
// A task within its free float moves nothing else. Tasks of priority 1000,
// manually scheduled, started or split ones, and those whose constraint is
// neither ASAP nor SNET stay.
func Smooth(ctx context.Context, p *schedule.Project) (*Smoothed, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	out := &Smoothed{}
	u, err := newUsage(ed.Project(), ed.Result())
	if err != nil {
		return nil, err
	}
	out.Before = u.score()
	finish := ed.Result().Finish()
	day := int64(ed.Result().Network().Settings().MinutesPerDay)
	for range 4 {
		moved := false
		r := ed.Result()
		n := r.Network()
		for i := len(ed.Project().Tasks) - 1; i >= 0; i-- {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			t := &ed.Project().Tasks[i]
			tr := r.Task(i)
			if tr.Summary || tr.FreeFloat < day || !mobilityOf(t).whole || len(u.current[i]) != 1 || len(u.tasks[i]) == 0 {
				continue
			}
			dur := r.Duration(i)
			best, bestScore := tr.Start, u.score()
			base := bestScore - u.taskScore(i)
			for k := int64(1); k*day <= tr.FreeFloat; k++ { // free float counts on the task's calendar
				s, err := n.AddWork(n.Calendar(i), tr.Start, k*day)
				if err != nil {
					break
				}
				f, _ := n.AddWork(u.cal[i], s, dur) // its duration round the clock when elapsed
				if sc := base + u.trial(i, s, f); sc < bestScore-tolerance {
					best, bestScore = s, sc
				}
			}
			if best.Equal(tr.Start) {
				continue
			}
			id, old := t.ID, t.Constraint // t is the editor's: Apply changes it
			edit := schedule.SetConstraint{Task: id, Constraint: schedule.Constraint{Type: schedule.SNET, Date: best}}
			d, err := ed.Apply(edit)
			if err != nil {
				return nil, fmt.Errorf("leveling: smoothing %s: %w", id, err)
			}
			if !d.Finish[1].Equal(finish) || movesOthers(d, ed.Project(), ed.Result().Network(), i) {
				// It moved more than itself (its free float counted in
				// another calendar than the one it slid in): put it back.
				if _, err := ed.Apply(schedule.SetConstraint{Task: id, Constraint: old}); err != nil {
					return nil, fmt.Errorf("leveling: smoothing %s: %w", id, err)
				}
				continue
			}
			u.place(i, ed.Result().Segments(i))
			out.Moves = append(out.Moves, Move{Edit: edit, Why: Delay{Task: id, From: tr.Start, To: best, Rule: "smoothing: less squared daily usage, within free float"}})
			moved = true
		}
		if !moved {
			break
		}
	}
	out.Project, out.Result, out.After = ed.Project(), ed.Result(), u.score()
	return out, nil
}

// usage is the daily usage of each work resource, in unit-hours, with
// each task's part, so a task can be tried elsewhere.
type usage struct {
	n       *schedule.Network
	cal     []string
	current [][]schedule.Segment         // each task's work
	daily   map[string]map[int64]float64 // resource → day number → unit-hours
	tasks   [][]schedule.AssignmentResult
}

func newUsage(p *schedule.Project, r *schedule.Result) (*usage, error) {
	n := r.Network()
	u := &usage{n: n, daily: map[string]map[int64]float64{}, tasks: make([][]schedule.AssignmentResult, len(p.Tasks)),
		cal: make([]string, len(p.Tasks)), current: make([][]schedule.Segment, len(p.Tasks))}
	work := workResources(p)
	for i, tr := range r.Tasks() {
		if tr.Summary {
			continue
		}
		u.cal[i], u.tasks[i] = demands(p, r, i, work)
		u.current[i] = r.Segments(i)
		if err := u.add(i, u.current[i], 1); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// add adds (sign 1) or takes away (−1) task i's usage in segments segs.
func (u *usage) add(i int, segs []schedule.Segment, sign float64) error {
	if len(u.tasks[i]) == 0 {
		return nil
	}
	for _, sg := range segs {
		if err := u.addSpan(i, sg.Start, sg.Finish, sign); err != nil {
			return err
		}
	}
	return nil
}

// addSpan adds (sign 1) or takes away (−1) task i's usage between s and f.
func (u *usage) addSpan(i int, s, f time.Time, sign float64) error {
	seq, err := u.n.WorkingTime(u.cal[i], s, f)
	if err != nil {
		return err
	}
	for a, b := range seq {
		for a.Before(b) { // split at midnights
			day := dayNumber(a)
			end := time.Date(a.Year(), a.Month(), a.Day()+1, 0, 0, 0, 0, a.Location())
			if b.Before(end) {
				end = b
			}
			h := end.Sub(a).Hours()
			for _, as := range u.tasks[i] {
				m := u.daily[as.Resource]
				if m == nil {
					m = map[int64]float64{}
					u.daily[as.Resource] = m
				}
				m[day] += sign * as.Units * h
			}
			a = end
		}
	}
	return nil
}

func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func (u *usage) score() float64 {
	var s float64
	for _, m := range u.daily {
		for _, v := range m {
			s += v * v
		}
	}
	return s
}

// taskScore is the part of the score on task i's resources.
func (u *usage) taskScore(i int) float64 {
	var s float64
	seen := map[string]bool{}
	for _, a := range u.tasks[i] {
		if seen[a.Resource] {
			continue
		}
		seen[a.Resource] = true
		for _, v := range u.daily[a.Resource] {
			s += v * v
		}
	}
	return s
}

// trial returns the score on task i's resources were it between s and f.
func (u *usage) trial(i int, s, f time.Time) float64 {
	cur := u.current[i]
	u.place(i, []schedule.Segment{{Start: s, Finish: f}})
	sc := u.taskScore(i)
	u.place(i, cur)
	return sc
}

// place moves task i's usage to segments segs.
func (u *usage) place(i int, segs []schedule.Segment) {
	u.add(i, u.current[i], -1)
	u.add(i, segs, 1)
	u.current[i] = segs
}

// movesOthers reports whether the delta moves a task other than task i
// and its summaries.
func movesOthers(d schedule.Delta, p *schedule.Project, n *schedule.Network, i int) bool {
	mine := map[string]bool{}
	for t := &p.Tasks[i]; ; {
		mine[t.ID] = true
		j, ok := n.Index(t.Parent)
		if !ok {
			break
		}
		t = &p.Tasks[j]
	}
	for _, c := range d.Changes {
		if !mine[c.ID] && (!c.Old.Start.Equal(c.New.Start) || !c.Old.Finish.Equal(c.New.Finish)) {
			return true
		}
	}
	return false
}
