// Package jobstest is the conformance suite of package jobs: every Queue
// (jobs.Memory, adapters/redis) passes Run, with time driven by Clock so
// that no test sleeps.
package jobstest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
)

// Harness opens the queues under test.
type Harness struct {
	// New returns a fresh, empty backend for one test, as a function that
	// opens queues on it; the suite shuts each down at the test's end.
	New func(t *testing.T) func(cfg jobs.Config) jobs.Queue
	// Shared says that the queues one backend opens share their jobs, as
	// processes on several machines do (adapters/redis); the shutdown,
	// cron and lease tests then use two of them.
	Shared bool
	// Crash, when set, stops q as a killed process stops: no more
	// renewals of its holds, no more results. The lease test needs it.
	Crash func(q jobs.Queue)
}

// T0 is the time the suite's clocks start at.
var T0 = time.Date(2027, 3, 14, 9, 7, 0, 0, time.UTC)

// wait bounds, in real time, how long the suite waits for an event
// before it fails.
const wait = 20 * time.Second

type env struct {
	t     *testing.T
	clock *Clock
	cfg   jobs.Config
	open  func(cfg jobs.Config) jobs.Queue
}

func (h Harness) env(t *testing.T, tune func(*jobs.Config)) *env {
	cfg := jobs.Config{
		Clock:   NewClock(T0),
		Rand:    rand.New(rand.NewPCG(1, 2)),
		Default: jobs.QueueConfig{Concurrency: 4},
		Queues:  map[string]jobs.QueueConfig{},
	}
	if tune != nil {
		tune(&cfg)
	}
	return &env{t: t, clock: cfg.Clock.(*Clock), cfg: cfg, open: h.New(t)}
}

// queue opens a queue on the test's backend, shut down when the test
// ends.
func (e *env) queue() jobs.Queue {
	q := e.open(e.cfg)
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		q.Shutdown(ctx)
	})
	return q
}

// watch reads a subscription's events.
type watch struct {
	t   *testing.T
	sub *jobs.Subscription
}

func subscribe(t *testing.T, q jobs.Queue, queue string) *watch {
	t.Helper()
	sub, err := q.Subscribe(t.Context(), queue)
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", queue, err)
	}
	t.Cleanup(sub.Close)
	return &watch{t: t, sub: sub}
}

// next returns the next event.
func (w *watch) next() jobs.Event {
	w.t.Helper()
	select {
	case e, ok := <-w.sub.C:
		if !ok {
			w.t.Fatal("subscription closed")
		}
		return e
	case <-time.After(wait):
		w.t.Fatalf("no event within %v", wait)
	}
	return jobs.Event{}
}

// until returns the first event of kind for job id (any job when id is
// "") from now on.
func (w *watch) until(kind jobs.EventKind, id string) jobs.Event {
	w.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e, ok := <-w.sub.C:
			if !ok {
				w.t.Fatalf("subscription closed waiting for %v of job %q", kind, id)
			}
			if e.Kind == kind && (id == "" || e.JobID == id) {
				return e
			}
		case <-deadline:
			w.t.Fatalf("no %v event for job %q within %v", kind, id, wait)
		}
	}
}

// run is a try a handler saw.
type run struct {
	job jobs.Job
	at  time.Time
}

// recorder is a handler that sends each try to runs and returns what
// answer says (nil when answer is nil).
func recorder(clock jobs.Clock, runs chan<- run, answer func(ctx context.Context, job *jobs.Job) error) jobs.Handler {
	return jobs.HandlerFunc(func(ctx context.Context, job *jobs.Job, p jobs.Progress) error {
		runs <- run{*job, clock.Now()}
		if answer == nil {
			return nil
		}
		return answer(ctx, job)
	})
}

func receive[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(wait):
		t.Fatalf("nothing received within %v", wait)
	}
	var zero T
	return zero
}

func enqueue(t *testing.T, q jobs.Enqueuer, job jobs.Job) string {
	t.Helper()
	id, err := q.Enqueue(t.Context(), job)
	if err != nil {
		t.Fatalf("Enqueue(%s %s): %v", job.Queue, job.Kind, err)
	}
	return id
}

func stats(t *testing.T, q jobs.Inspector, queue string) jobs.Stats {
	t.Helper()
	s, err := q.Stats(t.Context(), queue)
	if err != nil {
		t.Fatalf("Stats(%q): %v", queue, err)
	}
	return s
}

func consume(t *testing.T, q jobs.Consumer, queue string, h jobs.Handler) {
	t.Helper()
	if err := q.Consume(queue, h); err != nil {
		t.Fatalf("Consume(%q): %v", queue, err)
	}
}

func job(queue, kind string, payload string) jobs.Job {
	return jobs.Job{Queue: queue, Kind: kind, Payload: []byte(payload)}
}

