package risk

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

var stdNormal = distuv.Normal{Mu: 0, Sigma: 1}

// Analysis is what a simulation found. Days are working days on the
// project calendar (Settings.MinutesPerDay minutes each) counted from the
// project start; dates are the moments they fall on.
type Analysis struct {
	// Iterations is how many iterations the statistics hold: those asked
	// for, or fewer when the tolerance stopped the run.
	Iterations int
	// Project is the distribution of the project finish; Milestones
	// those of the milestones, in task order.
	Project    *Finish
	Milestones []*Finish
	// Score is the project's risk score: the percentage of iterations
	// finishing later than the deterministic schedule, 0–100.
	Score float64
	// Tasks holds every unfinished non-summary task's statistics, in task
	// order, when Options.Tasks is set; HighRisk those whose Score is 0.1 or
	// more, highest first (at most ten).
	Tasks    []TaskRisk
	HighRisk []TaskRisk
	// Contingency is, for the project and then each milestone, the time
	// to hold back to finish by the chosen percentile.
	Contingency []Contingency
	// Repair, when not nil, says how the correlation matrix was repaired.
	Repair *Repair
}

// TaskRisk is one task's statistics.
type TaskRisk struct {
	Task string
	// Criticality is the share of iterations in which the task was
	// critical, 0–1.
	Criticality float64
	// Sensitivity is the Spearman rank correlation between the task's
	// sampled duration and the project finish (the tornado chart's bar);
	// Cruciality the absolute Pearson correlation between them (Williams
	// 1992). Both are 0 for a task whose duration never varies.
	Sensitivity, Cruciality float64
	// SSI is the schedule sensitivity index: Criticality × σ(task
	// duration) / σ(project finish).
	SSI float64
	// Score is the task's risk score: Criticality × |Sensitivity|, 0–1 —
	// how often it drives the finish times how much its variation moves
	// the finish.
	Score float64
	// MeanDuration and StdDev are the sampled duration's, in days.
	MeanDuration, StdDev float64
	// MergeBias, for a task with two or more predecessors, is its mean
	// start less its deterministic start, in days: the delay that
	// parallel paths merging add on average. Merge is false elsewhere.
	Merge     bool
	MergeBias float64
}

// Contingency is the time to hold back for one finish.
type Contingency struct {
	Task string // "" for the project
	// Percentile is the confidence aimed at; Date the finish at it;
	// Days the contingency: that finish less the deterministic one.
	Percentile float64
	Date       time.Time
	Days       float64
	// Drivers are the tasks whose durations move this finish most: the
	// highest rank correlations with it, among the tasks that precede it
	// (at most five, each at 0.05 or more), with Options.Tasks.
	Drivers []Driver
}

// Driver is a task driving a contingency, with its rank correlation.
type Driver struct {
	Task        string  `json:"task"`
	Sensitivity float64 `json:"sensitivity"`
}

// Finish is the distribution of one finish over the iterations.
type Finish struct {
	Task string // "" for the project
	// Deterministic is the finish of the schedule without uncertainty,
	// in days, and DeterministicDate its date.
	Deterministic     float64
	DeterministicDate time.Time
	Mean, StdDev      float64 // days

	days []float64 // the iterations' finishes, sorted
	date func(days float64) time.Time
}

// Estimate is a percentile of a finish with its 95 % confidence interval,
// distribution-free (from the order statistics).
type Estimate struct {
	Percentile      float64
	Days, Low, High float64
	Date            time.Time
}

// Percentile returns the finish by which pct percent (0–100) of the
// iterations finished, with its confidence interval.
func (f *Finish) Percentile(pct float64) Estimate {
	n := len(f.days)
	if pct != pct { // NaN
		nan := math.NaN()
		return Estimate{Percentile: pct, Days: nan, Low: nan, High: nan}
	}
	p := min(1, max(0, pct/100))
	at := func(k float64) float64 { return f.days[int(min(float64(n-1), max(0, k)))] }
	// The p-quantile is the ⌈np⌉-th order statistic; the number of
	// samples below the true quantile is Binomial(n, p), so ±1.96 of its
	// standard deviation gives the interval's order statistics, the
	// ⌊np − h⌋-th and the ⌈np + h⌉-th (indices from 0 here, so one less).
	k := math.Ceil(float64(n)*p) - 1
	half := 1.96 * math.Sqrt(float64(n)*p*(1-p))
	e := Estimate{Percentile: pct, Days: at(k), Low: at(math.Floor(float64(n)*p-half) - 1), High: at(math.Ceil(float64(n)*p+half) - 1)}
	e.Date = f.date(e.Days)
	return e
}

