package jobs

import (
	"cmp"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Config tunes a queue (NewMemory, adapters/redis). The zero value works.
type Config struct {
	// Clock tells the time and wakes the queue's timers (run at, backoff,
	// timeouts, the rate limit, cron); the system clock when nil. Tests
	// drive time with jobstest.Clock.
	Clock Clock
	// Rand draws the backoff's jitter; a generator seeded from the
	// runtime's random source when nil. The queue draws from it under a
	// lock of its own.
	Rand *rand.Rand
	// Queues tunes named queues; a queue not named gets Default.
	Queues  map[string]QueueConfig
	Default QueueConfig
	// Lease is how long a worker holds a job without renewing its hold
	// before the job is handed out again (adapters/redis; a job of the
	// in-process queue dies with its process); default 20 s. Workers
	// renew their holds every Lease/3 and look for lapsed ones every
	// Lease/4, so a dead worker's jobs run again within 1.25 × Lease.
	Lease time.Duration
	// EventBuffer is the number of events a subscriber's buffer holds;
	// default 1,024.
	EventBuffer int
	// Location is the time zone of cron specs; UTC when nil.
	Location *time.Location
	// Logger reports what fails in the background (a cron firing that
	// could not be enqueued, a lost connection); silent when nil.
	Logger *slog.Logger
}

// QueueConfig tunes one queue. The zero value works: no size or rate
// limit, ten jobs at once, 25 attempts, 30 minutes a try.
type QueueConfig struct {
	// MaxSize bounds the jobs a queue holds (ready, scheduled and
	// running: Stats.Size); Enqueue refuses one more with ErrQueueFull.
	// Jobs already accepted are never dropped to make room. 0: no limit.
	MaxSize int
	// Concurrency is the number of the queue's jobs one Consume runs at
	// once; default 10.
	Concurrency int
	// Rate limits how many of the queue's jobs start per second, with
	// bursts of up to Burst (default: Rate rounded up, at least 1); 0: no
	// limit. The in-process queue limits its own starts; adapters/redis
	// limits the starts of all its machines together.
	Rate  float64
	Burst int
	// MaxAttempts is the default of Job.MaxAttempts; default 25.
	MaxAttempts int
	// Timeout is the default of Job.Timeout; default 30 minutes.
	Timeout time.Duration
	// BackoffBase and BackoffMax shape the wait before a failed job is
	// tried again (see QueueConfig.Backoff); defaults 1 s and 1 hour.
	BackoffBase, BackoffMax time.Duration
	// MaxDead bounds the dead jobs kept; the oldest are forgotten beyond
	// it. Default 10,000.
	MaxDead int
}

// Queue returns the settings of the named queue with the defaults filled
// in.
func (c Config) Queue(name string) QueueConfig {
	q, ok := c.Queues[name]
	if !ok {
		q = c.Default
	}
	q.Concurrency = max(cmp.Or(q.Concurrency, 10), 1)
	q.MaxAttempts = max(cmp.Or(q.MaxAttempts, 25), 1)
	q.Timeout = cmp.Or(q.Timeout, 30*time.Minute)
	q.BackoffBase = cmp.Or(q.BackoffBase, time.Second)
	q.BackoffMax = max(cmp.Or(q.BackoffMax, time.Hour), q.BackoffBase)
	q.MaxDead = cmp.Or(q.MaxDead, 10_000)
	if q.Rate > 0 && q.Burst <= 0 {
		q.Burst = max(1, int(q.Rate+0.999999))
	}
	return q
}

// Backoff returns how long a job waits after its attempt-th failed try:
// BackoffBase doubled for each try before it, at most BackoffMax — d —
// then jittered into [d/2, d] by jitter, a number in [0, 1).
func (c QueueConfig) Backoff(attempt int, jitter float64) time.Duration {
	d := c.BackoffBase
	for i := 1; i < attempt && d < c.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, c.BackoffMax)
	return d/2 + time.Duration(jitter*float64(d/2))
}

// Retry decides what follows a failed try of job: after, the wait before
// the next try, and ok; or ok false when the job is dead (err made with
// Permanent, or its attempts used up).
func (c QueueConfig) Retry(job *Job, err error, jitter float64) (after time.Duration, ok bool) {
	if IsPermanent(err) || job.Attempt >= cmp.Or(job.MaxAttempts, c.MaxAttempts) {
		return 0, false
	}
	if d, ok := RetryDelay(err); ok {
		return max(d, 0), true
	}
	return c.Backoff(job.Attempt, jitter), true
}

// Clock tells the time and calls functions at given times. Its At is
// absolute so that a test clock moved between reading the time and
// setting a timer cannot lose a wake-up.
type Clock interface {
	Now() time.Time
	// At calls f in a goroutine of its own once the time is t or later;
	// stop cancels the call, reporting whether it did.
	At(t time.Time, f func()) (stop func() bool)
}

// SystemClock returns the clock of the machine (time.Now and
// time.AfterFunc).
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
func (systemClock) At(t time.Time, f func()) func() bool {
	return time.AfterFunc(time.Until(t), f).Stop
}

// jitter draws numbers in [0, 1) from a shared generator under a lock.
type jitter struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newJitter(r *rand.Rand) *jitter {
	if r == nil {
		r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &jitter{r: r}
}

func (j *jitter) draw() float64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.r.Float64()
}

// Jitter returns a function drawing numbers in [0, 1) from r under a
// lock, or from a generator seeded from the runtime when r is nil: for
// adapters, the source of QueueConfig.Retry's jitter.
func Jitter(r *rand.Rand) func() float64 { return newJitter(r).draw }