// Run runs the conformance suite.
func Run(t *testing.T, h Harness) {
	t.Run("EnqueueAndRun", func(t *testing.T) { testEnqueueAndRun(t, h) })
	t.Run("Priority", func(t *testing.T) { testPriority(t, h) })
	t.Run("RunAt", func(t *testing.T) { testRunAt(t, h) })
	t.Run("Backoff", func(t *testing.T) { testBackoff(t, h) })
	t.Run("RetryAfterPermanentDead", func(t *testing.T) { testRetryAfterPermanentDead(t, h) })
	t.Run("AttemptsRunOut", func(t *testing.T) { testAttemptsRunOut(t, h) })
	t.Run("Timeout", func(t *testing.T) { testTimeout(t, h) })
	t.Run("Unique", func(t *testing.T) { testUnique(t, h) })
	t.Run("Coalesce", func(t *testing.T) { testCoalesce(t, h) })
	t.Run("MaxSize", func(t *testing.T) { testMaxSize(t, h) })
	t.Run("RateLimit", func(t *testing.T) { testRateLimit(t, h) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, h) })
	t.Run("Cancel", func(t *testing.T) { testCancel(t, h) })
	t.Run("PanicAndBadInput", func(t *testing.T) { testPanicAndBadInput(t, h) })
	t.Run("Progress", func(t *testing.T) { testProgress(t, h) })
	t.Run("Project", func(t *testing.T) { testProject(t, h) })
	t.Run("SlowSubscriber", func(t *testing.T) { testSlowSubscriber(t, h) })
	t.Run("ShutdownWaits", func(t *testing.T) { testShutdownWaits(t, h) })
	t.Run("ShutdownReturns", func(t *testing.T) { testShutdownReturns(t, h) })
	t.Run("Cron", func(t *testing.T) { testCron(t, h) })
	t.Run("Lease", func(t *testing.T) { testLease(t, h) })
	t.Run("Invalid", func(t *testing.T) { testInvalid(t, h) })
}

type greeting struct {
	Name string `json:"name"`
}

func testEnqueueAndRun(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "mail")
	got := make(chan greeting, 1)
	mux := jobs.NewMux()
	jobs.Register(mux, "greet", func(ctx context.Context, g greeting, p jobs.Progress) error {
		got <- g
		return nil
	})
	j, err := jobs.NewJob("mail", "greet", greeting{"Karim"})
	if err != nil {
		t.Fatal(err)
	}
	id := enqueue(t, q, j)
	if id == "" {
		t.Fatal("Enqueue returned no ID")
	}
	if s := stats(t, q, "mail"); s.Ready != 1 || s.Size() != 1 {
		t.Errorf("Stats before Consume = %+v, want 1 ready", s)
	}
	consume(t, q, "mail", mux)
	if g := receive(t, got); g.Name != "Karim" {
		t.Errorf("handler got %+v, want Karim", g)
	}
	var kinds []jobs.EventKind
	for {
		ev := w.next()
		if ev.JobID != id {
			t.Errorf("event %+v is not of job %s", ev, id)
		}
		kinds = append(kinds, ev.Kind)
		if ev.Kind == jobs.EventStarted && (ev.Attempt != 1 || ev.JobKind != "greet" || ev.Queue != "mail") {
			t.Errorf("started event = %+v, want attempt 1 of greet on mail", ev)
		}
		if ev.Kind == jobs.EventCompleted {
			break
		}
	}
	if want := []jobs.EventKind{jobs.EventQueued, jobs.EventStarted, jobs.EventCompleted}; !slices.Equal(kinds, want) {
		t.Errorf("events %v, want %v", kinds, want)
	}
	if s := stats(t, q, "mail"); s.Size() != 0 || s.Completed != 1 || s.Failed != 0 {
		t.Errorf("Stats after = %+v, want empty with 1 completed", s)
	}
}

func testPriority(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.Queues["p"] = jobs.QueueConfig{Concurrency: 1} })
	q := e.queue()
	w := subscribe(t, q, "p")
	prios := []int{0, 5, 1, 5, -2, 3}
	ids := make([]string, len(prios))
	for i, p := range prios {
		j := job("p", "k", fmt.Sprint(i))
		j.Priority = p
		ids[i] = enqueue(t, q, j)
	}
	runs := make(chan run, len(prios))
	consume(t, q, "p", recorder(e.clock, runs, nil))
	var got []string
	for range prios {
		got = append(got, receive(t, runs).job.ID)
		w.until(jobs.EventCompleted, "")
	}
	want := []string{ids[1], ids[3], ids[5], ids[2], ids[0], ids[4]}
	if !slices.Equal(got, want) {
		t.Errorf("ran %v, want %v (priorities %v)", got, want, prios)
	}
}

