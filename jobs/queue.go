package jobs

import (
	"context"
	"time"
)

// Queue is what the live side asks of a job queue: NewMemory in process,
// adapters/redis for many machines. Each role is an interface of its own,
// so that a part that only enqueues (the store's relay, an HTTP handler)
// asks for an Enqueuer and no more.
type Queue interface {
	Enqueuer
	Consumer
	Canceler
	Inspector
	DeadLetters
	Subscriber
	Crontab
}

// Enqueuer puts jobs on queues.
type Enqueuer interface {
	// Enqueue accepts job and returns its ID. A job whose CoalesceKey
	// matches a job of its queue still waiting to run is merged into that
	// one (its payload replaces the waiting one's) and that job's ID is
	// returned. A job whose UniqueKey was used within its time to live is
	// refused with ErrDuplicate; a job that would take its queue over
	// QueueConfig.MaxSize with ErrQueueFull; a job without a kind with
	// ErrInvalid; after Shutdown, ErrClosed.
	Enqueue(ctx context.Context, job Job) (string, error)
}

// Consumer runs the jobs of queues.
type Consumer interface {
	// Consume hands the jobs of queue to h, from workers of this Queue
	// (QueueConfig.Concurrency at once), until Shutdown. It returns at
	// once; consuming a queue twice is ErrInvalid, after Shutdown
	// ErrClosed.
	Consume(queue string, h Handler) error
	// Shutdown stops taking jobs and waits for the running ones to end.
	// When ctx ends first, it cancels their handlers' contexts, returns
	// their jobs to their queues (the interrupted try not counted) and
	// returns ctx's error. The queue accepts no jobs after it.
	Shutdown(ctx context.Context) error
}

// Canceler cancels jobs.
type Canceler interface {
	// Cancel removes a waiting job, or cancels a running one's context
	// (whatever its handler returns then, the job ends as canceled). A job
	// the queue does not hold (unknown, done, dead) is ErrNotFound.
	Cancel(ctx context.Context, queue, id string) error
}

// Inspector counts a queue's jobs.
type Inspector interface {
	Stats(ctx context.Context, queue string) (Stats, error)
}

// DeadLetters keeps the jobs that failed for good.
type DeadLetters interface {
	// Dead returns up to limit dead jobs of queue, the most recent first.
	Dead(ctx context.Context, queue string, limit int) ([]DeadJob, error)
	// RetryDead puts a dead job back on its queue, ready at once, with its
	// attempts counted from zero again (its history kept). ErrNotFound
	// when queue has no such dead job, ErrQueueFull when queue is full.
	RetryDead(ctx context.Context, queue, id string) error
	// DiscardDead forgets a dead job; ErrNotFound when there is none.
	DiscardDead(ctx context.Context, queue, id string) error
}

// Subscriber streams what happens to jobs.
type Subscriber interface {
	// Subscribe returns a subscription to the events of queue (of every
	// queue when queue is ""), from now on, until it is closed or the
	// queue shut down. Its buffer holds Config.EventBuffer events; see
	// Feed for what happens to a subscriber that falls behind.
	Subscribe(ctx context.Context, queue string) (*Subscription, error)
}

// Crontab enqueues jobs on a schedule.
type Crontab interface {
	// Cron enqueues a copy of job at every minute spec (five fields, see
	// ParseCron) names, until Shutdown. Processes that register the same
	// name enqueue each firing once between them: the copy's UniqueKey is
	// "cron:" + name + ":" + the firing's Unix time (job's own UniqueKey
	// is replaced). A spec that does not parse is a *CronError.
	Cron(name, spec string, job Job) error
}

// Stats counts the jobs of a queue.
type Stats struct {
	// Ready jobs wait for a worker; Scheduled ones for their time (run
	// at, backoff); Running ones are held by workers. Their sum is what
	// QueueConfig.MaxSize bounds.
	Ready, Scheduled, Running int
	// Dead jobs failed for good (see DeadLetters).
	Dead int
	// Completed and Failed count the tries that succeeded and failed,
	// since the queue was created (for the Redis adapter: since its keys
	// were).
	Completed, Failed int64
}

// Size is the number of jobs Stats counts against the queue's MaxSize.
func (s Stats) Size() int { return s.Ready + s.Scheduled + s.Running }

// DeadJob is a job that failed for good: its last state, the error that
// ended it and the history of its tries.
type DeadJob struct {
	Job      Job       `json:"job"`
	Err      string    `json:"error"`
	Attempts []Attempt `json:"attempts"`
	DiedAt   time.Time `json:"died_at"`
}

// Attempt is one failed try of a job.
type Attempt struct {
	Attempt int       `json:"attempt"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
	Err     string    `json:"error"`
}
