package schedule_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// TestWorkingTime checks the working intervals of every calendar of a
// random project, minute by minute, against WorkBetween over each minute.
func TestWorkingTime(t *testing.T) {
	p := randnet.Project(randnet.Config{Tasks: 3, Mixed: true, Seed: 4})
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	n := r.Network()
	from := time.Date(2027, 3, 4, 13, 30, 0, 0, randnet.Start.Location()) // Thursday afternoon, Eid on the Dhaka calendar
	to := from.Add(9*24*time.Hour + 7*time.Minute)
	for _, cal := range []string{"", schedule.Standard, schedule.NightShift, schedule.TwentyFourHours, "Dhaka", schedule.SundayThursday} {
		seq, err := n.WorkingTime(cal, from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := map[time.Time]bool{}
		for m := from; m.Before(to); m = m.Add(time.Minute) {
			if w, _ := n.WorkBetween(cal, m, m.Add(time.Minute)); w == 1 {
				want[m] = true
			}
		}
		got, last := 0, time.Time{}
		for s, e := range seq {
			if !s.Before(e) || s.Before(last) || s.Before(from) || e.After(to) {
				t.Fatalf("%q: interval %v–%v after %v", cal, s, e, last)
			}
			for m := s; m.Before(e); m = m.Add(time.Minute) {
				if !want[m] {
					t.Fatalf("%q: %v is not working time", cal, m)
				}
				got++
			}
			last = e
		}
		if got != len(want) {
			t.Errorf("%q: %d working minutes in the intervals, %d by WorkBetween", cal, got, len(want))
		}
	}
}