func testRunAt(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "d")
	later := job("d", "k", `"later"`)
	later.RunAt = T0.Add(time.Hour)
	lid := enqueue(t, q, later)
	nid := enqueue(t, q, job("d", "k", `"now"`))
	if s := stats(t, q, "d"); s.Scheduled != 1 || s.Ready != 1 {
		t.Errorf("Stats = %+v, want 1 scheduled and 1 ready", s)
	}
	runs := make(chan run, 2)
	consume(t, q, "d", recorder(e.clock, runs, nil))
	if r := receive(t, runs); r.job.ID != nid {
		t.Errorf("first run is job %s, want %s (the one not delayed)", r.job.ID, nid)
	}
	w.until(jobs.EventCompleted, nid)
	if s := stats(t, q, "d"); s.Scheduled != 1 {
		t.Errorf("Stats = %+v, want the delayed job still scheduled", s)
	}
	e.clock.Advance(59 * time.Minute)
	e.clock.Advance(time.Minute)
	r := receive(t, runs)
	if r.job.ID != lid || r.at.Before(later.RunAt) {
		t.Errorf("run of job %s at %v, want job %s at %v or after", r.job.ID, r.at, lid, later.RunAt)
	}
}

func testBackoff(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) {
		c.Queues["b"] = jobs.QueueConfig{BackoffBase: time.Second, BackoffMax: 4 * time.Second, MaxAttempts: 6}
	})
	q := e.queue()
	w := subscribe(t, q, "b")
	runs := make(chan run, 8)
	consume(t, q, "b", recorder(e.clock, runs, func(ctx context.Context, j *jobs.Job) error {
		if j.Attempt < 5 {
			return fmt.Errorf("flaky %d", j.Attempt)
		}
		return nil
	}))
	id := enqueue(t, q, job("b", "k", "{}"))
	for n := 1; n < 5; n++ {
		r := receive(t, runs)
		if r.job.Attempt != n {
			t.Fatalf("try %d has Attempt %d", n, r.job.Attempt)
		}
		f := w.until(jobs.EventFailed, id)
		if f.Attempt != n || !strings.Contains(f.Err, fmt.Sprintf("flaky %d", n)) {
			t.Errorf("failed event %+v, want attempt %d with its error", f, n)
		}
		ev := w.until(jobs.EventRetried, id)
		d := min(time.Second<<(n-1), 4*time.Second)
		if wait := ev.RetryAt.Sub(r.at); wait < d/2 || wait > d {
			t.Errorf("try %d: retry after %v, want within [%v, %v]", n, wait, d/2, d)
		}
		e.clock.Set(ev.RetryAt)
	}
	if r := receive(t, runs); r.job.Attempt != 5 {
		t.Errorf("last try has Attempt %d, want 5", r.job.Attempt)
	}
	w.until(jobs.EventCompleted, id)
	if s := stats(t, q, "b"); s.Failed != 4 || s.Completed != 1 || s.Size() != 0 {
		t.Errorf("Stats = %+v, want 4 failed, 1 completed, none held", s)
	}
}

func testRetryAfterPermanentDead(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "r")
	var fail atomic.Bool
	fail.Store(true)
	runs := make(chan run, 8)
	consume(t, q, "r", recorder(e.clock, runs, func(ctx context.Context, j *jobs.Job) error {
		switch {
		case !fail.Load():
			return nil
		case j.Attempt == 1:
			return jobs.RetryAfter(5*time.Minute, errors.New("site offline"))
		default:
			return jobs.Permanent(errors.New("project deleted"))
		}
	}))
	id := enqueue(t, q, job("r", "k", "{}"))
	receive(t, runs)
	ev := w.until(jobs.EventRetried, id)
	if want := T0.Add(5 * time.Minute); !ev.RetryAt.Equal(want) {
		t.Errorf("RetryAt = %v, want %v (RetryAfter's 5 minutes)", ev.RetryAt, want)
	}
	e.clock.Advance(5 * time.Minute)
	receive(t, runs)
	ev = w.until(jobs.EventDead, id)
	if ev.Attempt != 2 {
		t.Errorf("dead event %+v, want attempt 2", ev)
	}
	dead, err := q.Dead(t.Context(), "r", 10)
	if err != nil || len(dead) != 1 {
		t.Fatalf("Dead = %v, %v; want one job", dead, err)
	}
	d := dead[0]
	if d.Job.ID != id || !strings.Contains(d.Err, "project deleted") || len(d.Attempts) != 2 ||
		d.Attempts[0].Attempt != 1 || !strings.Contains(d.Attempts[0].Err, "site offline") ||
		d.Attempts[1].Attempt != 2 || !d.DiedAt.Equal(T0.Add(5*time.Minute)) {
		t.Errorf("dead job = %+v, want job %s with two attempts and the last error", d, id)
	}
	if s := stats(t, q, "r"); s.Dead != 1 || s.Size() != 0 {
		t.Errorf("Stats = %+v, want 1 dead", s)
	}
	fail.Store(false)
	if err := q.RetryDead(t.Context(), "r", id); err != nil {
		t.Fatalf("RetryDead: %v", err)
	}
	if r := receive(t, runs); r.job.ID != id || r.job.Attempt != 1 {
		t.Errorf("retried dead job ran as %s attempt %d, want %s attempt 1", r.job.ID, r.job.Attempt, id)
	}
	w.until(jobs.EventCompleted, id)
	if err := q.RetryDead(t.Context(), "r", id); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("RetryDead of a done job: %v, want ErrNotFound", err)
	}
	// Another dies and is discarded.
	fail.Store(true)
	id2 := enqueue(t, q, job("r", "k", "{}"))
	receive(t, runs)
	w.until(jobs.EventRetried, id2)
	e.clock.Advance(5 * time.Minute)
	receive(t, runs)
	w.until(jobs.EventDead, id2)
	if err := q.DiscardDead(t.Context(), "r", id2); err != nil {
		t.Errorf("DiscardDead: %v", err)
	}
	if err := q.DiscardDead(t.Context(), "r", id2); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("DiscardDead twice: %v, want ErrNotFound", err)
	}
	if dead, _ := q.Dead(t.Context(), "r", 10); len(dead) != 0 {
		t.Errorf("Dead after discard = %v, want none", dead)
	}
}

