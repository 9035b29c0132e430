package optimize_test

import (
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// What does it cost to finish two days earlier? Compress finds the
// cheapest shortenings, exactly; Curve would give every finish and its
// cost, Within the earliest finish a budget buys.
func ExampleCompress() {
	p := &schedule.Project{Start: time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{
			{ID: "dig", Duration: schedule.Days(5), Crash: &schedule.Crash{Duration: schedule.Days(3), Cost: 400}}, // 200 a day saved
			{ID: "form", Duration: schedule.Days(4), Crash: &schedule.Crash{Duration: schedule.Days(3), Cost: 150}},
			{ID: "pour", Duration: schedule.Days(2)},
		},
		Links: []schedule.Link{{Pred: "dig", Succ: "form"}, {Pred: "form", Succ: "pour"}},
	}
	r, err := schedule.Run(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	by := r.Finish().AddDate(0, 0, -4) // two working days sooner: Thursday instead of Monday
	plan, err := optimize.Compress(context.Background(), p, by, optimize.Options{})
	if err != nil {
		fmt.Println(err) // ErrTooEarly when even every crash is not enough
		return
	}
	for _, s := range plan.Tasks {
		fmt.Println(s.Task, s.From, "→", s.To)
	}
	fmt.Println("finish", plan.Finish.Format("Mon 2006-01-02"), "for", plan.Cost)
	// Output:
	// dig 5d → 4d
	// form 4d → 3d
	// finish Thu 2027-03-11 for 350
}
