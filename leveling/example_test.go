package leveling_test

import (
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

// Level a project whose one crane two tasks want at once: one waits,
// with the reason.
func ExampleLevel() {
	p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{
			{ID: "cores", Name: "Lift cores", Duration: schedule.Days(3)},
			{ID: "steel", Name: "Lift steel", Duration: schedule.Days(2)},
		},
		Resources:   []schedule.Resource{{ID: "crane", Name: "Tower crane", MaxUnits: 1}},
		Assignments: []schedule.Assignment{{Task: "cores", Resource: "crane", Units: 1}, {Task: "steel", Resource: "crane", Units: 1}},
	}
	l, err := leveling.Level(context.Background(), p, leveling.LevelOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range l.Delays {
		fmt.Printf("%s waits until after %s: %s is over-allocated; %s kept its place (%s)\n",
			d.Task, d.To.Format("Mon 15:04"), d.Resource, d.Winner, d.Rule)
	}
	fmt.Println("finish", l.Result.Finish().Format("Mon 2006-01-02"), "conflicts left:", len(l.Unresolved))
	// Output:
	// steel waits until after Wed 17:00: crane is over-allocated; cores kept its place (standard order: least total float, then earliest start, then priority)
	// finish Fri 2027-01-08 conflicts left: 0
}

// Solve a resource-constrained scheduling problem in whole periods, as
// PSPLIB states one: the shortest schedule found within a budget.
func ExampleSolve() {
	p := &leveling.Problem{
		Durations:  []int{3, 2, 2, 4},
		Demands:    [][]int{{2}, {1}, {2}, {1}},
		Capacities: []int{3},
		Successors: [][]int{{3}, {3}, nil, nil},
	}
	sol, err := leveling.Solve(context.Background(), p, leveling.SolveOptions{Schedules: 100, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("makespan", sol.Makespan, "starts", sol.Starts)
	// Output:
	// makespan 7 starts [0 0 3 3]
}
