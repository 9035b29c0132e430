package mspdi_test

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

// Read a Microsoft Project XML file and schedule it with Microsoft
// Project's rules; File.Saved and File.Finish hold the dates Microsoft
// Project saved (its finish here is the next working moment, 08:00 the
// next morning: no working time lies between the two).
func ExampleRead() {
	f, err := os.Open("testdata/mpxj__sample.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	m, err := mspdi.Read(f, nil)
	if err != nil {
		fmt.Println(err) // a *ParseError naming the line and element
		return
	}
	r, err := schedule.Run(m.Project)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(m.Project.Tasks), "tasks; finish", r.Finish().Format("2006-01-02 15:04"), "; Microsoft Project saved", m.Finish.Format("2006-01-02 15:04"))
	// Output:
	// 19 tasks; finish 2003-03-17 17:00 ; Microsoft Project saved 2003-03-18 08:00
}

// Write a project as MSPDI for Microsoft Project to open: IDs that are
// whole numbers stay the tasks' UIDs, the others are numbered after them.
func ExampleWrite() {
	p := &schedule.Project{Name: "Slab", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "7", Name: "Formwork", Duration: schedule.Days(3)}, {ID: "cast", Name: "Cast", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "7", Succ: "cast"}}}
	var out bytes.Buffer
	if _, err := mspdi.Write(&out, p, nil); err != nil {
		fmt.Println(err)
		return
	}
	m, err := mspdi.Read(&out, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range m.Project.Tasks {
		fmt.Println(t.ID, t.Name, t.Duration)
	}
	// Output:
	// 7 Formwork 3d
	// 8 Cast 1d
}
