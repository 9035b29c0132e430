package risk_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
)

func TestModelErrors(t *testing.T) {
	p := chain(3)
	p.Tasks = append(p.Tasks, schedule.Task{ID: "M"}, schedule.Task{ID: "S"}, schedule.Task{ID: "S1", Parent: "S", Duration: schedule.Days(2)})
	tri := must(risk.Triangle(1, 2, 3))
	for _, c := range []struct {
		name string
		m    risk.Model
		want string
	}{
		{"unknown task", risk.Model{Durations: []risk.Uncertainty{{Task: "X", Dist: tri}}}, `durations[0].task: no task "X"`},
		{"summary", risk.Model{Durations: []risk.Uncertainty{{Task: "S", Dist: tri}}}, `task "S" is a summary`},
		{"milestone", risk.Model{Durations: []risk.Uncertainty{{Task: "M", Dist: tri}}}, `task "M" is a milestone`},
		{"twice", risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}, {Task: "T1", Dist: tri}}}, `durations[1]: task "T1" has a distribution already`},
		{"no distribution", risk.Model{Durations: []risk.Uncertainty{{Task: "T1"}}}, "has no distribution"},
		{"negative", risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: must(risk.Uniform(-2, 3))}}}, "below zero"},
		{"probability", risk.Model{Risks: []risk.Event{{ID: "R", Probability: -0.1, Impact: tri, Tasks: []string{"T1"}}}}, "risks[0] (R).probability -0.1"},
		{"mitigated probability", risk.Model{Risks: []risk.Event{{Probability: 0.1, Impact: tri, Tasks: []string{"T1"}, Mitigated: &risk.Mitigation{Probability: new(2.0)}}}}, "risks[0].mitigated.probability 2"},
		{"no impact", risk.Model{Risks: []risk.Event{{Probability: 0.1, Tasks: []string{"T1"}}}}, "risks[0].impact: missing"},
		{"no tasks", risk.Model{Risks: []risk.Event{{Probability: 0.1, Impact: tri}}}, "risks[0].tasks: the event hits no task"},
		{"hit twice", risk.Model{Risks: []risk.Event{{Probability: 0.1, Impact: tri, Tasks: []string{"T1", "T1"}}}}, `risks[0].tasks[1]: task "T1" is listed twice`},
		{"negative factor", risk.Model{Risks: []risk.Event{{Probability: 0.1, Impact: must(risk.Uniform(-1, 1)), Factor: true, Tasks: []string{"T1"}}}}, "a factor below zero"},
		{"correlation without distribution", risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}}, Correlations: []risk.Correlation{{"T1", "T2", 0.5}}}, `correlations[0]: task "T2" has no duration distribution`},
		{"correlation range", risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}, {Task: "T2", Dist: tri}}, Correlations: []risk.Correlation{{"T1", "T2", 1.5}}}, "correlations[0].rank 1.5"},
		{"self correlation", risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}}, Correlations: []risk.Correlation{{"T1", "T1", 0.5}}}, "with itself"},
		{"pair twice", risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}, {Task: "T2", Dist: tri}}, Correlations: []risk.Correlation{{"T1", "T2", 0.5}, {"T2", "T1", 0.1}}}, "correlated twice"},
		{"unit", risk.Model{Unit: schedule.PercentOf(5)}, "unit 5%"},
	} {
		_, err := risk.Simulate(context.Background(), p, &c.m, risk.Options{Iterations: 10})
		if !errors.Is(err, risk.ErrBadModel) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrBadModel naming %q", c.name, err, c.want)
		}
	}
	for _, opts := range []risk.Options{{Iterations: -1}, {Percentile: 100}, {Workers: -1}, {Tolerance: -1}} {
		if _, err := risk.Simulate(context.Background(), p, &risk.Model{}, opts); !errors.Is(err, risk.ErrBadModel) {
			t.Errorf("options %+v: error %v, want ErrBadModel", opts, err)
		}
	}
}

// A Distribution that panics is an error, not a crash.
func TestPanickingDistribution(t *testing.T) {
	_, err := risk.Simulate(context.Background(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: panicky{}}}}, risk.Options{Iterations: 600})
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("error %v, want a panic reported", err)
	}
}

type panicky struct{ risk.Fixed }

func (panicky) Quantile(p float64) float64 {
	if p > 0.5 {
		panic("boom")
	}
	return 1
}

