package schedule_test

import (
	"fmt"
	"time"

	"github.com/critpath/critpath/schedule"
)

// A Sunday–Thursday site calendar with Bangladesh's yearly Victory Day and
// an Eid holiday, and a Saturday of extra work.
func ExampleCalendar() {
	dhaka := time.FixedZone("BST", 6*3600)
	p := &schedule.Project{
		Start:    time.Date(2027, 12, 12, 8, 0, 0, 0, dhaka),
		Calendar: "Site",
		Calendars: []schedule.Calendar{{
			Name: "Site",
			Base: schedule.SundayThursday,
			Exceptions: []schedule.Exception{
				{Name: "Victory Day", From: schedule.Date{Year: 2020, Month: 12, Day: 16}, Yearly: true},
				{Name: "Saturday pour", From: schedule.Date{Year: 2027, Month: 12, Day: 18},
					Working: []schedule.Interval{schedule.Span(8, 0, 14, 0)}},
			},
		}},
		Tasks: []schedule.Task{{ID: "slab", Duration: schedule.Days(5)}},
	}
	r, err := schedule.Run(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	slab := r.Task(0)
	fmt.Println("slab:", slab.EarlyStart.Format("Mon Jan 2 15:04"), "→", slab.EarlyFinish.Format("Mon Jan 2 15:04"))

	// Working-time arithmetic on any of the project's calendars.
	n := r.Network()
	due, _ := n.AddWork("Site", slab.EarlyFinish, 2*480)
	fmt.Println("two working days later:", due.Format("Mon Jan 2 15:04"))
	// Output:
	// slab: Sun Dec 12 08:00 → Sun Dec 19 10:00
	// two working days later: Tue Dec 21 10:00
}
