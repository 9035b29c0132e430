package redis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/jobs"
)

// consumer runs one queue's jobs for a Queue: a dispatcher goroutine
// that settles finished tries and takes new ones in one script call, a
// worker goroutine per unit of concurrency, and a renewer of leases.
type consumer struct {
	q     *Queue
	queue string
	base  string
	cfg   jobs.QueueConfig
	h     jobs.Handler

	work    chan *try
	results chan result
	wake    chan struct{}
	kill    chan struct{} // closed by crash
	abort   chan struct{} // closed when Shutdown's deadline passes
	done    chan struct{} // closed when the dispatcher returns

	mu       sync.Mutex
	running  map[string]*try
	canceled map[string]time.Time // cancellations that came before their try began
}

// try is one try of a job on this process.
type try struct {
	job       jobs.Job
	sid, prio string
	started   time.Time // by the queue's clock
	real      time.Time // by the machine's, for lease renewal
	ctx       context.Context
	cancelCtx context.CancelCauseFunc
	stopTimer func() bool
}

type result struct {
	t   *try
	err error
}

// settlement is a try's end as the step script takes it.
type settlement struct {
	id, sid, prio string
	attempt       int
	code          string // c completed, x canceled, b back, r retry, d dead
	runAt         int64
	err           string
}

// Consume implements jobs.Consumer.
func (q *Queue) Consume(queue string, h jobs.Handler) error {
	queue = queueName(queue)
	if h == nil || strings.ContainsAny(queue, "{}") {
		return fmt.Errorf("redis: consume %q: no handler, or braces in the name: %w", queue, jobs.ErrInvalid)
	}
	if err := q.listen(context.Background(), false); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return jobs.ErrClosed
	}
	if q.consumers[queue] != nil {
		return fmt.Errorf("redis: consume %q: consumed already: %w", queue, jobs.ErrInvalid)
	}
	cfg := q.cfg.Queue(queue)
	c := &consumer{
		q: q, queue: queue, base: q.base(queue), cfg: cfg, h: h,
		work: make(chan *try, cfg.Concurrency), results: make(chan result, cfg.Concurrency),
		wake: make(chan struct{}, 1), kill: make(chan struct{}), abort: make(chan struct{}), done: make(chan struct{}),
		running: map[string]*try{}, canceled: map[string]time.Time{},
	}
	q.consumers[queue] = c
	for range cfg.Concurrency {
		q.wg.Go(func() {
			for t := range c.work {
				c.run(t)
			}
		})
	}
	q.wg.Go(func() {
		defer close(c.work)
		defer close(c.done)
		c.dispatch()
	})
	q.wg.Go(c.renew)
	return nil
}

