package xlsx_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// Read someone's task table: columns are found by their headers (English
// or Bangla), predecessors as Microsoft Project writes them, resources
// with their units.
func ExampleReadCSV() {
	table := "Task ID;Task Name;Duration;Predecessors;Resource Names\n" +
		"1;Excavate;3 days;;Digger\n" +
		"2;Blinding;1 day;1FS+1d;Mason[50%]\n" +
		"3;Footings;4 days;2;Mason,Steel fixer\n"
	f, err := xlsx.ReadCSV(strings.NewReader(table), &xlsx.ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err) // an *ImportError lists every bad cell, as "CSV!C3: …"
		return
	}
	p := f.Project
	for _, a := range p.Assignments {
		fmt.Printf("%s: %s at %g\n", a.Task, a.Resource, a.Units)
	}
	r, err := schedule.Run(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Links[0].Pred, "→", p.Links[0].Succ, p.Links[0].Lag, "; finish", r.Finish().Format("Mon 2006-01-02 15:04"))
	// Output:
	// 1: Digger at 1
	// 2: Mason at 0.5
	// 3: Mason at 1
	// 3: Steel fixer at 1
	// 1 → 2 1d ; finish Thu 2027-01-14 17:00
}

// Write a workbook — tasks with the Gantt chart, resources, usage,
// calendars — and read it back as the same project.
func ExampleWrite() {
	p := &schedule.Project{Name: "Slab", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "F", Name: "Formwork", Duration: schedule.Days(3)}, {ID: "C", Name: "Cast", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "F", Succ: "C"}}}
	var book bytes.Buffer
	if _, err := xlsx.Write(&book, p, nil); err != nil {
		fmt.Println(err)
		return
	}
	f, err := xlsx.Read(&book, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	q := f.Project
	fmt.Println(q.Name, len(q.Tasks), "tasks,", q.Links[0].Pred, "→", q.Links[0].Succ, ", warnings:", len(f.Warnings))
	// Output:
	// Slab 2 tasks, F → C , warnings: 0
}
