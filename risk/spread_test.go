package risk_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
)

// Spread gives each task with work to do the range asked for around its
// planned duration: a chain of two 10-day tasks under PERT −10 %, +30 %
// finishes on average at 2 × 10 × (0.9 + 4 + 1.3)/6 days, the PERT mean,
// with the spread of two independent PERTs; a milestone and a finished
// task are left as they are.
func TestSpread(t *testing.T) {
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	p := &schedule.Project{Name: "chain", Start: start, StatusDate: start.AddDate(0, 0, 1), Tasks: []schedule.Task{
		{ID: "done", Duration: schedule.Days(1), ActualStart: start, ActualFinish: start.Add(9 * time.Hour)},
		{ID: "A", Duration: schedule.Days(10)},
		{ID: "B", Duration: schedule.Days(10)},
		{ID: "M"},
	}, Links: []schedule.Link{{Pred: "done", Succ: "A"}, {Pred: "A", Succ: "B"}, {Pred: "B", Succ: "M"}}}
	m, err := risk.Spread(p, risk.ShapePERT, -0.1, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Durations) != 2 || m.Durations[0].Task != "A" || m.Durations[1].Task != "B" {
		t.Fatalf("uncertainties %+v, want A and B", m.Durations)
	}
	if got, want := m.Durations[0].Dist.Mean(), 4800*(0.9+4+1.3)/6; math.Abs(got-want) > 1e-9 {
		t.Errorf("A's mean %v minutes, want %v", got, want)
	}
	a, err := risk.Simulate(t.Context(), p, m, risk.Options{Iterations: 20000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pert, _ := risk.PERT(9, 10, 13)
	wantMean := a.Project.Deterministic - 20 + 2*pert.Mean()
	wantSD := math.Sqrt(2 * pert.Variance())
	if math.Abs(a.Project.Mean-wantMean) > 4*wantSD/math.Sqrt(20000) || math.Abs(a.Project.StdDev-wantSD) > 0.05*wantSD {
		t.Errorf("finish mean %.4f sd %.4f days, want %.4f and %.4f", a.Project.Mean, a.Project.StdDev, wantMean, wantSD)
	}
}

func TestSpreadErrors(t *testing.T) {
	p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}}}
	for _, c := range []struct {
		shape     string
		low, high float64
	}{{"beta", -0.1, 0.3}, {"pert", 0.1, 0.3}, {"pert", -1.5, 0.3}, {"pert", -0.1, -0.3}, {"pert", math.NaN(), 0.3}, {"pert", -0.1, math.Inf(1)}} {
		if _, err := risk.Spread(p, c.shape, c.low, c.high); !errors.Is(err, risk.ErrBadModel) {
			t.Errorf("%s %v %v: got %v, want ErrBadModel", c.shape, c.low, c.high, err)
		}
	}
	if _, err := risk.Spread(&schedule.Project{}, "pert", -0.1, 0.3); err == nil {
		t.Error("a project without a start: no error")
	}
}
