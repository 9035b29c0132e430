package pmxml_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/schedule"
)

// Write a project as PMXML for P6 to import, and read it back: P6's
// rules come with it, and the dates written are the ones P6 would have
// saved.
func ExampleWrite() {
	p := &schedule.Project{Name: "SLAB", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Options: schedule.P6Options(),
		Tasks: []schedule.Task{{ID: "A1000", Name: "Formwork", Duration: schedule.Days(3)}, {ID: "A1010", Name: "Cast", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "A1000", Succ: "A1010"}}}
	var out bytes.Buffer
	if _, err := pmxml.Write(&out, p, nil); err != nil {
		fmt.Println(err)
		return
	}
	f, err := pmxml.Read(&out, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	pr := f.Projects[0]
	fmt.Println(pr.ID, len(pr.Project.Tasks), "activities; A1010 saved", pr.Saved["A1010"].Start.Format("Mon 2006-01-02 15:04"))
	// Output:
	// SLAB 2 activities; A1010 saved Thu 2027-01-07 08:00
}
