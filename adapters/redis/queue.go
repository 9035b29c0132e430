package redis

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/jobs"
)

// QueueConfig tunes a Queue. The zero value works.
type QueueConfig struct {
	// Config tunes the queues as it tunes jobs.NewMemory. Every process
	// sharing the queues should be given the same QueueConfigs: the size
	// and rate limits are checked in Redis with the values of the process
	// that asks.
	jobs.Config
	// Prefix is put before every key and channel (default
	// "critpath:jobs:"), to keep the queues apart from other users of the
	// same Redis database.
	Prefix string
	// Consumer names this Queue in the streams' consumer groups; by
	// default the host name, the process ID and a random suffix. Two live
	// Queues must not share one.
	Consumer string
	// Block bounds how long an idle consumer waits in Redis for new jobs
	// before it looks again, for jobs that other processes scheduled for
	// later; default 1 s.
	Block time.Duration
}

// Queue is a jobs.Queue in Redis, for processes on many machines: each
// queue a set of keys in one hash slot (see the keys in queue_lua.go),
// its ready jobs in streams (one per priority) read by a consumer group,
// its scheduled jobs in a sorted set, every change made by a Lua script
// so that the size check and the insert, or a try's end and the next
// tries handed out, are one atomic step and one round trip.
//
// A try is held through its stream entry's pending state: the worker
// renews its hold every Lease/3; an entry idle for Config.Lease (by
// Redis's clock) is taken over by another consumer (XAUTOCLAIM, looked
// for every Lease/4) and tried again as a new attempt: a killed worker's
// jobs run again within 1.25 × Lease (25 s by default).
//
// A Queue is safe for concurrent use.
type Queue struct {
	c       goredis.UniversalClient
	cfg     QueueConfig
	clock   jobs.Clock
	jitter  func() float64
	evChan  string
	ctlChan string
	feed    jobs.Feed

	mu        sync.Mutex
	ps        *goredis.PubSub
	pipeline  *pipeliner
	consumers map[string]*consumer
	fences    map[string]chan struct{} // see fence
	events    bool                     // subscribed to the event channel
	closed    bool
	stop      chan struct{} // closed when Shutdown starts
	cronCtx   context.Context
	cronStop  context.CancelFunc
	wg        sync.WaitGroup // consumers, crons, the subscription's reader
}

var _ jobs.Queue = (*Queue)(nil)

// NewQueue returns a Queue that keeps its jobs through client, which the
// caller closes after Shutdown.
func NewQueue(client goredis.UniversalClient, cfg QueueConfig) *Queue {
	if cfg.Clock == nil {
		cfg.Clock = jobs.SystemClock()
	}
	cfg.Prefix = cmp.Or(cfg.Prefix, "critpath:jobs:")
	cfg.Lease = cmp.Or(cfg.Lease, 20*time.Second)
	cfg.EventBuffer = cmp.Or(cfg.EventBuffer, 1024)
	cfg.Block = cmp.Or(cfg.Block, time.Second)
	if cfg.Consumer == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		cfg.Consumer = fmt.Sprintf("%s-%d-%s", cmp.Or(host, "host"), os.Getpid(), hex.EncodeToString(b[:]))
	}
	q := &Queue{
		c: client, cfg: cfg, clock: cfg.Clock, jitter: jobs.Jitter(cfg.Rand),
		evChan: cfg.Prefix + "events", ctlChan: cfg.Prefix + "control",
		consumers: map[string]*consumer{}, stop: make(chan struct{}),
	}
	q.cronCtx, q.cronStop = context.WithCancel(context.Background())
	q.pipeline = newPipeliner(client, enqueueScript, q.stop)
	return q
}

// base is the prefix of a queue's keys: one hash tag per queue.
func (q *Queue) base(queue string) string { return q.cfg.Prefix + "{" + queue + "}:" }

func ms(t time.Time) int64 { return t.UnixMilli() }

// args are the arguments every script starts with.
func (q *Queue) args(queue string, now time.Time, more ...any) []any {
	return append([]any{q.base(queue), queue, q.evChan, ms(now)}, more...)
}

func queueName(name string) string { return cmp.Or(name, "default") }

