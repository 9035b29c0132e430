package risk_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
	"gonum.org/v1/gonum/stat/distuv"
)

// The analytic checks run 10,000 iterations; each tolerance is about five
// standard errors of its estimate (or a Kolmogorov–Smirnov critical value
// at α = 10⁻⁴), so another seed passes too with overwhelming probability.
const iterations = 10_000

var start = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)

// chain returns n tasks of 10 days, each after the one before.
func chain(n int) *schedule.Project {
	p := &schedule.Project{Start: start}
	for i := range n {
		p.Tasks = append(p.Tasks, schedule.Task{ID: fmt.Sprintf("T%d", i+1), Duration: schedule.Days(10)})
		if i > 0 {
			p.Links = append(p.Links, schedule.Link{Pred: fmt.Sprintf("T%d", i), Succ: fmt.Sprintf("T%d", i+1)})
		}
	}
	return p
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func simulate(t *testing.T, p *schedule.Project, m *risk.Model, opts risk.Options) *risk.Analysis {
	t.Helper()
	opts.Iterations = max(opts.Iterations, iterations)
	a, err := risk.Simulate(context.Background(), p, m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ks returns the Kolmogorov–Smirnov statistic of sorted samples against
// the CDF.
func ks(sorted []float64, cdf func(float64) float64) float64 {
	n := float64(len(sorted))
	var d float64
	for i, x := range sorted {
		f := cdf(x)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	return d
}

// ksCritical is the one-sample KS critical value at α = 10⁻⁴.
func ksCritical(n int) float64 { return math.Sqrt(-math.Log(1e-4/2)/2) / math.Sqrt(float64(n)) }

func TestChainOfNormals(t *testing.T) {
	p := chain(10)
	m := &risk.Model{}
	for _, task := range p.Tasks {
		m.Durations = append(m.Durations, risk.Uncertainty{Task: task.ID, Dist: must(risk.Normal(10, 2))})
	}
	a := simulate(t, p, m, risk.Options{Seed: 1})
	want := distuv.Normal{Mu: 100, Sigma: math.Sqrt(40)}
	if d, crit := ks(a.Project.Samples(), want.CDF), ksCritical(a.Iterations); d > crit {
		t.Errorf("finish against N(100, 40): KS statistic %.4f, critical %.4f", d, crit)
	}
	p80 := a.Project.Percentile(80)
	if exact := want.Quantile(0.8); exact < p80.Low || exact > p80.High {
		t.Errorf("P80 %.3f, interval [%.3f, %.3f] misses the exact %.3f", p80.Days, p80.Low, p80.High, exact)
	}
	if math.Abs(want.Quantile(0.8)-105.32) > 0.005 {
		t.Fatalf("the exact P80 is %.4f", want.Quantile(0.8))
	}
}

func TestParallelPaths(t *testing.T) {
	p := &schedule.Project{Start: start, Tasks: []schedule.Task{{ID: "done"}}}
	m := &risk.Model{}
	for i := range 5 {
		id := fmt.Sprintf("P%d", i+1)
		p.Tasks = append(p.Tasks, schedule.Task{ID: id, Duration: schedule.Days(10)})
		p.Links = append(p.Links, schedule.Link{Pred: id, Succ: "done"})
		m.Durations = append(m.Durations, risk.Uncertainty{Task: id, Dist: must(risk.Normal(10, 1))})
	}
	a := simulate(t, p, m, risk.Options{Seed: 1})
	if len(a.Milestones) != 1 || a.Milestones[0].Task != "done" {
		t.Fatalf("milestones %v, want the one, done", a.Milestones)
	}
	f := a.Milestones[0]
	// The mean of the largest of five standard normals is 1.16296.
	if math.Abs(f.Mean-11.1630) > 0.035 {
		t.Errorf("mean %.4f, want 11.1630", f.Mean)
	}
	if got := f.Probability(10); math.Abs(got-1.0/32) > 0.009 {
		t.Errorf("P(finish ≤ 10) %.4f, want 1/32", got)
	}
	if f.Deterministic != 10 {
		t.Errorf("deterministic %v days, want 10", f.Deterministic)
	}
}

func TestDistributionFormulas(t *testing.T) {
	pert := must(risk.PERT(2, 4, 10))
	tri := must(risk.Triangle(2, 4, 10))
	trigen := must(risk.Trigen(100, 200, 300, 0.1, 0.9))
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"PERT(2, 4, 10) mean", pert.Mean(), 4.6667, 5e-5},
		{"PERT(2, 4, 10) variance", pert.Variance(), 2.0317, 5e-5},
		{"Triangle(2, 4, 10) mean", tri.Mean(), 5.3333, 5e-5},
		{"Triangle(2, 4, 10) P80", tri.Quantile(0.8), 6.9016, 5e-5},
		{"Trigen(100, 200, 300, 10 %, 90 %) P10", trigen.Quantile(0.1), 100, 1e-9},
		{"Trigen(100, 200, 300, 10 %, 90 %) P90", trigen.Quantile(0.9), 300, 1e-9},
		{"Trigen(100, 200, 300, 10 %, 90 %) mode CDF", trigen.CDF(200), 0.5, 1e-9},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s: got %.6f, want %.4f", c.name, c.got, c.want)
		}
	}
	asym := must(risk.Trigen(5, 8, 20, 0.05, 0.8))
	if math.Abs(asym.Quantile(0.05)-5) > 1e-9 || math.Abs(asym.Quantile(0.8)-20) > 1e-9 {
		t.Errorf("Trigen(5, 8, 20, 5 %%, 80 %%): P5 %.6f, P80 %.6f", asym.Quantile(0.05), asym.Quantile(0.8))
	}
}

// The tabulated BetaPERT quantile agrees with gonum's exact one (an
// inversion of the incomplete beta function) to 2e-4 of the range over
// the shapes PERT makes, the narrowest allowed (shape 1,000) among them.
func TestPERTQuantile(t *testing.T) {
	for _, c := range [][4]float64{{2, 4, 10, 4}, {0, 0, 1, 4}, {0, 1, 10, 4}, {0, 1, 1, 4}, {0, 0.5, 1, 4}, {3, 3.1, 50, 4}, {1, 2, 3, 0.5}, {1, 9, 10, 20}, {0, 5, 10, 1000}} {
		d := must(risk.PERTShape(c[0], c[1], c[2], c[3]))
		lo, mode, hi, lambda := c[0], c[1], c[2], c[3]
		exact := distuv.Beta{Alpha: 1 + lambda*(mode-lo)/(hi-lo), Beta: 1 + lambda*(hi-mode)/(hi-lo)}
		for k := 1; k < 1000; k++ {
			p := float64(k) / 1000
			if got, want := d.Quantile(p), lo+(hi-lo)*exact.Quantile(p); math.Abs(got-want) > 2e-4*(hi-lo) {
				t.Fatalf("PERT%v: quantile(%.3f) %.8f, exact %.8f", c, p, got, want)
			}
		}
	}
}

// Sampled through a one-task project, each distribution's values match its
// own CDF (KS) and its mean.
func TestSampledDistributions(t *testing.T) {
	for _, c := range []struct {
		name string
		d    risk.Distribution
	}{
		{"pert", must(risk.PERT(2, 4, 10))},
		{"triangle", must(risk.Triangle(2, 4, 10))},
		{"trigen", must(risk.Trigen(10, 20, 30, 0.1, 0.9))},
		{"uniform", must(risk.Uniform(3, 7))},
		{"normal", must(risk.Normal(10, 3))},
		{"normal near zero", must(risk.Normal(1, 2))},
		{"lognormal", must(risk.LogNormal(10, 4))},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := chain(1)
			m := &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: c.d}}}
			a := simulate(t, p, m, risk.Options{Seed: 7})
			// Durations are whole minutes: allow half a minute each way.
			const half = 0.5 / 480
			cdf := func(x float64) float64 { return c.d.CDF(x) }
			s := a.Project.Samples()
			var d float64
			for i, x := range s {
				n := float64(len(s))
				d = max(d, cdf(x+half)-float64(i)/n, float64(i+1)/n-cdf(x-half))
			}
			if crit := ksCritical(len(s)); d > crit {
				t.Errorf("KS statistic %.4f, critical %.4f", d, crit)
			}
			se := math.Sqrt(c.d.Variance() / float64(len(s)))
			if math.Abs(a.Project.Mean-c.d.Mean()) > 5*se+half {
				t.Errorf("mean %.4f, want %.4f", a.Project.Mean, c.d.Mean())
			}
		})
	}
}