func testAttemptsRunOut(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.Queues["a"] = jobs.QueueConfig{MaxAttempts: 5, BackoffBase: time.Minute} })
	q := e.queue()
	w := subscribe(t, q, "a")
	runs := make(chan run, 8)
	consume(t, q, "a", recorder(e.clock, runs, func(ctx context.Context, j *jobs.Job) error {
		return errors.New("always")
	}))
	j := job("a", "k", "{}")
	j.MaxAttempts = 2 // the job's own limit wins over the queue's
	id := enqueue(t, q, j)
	receive(t, runs)
	ev := w.until(jobs.EventRetried, id)
	e.clock.Set(ev.RetryAt)
	receive(t, runs)
	w.until(jobs.EventDead, id)
	if s := stats(t, q, "a"); s.Dead != 1 || s.Failed != 2 || s.Size() != 0 {
		t.Errorf("Stats = %+v, want 1 dead after 2 failed tries", s)
	}
}

func testTimeout(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "t")
	causes := make(chan error, 1)
	consume(t, q, "t", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return ctx.Err()
	}))
	j := job("t", "k", "{}")
	j.Timeout = time.Minute
	j.MaxAttempts = 1
	id := enqueue(t, q, j)
	w.until(jobs.EventStarted, id)
	e.clock.Advance(30 * time.Second)
	e.clock.Advance(30 * time.Second)
	if c := receive(t, causes); !errors.Is(c, jobs.ErrTimeout) || !errors.Is(c, context.DeadlineExceeded) {
		t.Errorf("handler's context ended with %v, want ErrTimeout", c)
	}
	ev := w.until(jobs.EventFailed, id)
	if !strings.Contains(ev.Err, "timed out") {
		t.Errorf("failed event's error %q does not say the try timed out", ev.Err)
	}
	w.until(jobs.EventDead, id)
}

func testUnique(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	j := job("u", "k", "{}")
	j.UniqueKey, j.UniqueTTL = "weather:dhaka", 10*time.Minute
	enqueue(t, q, j)
	if _, err := q.Enqueue(t.Context(), j); !errors.Is(err, jobs.ErrDuplicate) {
		t.Errorf("second Enqueue within the TTL: %v, want ErrDuplicate", err)
	}
	e.clock.Advance(9 * time.Minute)
	if _, err := q.Enqueue(t.Context(), j); !errors.Is(err, jobs.ErrDuplicate) {
		t.Errorf("Enqueue 9 minutes on: %v, want ErrDuplicate", err)
	}
	e.clock.Advance(time.Minute)
	enqueue(t, q, j)
	other := j
	other.UniqueKey = "weather:khulna"
	enqueue(t, q, other)

	// Without a TTL the key is held until its job ends.
	w := subscribe(t, q, "v")
	k := job("v", "k", "{}")
	k.UniqueKey = "sync:plan.xml"
	id := enqueue(t, q, k)
	if _, err := q.Enqueue(t.Context(), k); !errors.Is(err, jobs.ErrDuplicate) {
		t.Errorf("Enqueue while the first waits: %v, want ErrDuplicate", err)
	}
	consume(t, q, "v", jobs.HandlerFunc(func(context.Context, *jobs.Job, jobs.Progress) error { return nil }))
	w.until(jobs.EventCompleted, id)
	enqueue(t, q, k)
}

