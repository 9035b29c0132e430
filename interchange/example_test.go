package interchange_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/schedule"
)

// Read a file of any format — here a CSV task table, as a spreadsheet
// exports it — choose its project, and schedule it.
func ExampleRead() {
	plan := "ID,Name,Duration,Predecessors,Start,Colour\n" +
		"A,Excavate,3d,,2027-01-04,red\n" +
		"B,Pour footings,2d,A,,blue\n"
	f, err := interchange.Read("plan.csv", strings.NewReader(plan), nil)
	if err != nil {
		fmt.Println(err) // names the file, and the line, element, table or cell
		return
	}
	for _, w := range f.Warnings { // what the reader passed over
		fmt.Println("warning:", w)
	}
	pr, err := f.Pick("") // the file's only project
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := schedule.Run(pr.Project)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Format, len(pr.Project.Tasks), "tasks, finish", r.Finish().Format("Mon 2006-01-02 15:04"))
	// Output:
	// warning: CSV!F1: column "Colour" is not read
	// csv 2 tasks, finish Fri 2027-01-08 17:00
}

// Write a project in the format the name chooses; the warnings say what
// the format could not hold.
func ExampleWrite() {
	p := &schedule.Project{Name: "Slab", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "1", Name: "Formwork", Duration: schedule.Days(3)}}}
	var out bytes.Buffer
	if _, err := interchange.Write("slab.xer", &out, p, nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(out.String(), "\t", 2)[0])
	f, err := interchange.Read("slab.xer", &out, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Format, f.Projects[0].Project.Tasks[0].Name)
	// Output:
	// ERMHDR
	// xer Formwork
}
