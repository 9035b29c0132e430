package xlsx_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// TestCrashPointsRoundTrip: a crash point given as a total cost and one
// given as a cost per day saved each come back from a workbook as they
// went, in columns of their own.
func TestCrashPointsRoundTrip(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].Crash = &schedule.Crash{Duration: schedule.Days(2), Cost: 900}
	p.Tasks[1].Crash = &schedule.Crash{Duration: schedule.Days(1), CostPerDay: 250}
	q, _ := roundTrip(t, p)
	for _, id := range []string{"A", "B"} {
		want, got := taskByID(t, p, id).Crash, taskByID(t, q, id).Crash
		if got == nil || *got != *want {
			t.Errorf("task %s: crash %+v, want %+v", id, got, *want)
		}
	}
}