func testCoalesce(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "c")
	release := make(chan struct{})
	runs := make(chan run, 4)
	consume(t, q, "c", recorder(e.clock, runs, func(ctx context.Context, j *jobs.Job) error {
		if j.Payload[0] == '0' {
			<-release
		}
		return nil
	}))
	cp := func(n int) jobs.Job {
		j := job("c", "recompute", fmt.Sprint(n))
		j.CoalesceKey = "project:bridge"
		return j
	}
	first := enqueue(t, q, cp(0))
	w.until(jobs.EventStarted, first)
	second := enqueue(t, q, cp(1))
	if second == first {
		t.Fatal("a job enqueued while its key's job runs was merged into the running one")
	}
	for n := 2; n < 1000; n++ {
		if id := enqueue(t, q, cp(n)); id != second {
			t.Fatalf("request %d got job %s, want it merged into %s", n, id, second)
		}
	}
	if s := stats(t, q, "c"); s.Size() != 2 {
		t.Errorf("Stats = %+v, want 2 jobs for 1,000 requests", s)
	}
	close(release)
	// One job of a key runs at a time: the second starts after the first
	// is done.
	var order []string
	for len(order) == 0 || order[len(order)-1] != "completed "+second {
		ev := w.next()
		if ev.Kind == jobs.EventStarted || ev.Kind == jobs.EventCompleted {
			order = append(order, ev.Kind.String()+" "+ev.JobID)
		}
	}
	if want := []string{"completed " + first, "started " + second, "completed " + second}; !slices.Equal(order, want) {
		t.Errorf("events %q, want %q", order, want)
	}
	r1, r2 := receive(t, runs), receive(t, runs)
	if string(r1.job.Payload) != "0" || string(r2.job.Payload) != "999" || r2.job.ID != second {
		t.Errorf("runs saw %s then %s, want 0 then 999 (the latest)", r1.job.Payload, r2.job.Payload)
	}
	select {
	case r := <-runs:
		t.Errorf("a third run: %+v", r)
	default:
	}
}

func testMaxSize(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.Queues["m"] = jobs.QueueConfig{MaxSize: 10} })
	q := e.queue()
	var ok, full atomic.Int64
	var wg sync.WaitGroup
	ids := make(chan string, 20)
	for i := range 20 {
		wg.Go(func() {
			id, err := q.Enqueue(context.Background(), job("m", "k", fmt.Sprint(i)))
			switch {
			case err == nil:
				ok.Add(1)
				ids <- id
			case errors.Is(err, jobs.ErrQueueFull):
				full.Add(1)
			default:
				t.Errorf("Enqueue: %v", err)
			}
		})
	}
	wg.Wait()
	close(ids)
	if ok.Load() != 10 || full.Load() != 10 {
		t.Fatalf("20 enqueues on a queue of 10: %d accepted, %d full; want 10 and 10", ok.Load(), full.Load())
	}
	for range 3 {
		if _, err := q.Enqueue(t.Context(), job("m", "k", "{}")); !errors.Is(err, jobs.ErrQueueFull) {
			t.Errorf("Enqueue on a full queue: %v, want ErrQueueFull", err)
		}
	}
	w := subscribe(t, q, "m")
	consume(t, q, "m", jobs.HandlerFunc(func(context.Context, *jobs.Job, jobs.Progress) error { return nil }))
	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	for len(want) > 0 {
		delete(want, w.until(jobs.EventCompleted, "").JobID)
	}
	enqueue(t, q, job("m", "k", "{}"))
}

func testRateLimit(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.Queues["rl"] = jobs.QueueConfig{Rate: 1, Burst: 1, Concurrency: 10} })
	q := e.queue()
	runs := make(chan run, 4)
	for i := range 3 {
		enqueue(t, q, job("rl", "k", fmt.Sprint(i)))
	}
	consume(t, q, "rl", recorder(e.clock, runs, nil))
	for i := range 3 {
		if r := receive(t, runs); !r.at.Equal(T0.Add(time.Duration(i) * time.Second)) {
			t.Errorf("start %d at %v, want %v (one a second)", i, r.at.Sub(T0), time.Duration(i)*time.Second)
		}
		e.clock.Advance(time.Second)
	}
}

func testConcurrency(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.Queues["cc"] = jobs.QueueConfig{Concurrency: 2} })
	q := e.queue()
	w := subscribe(t, q, "cc")
	var active, peak atomic.Int64
	release := make(chan struct{})
	entered := make(chan struct{}, 6)
	consume(t, q, "cc", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		n := active.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		entered <- struct{}{}
		<-release
		active.Add(-1)
		return nil
	}))
	for i := range 6 {
		enqueue(t, q, job("cc", "k", fmt.Sprint(i)))
	}
	receive(t, entered)
	receive(t, entered)
	if s := stats(t, q, "cc"); s.Running != 2 || s.Ready != 4 {
		t.Errorf("Stats = %+v, want 2 running and 4 ready", s)
	}
	for range 6 {
		release <- struct{}{}
		w.until(jobs.EventCompleted, "")
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("%d jobs ran at once, want 2", p)
	}
}

