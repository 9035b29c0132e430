// Command jobs measures adapters/redis's job queue against a local
// redis-server (run.sh starts one on a Unix socket and runs BullMQ's
// side beside it). Each mode prints one line of JSON.
//
//	add       enqueue -n jobs, -inflight at a time
//	bulk      enqueue -n jobs in pipelined batches of -batch
//	worker    enqueue -n no-op jobs, then run them with -concurrency
//	latency   enqueue at -rate jobs a second for -seconds while a worker
//	          of -concurrency runs them: enqueue→start p50/p99
//	kill      two worker processes on -n jobs that each hold -hold; one
//	          is killed (SIGKILL) holding -concurrency in flight: lost,
//	          duplicated, time until all are done
//	term      the same with SIGTERM: the worker shuts down within
//	          -deadline, its running jobs finished or returned
//	proc      a worker process (used by kill and term)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/jobs"
)

var (
	socket      = flag.String("socket", os.Getenv("REDIS_SOCKET"), "redis-server's Unix socket")
	mode        = flag.String("mode", "worker", "add, bulk, worker, latency, kill, term or proc")
	n           = flag.Int("n", 100_000, "jobs")
	inflight    = flag.Int("inflight", 100, "enqueues in flight (add)")
	batch       = flag.Int("batch", 50, "jobs a batch (bulk)")
	concurrency = flag.Int("concurrency", 100, "jobs a worker runs at once")
	rate        = flag.Float64("rate", 5000, "jobs a second (latency)")
	seconds     = flag.Float64("seconds", 10, "how long to enqueue (latency)")
	hold        = flag.Duration("hold", 50*time.Millisecond, "how long a job takes (kill, term, proc)")
	deadline    = flag.Duration("deadline", 5*time.Second, "shutdown deadline (term, proc)")
	killAt      = flag.Float64("at", 0.3, "share of the jobs done when the worker is stopped (kill, term)")
	queueName   = flag.String("queue", "bench", "queue name")
	prefix      = flag.String("prefix", "bench:", "key prefix")
)

func main() {
	flag.Parse()
	rc := goredis.NewClient(&goredis.Options{Network: "unix", Addr: *socket, PoolSize: 256})
	defer rc.Close()
	ctx := context.Background()
	var out map[string]any
	var err error
	switch *mode {
	case "add":
		out, err = add(ctx, rc)
	case "bulk":
		out, err = bulk(ctx, rc)
	case "worker":
		out, err = worker(ctx, rc)
	case "latency":
		out, err = latency(ctx, rc)
	case "kill", "term":
		out, err = crash(ctx, rc, *mode)
	case "proc":
		err = proc(ctx, rc)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "jobs bench:", err)
		os.Exit(1)
	}
	if out != nil {
		out["mode"], out["system"] = *mode, "critpath"
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
}

func newQueue(rc *goredis.Client, conc int) *redis.Queue {
	return redis.NewQueue(rc, redis.QueueConfig{
		Config: jobs.Config{Default: jobs.QueueConfig{Concurrency: conc, MaxAttempts: 5}},
		Prefix: *prefix,
	})
}

// fresh deletes the bench's keys.
func fresh(ctx context.Context, rc *goredis.Client) error {
	return rc.FlushAll(ctx).Err()
}

// redisCPU returns the seconds of CPU redis-server has used.
func redisCPU(ctx context.Context, rc *goredis.Client) float64 {
	info, err := rc.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var sum float64
	for line := range strings.SplitSeq(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, _ := strconv.ParseFloat(v, 64)
			sum += f
		}
	}
	return sum
}

func noop() jobs.Job {
	return jobs.Job{Queue: *queueName, Kind: "noop", Payload: []byte(`{}`)}
}

