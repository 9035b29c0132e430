package risk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
)

// Simulate a small project with ranges on two durations and one risk
// event, and read the finish at P50 and P80.
func ExampleSimulate() {
	p := &schedule.Project{Name: "Basement", Start: time.Date(2027, 6, 6, 8, 0, 0, 0, time.UTC), Calendar: schedule.SundayThursday,
		Tasks: []schedule.Task{{ID: "dig", Duration: schedule.Days(20)}, {ID: "raft", Duration: schedule.Days(10)}},
		Links: []schedule.Link{{Pred: "dig", Succ: "raft"}}}
	dig, _ := risk.PERT(18, 20, 30)
	raft, _ := risk.Triangle(9, 10, 14)
	flood, _ := risk.Triangle(3, 5, 10)
	m := &risk.Model{
		Durations: []risk.Uncertainty{{Task: "dig", Dist: dig}, {Task: "raft", Dist: raft}},
		Risks:     []risk.Event{{ID: "R1", Name: "monsoon flooding", Probability: 0.3, Impact: flood, Tasks: []string{"dig"}}},
	}
	a, err := risk.Simulate(context.Background(), p, m, risk.Options{Iterations: 5000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("planned %.0f days; P50 %.1f, P80 %.1f\n", a.Project.Deterministic, a.Project.Percentile(50).Days, a.Project.Percentile(80).Days)
	// Output:
	// planned 30 days; P50 33.5, P80 37.3
}

// Spread gives every task one range on its planned duration: a first
// answer from a schedule without estimated ranges.
func ExampleSpread() {
	p := &schedule.Project{Start: time.Date(2027, 6, 6, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "dig", Duration: schedule.Days(20)}, {ID: "raft", Duration: schedule.Days(10)}},
		Links: []schedule.Link{{Pred: "dig", Succ: "raft"}}}
	m, err := risk.Spread(p, risk.ShapePERT, -0.1, 0.3) // −10 %, +30 %
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := risk.Simulate(context.Background(), p, m, risk.Options{Iterations: 5000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("planned %.0f days; mean %.1f\n", a.Project.Deterministic, a.Project.Mean)
	// Output:
	// planned 30 days; mean 31.0
}
