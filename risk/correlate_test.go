package risk

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// parallel returns n independent 10-day tasks.
func parallel(n int) *schedule.Project {
	p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	for i := range n {
		p.Tasks = append(p.Tasks, schedule.Task{ID: fmt.Sprintf("T%d", i+1), Duration: schedule.Days(10)})
	}
	return p
}

// sampled runs m on p and returns the run, holding every iteration's
// durations.
func sampled(t *testing.T, p *schedule.Project, m *Model, opts Options) *run {
	t.Helper()
	s, err := compile(p, m, false)
	if err != nil {
		t.Fatal(err)
	}
	opts.Tasks = true
	r := newRun(s, opts.Iterations, opts)
	if _, err := r.execute(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	return r
}

func spearman(a, b []float32) float64 {
	x, y := make([]float64, len(a)), make([]float64, len(b))
	for k := range a {
		x[k], y[k] = float64(a[k]), float64(b[k])
	}
	return pearson32(rankOf(x), rankOf(y))
}

// Iman–Conover reaches the rank correlations asked for, within ±0.01 at
// 10⁴ iterations, and only reorders: every task's sampled durations are,
// as a multiset, those of the run without correlation.
func TestRankCorrelation(t *testing.T) {
	p := parallel(4)
	dists := []Distribution{must(PERT(5, 10, 30)), must(Triangle(8, 10, 12)), must(LogNormal(10, 4)), must(Uniform(5, 15))}
	m := &Model{}
	for k, d := range dists {
		m.Durations = append(m.Durations, Uncertainty{Task: p.Tasks[k].ID, Dist: d})
	}
	free := sampled(t, p, m, Options{Iterations: 10_000, Seed: 11})
	m.Correlations = []Correlation{{"T1", "T2", 0.8}, {"T1", "T3", -0.4}, {"T2", "T3", -0.3}, {"T3", "T4", 0.5}}
	for _, lhs := range []bool{false, true} {
		r := sampled(t, p, m, Options{Iterations: 10_000, Seed: 11, LatinHypercube: lhs})
		if r.s.repair != nil {
			t.Fatalf("repaired a valid matrix: %+v", r.s.repair)
		}
		pairs := map[[2]int]float64{{0, 1}: 0.8, {0, 2}: -0.4, {1, 2}: -0.3, {2, 3}: 0.5, {0, 3}: 0, {1, 3}: 0}
		for pr, want := range pairs {
			if got := spearman(r.column(pr[0], r.n), r.column(pr[1], r.n)); math.Abs(got-want) > 0.01 {
				t.Errorf("lhs %v: T%d–T%d rank correlation %.4f, want %.2f", lhs, pr[0]+1, pr[1]+1, got, want)
			}
		}
		if lhs {
			continue
		}
		for k := range dists {
			a, b := free.column(k, free.n), r.column(k, r.n)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Errorf("T%d: the correlated durations are not the uncorrelated ones reordered", k+1)
			}
		}
	}
}

// A matrix no durations could have is repaired to the nearest valid one,
// and the repair is reported.
func TestCorrelationRepair(t *testing.T) {
	p := parallel(3)
	m := &Model{}
	for _, task := range p.Tasks {
		m.Durations = append(m.Durations, Uncertainty{Task: task.ID, Dist: must(Uniform(5, 15))})
	}
	m.Correlations = []Correlation{{"T1", "T2", 0.9}, {"T2", "T3", 0.9}, {"T1", "T3", -0.9}}
	r := sampled(t, p, m, Options{Iterations: 5000, Seed: 1})
	rep := r.s.repair
	if rep == nil || len(rep.Pairs) != 3 || rep.MaxChange < 0.1 {
		t.Fatalf("repair %+v, want all three pairs changed", rep)
	}
	for _, pr := range rep.Pairs {
		if math.Abs(pr.Used) >= math.Abs(pr.Given) {
			t.Errorf("%s–%s: used %.3f for %.3f; the repair should pull it in", pr.A, pr.B, pr.Used, pr.Given)
		}
		a, _ := r.s.net.Index(pr.A)
		b, _ := r.s.net.Index(pr.B)
		if got := spearman(r.column(a, r.n), r.column(b, r.n)); math.Abs(got-pr.Used) > 0.02 {
			t.Errorf("%s–%s: achieved %.3f, repaired target %.3f", pr.A, pr.B, got, pr.Used)
		}
	}
	// The repaired matrix is what Higham's method gives: the nearest,
	// by symmetry ±0.9 pulled to a common magnitude.
	if u := rep.Pairs; math.Abs(math.Abs(u[0].Used)-math.Abs(u[1].Used)) > 1e-6 || math.Abs(math.Abs(u[1].Used)-math.Abs(u[2].Used)) > 1e-6 {
		t.Errorf("repaired pairs %+v, want equal magnitudes", u)
	}
}

// Latin hypercube sampling puts one sample in each of a block's strata.
func TestLatinHypercube(t *testing.T) {
	p := parallel(1)
	m := &Model{Durations: []Uncertainty{{Task: "T1", Dist: must(Uniform(0, 500))}}}
	r := sampled(t, p, m, Options{Iterations: 2 * blockSize, Seed: 5, LatinHypercube: true})
	for b := range 2 {
		block := r.column(0, r.n)[b*blockSize : (b+1)*blockSize]
		slices.Sort(block)
		for k, d := range block { // stratum k is [k, k+1) days: [480k, 480(k+1)) minutes
			if d < float32(480*k) || d > float32(480*(k+1)) {
				t.Fatalf("block %d: sample %d is %v minutes, outside its stratum", b, k, d)
			}
		}
	}
}

// One iteration allocates nothing, with risks, correlation and Latin
// hypercube sampling on.
func TestNoAllocations(t *testing.T) {
	p := parallel(6)
	p.Links = []schedule.Link{{Pred: "T1", Succ: "T2"}, {Pred: "T3", Succ: "T2", Type: schedule.SS}}
	m := &Model{Risks: []Event{{Probability: 0.5, Impact: must(Triangle(1, 2, 4)), Tasks: []string{"T1", "T5"}}}}
	for _, task := range p.Tasks[:4] {
		m.Durations = append(m.Durations, Uncertainty{Task: task.ID, Dist: must(PERT(5, 10, 20))})
	}
	m.Correlations = []Correlation{{"T1", "T2", 0.5}, {"T3", "T4", -0.2}}
	s, err := compile(p, m, false)
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(s, blockSize, Options{Tasks: true, LatinHypercube: true})
	w := newWorker(r)
	out := &blockOut{crit: make([]int32, len(r.crit)), starts: make([]int64, len(r.starts))}
	if allocs := testing.AllocsPerRun(5, func() { _ = w.block(0, out) }); allocs != 0 {
		t.Errorf("%v allocations per block of %d iterations, want 0", allocs, blockSize)
	}
}

// Ranks of whole minutes (the fast path) and of any values agree.
func TestRanks(t *testing.T) {
	xs := []float64{5, 3, 5, 1, 9, 3, 3, 1e9, 0}
	want := []float32{6.5, 4, 6.5, 2, 8, 4, 4, 9, 1}
	if got := rankOf(xs); !slices.Equal(got, want) {
		t.Errorf("ranks %v, want %v", got, want)
	}
	if got := rankSlow(xs); !slices.Equal(got, want) {
		t.Errorf("slow ranks %v, want %v", got, want)
	}
	if got := rankOf([]float64{0.5, 0.25, 0.5}); !slices.Equal(got, []float32{2.5, 1, 2.5}) {
		t.Errorf("fractional ranks %v", got)
	}
}
