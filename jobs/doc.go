// Package jobs runs background work that survives crashes: recomputing the
// critical path after edits, leveling proposals, risk simulations, weather
// checks, notification dispatch, reports and data syncs.
//
// # Jobs and handlers
//
// A Job names its kind and carries a payload (JSON as a rule); a Handler
// does one try of it. A Mux routes kinds to handlers, with typed payloads
// through Register; NewJob encodes a typed payload. A handler returns nil
// when the job is done, an error made with Permanent when trying again
// cannot help, one made with RetryAfter to be tried again after a given
// time, any other error to be tried again after the queue's exponential
// backoff (QueueConfig.Backoff: doubling from BackoffBase up to
// BackoffMax, jittered into its upper half by the injected Config.Rand).
// A try that panics fails with a *PanicError (the value and the stack)
// and the worker goes on; a payload that does not decode or a kind
// without a handler fails the job permanently. A handler reports its
// progress (0–100 %, with a message) through the Progress it is given;
// its ctx ends when the try times out (cause ErrTimeout), the job is
// canceled (ErrCanceled) or the shutdown deadline passes (ErrShutdown).
//
// # Queues
//
// Queue is the interface the live side uses, made of one small interface
// per role (Enqueuer, Consumer, Canceler, Inspector, DeadLetters,
// Subscriber, Crontab). NewMemory is the in-process queue, the default;
// adapters/redis keeps jobs in Redis for many machines. Both pass the
// conformance suite in jobs/jobstest, whose clock moves only when a test
// moves it.
//
// Per job: a priority (higher first; equal ones first come, first
// served), a time to run at, a maximum of attempts, a timeout, a unique
// key with a time to live (a second job with the key is refused with
// ErrDuplicate; without a time to live the key is held until the job
// ends) and a coalescing key: while a job of the key waits, a new one
// replaces its payload, and jobs of one key run one at a time, so a
// thousand requests to recompute one project in two seconds run at most
// twice and the last run sees the latest input.
//
// Per queue (QueueConfig): a maximum size, checked atomically with the
// insert (ErrQueueFull at the limit, the same answer every time; jobs
// accepted are never dropped to make room); a rate limit (a token bucket
// on the injected clock; the bucket is written here rather than taken
// from golang.org/x/time/rate so that it reads the Clock and tells the
// dispatcher when its next token comes, and so that the package stays on
// the standard library); a concurrency limit; the dead jobs, with their
// last error and the history of their tries, which can be retried or
// discarded; and cron entries (ParseCron's five fields), each firing of
// which is enqueued once across all processes sharing a backend, through
// a unique key named after the firing.
//
// # Delivery
//
// Delivery is at least once. A job's try holds a lease; a worker that
// dies stops renewing it, and once it lapses (Config.Lease) another
// worker takes the job again, as a new attempt (adapters/redis; an
// in-process job dies with its process). Shutdown stops taking jobs and
// lets the running ones finish; when its deadline passes it cancels
// their contexts and returns their jobs to their queues without counting
// the interrupted try. A handler may therefore run twice for one job:
// make handlers idempotent (the store's commands are, by command id).
//
// # Events
//
// Every change of a job is an Event (queued, started, progress, retried,
// completed, failed, dead, canceled) on the queue's stream, which the
// realtime hub and dashboards subscribe to. An event carries its job's
// Project (kinds.NewJob sets it from the payload), so that the hub sends
// it to that project's room. Each subscriber has a bounded buffer
// (Config.EventBuffer); a queue never waits for a subscriber: an event
// that finds the buffer full is dropped for that subscriber and counted
// in the Missed of the next one it gets (see Feed).
//
// # Time and randomness
//
// Queues read time from Config.Clock and jitter from Config.Rand, so the
// same test with the same seed sees the same delays, and timing is
// tested without sleeping (jobstest.Clock).
//
// # Concurrency
//
// Queues, Mux (once its handlers are registered), Feed and Subscription
// are safe for concurrent use. Handlers run on the queue's worker
// goroutines, up to QueueConfig.Concurrency of a queue at once.
package jobs
