package jobs

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Memory is the in-process queue: jobs live in the process's memory and
// are run by its goroutines. It is the default (what the example server
// uses on one machine with nothing installed); its jobs do not outlive
// the process, which is what adapters/redis is for.
//
// A Memory is safe for concurrent use.
type Memory struct {
	cfg    Config
	clock  Clock
	jitter *jitter
	feed   Feed
	nextID atomic.Uint64

	mu       sync.Mutex
	queues   map[string]*memQueue
	closed   bool
	stop     chan struct{} // closed when Shutdown starts
	cronStop context.CancelFunc
	cronCtx  context.Context
	wg       sync.WaitGroup // dispatchers, workers, crons
}

var _ Queue = (*Memory)(nil)

// NewMemory returns an empty in-process queue.
func NewMemory(cfg Config) *Memory {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock()
	}
	cfg.Lease = cmp.Or(cfg.Lease, 20*time.Second)
	cfg.EventBuffer = cmp.Or(cfg.EventBuffer, 1024)
	m := &Memory{cfg: cfg, clock: cfg.Clock, jitter: newJitter(cfg.Rand), queues: map[string]*memQueue{}, stop: make(chan struct{})}
	m.cronCtx, m.cronStop = context.WithCancel(context.Background())
	return m
}

// entry is a job the queue holds, in one of the states below.
type entry struct {
	job     Job
	state   uint8
	index   int    // in the ready or later heap
	seq     uint64 // among equal priorities, the order of becoming ready
	history []Attempt

	try       uint64 // the running try; a result of an older one is ignored
	cancel    context.CancelCauseFunc
	stopTimer func() bool
	canceled  bool
	started   time.Time
}

const (
	stateReady   = iota + 1 // in the ready heap
	stateLater              // in the later heap, for its RunAt
	stateHeld               // ready, but a job of its coalescing key runs
	stateRunning            // held by a worker
)

type uniqueHold struct {
	until time.Time // zero: until job id ends
	id    string
}

type memQueue struct {
	name string
	cfg  QueueConfig

	mu          sync.Mutex
	jobs        map[string]*entry // every job held, by ID
	ready       readyHeap
	later       laterHeap
	held        map[string]*entry // by coalescing key
	runningKeys map[string]bool   // coalescing keys of running jobs
	coalesce    map[string]*entry // the waiting job of each coalescing key
	unique      map[string]uniqueHold
	swept       int        // len(unique) after its last sweep
	dead        []*DeadJob // oldest first
	bucket      *bucket
	seq         uint64
	running     int
	completed   int64
	failed      int64
	consumed    bool
	wake        chan struct{}
}

// queue returns the named queue, made on first use; nil once closed.
func (m *Memory) queue(name string) (*memQueue, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if q, ok := m.queues[name]; ok {
		return q, nil
	}
	if m.closed {
		return nil, ErrClosed
	}
	cfg := m.cfg.Queue(name)
	q := &memQueue{
		name: name, cfg: cfg, jobs: map[string]*entry{}, held: map[string]*entry{},
		runningKeys: map[string]bool{}, coalesce: map[string]*entry{}, unique: map[string]uniqueHold{},
		bucket: newBucket(cfg.Rate, cfg.Burst), wake: make(chan struct{}, 1),
	}
	m.queues[name] = q
	return q, nil
}

