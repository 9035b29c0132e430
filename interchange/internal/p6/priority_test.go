package p6_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// TestPriorityRoundTrip writes priorities to P6's five levels and reads
// them back: the lowest (0) and the default (500, unset or asked for)
// come back as they were; one between the levels comes back as the
// nearest, and 1000, never delayed, which has no P6 level of its own, as
// the top level's 900, with a warning.
func TestPriorityRoundTrip(t *testing.T) {
	for _, fm := range formats {
		for _, c := range []struct {
			field, want, warnings int
		}{
			{schedule.LowestPriority, 0, 0},
			{0, 500, 0},
			{500, 500, 0},
			{1, 0, 1}, // PT_Lowest
			{250, 300, 1},
			{900, 900, 0},
			{1000, 900, 1},
		} {
			p := &schedule.Project{Name: "priorities", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Options: schedule.P6Options(),
				Tasks: []schedule.Task{{ID: "A", Duration: schedule.Hours(8), Priority: c.field}}}
			back, _, warnings, err := fm.trip(p)
			if err != nil {
				t.Fatalf("%s: priority %d: %v", fm.name, c.field, err)
			}
			if got := priority(back, "A"); got != c.want || warnings != c.warnings {
				t.Errorf("%s: Priority %d: got %d with %d warnings, want %d with %d", fm.name, c.field, got, warnings, c.want, c.warnings)
			}
		}
	}
}
