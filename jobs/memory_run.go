package jobs

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"time"
)

// maxHistory bounds the tries a job remembers (the latest are kept).
const maxHistory = 100

// tryRun is one try of a job, handed to a worker.
type tryRun struct {
	e   *entry
	try uint64
	job Job // the handler's copy
	ctx context.Context
}

// Consume implements Consumer: a dispatcher goroutine starts the queue's
// jobs, in order, within its concurrency and rate limits, on
// QueueConfig.Concurrency worker goroutines.
func (m *Memory) Consume(queue string, h Handler) error {
	queue = queueName(queue)
	if h == nil {
		return fmt.Errorf("jobs: consume %q: no handler: %w", queue, ErrInvalid)
	}
	q, err := m.queue(queue)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.consumed {
		return fmt.Errorf("jobs: consume %q: consumed already: %w", queue, ErrInvalid)
	}
	q.consumed = true
	work := make(chan *tryRun, q.cfg.Concurrency)
	for range q.cfg.Concurrency {
		m.wg.Go(func() {
			for r := range work {
				m.run(q, h, r)
			}
		})
	}
	m.wg.Go(func() {
		defer close(work)
		m.dispatch(q, work)
	})
	return nil
}

// dispatch starts q's jobs until Shutdown. It sleeps until a job is
// enqueued or ends, the next scheduled job's time, or the rate limit's
// next token, whichever comes first.
func (m *Memory) dispatch(q *memQueue, work chan<- *tryRun) {
	for {
		q.mu.Lock()
		now := m.clock.Now()
		q.promote(now)
		var wakeAt time.Time
		for q.running < q.cfg.Concurrency && len(q.ready) > 0 {
			e := q.ready[0]
			if k := e.job.CoalesceKey; k != "" && q.runningKeys[k] {
				heap.Pop(&q.ready)
				e.state = stateHeld
				q.held[k] = e
				continue
			}
			if !q.bucket.take(now) {
				wakeAt = q.bucket.next(now)
				break
			}
			heap.Pop(&q.ready)
			work <- m.start(q, e, now) // never blocks: the channel holds Concurrency
		}
		if len(q.later) > 0 && (wakeAt.IsZero() || q.later[0].job.RunAt.Before(wakeAt)) {
			wakeAt = q.later[0].job.RunAt
		}
		q.mu.Unlock()
		stop := func() bool { return false }
		if !wakeAt.IsZero() {
			stop = m.clock.At(wakeAt, q.poke)
		}
		select {
		case <-m.stop:
			stop()
			return
		case <-q.wake:
			stop()
		}
	}
}