// Enqueue implements jobs.Enqueuer.
func (q *Queue) Enqueue(ctx context.Context, job jobs.Job) (string, error) {
	job.Queue = queueName(job.Queue)
	if job.Kind == "" {
		return "", fmt.Errorf("redis: enqueue on %q: a job needs a kind: %w", job.Queue, jobs.ErrInvalid)
	}
	if strings.ContainsAny(job.Queue, "{}") {
		return "", fmt.Errorf("redis: enqueue on %q: a queue's name is its keys' hash tag and cannot hold braces: %w", job.Queue, jobs.ErrInvalid)
	}
	q.mu.Lock()
	closed := q.closed
	q.mu.Unlock()
	if closed {
		return "", jobs.ErrClosed
	}
	res, err := q.pipeline.do(ctx, []string{q.base(job.Queue) + "n"}, q.enqueueArgs(job))
	if err != nil {
		return "", fmt.Errorf("redis: enqueue on %q: %w", job.Queue, err)
	}
	id, err := q.enqueued(job, res)
	if err == nil {
		q.poke(job.Queue)
	}
	return id, err
}

func (q *Queue) enqueueArgs(job jobs.Job) []any {
	qc := q.cfg.Queue(job.Queue)
	now := q.clock.Now()
	var runAt int64
	if !job.RunAt.IsZero() {
		runAt = ms(job.RunAt)
	}
	return q.args(job.Queue, now, qc.MaxSize, job.Kind, []byte(job.Payload), job.Priority,
		cmp.Or(job.MaxAttempts, qc.MaxAttempts), int64(job.Timeout), job.UniqueKey,
		job.UniqueTTL.Milliseconds(), job.CoalesceKey, runAt, job.Project)
}

func (q *Queue) enqueued(job jobs.Job, res []any) (string, error) {
	if len(res) != 2 {
		return "", fmt.Errorf("redis: enqueue on %q: script answered %v", job.Queue, res)
	}
	code, _ := res[0].(int64)
	id, _ := res[1].(string)
	switch code {
	case -1:
		return "", fmt.Errorf("redis: enqueue on %q: unique key %q held by job %s: %w", job.Queue, job.UniqueKey, id, jobs.ErrDuplicate)
	case -2:
		return "", fmt.Errorf("redis: enqueue on %q: %s jobs held: %w", job.Queue, id, jobs.ErrQueueFull)
	}
	return id, nil
}

// EnqueueBatch enqueues jobs in one round trip (a pipeline of the
// enqueue script), each as Enqueue would: the IDs of the accepted ones
// and, at the same index, the error of each refused one.
func (q *Queue) EnqueueBatch(ctx context.Context, batch []jobs.Job) ([]string, []error) {
	ids, errs := make([]string, len(batch)), make([]error, len(batch))
	cmds := make([]*goredis.Cmd, len(batch))
	if err := enqueueScript.Load(ctx, q.c).Err(); err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("redis: enqueue: %w", err)
		}
		return ids, errs
	}
	pipe := q.c.Pipeline()
	for i, job := range batch {
		job.Queue = queueName(job.Queue)
		batch[i] = job
		if job.Kind == "" {
			errs[i] = fmt.Errorf("redis: enqueue on %q: a job needs a kind: %w", job.Queue, jobs.ErrInvalid)
			continue
		}
		cmds[i] = enqueueScript.EvalSha(ctx, pipe, []string{q.base(job.Queue) + "n"}, q.enqueueArgs(job)...)
	}
	pipe.Exec(ctx)
	for i, cmd := range cmds {
		if cmd == nil {
			continue
		}
		res, err := cmd.Slice()
		if err != nil {
			errs[i] = fmt.Errorf("redis: enqueue on %q: %w", batch[i].Queue, err)
			continue
		}
		ids[i], errs[i] = q.enqueued(batch[i], res)
		if errs[i] == nil {
			q.poke(batch[i].Queue)
		}
	}
	return ids, errs
}

// poke wakes this process's consumer of queue, if any.
func (q *Queue) poke(queue string) {
	q.mu.Lock()
	c := q.consumers[queue]
	q.mu.Unlock()
	if c != nil {
		c.poke()
	}
}

// Cancel implements jobs.Canceler.
func (q *Queue) Cancel(ctx context.Context, queue, id string) error {
	queue = queueName(queue)
	n, err := cancelScript.Run(ctx, q.c, []string{q.base(queue) + "n"}, q.args(queue, q.clock.Now(), id, q.ctlChan)...).Int()
	if err != nil {
		return fmt.Errorf("redis: cancel job %s of %q: %w", id, queue, err)
	}
	switch n {
	case 0:
		return fmt.Errorf("redis: cancel job %s of %q: %w", id, queue, jobs.ErrNotFound)
	case 1:
		q.cancelLocal(queue, id)
	}
	return nil
}

// cancelLocal cancels the try of job id if this process runs it.
func (q *Queue) cancelLocal(queue, id string) {
	q.mu.Lock()
	c := q.consumers[queue]
	q.mu.Unlock()
	if c != nil {
		c.cancel(id)
	}
}

