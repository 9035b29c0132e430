package risk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// benchModel is a random project of n tasks with every link type and
// lags, and a model a risk analyst might write for it: a BetaPERT range on
// every task (−20 % to +60 %), one risk event per 50 tasks hitting three
// tasks each, and a rank correlation of 0.5 between ten pairs.
func benchModel(n int) (*schedule.Project, *Model) {
	p := randnet.Project(randnet.Config{Tasks: n, LinkTypes: true, Seed: 1})
	rng := rand.New(rand.NewPCG(1, 2))
	m := &Model{}
	for _, t := range p.Tasks {
		if t.Duration.IsZero() {
			continue
		}
		d := t.Duration.Amount
		if t.Duration.Unit == schedule.Hour {
			d /= 8
		}
		m.Durations = append(m.Durations, Uncertainty{Task: t.ID, Dist: must(PERT(0.8*d, d, 1.6*d))})
	}
	for k := range n / 50 {
		var hit []string
		for _, i := range rng.Perm(len(m.Durations))[:3] {
			hit = append(hit, m.Durations[i].Task)
		}
		m.Risks = append(m.Risks, Event{ID: fmt.Sprint("R", k), Probability: 0.1 + 0.3*rng.Float64(), Impact: must(Triangle(1, 3, 8)), Tasks: hit})
	}
	for k := range 10 {
		m.Correlations = append(m.Correlations, Correlation{m.Durations[2*k].Task, m.Durations[2*k+1].Task, 0.5})
	}
	return p, m
}

// BenchmarkSimulate reports iterations per second with the task
// statistics (criticality, sensitivity, …) on: of the simulation itself
// on one worker and on two, interleaved in each loop, with the speed-up;
// and of the whole call on two workers (compiling the model and working
// out the statistics too). Beside the speed-up it reports what the
// machine gave in the same loop to work that needs no coordination at
// all (reference: one goroutine and two sharing the same arithmetic): on
// a shared machine a second core is not always there, and a speed-up
// means something only beside that one.
func BenchmarkSimulate(b *testing.B) {
	const iterations = 4000
	for _, n := range []int{1000, 3614} {
		p, m := benchModel(n)
		s, err := compile(p, m, false)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			var one, two, whole, refOne, refTwo time.Duration
			for b.Loop() {
				for _, workers := range []int{1, 2} {
					r := newRun(s, iterations, Options{Tasks: true, Seed: 1})
					t0 := time.Now()
					if _, err := r.execute(context.Background(), workers); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					spin(workers)
					if workers == 1 {
						one, refOne = one+t1.Sub(t0), refOne+time.Since(t1)
					} else {
						two, refTwo = two+t1.Sub(t0), refTwo+time.Since(t1)
					}
				}
				t0 := time.Now()
				if _, err := Simulate(context.Background(), p, m, Options{Iterations: iterations, Seed: 1, Workers: 2, Tasks: true}); err != nil {
					b.Fatal(err)
				}
				whole += time.Since(t0)
			}
			its := float64(iterations * b.N)
			b.ReportMetric(its/one.Seconds(), "iter/s-1-worker")
			b.ReportMetric(its/two.Seconds(), "iter/s-2-workers")
			b.ReportMetric(float64(one)/float64(two), "speedup")
			b.ReportMetric(float64(refOne)/float64(refTwo), "speedup-reference")
			b.ReportMetric(its/whole.Seconds(), "iter/s-whole-call")
		})
	}
}

// spin shares a fixed amount of arithmetic among workers goroutines:
// work that speeds up with the cores the machine gives, and nothing else.
func spin(workers int) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			x := uint64(1)
			for i := range uint64(200_000_000 / workers) {
				x += i ^ x>>3
			}
			spinSink.Add(x)
		})
	}
	wg.Wait()
}

var spinSink atomic.Uint64

// BenchmarkIteration times one block of iterations on one worker:
// sampled (uniforms, quantiles, correlation, risk events, then the
// schedule pass and the statistics) against the same pass and statistics
// with the durations sampled beforehand, the two interleaved in each loop
// so that the machine's drift hits both alike. It reports each per
// iteration and their ratio; both allocate nothing.
func BenchmarkIteration(b *testing.B) {
	for _, n := range []int{1000, 3614} {
		p, m := benchModel(n)
		s, err := compile(p, m, false)
		if err != nil {
			b.Fatal(err)
		}
		r := newRun(s, blockSize, Options{Tasks: true, Seed: 1})
		w := newWorker(r)
		out := &blockOut{crit: make([]int32, len(r.crit)), starts: make([]int64, len(r.starts))}
		if err := w.block(0, out); err != nil {
			b.Fatal(err)
		}
		pre := make([]int32, len(r.durs)) // the durations block 0 sampled, task by task
		for k, d := range r.durs {
			pre[k] = int32(d)
		}
		presampled := func() {
			clear(out.crit)
			clear(out.starts)
			if w.fast != nil {
				clear(w.fast.crit)
			}
			_ = w.schedule(pre, blockSize, 0, blockSize, out)
		}
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var sampled, given time.Duration
			for b.Loop() {
				t0 := time.Now()
				_ = w.block(0, out)
				t1 := time.Now()
				presampled()
				sampled, given = sampled+t1.Sub(t0), given+time.Since(t1)
			}
			per := float64(b.N * blockSize)
			b.ReportMetric(float64(sampled.Nanoseconds())/per, "ns/sampled-iter")
			b.ReportMetric(float64(given.Nanoseconds())/per, "ns/presampled-iter")
			b.ReportMetric(float64(sampled)/float64(given), "sampled/presampled")
		})
	}
}
