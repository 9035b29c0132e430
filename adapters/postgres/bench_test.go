package postgres

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// reportLatency reports the 50th and 99th percentiles of lat in ms.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// BenchmarkApply applies one duration edit at a time to a 10,000-task
// project through a Store on PostgreSQL (a server on a Unix socket, fsync
// on), as store's BenchmarkApply does in memory, and reports the latency
// percentiles.
func BenchmarkApply(b *testing.B) {
	p := randnet.Loaded(10_000, 1)
	s := store.New(open(b, Config{}), store.Config{})
	defer s.Close()
	rev, err := s.Create(b.Context(), "p", p, "bench")
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		task := p.Tasks[(i*7919)%len(p.Tasks)].ID
		start := time.Now()
		out, err := s.Apply(b.Context(), "p", store.Change{Actor: "bench", Base: rev,
			Ops: []store.Op{store.Set(task, "duration", schedule.Days(float64(1+i%9)))}})
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		rev = out.Revision
		i++
	}
	reportLatency(b, lat)
}

// BenchmarkLoad loads a 10,000-task project into a new Store: its latest
// snapshot and the events after it (none, or 99 edits to replay).
func BenchmarkLoad(b *testing.B) {
	for _, edits := range []int{0, 99} {
		b.Run(fmt.Sprintf("replay=%d", edits), func(b *testing.B) {
			backend := open(b, Config{})
			p := randnet.Loaded(10_000, 1)
			s := store.New(backend, store.Config{})
			rev, err := s.Create(b.Context(), "p", p, "bench")
			if err != nil {
				b.Fatal(err)
			}
			for i := range edits {
				out, err := s.Apply(b.Context(), "p", store.Change{Actor: "bench", Base: rev,
					Ops: []store.Op{store.Set(p.Tasks[i*97].ID, "duration", schedule.Days(3))}})
				if err != nil {
					b.Fatal(err)
				}
				rev = out.Revision
			}
			s.Close()
			b.ReportAllocs()
			for b.Loop() {
				s := store.New(backend, store.Config{})
				_, got, err := s.Project(b.Context(), "p")
				if err != nil || got != rev {
					b.Fatalf("loaded revision %d, %v; want %d", got, err, rev)
				}
				s.Close()
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
