package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/store/storetest"
)

// BenchmarkApply applies one duration edit at a time, each with its
// command id, to a 10,000-task project through a Store on PostgreSQL (a
// server on a Unix socket, fsync on), as store's BenchmarkApply does in
// memory, and reports the latency percentiles.
func BenchmarkApply(b *testing.B) { storetest.BenchApply(b, open(b, Config{})) }

// BenchmarkLoad loads a 10,000-task project into a new Store: its latest
// snapshot and the events after it (none, or 99 edits to replay).
func BenchmarkLoad(b *testing.B) {
	for _, edits := range []int{100, 199} {
		b.Run(fmt.Sprintf("replay=%d", edits-100), func(b *testing.B) {
			backend := open(b, Config{})
			rev := storetest.PrepareLoad(b, backend, edits)
			b.ReportAllocs()
			for b.Loop() {
				storetest.Load(b, backend, rev)
			}
		})
	}
}

// BenchmarkRefresh refreshes the views over 100 projects of 2,000 tasks
// each (four crews, a baseline, progress at a status date), each view
// alone and both, as Refresh does.
func BenchmarkRefresh(b *testing.B) {
	backend := open(b, Config{RefreshEvery: time.Hour})
	for k := range 100 {
		p := progressed(b, randnet.Loaded(2_000, uint64(k)), uint64(k), 0.3)
		if err := backend.Project(b.Context(), fmt.Sprint("project-", k), 1, p); err != nil {
			b.Fatal(err)
		}
	}
	var tasks, days int
	backend.Pool().QueryRow(b.Context(), "SELECT (SELECT count(*) FROM projection_tasks), (SELECT count(*) FROM projection_resource_days)").Scan(&tasks, &days)
	b.Logf("%d task rows, %d resource-day rows", tasks, days)
	for _, c := range []struct {
		name  string
		views []string
	}{{"project_dashboard", views[:1]}, {"resource_utilization", views[1:]}, {"both", views}} {
		b.Run("view="+c.name, func(b *testing.B) {
			for b.Loop() {
				for _, v := range c.views {
					if err := backend.refreshView(b.Context(), v); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