// Probability returns the share of iterations finishing within days.
func (f *Finish) Probability(days float64) float64 {
	k, _ := slices.BinarySearch(f.days, math.Nextafter(days, math.Inf(1)))
	return float64(k) / float64(len(f.days))
}

// Samples returns the iterations' finishes in days, sorted. The slice is
// the Finish's own; do not change it.
func (f *Finish) Samples() []float64 { return f.days }

// Bin is one bar of a histogram: the iterations finishing in [From, To)
// days (the last bin includes To).
type Bin struct {
	From, To    float64
	Count       int
	Probability float64
}

// Histogram returns the finishes in bins of equal width from the earliest
// to the latest (one bin when they are all equal).
func (f *Finish) Histogram(bins int) []Bin {
	bins = max(1, bins)
	lo, hi := f.days[0], f.days[len(f.days)-1]
	if hi == lo {
		return []Bin{{From: lo, To: hi, Count: len(f.days), Probability: 1}}
	}
	width := (hi - lo) / float64(bins)
	out := make([]Bin, bins)
	for b := range out {
		out[b].From, out[b].To = lo+float64(b)*width, lo+float64(b+1)*width
	}
	out[bins-1].To = hi
	for _, d := range f.days {
		b := min(bins-1, int((d-lo)/width))
		out[b].Count++
	}
	for b := range out {
		out[b].Probability = float64(out[b].Count) / float64(len(f.days))
	}
	return out
}

// Point is a point of an S-curve: the share of iterations finishing by
// Days.
type Point struct {
	Days        float64
	Date        time.Time
	Probability float64
}

// SCurve returns the cumulative distribution at every percentile 0, 1, …,
// 100 (0 is the earliest finish seen).
func (f *Finish) SCurve() []Point {
	out := make([]Point, 0, 101)
	for pct := range 101 {
		d := f.days[0]
		if pct > 0 {
			d = f.Percentile(float64(pct)).Days
		}
		out = append(out, Point{Days: d, Date: f.date(d), Probability: f.Probability(d)})
	}
	return out
}

// finish summarises one finish's samples (project minutes); task −1 is
// the project.
func (r *run) finish(task int, minutes []int64) *Finish {
	s := r.s
	day := float64(s.net.Settings().MinutesPerDay)
	f := &Finish{days: make([]float64, len(minutes))}
	f.date = func(d float64) time.Time { return s.det.At(int64(math.Round(d * day))) }
	var det int64
	if task < 0 {
		det = s.det.Length()
	} else {
		f.Task = s.net.ID(task)
		_, det = s.det.Span(task)
	}
	f.Deterministic = float64(det) / day
	f.DeterministicDate = f.date(f.Deterministic)
	var sum float64
	for k, m := range minutes {
		f.days[k] = float64(m) / day
		sum += f.days[k]
	}
	f.Mean = sum / float64(len(minutes))
	var ss float64
	for _, d := range f.days {
		ss += (d - f.Mean) * (d - f.Mean)
	}
	if len(minutes) > 1 {
		f.StdDev = math.Sqrt(ss / float64(len(minutes)-1))
	}
	slices.Sort(f.days)
	return f
}

// analyse turns the first n iterations into the Analysis.
func (r *run) analyse(n int, pct float64) *Analysis {
	s := r.s
	a := &Analysis{Iterations: n, Repair: s.repair}
	a.Project = r.finish(-1, r.length[:n])
	for k, i := range s.milestones {
		a.Milestones = append(a.Milestones, r.finish(i, r.milestones[k][:n]))
	}
	a.Score = 100 * (1 - a.Project.Probability(a.Project.Deterministic))
	var ranks map[int][]float32 // varying task → its durations' ranks, for the milestones' drivers
	var stats map[int]*TaskRisk
	if r.tasks {
		a.Tasks, stats, ranks = r.taskStats(n)
		for _, t := range a.Tasks {
			if t.Score >= 0.1 {
				a.HighRisk = append(a.HighRisk, t)
			}
		}
		slices.SortStableFunc(a.HighRisk, func(x, y TaskRisk) int { return cmp.Compare(y.Score, x.Score) })
		a.HighRisk = a.HighRisk[:min(10, len(a.HighRisk))]
	}
	add := func(f *Finish, task int, samples []int64) {
		e := f.Percentile(pct)
		c := Contingency{Task: f.Task, Percentile: pct, Date: e.Date, Days: e.Days - f.Deterministic}
		if r.tasks {
			c.Drivers = r.drivers(task, samples[:n], stats, ranks)
		}
		a.Contingency = append(a.Contingency, c)
	}
	add(a.Project, -1, r.length)
	for k, i := range s.milestones {
		add(a.Milestones[k], i, r.milestones[k])
	}
	return a
}

