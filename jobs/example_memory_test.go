package jobs_test

import (
	"context"
	"fmt"

	"github.com/critpath/critpath/jobs"
)

// A queue in process: a typed handler registered on a Mux, a job
// enqueued, and the event stream read until the job is done.
func ExampleNewMemory() {
	ctx := context.Background()
	q := jobs.NewMemory(jobs.Config{})
	defer q.Shutdown(ctx)

	type recompute struct {
		Project string `json:"project"`
	}
	mux := jobs.NewMux()
	jobs.Register(mux, "recompute", func(ctx context.Context, r recompute, p jobs.Progress) error {
		p(100, "critical path of "+r.Project)
		return nil
	})
	events, _ := q.Subscribe(ctx, "schedule")
	defer events.Close()
	q.Consume("schedule", mux)

	job, _ := jobs.NewJob("schedule", "recompute", recompute{Project: "padma-bridge"})
	job.CoalesceKey = "project:padma-bridge"
	q.Enqueue(ctx, job)
	for e := range events.C {
		if e.Message != "" {
			fmt.Println(e.Kind, e.Message)
		} else {
			fmt.Println(e.Kind)
		}
		if e.Kind == jobs.EventCompleted {
			break
		}
	}
	// Output:
	// queued
	// started
	// progress critical path of padma-bridge
	// completed
}
