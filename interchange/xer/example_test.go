package xer_test

import (
	"fmt"
	"os"

	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

// Read a P6 export: every project in it, with P6's rules from its
// schedule options and the dates P6 saved.
func ExampleRead() {
	f, err := os.Open("testdata/xernative__sample.xer")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	x, err := xer.Read(f, nil) // the code page is detected; ReadOptions choose it
	if err != nil {
		fmt.Println(err) // a *ParseError naming the line
		return
	}
	pr := x.Projects[0]
	r, err := schedule.Run(pr.Project)
	if err != nil {
		fmt.Println(err)
		return
	}
	i, _ := r.Network().Index("A1050")
	fmt.Println(pr.ID, len(pr.Project.Tasks), "tasks, finish", r.Finish().Format("2006-01-02"))
	fmt.Println("A1050: total float", r.Task(i).TotalFloat/480, "days; P6 saved", pr.Saved["A1050"].TotalFloat/480)
	// Output:
	// TAKT 30 tasks, finish 2022-02-21
	// A1050: total float 8 days; P6 saved 8
}
