package risk

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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

// worker is one goroutine's scratch: its own Result to schedule, random
// streams, and the block's samples. Nothing in it is allocated per
// iteration.
type worker struct {
	r    *run
	s    *sim
	res  *schedule.Result
	pcg  rand.PCG // the iteration's stream
	bpcg rand.PCG // the block's stream: strata and score permutations
	brng *rand.Rand

	x, hit []float64 // a tile's uncertainties' values and events' impacts (see sampleTile)
	u      []float64 // a tile's uniforms, in the order drawn
	bad    []bool    // a tile's iterations with a sample that is not a number
	dur    []int32   // the block's sampled durations, task by task (blockSize each, in s.vary's order)
	fast   *passes   // the fast path's scratch, when s.fast is set
	xc     []float64 // the block's correlated values, iteration by iteration
	perm   []int32   // with Latin hypercube sampling: each variable's strata, block by block

	vdw                       []float64 // normal scores for a full block
	icS, icE, icF, icInv, icM []float64
	icOut, icVals, vdwScratch []float64
	icOrder                   []int32
}

func newWorker(r *run) *worker {
	s := r.s
	w := &worker{r: r, s: s, res: s.net.NewResult()}
	w.brng = rand.New(&w.bpcg)
	w.x = make([]float64, tile*len(s.unc))
	w.hit = make([]float64, tile*len(s.events))
	w.u = make([]float64, tile*s.uniforms())
	w.bad = make([]bool, tile)
	w.dur = make([]int32, blockSize*len(s.vary))
	if s.fast != nil {
		w.fast = newPasses(s.fast)
	}
	if r.opts.LatinHypercube {
		w.perm = make([]int32, blockSize*s.uniforms())
	}
	w.xc = make([]float64, blockSize*len(s.corr))
	if k := len(s.corr); k > 0 {
		w.icS, w.icOut = make([]float64, blockSize*k), make([]float64, blockSize*k)
		w.icE, w.icF, w.icInv, w.icM = make([]float64, k*k), make([]float64, k*k), make([]float64, k*k), make([]float64, k*k)
		w.icVals, w.icOrder = make([]float64, blockSize), make([]int32, blockSize)
		w.vdw, w.vdwScratch = normalScores(blockSize), make([]float64, blockSize)
	}
	return w
}

// scores returns the van der Waerden normal scores Φ⁻¹(i/(n+1)) for a
// block of n.
func (w *worker) scores(n int) []float64 {
	if n == blockSize {
		return w.vdw
	}
	copy(w.vdwScratch, normalScores(n))
	return w.vdwScratch[:n]
}

func normalScores(n int) []float64 {
	out := make([]float64, n)
	for i := range n {
		out[i] = stdNormal.Quantile(float64(i+1) / float64(n+1))
	}
	return out
}

// mix is SplitMix64's finalizer: it spreads seeds that differ in a bit.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform is a draw from the open interval (0, 1).
func uniform(src *rand.PCG) float64 { return (float64(src.Uint64()>>11) + 0.5) * 0x1p-53 }

// safeBlock runs block b, turning a panic (from a Distribution supplied
// by the caller, say) into an error.
func (w *worker) safeBlock(b int, out *blockOut) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("risk: block %d panicked: %v", b, p)
		}
	}()
	return w.block(b, out)
}