func TestChainSensitivity(t *testing.T) {
	p := chain(4)
	m := &risk.Model{}
	for _, task := range p.Tasks {
		m.Durations = append(m.Durations, risk.Uncertainty{Task: task.ID, Dist: must(risk.Normal(10, 2))})
	}
	a := simulate(t, p, m, risk.Options{Seed: 3, Tasks: true})
	// Each task has Pearson correlation 1/2 with the sum of four;
	// for normals Spearman's is (6/π)·asin(1/4) = 0.4826.
	want := 6 / math.Pi * math.Asin(0.25)
	for _, tr := range a.Tasks {
		if math.Abs(tr.Sensitivity-want) > 0.03 {
			t.Errorf("%s: sensitivity %.4f, want %.4f", tr.Task, tr.Sensitivity, want)
		}
		if tr.Criticality != 1 {
			t.Errorf("%s: criticality %v, want 1", tr.Task, tr.Criticality)
		}
		if math.Abs(tr.Cruciality-0.5) > 0.03 || math.Abs(tr.SSI-0.5) > 0.03 {
			t.Errorf("%s: cruciality %.4f, SSI %.4f, want 0.5 each", tr.Task, tr.Cruciality, tr.SSI)
		}
	}
}

func TestRiskEvent(t *testing.T) {
	p := chain(1)
	m := &risk.Model{Risks: []risk.Event{{ID: "R1", Probability: 0.3, Impact: risk.Fixed(5), Tasks: []string{"T1"}}}}
	a := simulate(t, p, m, risk.Options{Seed: 1})
	late := 1 - a.Project.Probability(10)
	if math.Abs(late-0.3) > 0.023 {
		t.Errorf("late with probability %.4f, want 0.3", late)
	}
	if math.Abs(a.Score-100*late) > 1e-9 {
		t.Errorf("score %v, want %v", a.Score, 100*late)
	}
	if s := a.Project.Samples(); s[0] != 10 || s[len(s)-1] != 15 {
		t.Errorf("finishes from %v to %v days, want 10 and 15", s[0], s[len(s)-1])
	}
	// The response: probability 0.1, impact 2 days.
	m.Risks[0].Mitigated = &risk.Mitigation{Probability: new(0.1), Impact: risk.Fixed(2)}
	a = simulate(t, p, m, risk.Options{Seed: 1, Mitigated: true})
	if late := 1 - a.Project.Probability(10); math.Abs(late-0.1) > 0.015 || a.Project.Samples()[iterations-1] != 12 {
		t.Errorf("mitigated: late with probability %.4f up to %v days, want 0.1 and 12", late, a.Project.Samples()[iterations-1])
	}
}