func testCancel(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "x")
	waiting := job("x", "k", "{}")
	waiting.RunAt = T0.Add(time.Hour)
	wid := enqueue(t, q, waiting)
	if err := q.Cancel(t.Context(), "x", wid); err != nil {
		t.Fatalf("Cancel of a waiting job: %v", err)
	}
	w.until(jobs.EventCanceled, wid)
	if err := q.Cancel(t.Context(), "x", wid); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("Cancel twice: %v, want ErrNotFound", err)
	}
	if err := q.Cancel(t.Context(), "x", "no-such-job"); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("Cancel of an unknown job: %v, want ErrNotFound", err)
	}
	causes := make(chan error, 1)
	consume(t, q, "x", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return nil // what it returns does not matter: the job is canceled
	}))
	rid := enqueue(t, q, job("x", "k", "{}"))
	w.until(jobs.EventStarted, rid)
	if err := q.Cancel(t.Context(), "x", rid); err != nil {
		t.Fatalf("Cancel of a running job: %v", err)
	}
	if c := receive(t, causes); !errors.Is(c, jobs.ErrCanceled) {
		t.Errorf("handler's context ended with %v, want ErrCanceled", c)
	}
	w.until(jobs.EventCanceled, rid)
	if s := stats(t, q, "x"); s.Size() != 0 || s.Dead != 0 || s.Completed != 0 {
		t.Errorf("Stats = %+v, want nothing held, dead or completed", s)
	}
}

func testPanicAndBadInput(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.Queues["bad"] = jobs.QueueConfig{Concurrency: 1, MaxAttempts: 2} })
	q := e.queue()
	w := subscribe(t, q, "bad")
	mux := jobs.NewMux()
	mux.Handle("boom", jobs.HandlerFunc(func(context.Context, *jobs.Job, jobs.Progress) error { panic("kaboom") }))
	jobs.Register(mux, "typed", func(ctx context.Context, v struct{ N int }, p jobs.Progress) error { return nil })
	consume(t, q, "bad", mux)

	boom := enqueue(t, q, job("bad", "boom", "{}"))
	ev := w.until(jobs.EventFailed, boom)
	if !strings.Contains(ev.Err, "panicked: kaboom") {
		t.Errorf("failed event's error %q does not record the panic", ev.Err)
	}
	ev = w.until(jobs.EventRetried, boom)
	e.clock.Set(ev.RetryAt)
	w.until(jobs.EventDead, boom)

	typed := enqueue(t, q, job("bad", "typed", `{"N":"seven"}`))
	w.until(jobs.EventDead, typed)
	unknown := enqueue(t, q, job("bad", "nobody", "{}"))
	w.until(jobs.EventDead, unknown)
	fine := enqueue(t, q, job("bad", "typed", `{"N":7}`))
	w.until(jobs.EventCompleted, fine)

	dead, err := q.Dead(t.Context(), "bad", 10)
	if err != nil || len(dead) != 3 {
		t.Fatalf("Dead = %d jobs, %v; want 3", len(dead), err)
	}
	want := map[string]string{boom: "panicked: kaboom", typed: "payload", unknown: "no handler"}
	for _, d := range dead {
		if !strings.Contains(d.Err, want[d.Job.ID]) {
			t.Errorf("dead job %s (%s): error %q, want it to say %q", d.Job.ID, d.Job.Kind, d.Err, want[d.Job.ID])
		}
	}
	if dead[0].Job.ID != unknown || len(dead[2].Attempts) != 2 || len(dead[1].Attempts) != 1 {
		t.Errorf("dead jobs not the most recent first, or attempts not kept: %+v", dead)
	}
}

func testProgress(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "pr")
	consume(t, q, "pr", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		p(50, "half the iterations")
		p(140, "done")
		return nil
	}))
	id := enqueue(t, q, job("pr", "risk", "{}"))
	ev := w.until(jobs.EventProgress, id)
	if ev.Percent != 50 || ev.Message != "half the iterations" || ev.Attempt != 1 {
		t.Errorf("progress event %+v, want 50 %% with its message", ev)
	}
	if ev = w.next(); ev.Kind != jobs.EventProgress || ev.Percent != 100 {
		t.Errorf("second progress event %+v, want 100 %% (140 clamped)", ev)
	}
	if ev = w.next(); ev.Kind != jobs.EventCompleted {
		t.Errorf("after the progress, %v; want completed", ev.Kind)
	}
}

// upTo returns the events of job id from now on, up to the first of
// kind.
func (w *watch) upTo(kind jobs.EventKind, id string) []jobs.Event {
	w.t.Helper()
	var evs []jobs.Event
	for {
		e := w.next()
		if e.JobID != id {
			continue
		}
		evs = append(evs, e)
		if e.Kind == kind {
			return evs
		}
	}
}

