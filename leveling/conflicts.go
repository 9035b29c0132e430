package leveling

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Conflict is an over-allocation: over [From, To) the tasks in Uses ask
// more of Resource than it has, Available (its max units while its
// calendar works, nothing outside it), by Excess. The interval runs over
// the nights and holidays in which the same tasks pause.
type Conflict struct {
	Resource  string    `json:"resource"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Demand    float64   `json:"demand"`
	Available float64   `json:"available"`
	Excess    float64   `json:"excess"`
	Uses      []Use     `json:"uses"`
}

// Use is one task's demand on a resource during a conflict.
type Use struct {
	Task  string  `json:"task"`
	Units float64 `json:"units"`
}

// tolerance absorbs the rounding of fractional units.
const tolerance = 1e-9

// Conflicts returns every over-allocation of p's work resources in the
// schedule r (a schedule of p): for each resource in the project's order,
// the intervals where the units its tasks ask for exceed what it has,
// merged while the same tasks are involved. A task asks for its
// assignment's units during the working time of its segments (round the
// clock for an elapsed duration) — not in the pauses of a split task —
// finished and started work included; material and cost resources are
// not leveled and never conflict.
func Conflicts(p *schedule.Project, r *schedule.Result) ([]Conflict, error) {
	n := r.Network()
	type event struct {
		at    int64 // Unix seconds
		task  int
		units float64 // added at the start, taken away at the end
	}
	loc := r.Start().Location()
	at := func(s int64) time.Time { return time.Unix(s, 0).In(loc) }
	byRes := map[string][]event{}
	work := workResources(p)
	for i, tr := range r.Tasks() {
		if tr.Summary || !tr.Start.Before(tr.Finish) {
			continue
		}
		cal, uses := demands(p, r, i, work)
		if len(uses) == 0 {
			continue
		}
		for _, sg := range r.Segments(i) {
			seq, err := n.WorkingTime(cal, sg.Start, sg.Finish)
			if err != nil {
				return nil, fmt.Errorf("leveling: task %q: %w", tr.ID, err)
			}
			for s, e := range seq {
				for _, a := range uses {
					byRes[a.Resource] = append(byRes[a.Resource], event{s.Unix(), i, a.Units}, event{e.Unix(), i, -a.Units})
				}
			}
		}
	}
	var out []Conflict
	for _, res := range p.Resources {
		evs := byRes[res.ID]
		if len(evs) == 0 {
			continue
		}
		most := res.MaxUnits
		if most == 0 {
			most = 1
		}
		// The resource's own working time bounds what it has.
		first, last := evs[0].at, evs[0].at
		for _, ev := range evs {
			first, last = min(first, ev.at), max(last, ev.at)
		}
		seq, err := n.WorkingTime(res.Calendar, at(first), at(last))
		if err != nil {
			return nil, fmt.Errorf("leveling: resource %q: %w", res.ID, err)
		}
		var avail []event // task -1: the capacity steps
		for s, e := range seq {
			avail = append(avail, event{s.Unix(), -1, most}, event{e.Unix(), -1, -most})
		}
		evs = append(evs, avail...)
		// The order of events at one moment does not matter: the sums
		// are read once all of them are in.
		slices.SortFunc(evs, func(a, b event) int { return cmp.Compare(a.at, b.at) })
		active := map[int]float64{}
		var capacity, demand float64 // running sums, over events in a fixed order
		joinable := false            // may the next conflict extend the last one?
		for k := 0; k < len(evs); {
			now := evs[k].at
			for ; k < len(evs) && evs[k].at == now; k++ {
				ev := evs[k]
				if ev.task < 0 {
					capacity += ev.units
					continue
				}
				demand += ev.units
				if active[ev.task] += ev.units; active[ev.task] < tolerance {
					delete(active, ev.task)
				}
			}
			if k == len(evs) {
				break
			}
			if demand <= capacity+tolerance {
				joinable = joinable && demand < tolerance // a pause in the work, not a fit
				continue
			}
			c := Conflict{Resource: res.ID, From: at(now), To: at(evs[k].at), Available: max0(capacity)}
			for t, u := range active {
				c.Uses = append(c.Uses, Use{Task: p.Tasks[t].ID, Units: u})
			}
			slices.SortFunc(c.Uses, func(a, b Use) int { return cmp.Compare(a.Task, b.Task) })
			for _, u := range c.Uses { // in task order: the same uses, the same figure
				c.Demand += u.Units
			}
			c.Excess = c.Demand - c.Available
			if m := len(out); joinable && out[m-1].Available == c.Available && slices.Equal(out[m-1].Uses, c.Uses) {
				out[m-1].To = c.To // the same conflict goes on, over the nights and holidays
				continue
			}
			out = append(out, c)
			joinable = true
		}
	}
	return out, nil
}

func max0(x float64) float64 {
	if x < tolerance {
		return 0
	}
	return x
}

// workResources is the set of p's work resources, the ones leveling
// levels.
func workResources(p *schedule.Project) map[string]bool {
	m := make(map[string]bool, len(p.Resources))
	for _, res := range p.Resources {
		m[res.ID] = res.Type == schedule.WorkResource
	}
	return m
}

// demands returns the calendar task i works on (round the clock for an
// elapsed duration) and its assignments to work resources.
func demands(p *schedule.Project, r *schedule.Result, i int, work map[string]bool) (string, []schedule.AssignmentResult) {
	cal := r.Network().Calendar(i)
	if p.Tasks[i].Duration.Elapsed {
		cal = schedule.TwentyFourHours
	}
	var uses []schedule.AssignmentResult
	for _, a := range r.Assignments(i) {
		if work[a.Resource] && a.Units > 0 {
			uses = append(uses, a)
		}
	}
	return cal, uses
}
