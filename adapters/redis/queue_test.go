package redis_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/jobstest"
)

func TestQueueConformance(t *testing.T) {
	jobstest.Run(t, jobstest.Harness{
		New: func(t *testing.T) func(jobs.Config) jobs.Queue {
			c, prefix := client(t)
			return func(cfg jobs.Config) jobs.Queue {
				return redis.NewQueue(c, redis.QueueConfig{Config: cfg, Prefix: prefix, Block: 50 * time.Millisecond})
			}
		},
		Shared: true,
		Crash:  func(q jobs.Queue) { redis.Crash(q.(*redis.Queue)) },
	})
}
