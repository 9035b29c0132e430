package jobs_test

import (
	"testing"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/jobstest"
)

func TestMemory(t *testing.T) {
	jobstest.Run(t, jobstest.Harness{New: func(t *testing.T) func(jobs.Config) jobs.Queue {
		return func(cfg jobs.Config) jobs.Queue { return jobs.NewMemory(cfg) }
	}})
}