// block samples and schedules the iterations of block b, writing what each
// iteration gives at its index and the block's counts to out.
//
// Each iteration's stream gives, in order, a uniform for each correlated
// uncertainty (s.corr), for each other uncertainty (s.free), and two for
// each event (whether it happens, its impact). The correlated values of
// the whole block are drawn first and reordered together; the rest are
// drawn iteration by iteration, the stream seeded again, so that a block
// never holds more than its correlated values.
func (w *worker) block(b int, out *blockOut) error {
	r, s := w.r, w.s
	first := b * blockSize
	n := min(blockSize, r.n-first)
	kc := len(s.corr)
	w.bpcg.Seed(mix(r.seed^0xb10c), mix(uint64(b)))
	lhs := r.opts.LatinHypercube
	if lhs { // a random stratum of the block for each variable and iteration
		kk := s.uniforms()
		for j := range kk {
			perm := w.perm[j*blockSize : j*blockSize+n]
			for i := range perm {
				perm[i] = int32(i)
			}
			w.brng.Shuffle(n, func(a, c int) { perm[a], perm[c] = perm[c], perm[a] })
		}
	}
	// draw is variable j's uniform for iteration i of the block.
	draw := func(i, j int) float64 {
		u := uniform(&w.pcg)
		if lhs {
			u = (float64(w.perm[j*blockSize+i]) + u) / float64(n)
		}
		return u
	}
	xc := w.xc[:n*kc]
	if kc > 0 {
		for i := range n {
			w.seedIteration(first + i)
			for c, u := range s.corr {
				xc[i*kc+c] = s.unc[u].quantile(draw(i, c))
			}
		}
		w.imanConover(xc, n, w.brng)
	}
	for t0 := 0; t0 < n; t0 += tile {
		if err := w.sampleTile(first, n, t0, min(tile, n-t0), xc); err != nil {
			return err
		}
	}
	if r.tasks { // the durations for the statistics, task by task
		for k := range s.vary {
			col := r.durs[k*r.n+first : k*r.n+first+n]
			src := w.dur[k*blockSize : k*blockSize+n]
			for i, d := range src {
				col[i] = float32(d)
			}
		}
	}
	clear(out.crit)
	clear(out.starts)
	if w.fast != nil {
		w.fastBlock(first, n, out)
		return nil
	}
	for i := range n {
		for k, t := range s.vary {
			if err := w.res.SetDuration(t, int64(w.dur[k*blockSize+i])); err != nil {
				return err
			}
		}
		w.res.Run()
		w.record(first+i, out)
	}
	return nil
}

// tile is how many iterations are sampled together: each uncertainty is
// worked out for all of them in one loop, its parameters loaded once.
const tile = 32

