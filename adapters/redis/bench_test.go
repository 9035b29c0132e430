package redis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// BenchmarkScheduleCache compares reading the schedule of a 10,000-task
// project (its JSON, about 5 MB) from Redis, a hit through store.Results
// over a Cache on the test's redis-server (a Unix socket on the same
// machine), with computing it again: schedule.Run and the result's JSON.
// The hit reports the ratio recompute/hit measured in the same run.
func BenchmarkScheduleCache(b *testing.B) {
	p := randnet.Project(randnet.Config{Tasks: 10_000, Mixed: true, Seed: 1})
	compute := func(context.Context) ([]byte, error) {
		res, err := schedule.Run(p)
		if err != nil {
			return nil, fmt.Errorf("scheduling %s: %w", p.Name, err)
		}
		return res.MarshalJSON()
	}
	var recompute float64 // ns/op
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
		rc, prefix := client(b)
		r := store.NewResults(redis.NewCache(rc, redis.CacheConfig{Prefix: prefix}), nil)
		key := store.Key{Project: "random", Revision: 1, Kind: "schedule"}
		v, err := r.Get(ctx, key, compute)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(v)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Get(ctx, key, compute); err != nil {
				b.Fatal(err)
			}
		}
		if s := r.Stats(); s.Computes != 1 || s.CacheErrors != 0 {
			b.Fatalf("Stats() = %+v; want one computation and no cache error", s)
		}
		if hit := float64(b.Elapsed().Nanoseconds()) / float64(b.N); recompute > 0 {
			b.ReportMetric(recompute/hit, "recompute/hit")
		}
	})
}
