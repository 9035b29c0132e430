package xlsx_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// Priorities are written as the priority a task has, in the workbook and
// in CSV, and read back as they were: 0 (the lowest, asked for), 500
// (left unset or asked for), 1000 (never delayed).
func TestPriorityRoundTrip(t *testing.T) {
	p := &schedule.Project{Name: "priorities", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	fields := []int{schedule.LowestPriority, 0, 500, 1000, 1}
	want := []int{0, 500, 500, 1000, 1}
	for k, f := range fields {
		p.Tasks = append(p.Tasks, schedule.Task{ID: string(rune('1' + k)), Name: "T", Duration: schedule.Days(1), Priority: f})
	}
	book, _ := roundTrip(t, p)
	var csv bytes.Buffer
	if _, err := xlsx.WriteCSV(&csv, p, nil); err != nil {
		t.Fatal(err)
	}
	base := *p
	base.Tasks = nil
	fromCSV, _, err := parts(xlsx.ReadCSV(bytes.NewReader(csv.Bytes()), &xlsx.ReadOptions{Base: &base}))
	if err != nil {
		t.Fatal(err)
	}
	for name, back := range map[string]*schedule.Project{"workbook": book, "CSV": fromCSV} {
		for k, w := range want {
			if got := back.Tasks[k].LevelingPriority(); got != w {
				t.Errorf("%s: Priority %d: read back %d, want %d", name, fields[k], got, w)
			}
		}
	}
}

// A priority that is not a whole number is a problem: "2.5" is not read
// as 2.
func TestReadPriorityNotWhole(t *testing.T) {
	in := "ID,Name,Duration,Priority\nA,x,1d,2.5\n"
	p, _, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}))
	if err == nil {
		t.Fatalf("no problem reported; priority 2.5 read as %d", p.Tasks[0].Priority)
	}
}