// sampleTile samples iterations t0 … t0+tn−1 of the block of n from
// first, whose correlated values xc are worked out already, and sets
// their durations in w.dur. Each iteration's uniforms are drawn from its
// own stream, in order, iteration by iteration; then each free
// uncertainty is sampled for every iteration of the tile in one loop
// (its duration, when it alone sets one, rounded as it goes), then each
// event, then the durations of the other tasks, iteration by iteration.
// A sample that is not a number is an error naming the first task in
// error of the first iteration that has one.
func (w *worker) sampleTile(first, n, t0, tn int, xc []float64) error {
	s := w.s
	kc, nu, ne := len(s.corr), s.uniforms(), len(s.events)
	us := w.u[:tn*nu] // iteration i's j-th uniform at us[i*nu+j]
	for i := range tn {
		w.seedIteration(first + t0 + i)
		pcg := w.pcg // the stream's state in registers while it is drawn (uniform, inline)
		row := us[i*nu : (i+1)*nu]
		for j := range row {
			row[j] = (float64(pcg.Uint64()>>11) + 0.5) * 0x1p-53
		}
	}
	if w.r.opts.LatinHypercube { // each uniform into its stratum, as draw does
		for i := range tn {
			for j := kc; j < nu; j++ { // (the correlated ones were drawn, and stratified, for the block)
				us[i*nu+j] = (float64(w.perm[j*blockSize+t0+i]) + us[i*nu+j]) / float64(n)
			}
		}
	}
	xs := w.x // uncertainty u's value in iteration i at xs[u*tile+i]
	for c, u := range s.corr {
		for i := range tn {
			xs[int(u)*tile+i] = xc[(t0+i)*kc+c]
		}
	}
	bad := w.bad[:tn] // a direct sample that is not a number: durations names the task
	clear(bad)
	for f, u := range s.free {
		un := &s.unc[u]
		j := kc + f
		x := xs[int(u)*tile : int(u)*tile+tn]
		if t := un.tri; t != nil { // triangle.quantile, inline: p is inside (0, 1)
			a, b, mode, ba, ca, bc := t.a, t.b, t.f, t.ba, t.ca, t.bc
			for i := range x {
				p := us[i*nu+j]
				below := math.Float64bits(p * ba * ca)
				above := math.Float64bits((1 - p) * ba * bc)
				v, base, sign := above, math.Float64bits(b), uint64(1)<<63
				if p < mode {
					v, base, sign = below, math.Float64bits(a), 0
				}
				r := math.Float64bits(math.Sqrt(math.Float64frombits(v)))
				x[i] = math.Float64frombits(base) + math.Float64frombits(r^sign)
			}
		} else {
			for i := range x {
				x[i] = un.quantile(us[i*nu+j])
			}
		}
		if k := un.direct; k >= 0 { // as durations would: the sample in minutes, rounded
			per := s.perUnit[k]
			d := w.dur[int(k)*blockSize+t0 : int(k)*blockSize+t0+tn]
			for i, v := range x {
				m := v * per
				if !(math.Abs(m) <= math.MaxFloat64) { // not a number, or infinite
					bad[i] = true
				}
				d[i] = minutes(m)
			}
		}
	}
	hits := w.hit[:tn*ne] // event h's impact in iteration i at hits[i*ne+h], NaN when it did not happen
	for h := range s.events {
		e := &s.events[h]
		j := kc + len(s.free) + 2*h
		for i := range tn {
			hits[i*ne+h] = math.NaN()
			if us[i*nu+j] < e.prob {
				hits[i*ne+h] = e.impact.Quantile(us[i*nu+j+1])
			}
		}
	}
	for i := range tn {
		if err := s.durations(xs, tile, i, hits[i*ne:(i+1)*ne], w.dur, t0+i, blockSize, !bad[i]); err != nil {
			return err
		}
	}
	return nil
}

// fastBlock schedules the n iterations of a block from first on the fast
// path, a chunk at a time, and records what they give.
func (w *worker) fastBlock(first, n int, out *blockOut) {
	r, f, p := w.r, w.s.fast, w.fast
	clear(p.crit)
	for i0 := 0; i0 < n; i0 += chunk {
		c := min(chunk, n-i0)
		p.forward(w.dur, blockSize, i0, c)
		copy(r.length[first+i0:first+i0+c], p.pf[:c])
		for k, v := range f.milestones { // a milestone's finish is its early finish
			copy(r.milestones[k][first+i0:first+i0+c], p.ef[int(v)*chunk:int(v)*chunk+c])
		}
		if !r.tasks {
			continue
		}
		p.backward(c)
		for k, v := range f.merges {
			var sum int64
			for _, st := range p.es[int(v)*chunk : int(v)*chunk+c] {
				sum += st
			}
			out.starts[k] += sum
		}
	}
	if r.tasks {
		for k, v := range f.leaves {
			out.crit[k] = p.crit[v]
		}
	}
}

// seedIteration starts iteration it's own stream, made from the seed and
// the iteration's number.
func (w *worker) seedIteration(it int) {
	u := uint64(it)
	w.pcg.Seed(mix(w.r.seed^mix(u)), mix(u^0x5851f42d4c957f2d))
}

// record keeps what iteration it scheduled.
func (w *worker) record(it int, out *blockOut) {
	r, s, res := w.r, w.s, w.res
	r.length[it] = res.Length()
	for k, i := range s.milestones {
		_, f := res.Span(i)
		r.milestones[k][it] = f
	}
	if !r.tasks {
		return
	}
	for k, i := range s.leaves {
		if res.Critical(i) {
			out.crit[k]++
		}
	}
	for k, i := range s.merges {
		st, _ := res.Span(i)
		out.starts[k] += st
	}
}
