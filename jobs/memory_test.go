package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/jobstest"
)

func TestMemory(t *testing.T) {
	jobstest.Run(t, jobstest.Harness{New: func(t *testing.T) func(jobs.Config) jobs.Queue {
		return func(cfg jobs.Config) jobs.Queue { return jobs.NewMemory(cfg) }
	}})
}

// TestMemoryEventsCarryProject: every event of a job carries the job's
// Project, so that the realtime bridge can route it to the project's room.
func TestMemoryEventsCarryProject(t *testing.T) {
	ctx := t.Context()
	clock := jobstest.NewClock(jobstest.T0)
	q := jobs.NewMemory(jobs.Config{Clock: clock, EventBuffer: 64})
	t.Cleanup(func() { q.Shutdown(context.Background()) })
	sub, err := q.Subscribe(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	next := func() jobs.Event {
		t.Helper()
		select {
		case ev := <-sub.C:
			return ev
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10 s")
			return jobs.Event{}
		}
	}
	mk := func(queue, project, payload string) jobs.Job {
		return jobs.Job{Queue: queue, Kind: "k", Project: project, Payload: json.RawMessage(payload), MaxAttempts: 1}
	}
	if err := q.Consume("work", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		p(50, "half")
		if string(j.Payload) == `"fail"` {
			return jobs.Permanent(errors.New("no"))
		}
		return nil
	})); err != nil {
		t.Fatal(err)
	}

	want := []jobs.EventKind{}
	got := []jobs.Event{}
	for _, c := range []struct {
		payload string
		kinds   []jobs.EventKind
	}{
		{`"ok"`, []jobs.EventKind{jobs.EventQueued, jobs.EventStarted, jobs.EventProgress, jobs.EventCompleted}},
		{`"fail"`, []jobs.EventKind{jobs.EventQueued, jobs.EventStarted, jobs.EventProgress, jobs.EventFailed, jobs.EventDead}},
	} {
		if _, err := q.Enqueue(ctx, mk("work", "dhaka-tower", c.payload)); err != nil {
			t.Fatal(err)
		}
		for range c.kinds {
			got = append(got, next())
		}
		want = append(want, c.kinds...)
	}
	// A dead job retried by hand, a waiting job coalesced and canceled.
	dead, err := q.Dead(ctx, "work", 1)
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead jobs: %v, %v", dead, err)
	}
	later := mk("later", "padma-bridge", `"x"`)
	later.RunAt, later.CoalesceKey = jobstest.T0.Add(time.Hour), "c"
	id, err := q.Enqueue(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, later); err != nil {
		t.Fatal(err)
	}
	if err := q.Cancel(ctx, "later", id); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		got = append(got, next())
	}
	want = append(want, jobs.EventQueued, jobs.EventQueued, jobs.EventCanceled)
	if err := q.RetryDead(ctx, "work", dead[0].Job.ID); err != nil {
		t.Fatal(err)
	}
	got = append(got, next())
	want = append(want, jobs.EventQueued)

	for i, ev := range got {
		project := "dhaka-tower"
		if ev.Queue == "later" {
			project = "padma-bridge"
		}
		if ev.Kind != want[i] || ev.Project != project {
			t.Errorf("event %d: %v of %q, project %q; want %v, project %q", i, ev.Kind, ev.Queue, ev.Project, want[i], project)
		}
	}
}
