package store_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// Two planners change one project: the second, working from the
// revision before the first's change, renames a task (last writer wins,
// told what it overwrote) and then tries to change the duration the
// first just changed (refused, with the current value and who set it).
func Example() {
	ctx := context.Background()
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))
	p := &schedule.Project{Name: "Plot 14", Start: start, Tasks: []schedule.Task{
		{ID: "piling", Name: "Piling", Duration: schedule.Days(10)},
		{ID: "raft", Name: "Raft", Duration: schedule.Days(6)},
	}, Links: []schedule.Link{{Pred: "piling", Succ: "raft"}}}
	if _, err := s.Create(ctx, "plot-14", p, "karim"); err != nil {
		fmt.Println(err)
		return
	}

	out, _ := s.Apply(ctx, "plot-14", store.Change{Actor: "karim", Command: "k-1", Base: 1, Ops: []store.Op{
		store.Set("piling", "duration", schedule.Days(12)),
		store.Set("raft", "name", "Raft foundation"),
	}})
	fmt.Printf("revision %d, %d tasks moved, finish %s\n", out.Revision, len(out.Delta.Changes), out.Delta.Finish[1].Format("Mon 2006-01-02 15:04"))

	out, _ = s.Apply(ctx, "plot-14", store.Change{Actor: "nadia", Command: "n-1", Base: 1, Ops: []store.Op{
		store.Set("raft", "name", "Raft (mat) foundation"),
	}})
	r := out.Resolutions[0]
	fmt.Printf("nadia's name won over %s's %s\n", r.LostBy, r.Lost)

	_, err := s.Apply(ctx, "plot-14", store.Change{Actor: "nadia", Command: "n-2", Base: 1, Ops: []store.Op{
		store.Set("piling", "duration", schedule.Days(8)),
	}})
	if c, ok := errors.AsType[*store.ConflictError](err); ok {
		fmt.Printf("refused: %s was set to %s by %s at revision %d\n", c.Conflicts[0].Field, c.Conflicts[0].Current, c.Conflicts[0].By, c.Conflicts[0].Version)
	}

	evs, _ := s.Events(ctx, "plot-14", 0, 10)
	fmt.Printf("%d events; log verifies: %v\n", len(evs), s.Verify(ctx, "plot-14") == nil)
	// Output:
	// revision 2, 2 tasks moved, finish Wed 2027-01-27 17:00
	// nadia's name won over karim's "Raft foundation"
	// refused: duration was set to "12d" by karim at revision 2
	// 3 events; log verifies: true
}