// taskStats works out every leaf's statistics, and returns them by task
// and (when there are milestones, whose drivers need them) the varying
// tasks' duration ranks.
func (r *run) taskStats(n int) ([]TaskRisk, map[int]*TaskRisk, map[int][]float32) {
	s := r.s
	day := float64(s.net.Settings().MinutesPerDay)
	length := make([]float64, n)
	for k, m := range r.length[:n] {
		length[k] = float64(m)
	}
	target := newTarget(length)
	stats := make(map[int]*TaskRisk, len(s.leaves))
	out := make([]TaskRisk, len(s.leaves))
	for k, i := range s.leaves {
		out[k] = TaskRisk{Task: s.net.ID(i), Criticality: float64(r.crit[k]) / float64(n)}
		d := float64(s.det.Duration(i)) / day
		out[k].MeanDuration = d
		stats[i] = &out[k]
	}
	for k, i := range s.merges {
		st, _ := s.det.Span(i)
		t := stats[i]
		t.Merge = true
		t.MergeBias = (float64(r.starts[k])/float64(n) - float64(st)) / day
	}
	var ranks map[int][]float32
	keep := len(s.milestones) > 0
	if keep {
		ranks = make(map[int][]float32, len(s.vary))
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	workers := max(1, min(cmp.Or(r.opts.Workers, runtime.GOMAXPROCS(0)), len(s.vary)))
	for w := range workers {
		wg.Go(func() {
			var scratch rankScratch
			for k := w; k < len(s.vary); k += workers { // each task is worked out alone: the split changes nothing
				i := s.vary[k]
				var rk []float32
				if keep {
					rk = make([]float32, n)
				}
				mean, sd, pearson, spearman := scratch.column(r.column(k, n), target, rk)
				t := stats[i] // each task's own: no lock
				t.MeanDuration, t.StdDev = mean/day, sd/day
				if sd > 0 && target.sd > 0 {
					t.Cruciality = math.Abs(pearson)
					t.Sensitivity = spearman
					t.SSI = t.Criticality * sd / target.sd
				}
				t.Score = t.Criticality * math.Abs(t.Sensitivity)
				if keep {
					mu.Lock()
					ranks[i] = rk
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return out, stats, ranks
}

// drivers ranks the varying tasks preceding a finish (task −1: the
// project, which every task precedes) by their rank correlation with it:
// for the project, each task's Sensitivity.
func (r *run) drivers(task int, samples []int64, stats map[int]*TaskRisk, ranks map[int][]float32) []Driver {
	s := r.s
	var target []float32
	var before map[int]bool
	if task >= 0 {
		xs := make([]float64, len(samples))
		for k, m := range samples {
			xs[k] = float64(m)
		}
		target = rankOf(xs)
		before = s.predecessors(task)
	}
	var out []Driver
	for _, i := range s.vary {
		if before != nil && !before[i] {
			continue
		}
		rho := stats[i].Sensitivity
		if target != nil {
			rho = pearson32(ranks[i], target)
		}
		if rho >= 0.05 {
			out = append(out, Driver{Task: s.net.ID(i), Sensitivity: rho})
		}
	}
	slices.SortStableFunc(out, func(x, y Driver) int { return cmp.Compare(y.Sensitivity, x.Sensitivity) })
	return out[:min(5, len(out))]
}

// column returns varying task k's durations in the first n iterations.
func (r *run) column(k, n int) []float32 { return r.durs[k*r.n : k*r.n+n] }

func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	if len(xs) > 1 {
		sd = math.Sqrt(ss / float64(len(xs)-1))
	}
	return mean, sd
}

func pearson(x, y []float64) float64 {
	mx, _ := meanSD(x)
	my, _ := meanSD(y)
	return pearsonFrom(x, y, mx, my)
}

// pearsonFrom is pearson given the means of x and y.
func pearsonFrom(x, y []float64, mx, my float64) float64 {
	var sxy, sxx, syy float64
	for k := range x {
		dx, dy := x[k]-mx, y[k]-my
		sxy, sxx, syy = sxy+dx*dy, sxx+dx*dx, syy+dy*dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}