// One draw of an event hits all its tasks: two parallel tasks hit by the
// same event are late together, so the finish is late with the event's
// probability, not more.
func TestEventSharedDraw(t *testing.T) {
	p := &schedule.Project{Start: start, Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(10)}, {ID: "B", Duration: schedule.Days(10)}}}
	m := &risk.Model{Risks: []risk.Event{
		{ID: "flood", Probability: 0.5, Impact: must(risk.Uniform(1, 5)), Tasks: []string{"A", "B"}},
		{ID: "early", Probability: 0.2, Impact: risk.Fixed(0.5), Factor: true, Tasks: []string{"A"}},
	}}
	a := simulate(t, p, m, risk.Options{Seed: 2, Tasks: true})
	if late := 1 - a.Project.Probability(10); math.Abs(late-0.5) > 0.025 {
		t.Errorf("late with probability %.4f, want 0.5", late)
	}
	if !m.Risks[1].Opportunity() || m.Risks[0].Opportunity() {
		t.Errorf("opportunity: flood %v, early %v", m.Risks[0].Opportunity(), m.Risks[1].Opportunity())
	}
	// A is halved with probability 0.2, and the flood adds 3 days on
	// average half the time, after the factor.
	var a5 int
	for _, tr := range a.Tasks {
		if tr.Task == "A" {
			if want := 10*(0.8+0.2*0.5) + 0.5*3; math.Abs(tr.MeanDuration-want) > 0.1 {
				t.Errorf("A's mean duration %.3f, want %.3f", tr.MeanDuration, want)
			}
			a5++
		}
	}
	if a5 != 1 {
		t.Fatal("no statistics for A")
	}
}

