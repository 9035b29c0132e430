package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// BenchmarkScheduleCache compares reading the schedule of a 10,000-task
// project from the cache, a hit through Results over the LRU, with
// computing it again: schedule.Run alone (run) and with the result's
// JSON, which is what the cache keeps (recompute). The hit reports the
// ratios run/hit and recompute/hit, measured in the same run, and the
// size of the result.
func BenchmarkScheduleCache(b *testing.B) {
	p := randnet.Project(randnet.Config{Tasks: 10_000, Mixed: true, Seed: 1})
	compute := func(context.Context) ([]byte, error) {
		res, err := schedule.Run(p)
		if err != nil {
			return nil, fmt.Errorf("scheduling %s: %w", p.Name, err)
		}
		return res.MarshalJSON()
	}
	var run, recompute float64 // ns/op
	b.Run("run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := schedule.Run(p); err != nil {
				b.Fatal(err)
			}
		}
		run = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("recompute", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := compute(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
		recompute = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("hit", func(b *testing.B) {
		ctx := b.Context()
		r := store.NewResults(store.NewLRU(256<<20), nil)
		key := store.Key{Project: "random", Revision: 1, Kind: "schedule"}
		v, err := r.Get(ctx, key, compute)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Get(ctx, key, compute); err != nil {
				b.Fatal(err)
			}
		}
		if s := r.Stats(); s.Computes != 1 {
			b.Fatalf("computed %d times, want once", s.Computes)
		}
		hit := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		if run > 0 {
			b.ReportMetric(run/hit, "run/hit")
		}
		if recompute > 0 {
			b.ReportMetric(recompute/hit, "recompute/hit")
		}
		b.ReportMetric(float64(len(v)), "result-bytes")
	})
}
