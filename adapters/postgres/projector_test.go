package postgres

import (
	"errors"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func count(t *testing.T, b *Backend, table, project string) int {
	t.Helper()
	var n int
	if err := b.Pool().QueryRow(t.Context(), "SELECT count(*) FROM "+table+" WHERE project = $1", project).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestProjectReplaces: a later projection replaces the project's rows
// whole; an older one is dropped; a project that does not schedule
// writes nothing.
func TestProjectReplaces(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	big, small := dhaka(t), randnet.Loaded(40, 3)
	if err := b.Project(ctx, "p", 2, big); err != nil {
		t.Fatal(err)
	}
	if err := b.Project(ctx, "p", 3, small); err != nil {
		t.Fatal(err)
	}
	if err := b.Project(ctx, "p", 1, big); err != nil {
		t.Fatalf("an older projection: %v, want it dropped quietly", err)
	}
	cycle := &schedule.Project{Start: randnet.Start, Tasks: []schedule.Task{
		{ID: "A", Duration: schedule.Days(1)}, {ID: "B", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "B", Succ: "A"}}}
	err := b.Project(ctx, "p", 4, cycle)
	if _, ok := errors.AsType[*schedule.CycleError](err); !ok {
		t.Errorf("a project with a loop: %v, want a CycleError", err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, b, "projection_tasks", "p"); n != len(small.Tasks) {
		t.Errorf("%d task rows, want the later projection's %d", n, len(small.Tasks))
	}
	if n := count(t, b, "projection_resources", "p"); n != len(small.Resources) {
		t.Errorf("%d resource rows, want the later projection's %d", n, len(small.Resources))
	}
	checkViews(t, b, map[string]*schedule.Project{"p": small}, map[string]int64{"p": 3})
}

// TestRefreshInBackground: after a projection the views are refreshed
// without being asked.
func TestRefreshInBackground(t *testing.T) {
	b := open(t, Config{RefreshEvery: 10 * time.Millisecond})
	ctx := t.Context()
	if err := b.Project(ctx, "tower", 1, dhaka(t)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for len(dashboard(t, b)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the dashboard not refreshed within a minute of a projection")
		}
		<-tick.C
	}
}
