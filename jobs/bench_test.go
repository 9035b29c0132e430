package jobs_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
)

// BenchmarkMemory measures the in-process queue's throughput: batches of
// 1,000 no-op jobs enqueued and run, with ten workers (the default) and
// with a hundred, reported as jobs a second.
func BenchmarkMemory(b *testing.B) {
	for _, workers := range []int{10, 100} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
			q := jobs.NewMemory(jobs.Config{Default: jobs.QueueConfig{Concurrency: workers}})
			defer q.Shutdown(context.Background())
			var wg sync.WaitGroup
			if err := q.Consume("bench", jobs.HandlerFunc(func(context.Context, *jobs.Job, jobs.Progress) error {
				wg.Done()
				return nil
			})); err != nil {
				b.Fatal(err)
			}
			job := jobs.Job{Queue: "bench", Kind: "noop", Payload: []byte(`{}`)}
			const batch = 1000
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				wg.Add(batch)
				for range batch {
					if _, err := q.Enqueue(context.Background(), job); err != nil {
						b.Fatal(err)
					}
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "jobs/s")
		})
	}
}