// Reading a risk document: every distribution, events and correlations.
func TestReadFile(t *testing.T) {
	doc := `{"project": {"start": "2027-01-03T08:00:00+06:00", "tasks": [{"id": "A", "duration": "5d"}, {"id": "B", "duration": "3d"}]},
	 "unit": "1d",
	 "durations": [{"task": "A", "pert": [3, 5, 9], "shape": 3}, {"task": "B", "discrete": [[2, 1], [4, 3]]}],
	 "risks": [{"id": "R", "probability": 0.2, "impact": {"lognormal": [2, 1]}, "tasks": ["A", "B"], "mitigated": {"probability": 0.1, "impact": {"normal": [1, 0.2]}}},
	           {"probability": 0.5, "impact": {"trigen": [0.8, 0.9, 1.0], "percentiles": [5, 100]}, "factor": true, "tasks": ["B"]}],
	 "correlations": [{"a": "A", "b": "B", "rank": -0.3}]}`
	f, err := risk.ReadFile(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	m := f.Model
	if f.Project == nil || len(f.Project.Tasks) != 2 || len(m.Durations) != 2 || len(m.Risks) != 2 || len(m.Correlations) != 1 || m.Risks[0].Mitigated == nil {
		t.Fatalf("read %+v / %+v", f, m)
	}
	if got := m.Durations[0].Dist.Mean(); got != (3+3*5+9)/5.0 {
		t.Errorf("pert shape 3 mean %v", got)
	}
	if _, err := risk.Simulate(context.Background(), f.Project, m, risk.Options{Iterations: 100, Mitigated: true}); err != nil {
		t.Error(err)
	}
}

func FuzzReadFile(f *testing.F) {
	f.Add([]byte(`{"project": "p.json", "durations": [{"task": "A", "triangle": [1, 2, 3]}], "risks": [{"probability": 0.5, "impact": {"fixed": 2}, "tasks": ["A"]}]}`))
	f.Add([]byte(`{"project": {"start": "2027-01-03T08:00:00Z", "tasks": [{"id": "A", "duration": "1d"}]}, "durations": [{"task": "A", "normal": [1, 0.5]}]}`))
	f.Add([]byte(`{"project": "x", "durations": [{"task": "A", "discrete": [[1, 1], [2, 0]]}], "correlations": [{"a": "A", "b": "B", "rank": 2}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := risk.ReadFile(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, u := range doc.Model.Durations { // every distribution read is usable
			for _, p := range []float64{1e-9, 0.5, 1 - 1e-9} {
				_ = u.Dist.Quantile(p)
			}
		}
		if doc.Project != nil {
			_, _ = risk.Simulate(context.Background(), doc.Project, doc.Model, risk.Options{Iterations: 3, Workers: 1})
		}
	})
}

// What the review found, each held: a distribution giving NaN is an error
// (it once left the task at the previous iteration's duration, so results
// depended on the worker count); a distribution that panics while the
// model is checked is an error too; overflowing parameters are refused.
func TestBadSamples(t *testing.T) {
	_, err := risk.Simulate(context.Background(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: nanny{}}}}, risk.Options{Iterations: 600})
	if err == nil || !strings.Contains(err.Error(), `task "T1": a sampled duration of NaN`) {
		t.Errorf("NaN samples: %v", err)
	}
	_, err = risk.Simulate(context.Background(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: panicky{}}}}, risk.Options{Iterations: 10})
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("a distribution panicking at once: %v", err)
	}
	for name, err := range map[string]error{
		"lognormal sd 1e160":  second(risk.LogNormal(1, 1e160)),
		"uniform ±1e308":      second(risk.Uniform(-1e308, 1e308)),
		"triangle ±1e308":     second(risk.Triangle(-1e308, 0, 1e308)),
		"PERT shape too high": second(risk.PERTShape(1, 2, 3, 1e6)),
	} {
		if !errors.Is(err, risk.ErrBadDistribution) {
			t.Errorf("%s: %v, want ErrBadDistribution", name, err)
		}
	}
	// The task statistics' memory is bounded before anything is kept:
	// 10 million iterations of 30 varying tasks is over the bound.
	big := chain(30)
	bm := &risk.Model{}
	for _, task := range big.Tasks {
		bm.Durations = append(bm.Durations, risk.Uncertainty{Task: task.ID, Dist: must(risk.Uniform(1, 2))})
	}
	if _, err := risk.Simulate(context.Background(), big, bm, risk.Options{Iterations: 10_000_000, Tasks: true}); !errors.Is(err, risk.ErrBadModel) || !strings.Contains(err.Error(), "varying tasks") {
		t.Errorf("10M iterations × 30 tasks with task statistics: %v, want ErrBadModel", err)
	}
	p := chain(2)
	m := &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: must(risk.Uniform(1, 2))}, {Task: "T2", Dist: must(risk.Uniform(1, 2))}}}
	var nan risk.Estimate
	func() {
		defer func() {
			if x := recover(); x != nil {
				t.Errorf("Percentile(NaN) panicked: %v", x)
			}
		}()
		a, err := risk.Simulate(context.Background(), p, m, risk.Options{Iterations: 10})
		if err != nil {
			t.Fatal(err)
		}
		nan = a.Project.Percentile(math.NaN())
	}()
	if !math.IsNaN(nan.Days) {
		t.Errorf("Percentile(NaN) = %+v", nan)
	}
}

type nanny struct{ risk.Fixed }

func (nanny) Quantile(p float64) float64 {
	if p > 0.5 {
		return math.NaN()
	}
	return 1
}

// A response that changes only the impact keeps the probability, in JSON
// and in Go.
func TestMitigationKeepsProbability(t *testing.T) {
	doc := `{"project": {"start": "2027-01-03T08:00:00Z", "tasks": [{"id": "A", "duration": "5d"}]},
	 "risks": [{"probability": 1, "impact": {"fixed": 4}, "tasks": ["A"], "mitigated": {"impact": {"fixed": 2}}}]}`
	f, err := risk.ReadFile(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	a, err := risk.Simulate(context.Background(), f.Project, f.Model, risk.Options{Iterations: 50, Mitigated: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := a.Project.Samples(); s[0] != 7 || s[len(s)-1] != 7 {
		t.Errorf("mitigated finishes %v–%v days, want 7 (5 + 2, every time)", s[0], s[len(s)-1])
	}
}

// Ranks of ±1 are what durations can have: no repair is reported.
func TestPerfectRankCorrelation(t *testing.T) {
	p := chain(2)
	m := &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: must(risk.Uniform(1, 2))}, {Task: "T2", Dist: must(risk.Uniform(5, 9))}},
		Correlations: []risk.Correlation{{"T1", "T2", 1}}}
	a, err := risk.Simulate(context.Background(), p, m, risk.Options{Iterations: 1000, Tasks: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.Repair != nil {
		t.Errorf("a rank correlation of 1 was repaired: %+v", a.Repair)
	}
}