// testProject: every event of a job carries the job's Project, and so
// do the job its handler gets and its dead letter.
func testProject(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "pj")
	got := make(chan jobs.Job, 16)
	consume(t, q, "pj", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		got <- *j
		p(50, "")
		if string(j.Payload) == `"die"` {
			return jobs.Permanent(errors.New("no such project"))
		}
		return nil
	}))
	with := func(project, payload string) jobs.Job {
		j := job("pj", "k", payload)
		j.Project = project
		return j
	}
	check := func(what, project string, evs []jobs.Event, kinds ...jobs.EventKind) {
		t.Helper()
		var seen []jobs.EventKind
		for _, ev := range evs {
			seen = append(seen, ev.Kind)
			if ev.Project != project {
				t.Errorf("%s: a %v event of project %q, want %q", what, ev.Kind, ev.Project, project)
			}
		}
		if !slices.Equal(seen, kinds) {
			t.Errorf("%s: events %v, want %v", what, seen, kinds)
		}
	}

	id := enqueue(t, q, with("dhaka-tower", `"ok"`))
	check("a job done", "dhaka-tower", w.upTo(jobs.EventCompleted, id),
		jobs.EventQueued, jobs.EventStarted, jobs.EventProgress, jobs.EventCompleted)
	if j := receive(t, got); j.Project != "dhaka-tower" {
		t.Errorf("the handler got project %q, want dhaka-tower", j.Project)
	}

	id = enqueue(t, q, with("padma-bridge", `"die"`))
	check("a job dead", "padma-bridge", w.upTo(jobs.EventDead, id),
		jobs.EventQueued, jobs.EventStarted, jobs.EventProgress, jobs.EventFailed, jobs.EventDead)
	receive(t, got)
	dead, err := q.Dead(t.Context(), "pj", 1)
	if err != nil || len(dead) != 1 || dead[0].Job.Project != "padma-bridge" {
		t.Fatalf("Dead: %+v, %v; want the job of padma-bridge", dead, err)
	}
	if err := q.RetryDead(t.Context(), "pj", id); err != nil {
		t.Fatal(err)
	}
	check("a dead job retried", "padma-bridge", w.upTo(jobs.EventQueued, id), jobs.EventQueued)

	later := with("metro-line-6", `"ok"`)
	later.RunAt, later.CoalesceKey = T0.Add(time.Hour), "c"
	id = enqueue(t, q, later)
	enqueue(t, q, later)
	if err := q.Cancel(t.Context(), "pj", id); err != nil {
		t.Fatal(err)
	}
	check("a job merged and canceled", "metro-line-6", w.upTo(jobs.EventCanceled, id),
		jobs.EventQueued, jobs.EventQueued, jobs.EventCanceled)

	id = enqueue(t, q, with("", `"ok"`))
	check("a job about no project", "", w.upTo(jobs.EventCompleted, id),
		jobs.EventQueued, jobs.EventStarted, jobs.EventProgress, jobs.EventCompleted)
}

func testSlowSubscriber(t *testing.T, h Harness) {
	e := h.env(t, func(c *jobs.Config) { c.EventBuffer = 4 })
	q := e.queue()
	slow := subscribe(t, q, "s")
	for i := range 200 {
		enqueue(t, q, job("s", "k", fmt.Sprint(i)))
	}
	// The subscriber reads nothing while 200 events come: 4 wait in its
	// buffer, the rest are dropped and counted.
	for i := range 4 {
		if ev := slow.next(); ev.Missed != 0 || ev.Kind != jobs.EventQueued {
			t.Errorf("buffered event %d = %+v, want a queued event with nothing missed", i, ev)
		}
	}
	// Markers, one more each time the subscriber reads, until one comes
	// through: every event before it was received or counted missed.
	received, missed := 4, 0
	markers := map[string]int{}
	for n := 1; ; n++ {
		markers[enqueue(t, q, job("s", "k", fmt.Sprint("marker", n)))] = n
		ev := slow.next()
		received++
		missed += ev.Missed
		if m, ok := markers[ev.JobID]; ok {
			if received+missed != 200+m || missed == 0 {
				t.Errorf("up to marker %d the slow subscriber received %d events and was told of %d missed; want %d in all, some missed", m, received, missed, 200+m)
			}
			return
		}
	}
}

func testShutdownWaits(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "sd")
	release := make(chan struct{})
	consume(t, q, "sd", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		<-release
		return nil
	}))
	id := enqueue(t, q, job("sd", "k", "{}"))
	w.until(jobs.EventStarted, id)
	done := make(chan error, 1)
	go func() { done <- q.Shutdown(context.Background()) }()
	close(release)
	w.until(jobs.EventCompleted, id)
	if err := receive(t, done); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := q.Enqueue(t.Context(), job("sd", "k", "{}")); !errors.Is(err, jobs.ErrClosed) {
		t.Errorf("Enqueue after Shutdown: %v, want ErrClosed", err)
	}
}

