package schedule_test

import (
	"fmt"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Compile once and re-run with other durations, as leveling, crashing and
// risk analysis do: Run allocates nothing.
func ExampleResult_Run() {
	p := &schedule.Project{
		Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{
			{ID: "design", Duration: schedule.Days(10)},
			{ID: "build", Duration: schedule.Days(20)},
		},
		Links: []schedule.Link{{Pred: "design", Succ: "build"}},
	}
	n, err := schedule.Compile(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := n.NewResult()
	build, _ := n.Index("build")
	for _, days := range []int64{20, 15, 30} {
		if err := r.SetDuration(build, days*480); err != nil {
			fmt.Println(err)
			return
		}
		r.Run()
		fmt.Println(days, "days of building: finish", r.Finish().Format("Mon Jan 2"))
	}
	// Output:
	// 20 days of building: finish Fri Feb 12
	// 15 days of building: finish Fri Feb 5
	// 30 days of building: finish Fri Feb 26
}
