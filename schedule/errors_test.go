package schedule_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// TestCycleErrorLong: the message of a long loop says its length and
// names its first and last few tasks; Tasks keeps them all.
func TestCycleErrorLong(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{2, "schedule: the links form a cycle: T0000000 → T0000001 → T0000000"},
		{11, "schedule: the links form a cycle: T0000000 → T0000001 → T0000002 → T0000003 → T0000004 → T0000005 → T0000006 → T0000007 → T0000008 → T0000009 → T0000010 → T0000000"},
		{12, "schedule: the links form a cycle of 12 tasks: T0000000 → T0000001 → T0000002 → T0000003 → T0000004 → … → T0000007 → T0000008 → T0000009 → T0000010 → T0000011 → T0000000"},
		{100_000, "schedule: the links form a cycle of 100000 tasks: T0000000 → T0000001 → T0000002 → T0000003 → T0000004 → … → T0099995 → T0099996 → T0099997 → T0099998 → T0099999 → T0000000"},
	} {
		p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
		for i := range c.n {
			p.Tasks = append(p.Tasks, schedule.Task{ID: randnet.ID(i)})
			p.Links = append(p.Links, schedule.Link{Pred: randnet.ID(i), Succ: randnet.ID((i + 1) % c.n)})
		}
		_, err := schedule.Compile(p)
		ce, ok := errors.AsType[*schedule.CycleError](err)
		if !ok {
			t.Fatalf("%d tasks: got %v, want a CycleError", c.n, err)
		}
		if len(ce.Tasks) != c.n {
			t.Errorf("%d tasks: the error keeps %d", c.n, len(ce.Tasks))
		}
		if got := err.Error(); got != c.want {
			t.Errorf("%d tasks: got %q, want %q", c.n, got, c.want)
		}
		if len(err.Error()) > 300 {
			t.Errorf("%d tasks: a message of %d bytes", c.n, len(err.Error()))
		}
	}
	if got := (&schedule.CycleError{}).Error(); !strings.Contains(got, "cycle") {
		t.Errorf("no tasks: %q", got)
	}
}