func testShutdownReturns(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	w := subscribe(t, q, "sr")
	release := make(chan struct{})
	causes := make(chan error, 1)
	consume(t, q, "sr", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		<-release // a handler that does not stop at once
		return nil
	}))
	defer close(release)
	id := enqueue(t, q, job("sr", "k", "{}"))
	w.until(jobs.EventStarted, id)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Shutdown(ctx) }()
	cancel()
	if err := receive(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown past its deadline: %v, want context.Canceled", err)
	}
	if c := receive(t, causes); !errors.Is(c, jobs.ErrShutdown) {
		t.Errorf("handler's context ended with %v, want ErrShutdown", c)
	}
	if s := stats(t, q, "sr"); s.Ready != 1 || s.Running != 0 {
		t.Errorf("Stats after Shutdown = %+v, want the job back, ready", s)
	}
	if !h.Shared {
		return
	}
	q2 := e.queue()
	runs := make(chan run, 1)
	consume(t, q2, "sr", recorder(e.clock, runs, nil))
	if r := receive(t, runs); r.job.ID != id || r.job.Attempt != 1 {
		t.Errorf("after the shutdown another queue ran job %s attempt %d, want %s attempt 1", r.job.ID, r.job.Attempt, id)
	}
}

func testCron(t *testing.T, h Harness) {
	e := h.env(t, nil)
	qs := []jobs.Queue{e.queue()}
	if h.Shared {
		qs = append(qs, e.queue())
	}
	w := subscribe(t, qs[0], "cron")
	runs := make(chan run, 8)
	for _, q := range qs {
		consume(t, q, "cron", recorder(e.clock, runs, nil))
		if err := q.Cron("weather", "*/15 * * * *", job("cron", "weather", "{}")); err != nil {
			t.Fatalf("Cron: %v", err)
		}
		var ce *jobs.CronError
		if err := q.Cron("bad", "*/15 * * *", job("cron", "weather", "{}")); !errors.As(err, &ce) {
			t.Errorf("Cron with four fields: %v, want a *CronError", err)
		}
	}
	fired := map[string]int{}
	for _, at := range []time.Time{T0.Add(8 * time.Minute), T0.Add(23 * time.Minute), T0.Add(38 * time.Minute)} {
		e.clock.Set(at)
		r := receive(t, runs)
		if !r.at.Equal(at) {
			t.Errorf("cron job ran at %v, want %v", r.at, at)
		}
		fired[r.job.UniqueKey]++
		w.until(jobs.EventCompleted, r.job.ID)
	}
	for k, n := range fired {
		if n != 1 {
			t.Errorf("firing %s ran %d times", k, n)
		}
	}
	select {
	case r := <-runs:
		t.Errorf("an extra cron run: %+v", r)
	default:
	}
}

func testLease(t *testing.T, h Harness) {
	if !h.Shared || h.Crash == nil {
		t.Skip("the backend serves one process: a job dies with it")
	}
	// Leases are measured by the backend's clock: 300 ms of real time.
	e := h.env(t, func(c *jobs.Config) { c.Lease = 300 * time.Millisecond })
	a, b := e.queue(), e.queue()
	w := subscribe(t, b, "l")
	hold := make(chan struct{})
	defer close(hold)
	started := make(chan struct{}, 1)
	consume(t, a, "l", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		started <- struct{}{}
		<-hold
		return nil
	}))
	id := enqueue(t, a, job("l", "k", "{}"))
	receive(t, started)
	h.Crash(a)
	runs := make(chan run, 1)
	consume(t, b, "l", recorder(e.clock, runs, nil))
	r := receive(t, runs)
	if r.job.ID != id || r.job.Attempt != 2 {
		t.Errorf("after the crash job %s ran with attempt %d, want %s attempt 2", r.job.ID, r.job.Attempt, id)
	}
	w.until(jobs.EventCompleted, id)
}

func testInvalid(t *testing.T, h Harness) {
	e := h.env(t, nil)
	q := e.queue()
	if _, err := q.Enqueue(t.Context(), jobs.Job{Queue: "i"}); !errors.Is(err, jobs.ErrInvalid) {
		t.Errorf("Enqueue without a kind: %v, want ErrInvalid", err)
	}
	nop := jobs.HandlerFunc(func(context.Context, *jobs.Job, jobs.Progress) error { return nil })
	consume(t, q, "i", nop)
	if err := q.Consume("i", nop); !errors.Is(err, jobs.ErrInvalid) {
		t.Errorf("Consume twice: %v, want ErrInvalid", err)
	}
}
