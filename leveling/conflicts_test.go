package leveling_test

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

var monday = time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)

func at(day, hour int) time.Time {
	return time.Date(2027, 3, day, hour, 0, 0, 0, time.UTC)
}

// conflicts schedules p and returns its schedule and over-allocations.
func conflicts(t *testing.T, p *schedule.Project) (*schedule.Result, []leveling.Conflict) {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := leveling.Conflicts(p, r)
	if err != nil {
		t.Fatal(err)
	}
	return r, cs
}

// TestConflicts: two masons' tasks overlap by two days on a crew of one;
// a crane's task works a Friday its Sunday–Thursday calendar has off;
// cement (a material) is never over-allocated.
func TestConflicts(t *testing.T) {
	p := &schedule.Project{
		Start: monday,
		Tasks: []schedule.Task{
			{ID: "walls", Duration: schedule.Days(3)},   // Mon–Wed
			{ID: "plaster", Duration: schedule.Days(4)}, // Wed–Mon, after walls start by 2 days
			{ID: "lift", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.SNET, Date: at(5, 8)}, IgnoreResourceCalendars: true},
		},
		Links:     []schedule.Link{{Pred: "walls", Succ: "plaster", Type: schedule.SS, Lag: schedule.Days(1)}},
		Resources: []schedule.Resource{{ID: "crew", MaxUnits: 1}, {ID: "crane", Calendar: schedule.SundayThursday}, {ID: "cement", Type: schedule.MaterialResource}},
		Assignments: []schedule.Assignment{
			{Task: "walls", Resource: "crew", Units: 1}, {Task: "plaster", Resource: "crew", Units: 1},
			{Task: "walls", Resource: "cement", Units: 100}, {Task: "plaster", Resource: "cement", Units: 100},
			{Task: "lift", Resource: "crane", Units: 1},
		},
	}
	_, cs := conflicts(t, p)
	if len(cs) != 2 {
		t.Fatalf("%d conflicts, want 2: %+v", len(cs), cs)
	}
	// Walls run Mon 1–Wed 3, plaster from Tue 2: both on Tue and Wed.
	c := cs[0]
	if c.Resource != "crew" || !c.From.Equal(at(2, 8)) || !c.To.Equal(at(3, 17)) || c.Demand != 2 || c.Available != 1 || c.Excess != 1 ||
		len(c.Uses) != 2 || c.Uses[0].Task != "plaster" || c.Uses[1].Task != "walls" {
		t.Errorf("crew: %+v", c)
	}
	// The lift works Friday 5, 08:00–17:00 with its lunch hour: the crane
	// has nothing on a Friday.
	c = cs[1]
	if c.Resource != "crane" || !c.From.Equal(at(5, 8)) || !c.To.Equal(at(5, 17)) || c.Available != 0 || c.Excess != 1 {
		t.Errorf("crane: %+v", c)
	}
}

// TestNoConflicts: within capacity, at every moment.
func TestNoConflicts(t *testing.T) {
	p := &schedule.Project{
		Start:       monday,
		Tasks:       []schedule.Task{{ID: "a", Duration: schedule.Days(2)}, {ID: "b", Duration: schedule.Days(2)}, {ID: "c", Duration: schedule.Days(2)}},
		Links:       []schedule.Link{{Pred: "a", Succ: "c"}},
		Resources:   []schedule.Resource{{ID: "crew", MaxUnits: 2}},
		Assignments: []schedule.Assignment{{Task: "a", Resource: "crew", Units: 1}, {Task: "b", Resource: "crew", Units: 1}, {Task: "c", Resource: "crew", Units: 1.5}},
	}
	if _, cs := conflicts(t, p); len(cs) != 0 {
		t.Errorf("%+v", cs)
	}
	// Half a unit more on b overlaps nothing new; on a it does: a and b
	// ask 2.5 of 2 on Mon and Tue.
	p.Assignments[0].Units = 1.5
	_, cs := conflicts(t, p)
	if len(cs) != 1 || cs[0].Excess != 0.5 || !cs[0].From.Equal(at(1, 8)) || !cs[0].To.Equal(at(2, 17)) {
		t.Errorf("%+v", cs)
	}
}

