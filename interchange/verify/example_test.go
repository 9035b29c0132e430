package verify_test

import (
	"fmt"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/interchange/verify"
	"github.com/critpath/critpath/schedule"
)

// Check a project against the dates the tool that wrote it saved; a
// project read with interchange.Read carries them (Project.Saved).
func ExampleCheck() {
	at := func(day, hour int) time.Time { return time.Date(2027, 1, day, hour, 0, 0, 0, time.UTC) }
	pr := &interchange.Project{
		Project: &schedule.Project{Name: "Slab", Start: at(4, 8),
			Tasks: []schedule.Task{{ID: "1", Name: "Formwork", Duration: schedule.Days(3)}, {ID: "2", Name: "Pour", Duration: schedule.Days(1)}},
			Links: []schedule.Link{{Pred: "1", Succ: "2"}}},
		Tool: "msproject",
		Saved: map[string]interchange.Saved{
			"1": {Start: at(4, 8), Finish: at(6, 17), HasFloat: true},
			"2": {Start: at(8, 8), Finish: at(8, 17), HasFloat: true}, // a day later than the links allow
		},
	}
	report, err := verify.Check(pr)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range report.Mismatches {
		fmt.Println(m)
	}
	fmt.Printf("matched %d of %d tasks\n", report.Matched, report.Compared)
	// Output:
	// task 2 (Pour): start Thu 2027-01-07 08:00, saved Fri 2027-01-08 08:00; finish Thu 2027-01-07 17:00, saved Fri 2027-01-08 17:00
	// matched 1 of 2 tasks
}
