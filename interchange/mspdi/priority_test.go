package mspdi_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Priorities are written as the priority a task has and read back as
// they were: 0 (the lowest, asked for), 500 (left unset or asked for),
// 1000 (never delayed).
func TestPriorityRoundTrip(t *testing.T) {
	p := &schedule.Project{Name: "priorities", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	fields := []int{schedule.LowestPriority, 0, 500, 1000, 1}
	want := []int{0, 500, 500, 1000, 1}
	for k, f := range fields {
		p.Tasks = append(p.Tasks, schedule.Task{ID: string(rune('1' + k)), Name: "T", Duration: schedule.Days(1), Priority: f})
	}
	back := writeBack(t, p)
	for k, w := range want {
		if got := back.Tasks[k].LevelingPriority(); got != w {
			t.Errorf("Priority %d: read back %d, want %d", fields[k], got, w)
		}
	}
}

// A file's Priority 0 is the lowest, and a task without one has the
// default.
func TestReadPriority(t *testing.T) {
	doc := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate><Tasks>
<Task><UID>1</UID><Name>A</Name><Duration>PT8H0M0S</Duration><Priority>0</Priority></Task>
<Task><UID>2</UID><Name>B</Name><Duration>PT8H0M0S</Duration></Task>
</Tasks></Project>`
	f := read(t, []byte(doc), "priorities")
	if a, b := f.Project.Tasks[0].LevelingPriority(), f.Project.Tasks[1].LevelingPriority(); a != 0 || b != 500 {
		t.Errorf("got priorities %d and %d, want 0 and 500", a, b)
	}
}
