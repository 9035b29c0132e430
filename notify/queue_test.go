package notify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/jobstest"
)

// TestThroughTheJobsQueue runs the Dispatcher on the jobs package's
// in-process queue, ten workers at once, on a clock the test moves: both
// SMS providers down at first (the primary for 10 minutes, the secondary
// for 20), every message delivered once the primary is back, none twice,
// none lost.
func TestThroughTheJobsQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		clock := jobstest.NewClock(simStart)
		q := jobs.NewMemory(jobs.Config{Clock: clock, Rand: rand.New(rand.NewPCG(1, 2))})
		primary := newFake("sslwireless", clock.Now, down("sslwireless", simStart, 10*time.Minute))
		secondary := newFake("bulksmsbd", clock.Now, down("bulksmsbd", simStart, 20*time.Minute))
		ledger := NewMemoryLedger()
		d, err := New(NewMemoryDirectory(), q, Config{
			Providers: map[Channel][]Provider{SMS: {primary, secondary}},
			Ledger:    ledger, Now: clock.Now, Rand: rand.New(rand.NewPCG(3, 4)),
		})
		if err != nil {
			t.Fatal(err)
		}
		mux := jobs.NewMux()
		d.Register(mux)
		if err := q.Consume(d.Queue(), mux); err != nil {
			t.Fatal(err)
		}
		const n = 200
		for i := range n {
			if _, err := d.Send(ctx, announcement(fmt.Sprintf("k%d", i), Critical, phone(i))); err != nil {
				t.Fatal(err)
			}
		}
		for range 60 * 60 {
			synctest.Wait()
			clock.Advance(time.Second)
		}
		synctest.Wait()
		if err := q.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		delivered := ledger.Deliveries(Delivered)
		got, dups := primary.total()
		got2, dups2 := secondary.total()
		if len(delivered) != n || len(ledger.DeadLetters()) != 0 || got+got2 != n || dups+dups2 != 0 {
			t.Errorf("%d delivered, %d dead; the people got %d, %d twice; want %d, 0, %d, 0",
				len(delivered), len(ledger.DeadLetters()), got+got2, dups+dups2, n, n)
		}
		for _, dl := range delivered {
			if dl.At.Before(simStart.Add(10 * time.Minute)) {
				t.Fatalf("%s delivered at %v, during the outage", dl.Key, dl.At)
			}
		}
		st, _ := q.Stats(ctx, d.Queue())
		t.Logf("through jobs.Memory: %d delivered after %v–%v, %d provider calls, queue %+v",
			len(delivered), delivered[0].At.Sub(simStart), delivered[len(delivered)-1].At.Sub(simStart), primary.calls+secondary.calls, st)
	})
}