func (c *consumer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// cancel cancels the try of job id, now or, when the step that took it
// has not yet handed it to a worker, as it begins. (Every process hears
// of every cancellation; those kept for tries that never begin here are
// forgotten after a minute.)
func (c *consumer) cancel(id string) {
	c.mu.Lock()
	t := c.running[id]
	if t == nil {
		now := time.Now()
		for k, at := range c.canceled {
			if now.Sub(at) > time.Minute {
				delete(c.canceled, k)
			}
		}
		c.canceled[id] = now
	}
	c.mu.Unlock()
	if t != nil {
		t.cancelCtx(jobs.ErrCanceled)
	}
}

// run does one try on a worker goroutine.
func (c *consumer) run(t *try) {
	p := func(percent float64, message string) {
		c.q.publish(t.ctx, wireEvent{
			Kind: "progress", Queue: c.queue, ID: t.job.ID, JobKind: t.job.Kind, Project: t.job.Project, Attempt: t.job.Attempt,
			Time: ms(c.q.clock.Now()), Percent: min(max(percent, 0), 100), Message: message,
		})
	}
	err := jobs.Try(t.ctx, c.h, &t.job, p)
	c.results <- result{t, err}
}

// outcome turns a finished try into its settlement.
func (c *consumer) outcome(r result) settlement {
	t := r.t
	t.stopTimer()
	cause := context.Cause(t.ctx)
	t.cancelCtx(context.Canceled)
	c.mu.Lock()
	delete(c.running, t.job.ID)
	c.mu.Unlock()
	s := settlement{id: t.job.ID, sid: t.sid, prio: t.prio, attempt: t.job.Attempt}
	switch {
	case errors.Is(cause, jobs.ErrCanceled):
		s.code = "x"
	case r.err == nil:
		s.code = "c"
	default:
		err := r.err
		if errors.Is(cause, jobs.ErrTimeout) && !errors.Is(err, jobs.ErrTimeout) {
			err = fmt.Errorf("%w: %w", jobs.ErrTimeout, err)
		}
		s.err = err.Error()
		after, again := c.cfg.Retry(&t.job, err, c.q.jitter())
		if again {
			s.code, s.runAt = "r", ms(c.q.clock.Now().Add(after))
		} else {
			s.code = "d"
		}
	}
	return s
}

// step settles tries and takes up to want new ones.
func (c *consumer) step(ctx context.Context, now time.Time, settle []settlement, want int, claimIdle time.Duration) (taken []*try, nextAt, tokenWait int64, idle []string, err error) {
	args := c.q.args(c.queue, now, c.q.cfg.Consumer, want, c.cfg.Rate, c.cfg.Burst, claimIdle.Milliseconds(), c.cfg.MaxDead, len(settle))
	for _, s := range settle {
		args = append(args, s.id, s.sid, s.prio, s.attempt, s.code, s.runAt, s.err)
	}
	res, err := stepScript.Run(ctx, c.q.c, []string{c.base + "n"}, args...).Slice()
	if err != nil {
		return nil, 0, 0, nil, err
	}
	if len(res) != 4 {
		return nil, 0, 0, nil, fmt.Errorf("step script answered %d values", len(res))
	}
	list, _ := res[0].([]any)
	for _, v := range list {
		f, _ := v.([]any)
		if len(f) != 15 {
			return nil, 0, 0, nil, fmt.Errorf("step script answered a job of %d fields", len(f))
		}
		str := func(i int) string { s, _ := f[i].(string); return s }
		num := func(i int) int64 {
			switch x := f[i].(type) {
			case int64:
				return x
			case string:
				n, _ := strconv.ParseInt(x, 10, 64)
				return n
			}
			return 0
		}
		j := jobs.Job{
			ID: str(0), Queue: c.queue, Kind: str(4), Priority: int(num(2)), Attempt: int(num(3)),
			Timeout: time.Duration(num(6)), MaxAttempts: int(num(9)), UniqueKey: str(10),
			UniqueTTL: time.Duration(num(11)) * time.Millisecond, CoalesceKey: str(12), Project: str(14),
		}
		if p := str(5); p != "" {
			j.Payload = []byte(p)
		}
		j.EnqueuedAt = time.UnixMilli(num(7)).UTC()
		if r := num(8); r != 0 {
			j.RunAt = time.UnixMilli(r).UTC()
		}
		taken = append(taken, &try{job: j, sid: str(1), prio: str(2), started: now, real: time.Now()})
	}
	nextAt, _ = res[1].(int64)
	tokenWait, _ = res[2].(int64)
	for _, v := range res[3].([]any) {
		s, _ := v.(string)
		idle = append(idle, s)
	}
	return taken, nextAt, tokenWait, idle, nil
}

// begin starts a try's clock and hands it to a worker.
func (c *consumer) begin(t *try) {
	ctx, cancel := context.WithCancelCause(context.Background())
	t.ctx, t.cancelCtx = ctx, cancel
	t.stopTimer = c.q.clock.At(t.started.Add(cmp.Or(t.job.Timeout, c.cfg.Timeout)), func() { cancel(jobs.ErrTimeout) })
	c.mu.Lock()
	c.running[t.job.ID] = t
	if _, ok := c.canceled[t.job.ID]; ok {
		delete(c.canceled, t.job.ID)
		cancel(jobs.ErrCanceled)
	}
	c.mu.Unlock()
	c.work <- t // never blocks: at most Concurrency tries run
}

// dispatch is the consumer's loop: settle what finished, take what is
// ready, wait for something to change.
func (c *consumer) dispatch() {
	ctx := context.Background()
	var settle []settlement
	running := 0
	stop := c.q.stop
	stopping := false
	xread := make(chan struct{}, 1)
	xreading := false
	var stopTimer func() bool
	lastClaim := time.Now()
	claimEvery := c.q.cfg.Lease / 4
	claimTick := time.NewTicker(claimEvery)
	defer claimTick.Stop()
	failures := 0
	for {
		for drained := false; !drained; {
			select {
			case r := <-c.results:
				running--
				settle = append(settle, c.outcome(r))
			default:
				drained = true
			}
		}
		want := 0
		if !stopping {
			want = c.cfg.Concurrency - running
		}
		if len(settle) > 0 || want > 0 {
			var claim time.Duration
			if want > 0 && time.Since(lastClaim) >= claimEvery {
				claim, lastClaim = c.q.cfg.Lease, time.Now()
			}
			now := c.q.clock.Now()
			taken, nextAt, tokenWait, idle, err := c.step(ctx, now, settle, want, claim)
			if err != nil {
				failures++
				if c.q.cfg.Logger != nil {
					c.q.cfg.Logger.Error("redis: jobs step failed", "queue", c.queue, "err", err)
				}
				select {
				case <-c.kill:
					return
				case <-c.abort:
					c.giveBack()
					return
				case <-time.After(min(time.Duration(failures)*100*time.Millisecond, 5*time.Second)):
				}
				continue
			}
			failures = 0
			settle = settle[:0]
			for _, t := range taken {
				running++
				c.begin(t)
			}
			if want > 0 && len(taken) == want {
				continue
			}
			if stopTimer != nil {
				stopTimer()
				stopTimer = nil
			}
			var at time.Time
			if nextAt >= 0 {
				at = time.UnixMilli(nextAt)
			}
			if tokenWait >= 0 && want > 0 {
				if tw := now.Add(time.Duration(tokenWait) * time.Millisecond); at.IsZero() || tw.Before(at) {
					at = tw
				}
			}
			if !at.IsZero() {
				stopTimer = c.q.clock.At(at, c.poke)
			}
			if len(idle) > 0 && !xreading && tokenWait < 0 {
				xreading = true
				go func() {
					c.q.c.XRead(ctx, &goredis.XReadArgs{Streams: idle, Count: 1, Block: c.q.cfg.Block})
					xread <- struct{}{}
				}()
			}
		}
		if stopping && running == 0 {
			return
		}
		select {
		case r := <-c.results:
			running--
			settle = append(settle, c.outcome(r))
		case <-c.wake:
		case <-xread:
			xreading = false
		case <-claimTick.C:
		case <-stop:
			stopping, stop = true, nil
		case <-c.kill:
			return
		case <-c.abort:
			c.giveBack()
			return
		}
	}
}

// giveBack returns the running tries to the queue when the shutdown
// deadline has passed, their handlers' contexts canceled.
func (c *consumer) giveBack() {
	c.mu.Lock()
	var settle []settlement
	for _, t := range c.running {
		t.stopTimer()
		t.cancelCtx(jobs.ErrShutdown)
		settle = append(settle, settlement{id: t.job.ID, sid: t.sid, prio: t.prio, attempt: t.job.Attempt, code: "b"})
	}
	clear(c.running)
	c.mu.Unlock()
	if len(settle) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, _, _, err := c.step(ctx, c.q.clock.Now(), settle, 0, 0); err != nil && c.q.cfg.Logger != nil {
		c.q.cfg.Logger.Error("redis: running jobs not returned at shutdown; they return when their leases lapse", "queue", c.queue, "err", err)
	}
}

// renew keeps this consumer's holds on its long tries, every Lease/3.
func (c *consumer) renew() {
	every := c.q.cfg.Lease / 3
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-c.kill:
			return
		case <-tick.C:
		}
		args := c.q.args(c.queue, c.q.clock.Now(), c.q.cfg.Consumer)
		c.mu.Lock()
		for _, t := range c.running {
			if time.Since(t.real) >= every {
				args = append(args, t.job.ID, t.sid, t.prio, t.job.Attempt)
			}
		}
		c.mu.Unlock()
		if len(args) == 5 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), every)
		err := renewScript.Run(ctx, c.q.c, []string{c.base + "n"}, args...).Err()
		cancel()
		if err != nil && c.q.cfg.Logger != nil {
			c.q.cfg.Logger.Error("redis: leases not renewed", "queue", c.queue, "err", err)
		}
	}
}

