package schedule_test

import (
	"fmt"
	"time"

	"github.com/critpath/critpath/schedule"
)

func ExampleRun() {
	dhaka := time.FixedZone("BST", 6*3600)
	p := &schedule.Project{
		Start:    time.Date(2027, 1, 3, 8, 0, 0, 0, dhaka), // a Sunday
		Calendar: schedule.SundayThursday,
		Tasks: []schedule.Task{
			{ID: "pile", Name: "Bored piles", Duration: schedule.Days(6)},
			{ID: "cap", Name: "Pile caps", Duration: schedule.Days(3)},
			{ID: "cure", Name: "Cure caps", Duration: schedule.ElapsedDays(7)},
			{ID: "survey", Name: "Survey", Duration: schedule.Days(2)},
			{ID: "done", Name: "Foundations done"},
		},
		Links: []schedule.Link{
			{Pred: "pile", Succ: "cap", Type: schedule.SS, Lag: schedule.Days(4)},
			{Pred: "cap", Succ: "cure"},
			{Pred: "cure", Succ: "done"},
			{Pred: "survey", Succ: "done"},
		},
	}
	r, err := schedule.Run(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range r.Tasks() {
		fmt.Printf("%-6s %s → %s  float %gd\n", t.ID, t.EarlyStart.Format("Mon Jan 2 15:04"), t.EarlyFinish.Format("Mon Jan 2 15:04"), float64(t.TotalFloat)/480)
	}
	fmt.Println("longest path:", r.LongestPath())
	// Output:
	// pile   Sun Jan 3 08:00 → Sun Jan 10 17:00  float 0d
	// cap    Thu Jan 7 08:00 → Mon Jan 11 17:00  float 0d
	// cure   Mon Jan 11 17:00 → Mon Jan 18 17:00  float 0d
	// survey Sun Jan 3 08:00 → Mon Jan 4 17:00  float 10d
	// done   Mon Jan 18 17:00 → Mon Jan 18 17:00  float 0d
	// longest path: [pile cap cure done]
}
