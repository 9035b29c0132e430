package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Job is a unit of background work: a kind, which names its handler, and
// a payload the handler decodes.
type Job struct {
	// ID is given by the queue on Enqueue.
	ID    string `json:"id"`
	Queue string `json:"queue"`
	Kind  string `json:"kind"`
	// Project is the project the job works on, when it works on one
	// (kinds.NewJob sets it). The queue copies it into the job's events,
	// so that the realtime hub can send them to the project's room; it
	// does not read it otherwise.
	Project string `json:"project,omitempty"`
	// Payload is the job's input, JSON as a rule (see Register).
	Payload json.RawMessage `json:"payload,omitempty"`
	// Priority orders the jobs ready to run: higher first; equal ones in
	// the order they became ready.
	Priority int `json:"priority,omitempty"`
	// RunAt delays the job until then; zero: at once.
	RunAt time.Time `json:"run_at,omitzero"`
	// MaxAttempts bounds the tries before the job is dead; 0 means the
	// queue's default (QueueConfig.MaxAttempts, 25).
	MaxAttempts int `json:"max_attempts,omitempty"`
	// Timeout bounds one try (its handler's ctx); 0 means the queue's
	// default.
	Timeout time.Duration `json:"timeout,omitempty"`
	// UniqueKey, when set, refuses (ErrDuplicate) another job of the same
	// queue and key for UniqueTTL after this one is enqueued.
	UniqueKey string        `json:"unique_key,omitempty"`
	UniqueTTL time.Duration `json:"unique_ttl,omitempty"`
	// CoalesceKey, when set, merges jobs: while a job of the same queue
	// and key waits to run, a new one replaces its payload (the latest
	// wins) instead of queueing another.
	CoalesceKey string `json:"coalesce_key,omitempty"`

	// Set by the queue.
	Attempt    int       `json:"attempt,omitempty"` // 1 on the first try
	EnqueuedAt time.Time `json:"enqueued_at,omitzero"`
}

// Handler does one try of a job. It returns nil when the job is done; an
// error made with Permanent when trying again cannot help (the job is
// dead at once); an error made with RetryAfter to be tried again after a
// given time; any other error to be tried again after the queue's
// backoff, until MaxAttempts. It reports progress with p. ctx ends when
// the try times out, the job is canceled or the worker shuts down.
type Handler interface {
	Work(ctx context.Context, job *Job, p Progress) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job *Job, p Progress) error

// Work calls f.
func (f HandlerFunc) Work(ctx context.Context, job *Job, p Progress) error { return f(ctx, job, p) }

// Progress reports how far a try has got, 0–100, with a message for
// people; the queue publishes it as an EventProgress.
type Progress func(percent float64, message string)

// Permanent wraps err so that the job is not tried again.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return "jobs: permanent: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was made with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// RetryAfter wraps err so that the job is tried again after d (counting
// as an attempt).
func RetryAfter(d time.Duration, err error) error { return &retryError{d, err} }

type retryError struct {
	after time.Duration
	err   error
}

func (e *retryError) Error() string {
	return fmt.Sprintf("jobs: retry after %v: %v", e.after, e.err)
}
func (e *retryError) Unwrap() error { return e.err }

// RetryDelay returns the delay err asks for, if it was made with
// RetryAfter.
func RetryDelay(err error) (time.Duration, bool) {
	var r *retryError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}

// Errors of the queues.
var (
	// ErrDuplicate: a job with the same unique key was enqueued within
	// its time to live.
	ErrDuplicate = errors.New("jobs: duplicate job")
	// ErrQueueFull: the queue holds its maximum of jobs.
	ErrQueueFull = errors.New("jobs: queue full")
	// ErrUnknownKind: no handler for the job's kind (the job fails
	// permanently).
	ErrUnknownKind = errors.New("jobs: no handler for the job's kind")
	// ErrNotFound: no such job.
	ErrNotFound = errors.New("jobs: no such job")
	// ErrInvalid: a job, queue or call the queue cannot take (a job
	// without a kind, a queue consumed twice).
	ErrInvalid = errors.New("jobs: invalid")
	// ErrClosed: the queue was shut down.
	ErrClosed = errors.New("jobs: queue shut down")
	// ErrCanceled is the cause of a handler's context when its job was
	// canceled (Canceler.Cancel).
	ErrCanceled = errors.New("jobs: job canceled")
	// ErrTimeout is the cause of a handler's context when its try ran out
	// of time (Job.Timeout); it wraps context.DeadlineExceeded.
	ErrTimeout = fmt.Errorf("jobs: try timed out: %w", context.DeadlineExceeded)
	// ErrShutdown is the cause of a handler's context when the queue's
	// shutdown deadline passed before it returned.
	ErrShutdown = errors.New("jobs: queue shutting down")
)

// PanicError is the error of a try whose handler panicked: the value it
// panicked with and the goroutine's stack.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("jobs: handler panicked: %v\n%s", e.Value, e.Stack)
}

// Try calls h.Work, turning a panic into a *PanicError: queues call their
// handlers through it so that a panicking handler fails its try and the
// worker keeps running.
func Try(ctx context.Context, h Handler, job *Job, p Progress) (err error) {
	defer func() {
		if v := recover(); v != nil {
			buf := make([]byte, 4096)
			err = &PanicError{Value: v, Stack: buf[:runtime.Stack(buf, false)]}
		}
	}()
	return h.Work(ctx, job, p)
}

// Mux routes jobs to handlers by kind. It is a Handler itself: a job of
// a kind it has no handler for fails permanently with ErrUnknownKind.
// Register handlers before the Mux is used; it is then safe for
// concurrent use.
type Mux struct {
	kinds map[string]Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{kinds: map[string]Handler{}} }

// Handle routes jobs of kind to h.
func (m *Mux) Handle(kind string, h Handler) { m.kinds[kind] = h }

// Work implements Handler.
func (m *Mux) Work(ctx context.Context, job *Job, p Progress) error {
	h, ok := m.kinds[job.Kind]
	if !ok {
		return Permanent(fmt.Errorf("%q: %w", job.Kind, ErrUnknownKind))
	}
	return h.Work(ctx, job, p)
}

// Register routes jobs of kind to fn with their payload decoded as a T
// (JSON). A payload that does not decode fails the job permanently, with
// the decoding error.
func Register[T any](m *Mux, kind string, fn func(ctx context.Context, payload T, p Progress) error) {
	m.Handle(kind, HandlerFunc(func(ctx context.Context, job *Job, p Progress) error {
		var v T
		if err := json.Unmarshal(job.Payload, &v); err != nil {
			return Permanent(fmt.Errorf("jobs: job %s of kind %q: payload: %w", job.ID, job.Kind, err))
		}
		return fn(ctx, v, p)
	}))
}

// NewJob returns a job of kind on queue with payload encoded as JSON.
func NewJob[T any](queue, kind string, payload T) (Job, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return Job{}, fmt.Errorf("jobs: job of kind %q: payload: %w", kind, err)
	}
	return Job{Queue: queue, Kind: kind, Payload: raw}, nil
}