func (q *memQueue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// queueName is the name of job's queue: "default" when it names none.
func queueName(name string) string { return cmp.Or(name, "default") }

// Enqueue implements Enqueuer.
func (m *Memory) Enqueue(ctx context.Context, job Job) (string, error) {
	job.Queue = queueName(job.Queue)
	if job.Kind == "" {
		return "", fmt.Errorf("jobs: enqueue on %q: a job needs a kind: %w", job.Queue, ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return "", ErrClosed
	}
	q, err := m.queue(job.Queue)
	if err != nil {
		return "", err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := m.clock.Now()
	if k := job.UniqueKey; k != "" {
		if u, ok := q.unique[k]; ok && (u.until.IsZero() || now.Before(u.until)) {
			return "", fmt.Errorf("jobs: enqueue on %q: unique key %q held by job %s: %w", job.Queue, k, u.id, ErrDuplicate)
		}
	}
	if k := job.CoalesceKey; k != "" {
		if w := q.coalesce[k]; w != nil {
			w.job.Payload = job.Payload
			q.holdUnique(job, w.job.ID, now)
			m.feed.Publish(Event{Kind: EventQueued, Queue: q.name, JobID: w.job.ID, JobKind: w.job.Kind, Project: w.job.Project, Time: now, Coalesced: true})
			return w.job.ID, nil
		}
	}
	if q.cfg.MaxSize > 0 && len(q.jobs) >= q.cfg.MaxSize {
		return "", fmt.Errorf("jobs: enqueue on %q: %d jobs held: %w", job.Queue, len(q.jobs), ErrQueueFull)
	}
	job.ID = strconv.FormatUint(m.nextID.Add(1), 10)
	job.Attempt = 0
	job.EnqueuedAt = now
	e := &entry{job: job}
	q.jobs[job.ID] = e
	q.holdUnique(job, job.ID, now)
	if job.CoalesceKey != "" {
		q.coalesce[job.CoalesceKey] = e
	}
	q.put(e, now)
	m.feed.Publish(Event{Kind: EventQueued, Queue: q.name, JobID: job.ID, JobKind: job.Kind, Project: job.Project, Time: now})
	q.poke()
	return job.ID, nil
}

func (q *memQueue) holdUnique(job Job, id string, now time.Time) {
	if job.UniqueKey == "" {
		return
	}
	u := uniqueHold{id: id}
	if job.UniqueTTL > 0 {
		u.until = now.Add(job.UniqueTTL)
	}
	q.unique[job.UniqueKey] = u
	if len(q.unique) > 2*q.swept+64 { // forget lapsed keys, now and then
		for k, u := range q.unique {
			if !u.until.IsZero() && !now.Before(u.until) {
				delete(q.unique, k)
			}
		}
		q.swept = len(q.unique)
	}
}

// put makes e wait: ready, or later when its RunAt is to come.
func (q *memQueue) put(e *entry, now time.Time) {
	if e.job.RunAt.After(now) {
		e.state = stateLater
		heap.Push(&q.later, e)
		return
	}
	q.seq++
	e.seq = q.seq
	e.state = stateReady
	heap.Push(&q.ready, e)
}

// promote makes the jobs whose time has come ready.
func (q *memQueue) promote(now time.Time) {
	for len(q.later) > 0 && !q.later[0].job.RunAt.After(now) {
		e := heap.Pop(&q.later).(*entry)
		q.put(e, now)
	}
}

// remove forgets e, waiting or ending.
func (q *memQueue) remove(e *entry) {
	switch e.state {
	case stateReady:
		heap.Remove(&q.ready, e.index)
	case stateLater:
		heap.Remove(&q.later, e.index)
	case stateHeld:
		delete(q.held, e.job.CoalesceKey)
	}
	e.state = 0
	delete(q.jobs, e.job.ID)
	if k := e.job.CoalesceKey; k != "" && q.coalesce[k] == e {
		delete(q.coalesce, k)
	}
	if k := e.job.UniqueKey; k != "" {
		if u, ok := q.unique[k]; ok && u.id == e.job.ID && u.until.IsZero() {
			delete(q.unique, k)
		}
	}
}

// Stats implements Inspector.
func (m *Memory) Stats(ctx context.Context, queue string) (Stats, error) {
	q, err := m.queue(queueName(queue))
	if err != nil {
		return Stats{}, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return Stats{
		Ready: len(q.ready) + len(q.held), Scheduled: len(q.later), Running: q.running,
		Dead: len(q.dead), Completed: q.completed, Failed: q.failed,
	}, nil
}

// Cancel implements Canceler.
func (m *Memory) Cancel(ctx context.Context, queue, id string) error {
	q, err := m.queue(queueName(queue))
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.jobs[id]
	if !ok {
		return fmt.Errorf("jobs: cancel job %s of %q: %w", id, q.name, ErrNotFound)
	}
	if e.state == stateRunning {
		e.canceled = true
		e.cancel(ErrCanceled)
		return nil
	}
	q.remove(e)
	m.feed.Publish(Event{Kind: EventCanceled, Queue: q.name, JobID: id, JobKind: e.job.Kind, Project: e.job.Project, Attempt: e.job.Attempt, Time: m.clock.Now(), Err: ErrCanceled.Error()})
	return nil
}

// Subscribe implements Subscriber.
func (m *Memory) Subscribe(ctx context.Context, queue string) (*Subscription, error) {
	return m.feed.Subscribe(queue, m.cfg.EventBuffer), nil
}

// Cron implements Crontab.
func (m *Memory) Cron(name, spec string, job Job) error {
	s, err := ParseCron(spec, m.cfg.Location)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	from := m.clock.Now()
	m.wg.Go(func() { RunCron(m.cronCtx, m.clock, m, name, s, job, from, m.cfg.Logger) })
	return nil
}

// Dead implements DeadLetters.
func (m *Memory) Dead(ctx context.Context, queue string, limit int) ([]DeadJob, error) {
	q, err := m.queue(queueName(queue))
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []DeadJob
	for i := len(q.dead) - 1; i >= 0 && len(out) < limit; i-- {
		d := *q.dead[i]
		d.Attempts = append([]Attempt(nil), d.Attempts...)
		out = append(out, d)
	}
	return out, nil
}

func (q *memQueue) takeDead(id string) (*DeadJob, bool) {
	for i, d := range q.dead {
		if d.Job.ID == id {
			q.dead = append(q.dead[:i], q.dead[i+1:]...)
			return d, true
		}
	}
	return nil, false
}

// RetryDead implements DeadLetters.
func (m *Memory) RetryDead(ctx context.Context, queue, id string) error {
	q, err := m.queue(queueName(queue))
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cfg.MaxSize > 0 && len(q.jobs) >= q.cfg.MaxSize {
		return fmt.Errorf("jobs: retry dead job %s of %q: %w", id, q.name, ErrQueueFull)
	}
	d, ok := q.takeDead(id)
	if !ok {
		return fmt.Errorf("jobs: retry dead job %s of %q: %w", id, q.name, ErrNotFound)
	}
	now := m.clock.Now()
	e := &entry{job: d.Job, history: d.Attempts}
	e.job.Attempt, e.job.RunAt = 0, time.Time{}
	q.jobs[id] = e
	if k := e.job.CoalesceKey; k != "" && q.coalesce[k] == nil {
		q.coalesce[k] = e
	}
	q.put(e, now)
	m.feed.Publish(Event{Kind: EventQueued, Queue: q.name, JobID: id, JobKind: e.job.Kind, Project: e.job.Project, Time: now})
	q.poke()
	return nil
}

// DiscardDead implements DeadLetters.
func (m *Memory) DiscardDead(ctx context.Context, queue, id string) error {
	q, err := m.queue(queueName(queue))
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.takeDead(id); !ok {
		return fmt.Errorf("jobs: discard dead job %s of %q: %w", id, q.name, ErrNotFound)
	}
	return nil
}

// readyHeap orders ready jobs: higher priority first, then the order
// they became ready.
type readyHeap []*entry

func (h readyHeap) Len() int { return len(h) }
func (h readyHeap) Less(i, j int) bool {
	if h[i].job.Priority != h[j].job.Priority {
		return h[i].job.Priority > h[j].job.Priority
	}
	return h[i].seq < h[j].seq
}
func (h readyHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *readyHeap) Push(x any)   { e := x.(*entry); e.index = len(*h); *h = append(*h, e) }
func (h *readyHeap) Pop() any     { return popEntry((*[]*entry)(h)) }
func (h laterHeap) Len() int      { return len(h) }
func (h laterHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *laterHeap) Push(x any)   { e := x.(*entry); e.index = len(*h); *h = append(*h, e) }
func (h *laterHeap) Pop() any     { return popEntry((*[]*entry)(h)) }
func popEntry(h *[]*entry) *entry {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// laterHeap orders jobs waiting for their time: the earliest first.
type laterHeap []*entry

func (h laterHeap) Less(i, j int) bool {
	if !h[i].job.RunAt.Equal(h[j].job.RunAt) {
		return h[i].job.RunAt.Before(h[j].job.RunAt)
	}
	return h[i].job.ID < h[j].job.ID
}