// Stats implements jobs.Inspector.
func (q *Queue) Stats(ctx context.Context, queue string) (jobs.Stats, error) {
	queue = queueName(queue)
	v, err := statsScript.Run(ctx, q.c, []string{q.base(queue) + "n"}, q.args(queue, q.clock.Now())...).Int64Slice()
	if err != nil || len(v) != 6 {
		return jobs.Stats{}, fmt.Errorf("redis: stats of %q: %v %w", queue, v, err)
	}
	size, later, dead, done, failed, running := int(v[0]), int(v[1]), int(v[2]), v[3], v[4], int(v[5])
	return jobs.Stats{
		Ready: max(size-later-running, 0), Scheduled: later, Running: running,
		Dead: dead, Completed: done, Failed: failed,
	}, nil
}

// Dead implements jobs.DeadLetters.
func (q *Queue) Dead(ctx context.Context, queue string, limit int) ([]jobs.DeadJob, error) {
	queue = queueName(queue)
	if limit <= 0 {
		return nil, nil
	}
	b := q.base(queue)
	ids, err := q.c.ZRevRange(ctx, b+"dead", 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: dead jobs of %q: %w", queue, err)
	}
	pipe := q.c.Pipeline()
	cmds := make([]*goredis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, b+"j:"+id)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redis: dead jobs of %q: %w", queue, err)
	}
	out := make([]jobs.DeadJob, 0, len(ids))
	for i, id := range ids {
		f := cmds[i].Val()
		d := jobs.DeadJob{Job: jobFromHash(queue, id, f), Err: f["err"], DiedAt: msTime(f["died"])}
		if h := f["h"]; h != "" {
			var hist []wireAttempt
			if err := json.Unmarshal([]byte(h), &hist); err != nil {
				return nil, fmt.Errorf("redis: dead job %s of %q: history: %w", id, queue, err)
			}
			for _, a := range hist {
				d.Attempts = append(d.Attempts, jobs.Attempt{Attempt: a.Attempt, Started: time.UnixMilli(a.Started).UTC(), Ended: time.UnixMilli(a.Ended).UTC(), Err: a.Err})
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// wireAttempt is a try in a job's history as the scripts write it.
type wireAttempt struct {
	Attempt int    `json:"attempt"`
	Started int64  `json:"started"`
	Ended   int64  `json:"ended"`
	Err     string `json:"error"`
}

func msTime(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// jobFromHash rebuilds a job from its hash's fields.
func jobFromHash(queue, id string, f map[string]string) jobs.Job {
	j := jobs.Job{
		ID: id, Queue: queue, Kind: f["k"], Priority: atoi(f["r"]), RunAt: msTime(f["t"]),
		MaxAttempts: atoi(f["m"]), UniqueKey: f["u"], CoalesceKey: f["c"], Attempt: atoi(f["a"]), Project: f["pj"],
		EnqueuedAt: msTime(f["e"]),
	}
	if p := f["p"]; p != "" {
		j.Payload = json.RawMessage(p)
	}
	if o, err := strconv.ParseInt(f["o"], 10, 64); err == nil {
		j.Timeout = time.Duration(o)
	}
	if ut, err := strconv.ParseInt(f["ut"], 10, 64); err == nil {
		j.UniqueTTL = time.Duration(ut) * time.Millisecond
	}
	return j
}

// RetryDead implements jobs.DeadLetters.
func (q *Queue) RetryDead(ctx context.Context, queue, id string) error {
	queue = queueName(queue)
	qc := q.cfg.Queue(queue)
	n, err := retryDeadScript.Run(ctx, q.c, []string{q.base(queue) + "n"}, q.args(queue, q.clock.Now(), id, qc.MaxSize)...).Int()
	switch {
	case err != nil:
		return fmt.Errorf("redis: retry dead job %s of %q: %w", id, queue, err)
	case n == 0:
		return fmt.Errorf("redis: retry dead job %s of %q: %w", id, queue, jobs.ErrNotFound)
	case n == -2:
		return fmt.Errorf("redis: retry dead job %s of %q: %w", id, queue, jobs.ErrQueueFull)
	}
	q.poke(queue)
	return nil
}

// DiscardDead implements jobs.DeadLetters.
func (q *Queue) DiscardDead(ctx context.Context, queue, id string) error {
	queue = queueName(queue)
	n, err := discardDeadScript.Run(ctx, q.c, []string{q.base(queue) + "n"}, q.args(queue, q.clock.Now(), id)...).Int()
	switch {
	case err != nil:
		return fmt.Errorf("redis: discard dead job %s of %q: %w", id, queue, err)
	case n == 0:
		return fmt.Errorf("redis: discard dead job %s of %q: %w", id, queue, jobs.ErrNotFound)
	}
	return nil
}

// Cron implements jobs.Crontab.
func (q *Queue) Cron(name, spec string, job jobs.Job) error {
	s, err := jobs.ParseCron(spec, q.cfg.Location)
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return jobs.ErrClosed
	}
	from := q.clock.Now()
	q.wg.Go(func() { jobs.RunCron(q.cronCtx, q.clock, q, name, s, job, from, q.cfg.Logger) })
	return nil
}

// wireEvent is an event as the scripts publish it.
type wireEvent struct {
	Kind      string  `json:"k"`
	Queue     string  `json:"q"`
	ID        string  `json:"i"`
	JobKind   string  `json:"j"`
	Project   string  `json:"pj"`
	Attempt   int     `json:"a"`
	Time      int64   `json:"t"`
	Err       string  `json:"e"`
	RetryAt   int64   `json:"r"`
	Coalesced int     `json:"c"`
	Percent   float64 `json:"p"`
	Message   string  `json:"m"`
}

// Subscribe implements jobs.Subscriber: one Redis subscription per Queue
// feeds every subscriber of the process (see jobs.Feed for the
// slow-consumer policy). Events of all processes sharing the queues
// arrive, in the order Redis ran the changes. A process subscribes to
// the event channel only once something in it calls Subscribe, so that
// Redis does not send every event to every worker.
func (q *Queue) Subscribe(ctx context.Context, queue string) (*jobs.Subscription, error) {
	if err := q.listen(ctx, true); err != nil {
		return nil, err
	}
	return q.feed.Subscribe(queue, q.cfg.EventBuffer), nil
}

// listen subscribes to the control channel, and to the event channel
// when events is set; each once.
func (q *Queue) listen(ctx context.Context, events bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return jobs.ErrClosed
	}
	if q.ps == nil {
		ps := q.c.Subscribe(ctx, q.ctlChan)
		if _, err := ps.Receive(ctx); err != nil {
			ps.Close()
			return fmt.Errorf("redis: subscribe to %s: %w", q.ctlChan, err)
		}
		q.ps = ps
		ch := ps.Channel(goredis.WithChannelSize(4096))
		q.wg.Go(func() {
			for m := range ch {
				q.received(m)
			}
		})
	}
	if !events || q.events {
		return nil
	}
	if err := q.ps.Subscribe(ctx, q.evChan); err != nil {
		return fmt.Errorf("redis: subscribe to %s: %w", q.evChan, err)
	}
	q.events = true
	// The subscription holds once the server has run it: a fence sent
	// through the channel comes back after.
	q.mu.Unlock()
	defer q.mu.Lock()
	if !q.fence(ctx) {
		return fmt.Errorf("redis: subscribe to %s: not confirmed within a second", q.evChan)
	}
	return nil
}

func (q *Queue) received(m *goredis.Message) {
	var w wireEvent
	if err := json.Unmarshal([]byte(m.Payload), &w); err != nil {
		if q.cfg.Logger != nil {
			q.cfg.Logger.Error("redis: an event that does not decode", "channel", m.Channel, "err", err)
		}
		return
	}
	if m.Channel == q.ctlChan {
		q.cancelLocal(w.Queue, w.ID)
		return
	}
	var kind jobs.EventKind
	if err := kind.UnmarshalText([]byte(w.Kind)); err != nil {
		if w.Kind == "fence" {
			q.mu.Lock()
			if c := q.fences[w.ID]; c != nil {
				close(c)
				delete(q.fences, w.ID)
			}
			q.mu.Unlock()
		}
		return
	}
	e := jobs.Event{
		Kind: kind, Queue: w.Queue, JobID: w.ID, JobKind: w.JobKind, Project: w.Project, Attempt: w.Attempt,
		Time: time.UnixMilli(w.Time).UTC(), Err: w.Err, Coalesced: w.Coalesced == 1,
		Percent: w.Percent, Message: w.Message,
	}
	if w.RetryAt != 0 {
		e.RetryAt = time.UnixMilli(w.RetryAt).UTC()
	}
	q.feed.Publish(e)
}

// publish sends an event from this process (progress reports).
func (q *Queue) publish(ctx context.Context, w wireEvent) {
	b, err := json.Marshal(w)
	if err != nil {
		return
	}
	if err := q.c.Publish(ctx, q.evChan, b).Err(); err != nil && q.cfg.Logger != nil && !errors.Is(err, context.Canceled) {
		q.cfg.Logger.Error("redis: progress not published", "queue", w.Queue, "job", w.ID, "err", err)
	}
}
