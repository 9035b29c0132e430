package risk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

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

// BenchmarkSimulate reports iterations per second of whole runs with the
// task statistics (criticality, sensitivity, …) on, on one and two
// workers.
func BenchmarkSimulate(b *testing.B) {
	for _, n := range []int{1000, 3614} {
		p, m := benchModel(n)
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("tasks=%d/workers=%d", n, workers), func(b *testing.B) {
				const iterations = 2000
				for b.Loop() {
					if _, err := Simulate(context.Background(), p, m, Options{Iterations: iterations, Seed: 1, Workers: workers, Tasks: true}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(iterations*b.N)/b.Elapsed().Seconds(), "iter/s")
			})
		}
	}
}

// BenchmarkIteration times one block of iterations on one worker, per
// iteration: sampled (uniforms, quantiles, correlation, risk events, then
// the schedule pass and the statistics) against the same pass and
// statistics with the durations sampled beforehand. Both allocate nothing.
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
		b.Run(fmt.Sprintf("tasks=%d/sampled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w.block(0, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*blockSize), "ns/iter")
		})
		pre := make([][]int64, blockSize) // the durations block 0 sampled
		w.block(0, out)
		for it := range blockSize {
			pre[it] = make([]int64, len(s.vary))
			for k := range s.vary {
				pre[it][k] = int64(r.durs[it*len(s.vary)+k])
			}
		}
		b.Run(fmt.Sprintf("tasks=%d/presampled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clear(out.crit)
				clear(out.starts)
				for it := range blockSize {
					row := r.durs[it*len(s.vary) : (it+1)*len(s.vary)]
					for k, i := range s.vary {
						_ = w.res.SetDuration(i, pre[it][k])
						row[k] = float32(pre[it][k])
					}
					w.res.Run()
					w.record(it, out)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*blockSize), "ns/iter")
		})
	}
}
