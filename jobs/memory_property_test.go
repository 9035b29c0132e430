package jobs_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/critpath/critpath/jobs"
)

// TestMemoryOrderProperty runs random jobs — priorities, run-at times,
// durations — on one worker, in a synctest bubble so that the system
// clock is the bubble's, and checks each start: every job runs once, not
// before its time; the worker never idles while a job is ready; and no
// ready job of a higher priority waits while another starts.
func TestMemoryOrderProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round := range 60 {
		n := 1 + r.IntN(40)
		type spec struct {
			prio  int
			delay time.Duration
			dur   time.Duration
		}
		specs := make([]spec, n)
		for i := range specs {
			specs[i] = spec{r.IntN(4), time.Duration(r.IntN(60)) * time.Second, time.Duration(1+r.IntN(10)) * time.Second}
		}
		synctest.Test(t, func(t *testing.T) {
			ctx := context.Background()
			q := jobs.NewMemory(jobs.Config{Default: jobs.QueueConfig{Concurrency: 1}})
			defer q.Shutdown(ctx)
			type start struct {
				id int
				at time.Time
			}
			var starts []start
			t0 := time.Now()
			q.Consume("p", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
				i, _ := strconv.Atoi(string(j.Payload))
				starts = append(starts, start{i, time.Now()})
				time.Sleep(specs[i].dur)
				return nil
			}))
			for i, s := range specs {
				j := jobs.Job{Queue: "p", Kind: "k", Payload: []byte(strconv.Itoa(i)), Priority: s.prio}
				if s.delay > 0 {
					j.RunAt = t0.Add(s.delay)
				}
				if _, err := q.Enqueue(ctx, j); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(time.Hour)
			synctest.Wait()
			if len(starts) != n {
				t.Fatalf("round %d: %d starts for %d jobs", round, len(starts), n)
			}
			ran := map[int]bool{}
			free := t0 // when the worker is free
			for k, s := range starts {
				sp := specs[s.id]
				if ran[s.id] {
					t.Fatalf("round %d: job %d ran twice", round, s.id)
				}
				ran[s.id] = true
				if s.at.Before(t0.Add(sp.delay)) {
					t.Errorf("round %d: job %d started at %v, before its time %v", round, s.id, s.at.Sub(t0), sp.delay)
				}
				// The earliest the next job could start: the worker free and
				// some job's time come.
				earliest := time.Time{}
				for i, o := range specs {
					if ran[i] && i != s.id {
						continue
					}
					if at := t0.Add(o.delay); earliest.IsZero() || at.Before(earliest) {
						earliest = at
					}
				}
				if want := later(free, earliest); !s.at.Equal(want) {
					t.Errorf("round %d: start %d (job %d) at %v, want %v: the worker idled", round, k, s.id, s.at.Sub(t0), want.Sub(t0))
				}
				for i, o := range specs {
					if !ran[i] && !t0.Add(o.delay).After(s.at) && o.prio > sp.prio {
						t.Errorf("round %d: job %d (priority %d) started while job %d (priority %d) was ready", round, s.id, sp.prio, i, o.prio)
					}
				}
				free = s.at.Add(sp.dur)
			}
		})
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