func add(ctx context.Context, rc *goredis.Client) (map[string]any, error) {
	if err := fresh(ctx, rc); err != nil {
		return nil, err
	}
	q := newQueue(rc, 1)
	defer q.Shutdown(ctx)
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	cpu0, t0 := redisCPU(ctx, rc), time.Now()
	for range *inflight {
		wg.Go(func() {
			for next.Add(1) <= int64(*n) {
				if _, err := q.Enqueue(ctx, noop()); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(t0).Seconds()
	cpu := redisCPU(ctx, rc) - cpu0
	return map[string]any{"jobs": *n, "failed": failed.Load(), "seconds": el, "jobs_per_s": float64(*n) / el,
		"redis_cpu_s": cpu, "redis_cpu_us_per_job": cpu / float64(*n) * 1e6}, nil
}

func bulk(ctx context.Context, rc *goredis.Client) (map[string]any, error) {
	if err := fresh(ctx, rc); err != nil {
		return nil, err
	}
	q := newQueue(rc, 1)
	defer q.Shutdown(ctx)
	cpu0, t0 := redisCPU(ctx, rc), time.Now()
	failed := 0
	for done := 0; done < *n; done += *batch {
		b := make([]jobs.Job, min(*batch, *n-done))
		for i := range b {
			b[i] = noop()
		}
		_, errs := q.EnqueueBatch(ctx, b)
		for _, err := range errs {
			if err != nil {
				failed++
			}
		}
	}
	el := time.Since(t0).Seconds()
	cpu := redisCPU(ctx, rc) - cpu0
	return map[string]any{"jobs": *n, "batch": *batch, "failed": failed, "seconds": el, "jobs_per_s": float64(*n) / el,
		"redis_cpu_s": cpu, "redis_cpu_us_per_job": cpu / float64(*n) * 1e6}, nil
}

// fill enqueues count no-op jobs in pipelined batches of 1,000.
func fill(ctx context.Context, q *redis.Queue, count int) error {
	for done := 0; done < count; done += 1000 {
		b := make([]jobs.Job, min(1000, count-done))
		for i := range b {
			b[i] = noop()
		}
		_, errs := q.EnqueueBatch(ctx, b)
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func worker(ctx context.Context, rc *goredis.Client) (map[string]any, error) {
	if err := fresh(ctx, rc); err != nil {
		return nil, err
	}
	q := newQueue(rc, *concurrency)
	defer q.Shutdown(ctx)
	if err := fill(ctx, q, *n); err != nil {
		return nil, err
	}
	var done atomic.Int64
	all := make(chan struct{})
	cpu0, t0 := redisCPU(ctx, rc), time.Now()
	err := q.Consume(*queueName, jobs.HandlerFunc(func(context.Context, *jobs.Job, jobs.Progress) error {
		if done.Add(1) == int64(*n) {
			close(all)
		}
		return nil
	}))
	if err != nil {
		return nil, err
	}
	<-all
	// The last settlements: wait until Redis holds no job.
	for {
		s, err := q.Stats(ctx, *queueName)
		if err != nil {
			return nil, err
		}
		if s.Size() == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	el := time.Since(t0).Seconds()
	cpu := redisCPU(ctx, rc) - cpu0
	return map[string]any{"jobs": *n, "concurrency": *concurrency, "seconds": el, "jobs_per_s": float64(*n) / el,
		"redis_cpu_s": cpu, "redis_cpu_us_per_job": cpu / float64(*n) * 1e6}, nil
}

func latency(ctx context.Context, rc *goredis.Client) (map[string]any, error) {
	if err := fresh(ctx, rc); err != nil {
		return nil, err
	}
	q := newQueue(rc, *concurrency)
	defer q.Shutdown(ctx)
	total := int(*rate * *seconds)
	lat := make([]time.Duration, 0, total)
	var mu sync.Mutex
	all := make(chan struct{})
	err := q.Consume(*queueName, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		at, _ := strconv.ParseInt(string(j.Payload), 10, 64)
		d := time.Duration(time.Now().UnixNano() - at)
		mu.Lock()
		lat = append(lat, d)
		if len(lat) == total {
			close(all)
		}
		mu.Unlock()
		return nil
	}))
	if err != nil {
		return nil, err
	}
	const producers = 64
	t0 := time.Now()
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for k := p; k < total; k += producers {
				time.Sleep(time.Until(t0.Add(time.Duration(float64(k) / *rate * float64(time.Second)))))
				j := noop()
				j.Payload = []byte(strconv.FormatInt(time.Now().UnixNano(), 10))
				if _, err := q.Enqueue(ctx, j); err != nil {
					fmt.Fprintln(os.Stderr, err)
				}
			}
		})
	}
	wg.Wait()
	<-all
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	return map[string]any{"jobs": total, "rate": *rate, "concurrency": *concurrency,
		"p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": pct(1)}, nil
}

// proc is a worker process: it runs the queue's jobs, each counted in
// the hash <prefix>runs and taking -hold, until SIGTERM, then shuts down
// within -deadline.
func proc(ctx context.Context, rc *goredis.Client) error {
	q := newQueue(rc, *concurrency)
	runs := *prefix + "runs"
	err := q.Consume(*queueName, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		if err := rc.HIncrBy(context.Background(), runs, j.ID, 1).Err(); err != nil {
			return err
		}
		select {
		case <-time.After(*hold):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
	if err != nil {
		return err
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	t0 := time.Now()
	sctx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	err = q.Shutdown(sctx)
	fmt.Fprintf(os.Stderr, "worker shut down in %v: %v\n", time.Since(t0).Round(time.Millisecond), err)
	return nil
}

// start starts a worker process and waits until it is ready.
func start(args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		cmd.Process.Kill()
		return nil, fmt.Errorf("worker did not start: %q %v", line, err)
	}
	return cmd, nil
}

func crash(ctx context.Context, rc *goredis.Client, how string) (map[string]any, error) {
	if err := fresh(ctx, rc); err != nil {
		return nil, err
	}
	q := newQueue(rc, 1)
	defer q.Shutdown(ctx)
	if err := fill(ctx, q, *n); err != nil {
		return nil, err
	}
	args := []string{"-mode", "proc", "-socket", *socket, "-concurrency", strconv.Itoa(*concurrency),
		"-hold", hold.String(), "-deadline", deadline.String(), "-queue", *queueName, "-prefix", *prefix}
	a, err := start(args...)
	if err != nil {
		return nil, err
	}
	b, err := start(args...)
	if err != nil {
		a.Process.Kill()
		return nil, err
	}
	defer func() {
		b.Process.Signal(syscall.SIGTERM)
		b.Wait()
	}()
	t0 := time.Now()
	for {
		s, err := q.Stats(ctx, *queueName)
		if err != nil {
			return nil, err
		}
		if float64(s.Completed) >= *killAt*float64(*n) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	before, _ := q.Stats(ctx, *queueName)
	tStop := time.Now()
	if how == "kill" {
		a.Process.Kill()
	} else {
		a.Process.Signal(syscall.SIGTERM)
	}
	a.Wait()
	exited := time.Since(tStop)
	for {
		s, err := q.Stats(ctx, *queueName)
		if err != nil {
			return nil, err
		}
		if s.Size() == 0 {
			break
		}
		if time.Since(tStop) > 5*time.Minute {
			return nil, fmt.Errorf("jobs not done 5 minutes after the stop: %+v", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
	doneAfter := time.Since(tStop)
	s, _ := q.Stats(ctx, *queueName)
	counts, err := rc.HGetAll(ctx, *prefix+"runs").Result()
	if err != nil {
		return nil, err
	}
	dups := 0
	for _, v := range counts {
		if c, _ := strconv.Atoi(v); c > 1 {
			dups += c - 1
		}
	}
	return map[string]any{
		"jobs": *n, "in_flight_per_worker": *concurrency, "hold_ms": hold.Milliseconds(),
		"completed_before_stop": before.Completed, "running_at_stop": before.Running,
		"worker_exit_s": exited.Seconds(), "all_done_after_stop_s": doneAfter.Seconds(),
		"completed": s.Completed, "dead": s.Dead, "jobs_run": len(counts), "lost": int64(*n) - s.Completed - int64(s.Dead),
		"never_run": *n - len(counts), "duplicates": dups, "total_s": time.Since(t0).Seconds(),
	}, nil
}
