package schedule_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// shiftEdit is a random value edit of the kinds leveling makes, and some
// it does not: a start-no-earlier-than date, splits, a duration.
func shiftEdit(rng *rand.Rand, p *schedule.Project) schedule.Edit {
	t := p.Tasks[rng.IntN(len(p.Tasks))]
	day := randnet.Start.Add(time.Duration(rng.IntN(90*24)) * time.Hour)
	switch x := rng.IntN(10); {
	case x < 6:
		return schedule.SetConstraint{Task: t.ID, Constraint: schedule.Constraint{Type: schedule.SNET, Date: day}}
	case x < 8:
		return schedule.SetSplits{Task: t.ID, Splits: randnet.Splits(rng, t.Duration, false)}
	default:
		return schedule.SetDuration{Task: t.ID, Duration: schedule.Days(float64(1 + rng.IntN(8)))}
	}
}

// TestShiftMatchesFullReschedule shifts random tasks of random projects
// and checks, after each shift, that every task's dates and pieces of work
// are a full reschedule's in a project without ALAP tasks (the early dates
// are all a shift keeps), that it names every task whose dates moved, and after Settle (and after an Apply, which settles first) that
// the whole schedule is a full reschedule's, byte for byte.
func TestShiftMatchesFullReschedule(t *testing.T) {
	runs := 120
	if testing.Short() {
		runs = 30
	}
	alap := 0
	for seed := range uint64(runs) {
		rng := rand.New(rand.NewPCG(seed, 0x5f1f7))
		p := randnet.Project(randnet.Config{Tasks: 5 + int(seed%50), Mixed: seed%4 != 0, LinkTypes: true, Window: 10, Seed: seed})
		e, err := schedule.NewEditor(p)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		late := slices.ContainsFunc(p.Tasks, func(t schedule.Task) bool { return t.Constraint.Type == schedule.ALAP }) || p.FromFinish
		if late {
			alap++
		}
		for k := range 20 {
			before := map[string]schedule.TaskResult{}
			for _, tr := range e.Result().Tasks() {
				before[tr.ID] = tr
			}
			edits := []schedule.Edit{shiftEdit(rng, e.Project())}
			if rng.IntN(4) == 0 {
				edits = append(edits, shiftEdit(rng, e.Project()))
			}
			moved, err := e.Shift(edits...)
			if err != nil {
				continue // a bad date for a constraint type, say: rejected
			}
			full, err := schedule.Run(e.Project())
			if err != nil {
				t.Fatalf("seed %d shift %d %#v: %v", seed, k, edits, err)
			}
			changed := map[string]bool{}
			for _, i := range moved {
				changed[e.Project().Tasks[i].ID] = true
			}
			for i, tr := range e.Result().Tasks() {
				if b := before[tr.ID]; !changed[tr.ID] && (!b.Start.Equal(tr.Start) || !b.Finish.Equal(tr.Finish)) {
					t.Fatalf("seed %d shift %d: %s moved %v → %v but is not named", seed, k, tr.ID, b.Start, tr.Start)
				}
				if late {
					continue
				}
				want := full.Task(i)
				if !tr.Start.Equal(want.Start) || !tr.Finish.Equal(want.Finish) || !slices.Equal(e.Result().Segments(i), full.Segments(i)) {
					t.Fatalf("seed %d shift %d %#v: %s at %v–%v, a full reschedule %v–%v", seed, k, edits, tr.ID, tr.Start, tr.Finish, want.Start, want.Finish)
				}
			}
			if rng.IntN(5) == 0 {
				e.Settle()
				if a, b := canonical(t, e.Result()), canonical(t, full); !bytes.Equal(a, b) {
					t.Fatalf("seed %d shift %d: settled schedule differs from a full reschedule\n%s\n%s", seed, k, a, b)
				}
			}
		}
		// An Apply settles what was shifted first.
		if _, err := e.Apply(schedule.SetDuration{Task: p.Tasks[0].ID, Duration: p.Tasks[0].Duration}); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		full, err := schedule.Run(e.Project())
		if err != nil {
			t.Fatal(err)
		}
		if a, b := canonical(t, e.Result()), canonical(t, full); !bytes.Equal(a, b) {
			t.Fatalf("seed %d: after an Apply the schedule differs from a full reschedule\n%s\n%s", seed, a, b)
		}
	}
	if alap < runs/10 {
		t.Errorf("only %d of %d projects with tasks placed late: the test checks little of them", alap, runs)
	}
}
