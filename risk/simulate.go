package risk

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/critpath/critpath/schedule"
)

// Options steer a simulation. The zero value runs 1,000 iterations with
// seed 0 on every core, sampling at random, with the unmitigated risks,
// and reports the project and milestone finishes.
type Options struct {
	// Iterations is how many times the project is sampled and scheduled.
	// Default 1,000.
	Iterations int
	// Seed makes the run: the same seed, model and project give the same
	// result, byte for byte, whatever Workers and GOMAXPROCS are.
	Seed uint64
	// Workers is how many goroutines schedule iterations. Default
	// GOMAXPROCS.
	Workers int
	// LatinHypercube stratifies every sampled quantity within each block
	// of iterations instead of drawing it at random.
	LatinHypercube bool
	// Mitigated runs the risk register with its post-response values.
	Mitigated bool
	// Tasks adds the per-task statistics: criticality, sensitivity,
	// cruciality, schedule sensitivity, merge bias, the risk score's
	// high-risk tasks and each contingency's drivers. They cost the
	// backward pass of each iteration, and 4 bytes per varying task per
	// iteration (its durations; 8 with milestones, whose drivers need the
	// durations' ranks too); a run that would need more than
	// maxTaskValues of them is refused.
	Tasks bool
	// Percentile is the confidence the contingency plan is set at, 1–99.
	// Default 80.
	Percentile float64
	// Tolerance, when above zero, stops the run early once the 95 %
	// confidence interval of the project finish's Percentile is narrower
	// than this many working days; the checks come after fixed numbers of
	// blocks (4, 5, 6, 7, 8, 10, 12, … each a quarter more), so the stop
	// is the same on every run.
	Tolerance float64
	// Progress, when not nil, is called after each block of iterations
	// is merged, with the iterations done and the total asked for, from
	// the goroutine that called Simulate.
	Progress func(done, total int)
}

// blockSize is how many iterations make a block: the unit of work given
// to a worker, the span of Latin hypercube strata and of each
// correlation reordering. It is part of what a seed means: changing it
// changes results.
const blockSize = 500

// firstCheck is how many blocks are merged before the first early-stop
// check; each later check comes after a quarter more (sorting the
// finishes each time costs O(n log n), so the checks stay O(n log n) in
// all).
const firstCheck = 4

// maxIterations bounds a run's memory.
const maxIterations = 10_000_000

// maxTaskValues bounds the durations the task statistics keep
// (iterations × varying tasks): about 2 GiB with their ranks.
const maxTaskValues = 1 << 28

// safeCompile is compile with a panic (from a Distribution supplied by
// the caller, checked there) turned into an error.
func safeCompile(p *schedule.Project, m *Model, mitigated bool) (s *sim, err error) {
	defer func() {
		if x := recover(); x != nil {
			s, err = nil, fmt.Errorf("risk: a distribution panicked: %v", x)
		}
	}()
	return compile(p, m, mitigated)
}

// Simulate samples the model's durations and risks, schedules the project
// with each sample, and returns the statistics. Durations are working
// time on each task's calendar, so every link type, lag, calendar and
// constraint of the project applies to every iteration. It fails on a
// project that does not schedule, a model that does not fit it (the error
// names the entry and field), a cancelled ctx (a *StoppedError, which
// wraps ctx's error and says how many iterations were done), or a
// Distribution that panics.
func Simulate(ctx context.Context, p *schedule.Project, m *Model, opts Options) (*Analysis, error) {
	n := cmp.Or(opts.Iterations, 1000)
	if n < 1 || n > maxIterations {
		return nil, fmt.Errorf("risk: %d iterations: want 1 to %d: %w", opts.Iterations, maxIterations, ErrBadModel)
	}
	pct := cmp.Or(opts.Percentile, 80)
	if !finite(pct) || pct < 1 || pct > 99 {
		return nil, fmt.Errorf("risk: percentile %v: want 1 to 99: %w", opts.Percentile, ErrBadModel)
	}
	if opts.Workers < 0 || !finite(opts.Tolerance) || opts.Tolerance < 0 {
		return nil, fmt.Errorf("risk: workers %d, tolerance %v: want 0 or more: %w", opts.Workers, opts.Tolerance, ErrBadModel)
	}
	s, err := safeCompile(p, m, opts.Mitigated)
	if err != nil {
		return nil, err
	}
	if opts.Tasks && int64(n)*int64(len(s.vary)) > maxTaskValues {
		return nil, fmt.Errorf("risk: %d iterations × %d varying tasks: the task statistics would keep over %d values; run fewer iterations or without Options.Tasks: %w", n, len(s.vary), maxTaskValues, ErrBadModel)
	}
	run := newRun(s, n, opts)
	done, err := run.execute(ctx, cmp.Or(opts.Workers, runtime.GOMAXPROCS(0)))
	if err != nil {
		return nil, err
	}
	return run.analyse(done, pct), nil
}

