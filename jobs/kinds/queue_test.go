package kinds

import (
	"context"
	"slices"
	"testing"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/store"
)

// TestOnTheQueue runs the kinds on the in-process queue, end to end: a
// burst of critical-path requests for one project while it is edited is
// coalesced, the last run sees the latest revision, and a risk job
// reports progress through the queue's events.
func TestOnTheQueue(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	q := jobs.NewMemory(jobs.Config{})
	defer q.Shutdown(t.Context())
	events, err := q.Subscribe(t.Context(), "project")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Close()

	hold := make(chan struct{}) // the first run waits until the burst is queued
	first := true
	mux := jobs.NewMux()
	mux.Handle(KindCriticalPath, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		if first {
			first = false
			<-hold
		}
		return f.mux.Work(ctx, j, p)
	}))
	mux.Handle(KindRisk, f.mux)
	if err := q.Consume("project", mux); err != nil {
		t.Fatal(err)
	}
	enqueue := func(a Args) {
		j, err := NewJob("project", a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(t.Context(), j); err != nil {
			t.Fatal(err)
		}
	}
	enqueue(CriticalPathArgs{Project: "tower"})
	waitFor(t, events, jobs.EventStarted)
	rev := int64(1)
	for range 50 {
		rev = f.apply(t, "tower", rev, store.Set("PIL3", "name", "Piling, block C"))
		enqueue(CriticalPathArgs{Project: "tower"})
	}
	close(hold)
	completed := 0
	for completed < 2 {
		if waitFor(t, events, jobs.EventCompleted, jobs.EventFailed, jobs.EventDead).Kind != jobs.EventCompleted {
			t.Fatal("a critical-path job failed")
		}
		completed++
	}
	runs := 0
	for _, a := range f.ann.all() {
		if a.kind == KindCriticalPath {
			runs++
		}
	}
	if runs != 2 {
		t.Errorf("51 requests ran %d times, want 2 (one running, the rest coalesced into one)", runs)
	}
	var last CriticalPathResult
	if f.ann.last(t, &last); last.Revision != rev {
		t.Errorf("the last run saw revision %d, want the latest, %d", last.Revision, rev)
	}

	enqueue(RiskArgs{Project: "tower", Iterations: 400})
	progress := 0
	for {
		e := waitFor(t, events, jobs.EventProgress, jobs.EventCompleted, jobs.EventFailed, jobs.EventDead)
		if e.Kind == jobs.EventProgress {
			progress++
			continue
		}
		if e.Kind != jobs.EventCompleted {
			t.Fatalf("the risk job ended %v: %s", e.Kind, e.Err)
		}
		break
	}
	if progress == 0 {
		t.Error("the risk job reported no progress through the queue")
	}
}

// waitFor returns the next event of one of the kinds.
func waitFor(t *testing.T, s *jobs.Subscription, kinds ...jobs.EventKind) jobs.Event {
	t.Helper()
	for {
		select {
		case e, ok := <-s.C:
			if !ok {
				t.Fatal("the event stream ended")
			}
			if slices.Contains(kinds, e.Kind) {
				return e
			}
		case <-t.Context().Done():
			t.Fatal("no event")
		}
	}
}
