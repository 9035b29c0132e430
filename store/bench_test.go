package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// BenchmarkApply applies one duration edit at a time to a 10,000-task
// project in the in-process backend — the store's own cost, the baseline
// of the SQLite and PostgreSQL figures — and reports the latency
// percentiles.
var snapEvery = 100

func BenchmarkApply(b *testing.B) {
	p := randnet.Loaded(10_000, 1)
	s := store.New(store.NewMemory(), store.Config{SnapshotEvery: snapEvery})
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
		out, err := s.Apply(b.Context(), "p", store.Change{Actor: "bench", Base: rev, Ops: []store.Op{store.Set(task, "duration", schedule.Days(float64(1+i%9)))}})
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		rev = out.Revision
		i++
	}
	ReportLatency(b, lat)
}

// ReportLatency reports the 50th and 99th percentiles of lat in ms.
func ReportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}