// run is one simulation's shared state: what each iteration recorded,
// written by the workers at the iteration's index, and the per-block
// counts, merged in block order.
type run struct {
	s     *sim
	n     int
	opts  Options
	pct   float64
	seed  uint64
	tasks bool

	length     []int64   // project length per iteration, project minutes
	milestones [][]int64 // each milestone's finish per iteration
	durs       []float32 // with Tasks: the varying tasks' durations, task by task (n each)
	crit       []int64   // per leaf: iterations it was critical in
	starts     []int64   // per merge point: its starts summed
}

func newRun(s *sim, n int, opts Options) *run {
	r := &run{s: s, n: n, opts: opts, seed: opts.Seed, tasks: opts.Tasks}
	r.length = make([]int64, n)
	r.milestones = make([][]int64, len(s.milestones))
	for k := range r.milestones {
		r.milestones[k] = make([]int64, n)
	}
	if r.tasks {
		r.durs = make([]float32, n*len(s.vary))
		r.crit = make([]int64, len(s.leaves))
		r.starts = make([]int64, len(s.merges))
	}
	return r
}

// blockOut is what one block counted.
type blockOut struct {
	index  int
	crit   []int32
	starts []int64
	err    error
}

// execute runs the blocks on workers goroutines and merges their counts
// in block order, stopping early when the tolerance is met. It returns
// how many iterations the result holds.
func (r *run) execute(ctx context.Context, workers int) (int, error) {
	blocks := (r.n + blockSize - 1) / blockSize
	workers = max(1, min(workers, blocks))
	stop := make(chan struct{})
	tokens := make(chan struct{}, 2*workers) // bounds how far workers run ahead of the merge
	jobs := make(chan int)
	results := make(chan *blockOut)
	free := make(chan *blockOut, 3*workers)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		for b := range blocks {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- b:
			case <-stop:
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			w := newWorker(r)
			for b := range jobs {
				var out *blockOut
				select {
				case out = <-free:
				default:
					out = &blockOut{crit: make([]int32, len(r.crit)), starts: make([]int64, len(r.starts))}
				}
				out.index, out.err = b, w.safeBlock(b, out)
				select {
				case results <- out:
				case <-stop:
					return
				}
			}
		})
	}
	defer wg.Wait()
	defer close(stop)

	pending := map[int]*blockOut{}
	merged, check := 0, firstCheck
	for merged < blocks {
		select {
		case <-ctx.Done():
			return 0, &StoppedError{Done: min(r.n, merged*blockSize), Iterations: r.n, Err: ctx.Err()}
		case out := <-results:
			pending[out.index] = out
		}
		for out := pending[merged]; out != nil; out = pending[merged] {
			if out.err != nil {
				return 0, out.err
			}
			delete(pending, merged)
			for k, c := range out.crit {
				r.crit[k] += int64(c)
			}
			for k, v := range out.starts {
				r.starts[k] += v
			}
			select {
			case free <- out:
			default:
			}
			<-tokens
			merged++
			done := min(r.n, merged*blockSize)
			if r.opts.Progress != nil {
				r.opts.Progress(done, r.n)
			}
			if merged < blocks && merged == check {
				check = max(check+1, check*5/4)
				if r.narrow(done) {
					return done, nil
				}
			}
		}
	}
	return r.n, nil
}

// narrow reports whether the first done iterations pin the project
// finish's percentile within the tolerance.
func (r *run) narrow(done int) bool {
	if r.opts.Tolerance <= 0 {
		return false
	}
	f := r.finish(-1, r.length[:done])
	est := f.Percentile(cmp.Or(r.opts.Percentile, 80))
	return est.High-est.Low < r.opts.Tolerance
}