// TestConflictsAgainstMinutes checks, on random projects with calendars,
// every link type and progress, that a minute where some resource's
// tasks ask more than it has lies inside a conflict of that resource, and
// that every conflict begins with such a minute: demand worked out
// minute by minute from the schedule, independently of Conflicts.
func TestConflictsAgainstMinutes(t *testing.T) {
	found := 0
	for seed := range uint64(20) {
		p := randnet.Project(randnet.Config{Tasks: 30, Mixed: true, Seed: seed})
		r, cs := conflicts(t, p)
		found += len(cs)
		n := r.Network()
		over := func(res schedule.Resource, m time.Time) bool {
			var demand float64
			for i, tr := range r.Tasks() {
				if tr.Summary || !slices.ContainsFunc(r.Segments(i), func(s schedule.Segment) bool { return !m.Before(s.Start) && m.Before(s.Finish) }) {
					continue
				}
				cal := n.Calendar(i)
				if p.Tasks[i].Duration.Elapsed {
					cal = schedule.TwentyFourHours
				}
				if w, _ := n.WorkBetween(cal, m, m.Add(time.Minute)); w != 1 {
					continue
				}
				for _, a := range r.Assignments(i) {
					if a.Resource == res.ID {
						demand += a.Units
					}
				}
			}
			capacity := cmp.Or(res.MaxUnits, 1)
			if w, _ := n.WorkBetween(res.Calendar, m, m.Add(time.Minute)); w != 1 {
				capacity = 0
			}
			return demand > capacity+1e-9
		}
		for _, res := range p.Resources {
			if res.Type != schedule.WorkResource {
				continue
			}
			var mine []leveling.Conflict
			for _, c := range cs {
				if c.Resource == res.ID {
					mine = append(mine, c)
					if !over(res, c.From) {
						t.Errorf("seed %d: %s conflict from %v: not over-allocated then", seed, res.ID, c.From)
					}
				}
			}
			for m := randnet.Start; m.Before(r.Finish()); m = m.Add(97 * time.Minute) {
				if !over(res, m) {
					continue
				}
				if !slices.ContainsFunc(mine, func(c leveling.Conflict) bool { return !m.Before(c.From) && m.Before(c.To) }) {
					t.Fatalf("seed %d: %s over-allocated at %v, in no conflict", seed, res.ID, m)
				}
			}
		}
	}
	if found < 20 {
		t.Errorf("only %d conflicts in 20 random projects: the test checks little", found)
	}
}

// TestConflictsDeterministic: three tasks ask 0.1, 0.2 and 0.3 of a crew
// of 0.5 all Monday: one conflict, over the lunch break, the same every
// time (fractional units summed in a fixed order).
func TestConflictsDeterministic(t *testing.T) {
	p := &schedule.Project{Start: monday, Resources: []schedule.Resource{{ID: "crew", MaxUnits: 0.5}}}
	for k, u := range []float64{0.1, 0.2, 0.3} {
		id := fmt.Sprint("T", k)
		p.Tasks = append(p.Tasks, schedule.Task{ID: id, Duration: schedule.Days(1)})
		p.Assignments = append(p.Assignments, schedule.Assignment{Task: id, Resource: "crew", Units: u})
	}
	_, first := conflicts(t, p)
	if len(first) != 1 || !first[0].From.Equal(at(1, 8)) || !first[0].To.Equal(at(1, 17)) || math.Abs(first[0].Demand-0.6) > 1e-12 {
		t.Fatalf("%+v", first)
	}
	for range 100 {
		if _, cs := conflicts(t, p); !reflect.DeepEqual(cs, first) {
			t.Fatalf("%+v, then %+v", first, cs)
		}
	}
}