// start makes e running, under q.mu.
func (m *Memory) start(q *memQueue, e *entry, now time.Time) *tryRun {
	e.state = stateRunning
	q.running++
	e.job.Attempt++
	e.try++
	e.started = now
	e.canceled = false
	if k := e.job.CoalesceKey; k != "" {
		if q.coalesce[k] == e {
			delete(q.coalesce, k)
		}
		q.runningKeys[k] = true
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	e.cancel = cancel
	e.stopTimer = m.clock.At(now.Add(cmp.Or(e.job.Timeout, q.cfg.Timeout)), func() { cancel(ErrTimeout) })
	m.feed.Publish(Event{Kind: EventStarted, Queue: q.name, JobID: e.job.ID, JobKind: e.job.Kind, Project: e.job.Project, Attempt: e.job.Attempt, Time: now})
	return &tryRun{e: e, try: e.try, job: e.job, ctx: ctx}
}

// run does one try on a worker goroutine.
func (m *Memory) run(q *memQueue, h Handler, r *tryRun) {
	p := func(percent float64, message string) {
		m.feed.Publish(Event{
			Kind: EventProgress, Queue: q.name, JobID: r.job.ID, JobKind: r.job.Kind, Project: r.job.Project, Attempt: r.job.Attempt,
			Time: m.clock.Now(), Percent: min(max(percent, 0), 100), Message: message,
		})
	}
	err := Try(r.ctx, h, &r.job, p)
	m.finish(q, r, err)
}

// tryError is the error recorded for a failed try: err, said to have
// timed out when the try's time ran out.
func tryError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrTimeout) && !errors.Is(err, ErrTimeout) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// finish ends a try: the job is done, canceled, tried again later or
// dead.
func (m *Memory) finish(q *memQueue, r *tryRun, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := r.e
	if e.try != r.try || e.state != stateRunning {
		return // returned to the queue at shutdown
	}
	e.stopTimer()
	e.cancel(context.Canceled)
	q.running--
	now := m.clock.Now()
	if k := e.job.CoalesceKey; k != "" {
		delete(q.runningKeys, k)
		if h := q.held[k]; h != nil {
			delete(q.held, k)
			h.state = stateReady
			heap.Push(&q.ready, h)
		}
	}
	ev := Event{Queue: q.name, JobID: e.job.ID, JobKind: e.job.Kind, Project: e.job.Project, Attempt: e.job.Attempt, Time: now}
	defer q.poke()
	switch {
	case e.canceled:
		q.remove(e)
		ev.Kind, ev.Err = EventCanceled, ErrCanceled.Error()
		m.feed.Publish(ev)
		return
	case err == nil:
		q.completed++
		q.remove(e)
		ev.Kind = EventCompleted
		m.feed.Publish(ev)
		return
	}
	err = tryError(r.ctx, err)
	q.failed++
	e.history = append(e.history, Attempt{Attempt: e.job.Attempt, Started: e.started, Ended: now, Err: err.Error()})
	if len(e.history) > maxHistory {
		e.history = append(e.history[:0], e.history[len(e.history)-maxHistory:]...)
	}
	ev.Kind, ev.Err = EventFailed, err.Error()
	m.feed.Publish(ev)
	after, again := q.cfg.Retry(&e.job, err, m.jitter.draw())
	k := e.job.CoalesceKey
	switch {
	case again && k != "" && q.coalesce[k] != nil:
		// A newer job of its key waits: it runs instead, with the latest
		// input.
		q.remove(e)
		ev.Kind, ev.Err = EventCanceled, "jobs: superseded by job "+q.coalesce[k].job.ID+" of the same coalescing key"
		m.feed.Publish(ev)
	case again:
		e.job.RunAt = now.Add(after)
		q.put(e, now)
		if k != "" {
			q.coalesce[k] = e
		}
		ev.Kind, ev.Err, ev.RetryAt = EventRetried, "", e.job.RunAt
		m.feed.Publish(ev)
	default:
		q.remove(e)
		q.dead = append(q.dead, &DeadJob{Job: e.job, Err: err.Error(), Attempts: e.history, DiedAt: now})
		if over := len(q.dead) - q.cfg.MaxDead; over > 0 {
			q.dead = append(q.dead[:0], q.dead[over:]...)
		}
		ev.Kind = EventDead
		m.feed.Publish(ev)
	}
}

// Shutdown implements Consumer.
func (m *Memory) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	close(m.stop)
	m.cronStop()
	queues := make([]*memQueue, 0, len(m.queues))
	for _, q := range m.queues {
		queues = append(queues, q)
	}
	m.mu.Unlock()
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		m.feed.Close()
		return nil
	case <-ctx.Done():
	}
	for _, q := range queues {
		q.mu.Lock()
		now := m.clock.Now()
		for _, e := range q.jobs {
			if e.state != stateRunning {
				continue
			}
			e.try++
			e.stopTimer()
			e.cancel(ErrShutdown)
			e.job.Attempt--
			q.running--
			if k := e.job.CoalesceKey; k != "" {
				delete(q.runningKeys, k)
				if q.coalesce[k] == nil {
					q.coalesce[k] = e
				}
			}
			e.job.RunAt = time.Time{}
			q.put(e, now)
		}
		q.mu.Unlock()
	}
	m.feed.Close()
	return ctx.Err()
}