// Shutdown implements jobs.Consumer.
func (q *Queue) Shutdown(ctx context.Context) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	close(q.stop)
	q.cronStop()
	consumers := make([]*consumer, 0, len(q.consumers))
	for _, c := range q.consumers {
		consumers = append(consumers, c)
	}
	ps, events := q.ps, q.events
	q.mu.Unlock()
	var err error
	for _, c := range consumers {
		select {
		case <-c.done:
		case <-ctx.Done():
			close(c.abort)
			<-c.done
			err = ctx.Err()
		}
	}
	if events {
		q.fence(ctx)
	}
	if ps != nil {
		ps.Close()
	}
	q.feed.Close()
	return err
}

// fence waits until the events published before it (by this process's
// last settlements, say) have come back through the subscription, so
// that subscribers see them before their subscriptions close; at most
// until ctx ends or a second has passed. It reports whether the fence
// came back.
func (q *Queue) fence(ctx context.Context) bool {
	token := strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.FormatUint(fenceSeq.Add(1), 36)
	arrived := make(chan struct{})
	q.mu.Lock()
	q.fences = map[string]chan struct{}{token: arrived}
	q.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	q.publish(ctx, wireEvent{Kind: "fence", ID: token})
	select {
	case <-arrived:
		return true
	case <-ctx.Done():
		q.mu.Lock()
		delete(q.fences, token)
		q.mu.Unlock()
		return false
	}
}

var fenceSeq atomic.Uint64

// crash stops q as a killed process would stop: no settlements, no
// renewals, nothing returned.
func (q *Queue) crash() {
	q.mu.Lock()
	for _, c := range q.consumers {
		close(c.kill)
	}
	if !q.closed {
		close(q.stop)
	}
	q.closed = true
	ps := q.ps
	q.ps = nil
	q.mu.Unlock()
	if ps != nil {
		ps.Close()
	}
}