func TestDegenerate(t *testing.T) {
	for _, c := range []struct {
		name string
		d    risk.Distribution
	}{
		{"triangle", must(risk.Triangle(4, 4, 4))},
		{"pert", must(risk.PERT(4, 4, 4))},
		{"trigen", must(risk.Trigen(4, 4, 4, 0.1, 0.9))},
		{"uniform", must(risk.Uniform(4, 4))},
		{"normal", must(risk.Normal(4, 0))},
		{"lognormal", must(risk.LogNormal(4, 0))},
		{"discrete", must(risk.Discrete([]float64{4, 4}, []float64{1, 2}))},
	} {
		if c.d != risk.Fixed(4) {
			t.Errorf("%s with equal points: %#v, want Fixed(4)", c.name, c.d)
		}
	}
}

func TestBadDistributions(t *testing.T) {
	for name, err := range map[string]error{
		"triangle mode above max": second(risk.Triangle(1, 5, 3)),
		"triangle NaN":            second(risk.Triangle(math.NaN(), 1, 2)),
		"pert shape 0":            second(risk.PERTShape(1, 2, 3, 0)),
		"trigen p reversed":       second(risk.Trigen(1, 2, 3, 0.9, 0.1)),
		"trigen low at mode":      second(risk.Trigen(2, 2, 3, 0.1, 0.9)),
		"uniform reversed":        second(risk.Uniform(3, 1)),
		"normal negative mean":    second(risk.Normal(-1, 1)),
		"lognormal negative sd":   second(risk.LogNormal(1, -1)),
		"discrete zero weight":    second(risk.Discrete([]float64{1, 2}, []float64{1, 0})),
		"discrete no values":      second(risk.Discrete(nil, nil)),
	} {
		if !errors.Is(err, risk.ErrBadDistribution) {
			t.Errorf("%s: error %v, want ErrBadDistribution", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestDiscrete(t *testing.T) {
	d := must(risk.Discrete([]float64{12, 5, 8}, []float64{3, 2, 5}))
	if got := []float64{d.Quantile(0.1), d.Quantile(0.2), d.Quantile(0.21), d.Quantile(0.7), d.Quantile(0.71)}; !slices.Equal(got, []float64{5, 5, 8, 8, 12}) {
		t.Errorf("quantiles %v", got)
	}
	if math.Abs(d.Mean()-(5*0.2+8*0.5+12*0.3)) > 1e-12 || d.CDF(8) != 0.7 || d.CDF(7.9) != 0.2 {
		t.Errorf("mean %v, CDF(8) %v, CDF(7.9) %v", d.Mean(), d.CDF(8), d.CDF(7.9))
	}
}
