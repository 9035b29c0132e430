package kinds_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/kinds"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// A critical-path job after an edit, run by a Mux as a queue's worker
// would: the result is announced with the revision it was worked out at.
func Example() {
	ctx := context.Background()
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	if _, err := s.Create(ctx, "house", storetest.Sample(), "planner"); err != nil {
		panic(err)
	}
	mux := jobs.NewMux()
	err := kinds.Register(mux, kinds.Deps{Projects: s, Announcer: kinds.AnnouncerFunc(func(ctx context.Context, project, kind string, payload []byte) error {
		var r kinds.CriticalPathResult
		if err := json.Unmarshal(payload, &r); err != nil {
			return err
		}
		fmt.Printf("%s %s at revision %d: %v, finish %s\n", project, kind, r.Revision, r.LongestPath, r.Finish.Format("Mon 2 Jan 15:04"))
		return nil
	})})
	if err != nil {
		panic(err)
	}

	// The electrical work takes four days more: now it drives the
	// finish, not the walls.
	if _, err := s.Apply(ctx, "house", store.Change{Actor: "site-engineer", Base: 1, Ops: []store.Op{store.Set("E", "duration", schedule.Days(10))}}); err != nil {
		panic(err)
	}
	job, err := kinds.NewJob("projects", kinds.CriticalPathArgs{Project: "house"})
	if err != nil {
		panic(err)
	}
	fmt.Println("coalesced by", job.CoalesceKey)
	if err := mux.Work(ctx, &job, func(float64, string) {}); err != nil {
		panic(err)
	}
	// Output:
	// coalesced by critical_path:house
	// house critical_path at revision 2: [F S E X], finish Fri 5 Mar 17:00
}
